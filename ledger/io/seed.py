"""Loading a seed file: registrations first, then figures through the batched import path.

A seed document may name a text kept outside the project (`shared_path`, under ../shared beside the
checkout, or $LEDGER_SHARED) together with an excerpt shipped beside the seed (`excerpt`): the
passages its figures quote, naming their source. The full text is archived when it is at hand (or
given with `article`), the excerpt otherwise, so a fresh clone runs alone; either way the quotes are
checked against the archived text. A ledger that holds the document already keeps the text it has.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs

from ledger.application.inputs import FigureInput
from ledger.domain.ids import sha256_text
from ledger.domain.limits import check_url
from ledger.domain.quantity import parse_quantity
from ledger.domain.values import Location, ReportedTime, SubCounts, parse_instant, parse_period
from ledger.domain.vocabulary import LocationPrecision
from ledger.errors import InvalidInput, NotFound
from ledger.ledger import Ledger

PROJECT = Path(__file__).resolve().parents[2]
# The repository's seeds/, or the copy packaged into a wheel.
SEEDS = PROJECT / "seeds" if (PROJECT / "seeds").is_dir() else Path(__file__).resolve().parents[1] / "_seeds"
DEFAULT_SEED = SEEDS / "balochistan.json"


def shared_dir() -> Path:
    """The project's shared reference material: $LEDGER_SHARED, else ../shared beside the checkout."""
    return Path(os.environ.get("LEDGER_SHARED") or PROJECT.parent / "shared")


@attrs.frozen
class SeedResult:
    figures_new: int
    figures_known: int
    documents: tuple[str, ...] = ()  # for each seed document, which text the ledger holds

    def describe(self, home: Path) -> str:
        said = f"seed loaded into {home}: {self.figures_new} new figures, {self.figures_known} already there"
        return "; ".join([said, *self.documents])


def reported_time(spec: dict[str, Any], what: str) -> ReportedTime:
    at, precision = parse_instant(spec["at"], what)
    return ReportedTime(at, precision, bool(spec.get("estimated", False)))


def load_seed(ledger: Ledger, path: Path = DEFAULT_SEED, article: Path | None = None) -> SeedResult:
    """Register what the seed names and record its figures; loading twice adds nothing.

    article: the full text of a seed document that has an excerpt (its SHA-256 must match).
    """
    try:
        seed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"seed {path}: no such file; give the path of a seed JSON file") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"seed {path}: not valid JSON ({error}); fix the file") from None
    app, entry = ledger.app, ledger.entry("seed")
    # Every document's text is read and checked before anything is recorded: a missing or altered text writes nothing.
    texts = {d["key"]: _held(app, d) or _document_text(path, d, article) for d in seed.get("documents", [])}
    # So is every value that needs no registration to check (counts, times, URLs within the ledger's limits).
    figures = [_figure(f, n) for n, f in enumerate(seed.get("figures", []), start=1)]
    for figure in figures:
        try:
            parse_quantity(figure.quantity)
        except InvalidInput as error:
            raise InvalidInput(f"seed {path}: figure {figure.line}: {error}") from None
    for kind in ("publishers", "documents"):
        for spec in seed.get(kind, []):
            check_url(f"seed {kind[:-1]} {spec.get('key')!r}", spec.get("url"))
    documents = []
    for c in seed.get("claimants", []):
        app.register_claimant(
            c["key"], c["name"], c["kind"], c.get("default_roles", {}), c["reliability"], entry, c.get("description", "")
        )
    for p in seed.get("publishers", []):
        app.register_publisher(p["key"], p["name"], p["kind"], p.get("url"), entry)
    for d in seed.get("documents", []):
        held = texts[d["key"]]
        if isinstance(held, str):
            documents.append(held)
            continue
        text, title, origin = held
        app.archive_document(
            entry,
            text=text,
            url=d.get("url"),
            title=title,
            publisher=d.get("publisher"),
            published=reported_time(d["published"], "published") if d.get("published") else None,
            key=d["key"],
        )
        if origin:
            documents.append(f"{d['key']} archived {origin}")
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
    results = ledger.record_figures(figures, via=f"seed:{path.name}")
    figures = [f for r in results for f in r.with_parts]
    new = sum(f.is_new for f in figures)
    return SeedResult(new, len(figures) - new, tuple(documents))


def _held(app: Any, spec: dict[str, Any]) -> str | None:
    """What the ledger already holds under a seed document's key, or None when it holds nothing."""
    try:
        held = app.document(spec["key"])
    except NotFound:
        return None
    if "excerpt" not in spec:
        return None  # archiving it again compares it with what is held, as any registration
    texts = {spec.get("sha256"): "in full", spec["excerpt"].get("sha256"): "as the excerpt"}
    which = texts.get(held.sha256)
    if which is None:
        raise InvalidInput(
            f"seed document {spec['key']!r}: the ledger holds another text under this key; load the seed into a new --home"
        )
    return f"{spec['key']} already archived {which}"


def _document_text(seed_path: Path, spec: dict[str, Any], article: Path | None) -> tuple[str | None, str | None, str]:
    """The text to archive, its title, and where it came from ('' for a text given in the seed itself)."""
    title = spec.get("title")
    if "shared_path" in spec:
        full = article or shared_dir() / spec["shared_path"]
        if article is not None or full.is_file() or "excerpt" not in spec:
            text = _read(full, spec, spec.get("sha256"), "give the seed article itself" if article else "restore it")
            return text, title, f"in full from {_shown(full)}"
        excerpt = spec["excerpt"]
        source = seed_path.parent / excerpt["path"]
        text = _read(source, spec, excerpt.get("sha256"), "restore it from the repository")
        return text, excerpt.get("title", title), f"as the excerpt shipped in {_shown(source)} (the passages its figures quote)"
    if "path" not in spec:
        return spec.get("text"), title, ""
    source = (seed_path.parent / spec["path"]).resolve()
    return _read(source, spec, spec.get("sha256"), "restore it"), title, f"in full from {_shown(source)}"


def _read(source: Path, spec: dict[str, Any], sha256: str | None, fix: str) -> str:
    if not source.is_file():
        raise InvalidInput(f"seed document {spec['key']!r}: {source} is missing; give the path of its text, or {fix}")
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"seed document {spec['key']!r}: {source} cannot be read as UTF-8 text ({error}); {fix}") from None
    if sha256 and sha256_text(text) != sha256:
        raise InvalidInput(f"seed document {spec['key']!r}: {source} differs from the seed's SHA-256 of it; {fix}")
    return text


def _shown(path: Path) -> str:
    """A path as short as it is clear: relative to the project when it lies under it or beside it."""
    resolved = path.resolve()
    for base, prefix in ((PROJECT, ""), (PROJECT.parent, "../")):
        if resolved.is_relative_to(base):
            return prefix + str(resolved.relative_to(base))
    return str(path)


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
