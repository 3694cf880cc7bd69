"""Compare regions: every target set for one indicator, checked against the
national threshold; or every clause on a topic, grouped by region.

A comparison is a JSON-ready dict (``compare_indicator`` / ``compare_topic``)
that the CLI prints, the web UI renders and :mod:`kb.export` writes to CSV,
XLSX and DOCX.  Every row carries the document and clause it came from.

Verdicts compare a target with the national threshold for its stage:

* ``stricter`` — the plan promises more than the national line (a higher rate
  where higher is better, fewer pupils per class where lower is better);
* ``equal`` — the plan repeats the national line;
* ``looser`` — the plan stays below the national line;
* ``no_threshold`` — the national schemes set no number for this indicator or stage;
* ``incomparable`` — the target is in another unit than the threshold;
* ``not_set`` — the region has plans, but none sets a target for the indicator.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from . import families, taxonomy
from .documents import UnknownRegion, code_prefix, resolve_region
from .models import Region
from .store import Store

VERDICT_LABELS = {
    "stricter": "严于国家标准",
    "equal": "与国家标准持平",
    "looser": "低于国家标准",
    "no_threshold": "无国家标准",
    "incomparable": "单位不同,无法比较",
    "not_set": "未设定",
}
SORTS = ("region", "value", "-value", "deadline")
STAGES = ("学前", "小学", "初中", "义务教育", "中小学", "高中", "特殊教育", "职业教育")
_STAGE_PARTS = {"义务教育": {"小学", "初中", "义务教育", "中小学"}, "中小学": {"小学", "初中", "义务教育", "中小学"}}
_SAME_UNIT = {"名": "人", "位": "人", "个百分点": "%"}
# How a target or threshold shows its comparator in front of the value (≥85%, 达到100%, 约30%).
# Never "=": a cell starting with "=" is a formula to a spreadsheet.
_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "达到", "~": "约"}
# The comparator alone, in the words a drafter writes (the 比较 column of an export).
COMPARATOR_WORDS = {">=": "不低于", ">": "超过", "<=": "不高于", "<": "低于", "=": "达到", "~": "约"}
MAX_ROWS = 20_000  # a table larger than this is refused with a message to narrow it
TOPIC_LIMIT = 2_000  # clauses read for a topic comparison
TOPIC_PER_REGION = 5


class CompareError(ValueError):
    """A request the user can fix; ``code``/``params`` let a UI say it in its own language,
    ``suggestions`` lists close matches for an unknown name as (value to use, label) pairs."""

    def __init__(self, message: str, code: str, suggestions: list[tuple[str, str]] | None = None, **params: object):
        super().__init__(message)
        self.code = code
        self.params = params
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class CompareQuery:
    """What to compare: an indicator (id or words) or a topic query, and filters."""

    indicator: str | None = None
    q: str | None = None
    regions: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    stage: str | None = None
    year_from: int | None = None  # of the deadline
    year_to: int | None = None
    sort: str = "region"
    include_not_set: bool = True


# --- resolving what the user typed ---------------------------------------------


def resolve_indicator(given: str) -> taxonomy.Indicator:
    """The national indicator meant by an id (YJ-G15) or words (随迁子女就读比例)."""
    from .normalise import normalise_query

    given = (given or "").strip()
    if not given:
        raise CompareError("Choose an indicator (an id such as YJ-G15 or words such as 巩固率).", "indicator_empty")
    if given.casefold() in ("all", "*", "全部", "所有"):
        raise CompareError("Compare one indicator at a time; list them with `policykb indicators`.", "one_indicator")
    ind = taxonomy.get(given)
    if ind is not None and ind.id.casefold() == given.casefold():
        return ind
    fam = families.get_family(given.upper())
    if fam is not None:  # a local indicator family (LF-XW): compared alike, without a national threshold
        return families.as_indicator(fam)
    text = normalise_query(given)
    matched = taxonomy.match(text)
    if matched is not None:
        return taxonomy.get(matched)
    found = taxonomy.search(text)
    if len(found) == 1:
        return found[0]
    # Words in the indicator's order with words left out (随迁子女就读比例): one indicator fits.
    squeezed = text.replace(" ", "")
    fits = [i for i in taxonomy.indicators()
            if len(squeezed) >= 4 and any(_subsequence(squeezed, n) for n in (i.name, *i.aliases))]
    if len(fits) == 1:
        return fits[0]
    fam = families.find_family(text)
    if fam is not None and not found:
        return families.as_indicator(fam)
    suggestions = [(i.id, f"{i.id} {i.name}") for i in (found[:8] or _close_indicators(given))]
    if fam is not None:
        suggestions.insert(0, (fam.id, f"{fam.id} {fam.name}"))
    hint = (f"; did you mean: {', '.join(label for _, label in suggestions)}" if suggestions
            else "; list them with `policykb indicators`")
    raise CompareError(f"Unknown indicator: {given}{hint}.", "indicator", suggestions, value=given)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _close_indicators(text: str) -> list[taxonomy.Indicator]:
    items = taxonomy.indicators()
    names = {i.name: i for i in items}
    for i in items:
        for a in i.aliases:
            names.setdefault(a, i)
    ids = {i.id.casefold(): i for i in items}
    close_ids = difflib.get_close_matches(text.casefold(), list(ids), n=4, cutoff=0.6)
    close = difflib.get_close_matches(text, list(names), n=12, cutoff=0.3)
    # Characters in common catch what difflib misses for short Chinese words.
    chars = set(text)
    scored = sorted(items, key=lambda i: -len(chars & set(i.name)))
    picks = ([ids[c] for c in close_ids] + [names[c] for c in close]
             + [i for i in scored[:5] if len(chars & set(i.name)) >= 2])
    return list(dict.fromkeys(picks))[:8]


def _check(query: CompareQuery) -> tuple[list[Region], list[Region], str | None]:
    try:
        regions = [resolve_region(r) for r in query.regions if r.strip()]
        provinces = [resolve_region(p, province_only=True) for p in query.provinces if p.strip()]
    except UnknownRegion as exc:
        raise CompareError(str(exc), exc.code, exc.suggestions, **exc.params) from exc
    stage = (query.stage or "").strip() or None
    if stage is not None and stage not in STAGES:
        raise CompareError(f"Unknown stage: {stage}; use one of {', '.join(STAGES)}.", "stage",
                           [(x, x) for x in STAGES], value=stage)
    if query.sort not in SORTS:
        raise CompareError(f"Unknown sort order: {query.sort}; use one of {', '.join(SORTS)}.", "sort",
                           [(x, x) for x in SORTS], value=query.sort)
    if query.year_from and query.year_to and query.year_from > query.year_to:
        raise CompareError(f"The year range {query.year_from}–{query.year_to} is reversed.", "years",
                           year_from=query.year_from, year_to=query.year_to)
    return regions, provinces, stage


def _prefixes(regions: list[Region], provinces: list[Region]) -> list[str] | None:
    """Region code prefixes a document must fall under (regions and provinces are alternatives)."""
    found = [code_prefix(r) for r in regions + provinces]
    return list(dict.fromkeys(found)) or None


def filters_json(query: CompareQuery, regions: list[Region], provinces: list[Region], stage: str | None) -> dict:
    return {
        "regions": [{"code": r.code, "name": r.name} for r in regions],
        "provinces": [{"code": p.code, "name": p.name} for p in provinces],
        "stage": stage, "year_from": query.year_from, "year_to": query.year_to, "sort": query.sort,
    }


def filters_text(filters: dict) -> str:
    """The filters in words, for the heading of a table or an export."""
    parts = []
    if filters.get("provinces"):
        parts.append("省份:" + "、".join(p["name"] for p in filters["provinces"]))
    if filters.get("regions"):
        parts.append("地区:" + "、".join(r["name"] for r in filters["regions"]))
    if filters.get("stage"):
        parts.append("学段:" + filters["stage"])
    if filters.get("year_from") or filters.get("year_to"):
        parts.append(f"期限:{filters.get('year_from') or '不限'}—{filters.get('year_to') or '不限'}年")
    return ";".join(parts) or "全部地区"


# --- verdicts -------------------------------------------------------------------------


def _unit(u: str | None) -> str | None:
    return _SAME_UNIT.get(u, u) if u else None


def comparable(value, unit: str | None, comparator: str, th: taxonomy.Threshold) -> tuple[float, float, str] | None:
    """(target number, threshold number, comparator saying which way is stricter), or None
    when the units differ.  Ratios a:b compare as b per one a (1:15 → 15)."""
    if isinstance(th.value, tuple):
        if not isinstance(value, (list, tuple)) or not value[0]:
            return None
        per = th.per_first()
        return value[1] / value[0], float(per.value), per.comparator
    if isinstance(value, (list, tuple)) or value is None:
        return None
    if _unit(unit) != _unit(th.unit):
        return None
    return float(value), float(th.value), th.comparator


def verdict(indicator: taxonomy.Indicator, comparator: str, value, unit: str | None,
            th: taxonomy.Threshold | None) -> str:
    if th is None:
        return "no_threshold"
    got = comparable(value, unit, comparator, th)
    if got is None:
        return "incomparable"
    mine, line, th_comp = got
    if th_comp in (">=", ">"):
        higher = True
    elif th_comp in ("<=", "<"):
        higher = False
    else:
        higher = indicator.direction != "lower_better"
    if abs(mine - line) < 1e-9:
        strict = {">", "<"}
        if comparator in strict and th_comp not in strict:
            return "stricter"
        if th_comp in strict and comparator not in strict:
            return "looser"
        return "equal"
    return "stricter" if (mine > line) == higher else "looser"


def threshold_json(th: taxonomy.Threshold | None) -> dict | None:
    if th is None:
        return None
    value = list(th.value) if isinstance(th.value, tuple) else th.value
    return {"stage": th.stage, "comparator": th.comparator, "value": _num(value), "unit": th.unit,
            "text": value_text(th.comparator, value, th.unit)}


def _num(v):
    if isinstance(v, (list, tuple)):
        return [_num(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def comparator_text(comparator: str | None) -> str:
    """不低于, 达到 … — the comparator in words; an unknown one as given, minus any leading "="."""
    if not comparator:
        return ""
    return COMPARATOR_WORDS.get(comparator) or comparator.lstrip("=")


def value_text(comparator: str | None, value, unit: str | None) -> str:
    """≥85%, ≤45人, 达到100%, 达到1:15 — how a table cell shows a target or a threshold
    (never starting with "=", which a spreadsheet would take for a formula)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        shown = ":".join(str(_num(v)) for v in value)
        unit = None if unit == "ratio" else unit
    else:
        shown = str(_num(value))
    shown_comparator = _SYMBOLS.get(comparator or "", (comparator or "").lstrip("="))
    return f"{shown_comparator}{shown}{unit or ''}"


