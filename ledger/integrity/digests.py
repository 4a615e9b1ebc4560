"""Re-deriving the evidence each reconciliation certified, from the log, and comparing its inputs digest.

A reconciliation records the digest of the evidence tables as derived from the log at its
read-model position. Deriving them again into a scratch read model, position by position in one
pass, and digesting them the same way checks that the certified evidence is still what the log
gives. Only the inputs digest can be re-derived: the outputs digest includes findings that depend
on the time the run was made (series gone quiet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ledger.readmodel.catchup import catch_up
from ledger.readmodel.model import ReadModel
from ledger.reconcile import digest

if TYPE_CHECKING:
    from ledger.ledger import Ledger

SCRATCH_NAME = "verify-scratch.duckdb"


@attrs.frozen
class Certified:
    position: int  # of the reconciliation's own event
    readmodel_position: int  # where its evidence was derived to
    policy: str
    inputs_digest: str


@attrs.frozen
class Rederived:
    certified: Certified
    found: str

    @property
    def same(self) -> bool:
        return self.found == self.certified.inputs_digest


def rederive(ledger: Ledger, certified: list[Certified]) -> list[Rederived]:
    if not certified:
        return []
    app, source = ledger.app, ledger.settings.store_label
    ordered = sorted(certified, key=lambda c: (c.readmodel_position, c.position))
    results = []
    with ReadModel(ledger.settings.home / SCRATCH_NAME).scratch(app, source, stop=ordered[0].readmodel_position) as con:
        for item in ordered:
            catch_up(con, app, source, stop=item.readmodel_position)
            present = set(digest.tables(con))
            fresh = digest.digests(con, [], names=[t for t in digest.EVIDENCE_TABLES if t in present])
            results.append(Rederived(item, digest.combine(fresh)))
    return results
