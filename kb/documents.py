"""Documents as the CLI and the web UI show them (JSON-ready dicts)."""
from __future__ import annotations

import functools
import re

from .store import Store

SUMMARY_FIELDS = ("id", "title", "doc_number", "issuers", "signed_date", "published_date", "region", "script", "flags")


class UnknownDocument(LookupError):
    def __init__(self, given: str):
        super().__init__(f"unknown document id: {given} (list them with `policykb docs`)")
        self.given = given


def summary(row: dict) -> dict:
    out = {k: row[k] for k in SUMMARY_FIELDS}
    out["region"] = _region(row["region"])
    number = (row.get("metadata") or {}).get("doc_number") or {}
    out["doc_number_printed"] = number.get("printed")  # as the page prints it; doc_number is normalised (〔〕)
    return out


def _region(region: dict | None) -> dict | None:
    if region is None:
        return None
    return {
        "code": region["code"], "name": region["name"], "level": region["level"],
        "prefecture": region.get("prefecture"), "province": region.get("province"),
        "prefecture_code": region.get("prefecture_code"), "province_code": region.get("province_code"),
    }


def list_documents(store: Store) -> list[dict]:
    return [summary(r) for r in store.documents()]


def resolve(store: Store, given: str) -> str:
    doc_id = store.resolve_id(given)
    if doc_id is None:
        raise UnknownDocument(given)
    return doc_id


def show_document(store: Store, given: str) -> dict:
    """Everything known about one document."""
    doc_id = resolve(store, given)
    row = store.document(doc_id)
    out = summary(row)
    meta = row["metadata"]
    out.update(
        {
            "notice_title": row["notice_title"],
            "doc_number_parts": meta["doc_number"] and {
                "prefix": meta["doc_number"]["prefix"], "year": meta["doc_number"]["year"], "seq": meta["doc_number"]["seq"],
            },
            "dates": meta["dates"],
            "index_no": meta["index_no"],
            "site": row["site"],
            "url": row["url"],
            "sources": row.get("sources") or [],
            "origin": row["origin"],
            "sha256": row["sha256"],
            "text": row["text"],
            "clauses": [
                {"path": c["path"], "heading": c["heading"], "text": c["text"], "start": c["start"], "end": c["end"],
                 "kind": c["kind"], **({"cells": c["cells"]} if c["cells"] else {})}
                for c in store.clauses(doc_id)
            ],
            "citations": [
                {"title": c["title"], "doc_number": c["doc_number"], "inner_title": c["inner_title"],
                 "start": c["start"], "end": c["end"], "resolved_doc_id": c["resolved_doc_id"]}
                for c in store.citations(doc_id)
            ],
            "normalisation": row["normalisation"],
            "targets": list_targets(store, doc_id),
            "responsibilities": list_units(store, doc_id),
        }
    )
    return out


def original_span(store: Store, given: str, start: int, end: int) -> dict:
    """A span of the normalised text and the raw text it came from."""
    from .textedit import EditLog

    doc_id = resolve(store, given)
    row = store.document(doc_id)
    text = row["text"]
    if not (0 <= start <= end <= len(text)):
        raise ValueError(f"the span {start}:{end} is outside the document (0:{len(text)})")
    a, b = EditLog.from_json(row["edit_log"]).to_raw(start, end)
    return {"doc_id": doc_id, "start": start, "end": end, "text": text[start:end],
            "raw_start": a, "raw_end": b, "raw": row["raw_text"][a:b]}


# --- facts ------------------------------------------------------------------


class UnknownRegion(LookupError):
    """A region the user named that is not one: ``code`` says why (region, region_ambiguous,
    province, not_province), ``suggestions`` are close matches as (code, label) pairs."""

    def __init__(self, message: str, code: str = "region", suggestions=(), value: str = ""):
        super().__init__(message)
        self.code = code
        self.suggestions = list(suggestions)
        self.params = {"value": value}


class UnknownIndicator(LookupError):
    pass


def _label(r) -> str:
    return f"{r.name} {r.code}" + (f" ({r.province}{r.prefecture or ''})" if r.province and r.level != "province" else "")