# --- by indicator --------------------------------------------------------------------


def _region_json(region: dict | None) -> dict:
    if not region:
        return {"code": None, "name": "地区不明", "province": None, "level": None}
    return {"code": region.get("code"), "name": region.get("name"),
            "province": region.get("province") or (region.get("name") if region.get("level") == "province" else None),
            "level": region.get("level")}


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _units(found: dict[tuple[str, str], list[dict]], doc_id: str, path: str) -> list[dict]:
    """The units at the target's clause, else at its nearest ancestor; lead first, each once."""
    for p in _ancestors(path):
        rows = found.get((doc_id, p))
        if rows:
            order = {"lead": 0, "co": 1}
            seen: dict[str, dict] = {}
            for r in sorted(rows, key=lambda r: order.get(r["role"], 2)):
                seen.setdefault(r["unit"], {"name": r["unit"], "role": r["role"]})
            return list(seen.values())
    return []


def _stage_ok(want: str | None, stage: str | None) -> bool:
    if want is None:
        return True
    return stage == want or stage in _STAGE_PARTS.get(want, ())


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _doc_fields(d: dict) -> dict:
    return {"doc_id": d["doc_id"] if "doc_id" in d else d["id"], "title": d["title"], "doc_number": d["doc_number"],
            "date": (d["signed_date"] or d["published_date"] or "")[:10] or None, "source_url": d["url"]}


