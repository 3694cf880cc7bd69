"""Query text → terms, filters and the checks a user can fix (no engine here).

The query is normalised exactly as documents are (NFKC, t2s when traditional) and split into terms:
whitespace-separated words, ``"quoted phrases"`` (spaces kept) and ``-term`` / ``-"phrase"`` exclusions.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import segment
from ..normalise import normalise_query
from ..store import Store
from .plan import SORTS
from .records import KINDS

KIND_NAMES = tuple(name for name, _ in KINDS) + ("其他",)

#: SearchError codes in the users' language: the web UI and the CLI say the same
MESSAGES_ZH = {
    "empty": "请输入检索词。",
    "too_long": "检索词共 {length} 个字,超过了 {limit} 个字的上限,请缩短。",
    "page": "没有第 {page} 页的结果。",
    "per_page": "每页条数应在 1 到 {limit} 之间。",
    "years": "年份范围 {year_from}—{year_to} 有误:起始年份应不晚于截止年份。",
    "only_negated": "检索式只有排除词,请至少输入一个要查找的词。",
    "province": "不认识省份“{value}”,请输入省份全称(如 广东省)或代码。",
    "not_province": "“{value}”不是省级行政区;地市和县区请用“地区”筛选。",
    "region": "不认识地区“{value}”,或同名地区不止一个;请输入全称或 6 位代码。",
    "level": "层级只能是 province(省级)、prefecture(地市级)或 county(县级)。",
    "doc": "没有编号为 {value} 的文件。",
    "sort": "排序方式只能是 relevance、newest、oldest 或 region。",
    "kind": "文件类型只能是 方案计划、规划、意见、法规规章、工作要点、通知 或 其他。",
}


def message_zh(exc: "SearchError", quote=lambda v, limit=40: v[:limit]) -> str:
    """The Simplified Chinese sentence for a :class:`SearchError` (``quote`` cuts a value the user typed)."""
    template = MESSAGES_ZH.get(getattr(exc, "code", ""), "检索条件有误:{error}")
    params = {k: quote(v) if isinstance(v, str) else v for k, v in getattr(exc, "params", {}).items()}
    text = template.format(error=quote(str(exc), 200), **params)
    labels = [label for _, label in getattr(exc, "suggestions", [])[:6]]
    return text + (f"可能是:{'、'.join(labels)}。" if labels else "")

MAX_QUERY = 200
MAX_PER_PAGE = 100
LEVELS = {"province": "province", "prefecture": "prefecture", "county": "county",
          "省": "province", "省级": "province", "市": "prefecture", "地级": "prefecture", "市级": "prefecture",
          "县": "county", "县级": "county", "区县": "county"}

_TERM = re.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|(\S+))')
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]")

class SearchError(ValueError):
    """A problem with the query that the user can fix (the message says how).

    ``code`` and ``params`` let a user interface say the same in its own language.
    """

    def __init__(self, message: str, code: str = "invalid", suggestions: list[tuple[str, str]] | None = None,
                 **params: object):
        super().__init__(message)
        self.code = code
        self.params = params
        self.suggestions = list(suggestions or [])  # close matches of an unknown name: (value to use, label)


@dataclass(frozen=True)
class SearchQuery:
    """A search request: the query text, filters and the page wanted."""

    q: str
    province: str | None = None
    region: str | None = None
    level: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    has_target: bool | None = None
    page: int = 1
    per_page: int = 10
    doc_id: str | None = None
    sort: str = "relevance"  # relevance | newest | oldest | region
    kind: str | None = None  # a kind of document: 方案计划, 规划, 意见, 法规规章, 工作要点, 通知, 其他


@dataclass(frozen=True)
class Term:
    """One query term after normalisation."""

    text: str
    negated: bool = False
    phrase: bool = False

    def words(self) -> list[str]:
        """The jieba words of the term (as the index segments text)."""
        return [w for w, _, _ in segment.index_tokens(self.text)]


def parse(normalised: str) -> list[Term]:
    """Terms of an already normalised query string."""
    out: list[Term] = []
    for m in _TERM.finditer(normalised):
        neg = m.group(1) == "-"
        quoted = m.group(2) if m.group(2) is not None else m.group(3)
        text = quoted if quoted is not None else m.group(4)
        if text is None or not text.strip():
            continue
        if quoted is None and neg is False and text == "-":
            continue
        out.append(Term(text, neg, quoted is not None))
    return out


def _normalisations(raw: str) -> tuple[str, list[str]]:
    applied: list[str] = []
    nfkc = _CONTROL.sub("", unicodedata.normalize("NFKC", raw))
    if nfkc != raw:
        applied.append("nfkc")
    out = normalise_query(raw)
    if out != nfkc:
        applied.append("t2s")
    return out, applied


def explain(query_text: str) -> dict:
    """How a query is understood: its normalised form, the normalisations
    applied and each term with the words used for ranking."""
    normalised, applied = _normalisations(query_text)
    return {
        "query": query_text,
        "normalised_query": normalised,
        "normalisations": applied,
        "terms": [{"text": t.text, "negated": t.negated, "phrase": t.phrase, "tokens": t.words()}
                  for t in parse(normalised)],
    }


def check_query(query: SearchQuery) -> tuple[str, list[Term]]:
    q = (query.q or "").strip()
    if not q:
        raise SearchError("The query is empty; type one or more words to look for.", "empty")
    if len(q) > MAX_QUERY:
        raise SearchError(f"The query is {len(q)} characters long; shorten it to at most {MAX_QUERY}.", "too_long", length=len(q), limit=MAX_QUERY)
    if query.page < 1:
        raise SearchError(f"Page {query.page} does not exist; pages start at 1.", "page", page=query.page, pages=None)
    if not 1 <= query.per_page <= MAX_PER_PAGE:
        raise SearchError(f"Results per page must be between 1 and {MAX_PER_PAGE}, not {query.per_page}.", "per_page", limit=MAX_PER_PAGE)
    if query.year_from is not None and query.year_to is not None and query.year_from > query.year_to:
        raise SearchError(f"The year range {query.year_from}–{query.year_to} is empty; put the earlier year first.", "years", year_from=query.year_from, year_to=query.year_to)
    if query.sort not in SORTS:
        raise SearchError(f"Unknown order: {query.sort}; use one of {', '.join(SORTS)}.", "sort", value=query.sort)
    if query.kind is not None and query.kind not in KIND_NAMES:
        raise SearchError(f"Unknown kind of document: {query.kind}; use one of {'、'.join(KIND_NAMES)}.", "kind",
                          value=query.kind)
    normalised = normalise_query(q)
    terms = parse(normalised)
    if not any(not t.negated for t in terms):
        raise SearchError("The query only excludes words; add at least one word to look for.", "only_negated")
    return normalised, terms


def read_filters(store: Store, query: SearchQuery) -> dict[str, object]:
    """The filters of a query as code prefixes and values; a province or region may be a code, a full name
    or a short one (广东, 江门, 恩平)."""
    from ..documents import UnknownRegion, code_prefix, resolve_region

    out: dict[str, object] = {}
    if query.province:
        given = query.province.strip()
        try:
            region = resolve_region(given[:2] + "0000" if given.isdigit() and len(given) in (2, 6) else given,
                                    province_only=True)
        except UnknownRegion as exc:
            if exc.code == "not_province":
                raise SearchError(f"{query.province} is not a province; use the region filter for prefectures and "
                                  "counties.", "not_province", value=query.province) from exc
            raise SearchError(f"Unknown province: {query.province}; give a province name such as 广东省 or its code.",
                              "province", exc.suggestions, value=query.province) from exc
        out["province"] = code_prefix(region)
    if query.region:
        try:
            out["region_prefix"] = code_prefix(resolve_region(query.region))
        except UnknownRegion as exc:
            raise SearchError(f"{exc}.".replace("..", "."), "region", exc.suggestions, value=query.region) from exc
    if query.level:
        level = LEVELS.get(query.level.strip().lower())
        if level is None:
            raise SearchError(f"Unknown level: {query.level}; use province, prefecture or county.", "level", value=query.level)
        out["level"] = level
    if query.kind:
        out["kind"] = query.kind
    out["year_from"], out["year_to"] = query.year_from, query.year_to
    out["has_target"] = query.has_target
    if query.doc_id:
        doc_id = store.resolve_id(query.doc_id)
        if doc_id is None:
            raise SearchError(f"Unknown document id: {query.doc_id}.", "doc", value=query.doc_id)
        out["doc_id"] = doc_id
    return out