def resolve_region(given: str, province_only: bool = False):
    """The region (kb.models.Region) of a 6-digit code, a full name or a short name (恩平, 广东); an
    unknown or ambiguous name raises :class:`UnknownRegion` with the close matches."""
    import difflib

    from .regions import all_regions, by_code, lookup

    given = (given or "").strip()
    what = "province" if province_only else "region"
    region = None
    if given.isdigit() and len(given) == 6:
        region = by_code(given)
    elif given:
        found = lookup(given) or _by_short_name().get(given, [])  # 广东, 江门, 恩平: the name without 省/市/县
        if len(found) > 1 and province_only:
            found = [r for r in found if r.level == "province"] or found
        if len(found) > 1:
            pairs = [(r.code, _label(r)) for r in found[:8]]
            raise UnknownRegion(f"the {what} name {given} is ambiguous: {', '.join(l for _, l in pairs)}; give its code",
                                "region_ambiguous", pairs, given)
        region = found[0] if found else None
    if region is not None and province_only and region.level != "province":
        raise UnknownRegion(f"{given} is not a province; use the region filter for prefectures and counties",
                            "not_province", (), given)
    if region is None:
        pool = [r for r in all_regions() if not province_only or r.level == "province"]
        starts = [r for r in pool if given and given in r.name]
        by_name = {r.name: r for r in pool}
        close = difflib.get_close_matches(given, list(by_name), n=6, cutoff=0.5)
        picks = list(dict.fromkeys(starts[:6] + [by_name[n] for n in close]))[:8]
        pairs = [(r.code, _label(r)) for r in picks]
        hint = f"; did you mean: {', '.join(l for _, l in pairs)}" if pairs else " (give a 6-digit code or a full name such as 普宁市)"
        raise UnknownRegion(f"unknown {what}: {given}{hint}", what, pairs, given)
    return region


@functools.lru_cache(maxsize=1)
def _by_short_name() -> dict[str, list]:
    """Every region by its short name (恩平市 → 恩平, 广东省 → 广东, 宁夏回族自治区 → 宁夏)."""
    from .regions import all_regions, short_name

    out: dict[str, list] = {}
    for r in all_regions():
        stems = {short_name(r.name)}
        m = _LEVEL_SUFFIX.search(r.name)  # 朝阳区, 朝阳县 as well as 朝阳市: the bare stem is ambiguous then
        if m and m.start() >= 2:
            stems.add(r.name[:m.start()])
        for stem in stems - {None, r.name}:
            out.setdefault(stem, []).append(r)
    return out


_LEVEL_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|县|区|旗|盟)$")


def code_prefix(region) -> str:
    """The code prefix of everything inside a region: 440000 → 44, 445200 → 4452, 445281 → 445281."""
    return {"province": region.code[:2], "prefecture": region.code[:4]}.get(region.level, region.code)


def region_prefix(given: str) -> str:
    """A region code prefix for a code or a name: 440000 → 44, 445200 → 4452, 普宁市 → 445281."""
    return code_prefix(resolve_region(given))


def indicator_filter(given: str) -> tuple[list[str] | None, str | None]:
    """(indicator ids, None) when ``given`` names a national indicator or a group of them,
    else (None, the words to look for in the indicator as written)."""
    from . import taxonomy
    from .normalise import normalise_query

    given = given.strip()
    ind = taxonomy.get(given)
    if ind is not None:
        key = given.casefold()
        if key == ind.id.casefold():
            return [ind.id], None
        return [i.id for i in taxonomy.indicators() if i.group == ind.group], None
    text = normalise_query(given)
    matched = taxonomy.match(text)
    if matched is not None:
        return [matched], None
    return None, text


def list_targets(store: Store, doc: str | None = None, region: str | None = None, indicator: str | None = None) -> list[dict]:
    from .facts import target_json

    doc_id = resolve(store, doc) if doc else None
    prefix = region_prefix(region) if region else None
    ind_id, ind_text = indicator_filter(indicator) if indicator else (None, None)
    return [target_json(r) for r in store.targets(doc_id, prefix, ind_id, ind_text)]


def list_units(store: Store, doc: str | None = None, unit: str | None = None, region: str | None = None) -> list[dict]:
    from .facts import responsibility_json
    from .normalise import normalise_query

    doc_id = resolve(store, doc) if doc else None
    prefix = region_prefix(region) if region else None
    text = normalise_query(unit).replace(" ", "") if unit else None
    return [responsibility_json(r) for r in store.responsibilities(doc_id, prefix, text)]


