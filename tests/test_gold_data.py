"""Integrity of the extraction gold (tests/data/gold.json).

Checks the data only, never the extractors: every span is verbatim in its
document's golden text and lies inside a clause with the labelled path (or a
descendant of it), the fields use the agreed vocabularies, and the set is big
enough (clauses, negatives, responsibility records) to measure extraction.
"""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
GOLD = ROOT / "data" / "gold.json"
GOLDEN = ROOT / "golden"

DOCS = ("000", "001", "002", "003", "004")
STAGES = {"小学", "初中", "义务教育", "学前", "高中", "特殊教育", "职业教育", "中小学", None}
COMPARATORS = {">=", ">", "<=", "<", "=", "~"}
KINDS = {"target", "milestone", "standard"}
DEADLINE_KINDS = {"by", "in_year", "stage_year", "start", "period"}
MODALITIES = {"确保", "力争", "预计", "计划", None}
PERIODS = {"daily", "per_semester", "per_school_year", "annual"}
RESP_FORMS = {"trailing_paren", "zeren_danwei_paren", "prose", "appendix_table"}
CANONICAL = re.compile(r"^(YJ-(R[1-7]|G([1-9]|1[0-5])|Q[1-9]|S1)|XQ-(P[1-3]|G[1-9]|Q[1-5]|S1))$")
TARGET_KEYS = {"indicator", "stage", "value", "unit", "comparator", "cue", "deadline", "kind", "modality", "canonical"}
CLAUSE_KEYS = {"id", "doc", "path", "span", "targets", "responsibility", "note"}
# a numeral a careless extractor could read as a value
NUMBER = re.compile(r"[0-9〇零一二两三四五六七八九十百千万ⅠⅡⅢⅣⅤ]|II")


@lru_cache(maxsize=None)
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def clauses() -> list[dict]:
    return gold()["clauses"]


def _golden(doc: str, suffix: str) -> Path:
    hits = sorted(GOLDEN.glob(f"{doc}_*{suffix}"))
    assert len(hits) == 1, f"expected one golden file {doc}_*{suffix}, found {hits}"
    return hits[0]


