"""The SQL tally (what users get) equals the Python policy engine (the reference), cell for cell.

Random synthetic ledgers, roughened with the facts the generator does not make (strikes, role,
time and period corrections, regrades, withdrawals dated by the claimant, incidents moved), are
tallied both ways under every policy and under views on each time axis.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import synthetic
from ledger.domain.policy import DEFAULT2_POLICY, DEFAULT_POLICY, POLICIES, BestRule, Policy, get_policy
from ledger.domain.quantity import VagueTable, parse_quantity
from ledger.domain.series import Correction
from ledger.domain.tally import BASES
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import Grade, LocationPrecision, Outcome, Precision
from ledger.io.seed import load_seed
from ledger.ledger import Ledger
from ledger.readmodel import queries, sql_tally
from ledger.readmodel.view import View
from tests.conftest import World, make_ledger, reported

POLICY_LABELS = [*POLICIES, "default@1[tolerance=0.05]", "acled@1[tolerance=0.5]", "default@1[tolerance=0]"]


def sql_rows(con: duckdb.DuckDBPyConnection, policy: Policy, view: View) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The SQL engine's cells, each with the ids and claimant names of the claims it counts."""
    con.execute("DELETE FROM tally_positions")  # never the cache: compute
    table, _ = queries.tallies(con, policy, view)
    cursor = con.execute(
        f"""SELECT t.* EXCLUDE (policy, log_position),
                  coalesce(list_sort(list(c.figure_id) FILTER (c.figure_id IS NOT NULL)), []) AS claim_figure_ids,
                  string_agg(DISTINCT coalesce(n.name, c.claimant_id), '; ' ORDER BY coalesce(n.name, c.claimant_id))
                      AS claimants
           FROM {table} t
           LEFT JOIN {queries.TALLY_CLAIMS[table]} c USING (policy, incident_id, victim_status, outcome)
           LEFT JOIN claimants n ON n.claimant_id = c.claimant_id
           WHERE t.policy = ? GROUP BY ALL""",
        [policy.label],
    )
    names = [d[0] for d in cursor.description]
    rows = (dict(zip(names, values, strict=True)) for values in cursor.fetchall())
    return {(r["incident_id"], r["victim_status"], r["outcome"]): r for r in rows}


def plain_rows(con: duckdb.DuckDBPyConnection, policy: Policy, view: View) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r["incident_id"], r["victim_status"], r["outcome"]): r for r in queries.plain_tally(con, policy, view)}


def assert_same_tallies(ledger: Ledger, policies: list[Policy] | None = None) -> int:
    """Both engines, every policy (or these), five views; returns how many cells were compared."""
    compared = 0
    with ledger.reading() as con:
        (recorded,) = con.execute("SELECT quantile_disc(recorded_at, 0.5) FROM facts").fetchone()
        (reported,) = con.execute("SELECT quantile_disc(reported_at, 0.4) FROM figures").fetchone()
        (occurred,) = con.execute("SELECT quantile_disc(occurred_start, 0.5) FROM incidents").fetchone()
        views = [
            View(),
            View(recorded_by=recorded),
            View(reported_by=reported),
            View(occurred_from=occurred),
            View(occurred_to=occurred, recorded_by=recorded),
        ]
        for policy in policies or [get_policy(label) for label in POLICY_LABELS]:
            for view in views:
                plain, fast = plain_rows(con, policy, view), sql_rows(con, policy, view)
                assert plain.keys() == fast.keys(), (policy.label, view)
                for key, row in plain.items():
                    assert fast[key] == row, (policy.label, view, key)
                compared += len(plain)
    return compared


