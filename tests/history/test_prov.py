"""`lineage`: W3C PROV-JSON of a figure or a tally cell, read back with json and with prov's own deserializer."""

from __future__ import annotations

import json

import prov.model as pm
import pytest
from history_world import Cli, History, history_fixture  # noqa: F401

from ledger.errors import InvalidInput
from ledger.history.facade import lineage
from ledger.readmodel.view import View


def read(text: str) -> pm.ProvDocument:
    json.loads(text)  # plain JSON first
    return pm.ProvDocument.deserialize(content=text, format="json")


def pairs(doc: pm.ProvDocument, kind: type[pm.ProvRelation]) -> set[tuple[str, str]]:
    """(subject, object) of every relation of one kind, e.g. (figure, document) for derivations."""
    found = set()
    for record in doc.get_records(kind):
        first, second = record.formal_attributes[0][1], record.formal_attributes[1][1]
        found.add((str(first), str(second)))
    return found


def typed(doc: pm.ProvDocument, kind: type[pm.ProvRelation], prov_type: str) -> set[tuple[str, str]]:
    found = set()
    for record in doc.get_records(kind):
        if any(str(v) == prov_type for v in record.get_asserted_types()):
            found.add((str(record.formal_attributes[0][1]), str(record.formal_attributes[1][1])))
    return found


def fig(figure: object) -> str:
    return f"ledger:figure/{figure}"


def test_a_figure_is_derived_attributed_published_revised_and_invalidated(history: History) -> None:
    doc = read(lineage(history.ledger, figure=str(history.revision)))
    revisions = typed(doc, pm.ProvDerivation, "prov:Revision")
    # 230 revises 3 Feb's "at least 216", which revises 1 Feb's 145 (by reported time, not order of entry)
    assert revisions == {(fig(history.revision), fig(history.feb3)), (fig(history.feb3), fig(history.feb1))}
    assert (fig(history.feb3), "ledger:document/dawn-2026-02-05") in pairs(doc, pm.ProvDerivation)
    series = (history.revision, history.feb3, history.feb1)
    assert pairs(doc, pm.ProvAttribution) == {(fig(f), "ledger:claimant/ispr") for f in series}
    [(invalidated, withdrawal)] = pairs(doc, pm.ProvInvalidation)
    assert invalidated == fig(history.revision) and withdrawal.startswith("ledger:withdrawal/")
    associations = pairs(doc, pm.ProvAssociation)
    assert (withdrawal, "ledger:claimant/ispr") in associations  # the claimant withdrew it
    assert ("ledger:publication/document/dawn-2026-02-05", "ledger:publisher/dawn") in associations
    assert ("ledger:document/dawn-2026-02-05", "ledger:publication/document/dawn-2026-02-05") in pairs(doc, pm.ProvGeneration)
    [record] = doc.get_record(fig(history.revision))
    attributes = {str(k): v for k, v in record.attributes}
    assert (attributes["ledger:quantity"], attributes["ledger:state"], attributes["ledger:best"]) == ("230", "withdrawn", 230)


def test_a_tally_cell_was_generated_by_a_policy_run_that_used_its_figures(history: History) -> None:
    text = lineage(history.ledger, cell=("nushki-standoff", "civilian", "killed"))
    doc = read(text)
    [(cell, run)] = [(e, a) for e, a in pairs(doc, pm.ProvGeneration) if e.startswith("ledger:tally/")]
    assert run.startswith("ledger:policy-run/default-1/") and cell.endswith("/nushki-standoff/civilian/killed")
    assert pairs(doc, pm.ProvUsage) >= {(run, fig(history.hrcp_standoff)), (run, fig(history.typo))}
    assert {(cell, fig(history.hrcp_standoff)), (cell, fig(history.typo))} <= pairs(doc, pm.ProvDerivation)
    [association] = [r for r in doc.get_records(pm.ProvAssociation) if str(r.formal_attributes[0][1]) == run]
    assert str(association.formal_attributes[2][1]) == "ledger:policy/default-1"  # the plan: the policy itself
    [record] = doc.get_record(cell)
    attributes = {str(k): v for k, v in record.attributes}
    assert (attributes["ledger:low"], attributes["ledger:high"], attributes["ledger:grade"]) == (20, 30, "fair")
    # The typo's correction is a derivation of its own kind, by the analyst: never a revision by the claimant.
    assert typed(doc, pm.ProvDerivation, "ledger:Correction") == {(fig(history.typo), f"{fig(history.typo)}/as-recorded")}
    assert typed(doc, pm.ProvDerivation, "prov:Revision") == set()
    assert lineage(history.ledger, cell=("nushki-standoff", "civilian", "killed")) == text  # same facts, same document


def test_a_parent_cell_is_derived_from_its_parts(history: History) -> None:
    doc = read(lineage(history.ledger, cell=("balochistan-2026", "civilian", "killed")))
    parts = typed(doc, pm.ProvDerivation, "ledger:PartOf")
    [(parent, child)] = parts
    assert parent.endswith("/balochistan-2026/civilian/killed") and child.endswith("/nushki-standoff/civilian/killed")
    assert (parent, fig(history.hrcp_dozens)) in pairs(doc, pm.ProvDerivation)


def test_lineage_as_of_an_instant_shows_what_stood_then(history: History) -> None:
    doc = read(lineage(history.ledger, cell=("nushki-standoff", "civilian", "killed"), view=View.parse(as_of="2026-02-05")))
    assert typed(doc, pm.ProvDerivation, "ledger:Correction") == set()  # not yet corrected
    [typo] = doc.get_record(fig(history.typo))
    assert {str(k): v for k, v in typo.attributes}["ledger:quantity"] == "261"


def test_lineage_needs_one_subject(history: History) -> None:
    with pytest.raises(InvalidInput, match="lineage: say what to trace"):
        lineage(history.ledger)


def test_lineage_command_writes_prov_json(history: History, tmp_path: object) -> None:
    cli = Cli(history)
    out = cli.ok("lineage", "--figure", str(history.feb3)[:8])
    assert read(out).get_record(fig(history.feb3))  # a prefix of the id finds the figure
    target = f"{tmp_path}/cell.json"
    cli.ok("lineage", "--incident", "nushki-standoff", "--victim-status", "civilian", "--outcome", "killed", "-o", target)
    with open(target, encoding="utf-8") as written:
        assert "ledger:policy-run/default-1/" in written.read()
    assert "needs all of --incident" in cli.fails("lineage", "--incident", "nushki-standoff")


def test_a_struck_figure_was_invalidated_by_an_analysts_strike(history: History) -> None:
    doc = read(lineage(history.ledger, figure=str(history.stray)))
    [(figure, strike)] = pairs(doc, pm.ProvInvalidation)
    assert figure == fig(history.stray) and strike.startswith("ledger:strike/")
    assert (strike, "ledger:analyst/tester") in pairs(doc, pm.ProvAssociation)
    [record] = doc.get_record(strike)
    assert {str(k): v for k, v in record.attributes}["ledger:reason"] == "entered against the wrong incident"
