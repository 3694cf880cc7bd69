#!/usr/bin/env python3
"""Precision, recall and F1 of the extractors against a labelled gold set.

    .venv/bin/python scripts/eval_extraction.py                 # every gold set of tests/data, one summary
    .venv/bin/python scripts/eval_extraction.py GOLD.json [--corpus DIR] [--json] [--show-errors]

Without GOLD.json it prints, for each of the project's gold sets separately —
the seed plans (gold.json), the seed-style held-out clauses (gold-heldout.json),
the constructed documents in real forms (gold-forms.json, gold-forms-2 … -10.json)
and their held-out twin (gold-forms-heldout.json) — and for all the forms sets
pooled ("all forms"), P/R/F1 of whole targets, each target field and the unit
sets, then the exact-match rate of title, 文号, issuers, signed
date and region on the header sets (gold-headers*.json).

GOLD.json is in the format of tests/data/gold.json: clauses with
doc (or file, for a set with a documents directory), path, span, targets and
responsibility; a set with "headers" is measured on metadata instead.  The documents are read from the
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

from kb.evaluate import HEADER_FIELDS, evaluate, evaluate_headers, pooled  # noqa: E402

ORDER = ("indicator", "indicator_id", "value", "unit", "comparator", "stage", "deadline", "whole_target", "lead_set",
         "co_set", "unit_assignment")


DATA = ROOT / "tests" / "data"
CLAUSE_SETS = (("seeds", "gold.json"), ("seeds held-out", "gold-heldout.json"), ("forms", "gold-forms.json"),
               *((f"forms {k}", f"gold-forms-{k}.json") for k in range(2, 11)),
               ("forms held-out", "gold-forms-heldout.json"))
# gold-headers-heldout.json was seen while the metadata rules were written (kept as a second development set);
# gold-headers-fresh.json is the held-out header set, labelled blind to kb/metadata.py.
ALL_FORMS = "all forms"  # every forms set above, pooled
HEADER_SETS = (("forms", "gold-headers.json"), ("forms (2nd, seen)", "gold-headers-heldout.json"),
               ("fresh held-out", "gold-headers-fresh.json"))


def summary(corpus: str, as_json: bool) -> int:
    """Every gold set of tests/data side by side."""
    out: dict = {"clauses": {}, "headers": {}}
    reports = {}
    for name, file in CLAUSE_SETS:
        path = DATA / file
        reports[name] = evaluate(json.loads(path.read_text(encoding="utf-8")), corpus, path)
        out["clauses"][name] = reports[name].as_dict()
    # the constructed real forms as one set: what issue 11's goals (whole-target and unit F1 >= 0.90,
    # indicator ids right for >= 95 %) are stated for
    out["clauses"][ALL_FORMS] = pooled(r for n, r in reports.items() if n.startswith("forms")).as_dict()
    for name, file in HEADER_SETS:
        path = DATA / file
        out["headers"][name] = evaluate_headers(json.loads(path.read_text(encoding="utf-8")), path)
    if as_json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    names = [n for n, _ in CLAUSE_SETS] + [ALL_FORMS]
    print(f"{'F1 (P/R)':<16}" + "".join(f"{n:>22}" for n in names))
    for field in ORDER:
        cells = []
        for n in names:
            r = out["clauses"][n]["fields"].get(field)
            cells.append(f"{r['f1']:.3f} ({r['precision']:.2f}/{r['recall']:.2f})" if r else "—")
        print(f"{field:<16}" + "".join(f"{c:>22}" for c in cells))
    print(f"{'clauses':<16}" + "".join(f"{out['clauses'][n]['clauses']:>22}" for n in names))
    print()
    hnames = [n for n, _ in HEADER_SETS]
    print(f"{'exact match':<16}" + "".join(f"{n:>22}" for n in hnames))
    for field in HEADER_FIELDS:
        print(f"{field:<16}" + "".join(
            f"{out['headers'][n]['matched'][field]:>13}/{out['headers'][n]['documents']:<3}{out['headers'][n]['exact'][field]:>6.2f}"
            for n in hnames))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description="Measure extraction against gold.")
    ap.add_argument("gold", nargs="?", help="one gold set (default: every set in tests/data, summarised)")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--show-errors", action="store_true", help="list the clauses where extraction and gold differ")
    args = ap.parse_args()
    if args.gold is None:
        return summary(args.corpus, args.json)
    try:
        gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
        gold["headers"] if "headers" in gold else gold["clauses"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"eval_extraction: cannot read a gold set from {args.gold}: {exc}", file=sys.stderr)
        return 2
    if "headers" in gold:
        found = evaluate_headers(gold, args.gold)
        if args.json:
            print(json.dumps(found, ensure_ascii=False, indent=1))
            return 0
        for field in HEADER_FIELDS:
            print(f"{field:<14}{found['matched'][field]:>4}/{found['documents']:<4}{found['exact'][field]:.2f}")
        if args.show_errors:
            for file, field, want, got in found["mismatches"]:
                print(f"  {file} {field}: gold {want!r}, extracted {got!r}")
        return 0
    report = evaluate(gold, args.corpus, args.gold).as_dict()
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
    try:
        sys.exit(main())
    except BrokenPipeError:  # the report piped into head: stop quietly
        sys.stderr.close()
        sys.exit(0)
