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
    INDEPENDENT = "independent"  # independent outlet, NGO, researcher
    OFFICIAL = "official"  # civil official (district administration, ministry)
    MEDICAL = "medical"  # hospital or medical staff
    RESIDENTS = "residents"  # local residents, witnesses, relatives
    UNKNOWN = "unknown"

    @property
    def is_independent(self) -> bool:
        return self in _INDEPENDENT_ROLES

    @property
    def is_concession(self) -> bool:
        return self in (Role.OWN_LOSSES, Role.CONCEDED_HARM)


_INDEPENDENT_ROLES = frozenset({Role.INDEPENDENT, Role.OFFICIAL, Role.MEDICAL, Role.RESIDENTS})


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


# Victim statuses are "category" or "category/sub"; sub-statuses roll up into the category.
VICTIM_CATEGORIES: dict[str, tuple[str, ...] | None] = {
    "civilian": (),
    "security_forces": ("army", "frontier_corps", "police", "levies", "ctd", "other"),
    "militant": None,  # any group slug may follow, e.g. "militant/bla"
    "pro_government_militia": (),
    "unknown": (),
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def parse_victim_status(text: str) -> str:
    """Normalize a victim status such as 'security_forces/police' or 'militant/BLA'."""
    raw = text.strip().lower().replace(" ", "_")
    category, _, sub = raw.partition("/")
    if category not in VICTIM_CATEGORIES:
        allowed = ", ".join(VICTIM_CATEGORIES)
        raise InvalidInput(f"victim status {text!r}: unknown category; use one of {allowed}")
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
    """The category a sub-status rolls up into, or None for a category."""
    category, _, sub = status.partition("/")
    return category if sub else None


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
    OTHER = "other"
