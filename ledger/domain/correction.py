"""An analyst's fix of a mistyped figure, as stored in a claim series' FigureCorrected event.

Its own module (re-exported by ledger.domain.series) so reads that fold corrections into claims
need not import the aggregates and the event-sourcing library."""

from __future__ import annotations

import attrs

from ledger.domain.quantity import Quantity
from ledger.domain.values import Citation, Period, ReportedTime, SubCounts


@attrs.frozen
class Correction:
    """An analyst's fix of a mistyped figure: the fields that were wrong, with their right values."""

    quantity: Quantity | None = None
    role: str | None = None
    reported: ReportedTime | None = None
    occurred: Period | None = None
    citation: Citation | None = None
    subcounts: SubCounts | None = None
    stance: str | None = None  # the stance as it should have been recorded
    derived: str | None = None  # how a figure entered as quoted was in fact worked out

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in attrs.fields(Correction))

    def to_dict(self) -> dict[str, object]:
        # Fields added later are written only when set, so corrections stored before them keep their bytes.
        return {
            f.name: (None if (v := getattr(self, f.name)) is None else v if isinstance(v, str) else v.to_dict())
            for f in attrs.fields(Correction)
            if f.name not in _LATER_FIELDS or getattr(self, f.name) is not None
        }

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Correction:
        def load(kind: type, key: str) -> object:
            value = d.get(key)
            return None if value is None else kind.from_dict(value)

        return cls(
            quantity=load(Quantity, "quantity"),  # type: ignore[arg-type]
            role=d.get("role"),  # type: ignore[arg-type]
            reported=load(ReportedTime, "reported"),  # type: ignore[arg-type]
            occurred=load(Period, "occurred"),  # type: ignore[arg-type]
            citation=load(Citation, "citation"),  # type: ignore[arg-type]
            subcounts=load(SubCounts, "subcounts"),  # type: ignore[arg-type]
            stance=d.get("stance"),  # type: ignore[arg-type]
            derived=d.get("derived"),  # type: ignore[arg-type]
        )


_LATER_FIELDS = frozenset({"stance", "derived"})
