"""Search results as files for a researcher's notes: CSV, XLSX, DOCX and JSON (at most 5,000 clauses).

Every export begins with the query as typed and as normalised, the filters, the order, how many clauses
hold every term and how many only some, the knowledge base's build date and the export date; every
row gives the clause with its document, 文号, issuers, date, clause path, the terms it has and lacks, a
formatted reference and the links.  The injection rules are those of the comparison exports
(:func:`kb.export.neutralise`).
"""
from __future__ import annotations

import datetime as _dt
import json

from .export import FORMATS, MAX_DOCX_ROWS, ExportTooLarge, neutralise, to_csv, to_xlsx, xml_text
from .search.reference import reference
from .spreadsheet import Column, Link
from .worddoc import write_table_document

__all__ = ["MAX_ROWS", "collect", "describe", "export_search", "filename"]

MAX_ROWS = 5000
LEVELS = {"province": "省级", "prefecture": "地市级", "county": "县级"}
TIERS = {1: "包含全部检索词", 2: "只包含部分检索词"}
SORTS = {"relevance": "按相关度", "newest": "按日期(新→旧)", "oldest": "按日期(旧→新)", "region": "按地区代码"}


def filters_text(query) -> str:
    """The filters of a :class:`kb.search.SearchQuery` in words."""
    parts = []
    for label, value in (("省份", query.province), ("地区", query.region), ("层级", LEVELS.get(query.level or "", query.level)),
                         ("文件类型", query.kind)):
        if value:
            parts.append(f"{label}:{value}")
    if query.year_from or query.year_to:
        parts.append(f"年份:{query.year_from or '不限'}—{query.year_to or '不限'}")
    if query.has_target is not None:
        parts.append("只看含量化目标的条款" if query.has_target else "只看不含量化目标的条款")
    return ";".join(parts) or "无"


def collect(index_dir, store, query, limit: int = MAX_ROWS) -> dict:
    """What an export of ``query`` holds: up to ``limit`` hits, the filters in words and the knowledge base."""
    from .search import all_hits

    result = all_hits(index_dir, store, query, limit)
    documents = store.meta("documents")
    return {**result, "filters_text": filters_text(query),
            "knowledge_base": {"built_on": store.meta("built_on"),
                               "documents": int(documents) if documents and str(documents).isdigit() else documents}}


def describe(result: dict, today: str) -> list[tuple[str, str]]:
    """What was searched, as (label, text) lines heading every export."""
    kb = result.get("knowledge_base") or {}
    shown = len(result["hits"])
    return [
        ("检索式", f"{result['query']}(规范化为:{result['normalised_query']})"),
        ("筛选条件", result.get("filters_text") or "无"),
        ("排序", SORTS.get(result.get("sort") or "relevance", "")),
        ("结果", f"{result['total']} 条条款包含全部检索词,{result['total_partial']} 条只包含部分检索词;本文件列出 {shown} 条"
                + (f"(最多 {MAX_ROWS} 条)" if result.get("truncated") else "")),
        ("知识库", f"构建于 {kb.get('built_on') or '未知'},共 {kb.get('documents') or '?'} 份文件"),
        ("导出日期", today),
        ("说明", "检索词出现在条款正文,或出现在条款所属文件的标题、文号、发文机关、地区名称中,都算包含。引用时请以原文件为准。"),
    ]


def _table(result: dict, base_url: str) -> tuple[list[Column], list[list]]:
    columns = [Column("序号", 6), Column("检索结果", 14), Column("地区", 12), Column("地区代码", 9), Column("层级", 7),
               Column("文件标题", 36, wrap=True), Column("文号", 18), Column("发文机关", 20), Column("日期", 11),
               Column("条款", 14), Column("条款原文", 70, wrap=True), Column("包含的检索词", 16),
               Column("缺少的检索词", 16), Column("引用", 50, wrap=True), Column("知识库链接", 14), Column("原文网址", 16)]
    rows = []
    for i, h in enumerate(result["hits"], 1):
        rows.append([i, TIERS[h["tier"]], h["region"]["name"], h["region"]["code"], LEVELS.get(h.get("level") or "", ""),
                     h["title"], h["doc_number"], "、".join(h.get("issuers") or []), h.get("date") or h.get("year"),
                     h["clause_label"], h["text"], "、".join(h["matched_terms"]), "、".join(h["missing_terms"]),
                     reference(h, base_url), Link("查看条款", base_url + h["url"]),
                     Link(h["source_url"], h["source_url"]) if (h.get("source_url") or "").startswith(("http://", "https://"))
                     else h.get("source_url")])
    return columns, rows


def export_search(result: dict, fmt: str, base_url: str = "http://127.0.0.1:8000", today: str | None = None) -> bytes:
    """The search ``result`` (from :func:`kb.search.all_hits`, with ``knowledge_base`` and ``filters_text``)
    as a file in ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    today = today or _dt.date.today().isoformat()
    base_url = base_url.rstrip("/")
    if fmt == "json":
        return json.dumps({**result, "exported_on": today}, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt == "docx" and len(result["hits"]) > MAX_DOCX_ROWS:
        raise ExportTooLarge(len(result["hits"]), MAX_DOCX_ROWS)
    about = describe(result, today)
    if fmt == "csv":
        return to_csv(about, _table(result, base_url))
    if fmt == "xlsx":
        return to_xlsx(about, _table(result, base_url))
    headers = ["序号", "地区", "文件(文号)", "条款", "条款原文", "出处"]
    rows, sources = [], []
    for i, h in enumerate(result["hits"], 1):
        sources.append(reference(h, base_url))
        doc = (h["title"] or h["doc_id"]) + (f"({h['doc_number']})" if h.get("doc_number") else "")
        mark = "" if h["tier"] == 1 else f"(缺:{'、'.join(h['missing_terms'])})"
        rows.append([str(i), h["region"]["name"] or "", doc, h["clause_label"], h["text"] + mark, f"[{i}]"])
    rows = [[neutralise(v) for v in row] for row in rows]
    return write_table_document(xml_text(f"“{result['query']}”检索结果"), headers, rows,
                                notes=[xml_text(f"{k}:{v}") for k, v in about],
                                sources=[xml_text(s) for s in sources], widths_cm=[1.0, 2.6, 5.5, 2.4, 13.5, 1.2],
                                after=[])


def filename(result: dict, fmt: str, today: str | None = None) -> str:
    """policykb-search-2026-12-03.xlsx (ASCII, so every browser and mail client keeps it)."""
    return f"policykb-search-{today or _dt.date.today().isoformat()}.{fmt}"
