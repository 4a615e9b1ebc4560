"""The controlled vocabulary of the domain: victim statuses, outcomes, roles, grades.

Stored events keep these as their string values, so a value here is never renamed.
"""

from __future__ import annotations

import enum
import re
from typing import TypeVar

from ledger.errors import InvalidInput


class Outcome(str, enum.Enum):
    KILLED = "killed"
    INJURED = "injured"
    MISSING = "missing"  # missing or abducted
    DETAINED = "detained"


class Role(str, enum.Enum):
    """What the claimant is, relative to the figure it reports."""

    OWN_LOSSES = "own_losses"  # a party reporting its own losses
    ENEMY_LOSSES = "enemy_losses"  # a party reporting its enemy's losses
    CONCEDED_HARM = "conceded_harm"  # a party conceding civilian harm it caused
    PARTY_OTHER = "party_other"  # a party reporting anything else (e.g. civilians hit by the enemy)
    INDEPENDENT = "independent"  # independent researcher or monitor
    MEDIA = "media"  # a news outlet's own reporting
    NGO = "ngo"  # a non-governmental or UN body
    OFFICIAL = "official"  # civil official (district administration, ministry)
    MEDICAL = "medical"  # hospital or medical staff
    RESIDENTS = "residents"  # local residents, witnesses, relatives
    UNATTRIBUTED = "unattributed"  # "sources said", "reports say": nobody named
    UNKNOWN = "unknown"  # the analyst has not said

    @property
    def is_independent(self) -> bool:
        return self in _INDEPENDENT_ROLES

    @property
    def is_party(self) -> bool:
        return self in _PARTY_ROLES

    @property
    def is_concession(self) -> bool:
        return self in (Role.OWN_LOSSES, Role.CONCEDED_HARM)

    @property
    def description(self) -> str:
        """What a claimant in this role is, for explanations: never calls a medium or an echo a party."""
        if self.is_party:
            return "a party to the conflict"
        if self is Role.UNATTRIBUTED:
            return "an unattributed report"
        if self is Role.UNKNOWN:
            return "a claimant of unstated role"
        return "independent"


_INDEPENDENT_ROLES = frozenset({Role.INDEPENDENT, Role.MEDIA, Role.NGO, Role.OFFICIAL, Role.MEDICAL, Role.RESIDENTS})
_PARTY_ROLES = frozenset({Role.OWN_LOSSES, Role.ENEMY_LOSSES, Role.CONCEDED_HARM, Role.PARTY_OTHER})


class Stance(str, enum.Enum):
    """How a figure's source puts it. Anything but `stated` is hedged or denied, and never confirms."""

    STATED = "stated"  # said plainly: "ISPR said 14 soldiers were martyred"
    REPORTED = "reported"  # "reportedly", "according to", "reports say"
    ALLEGED = "alleged"  # "allegedly", "said to have", "purportedly"
    CLAIMED = "claimed"  # a claim of responsibility or success: "the BLA claimed to have killed 50"
    DENIED = "denied"  # the source denies the number: never counted
    UNCONFIRMED = "unconfirmed"  # "unconfirmed reports", "could not be independently verified"

    @property
    def is_hedged(self) -> bool:
        return self not in (Stance.STATED, Stance.DENIED)


class Reliability(str, enum.Enum):
    """The Admiralty scale for sources, set by analysts."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged

    @property
    def rank(self) -> int:
        """Higher is more reliable; F (unjudged) sits between D and E."""
        return _RELIABILITY_RANK[self]


_RELIABILITY_RANK = {
    Reliability.A: 6,
    Reliability.B: 5,
    Reliability.C: 4,
    Reliability.D: 3,
    Reliability.F: 2,
    Reliability.E: 1,
}


class Grade(str, enum.Enum):
    CONFIRMED = "confirmed"
    FAIR = "fair"
    WEAK = "weak"
    CONTESTED = "contested"
    PENDING = "pending"
    DISCOUNTED = "discounted"

    @property
    def certainty(self) -> int:
        """Order used when a rolled-up cell takes the weakest grade of its parts."""
        return _CERTAINTY[self]


_CERTAINTY = {
    Grade.CONFIRMED: 5,
    Grade.FAIR: 4,
    Grade.WEAK: 3,
    Grade.CONTESTED: 2,
    Grade.PENDING: 1,
    Grade.DISCOUNTED: 0,
}


class Precision(str, enum.Enum):
    """How precisely a date is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class LocationPrecision(str, enum.Enum):
    PLACE = "place"
    ADM2 = "adm2"
    ADM1 = "adm1"
    COUNTRY = "country"


