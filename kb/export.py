"""Comparison tables as files for drafting notes: CSV, XLSX, DOCX and JSON.

Every export states what was compared (indicator or query, filters, the date
of the knowledge base and of the export) and, for every row, the document and
clause it came from, with a link to the clause in the knowledge base and to
the original page when it is known.

No cell of any export runs as a formula: text a spreadsheet would take for one
(starting with = + - @, a tab or a carriage return) gets a leading apostrophe in
CSV, XLSX and DOCX alike (:func:`neutralise`), XLSX text cells are always string
cells, comparators are written as 达到/≥/不低于 … (never "="), and only http(s)
addresses become hyperlinks.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re

from .compare import VERDICT_LABELS, comparator_text, filters_text, value_text
from .spreadsheet import Column, Link, is_web_url, write_table
from .worddoc import write_table_document

FORMATS = ("csv", "xlsx", "docx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json; charset=utf-8",
}
LEVELS = {"province": "省级", "prefecture": "地市级", "county": "县级"}
ROLES = {"lead": "牵头", "co": "配合"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF):
# openpyxl and python-docx refuse them, so a plan line carrying one would fail the whole export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_DOCX_ROWS = 3000  # a Word table longer than this is no drafting note (and takes python-docx seconds)


class ExportTooLarge(ValueError):
    """The table is too long for the format; the message says what to do instead."""

    def __init__(self, rows: int, limit: int):
        super().__init__(f"a Word table of {rows} rows is more than the limit of {limit}; "
                         "export XLSX or CSV, or narrow the comparison by province, region, stage or deadline")
        self.rows, self.limit = rows, limit


def export(result: dict, fmt: str, base_url: str = "http://127.0.0.1:8000", today: str | None = None) -> bytes:
    """The comparison ``result`` (from :mod:`kb.compare`) as a file in ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    today = today or _dt.date.today().isoformat()
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt == "docx" and len(result["rows"]) > MAX_DOCX_ROWS:
        raise ExportTooLarge(len(result["rows"]), MAX_DOCX_ROWS)
    table = _table(result, base_url.rstrip("/"))
    about = describe(result, today)
    if fmt == "csv":
        return to_csv(about, table)
    if fmt == "xlsx":
        return to_xlsx(about, table)
    return to_docx(about, result, base_url.rstrip("/"))


def filename(result: dict, fmt: str, today: str | None = None) -> str:
    """policykb-compare-YJ-G15-2026-11-25.xlsx (ASCII, so every browser and mail client keeps it)."""
    today = today or _dt.date.today().isoformat()
    what = result["indicator"]["id"] if result["kind"] == "indicator" else "topic"
    return f"policykb-compare-{what}-{today}.{fmt}"


def describe(result: dict, today: str) -> list[tuple[str, str]]:
    """What was compared, as (label, text) lines heading every export."""
    kb = result.get("knowledge_base") or {}
    lines: list[tuple[str, str]] = []
    if result["kind"] == "indicator":
        ind = result["indicator"]
        lines.append(("对比指标", f"{ind['id']} {ind['name']}({ind['scheme']})"))
        ths = ";".join(f"{t['stage'] or ''}{t['text']}" for t in ind["thresholds"]) or "国家评估办法未设定量化标准"
        lines.append(("国家标准", ths))
    else:
        lines.append(("对比检索", f"{result['query']}(规范化为:{result['normalised_query']})"))
    lines.append(("筛选条件", filters_text(result["filters"]) + (f";排序:{_SORTS.get(result['filters'].get('sort'), '')}"
                                                              if result["kind"] == "indicator" else "")))
    summary = result["summary"]
    if result["kind"] == "indicator":
        lines.append(("结果", f"{summary['targets']} 条目标,{summary['regions']} 个地区,其中 {summary['regions_not_set']} 个地区的方案未设定该指标"))
    else:
        lines.append(("结果", f"{summary['clauses']} 条条款,{summary['regions']} 个地区"
                             + (f"(只列出最相关的 {summary['shown_clauses']} 条)" if summary.get("truncated") else "")))
    lines.append(("知识库", f"构建于 {kb.get('built_on') or '未知'},共 {kb.get('documents') or '?'} 份文件"))
    lines.append(("导出日期", today))
    lines.append(("来源", "每行注明文件、文号与条款;“知识库链接”指向该条款,“原文网址”为文件的发布页面(如有)。引用时请以原文件为准。"))
    return lines


_SORTS = {"region": "按地区", "value": "按目标值升序", "-value": "按目标值降序", "deadline": "按期限"}


def _units_text(units: list[dict]) -> str:
    return "、".join(u["name"] + (f"({ROLES[u['role']]})" if u.get("role") in ROLES else "") for u in units)


def _number_cell(row: dict):
    """The target value as a number, a ratio as text (1:12), nothing when unset."""
    v = row["value"]
    if isinstance(v, list):
        return value_text(None, v, row["unit"])
    return v


