"""The later facts about registrations in the ledger's JSON Lines bundles: corrections of claimants,
publishers and incidents, and incidents' closings and reopenings.

A bundle carries each registration as first made, then these facts in log order (with the grades),
before the figures, so an imported ledger has the same audit trail. As grades are, they are applied
only to what the same import registers (a ledger's own registrations keep their own history), and
before the import's figures, which are checked against the incidents as corrected.

Records (besides "record", "reason" is required in each):

    {"record": "claimant_correction", "claimant": KEY, "name"?, "kind"?, "default_roles"?, "description"?}
    {"record": "publisher_correction", "publisher": KEY, "name"?, "kind"?, "url"?}
    {"record": "incident_correction", "incident": KEY, "name"?, "parent"?, "country", "adm1"?, "adm2"?,
     "place"?, "location_precision"? (the whole location, or none of it), "occurred_start", "occurred_end"?,
     "date_precision"?, "estimated"? (the whole period, or none of it), "description"?}
    {"record": "closing" | "reopening", "incident": KEY}
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import attrs
import duckdb

from ledger.domain.base import Entry
from ledger.domain.limits import check_url
from ledger.domain.values import Location, Period
from ledger.domain.vocabulary import LocationPrecision, parse_enum
from ledger.errors import LedgerError
from ledger.io.pipeline.catalog import Catalog, FieldProblem, RowInvalid
from ledger.io.pipeline.fields import Fields

Row = dict[str, Any]


@attrs.frozen
class RegistryFact:
    """A later fact about one registration, named by its kind and key."""

    KIND: ClassVar[str] = "registry fact"
    TARGET: ClassVar[str] = "incident"  # the kind of registration it is about
    key: str
    reason: str

    def check(self, catalog: Catalog, file_figures: object) -> None:
        if not self.reason or not self.reason.strip():
            raise RowInvalid([FieldProblem("reason", self.reason, f"{self.KIND}: a reason is required; say why")])
        try:
            catalog.get(self.TARGET, self.key)
        except LedgerError as error:
            raise RowInvalid([FieldProblem(self.TARGET, self.key, str(error))]) from None

    def amend(self, catalog: Catalog) -> None:
        """Bring the import's own view of the registration up to date, for the rows after this one."""

    def applies(self, registered: set[tuple[str, str]]) -> bool:
        return (self.TARGET, self.key.strip().lower()) in registered

    def apply(self, app: Any, entry: Entry, registered: set[tuple[str, str]]) -> bool:
        if not self.applies(registered):
            return False  # what the ledger registered before keeps the facts its analysts recorded
        self._apply(app, entry)
        return True

    def _apply(self, app: Any, entry: Entry) -> None:
        raise NotImplementedError


@attrs.frozen
class ClaimantCorrection(RegistryFact):
    KIND: ClassVar[str] = "claimant correction"
    TARGET: ClassVar[str] = "claimant"
    name: str | None = None
    kind: str | None = None
    default_roles: dict[str, str] | None = None
    description: str | None = None

    def _apply(self, app: Any, entry: Entry) -> None:
        app.correct_claimant(self.key, self.reason, entry, self.name, self.kind, self.default_roles, self.description)


@attrs.frozen
class PublisherCorrection(RegistryFact):
    KIND: ClassVar[str] = "publisher correction"
    TARGET: ClassVar[str] = "publisher"
    name: str | None = None
    kind: str | None = None
    url: str | None = None

    def check(self, catalog: Catalog, file_figures: object) -> None:
        super().check(catalog, file_figures)
        try:
            check_url(f"publisher {self.key!r}", self.url)
        except LedgerError as error:
            raise RowInvalid([FieldProblem("url", self.url, str(error))]) from None

    def _apply(self, app: Any, entry: Entry) -> None:
        app.correct_publisher(self.key, self.reason, entry, self.name, self.kind, self.url)


@attrs.frozen
class IncidentCorrection(RegistryFact):
    KIND: ClassVar[str] = "incident correction"
    name: str | None = None
    parent: str | None = None
    location: Location | None = None
    period: Period | None = None
    description: str | None = None

    def check(self, catalog: Catalog, file_figures: object) -> None:
        super().check(catalog, file_figures)
        if self.parent:
            try:
                catalog.get("incident", self.parent)
            except LedgerError as error:
                raise RowInvalid([FieldProblem("parent", self.parent, str(error))]) from None

    def amend(self, catalog: Catalog) -> None:
        # Only an incident this import registers is corrected by it (see RegistryFact.apply).
        incident = catalog.pending.get(("incident", self.key.strip().lower()))
        if incident is None or self.period is None:
            return
        if self.key.strip().lower() in catalog.figured:
            problem = (f"incident correction of {self.key!r}: comes after figures of that incident, which were "
                       "checked against its period as it was; put it above them (as `ledger export figures "
                       "--format jsonl` writes it)")  # fmt: skip
            raise RowInvalid([FieldProblem("incident", self.key, problem)])
        incident.period = self.period  # the rows below are checked against the corrected period

    def _apply(self, app: Any, entry: Entry) -> None:
        app.correct_incident(self.key, self.reason, entry, self.name, self.location, self.period, self.parent,
                             self.description)  # fmt: skip