# Victim statuses form a tree: the root "all" (a total: people killed with no status given), the
# categories below it, and "category/sub" below those; each level rolls up into the one above.
ROOT_STATUS = "all"
VICTIM_CATEGORIES: dict[str, tuple[str, ...] | None] = {
    "civilian": (),
    "security_forces": ("army", "frontier_corps", "police", "levies", "ctd", "law_enforcement", "other"),
    "militant": None,  # any group slug may follow, e.g. "militant/bla"
    "pro_government_militia": (),
    "unknown": (),
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def parse_victim_status(text: str) -> str:
    """Normalize a victim status such as 'security_forces/police' or 'militant/BLA'."""
    raw = text.strip().lower().replace(" ", "_")
    if raw == ROOT_STATUS:
        return raw
    category, _, sub = raw.partition("/")
    if category not in VICTIM_CATEGORIES:
        allowed = ", ".join([ROOT_STATUS, *VICTIM_CATEGORIES])
        raise InvalidInput(f"victim status {text!r}: unknown category; use one of {allowed} ('all' for a total)")
    subs = VICTIM_CATEGORIES[category]
    if not sub:
        return category
    if subs is None:
        if not _SLUG.match(sub):
            raise InvalidInput(
                f"victim status {text!r}: group name must be a slug; write e.g. 'militant/bla'"
            )
        return f"{category}/{sub}"
    if sub not in subs:
        hint = ", ".join(f"{category}/{s}" for s in subs) or category
        raise InvalidInput(f"victim status {text!r}: unknown sub-status; use {hint}")
    return f"{category}/{sub}"


def status_parent(status: str) -> str | None:
    """The status one level up the tree: a sub-status's category, a category's root; None for the root."""
    if status == ROOT_STATUS:
        return None
    category, _, sub = status.partition("/")
    return category if sub else ROOT_STATUS


def status_level(status: str) -> int:
    """0 for the root (a total), 1 for a category, 2 for a sub-status."""
    if status == ROOT_STATUS:
        return 0
    return 2 if "/" in status else 1


E = TypeVar("E", bound=enum.Enum)


def parse_enum(enum_cls: type[E], text: str, what: str) -> E:
    """Look up an enum member by value, with an error that lists the choices."""
    raw = text.strip().upper() if enum_cls is Reliability else text.strip().lower()
    try:
        return enum_cls(raw)
    except ValueError:
        choices = ", ".join(str(m.value) for m in enum_cls)
        raise InvalidInput(f"{what} {text!r}: not recognised; use one of {choices}") from None


class ClaimantKind(str, enum.Enum):
    STATE_FORCES = "state_forces"  # a state party: military, police, their press wings
    ARMED_GROUP = "armed_group"
    GOVERNMENT = "government"  # civil government
    MEDIA = "media"
    NGO = "ngo"
    UN = "un"
    MEDICAL = "medical"
    RESIDENTS = "residents"
    UNATTRIBUTED = "unattributed"  # "sources", "reports": a claimant that stands for nobody named
    DATASET = "dataset"  # a coded dataset (UCDP, ACLED) as the claimant of its own numbers
    OTHER = "other"

    @property
    def default_role(self) -> Role:
        """The role a claimant of this kind has when its registration names none for a status.

        Parties are left `unknown`: whether a number is their own losses or their enemy's depends
        on the status, which only the analyst can say."""
        return _KIND_ROLES.get(self, Role.UNKNOWN)


_KIND_ROLES = {
    ClaimantKind.MEDIA: Role.MEDIA,
    ClaimantKind.NGO: Role.NGO,
    ClaimantKind.UN: Role.NGO,
    ClaimantKind.GOVERNMENT: Role.OFFICIAL,
    ClaimantKind.MEDICAL: Role.MEDICAL,
    ClaimantKind.RESIDENTS: Role.RESIDENTS,
    ClaimantKind.UNATTRIBUTED: Role.UNATTRIBUTED,
    ClaimantKind.DATASET: Role.INDEPENDENT,
}
