"""Shared fixtures: real ledgers on temporary SQLite files (and PostgreSQL schemas), and a small world.

Nothing here is mocked. A SQLite ledger lives in `tmp_path`; a PostgreSQL ledger gets a schema of
its own in the `test` database, created before the test and dropped after it. When no server
answers, PostgreSQL tests are skipped, unless LEDGER_TEST_POSTGRES=1 says they must run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import attrs
import pytest

from ledger.application.inputs import FigureInput
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.ledger import Ledger
from ledger.settings import Settings

POSTGRES_SERVER = os.environ.get("LEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_REQUIRED = os.environ.get("LEDGER_TEST_POSTGRES") == "1"


# --- ledgers --------------------------------------------------------------------------------------


def make_ledger(home: Path, store: str | None = None) -> Ledger:
    """A ledger whose read model lives in `home`, its events in `store` (default: a SQLite file in `home`)."""
    return Ledger(Settings(home=home, store=store or str(home / "events.sqlite"), analyst="tester"))


@cache
def postgres_problem() -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_SERVER, connect_timeout=3) as con:
            con.execute("SELECT 1")
    except Exception as error:
        detail = " ".join(str(error).split())
        return f"PostgreSQL at {POSTGRES_SERVER} is unreachable ({type(error).__name__}: {detail})"
    return None


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A store URL in a fresh schema of its own; the schema is dropped afterwards."""
    problem = postgres_problem()
    if problem is not None:
        if POSTGRES_REQUIRED:
            pytest.fail(f"{problem}; LEDGER_TEST_POSTGRES=1 requires it (start it: pg_ctlcluster 15 main start)")
        pytest.skip(f"{problem}; set LEDGER_TEST_POSTGRES=1 to make this a failure")
    import psycopg
    from psycopg import sql

    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as con:
        con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield f"{POSTGRES_SERVER}?schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as con:
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A ledger on a temporary SQLite file, its read model a temporary DuckDB file."""
    built = make_ledger(tmp_path)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def pg_ledger(tmp_path: Path, postgres_url: str) -> Iterator[Ledger]:
    """A ledger whose events live in a PostgreSQL schema of its own."""
    built = make_ledger(tmp_path, postgres_url)
    try:
        yield built
    finally:
        built.close()  # before the schema is dropped: the pool holds connections


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextlib.contextmanager
def ledger_on(backend: str, home: Path) -> Iterator[Ledger]:
    """A ledger in `home` whose events live on `backend` ("sqlite", or "postgres" in a fresh schema)."""
    with contextlib.ExitStack() as stack:
        store = stack.enter_context(postgres_schema()) if backend == "postgres" else None
        built = make_ledger(home, store)
        stack.callback(built.close)  # before the schema is dropped: the pool holds connections
        yield built


@pytest.fixture
def any_ledger(backend: str, tmp_path: Path) -> Iterator[Ledger]:
    """The same ledger on each event store backend in turn."""
    with ledger_on(backend, tmp_path) as built:
        yield built


def event_count(ledger: Ledger) -> int:
    """The last notification id in the event log (0 when empty)."""
    return ledger.app.recorder.max_notification_id() or 0


@contextlib.contextmanager
def writes_nothing(ledger: Ledger) -> Iterator[None]:
    """Assert the block leaves the event log exactly as it found it."""
    before = event_count(ledger)
    yield
    assert event_count(ledger) == before, "a rejected command wrote events"


# --- a small world --------------------------------------------------------------------------------


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def reported(text: str) -> ReportedTime:
    return ReportedTime(day(text), Precision.DAY)


REPORT_TEXT = (
    "Quetta: The military said on Thursday it had killed at least 216 militants in the campaign. "
    "Residents of Nushki said 12 civilians were killed during the standoff at the police station. "
    "A spokesman for the BLA claimed that 81 soldiers died, a figure the military rejected. "
    "Hospital staff in Quetta said around 40 people were injured."
)


@attrs.frozen
class World:
    """Keys of what the `world` fixture registered, and a shortcut to describe figures."""

    ledger: Ledger
    campaign: str = "balochistan-2026"
    standoff: str = "nushki-standoff"
    military: str = "ispr"
    rights_group: str = "hrcp"
    armed_group: str = "bla-spokesman"
    publisher: str = "dawn"
    document: str = "dawn-2026-02-05"
    text: str = REPORT_TEXT

    def figure(self, **overrides: object) -> FigureInput:
        """The military's figure of militants killed in the campaign, with any field replaced.

        Its quote states its number, so another quantity without a quote of its own quotes nothing."""
        if "quantity" in overrides and "quote" not in overrides:
            overrides = {**overrides, "quote": None}
        base = FigureInput(
            incident=self.campaign,
            claimant=self.military,
            victim_status="militant",
            outcome="killed",
            quantity="at least 216",
            reported=reported("2026-02-05"),
            document=self.document,
            quote="killed at least 216 militants",
        )
        return attrs.evolve(base, **overrides)


def build_world(ledger: Ledger) -> World:
    """Claimants with default roles and grades, a publisher, a document with text, a campaign and a child."""
    app, entry = ledger.app, ledger.entry("test")
    app.register_claimant(
        "ispr",
        "Inter-Services Public Relations",
        "state_forces",
        {"militant": "enemy_losses", "security_forces": "own_losses", "*": "party_other"},
        "D",
        entry,
    )
    app.register_claimant("hrcp", "Human Rights Commission of Pakistan", "ngo", {"*": "independent"}, "B", entry)
    app.register_claimant(
        "bla-spokesman",
        "BLA spokesman",
        "armed_group",
        {"security_forces": "enemy_losses", "militant": "own_losses", "*": "party_other"},
        "E",
        entry,
    )
    app.register_publisher("dawn", "Dawn", "media", "https://www.dawn.com", entry)
    app.archive_document(
        entry,
        text=REPORT_TEXT,
        title="Military ends Balochistan operation",
        publisher="dawn",
        published=reported("2026-02-05"),
        key="dawn-2026-02-05",
    )
    app.register_incident(
        "balochistan-2026",
        "Balochistan counter-insurgency campaign",
        Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1),
        Period(dt.date(2026, 1, 25), dt.date(2026, 2, 28)),
        entry,
    )
    app.register_incident(
        "nushki-standoff",
        "Nushki police station standoff",
        Location("Pakistan", "Balochistan", "Nushki", "Nushki", LocationPrecision.PLACE),
        Period(dt.date(2026, 1, 30), dt.date(2026, 2, 2)),
        entry,
        parent="balochistan-2026",
    )
    return World(ledger)


@pytest.fixture
def world(ledger: Ledger) -> World:
    return build_world(ledger)