def _clause_url(doc_id: str, seq: int | None) -> str:
    return f"/documents/{doc_id}" + (f"#clause-{seq}" if seq is not None else "")


def compare_indicator(store: Store, query: CompareQuery) -> dict:
    """One row per target set for the indicator (see the module doc), plus a
    ``not_set`` row for each region whose plans set none."""
    ind = resolve_indicator(query.indicator or "")
    regions, provinces, stage = _check(query)
    prefixes = _prefixes(regions, provinces)
    found = store.compare_targets([ind.id], prefixes)
    rows_in = [t for t in found if _stage_ok(stage, t["stage"])]
    # The same target read twice in one clause (a table row and its note) is one row.
    unique: dict[tuple, dict] = {}
    for t in rows_in:
        key = (t["doc_id"], t["clause_path"], t["stage"], t["comparator"], t["value"], t["value2"], t["unit"],
               t["deadline_end"])
        unique.setdefault(key, t)
    rows_in = list(unique.values())
    regions_with_target = {t["region_code"] or t["doc_id"] for t in rows_in}
    if query.year_from or query.year_to:
        lo, hi = query.year_from or 0, query.year_to or 9999
        rows_in = [t for t in rows_in if _year(t["deadline_end"]) is not None and lo <= _year(t["deadline_end"]) <= hi]
    if len(rows_in) > MAX_ROWS:
        raise CompareError(f"The comparison has {len(rows_in)} rows, more than the limit of {MAX_ROWS}; "
                           "narrow it by province, region, stage or deadline.", "too_many", rows=len(rows_in),
                           limit=MAX_ROWS)
    paths: dict[str, set[str]] = {}
    for t in rows_in:
        paths.setdefault(t["doc_id"], set()).update(_ancestors(t["clause_path"]))
    units = store.units_at(paths)
    thresholds: dict[str | None, tuple] = {}  # per stage: (threshold, its JSON)
    regions_json: dict[str, dict] = {}
    rows = []
    for t in rows_in:
        value = [_num(t["value"]), _num(t["value2"])] if t["value2"] is not None else _num(t["value"])
        if t["stage"] not in thresholds:
            th = taxonomy.threshold(ind.id, t["stage"])
            thresholds[t["stage"]] = (th, threshold_json(th))
        th, th_json = thresholds[t["stage"]]
        v = verdict(ind, t["comparator"], value, t["unit"], th)
        key = t["region_code"] or t["doc_id"]
        if key not in regions_json:
            regions_json[key] = _region_json(t["region"])
        rows.append({
            "region": regions_json[key], **_doc_fields(t),
            "indicator_id": ind.id, "indicator": t["indicator"], "stage": t["stage"],
            "comparator": t["comparator"], "value": value, "unit": t["unit"],
            "value_text": value_text(t["comparator"], value, t["unit"]),
            "deadline": t["deadline_end"], "deadline_text": t["deadline_text"],
            "deadline_inferred": bool(t["deadline_inferred"]),
            "units": _units(units, t["doc_id"], t["clause_path"]),
            "national_threshold": th_json, "verdict": v, "verdict_label": VERDICT_LABELS[v],
            "clause_path": t["clause_path"], "clause_seq": t["clause_seq"],
            "text": t["clause_text"] if t["clause_text"] is not None else t["span_text"],
            "evidence": {"start": t["start"], "end": t["end"], "text": t["span_text"]},
            "url": _clause_url(t["doc_id"], t["clause_seq"]),
        })
    not_set = []
    if query.include_not_set:
        plans: dict[str, list[dict]] = {}
        for d in store.document_summaries(prefixes):
            plans.setdefault(d["region_code"] or d["id"], []).append(d)
        for key, docs in plans.items():
            if key in regions_with_target:
                continue
            latest = max(docs, key=lambda d: (d["signed_date"] or d["published_date"] or "", d["id"]))
            not_set.append({
                "region": _region_json(latest["region"]), **_doc_fields(latest),
                "indicator_id": ind.id, "indicator": None, "stage": stage, "comparator": None, "value": None,
                "unit": None, "value_text": "", "deadline": None, "deadline_text": None, "deadline_inferred": False,
                "units": [], "national_threshold": threshold_json(taxonomy.threshold(ind.id, stage)),
                "verdict": "not_set", "verdict_label": VERDICT_LABELS["not_set"], "clause_path": None,
                "clause_seq": None, "text": None, "evidence": None, "url": _clause_url(latest["id"], None),
                "plans": [{"doc_id": d["id"], "title": d["title"], "doc_number": d["doc_number"]} for d in docs],
            })
    rows = _sorted(rows, query.sort) + sorted(not_set, key=_region_key)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    return {
        "kind": "indicator",
        "indicator": indicator_json(ind),
        "filters": filters_json(query, regions, provinces, stage),
        "knowledge_base": {"built_on": store.meta("built_on"), "documents": _int(store.meta("documents"))},
        "summary": {"rows": len(rows), "targets": len(rows) - len(not_set),
                    "regions": len({_region_key(r) for r in rows}), "regions_not_set": len(not_set),
                    "verdicts": counts},
        "rows": rows,
    }


