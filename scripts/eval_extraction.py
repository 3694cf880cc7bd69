#!/usr/bin/env python3
"""Precision, recall and F1 of the extractors against a labelled gold set.

    .venv/bin/python scripts/eval_extraction.py [GOLD.json] [--corpus DIR] [--json] [--show-errors]

GOLD.json is in the format of tests/data/gold.json (the default): clauses with
doc, path, span, targets and responsibility.  The documents are read from the
corpus (default: the bundled corpus/); to measure on plans from other regions,
import them into a corpus with `policykb import --corpus DIR …` and label them
in the same format with their document ids.  Prints per field, then per document.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.evaluate import evaluate  # noqa: E402

ORDER = ("indicator", "value", "unit", "comparator", "stage", "deadline", "whole_target", "lead_set", "co_set", "unit_assignment")


def main() -> int:
    ap = argparse.ArgumentParser(description="Measure extraction against gold.")
    ap.add_argument("gold", nargs="?", default=str(ROOT / "tests" / "data" / "gold.json"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--show-errors", action="store_true", help="list the clauses where extraction and gold differ")
    args = ap.parse_args()
    try:
        gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
        gold["clauses"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"eval_extraction: cannot read a gold set from {args.gold}: {exc}", file=sys.stderr)
        return 2
    report = evaluate(gold, args.corpus).as_dict()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(f"gold: {args.gold} — {report['clauses']} clauses evaluated, {len(report['missing_spans'])} spans not found")
    print(f"{'field':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'gold':>7}{'extracted':>10}")
    for name in ORDER:
        r = report["fields"].get(name)
        if r:
            print(f"{name:<16}{r['precision']:>10.3f}{r['recall']:>10.3f}{r['f1']:>8.3f}{r['gold']:>7}{r['predicted']:>10}")
    print()
    print(f"{'document':<24}{'whole-target F1':>16}{'unit-assignment F1':>20}")
    for doc, fields in report["per_document"].items():
        wt = fields.get("whole_target")
        ua = fields.get("unit_assignment")
        wt_s = f"{wt['f1']:.3f}" if wt else "—"
        ua_s = f"{ua['f1']:.3f}" if ua else "—"
        print(f"{doc:<24}{wt_s:>16}{ua_s:>20}")
    if report["missing_spans"]:
        print("\nspans not found in their documents:", ", ".join(report["missing_spans"]))
    if args.show_errors:
        print("\nmismatches:")
        for line in report["mismatches"]:
            print(" ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