@lru_cache(maxsize=None)
def text(doc: str) -> str:
    return _golden(doc, ".text.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def structure(doc: str) -> list[dict]:
    return json.loads(_golden(doc, ".clauses.json").read_text(encoding="utf-8"))


def _in_path(clause_path: str, want: str) -> bool:
    if not want:  # [] = front matter
        return clause_path == ""
    return clause_path == want or clause_path.startswith(want + "/")


def locate(doc: str, span: str, path: list[str]) -> int:
    """Start of the first occurrence of span inside a clause with path or a descendant; -1 if none."""
    want = "/".join(path)
    t = text(doc)
    for m in re.finditer(re.escape(span), t):
        for c in structure(doc):
            if c["start"] <= m.start() and m.end() <= c["end"] and _in_path(c["path"], want):
                return m.start()
    return -1


def is_negative(c: dict) -> bool:
    return not c["targets"] and bool(NUMBER.search(c["span"]))


def _iso(s) -> bool:
    if not isinstance(s, str):
        return False
    try:
        date.fromisoformat(s)
    except ValueError:
        return False
    return len(s) == 10


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


IDS = [c["id"] for c in clauses()]


# --- whole-file checks --------------------------------------------------------------

def test_top_level_blocks():
    g = gold()
    assert {"schema_note", "conventions", "clauses", "metadata", "corrections"} <= set(g)
    assert isinstance(g["conventions"], list) and g["conventions"]
    assert all(isinstance(s, str) and s.strip() for s in g["conventions"])
    assert isinstance(g["corrections"], list) and all(isinstance(s, str) for s in g["corrections"])


def test_metadata_for_every_seed():
    meta = {m["doc"]: m for m in gold()["metadata"]}
    assert set(DOCS) <= set(meta)
    for doc in DOCS:
        assert meta[doc].get("title"), doc
        assert meta[doc].get("issuers"), doc
        assert "region" in meta[doc], doc


def test_sizes():
    cs = clauses()
    assert len(cs) >= 100
    assert sum(is_negative(c) for c in cs) >= 20
    assert sum(c["responsibility"] is not None for c in cs) >= 30
    assert sum(len(c["targets"]) for c in cs) >= 150
    # every document is represented, and with at least one negative
    for doc in DOCS:
        assert any(c["doc"] == doc for c in cs), doc
        assert any(c["doc"] == doc and is_negative(c) for c in cs), doc


def test_ids_unique_and_seed_ids_kept():
    assert len(IDS) == len(set(IDS))
    assert all(re.fullmatch(r"G\d{2,}", i) for i in IDS)
    assert {f"G{i:02d}" for i in range(1, 34)} <= set(IDS)


def test_no_duplicate_clause():
    seen = set()
    for c in clauses():
        key = (c["doc"], tuple(c["path"]), c["span"])
        assert key not in seen, f"{c['id']} duplicates another clause"
        seen.add(key)


# --- per-clause checks ---------------------------------------------------------------

@pytest.mark.parametrize("c", clauses(), ids=IDS)
def test_clause_shape(c):
    assert CLAUSE_KEYS <= set(c)
    assert c["doc"] in DOCS
    assert isinstance(c["path"], list) and all(isinstance(p, str) and p for p in c["path"])
    assert isinstance(c["span"], str) and c["span"] and c["span"].strip() == c["span"]
    assert isinstance(c["targets"], list)
    assert c["note"] is None or isinstance(c["note"], str)
    if not c["targets"]:
        assert c["note"] or c["responsibility"], f"{c['id']}: a clause without targets needs a note or units"


@pytest.mark.parametrize("c", clauses(), ids=IDS)
def test_span_verbatim_and_inside_path(c):
    t = text(c["doc"])
    assert c["span"] in t, f"{c['id']}: span not in the golden text of {c['doc']}"
    want = "/".join(c["path"])
    paths = {s["path"] for s in structure(c["doc"])}
    assert any(_in_path(p, want) for p in paths), f"{c['id']}: path {want!r} not in clauses.json"
    assert locate(c["doc"], c["span"], c["path"]) >= 0, f"{c['id']}: span not inside a clause with path {want!r}"


def _check_deadline(d, cid, inferred=False):
    assert isinstance(d, dict), cid
    assert d.get("kind") in DEADLINE_KINDS, (cid, d)
    assert isinstance(d.get("text"), str) and d["text"], (cid, d)
    if d["kind"] == "start":
        assert not inferred, cid
        assert d["end"] is None and _iso(d.get("start")), (cid, d)
    else:
        assert _iso(d.get("end")), (cid, d)
    if d["kind"] == "period":
        assert _iso(d.get("start")) and d["start"] <= d["end"], (cid, d)
    if inferred:
        assert d["kind"] in {"by", "period"}, (cid, d)


@pytest.mark.parametrize("c", clauses(), ids=IDS)
def test_target_fields(c):
    cid = c["id"]
    for t in c["targets"]:
        assert TARGET_KEYS <= set(t), (cid, TARGET_KEYS - set(t))
        assert isinstance(t["indicator"], str) and t["indicator"], cid
        assert t["stage"] in STAGES, (cid, t["stage"])
        assert t["comparator"] in COMPARATORS, (cid, t["comparator"])
        assert t["kind"] in KINDS, (cid, t["kind"])
        assert t["modality"] in MODALITIES, (cid, t["modality"])
        assert t["canonical"] is None or CANONICAL.match(t["canonical"]), (cid, t["canonical"])
        assert isinstance(t["cue"], str) and t["cue"], cid
        v = t["value"]
        if t["kind"] == "milestone":
            assert v is None and t["unit"] is None, cid
            assert t["deadline"] is not None, f"{cid}: a milestone needs a deadline"
        elif isinstance(v, list):
            assert len(v) == 2 and all(_is_number(x) for x in v), (cid, v)
            assert t["unit"] == "ratio", cid
        else:
            assert _is_number(v), (cid, v)
        if t["unit"] is not None:
            assert isinstance(t["unit"], str) and t["unit"] and "万" not in t["unit"], (cid, t["unit"])
        if t["deadline"] is not None:
            _check_deadline(t["deadline"], cid)
        if "deadline_inferred" in t:
            assert t["deadline"] is None, f"{cid}: inferred only when no explicit deadline"
            assert t["kind"] == "target" and "period" not in t, cid
            _check_deadline(t["deadline_inferred"], cid, inferred=True)
        if "period" in t:
            assert t["period"] in PERIODS or re.fullmatch(r"per_\d+_years", t["period"]), (cid, t["period"])
        if "range" in t:
            lo, hi = t["range"]
            assert _is_number(lo) and _is_number(hi) and lo < hi and v == lo and t["comparator"] == ">=", cid
        if "flags" in t:
            assert isinstance(t["flags"], list) and all(isinstance(f, str) for f in t["flags"]), cid
            if "wan_multiplier" in t["flags"]:
                assert "万" in t.get("raw_value", ""), cid
        if "raw_value" in t:
            assert isinstance(t["raw_value"], str) and t["raw_value"] in c["span"], (cid, t["raw_value"])


@pytest.mark.parametrize("c", clauses(), ids=IDS)
def test_deadline_text_in_span_or_scope(c):
    """An explicit deadline's words are in the span, unless they come from a scope (paragraph start, stage heading)."""
    for t in c["targets"]:
        d = t["deadline"]
        if d is None:
            continue
        assert d["text"] in text(c["doc"]), (c["id"], d["text"])
        inherited = d["kind"] == "stage_year" or "deadline_inherited_from_paragraph_start" in t.get("flags", [])
        if not inherited:
            assert d["text"] in c["span"], (c["id"], d["text"])


@pytest.mark.parametrize("c", clauses(), ids=IDS)
def test_responsibility(c):
    r = c["responsibility"]
    if r is None:
        return
    cid = c["id"]
    assert r["form"] in RESP_FORMS, (cid, r["form"])
    assert r.get("raw"), cid
    if r["form"] == "appendix_table":
        assert isinstance(r["raw"], list) and all(isinstance(x, str) for x in r["raw"]), cid
    else:
        assert isinstance(r["raw"], str), cid
    if r["lead"] is None:
        assert r.get("lead_rule") == "not_declared", cid
        assert isinstance(r.get("units"), list) and r["units"], cid
        names = r["units"]
    else:
        assert isinstance(r["lead"], list) and r["lead"], cid
        assert isinstance(r.get("co"), list), cid
        names = r["lead"] + r["co"]
    assert len(names) == len(set(names)), f"{cid}: a unit is listed twice"
    for n in names:
        assert n and not re.search(r"\s", n), (cid, n)
        assert not n.startswith("市"), f"{cid}: {n} lacks its region"
        assert "市委财政" not in n and "市委教育" not in n, (cid, n)


def test_appendix_tables_are_the_only_list_raw():
    for c in clauses():
        r = c["responsibility"]
        if r and isinstance(r["raw"], list):
            assert c["path"][0].startswith("附件"), c["id"]
