"""Tally policies: named, versioned data. A policy never changes once published; add a version."""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs

from ledger.domain.readings import ACLED_VAGUE_TABLE, DEFAULT2_TABLE, DEFAULT_VAGUE_TABLE, VagueTable
from ledger.errors import InvalidInput, NotFound


class BestRule(str, enum.Enum):
    """How a cell's best figure is chosen among its claimants' standing figures."""

    MOST_RELIABLE = "most_reliable"  # the most reliable claimant's best, the lower one on a tie
    LOWEST = "lowest"  # the lowest best of any counted claimant (ACLED's conservative number)


@attrs.frozen
class Policy:
    name: str
    version: int
    description: str
    vague_table: VagueTable = DEFAULT_VAGUE_TABLE
    # Two claims agree when their bounds, widened by this fraction, overlap.
    tolerance: float = 0.2
    # Roles whose claims the policy leaves out of tallies entirely.
    excluded_roles: frozenset[str] = frozenset()
    # Reliability grades whose claims are not credible (kept in the output, not counted).
    not_credible: frozenset[str] = frozenset({"E"})
    best_rule: BestRule = BestRule.MOST_RELIABLE
    # One number per cell: low and high collapse onto best (ACLED publishes a single figure).
    single_number: bool = False
    # The count a cell with only unquantified claims gets (None: no number, as in the default).
    unquantified_as: int | None = None
    # Claims that give a number supply best before claims that give only a vague word (a vague
    # word still bounds low and high).
    numbers_first: bool = False
    # Leave out unattributed reports that only echo a party's number in the same cell.
    exclude_echoes: bool = False
    # Tally rows of totals say how much of the total no victim status accounts for.
    show_remainder: bool = False
    # Set when a run overrides a published value (e.g. "tolerance=0.3"); part of the label.
    variant: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}" + (f"[{self.variant}]" if self.variant else "")

    def with_tolerance(self, tolerance: float) -> Policy:
        """The same policy with another disagreement tolerance, labelled so tallies never mix."""
        if not 0 <= tolerance < 1:
            raise InvalidInput(f"tolerance {tolerance!r}: should be a fraction from 0 up to (not including) 1, e.g. 0.2")
        if tolerance == self.tolerance:
            return self
        return attrs.evolve(self, tolerance=tolerance, variant=f"tolerance={tolerance:g}")

    def to_dict(self) -> dict[str, Any]:
        """Everything that defines the policy, the vague-word table included (for `policy show`)."""
        return {
            "label": self.label,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "tolerance": self.tolerance,
            "excluded_roles": sorted(self.excluded_roles),
            "not_credible": sorted(self.not_credible),
            "best_rule": self.best_rule.value,
            "single_number": self.single_number,
            "unquantified_as": self.unquantified_as,
            "numbers_first": self.numbers_first,
            "exclude_echoes": self.exclude_echoes,
            "show_remainder": self.show_remainder,
            "vague_table": self.vague_table.label,
            "about_band": self.vague_table.about,
            "nearly_band": self.vague_table.nearly,
            "vague_words": {
                word: {"low": b.low, "best": b.best, "high": b.high} for word, b in self.vague_table.entries.items()
            },
        }


DEFAULT_POLICY = Policy(
    name="default",
    version=1,
    description=(
        "Standing figure per claim series is the latest non-withdrawn by reported time; per cell, "
        "low = lowest credible low, high = highest credible bound, best = most reliable claimant's "
        "figure (lower on a tie); parents take the larger of their own claims and their parts' sum."
    ),
)

ACLED_POLICY = Policy(
    name="acled",
    version=1,
    description=(
        "ACLED-compatible: one conservative number per cell, the lowest best figure any credible claimant "
        "reported (low = best = high); vague words read through ACLED's table (several = 3, dozens = 12, ...); "
        "a cell with only unquantified claims ('casualties' alone) counts 0."
    ),
    vague_table=ACLED_VAGUE_TABLE,
    best_rule=BestRule.LOWEST,
    single_number=True,
    unquantified_as=0,
)

INDEPENDENT_POLICY = Policy(
    name="independent",
    version=1,
    description=(
        "As the default, but a party's claims about its enemy's losses are left out: only concessions, "
        "independent, official, medical and residents' figures (and parties' other claims) count."
    ),
    excluded_roles=frozenset({"enemy_losses"}),
)

DEFAULT2_POLICY = Policy(
    name="default",
    version=2,
    description=(
        "As default@1, with words read as a careful analyst would (table default@2: 'dozens' at least 24, "
        "'about 30' 27-33, 'nearly 50' 45-49); claims that give a number supply best before vague words, "
        "which still bound low and high; totals show what no victim status accounts for."
    ),
    vague_table=DEFAULT2_TABLE,
    numbers_first=True,
    show_remainder=True,
)

INDEPENDENT2_POLICY = Policy(
    name="independent",
    version=2,
    description=(
        "As default@2, but a party's claims about its enemy's losses are left out, and so are unattributed "
        "reports that only echo a party's number in the same cell."
    ),
    vague_table=DEFAULT2_TABLE,
    excluded_roles=frozenset({"enemy_losses"}),
    numbers_first=True,
    exclude_echoes=True,
    show_remainder=True,
)

POLICIES: dict[str, Policy] = {
    p.label: p for p in (DEFAULT_POLICY, DEFAULT2_POLICY, ACLED_POLICY, INDEPENDENT_POLICY, INDEPENDENT2_POLICY)
}

# What a new ledger tallies under when no policy is named; a ledger created before default@2
# existed records none and keeps default@1 (see ledger.domain.settings).
NEW_LEDGER_POLICY = DEFAULT2_POLICY.label
EARLIER_LEDGER_POLICY = DEFAULT_POLICY.label


_VARIANT = re.compile(r"^(?P<base>[^\[\]]+)\[tolerance=(?P<tolerance>[0-9]*\.?[0-9]+)\]$")


def get_policy(name: str | None, ledger_default: str | None = None) -> Policy:
    """A policy by 'name' (its latest version) or 'name@version', optionally with '[tolerance=0.3]' (a labelled variant).

    With `ledger_default` (the label a ledger tallies under by default), no name or the bare name
    'default' means that policy: a ledger made before default@2 keeps tallying under default@1."""
    if name is None or name.strip() == "default":
        if ledger_default is not None:
            return get_policy(ledger_default)
        name = "default"
    variant = _VARIANT.match(name.strip())
    if variant:
        return get_policy(variant["base"], ledger_default).with_tolerance(float(variant["tolerance"]))
    if name in POLICIES:
        return POLICIES[name]
    if "[" in name:  # a variant that does not read: say so, not that the policy is unknown
        raise InvalidInput(
            f"policy {name!r}: the variant does not read; write NAME[tolerance=FRACTION], e.g. default[tolerance=0.3]"
        )
    versions = [p for p in POLICIES.values() if p.name == name]
    if not versions:
        known = ", ".join(sorted(POLICIES))
        raise NotFound(f"policy {name!r}: unknown; use one of {known}")
    return max(versions, key=lambda p: p.version)