# --- across regions -----------------------------------------------------------

ROLES = ("lead", "co", "none")


def unit_kind(unit: str, region: dict | None) -> str:
    """A unit's name without its region's name: 普宁市财政局 → 财政局 (the kind of department)."""
    if region:
        for name in (region.get("name"), (region.get("name") or "")[:-1] if len(region.get("name") or "") > 2 else None):
            if name and unit.startswith(name) and len(unit) > len(name) + 1:
                return unit[len(name):]
    return unit


def unit_tasks(store: Store, unit: str | None, regions: tuple[str, ...] = (), role: str | None = None,
               limit: int = 2000) -> dict:
    """The tasks a kind of department leads or co-leads, across regions.

    ``{unit, role, total, shown, by_region: [{region, lead, co, none}], kinds: [{kind, count}], rows: [...]}``;
    each row has the region, document, clause and the task's words.
    """
    from .normalise import normalise_query

    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use lead, co or none")
    prefixes = [region_prefix(r) for r in regions] or None
    text = normalise_query(unit).replace(" ", "") if unit else None
    found = store.unit_tasks(text, prefixes, role)
    by_region: dict[str, dict] = {}
    kinds: dict[str, int] = {}
    for r in found:
        reg = _region(r["region"]) or {"code": None, "name": "地区不明"}
        key = reg["code"] or r["doc_id"]
        entry = by_region.setdefault(key, {"region": reg, "lead": 0, "co": 0, "none": 0})
        entry[r["role"] or "none"] += 1
        kind = unit_kind(r["unit"], r["region"])
        kinds[kind] = kinds.get(kind, 0) + 1
    rows = [
        {"region": _region(r["region"]), "doc_id": r["doc_id"], "title": r["title"], "doc_number": r["doc_number"],
         "clause_path": r["clause_path"], "clause_heading": r["clause_heading"],
         "url": f"/documents/{r['doc_id']}" + (f"#clause-{r['clause_seq']}" if r["clause_seq"] is not None else ""),
         "unit": r["unit"], "unit_raw": r["unit_raw"], "kind": unit_kind(r["unit"], r["region"]), "role": r["role"],
         "task": r["task_text"], "span": {"start": r["start"], "end": r["end"], "text": r["span_text"]}}
        for r in found[:limit]
    ]
    return {
        "unit": unit, "role": role, "total": len(found), "shown": len(rows),
        "by_region": sorted(by_region.values(), key=lambda e: (e["region"]["code"] is None, e["region"]["code"] or "")),
        "kinds": [{"kind": k, "count": n} for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])],
        "rows": rows,
    }


def cited_documents(store: Store) -> list[dict]:
    """Upstream documents (by 文号, else by title) with the plans that cite them, most cited first.

    ``[{title, doc_number, resolved_doc_id, resolved_title, count, cited_by: [{doc_id, title, doc_number, region}]}]``
    """
    groups: dict[str, dict] = {}
    for c in store.all_citations():
        key = c["cited_doc_number"] or c["cited_title"].strip("《》 ")
        g = groups.setdefault(key, {"title": c["cited_title"], "doc_number": c["cited_doc_number"],
                                    "resolved_doc_id": None, "resolved_title": None, "cited_by": {}, "titles": {}})
        g["titles"][c["cited_title"]] = g["titles"].get(c["cited_title"], 0) + 1
        if c["resolved_doc_id"] and not g["resolved_doc_id"]:
            g["resolved_doc_id"], g["resolved_title"] = c["resolved_doc_id"], c["resolved_title"]
        g["cited_by"].setdefault(c["doc_id"], {"doc_id": c["doc_id"], "title": c["title"], "doc_number": c["doc_number"],
                                               "region": _region(c["region"])})
    out = []
    for g in groups.values():
        title = max(g.pop("titles").items(), key=lambda kv: kv[1])[0]
        cited_by = list(g["cited_by"].values())
        out.append({**g, "title": title, "cited_by": cited_by, "count": len(cited_by)})
    return sorted(out, key=lambda g: (-g["count"], g["doc_number"] is None, g["title"]))
