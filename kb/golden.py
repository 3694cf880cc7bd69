"""Golden-file rendering of a document: normalised text, clause tree, metadata.

Shared by ``scripts/update_golden.py`` (writes) and the tests (compare), so
both always render the same way.
"""
from __future__ import annotations

import json

from .corpus import Entry
from .pipeline import metadata_json, process, region_json

GOLDEN_DIR = "tests/golden"


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render_golden(entry: Entry, data: bytes) -> dict[str, str]:
    """File name → content for one document."""
    p = process(entry, data)
    clauses = [
        {"path": c.path_str, "kind": c.kind, "heading": c.heading, "start": c.start, "end": c.end,
         "first": c.text[:30], **({"cells": [list(x) for x in c.cells]} if c.cells else {})}
        for c in p.clauses
    ]
    meta = metadata_json(p.metadata)
    meta["region"] = region_json(p.metadata.region)
    meta["normalisation"] = p.norm.report()
    meta["flags"] = list(p.norm.flags)
    return {
        f"{entry.id}.text.txt": p.norm.text + "\n",
        f"{entry.id}.clauses.json": _dump(clauses),
        f"{entry.id}.metadata.json": _dump(meta),
    }