def roughen(ledger: Ledger, data: synthetic.SyntheticLedger, results: list[Any], rng: random.Random) -> None:
    """The facts the generator does not make, on randomly chosen figures, claimants and incidents."""
    entry = ledger.entry("test")
    app = ledger.app
    touched = {results[item.index].figure_id for item in data.later}  # the generator's own withdrawals and corrections

    def pick() -> int:
        index = rng.randrange(len(results))
        while results[index].figure_id in touched:
            index = rng.randrange(len(results))
        touched.add(results[index].figure_id)
        return index

    for _ in range(max(1, len(results) // 30)):
        i = pick()
        app.strike_figure(results[i].series_id, results[i].figure_id, "test: entry error", entry)
    for _ in range(max(1, len(results) // 30)):
        i = pick()
        figure = data.figures[i]
        corrections = [
            Correction(role=rng.choice(["enemy_losses", "own_losses", "independent", "residents"])),
            Correction(reported=ReportedTime(figure.reported.at + dt.timedelta(days=rng.randint(1, 400)), Precision.DAY)),
            Correction(stance=rng.choice(["stated", "alleged", "denied", "reported"])),
        ]
        if figure.quote is None:  # a quoted figure's number can only be corrected to what its quote states
            corrections.append(
                Correction(quantity=parse_quantity(rng.choice(["dozens", "casualties", "12-40", "at least 300", "7"])))
            )
        correction = rng.choice(corrections)
        app.correct_figure(results[i].series_id, results[i].figure_id, correction, "test: mistyped", entry)
    for _ in range(max(1, len(results) // 40)):
        i = pick()
        day = data.figures[i].reported.at + dt.timedelta(days=rng.randint(0, 300))
        app.withdraw_figure(results[i].series_id, results[i].figure_id, "test: withdrawn", entry, ReportedTime(day))
    for spec in rng.sample(data.claimants, 3):
        app.grade_claimant(spec.key, rng.choice("ABCDEF"), "test: regraded", entry)
    parent_of = {key: parent for key, parent, *_ in data.incidents}
    leaves = [key for key, parent in parent_of.items() if parent is not None and key not in parent_of.values()]
    branches = [key for key in parent_of if key not in leaves]
    for key in rng.sample(leaves, min(3, len(leaves))):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
        app.correct_incident(key, "test: period fixed", entry, period=Period(start, start + dt.timedelta(days=30), Precision.DAY))
    for key in rng.sample(leaves, min(3, len(leaves))):
        elsewhere = [b for b in branches if b != parent_of[key]]
        if elsewhere:
            app.correct_incident(key, "test: moved", entry, parent=rng.choice(elsewhere))


def build_roughened(ledger: Ledger, size: int, seed: int) -> None:
    """A synthetic ledger with its withdrawals and corrections (synthetic.build), then roughened."""
    data = synthetic.generate(size, seed)
    synthetic.register(ledger.app, data, ledger.entry("synthetic"))
    results = ledger.record_figures(data.figures, via="synthetic")
    synthetic.apply_later(ledger, data, [r.figure_id for r in results], [r.series_id for r in results])
    roughen(ledger, data, results, random.Random(seed))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(60, 300))
def test_sql_tally_equals_the_python_engine_on_random_ledgers(
    tmp_path_factory: pytest.TempPathFactory, seed: int, size: int
) -> None:
    ledger = make_ledger(tmp_path_factory.mktemp("sql-tally"))
    try:
        build_roughened(ledger, size, seed)
        assert assert_same_tallies(ledger) > 0
    finally:
        ledger.close()


# Every way a policy chooses best: the lowest or the most reliable claims' lowest, among all the quantified
# claims or (numbers_first) among those giving a number, whether or not a policy in use combines them so.
BEST_RULES = [
    attrs.evolve(DEFAULT2_POLICY, name=f"{rule.value}-{'numbers' if first else 'all'}", best_rule=rule, numbers_first=first)
    for rule in BestRule
    for first in (True, False)
]


def test_sql_tally_chooses_best_as_the_python_engine_does_under_every_rule(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path)
    try:
        build_roughened(ledger, 400, 7)
        assert {(p.best_rule, p.numbers_first) for p in BEST_RULES} == {(r, f) for r in BestRule for f in (True, False)}
        assert assert_same_tallies(ledger, BEST_RULES) > 0
    finally:
        ledger.close()


def test_sql_tally_equals_the_python_engine_on_the_seed(ledger: Ledger) -> None:
    load_seed(ledger)
    assert assert_same_tallies(ledger) > 0


def test_a_table_without_a_word_reads_it_as_recorded_in_both_engines(world: World) -> None:
    """A policy whose table does not know a word cannot read it: both engines keep the figure's
    recorded reading (what `explain` says), rather than refusing the whole tally."""
    ledger = world.ledger
    ledger.record_figure(world.figure(victim_status="civilian", quantity="dozens", quote=None))
    ledger.record_figure(world.figure(incident=world.standoff, victim_status="civilian", quantity="scores", quote=None))
    no_words = attrs.evolve(DEFAULT_POLICY, name="no-words", vague_table=VagueTable("empty", 1, ()))
    with ledger.reading() as con:
        plain = {(r["incident_id"], r["victim_status"], r["outcome"]): r for r in queries.plain_tally(con, no_words)}
        table, _ = queries.tallies(con, no_words, View(recorded_by=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)))
        cursor = con.execute(f"SELECT incident_id, victim_status, outcome, low, best, high FROM {table}")
        fast = {(r[0], r[1], r[2]): r[3:] for r in cursor.fetchall()}
        campaign = queries.incident_id(con, world.campaign)
    assert fast == {k: (r["low"], r["best"], r["high"]) for k, r in plain.items()}
    # Recorded by default@2: the campaign's own "dozens" (at least 24) and its child's "scores" (at least
    # 40, which the campaign takes as the larger).
    assert fast[(campaign, "civilian", "killed")] == (40, 40, None)


def test_cell_codes_keep_the_status_tree_in_their_arithmetic(world: World) -> None:
    """The roll-up keys statuses by number (sql_tally.cell_codes): the root is 0, a category a positive
    multiple of the span, a sub-status its category's code plus a remainder; every code distinct,
    categories without figures of their own included. The tally of such statuses still equals the
    Python engine's."""
    ledger = world.ledger
    for status in ("militant/bla", "militant/ttp", "security_forces/police", "civilian", "all"):
        ledger.record_figure(world.figure(victim_status=status, quantity="12", quote=None))
    with ledger.reading() as con:
        codes = sql_tally.cell_codes(con)
        plain, fast = plain_rows(con, DEFAULT2_POLICY, View()), sql_rows(con, DEFAULT2_POLICY, View())
    by_name = dict(zip(codes["status_names"], codes["status_codes"], strict=True))
    assert set(by_name) == {"all", "civilian", "militant", "militant/bla", "militant/ttp", "security_forces",
                            "security_forces/police"}  # fmt: skip
    assert len(set(by_name.values())) == len(by_name)
    span = sql_tally._SPAN
    assert by_name["all"] == 0
    for name, code in by_name.items():
        if "/" in name:
            assert code % span != 0 and code - code % span == by_name[name.split("/")[0]], name
        elif name != "all":
            assert code > 0 and code % span == 0, name
    assert codes["outcome_names"] == ["killed"]
    assert plain.keys() == fast.keys() and all(fast[k] == row for k, row in plain.items())


def test_the_caches_enums_hold_every_outcome_grade_and_basis(world: World) -> None:
    """The tally cache stores outcome, grade and basis as enums (migrations/170_tally_cache_enums.sql):
    their values must be the vocabulary's, or a cell of a new value could not be cached."""
    with world.ledger.reading() as con:
        found = {
            name: con.execute(f"SELECT enum_range(NULL::{name})").fetchone()[0]
            for name in ("tally_outcome", "tally_grade", "tally_basis")
        }
    assert found == {
        "tally_outcome": [o.value for o in Outcome],
        "tally_grade": [g.value for g in Grade],
        "tally_basis": list(BASES),
    }


def test_the_cached_tally_keeps_each_campaigns_rows_together(tmp_path: Path) -> None:
    """`tally --incident` reads one campaign's blocks and skips the rest by their statistics: the cells and
    their claims are written root by root, so along the table each root's rows form one run."""
    ledger = make_ledger(tmp_path)
    try:
        synthetic.build(ledger, 2000, 11)
        with ledger.reading() as con:
            queries.tallies(con, DEFAULT2_POLICY)
            for table in ("tally_cells", "tally_cell_claims"):
                roots = [r for (r,) in con.execute(f"SELECT root_id FROM {table} ORDER BY rowid").fetchall()]
                runs = 1 + sum(a != b for a, b in itertools.pairwise(roots))
                assert len(set(roots)) > 3
                assert runs == len(set(roots)), table
    finally:
        ledger.close()


def test_a_series_stands_on_its_latest_report_before_1970_as_after(world: World) -> None:
    """The SQL engine orders a series' figures by one number made of reported time, body over headline
    and log position (sql_tally._STANDING_ORDER): times before 1970 are negative in it, and must still
    order as the Python engine orders them."""
    ledger, entry = world.ledger, world.ledger.entry("test")
    ledger.app.register_incident(
        "aden-1967", "Aden emergency", Location("Yemen", precision=LocationPrecision.COUNTRY),
        Period(dt.date(1963, 12, 10), dt.date(1967, 11, 30)), entry,
    )  # fmt: skip
    old = {"incident": "aden-1967", "claimant": world.rights_group, "victim_status": "civilian", "quote": None}
    first = ledger.record_figure(world.figure(**old, quantity="5", reported=reported("1965-03-01")))
    ledger.revise_figure(str(first.figure_id), "9", reported("1964-03-01"))  # entered later, reported earlier
    across = ledger.record_figure(world.figure(**old, outcome="injured", quantity="7", reported=reported("1969-12-31")))
    ledger.revise_figure(str(across.figure_id), "11", reported("1970-01-01"))  # the epoch itself: 0 in that number
    assert assert_same_tallies(ledger) > 0
    with ledger.reading() as con:
        table, _ = queries.tallies(con, DEFAULT2_POLICY)
        aden = queries.incident_id(con, "aden-1967")
        best = dict(con.execute(
            f"SELECT outcome, best FROM {table} WHERE policy = ? AND incident_id = ? AND victim_status = 'civilian'",
            [DEFAULT2_POLICY.label, aden],
        ).fetchall())  # fmt: skip
    assert best == {"killed": 5, "injured": 11}
