"""The base of every ledger aggregate: events stamped by the ledger's clock, and who entered them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from eventsourcing.domain import Aggregate

from ledger import clock


@attrs.frozen
class Entry:
    """Who put a fact into the ledger, and through which path (cli, import:<sha256>, seed)."""

    analyst: str
    via: str = "cli"

    def to_dict(self) -> dict[str, Any]:
        return {"analyst": self.analyst, "via": self.via}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        return cls(d["analyst"], d.get("via", "cli"))


class LedgerAggregate(Aggregate):
    """Aggregates whose event timestamps are the ledger's recorded time."""

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> dt.datetime:
            return clock.now()

    class Created(Event, Aggregate.Created):
        pass
