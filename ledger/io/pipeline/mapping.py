"""Mapping files: how a published dataset's codes become the ledger's victim statuses and precisions.

The package ships one per dataset, beside its format (ledger/io/formats/<dataset>/mapping.json). `--mapping FILE` (JSON or TOML)
overrides it key by key: a key in the file replaces the shipped key whole, the rest is kept.
What the mapping did, and every value it could not map, is counted for the import report.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import attrs

from ledger.errors import InvalidInput

FORMATS_DIR = Path(__file__).resolve().parent.parent / "formats"
# A mapping is named by its dataset; the file lives in that format's own folder.
MAPPING_FOLDERS = {"ucdp_ged": "ucdp", "acled": "acled"}


def slug(text: str, limit: int = 48) -> str:
    """A key-safe slug; long texts keep a short hash so two long names never collide."""
    base = re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-") or "x"
    if len(base) <= limit:
        return base
    digest = hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]
    return f"{base[:limit].rstrip('-')}-{digest}"


def shipped_path(name: str) -> Path:
    return FORMATS_DIR / MAPPING_FOLDERS.get(name, name) / "mapping.json"


def load_mapping(name: str, override: Path | None = None) -> Mapping:
    data = json.loads(shipped_path(name).read_text(encoding="utf-8"))
    source = f"shipped {name} mapping"
    if override is not None:
        data = {**data, **_read(override)}
        source = str(override)
    return Mapping(data, source)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"mapping {path}: no such file; give a JSON or TOML mapping file") from None
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"mapping {path}: cannot be read ({error}); fix the file") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"mapping {path}: should hold an object of sections; see `ledger import mapping`")
    return data


@attrs.frozen
class Rule:
    field: str
    pattern: re.Pattern[str]
    status: str  # may hold "{slug}": the slug of the matched value, e.g. "militant/{slug}"

    def status_for(self, value: str) -> str:
        return self.status.replace("{slug}", slug(value, 40))


class Mapping:
    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data, self.source = data, source
        self.label = f"{data.get('name', '?')}@{data.get('version', '?')}"
        self.applied: Counter[tuple[str, str, str]] = Counter()
        self.unmapped: Counter[tuple[str, str]] = Counter()
        self.counting = True  # only the first pass over a file counts

    def codes(self, section: str) -> dict[str, str]:
        table = self.data.get(section)
        if not isinstance(table, dict):
            raise InvalidInput(f"mapping {self.source}: section {section!r} is missing; copy it from `ledger import mapping`")
        return {str(k): str(v) for k, v in table.items()}

    def rules(self, section: str, default_field: str) -> list[Rule]:
        rules = []
        for i, spec in enumerate(self.data.get(section) or []):
            try:
                rules.append(Rule(spec.get("field", default_field), re.compile(spec["match"], re.IGNORECASE), spec["status"]))
            except (KeyError, TypeError, AttributeError, re.error) as error:
                fix = 'write {"match": REGEX, "status": STATUS}'
                raise InvalidInput(f"mapping {self.source}: {section}[{i}] is not a rule ({error}); {fix}") from None
        return rules

    def classify(self, rules: list[Rule], values: dict[str, str], field: str | None = None) -> str | None:
        """The status of the first rule that matches (only rules on `field`, when given); None when none does."""
        for rule in rules:
            if field is not None and rule.field != field:
                continue
            value = values.get(rule.field, "")
            if rule.pattern.search(value):
                status = rule.status_for(value)
                if self.counting:
                    self.applied[(rule.field, value, status)] += 1
                return status
        return None

    def miss(self, field: str, value: str) -> None:
        if self.counting:
            self.unmapped[(field, value)] += 1

    def report(self) -> dict[str, Any]:
        return {
            "mapping": self.label,
            "file": self.source,
            "applied": [{"field": f, "value": v, "status": s, "rows": n} for (f, v, s), n in sorted(self.applied.items())],
            "unmapped": [{"field": f, "value": v, "rows": n} for (f, v), n in sorted(self.unmapped.items())],
        }
