"""JSON transcodings for the value objects that events carry."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Transcoding

from ledger.domain.base import Entry
from ledger.domain.quantity import Quantity
from ledger.domain.series import Correction
from ledger.domain.values import Citation, Location, Period, ReportedTime, SubCounts


def _transcoding(cls: type, name: str) -> Transcoding:
    """A transcoding for a value class with `to_dict` / `from_dict`; `name` is stored, never change it."""

    class _ValueAsDict(Transcoding):
        type = cls

        def encode(self, obj: Any) -> dict[str, Any]:
            return obj.to_dict()  # type: ignore[no-any-return]

        def decode(self, data: Any) -> Any:
            return cls.from_dict(data)  # type: ignore[attr-defined]

    _ValueAsDict.name = name
    return _ValueAsDict()


VALUE_TRANSCODINGS = (
    _transcoding(Quantity, "quantity"),
    _transcoding(Period, "period"),
    _transcoding(ReportedTime, "reported_time"),
    _transcoding(Location, "location"),
    _transcoding(Citation, "citation"),
    _transcoding(SubCounts, "subcounts"),
    _transcoding(Entry, "entry"),
    _transcoding(Correction, "correction"),
)
