"""Lineage in W3C PROV (PROV-JSON through the `prov` package), for anyone who audits a number.

A figure wasDerivedFrom its document, wasAttributedTo its claimant, and wasGeneratedBy the analyst's
recording, informed by the publisher's publication; it wasRevisionOf the claimant's earlier figure in
its series, and wasInvalidatedBy a withdrawal (by the claimant) or a strike (by an analyst). A data-entry
correction is a derivation typed ledger:Correction, never a revision, so the two stories stay apart.
A tally cell wasGeneratedBy the policy run that used its figures, and wasDerivedFrom them and its parts.
Identifiers are derived from the facts, so the same view gives the same document every time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import duckdb
import prov.model as pm

from ledger.domain.claims import Claim, standing
from ledger.domain.policy import Policy
from ledger.domain.tally import Cell, claim_bounds
from ledger.errors import NotFound
from ledger.history import sources
from ledger.history.snapshot import Snapshot, cell_key, find_cell, take
from ledger.readmodel import queries
from ledger.readmodel.queries import load_facts
from ledger.readmodel.view import View

NAMESPACE = "urn:casualty-ledger:"
PROV_TYPE = "prov:type"


def to_json(document: pm.ProvDocument) -> str:
    """PROV-JSON with sorted keys: the same document always prints the same text."""
    return json.dumps(json.loads(document.serialize(format="json")), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def figure_lineage(con: duckdb.DuckDBPyConnection, figure: str, view: View) -> pm.ProvDocument:
    builder = _Builder(con, view)
    figure_id = str(queries.resolve_figure(con, figure)["figure_id"])
    if figure_id not in builder.figures:
        raise NotFound(f"figure {figure!r}: not yet recorded {view.describe()}; pick a later instant or drop --as-of")
    builder.figure(figure_id)
    return builder.doc


def cell_lineage(
    con: duckdb.DuckDBPyConnection, incident: str, victim_status: str, outcome: str, policy: Policy, view: View
) -> pm.ProvDocument:
    key = cell_key(con, incident, victim_status, outcome)
    snapshot = take(con, policy, view)
    cell = find_cell(snapshot, key, f"{incident} / {key[1]} / {key[2]}")
    builder = _Builder(con, view, snapshot)
    builder.cell(cell, builder.policy_run())
    return builder.doc


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_./-]+", "-", text).strip("-")


def _time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class _Builder:
    def __init__(self, con: duckdb.DuckDBPyConnection, view: View, snapshot: Snapshot | None = None) -> None:
        self.view, self.snapshot = view, snapshot
        self.doc = pm.ProvDocument()
        self.doc.add_namespace("ledger", NAMESPACE)
        self.figures = sources.figure_sources(con, view)
        self.events = sources.figure_events(con, view)
        self.carriers = sources.carrier_sources(con, view)
        self.claims = {c.figure_id: c for c in (snapshot.facts.claims if snapshot else load_facts(con, view).claims)}
        self.standing = {c.figure_id for c in standing(self.claims.values()).values() if c is not None}
        self.documents = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT d.key, d.sha256, d.url, d.title, d.published_at, p.key FROM documents d "
                "LEFT JOIN publishers p USING (publisher_id)"
            ).fetchall()
        }
        self.publishers = {r[0]: r[1:] for r in con.execute("SELECT key, name, kind, url FROM publishers").fetchall()}
        self.claimants = {r[0]: r[1:] for r in con.execute("SELECT key, name, kind FROM claimants").fetchall()}
        self.incidents = sources.incident_keys(con)
        self.done: set[str] = set()

    def once(self, identifier: str) -> bool:
        """True the first time an identifier is met: each record is added once."""
        if identifier in self.done:
            return False
        self.done.add(identifier)
        return True

    # Agents and documents.

    def claimant(self, key: str) -> str:
        identifier = f"ledger:claimant/{key}"
        if self.once(identifier):
            name, kind = self.claimants[key]
            self.doc.agent(identifier, {PROV_TYPE: "ledger:Claimant", "ledger:name": name, "ledger:kind": kind})
        return identifier

    def analyst(self, name: str | None) -> str:
        identifier = f"ledger:analyst/{_slug(name or 'unknown')}"
        if self.once(identifier):
            self.doc.agent(identifier, {PROV_TYPE: pm.PROV["Person"], "ledger:name": name or "unknown"})
        return identifier

    def publisher(self, key: str) -> str:
        identifier = f"ledger:publisher/{key}"
        if self.once(identifier):
            name, kind, url = self.publishers[key]
            attributes = {PROV_TYPE: "ledger:Publisher", "ledger:name": name, "ledger:kind": kind}
            self.doc.agent(identifier, {**attributes, **({"ledger:url": url} if url else {})})
        return identifier

    def publication(self, key: str, publisher: str | None, published: dt.datetime | None, made: str | None) -> str:
        """The publisher's act of making a claim public; `made` is the document it produced, if archived."""
        identifier = f"ledger:publication/{key}"
        if self.once(identifier):
            self.doc.activity(identifier, published, published, {PROV_TYPE: "ledger:Publication"})
            if publisher:
                self.doc.wasAssociatedWith(
                    identifier, self.publisher(publisher), identifier=f"{identifier}/association",
                    other_attributes={"prov:role": "ledger:publisher"},
                )  # fmt: skip
            if made:
                self.doc.wasGeneratedBy(made, identifier, published, identifier=f"{made}/generation")
        return identifier

    def document(self, key: str) -> str:
        identifier = f"ledger:document/{key}"
        if self.once(identifier):
            sha256, url, title, published, publisher = self.documents[key]
            attributes = {PROV_TYPE: "ledger:Document", "ledger:sha256": sha256, "ledger:url": url, "ledger:title": title}
            self.doc.entity(identifier, {k: v for k, v in attributes.items() if v})
            self.publication(f"document/{key}", publisher, published, identifier)
        return identifier

    # Figures.

    def figure(self, figure_id: str) -> str:
        """A figure and its story: sources, recording, corrections, withdrawal, the earlier figures it revises."""
        identifier = f"ledger:figure/{figure_id}"
        if not self.once(identifier):
            return identifier
        source, claim = self.figures[figure_id], self.claims.get(figure_id)
        self.doc.entity(identifier, self.figure_attributes(source, claim))
        self.doc.wasAttributedTo(identifier, self.claimant(source.claimant), identifier=f"{identifier}/attribution")
        recording = f"ledger:recording/{source.position}"
        self.doc.activity(recording, source.recorded_at, source.recorded_at, {PROV_TYPE: "ledger:Recording"})
        self.doc.wasAssociatedWith(recording, self.analyst(source.analyst), identifier=f"{recording}/association")
        if source.document:
            document = self.document(source.document)
            quote = {"ledger:quote": source.quote} if source.quote else {}
            self.doc.wasDerivedFrom(identifier, document, identifier=f"{identifier}/source", other_attributes=quote)
            self.doc.used(recording, document, identifier=f"{recording}/usage")
            published = f"ledger:publication/document/{source.document}"
        else:
            published = self.publication(f"figure/{figure_id}", source.publisher, source.reported_at, None)
        self.doc.wasInformedBy(recording, published, identifier=f"{recording}/informant")
        self.carried(identifier, figure_id)
        self.generation(identifier, source, recording)
        for event in self.events.get(figure_id, []):
            if event.kind in ("withdrawn", "struck"):
                self.invalidation(identifier, source, event)
        if (earlier := self.earlier(source)) is not None:
            self.doc.wasRevisionOf(identifier, self.figure(earlier), identifier=f"{identifier}/revision")
        return identifier

    def carried(self, identifier: str, figure_id: str) -> None:
        """Every source that carried the statement: the figure wasQuotedFrom each carrier's document and
        hadPrimarySource the earliest; a carrier's document that cites another outlet wasQuotedFrom that
        outlet's document ("Mehr News via Dawn")."""
        carriers = sorted(self.carriers.get(figure_id, []), key=lambda c: (c.reported_at, c.fingerprint))
        if len(carriers) < 2:
            return
        by_publisher = {c.publisher: c for c in carriers if c.document}
        for n, carrier in enumerate(carriers):
            if carrier.document is None:
                continue
            document = self.document(carrier.document)
            attributes = {"ledger:words": carrier.words, "ledger:stance": carrier.stance, "ledger:carrier": carrier.label}
            if carrier.quote:
                attributes["ledger:quote"] = carrier.quote
            self.doc.wasQuotedFrom(identifier, document, identifier=f"{identifier}/quoted/{carrier.position}",
                                   other_attributes=attributes)  # fmt: skip
            if n == 0:
                self.doc.hadPrimarySource(identifier, document, identifier=f"{identifier}/primary")
            for via_name in carrier.via[:1]:
                cited = next((c for k, c in by_publisher.items() if c.publisher_name == via_name and c is not carrier), None)
                if cited is not None and cited.document is not None and cited.document != carrier.document:
                    self.doc.wasQuotedFrom(
                        document, self.document(cited.document), identifier=f"{document}/quotes/{cited.document}"
                    )

    def figure_attributes(self, source: sources.FigureSource, claim: Claim | None) -> dict[str, Any]:
        quantity = claim.quantity if claim else None
        bounds = claim_bounds(claim, self.snapshot.policy) if claim and self.snapshot else None
        state = "struck" if claim is None else "withdrawn" if claim.withdrawn else (
            "standing" if claim.figure_id in self.standing else "superseded"
        )  # fmt: skip
        attributes: dict[str, Any] = {
            PROV_TYPE: "ledger:Figure",
            "ledger:quantity": quantity.text if quantity else source.quantity,
            "ledger:quantityAsRecorded": source.quantity,
            "ledger:incident": source.incident,
            "ledger:victimStatus": source.victim_status,
            "ledger:outcome": source.outcome,
            "ledger:role": claim.role if claim else source.role,
            "ledger:reportedAt": _time(claim.reported_at if claim else source.reported_at),
            "ledger:reportedPrecision": source.reported_precision or "day",
            "ledger:reportedEstimated": source.reported_estimated,
            "ledger:recordedAt": _time(source.recorded_at),
            "ledger:logPosition": source.position,
            "ledger:state": state,
            "ledger:stance": claim.stance if claim else source.stance,
            "ledger:stanceSource": source.stance_source,
            "ledger:quotePart": source.quote_part,
        }
        if source.derived:
            attributes["ledger:derived"] = source.derived  # arithmetic by the analyst, not a quote
        if source.part_of:
            attributes["ledger:partOf"] = f"ledger:figure/{source.part_of}"
        low, best, high = (bounds.low, bounds.best, bounds.high) if bounds else (
            (quantity.low, quantity.best, quantity.high) if quantity else (None, None, None)
        )  # fmt: skip
        for name, value in (("ledger:low", low), ("ledger:best", best), ("ledger:high", high)):
            if value is not None:
                attributes[name] = value
        return attributes

    def generation(self, identifier: str, source: sources.FigureSource, recording: str) -> None:
        """Generated by its recording, or, once corrected, by the last correction of the figure as recorded."""
        corrections = [e for e in self.events.get(source.figure_id, []) if e.kind == "corrected"]
        if not corrections:
            self.doc.wasGeneratedBy(identifier, recording, source.recorded_at, identifier=f"{identifier}/generation")
            return
        recorded = f"{identifier}/as-recorded"
        self.doc.entity(recorded, {PROV_TYPE: "ledger:Figure", "ledger:quantity": source.quantity})
        self.doc.wasGeneratedBy(recorded, recording, source.recorded_at, identifier=f"{recorded}/generation")
        for event in corrections:
            activity = f"ledger:correction/{event.position}"
            changed = ", ".join(k for k, v in (event.correction or {}).items() if v is not None)
            self.doc.activity(
                activity, event.recorded_at, event.recorded_at,
                {PROV_TYPE: "ledger:Correction", "ledger:reason": event.reason, "ledger:changed": changed},
            )  # fmt: skip
            self.doc.wasAssociatedWith(activity, self.analyst(event.analyst), identifier=f"{activity}/association")
            self.doc.used(activity, recorded, identifier=f"{activity}/usage")
        last = f"ledger:correction/{corrections[-1].position}"
        self.doc.wasGeneratedBy(identifier, last, corrections[-1].recorded_at, identifier=f"{identifier}/generation")
        self.doc.wasDerivedFrom(
            identifier, recorded, last, identifier=f"{identifier}/correction",
            other_attributes={PROV_TYPE: "ledger:Correction"},
        )  # fmt: skip

    def invalidation(self, identifier: str, source: sources.FigureSource, event: sources.FigureEvent) -> None:
        withdrawn = event.kind == "withdrawn"
        activity = f"ledger:{'withdrawal' if withdrawn else 'strike'}/{event.position}"
        at = (event.reported_at or event.recorded_at) if withdrawn else event.recorded_at
        kind = "ledger:Withdrawal" if withdrawn else "ledger:Strike"
        attributes = {PROV_TYPE: kind, "ledger:reason": event.reason, "ledger:logPosition": event.position}
        self.doc.activity(activity, at, at, attributes)
        agent = self.claimant(source.claimant) if withdrawn else self.analyst(event.analyst)
        self.doc.wasAssociatedWith(activity, agent, identifier=f"{activity}/association")
        if event.document:
            self.doc.used(activity, self.document(event.document), identifier=f"{activity}/usage")
        self.doc.wasInvalidatedBy(identifier, activity, at, identifier=f"{identifier}/invalidation")

    def earlier(self, source: sources.FigureSource) -> str | None:
        """The claimant's previous figure in the series by reported time (the one this revises)."""
        def reported(figure_id: str) -> tuple[dt.datetime, int]:
            claim = self.claims.get(figure_id)
            return (claim.reported_at if claim else self.figures[figure_id].reported_at, self.figures[figure_id].position)

        mine = reported(source.figure_id)
        struck = {e.figure_id for events in self.events.values() for e in events if e.kind == "struck"}
        before = [
            f
            for f in self.figures.values()
            if f.series_id == source.series_id and f.figure_id not in struck and reported(f.figure_id) < mine
        ]
        return max(before, key=lambda f: reported(f.figure_id)).figure_id if before else None

    # Tallies.

    def policy_run(self) -> str:
        assert self.snapshot is not None
        policy, view = self.snapshot.policy, self.snapshot.view
        plan = f"ledger:policy/{_slug(policy.label)}"
        self.doc.entity(plan, {PROV_TYPE: pm.PROV["Plan"], "ledger:label": policy.label, "ledger:rules": policy.description})
        tag = _slug(view.describe().replace(" ", "-")) or "now"
        run = f"ledger:policy-run/{_slug(policy.label)}/{self.snapshot.position}/{tag}"
        self.doc.activity(
            run, None, None,
            {PROV_TYPE: "ledger:PolicyRun", "ledger:policy": policy.label, "ledger:view": view.describe(),
             "ledger:logPosition": self.snapshot.position},
        )  # fmt: skip
        software = "ledger:software/casualty-ledger"
        self.doc.agent(software, {PROV_TYPE: pm.PROV["SoftwareAgent"]})
        self.doc.wasAssociatedWith(run, software, plan, identifier=f"{run}/association")
        return run

    def cell(self, cell: Cell, run: str) -> str:
        assert self.snapshot is not None
        incident = self.incidents.get(cell.incident_id, cell.incident_id)
        run_part = run.removeprefix("ledger:policy-run/")
        identifier = f"ledger:tally/{run_part}/{incident}/{cell.victim_status}/{cell.outcome}"
        if not self.once(identifier):
            return identifier
        b = cell.bounds
        attributes: dict[str, Any] = {
            PROV_TYPE: "ledger:TallyCell",
            "ledger:incident": incident,
            "ledger:victimStatus": cell.victim_status,
            "ledger:outcome": cell.outcome,
            "ledger:grade": cell.grade.value,
            "ledger:basis": cell.basis,
            "ledger:policy": self.snapshot.policy.label,
            "ledger:view": self.snapshot.view.describe(),
            "ledger:logPosition": self.snapshot.position,
            "ledger:highOpen": bool(b and b.high is None),
        }
        for name, value in (("low", b.low if b else None), ("best", b.best if b else None), ("high", b.high if b else None)):
            if value is not None:
                attributes[f"ledger:{name}"] = value
        self.doc.entity(identifier, attributes)
        self.doc.wasGeneratedBy(identifier, run, identifier=f"{identifier}/generation")
        for claim in sorted(cell.claims, key=lambda c: c.position):
            figure = self.figure(claim.figure_id)
            if self.once(f"{run}/usage/{claim.figure_id}"):
                self.doc.used(run, figure, identifier=f"{run}/usage/{claim.figure_id}")
            self.doc.wasDerivedFrom(identifier, figure, run, identifier=f"{identifier}/from/{claim.figure_id}")
        for key in cell.parts:
            part = self.snapshot.cells.get(key)
            if part is not None:
                self.doc.wasDerivedFrom(
                    identifier, self.cell(part, run), run, identifier=f"{identifier}/part/{self.incidents.get(key[0])}/{key[1]}",
                    other_attributes={PROV_TYPE: "ledger:PartOf"},
                )  # fmt: skip
        return identifier
