"""A deterministic generator of synthetic ledgers, for benchmarks and tests. Everything it makes is
labelled synthetic: names, documents and notes say so, and nothing is passed off as real.

Shape: campaign trees of incidents; 20-50 claimants of every role; every victim status and outcome;
vague words; about one figure in five revised later; withdrawals and corrections about one in a
hundred; back-filled reports recorded out of order. As the press reports: totals with a named part
("30 people, including 12 police"), statements carried again by a second outlet the same day (some
citing the first), hedged words ("reportedly"), figures quoted from a headline, reports dated only
by their month.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import attrs

from ledger.application.inputs import FigureInput, PartInput
from ledger.domain.base import Entry
from ledger.domain.claimant import Claimant, Publisher
from ledger.domain.document import Document
from ledger.domain.ids import sha256_text
from ledger.domain.incident import Incident
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision

STATUSES = [
    "civilian", "security_forces", "security_forces/army", "security_forces/police", "security_forces/levies",
    "security_forces/frontier_corps", "militant", "militant/group-a", "militant/group-b", "pro_government_militia",
    "unknown",
]  # fmt: skip
OUTCOMES = ["killed", "killed", "killed", "injured", "injured", "missing", "detained"]
VAGUE = ["several", "a few", "dozens", "tens", "hundreds", "many", "some"]
PROVINCES = ["North Province", "South Province", "East Province", "West Province", "Central Province"]
BASE_DAY = dt.date(2020, 1, 1)
FIGURES_PER_INCIDENT = 5
INCIDENTS_PER_OPERATION = 8
OPERATIONS_PER_CAMPAIGN = 6


@attrs.frozen
class ClaimantSpec:
    key: str
    name: str
    kind: str
    reliability: str
    roles: dict[str, str]


@attrs.frozen
class Later:
    """A withdrawal or correction of the figure recorded at `index` in the figure list."""

    index: int
    kind: str  # "withdraw" or "correct"
    reason: str
    quantity: str | None = None


@attrs.frozen
class SyntheticLedger:
    claimants: list[ClaimantSpec]
    publishers: list[str]
    incidents: list[tuple[str, str | None, str, dt.date]]  # key, parent, province, start day
    documents: list[tuple[str, str, str, dt.date, str | None]]  # key, publisher, text, published day, headline
    figures: list[FigureInput]  # in recording order
    later: list[Later]


def _claimants(rng: random.Random) -> list[ClaimantSpec]:
    party = {"militant": "enemy_losses", "security_forces": "own_losses", "*": "party_other"}
    group = {"militant": "own_losses", "security_forces": "enemy_losses", "*": "party_other"}
    specs = [ClaimantSpec("synthetic-military", "Synthetic military press wing", "state_forces", "C", party)]
    specs.append(ClaimantSpec("synthetic-police", "Synthetic police spokesman", "state_forces", "C", party))
    kinds = [("armed_group", group, "D", 4), ("media", {"*": "independent"}, "B", 14), ("ngo", {"*": "independent"}, "A", 6),
             ("medical", {"*": "medical"}, "B", 4), ("residents", {"*": "residents"}, "F", 3),
             ("government", {"*": "official"}, "C", 3)]  # fmt: skip
    for kind, roles, grade, count in kinds:
        for n in range(rng.randint(count - 1, count + 1)):
            specs.append(ClaimantSpec(f"synthetic-{kind}-{n}", f"Synthetic {kind} source {n}", kind, grade, roles))
    return specs


def _quantity(rng: random.Random) -> str:
    n = int(rng.expovariate(1 / 12)) + 1
    roll = rng.random()
    if roll < 0.50:
        return str(n)
    if roll < 0.65:
        return f"at least {n}"
    if roll < 0.70:
        return f"more than {n}"
    if roll < 0.73:
        return f"up to {n}"
    if roll < 0.80:
        return f"about {n}"
    if roll < 0.88:
        return f"between {n} and {n + rng.randint(1, 10)}"
    if roll < 0.96:
        return rng.choice(VAGUE)
    return "casualties"


def generate(n_figures: int, seed: int = 1) -> SyntheticLedger:
    rng = random.Random(seed)
    claimants = _claimants(rng)
    publishers = [f"synthetic-outlet-{n}" for n in range(12)]
    n_incidents = max(1, n_figures // FIGURES_PER_INCIDENT)
    incidents, leaves = _incident_tree(rng, n_incidents)
    documents: list[tuple[str, str, str, dt.date]] = []
    figures: list[FigureInput] = []
    later: list[Later] = []
    for leaf_key, start in leaves:
        if len(figures) >= n_figures:
            break
        doc_key = f"synthetic-doc-{len(documents)}"
        publisher = rng.choice(publishers)
        published = start + dt.timedelta(days=rng.randint(1, 5))
        sentences = [f"Synthetic report {doc_key} on incident {leaf_key}."]
        carried: list[FigureInput] = []  # statements a second outlet carries again the same day
        for _ in range(FIGURES_PER_INCIDENT):
            claimant = rng.choice(claimants)
            status, outcome, words = rng.choice(STATUSES), rng.choice(OUTCOMES), _quantity(rng)
            hedge = " were reportedly" if rng.random() < 0.08 else ""
            includes: tuple[PartInput, ...] = ()
            if rng.random() < 0.08 and words.isdigit() and int(words) > 1:  # a total with a named part
                part = rng.randint(1, int(words) - 1)
                part_status = rng.choice([s for s in STATUSES if "/" not in s])
                quote = f"{claimant.name} said {words} people{hedge} {outcome}, including {part} {part_status}"
                status, includes = "all", (PartInput(part_status, str(part)),)
            else:
                quote = f"{claimant.name} said {words} {status}{hedge} {outcome}"
            sentences.append(quote + ".")
            reported = dt.datetime.combine(published, dt.time(rng.randint(0, 23)), tzinfo=dt.UTC)
            figure = _figure(leaf_key, claimant.key, status, outcome, words, reported, doc_key, quote, len(figures))
            if rng.random() < 0.03:  # dated only by its month, as many reports are
                figure = attrs.evolve(figure, reported=ReportedTime(reported.replace(day=1, hour=0), Precision.MONTH, True))
            figures.append(attrs.evolve(figure, includes=includes))
            if rng.random() < 0.1 and figure.reported.precision is Precision.DAY:
                carried.append(figures[-1])
            if rng.random() < 0.2:  # the claimant revises later, with no document (a phone call, say)
                revised = reported + dt.timedelta(days=rng.randint(1, 20))
                figures.append(
                    _figure(leaf_key, claimant.key, status, outcome, _quantity(rng), revised, None, None, len(figures))
                )
            roll = rng.random()
            if roll < 0.01:
                later.append(Later(len(figures) - 1, "withdraw", "synthetic: the claimant withdrew the figure"))
            elif roll < 0.02 and figures[-1].quote is None:
                # A mistyped number can only slip past entry where no quote states the number.
                later.append(Later(len(figures) - 1, "correct", "synthetic: mistyped figure", _quantity(rng)))
        headline = None
        if rng.random() < 0.3:  # an outlet's headline, quoted as its own figure of all victims
            n = rng.randint(2, 60)
            headline = f"{n} killed in synthetic incident {leaf_key}"
            media = [c for c in claimants if c.kind == "media"]
            figures.append(attrs.evolve(
                _figure(leaf_key, rng.choice(media).key, "all", "killed", str(n),
                        dt.datetime.combine(published, dt.time(6), tzinfo=dt.UTC), doc_key, headline, len(figures)),
                quote_part="headline",
            ))  # fmt: skip
        documents.append((doc_key, publisher, " ".join(sentences), published, headline))
        if carried:  # a second outlet carries some of the statements again, a few hours later
            copy_key, copier = f"{doc_key}-carried", rng.choice([p for p in publishers if p != publisher])
            documents.append((copy_key, copier, " ".join(sentences), published, None))
            for original in carried:
                via = (publisher,) if rng.random() < 0.5 else ()
                later_that_day = original.reported.at + dt.timedelta(hours=rng.randint(0, 20))
                figures.append(attrs.evolve(
                    original, document=copy_key, reported=ReportedTime(later_that_day, Precision.DAY), carried_via=via,
                    line=len(figures) + 1,
                ))  # fmt: skip
    moved_to = _backfill(rng, figures)
    later = [attrs.evolve(item, index=moved_to.get(item.index, item.index)) for item in later]
    return SyntheticLedger(claimants, publishers, incidents, documents, figures[:n_figures], [
        item for item in later if item.index < n_figures
    ])


def _figure(
    incident: str, claimant: str, status: str, outcome: str, words: str, reported: dt.datetime,
    document: str | None, quote: str | None, line: int,
) -> FigureInput:  # fmt: skip
    return FigureInput(
        incident=incident, claimant=claimant, victim_status=status, outcome=outcome, quantity=words,
        reported=ReportedTime(reported, Precision.DAY), document=document, quote=quote,
        publisher=None if document else "synthetic-outlet-0", note="synthetic", line=line + 1,
    )  # fmt: skip


def _backfill(rng: random.Random, figures: list[FigureInput]) -> dict[int, int]:
    """Swap some neighbours so older reports are recorded after newer ones, as back-filling does.
    Returns where each moved figure went, so later facts still name the figure they were made for."""
    moved_to: dict[int, int] = {}
    for i in range(0, len(figures) - 40, 37):
        j = i + rng.randint(1, 30)
        figures[i], figures[j] = figures[j], figures[i]
        moved_to[i], moved_to[j] = j, i  # j < i + 37: no figure is swapped twice
    return moved_to


def _incident_tree(rng: random.Random, n: int) -> tuple[list[tuple[str, str | None, str, dt.date]], list[tuple[str, dt.date]]]:
    incidents: list[tuple[str, str | None, str, dt.date]] = []
    leaves: list[tuple[str, dt.date]] = []
    campaign = 0
    while len(leaves) < n:
        province = PROVINCES[campaign % len(PROVINCES)]
        start = BASE_DAY + dt.timedelta(days=rng.randint(0, 1500))
        ckey = f"synthetic-campaign-{campaign}"
        incidents.append((ckey, None, province, start))
        for o in range(OPERATIONS_PER_CAMPAIGN):
            okey = f"{ckey}-op-{o}"
            incidents.append((okey, ckey, province, start))
            for i in range(INCIDENTS_PER_OPERATION):
                key = f"{okey}-incident-{i}"
                incidents.append((key, okey, province, start))
                leaves.append((key, start + dt.timedelta(days=rng.randint(0, 60))))
        campaign += 1
    return incidents, leaves[:n]


def register(app: Any, synthetic: SyntheticLedger, entry: Entry, batch: int = 1000) -> None:
    """Register claimants, publishers, incidents and documents in batched saves (set-up, not timed)."""
    period_end = BASE_DAY + dt.timedelta(days=2000)
    aggregates: list[Any] = [
        Claimant(key=c.key, name=c.name, kind=c.kind, default_roles=c.roles, reliability=c.reliability,
                 description="synthetic", entry=entry) for c in synthetic.claimants
    ]  # fmt: skip
    aggregates += [
        Publisher(key=p, name=f"Synthetic outlet {p}", kind="media", url=None, entry=entry) for p in synthetic.publishers
    ]
    ids: dict[str, Any] = {}
    for key, parent, province, start in synthetic.incidents:
        incident = Incident(
            key=key, name=f"Synthetic incident {key}", parent_id=ids.get(parent) if parent else None,
            location=Location("Synthetica", province, None, None, LocationPrecision.ADM1),
            period=Period(start if parent else BASE_DAY, period_end, Precision.DAY), description="synthetic", entry=entry,
        )  # fmt: skip
        ids[key] = incident.id
        aggregates.append(incident)
    publisher_ids = {a.key: a.id for a in aggregates if isinstance(a, Publisher)}
    for key, publisher, text, published, headline in synthetic.documents:
        aggregates.append(
            Document(key=key, sha256=sha256_text(text), text=text, url=None, title=f"Synthetic document {key}",
                     publisher_id=publisher_ids[publisher],
                     published=ReportedTime(dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC)), entry=entry,
                     headline=headline)
        )  # fmt: skip
    for start in range(0, len(aggregates), batch):
        app.save(*aggregates[start : start + batch])


def apply_later(ledger: Any, synthetic: SyntheticLedger, figure_ids: list[Any], series_ids: list[Any]) -> None:
    """Withdrawals and corrections of already recorded figures."""
    from ledger.domain.quantity import parse_quantity
    from ledger.domain.series import Correction

    entry = ledger.entry("synthetic")
    for item in synthetic.later:
        series, figure = series_ids[item.index], figure_ids[item.index]
        if item.kind == "withdraw":
            ledger.app.withdraw_figure(series, figure, item.reason, entry)
        elif ledger.app.series(series, figure).figures[figure].quote is None:
            # (A figure recorded as one more carrier of a quoted statement is that statement: its quote
            # states the number, so no mistyped one slipped past entry.)
            ledger.app.correct_figure(series, figure, Correction(quantity=parse_quantity(item.quantity)), item.reason, entry)


def build(ledger: Any, n_figures: int, seed: int = 1, progress: Callable[[str], None] | None = None) -> SyntheticLedger:
    """Generate and record a whole synthetic ledger through the public import path."""
    synthetic = generate(n_figures, seed)
    register(ledger.app, synthetic, ledger.entry("synthetic"))
    results = ledger.record_figures(synthetic.figures, via="synthetic")
    apply_later(ledger, synthetic, [r.figure_id for r in results], [r.series_id for r in results])
    if progress:
        progress(f"synthetic ledger: {len(results)} figures, {len(synthetic.later)} withdrawals/corrections")
    return synthetic