def _table(result: dict, base_url: str) -> tuple[list[Column], list[list]]:
    if result["kind"] == "indicator":
        columns = [
            Column("地区", 12), Column("地区代码", 9), Column("省份", 10), Column("层级", 7),
            Column("文件标题", 36), Column("文号", 18), Column("日期", 11), Column("学段", 9),
            Column("指标(原文)", 24), Column("目标", 10), Column("比较", 6), Column("目标值", 9),
            Column("单位", 8), Column("期限", 11), Column("责任单位", 30), Column("国家标准", 10),
            Column("对照结论", 14), Column("条款", 14), Column("条款原文", 60, wrap=True),
            Column("知识库链接", 16), Column("原文网址", 16),
        ]
        rows = []
        for r in result["rows"]:
            reg = r["region"]
            th = r["national_threshold"]
            rows.append([
                reg["name"], reg["code"], reg["province"], LEVELS.get(reg["level"] or "", ""),
                r["title"], r["doc_number"], r["date"], r["stage"], r["indicator"], r["value_text"] or "未设定",
                comparator_text(r["comparator"]), _number_cell(r), r["unit"], r["deadline"] or (r["deadline_text"] or None),
                _units_text(r["units"]), th["text"] if th else "无", VERDICT_LABELS[r["verdict"]],
                r["clause_path"], r["text"],
                Link("查看条款" if r["clause_path"] else "查看文件", base_url + r["url"]),
                _source_link(r.get("source_url")),
            ])
        return columns, rows
    columns = [
        Column("地区", 12), Column("地区代码", 9), Column("省份", 10), Column("文件标题", 36, wrap=True),
        Column("文号", 18), Column("条款", 14), Column("条款原文", 80, wrap=True), Column("知识库链接", 16),
    ]
    rows = [
        [r["region"]["name"], r["region"]["code"], r["region"]["province"], r["title"], r["doc_number"],
         r["clause_path"], r["text"], Link("查看条款", base_url + r["url"])]
        for r in result["rows"]
    ]
    return columns, rows


def _source_link(url: str | None):
    """The original page as a link when it is an http(s) address, else as plain text (or nothing)."""
    if not url:
        return None
    return Link(url, url) if is_web_url(url) else url


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe.

    The one rule for every writer (CSV, XLSX, DOCX); a :class:`Link` keeps its URL and has its
    text neutralised; numbers and None are returned unchanged."""
    if isinstance(value, Link):
        return Link(neutralise(value.text), value.url)
    if isinstance(value, str):
        value = xml_text(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document (XLSX, DOCX) cannot hold."""
    return _NOT_XML.sub("", text)


def _plain(value):
    if isinstance(value, Link):
        return value.url
    return "" if value is None else value


def to_csv(about: list[tuple[str, str]], table: tuple[list[Column], list[list]]) -> bytes:
    """UTF-8 with BOM (Excel opens Chinese correctly); the description, a blank line, then the table."""
    columns, rows = table
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for label, text in about:
        w.writerow([neutralise(label), neutralise(text)])
    w.writerow([])
    w.writerow([c.header for c in columns])
    for row in rows:
        w.writerow([neutralise(_plain(v)) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(about: list[tuple[str, str]], table: tuple[list[Column], list[list]]) -> bytes:
    """The table under the description (all but its last, long line, which the 说明 sheet keeps)."""
    columns, rows = table
    return write_table(columns, ([neutralise(v) for v in row] for row in rows),
                       about=[(neutralise(k), neutralise(v)) for k, v in about],
                       title_lines=[neutralise(f"{k}:{v}") for k, v in about[:-1]])


def to_docx(about: list[tuple[str, str]], result: dict, base_url: str) -> bytes:
    """Landscape; a table to paste into a Word or WPS draft, with the numbered sources under it."""
    notes = [f"{k}:{v}" for k, v in about]
    sources: list[str] = []
    if result["kind"] == "indicator":
        ind = result["indicator"]
        title = f"“{ind['name']}”各地目标对比"
        headers = ["地区", "文件(文号)", "学段", "目标", "期限", "责任单位", "国家标准", "对照结论", "出处"]
        rows = []
        for r in result["rows"]:
            th = r["national_threshold"]
            ref = ""
            if r["verdict"] != "not_set":
                sources.append(_source_line(r, base_url))
                ref = f"[{len(sources)}]"
            rows.append([
                _region_text(r["region"]), _doc_text(r), r["stage"] or "", r["value_text"] or "未设定",
                r["deadline"] or r["deadline_text"] or "", _units_text(r["units"]), th["text"] if th else "无",
                VERDICT_LABELS[r["verdict"]], ref,
            ])
        widths = [2.6, 6.0, 1.6, 2.0, 2.3, 5.0, 2.0, 2.6, 1.4]
    else:
        title = f"“{result['query']}”各地条款对比"
        headers = ["地区", "文件(文号)", "条款", "条款原文", "出处"]
        rows = []
        for r in result["rows"]:
            sources.append(_source_line(r, base_url, with_text=False))
            rows.append([_region_text(r["region"]), _doc_text(r), r["clause_path"] or "", r["text"], f"[{len(sources)}]"])
        widths = [2.6, 5.5, 2.2, 14.0, 1.4]
    labels = dict(about)
    what = labels.get("对比指标") or labels.get("对比检索")
    after = [f"表中内容:{what};{labels['筛选条件']};知识库{labels['知识库']};导出日期 {labels['导出日期']}。"]
    rows = [[neutralise(v) for v in row] for row in rows]  # a table pasted from Word into a spreadsheet stays inert
    return write_table_document(xml_text(title), headers, rows, notes=[xml_text(n) for n in notes],
                                sources=[xml_text(s) for s in sources], widths_cm=widths, after=[xml_text(a) for a in after])


def _region_text(region: dict) -> str:
    return region["name"] + (f"({region['province']})" if region.get("province") and region["province"] != region["name"] else "")


def _doc_text(r: dict) -> str:
    return (r["title"] or r["doc_id"]) + (f"({r['doc_number']})" if r.get("doc_number") else "")


def _source_line(r: dict, base_url: str, with_text: bool = True) -> str:
    where = f"{_doc_text(r)},条款 {r['clause_path'] or '正文'}"
    words = ""
    if with_text and r.get("evidence"):
        words = f",原文:“{r['evidence']['text']}”"
    links = base_url + r["url"] + (f" ;原文网址 {r['source_url']}" if r.get("source_url") else "")
    return f"{where}{words}。{links}"
