"""The history functions for a `Ledger`: each opens a caught-up read model and calls one pure function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.errors import InvalidInput
from ledger.readmodel.queries import NOW, run_sql
from ledger.readmodel.view import View

if TYPE_CHECKING:
    from ledger.history.diff import Diff
    from ledger.history.explain import Explanation
    from ledger.history.timeline import Timeline
    from ledger.ledger import Ledger


def explain_cell(
    ledger: Ledger, incident: str, victim_status: str, outcome: str, policy: str | None = None, view: View = NOW
) -> Explanation:
    from ledger.history.explain import explain

    with ledger.reading() as con:
        return explain(con, incident, victim_status, outcome, ledger.policy(policy, con), view)


def diff_instants(
    ledger: Ledger,
    start: str,
    end: str = "now",
    axis: str = "recorded",
    policy: str | None = None,
    incident: str | None = None,
    occurred_from: str | None = None,
    occurred_to: str | None = None,
) -> Diff:
    """What changed in the tallies between two instants on one time axis, and the facts that changed it."""
    from ledger.history.diff import diff, views

    before, after = views(start, end, axis, occurred_from, occurred_to)
    with ledger.reading() as con:
        return diff(con, ledger.policy(policy, con), before, after, incident)


def series_timeline(
    ledger: Ledger,
    figure: str | None = None,
    incident: str | None = None,
    claimant: str | None = None,
    victim_status: str | None = None,
    outcome: str | None = None,
    policy: str | None = None,
    view: View = NOW,
) -> Timeline:
    from ledger.history.timeline import find_series, timeline

    with ledger.reading() as con:
        series = find_series(con, figure, incident, claimant, victim_status, outcome)
        return timeline(con, series, ledger.policy(policy, con), view)


def lineage(
    ledger: Ledger,
    figure: str | None = None,
    cell: tuple[str, str, str] | None = None,
    policy: str | None = None,
    view: View = NOW,
) -> str:
    """The PROV-JSON lineage of one figure, or of one tally cell (incident key, victim status, outcome)."""
    from ledger.history.prov import cell_lineage, figure_lineage, to_json

    if (figure is None) == (cell is None):
        raise InvalidInput("lineage: say what to trace; give --figure ID, or --incident, --victim-status and --outcome of a cell")
    with ledger.reading() as con:
        if cell is not None:
            document = cell_lineage(con, *cell, ledger.policy(policy, con), view)
        else:
            document = figure_lineage(con, figure or "", view)
    return to_json(document)


def query_as_of(ledger: Ledger, sql: str, view: View, policy: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Read-only SQL with `figures_asof`, `tallies_asof` and `tally_claims_asof` made for the view (see `ledger query --help`)."""
    from ledger.history.snapshot import materialise
    from ledger.readmodel.sealed import checked_statement

    checked_statement(sql)  # refused before anything is caught up or made
    chosen = ledger.policy(policy)
    settings = ledger.settings
    with ledger.read_model.read_only(ledger.app, settings.store_label, ledger.progress) as con:
        materialise(con, chosen, view)
        return run_sql(con, sql)
