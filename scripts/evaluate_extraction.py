#!/usr/bin/env python3
"""Precision and recall of `ledger extract` on the synthetic annotated corpus, per style, for the
tuning part and the held-out test part (scripts/extraction/README.md describes the corpus).

    python scripts/evaluate_extraction.py            # the table, both parts
    python scripts/evaluate_extraction.py --json     # the same figures as JSON
    python scripts/evaluate_extraction.py --mistakes tuning   # every wrong or missed figure
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ledger.extract.evaluation import evaluate, mistakes, read_corpus
from ledger.extract.ruleset import LATEST, load_rules

CORPUS = Path(__file__).resolve().parent / "extraction"
PARTS = ("tuning", "test")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--rules", type=int, default=LATEST, help="rules version (default: the latest)")
    parser.add_argument("--mistakes", choices=PARTS, help="list the wrong and missed figures of one part")
    args = parser.parse_args(argv)
    rules = load_rules(args.rules)
    if args.mistakes:
        for item in read_corpus(CORPUS / f"{args.mistakes}.txt"):
            lines = mistakes(item, rules)
            if lines:
                print(f"{item.id}: {item.text[:100]}")
                print("\n".join(lines))
        return 0
    results = {part: evaluate(read_corpus(CORPUS / f"{part}.txt"), rules) for part in PARTS}
    if args.json:
        payload = {
            "rules": rules.label,
            "parts": {
                part: {style: {"proposals": s.proposals, "gold": s.gold, **s.ratios()} for style, s in scores.items()}
                for part, scores in results.items()
            },
        }
        print(json.dumps(payload, indent=2))
        return 0
    print(f"Extraction rules {rules.label} on the synthetic corpus (scripts/extraction/)")
    header = (
        "| part | style | items' figures | proposed | figures P | figures R | as proposed P | as proposed R | spans P | spans R |"
    )
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    for part, scores in results.items():
        for style, score in scores.items():
            r = score.ratios()
            ratios = (
                "figure_precision",
                "figure_recall",
                "accepted_precision",
                "accepted_recall",
                "span_precision",
                "span_recall",
            )
            cells = [part, style, score.gold, score.proposals, *(_pct(r[k]) for k in ratios)]
            print("| " + " | ".join(str(c) for c in cells) + " |")
    print()
    print("Agreement on spans found (claimant, status, outcome, bounds of proposals whose number's offsets are right):")
    for part, scores in results.items():
        r = scores["all"].ratios()
        print(
            f"  {part}: "
            + ", ".join(f"{k} {_pct(r[k + '_agreement'])}" for k in ("claimant", "victim_status", "outcome", "bounds"))
        )
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


if __name__ == "__main__":
    sys.exit(main())
