"""Loading a seed file: registrations first, then figures through the batched import path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from ledger.application.inputs import FigureInput
from ledger.domain.ids import sha256_text
from ledger.domain.values import Location, ReportedTime, SubCounts, parse_instant, parse_period
from ledger.domain.vocabulary import LocationPrecision
from ledger.errors import InvalidInput
from ledger.ledger import Ledger

DEFAULT_SEED = Path(__file__).resolve().parents[2] / "seeds" / "balochistan.json"


@attrs.frozen
class SeedResult:
    figures_new: int
    figures_known: int


def reported_time(spec: dict[str, Any], what: str) -> ReportedTime:
    at, precision = parse_instant(spec["at"], what)
    return ReportedTime(at, precision, bool(spec.get("estimated", False)))


def load_seed(ledger: Ledger, path: Path = DEFAULT_SEED) -> SeedResult:
    """Register what the seed names and record its figures; loading twice adds nothing."""
    try:
        seed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"seed {path}: no such file; give the path of a seed JSON file") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"seed {path}: not valid JSON ({error}); fix the file") from None
    app, entry = ledger.app, ledger.entry("seed")
    for c in seed.get("claimants", []):
        app.register_claimant(
            c["key"], c["name"], c["kind"], c.get("default_roles", {}), c["reliability"], entry, c.get("description", "")
        )
    for p in seed.get("publishers", []):
        app.register_publisher(p["key"], p["name"], p["kind"], p.get("url"), entry)
    for d in seed.get("documents", []):
        app.archive_document(
            entry,
            text=_document_text(path, d),
            url=d.get("url"),
            title=d.get("title"),
            publisher=d.get("publisher"),
            published=reported_time(d["published"], "published") if d.get("published") else None,
            key=d["key"],
        )
    for i in seed.get("incidents", []):
        period = parse_period(i["occurred"]["start"], i["occurred"].get("end"))
        loc = i["location"]
        app.register_incident(
            i["key"],
            i["name"],
            Location(loc["country"], loc.get("adm1"), loc.get("adm2"), loc.get("place"), LocationPrecision(loc["precision"])),
            attrs.evolve(period, estimated=bool(i["occurred"].get("estimated", False))),
            entry,
            parent=i.get("parent"),
            description=i.get("description", ""),
        )
    figures = [_figure(f, n) for n, f in enumerate(seed.get("figures", []), start=1)]
    results = ledger.record_figures(figures, via=f"seed:{path.name}")
    figures = [f for r in results for f in r.with_parts]
    new = sum(f.is_new for f in figures)
    return SeedResult(new, len(figures) - new)


def _document_text(seed_path: Path, spec: dict[str, Any]) -> str | None:
    if "path" not in spec:
        return spec.get("text")
    source = (seed_path.parent / spec["path"]).resolve()
    if not source.is_file():
        raise InvalidInput(f"seed document {spec['key']!r}: {source} is missing; check out ../shared beside the project")
    text = source.read_text(encoding="utf-8")
    if spec.get("sha256") and sha256_text(text) != spec["sha256"]:
        raise InvalidInput(f"seed document {spec['key']!r}: {source} differs from the archived SHA-256; restore it")
    return text


def _figure(spec: dict[str, Any], number: int) -> FigureInput:
    occurred = spec.get("occurred")
    return FigureInput(
        incident=spec["incident"],
        claimant=spec["claimant"],
        victim_status=spec["victim_status"],
        outcome=spec["outcome"],
        quantity=spec["quantity"],
        reported=reported_time(spec["reported"], "reported"),
        role=spec.get("role"),
        publisher=spec.get("publisher"),
        document=spec.get("document"),
        quote=spec.get("quote"),
        occurred=parse_period(occurred["start"], occurred.get("end")) if occurred else None,
        subcounts=SubCounts(spec.get("women"), spec.get("children")),
        note=spec.get("note", ""),
        line=number,
    )
