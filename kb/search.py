"""Clause search: query parsing, filters, ranking, highlighting (no Whoosh here).

Semantics ("Ctrl+F honesty"): the query is normalised exactly as documents
are (NFKC, t2s when traditional) and split into terms — whitespace-separated
words, ``"quoted phrases"`` (spaces kept) and ``-term`` / ``-"phrase"``
exclusions.  A clause matches when it contains every positive term as a
substring and no negated one; matches are ranked by BM25 of the terms' jieba
words over the index's word postings (clauses whose words do not score come
last).

Results carry ``stale_index``: true when the index is not the one built from
this knowledge base (a build was killed after writing the knowledge base and
before its index was in place), so the answer comes from the last complete
index and may miss or misplace clauses; run ``policykb build``.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import segment
from .index import ClauseIndex, IndexMissing, open_for
from .normalise import normalise_query
from .store import Store

MAX_QUERY = 200
MAX_PER_PAGE = 100
SNIPPET = 240  # characters of context kept in highlight_html around the first match
LEVELS = {"province": "province", "prefecture": "prefecture", "county": "county",
          "省": "province", "省级": "province", "市": "prefecture", "地级": "prefecture", "市级": "prefecture",
          "县": "county", "县级": "county", "区县": "county"}

_TERM = re.compile(r'(-?)(?:"([^"]*)"?|“([^”]*)”?|(\S+))')
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]")

__all__ = ["SearchQuery", "SearchError", "Term", "search", "ranked_hits", "explain", "parse", "highlight", "IndexMissing"]


class SearchError(ValueError):
    """A problem with the query that the user can fix (the message says how).

    ``code`` and ``params`` let a user interface say the same in its own language.
    """

    def __init__(self, message: str, code: str = "invalid", **params: object):
        super().__init__(message)
        self.code = code
        self.params = params


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


def _check(query: SearchQuery) -> tuple[str, list[Term]]:
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
    normalised = normalise_query(q)
    terms = parse(normalised)
    if not any(not t.negated for t in terms):
        raise SearchError("The query only excludes words; add at least one word to look for.", "only_negated")
    return normalised, terms


def _filters(store: Store, query: SearchQuery) -> dict[str, object]:
    from .documents import UnknownRegion, region_prefix

    out: dict[str, object] = {}
    if query.province:
        try:
            prefix = region_prefix(query.province)
        except UnknownRegion as exc:
            raise SearchError(f"Unknown province: {query.province}; give a province name such as 广东省 or its code.", "province", value=query.province) from exc
        if len(prefix) != 2:
            raise SearchError(f"{query.province} is not a province; use the region filter for prefectures and counties.", "not_province", value=query.province)
        out["province"] = prefix
    if query.region:
        try:
            out["region_prefix"] = region_prefix(query.region)
        except UnknownRegion as exc:
            raise SearchError(f"{exc}.".replace("..", "."), "region", value=query.region) from exc
    if query.level:
        level = LEVELS.get(query.level.strip().lower())
        if level is None:
            raise SearchError(f"Unknown level: {query.level}; use province, prefecture or county.", "level", value=query.level)
        out["level"] = level
    out["year_from"], out["year_to"] = query.year_from, query.year_to
    out["has_target"] = query.has_target
    if query.doc_id:
        doc_id = store.resolve_id(query.doc_id)
        if doc_id is None:
            raise SearchError(f"Unknown document id: {query.doc_id}.", "doc", value=query.doc_id)
        out["doc_id"] = doc_id
    return out


def match_set(ix: ClauseIndex, terms: list[Term], allowed: set[int] | None = None) -> set[int]:
    """Document numbers of the clauses containing every positive term and no
    negated one (a set the caller must not change: it may be the index's own)."""
    positive = sorted((t for t in terms if not t.negated), key=lambda t: -len(t.text))
    result: set[int] | None = allowed
    for t in positive:
        docs = ix.term_docs(t.text)
        result = docs if result is None else (result & docs)
        if not result:
            return set()
    assert result is not None
    for t in terms:
        if t.negated and result:
            result = result - ix.term_docs(t.text)
    return result


def search(index_dir: Path | str, store: Store, query: SearchQuery) -> dict:
    """Clauses matching ``query``, best first, one page of them (see the module doc)."""
    normalised, terms = _check(query)
    filters = _filters(store, query)
    ix, stale = open_for(index_dir, store)
    allowed = ix.filter_docs(filters)
    matched = match_set(ix, terms, allowed)
    total = len(matched)
    pages = max(1, -(-total // query.per_page))
    if query.page > pages:
        raise SearchError(f"Page {query.page} does not exist; there {'is' if pages == 1 else 'are'} {pages} "
                          f"page{'s' if pages > 1 else ''} of results.", "page", page=query.page, pages=pages)
    positive = [t for t in terms if not t.negated]
    words = [w for t in positive for w in t.words() if w.strip()]
    ranked = ix.rank(words, matched, query.page * query.per_page)
    first = (query.page - 1) * query.per_page
    needles = [t.text for t in positive]
    hits = [_hit(ix.records[d], score, needles) for d, score in ranked[first:first + query.per_page]]
    return {"query": query.q, "normalised_query": normalised, "total": total, "page": query.page,
            "per_page": query.per_page, "hits": hits, "stale_index": stale}


def ranked_hits(index_dir: Path | str, store: Store, query: SearchQuery, limit: int,
                region_prefixes: list[str] | None = None) -> dict:
    """The best ``limit`` clauses matching ``query`` (its filters, and any of
    ``region_prefixes``), for callers that group hits themselves; with
    ``stale_index`` as :func:`search` has it."""
    normalised, terms = _check(query)
    ix, stale = open_for(index_dir, store)
    allowed = ix.filter_docs(_filters(store, query))
    if region_prefixes:
        within: set[int] = set()
        for prefix in region_prefixes:
            within |= ix.filter_docs({"region_prefix": prefix}) or set()
        allowed = within if allowed is None else (allowed & within)
    matched = match_set(ix, terms, allowed)
    positive = [t for t in terms if not t.negated]
    words = [w for t in positive for w in t.words() if w.strip()]
    needles = [t.text for t in positive]
    ranked = ix.rank(words, matched, limit)[:limit]
    return {"query": query.q, "normalised_query": normalised, "total": len(matched),
            "hits": [_hit(ix.records[d], score, needles) for d, score in ranked], "stale_index": stale}


def _hit(rec: dict, score: float, needles: list[str]) -> dict:
    return {
        "doc_id": rec["doc_id"], "title": rec["title"], "doc_number": rec["doc_number"],
        "region": dict(rec["region"]), "clause_path": rec["clause_path"], "clause_seq": rec["seq"],
        "text": rec["text"], "highlight_html": highlight(rec["text"], needles), "score": round(score, 4),
        "url": f"/documents/{rec['doc_id']}#clause-{rec['seq']}", "start": rec["start"], "end": rec["end"],
        "has_target": rec["has_target"],
    }


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for n in needles:
        if not n:
            continue
        i = text.find(n)
        while i >= 0:
            spans.append((i, i + len(n)))
            i = text.find(n, i + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str, needles: list[str], width: int = SNIPPET) -> str:
    """``text`` HTML-escaped with every occurrence of every needle in
    ``<mark>``; text longer than ``width`` is trimmed around the first match
    with "…".  Escaping is done piecewise, so the markup is always well formed."""
    spans = _spans(text, needles)
    lo, hi = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - width // 4, len(text) - width))
        hi = lo + width
        if spans:  # never cut a mark in two
            for s, e in spans:
                if s < lo < e:
                    lo = s
                if s < hi < e:
                    hi = e
    out: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        out.append(html.escape(text[pos:s], quote=True))
        out.append("<mark>" + html.escape(text[s:e], quote=True) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:hi], quote=True))
    if hi < len(text):
        out.append("…")
    return "".join(out)