def _int(s: str | None) -> int | None:
    return int(s) if s and s.isdigit() else None


def indicator_json(ind: taxonomy.Indicator) -> dict:
    return {"id": ind.id, "name": ind.name, "scheme": ind.scheme, "dimension": ind.dimension,
            "direction": ind.direction, "unit": ind.unit,
            "thresholds": [threshold_json(t) for t in ind.thresholds]}


def _region_key(r: dict) -> tuple:
    reg = r["region"]
    return (reg["code"] is None, reg["code"] or "", reg["name"] or "")


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    def number(r):
        v = r["value"]
        if isinstance(v, list):
            return v[1] / v[0] if v[0] else float("inf")
        return float("inf") if v is None else v

    if sort == "value":
        return sorted(rows, key=lambda r: (number(r), _region_key(r)))
    if sort == "-value":
        return sorted(rows, key=lambda r: (-number(r) if number(r) != float("inf") else float("inf"), _region_key(r)))
    if sort == "deadline":
        return sorted(rows, key=lambda r: (r["deadline"] is None, r["deadline"] or "", _region_key(r)))
    return sorted(rows, key=lambda r: (_region_key(r), r["doc_id"], r["clause_seq"] or 0))


# --- by topic -------------------------------------------------------------------------


def compare_topic(index_dir: Path | str, store: Store, query: CompareQuery,
                  per_region: int = TOPIC_PER_REGION) -> dict:
    """Clauses matching ``query.q`` (search semantics), grouped by region, best region first."""
    from .search import SearchQuery, ranked_hits

    regions, provinces, _ = _check(query)
    prefixes = _prefixes(regions, provinces)
    found = ranked_hits(index_dir, store, SearchQuery(q=query.q or ""), TOPIC_LIMIT, prefixes)
    groups: dict[str, dict] = {}
    for h in found["hits"]:
        region = _region_json(h["region"])
        key = region["code"] or h["doc_id"]
        g = groups.setdefault(key, {"region": region, "clauses": 0, "documents": set(), "hits": []})
        g["clauses"] += 1
        g["documents"].add(h["doc_id"])
        if len(g["hits"]) < per_region:
            g["hits"].append(h)
    out_groups = []
    rows = []
    for g in groups.values():
        out_groups.append({"region": g["region"], "clauses": g["clauses"], "documents": len(g["documents"]),
                           "hits": g["hits"], "more": g["clauses"] - len(g["hits"])})
        for h in g["hits"]:
            rows.append({"region": g["region"], "doc_id": h["doc_id"], "title": h["title"],
                         "doc_number": h["doc_number"], "clause_path": h["clause_path"],
                         "clause_seq": h["clause_seq"], "text": h["text"], "url": h["url"]})
    return {
        "kind": "topic",
        "query": query.q, "normalised_query": found["normalised_query"],
        "filters": filters_json(query, regions, provinces, None),
        "knowledge_base": {"built_on": store.meta("built_on"), "documents": _int(store.meta("documents"))},
        "summary": {"clauses": found["total"], "shown_clauses": len(found["hits"]), "regions": len(out_groups),
                    "truncated": found["total"] > len(found["hits"])},
        "groups": out_groups,
        "rows": rows,
        "stale_index": bool(found.get("stale_index")),
    }
