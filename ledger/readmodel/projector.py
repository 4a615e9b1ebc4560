"""Turns a page of stored events into read-model rows. One handler per event topic."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ledger.domain.values import Citation, Period, ReportedTime

Row = dict[str, Any]


class Page:
    """The rows and updates one page of events produces, applied in one transaction."""

    def __init__(self, series_cache: dict[str, Row]) -> None:
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.updates: list[tuple[str, list[Any]]] = []
        # series_id -> identity columns; figures copy them so queries need no join
        self.series_cache = series_cache


def project(page: Page, position: int, event: Any) -> None:
    topic = type(event).TOPIC
    entry = getattr(event, "entry", None)
    figure_id = str(getattr(event, "figure_id", "")) or None
    summary = HANDLERS[topic](page, position, event)
    page.rows["facts"].append(
        {
            "position": position,
            "topic": topic,
            "aggregate_id": str(event.originator_id),
            "aggregate_version": event.originator_version,
            "recorded_at": event.timestamp,
            "analyst": entry.analyst if entry else None,
            "via": entry.via if entry else None,
            "figure_id": figure_id,
            "summary": summary,
        }
    )


def _common(position: int, event: Any) -> Row:
    return {"position": position, "recorded_at": event.timestamp}


def _claimant_registered(page: Page, position: int, e: Any) -> str:
    cid = str(e.originator_id)
    page.rows["claimants"].append(
        {
            "claimant_id": cid,
            "key": e.key,
            "name": e.name,
            "kind": e.kind,
            "default_roles": json.dumps(e.default_roles, sort_keys=True),
            "reliability": e.reliability,
            "description": e.description,
            **_common(position, e),
        }
    )
    page.rows["claimant_grades"].append(
        {"claimant_id": cid, "reliability": e.reliability, "reason": "registered", **_common(position, e)}
    )
    return f"claimant {e.key} registered: {e.name} ({e.kind}, reliability {e.reliability})"


def _claimant_graded(page: Page, position: int, e: Any) -> str:
    cid = str(e.originator_id)
    page.rows["claimant_grades"].append(
        {"claimant_id": cid, "reliability": e.reliability, "reason": e.reason, **_common(position, e)}
    )
    page.updates.append(("UPDATE claimants SET reliability = ? WHERE claimant_id = ?", [e.reliability, cid]))
    return f"claimant graded {e.reliability}: {e.reason}"


def _claimant_roles(page: Page, position: int, e: Any) -> str:
    roles = json.dumps(e.default_roles, sort_keys=True)
    page.updates.append(("UPDATE claimants SET default_roles = ? WHERE claimant_id = ?", [roles, str(e.originator_id)]))
    return f"claimant default roles set to {roles}: {e.reason}"


def _publisher_registered(page: Page, position: int, e: Any) -> str:
    page.rows["publishers"].append(
        {
            "publisher_id": str(e.originator_id),
            "key": e.key,
            "name": e.name,
            "kind": e.kind,
            "url": e.url,
            **_common(position, e),
        }
    )
    return f"publisher {e.key} registered: {e.name}"


def _document_archived(page: Page, position: int, e: Any) -> str:
    published: ReportedTime | None = e.published
    page.rows["documents"].append(
        {
            "document_id": str(e.originator_id),
            "key": e.key,
            "sha256": e.sha256,
            "url": e.url,
            "title": e.title,
            "publisher_id": _str(e.publisher_id),
            "published_at": published.at if published else None,
            "published_precision": published.precision.value if published else None,
            "published_estimated": published.estimated if published else None,
            "text": e.text,
            **_common(position, e),
        }
    )
    return f"document {e.key} archived: {e.title or e.url or ''} sha256 {e.sha256 or '-'}"


def _incident_registered(page: Page, position: int, e: Any) -> str:
    period: Period = e.period
    page.rows["incidents"].append(
        {
            "incident_id": str(e.originator_id),
            "key": e.key,
            "name": e.name,
            "parent_id": _str(e.parent_id),
            "country": e.location.country,
            "adm1": e.location.adm1,
            "adm2": e.location.adm2,
            "place": e.location.place,
            "location_precision": e.location.precision.value,
            "occurred_start": period.start,
            "occurred_end": period.end,
            "date_precision": period.precision.value,
            "date_estimated": period.estimated,
            "description": e.description,
            "is_open": True,
            **_common(position, e),
        }
    )
    return f"incident {e.key} registered: {e.name}"


def _incident_status(is_open: bool) -> Callable[[Page, int, Any], str]:
    def handle(page: Page, position: int, e: Any) -> str:
        page.updates.append(("UPDATE incidents SET is_open = ? WHERE incident_id = ?", [is_open, str(e.originator_id)]))
        return f"incident {'reopened' if is_open else 'closed'}: {e.reason}"

    return handle


def _series_opened(page: Page, position: int, e: Any) -> str:
    identity = {
        "incident_id": str(e.incident_id),
        "claimant_id": str(e.claimant_id),
        "victim_status": e.victim_status,
        "outcome": e.outcome,
    }
    page.series_cache[str(e.originator_id)] = identity
    page.rows["series"].append({"series_id": str(e.originator_id), **identity, **_common(position, e)})
    return f"claim series opened: {e.victim_status} {e.outcome}"


def _figure_reported(page: Page, position: int, e: Any) -> str:
    series = page.series_cache[str(e.originator_id)]
    q = e.quantity
    citation: Citation | None = e.citation
    occurred: Period | None = e.occurred
    page.rows["figures"].append(
        {
            "figure_id": str(e.figure_id),
            "series_id": str(e.originator_id),
            **series,
            "role": e.role,
            "quantity": json.dumps(q.to_dict()),
            "quantity_text": q.text,
            "bound_kind": q.kind.value,
            "low": q.low,
            "best": q.best,
            "high": q.high,
            "vague_word": q.vague_word,
            "publisher_id": _str(e.publisher_id),
            "document_id": citation.document_id if citation else None,
            "quote": citation.quote if citation else None,
            "quote_start": citation.start if citation else None,
            "quote_end": citation.end if citation else None,
            "occurred_start": occurred.start if occurred else None,
            "occurred_end": occurred.end if occurred else None,
            "occurred_precision": occurred.precision.value if occurred else None,
            "reported_at": e.reported.at,
            "reported_precision": e.reported.precision.value,
            "reported_estimated": e.reported.estimated,
            "women": e.subcounts.women,
            "children": e.subcounts.children,
            "fingerprint": e.fingerprint,
            "note": e.note,
            "analyst": e.entry.analyst,
            "via": e.entry.via,
            **_common(position, e),
        }
    )
    return f"figure reported: {q.text!r} ({e.role}), reported {e.reported.at.isoformat()}"


def _figure_event(kind: str) -> Callable[[Page, int, Any], str]:
    def handle(page: Page, position: int, e: Any) -> str:
        correction = getattr(e, "correction", None)
        reported: ReportedTime | None = getattr(e, "reported", None)
        citation: Citation | None = getattr(e, "citation", None)
        page.rows["figure_events"].append(
            {
                "kind": kind,
                "figure_id": str(e.figure_id),
                "series_id": str(e.originator_id),
                "reason": e.reason,
                "correction": json.dumps(correction.to_dict()) if correction else None,
                "reported_at": reported.at if reported else None,
                "document_id": citation.document_id if citation else None,
                "quote": citation.quote if citation else None,
                "analyst": e.entry.analyst,
                "via": e.entry.via,
                **_common(position, e),
            }
        )
        if correction is not None:
            changed = ", ".join(k for k, v in correction.to_dict().items() if v is not None)
            return f"figure corrected ({changed}): {e.reason}"
        return f"figure {kind}: {e.reason}"

    return handle


def _str(value: object) -> str | None:
    return None if value is None else str(value)


HANDLERS: dict[str, Callable[[Page, int, Any], str]] = {
    "ledger:Claimant.Registered": _claimant_registered,
    "ledger:Claimant.Graded": _claimant_graded,
    "ledger:Claimant.DefaultRolesSet": _claimant_roles,
    "ledger:Publisher.Registered": _publisher_registered,
    "ledger:Document.Archived": _document_archived,
    "ledger:Incident.Registered": _incident_registered,
    "ledger:Incident.Closed": _incident_status(False),
    "ledger:Incident.Reopened": _incident_status(True),
    "ledger:ClaimSeries.Opened": _series_opened,
    "ledger:ClaimSeries.FigureReported": _figure_reported,
    "ledger:ClaimSeries.FigureWithdrawn": _figure_event("withdrawn"),
    "ledger:ClaimSeries.FigureCorrected": _figure_event("corrected"),
    "ledger:ClaimSeries.FigureStruck": _figure_event("struck"),
}
