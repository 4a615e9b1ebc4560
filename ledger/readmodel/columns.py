"""The fields of each read, in the order CSV writes them; a read's export writes the very same columns.

Each list ends with what the rows reflect (policy where one applies, view, log position), repeated on
every CSV row and given once in the JSON envelope as well. Tables show a narrower default choice
(`*_TABLE`); `--wide` shows every field. Nothing heavy is imported here: `ledger --help` reads it.
"""

TALLY = [
    "incident", "incident_name", "victim_status", "outcome", "low", "best", "high", "high_open", "grade",
    "basis", "claims", "claimants", "status_level", "top", "unattributed", "policy", "view", "log_position",
]  # fmt: skip
TALLY_TABLE = ["incident", "victim_status", "outcome", "low", "best", "high", "grade", "basis", "claims", "claimants"]
# Shown in the table only where a total leaves part of its number unattributed to any status.
TALLY_UNATTRIBUTED = "unattributed"
TALLY_OPTIONAL = ["basis", "claims"]  # what a narrow terminal leaves out first

# low / best / high: as the figure was first recorded (its quantity_text); current_*: in force, after corrections.
# A high of null is open when the bound kind says so (at_least, more_than...), else there is no number.
FIGURES = [
    "figure_id", "incident", "claimant", "victim_status", "outcome", "role", "quantity_text", "bound_kind",
    "low", "best", "high", "vague_word", "state", "corrected", "current_quantity", "current_bound_kind", "current_low",
    "current_best", "current_high", "reported_at", "reported_precision", "reported_estimated", "recorded_at", "analyst",
    "publisher", "document", "quote", "quote_start", "quote_end", "occurred_start", "occurred_end", "women",
    "children", "note", "position", "stance", "stance_source", "derived", "part_of", "quote_part", "carriers",
    "carried_by", "view", "log_position",
]  # fmt: skip
# The table writes the bounds as one field each: `bounds` as first recorded, `in_force` (words and bounds)
# only where a correction changed them.
FIGURES_TABLE = [
    "figure_id", "incident", "claimant", "victim_status", "outcome", "quantity_text", "bounds", "state", "in_force",
    "reported_at",
]  # fmt: skip
FIGURES_OPTIONAL = ["reported_at", "outcome", "claimant"]

AUDIT = [
    "position", "recorded_at", "analyst", "via", "summary", "claimant", "incident", "victim_status", "outcome",
    "reported", "occurred_start", "occurred_end", "document", "quote", "figure_id", "view", "log_position",
]  # fmt: skip
AUDIT_TABLE = ["position", "recorded_at", "analyst", "summary", "claimant", "reported", "document", "quote"]
AUDIT_OPTIONAL = ["reported", "claimant", "document", "analyst"]

# What the envelope adds to a read's own fields (`policy` only where a policy applies).
READ_ENVELOPE = ["view", "log_position"]

# Registered things as they stand now, by listing (`ledger claimant list` ...); each ends with view and log_position.
LISTINGS = {
    "claimants": ["key", "name", "kind", "reliability", "default_roles", "description"],
    "publishers": ["key", "name", "kind", "url"],
    "documents": ["key", "title", "url", "publisher", "published_at", "published_precision", "published_estimated",
                  "sha256", "characters"],
    "incidents": ["key", "name", "parent", "country", "adm1", "adm2", "place", "location_precision",
                  "occurred_start", "occurred_end", "date_precision", "date_estimated", "is_open"],
}  # fmt: skip