@attrs.frozen
class Closing(RegistryFact):
    KIND: ClassVar[str] = "closing"

    def _apply(self, app: Any, entry: Entry) -> None:
        app.close_incident(self.key, self.reason, entry)


@attrs.frozen
class Reopening(RegistryFact):
    KIND: ClassVar[str] = "reopening"

    def _apply(self, app: Any, entry: Entry) -> None:
        app.reopen_incident(self.key, self.reason, entry)


# --- reading records ------------------------------------------------------------------------------


def _optional_text(f: Fields, name: str) -> str | None:
    """A field that is absent (unchanged) or text, the empty text included."""
    value = f.values.get(name)
    return None if value is None else f.text(name, "")


def _claimant_correction(f: Fields) -> RegistryFact:
    roles = f.mapping("default_roles") if f.values.get("default_roles") is not None else None
    return ClaimantCorrection(f.required("claimant"), f.required("reason"), f.text("name"), f.text("kind"), roles,
                              _optional_text(f, "description"))  # fmt: skip


def _publisher_correction(f: Fields) -> RegistryFact:
    return PublisherCorrection(f.required("publisher"), f.required("reason"), f.text("name"), f.text("kind"), f.text("url"))


def _incident_correction(f: Fields) -> RegistryFact:
    location = None
    if f.raw("country") is not None:
        adm1, adm2, place = f.text("adm1"), f.text("adm2"), f.text("place")
        finest = "place" if place else "adm2" if adm2 else "adm1" if adm1 else "country"
        precision = f.check(
            "location_precision", f.raw("location_precision"),
            lambda: parse_enum(LocationPrecision, f.raw("location_precision") or finest, "location precision"),
        )  # fmt: skip
        location = Location(f.required("country"), adm1, adm2, place, precision or LocationPrecision(finest))
    period = f.period("occurred_start", "occurred_end", "date_precision", "estimated")
    return IncidentCorrection(f.required("incident"), f.required("reason"), f.text("name"), f.text("parent"), location,
                              period, _optional_text(f, "description"))  # fmt: skip


def _closing(f: Fields) -> RegistryFact:
    return Closing(f.required("incident"), f.required("reason"))


def _reopening(f: Fields) -> RegistryFact:
    return Reopening(f.required("incident"), f.required("reason"))


RECORDS = {
    "claimant_correction": _claimant_correction,
    "publisher_correction": _publisher_correction,
    "incident_correction": _incident_correction,
    "closing": _closing,
    "reopening": _reopening,
}


# --- writing records ------------------------------------------------------------------------------

LATER_SQL = """
SELECT r.position, r.kind, r.fact, coalesce(c.key, p.key, i.key) AS key, r.fields, r.reason
FROM registry_facts r
LEFT JOIN claimants c ON r.kind = 'claimant' AND c.claimant_id = r.aggregate_id
LEFT JOIN publishers p ON r.kind = 'publisher' AND p.publisher_id = r.aggregate_id
LEFT JOIN incidents i ON r.kind = 'incident' AND i.incident_id = r.aggregate_id
WHERE r.fact <> 'registered' AND ($at IS NULL OR r.recorded_at <= $at)
ORDER BY r.position
"""


def later_records(con: duckdb.DuckDBPyConnection, at: Any) -> list[tuple[int, Row]]:
    """(log position, record) of every correction, closing and reopening of a registration recorded by `at`."""
    keys = dict(con.execute("SELECT incident_id, key FROM incidents").fetchall())
    found = []
    for position, kind, fact, key, fields, reason in con.execute(LATER_SQL, {"at": at}).fetchall():
        if fact in ("closed", "reopened"):
            found.append((position, {"record": "closing" if fact == "closed" else "reopening", "incident": key,
                                     "reason": reason}))  # fmt: skip
            continue
        given = {k: v for k, v in json.loads(fields).items() if v is not None}
        record: Row = {"record": f"{kind}_correction", kind: key, "reason": reason}
        if kind == "incident":
            record |= _incident_fields(given, keys)
        else:
            record |= given
        found.append((position, record))
    return found


def _incident_fields(given: Row, keys: dict[str, str]) -> Row:
    fields: Row = {k: given[k] for k in ("name", "description") if k in given}
    if "parent_id" in given:
        fields["parent"] = keys.get(given["parent_id"], given["parent_id"])
    if "location" in given:
        loc = given["location"]
        fields |= {k: loc.get(k) for k in ("country", "adm1", "adm2", "place") if loc.get(k) is not None}
        fields["location_precision"] = loc["precision"]
    if "period" in given:
        period = given["period"]
        fields |= {"occurred_start": period["start"], "occurred_end": period["end"], "date_precision": period["precision"],
                   "estimated": bool(period.get("estimated"))}  # fmt: skip
    return fields
