#!/usr/bin/env python3
"""Measure the page extractor on annotated saved pages.

Usage: eval_pages.py [DIR ...]   (default: tests/fixtures/pages)

Every ``NAME.json`` beside a saved page ``NAME.html`` annotates it::

    {"file": "NAME.html",                  # optional, defaults to NAME.html
     "url": "https://…",                   # optional: resolves relative attachment links
     "must_appear": ["snippet", …],        # text the extracted body must hold
     "must_not_appear": ["snippet", …],    # chrome the body must not hold
     "fields": {"title": "…", "doc_number": "…" or null, …},   # optional: expected metadata
     "template": "trs", "attachments": 5}  # optional: expected template and attachment count

Snippets are compared after NFKC and whitespace folding (a newline in a
snippet is a line break in the body).  Prints one line per page and the
totals: the share of must-appear snippets found, the number of must-not-appear
snippets found, and the share of metadata fields right.  Exits 1 when a
directory holds no annotated page.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.scrape.pages import page_json, read_page  # noqa: E402

FIELDS = ("title", "doc_number", "issuer", "signed_date", "published_date", "index_no")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[ \t\u3000\xa0]*\n\s*", "\n", s)
    return re.sub(r"[ \t\u3000\xa0]+", " ", s).strip()


def evaluate(path: Path) -> dict:
    ann = json.loads(path.read_text(encoding="utf-8"))
    page_file = path.parent / ann.get("file", path.with_suffix(".html").name)
    page, decoded = read_page(page_file.read_bytes(), ann.get("url"))
    out = page_json(page)
    body = fold(out["body_text"])
    must = [s for s in ann.get("must_appear", [])]
    must_not = [s for s in ann.get("must_not_appear", [])]
    found = [s for s in must if fold(s) in body]
    leaked = [s for s in must_not if fold(s) in body]
    fields = ann.get("fields", {})
    right = [k for k in fields if k in FIELDS and _same(out.get(k), fields[k])]
    wrong = {k: (out.get(k), fields[k]) for k in fields if k in FIELDS and k not in right}
    return {
        "page": page_file.name, "template": out["template"], "expected_template": ann.get("template"),
        "encoding": decoded.encoding, "must": len(must), "found": len(found),
        "missing": [s for s in must if s not in found], "leaked": leaked,
        "fields": len([k for k in fields if k in FIELDS]), "fields_right": len(right), "wrong": wrong,
        "attachments": len(out["attachments"]), "expected_attachments": ann.get("attachments"),
    }


def _same(got, want) -> bool:
    if want is None or got is None:
        return got == want
    return fold(str(got)) == fold(str(want))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", default=[str(ROOT / "tests" / "fixtures" / "pages")])
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    results = []
    for d in args.dirs:
        anns = sorted(p for p in Path(d).glob("*.json") if (p.parent / p.with_suffix(".html").name).exists()
                      or "file" in json.loads(p.read_text(encoding="utf-8")))
        if not anns:
            print(f"eval_pages: {d} holds no annotated page (NAME.json beside NAME.html)", file=sys.stderr)
            return 1
        results += [evaluate(p) for p in anns]
    must = sum(r["must"] for r in results)
    found = sum(r["found"] for r in results)
    leaked = sum(len(r["leaked"]) for r in results)
    fields = sum(r["fields"] for r in results)
    right = sum(r["fields_right"] for r in results)
    if args.json:
        print(json.dumps({"pages": results, "must_appear_share": found / must if must else None,
                          "must_not_appear_found": leaked, "fields_share": right / fields if fields else None},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"{'page':<24} {'template':<9} {'encoding':<9} {'must':>7} {'leaks':>5} {'fields':>7} {'att':>3}")
    for r in results:
        tmpl = r["template"] + ("" if r["expected_template"] in (None, r["template"]) else "!")
        print(f"{r['page'][:24]:<24} {tmpl:<9} {r['encoding']:<9} {r['found']:>3}/{r['must']:<3} {len(r['leaked']):>5} "
              f"{r['fields_right']:>3}/{r['fields']:<3} {r['attachments']:>3}")
        for s in r["missing"]:
            print(f"    missing: {s!r}")
        for s in r["leaked"]:
            print(f"    leaked:  {s!r}")
        for k, (got, want) in r["wrong"].items():
            print(f"    {k}: got {got!r}, want {want!r}")
    print(f"\n{len(results)} pages: must-appear {found}/{must} = {found / must:.1%}" if must else f"\n{len(results)} pages")
    print(f"must-not-appear snippets found: {leaked}")
    if fields:
        print(f"metadata fields right: {right}/{fields} = {right / fields:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
