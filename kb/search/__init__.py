"""Clause search: one API over the engines (:mod:`kb.search.engines`), in two tiers.

Semantics ("Ctrl+F honesty", extended to the document): the query is normalised exactly as documents
are and split into terms (:mod:`kb.search.query`).  **Tier 1** holds the clauses where every positive
term occurs — in the clause text or in the words its document lends it (title, 文号, issuers, region
names and their short forms: :func:`kb.search.plan.document_words`) — and no negated one; those whose
own text holds every term come first, then the others, each group ranked by BM25 of the terms' jieba
words.  When tier 1 ends before the page does, **tier 2** follows:
clauses holding at least half of the positive terms (never all of them), most terms first, each hit
saying which terms it has (``matched_terms``) and which it lacks (``missing_terms``).  ``total``
counts tier 1 only, ``total_partial`` tier 2.

Results carry ``stale_index``: true when the index is not the one built from this knowledge base (a
build was killed after writing the knowledge base and before its index was in place), so the answer
comes from the last complete index and may miss or misplace clauses; run ``policykb build``.
"""
from __future__ import annotations

from pathlib import Path

from ..store import Store
from .engines import IndexMissing, build_index, index_dir_for, open_for, open_index
from .highlight import highlight
from .plan import Filters, Plan
from .reference import clause_label, reference
from .query import (LEVELS, MAX_PER_PAGE, MAX_QUERY, SearchError, SearchQuery, Term, check_query, explain, message_zh,
                    parse,
                    read_filters)

__all__ = ["SearchQuery", "SearchError", "message_zh", "Term", "search", "warm", "search_plans", "all_hits", "ranked_hits", "plan_for", "facets", "reference", "explain",
           "parse", "highlight",
           "IndexMissing", "build_index", "index_dir_for", "open_index", "LEVELS", "MAX_PER_PAGE", "MAX_QUERY"]


def plan_for(store: Store, query: SearchQuery, terms: list[Term] | None = None,
             region_prefixes: list[str] | None = None) -> Plan:
    """The engine-neutral plan of a checked query (its terms, when already parsed)."""
    if terms is None:
        terms = check_query(query)[1]
    f = read_filters(store, query)
    filters = Filters(region_prefix=f.get("region_prefix"), province=f.get("province"), level=f.get("level"),
                      kind=f.get("kind"),
                      year_from=f.get("year_from"), year_to=f.get("year_to"), has_target=f.get("has_target"),
                      doc_id=f.get("doc_id"), any_region=tuple(region_prefixes or ()))
    positive = [t for t in terms if not t.negated]
    return Plan(terms=tuple(dict.fromkeys(t.text for t in positive)),
                excluded=tuple(dict.fromkeys(t.text for t in terms if t.negated)),
                words=tuple(w for t in positive for w in t.words() if w.strip()), filters=filters, sort=query.sort)


def warm() -> None:
    """Load what every process's first searches would otherwise load: the word segmenter (every query
    is segmented for ranking) and the table of short region names (广东, 恩平) the region filters read.
    A server calls it while it starts."""
    from .. import segment
    from ..documents import resolve_region

    segment.warm()
    resolve_region("广东")


def search(index_dir: Path | str, store: Store, query: SearchQuery) -> dict:
    """One page of clauses matching ``query``: tier 1 first, then tier 2 (see the module doc)."""
    normalised, terms = check_query(query)
    plan = plan_for(store, query, terms)
    ix, stale = open_for(index_dir, store)
    first = (query.page - 1) * query.per_page
    total, page1 = ix.count_and_page(plan, 1, query.per_page, first)  # one pass for the count and the page
    found = [(1, rec, score) for rec, score in page1]
    room = query.per_page - len(found)
    if room > 0:
        partial, page2 = ix.count_and_page(plan, 2, room, max(0, first - total))
        found += [(2, rec, score) for rec, score in page2]
    else:
        partial = ix.count(plan, 2)
    pages = max(1, -(-(total + partial) // query.per_page))
    if query.page > pages:
        raise SearchError(f"Page {query.page} does not exist; there {'is' if pages == 1 else 'are'} {pages} "
                          f"page{'s' if pages > 1 else ''} of results.", "page", page=query.page, pages=pages)
    hits = [_hit(rec, score, plan, tier) for tier, rec, score in found]
    return {"query": query.q, "normalised_query": normalised, "total": total, "total_partial": partial,
            "page": query.page, "per_page": query.per_page, "sort": query.sort, "hits": hits,
            "facets": facets(ix.facets(plan)) if total else {}, "stale_index": stale, "engine": ix.engine}


LEVEL_NAMES = {"province": "省级", "prefecture": "地市级", "county": "县级"}


def facets(counts: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """Facet counts for display: each value with its name and the filter value that applies it, most first
    (years newest first)."""
    from ..regions import by_code

    def rows(name: str, label) -> list[dict]:
        items = [{"value": v, "name": label(v), "count": n} for v, n in counts.get(name, {}).items()]
        return sorted(items, key=(lambda x: -int(x["value"])) if name == "year" else (lambda x: (-x["count"], x["value"])))

    return {"province": rows("province", lambda v: (by_code(v + "0000").name if by_code(v + "0000") else v)),
            "level": rows("level", lambda v: LEVEL_NAMES.get(v, v)),
            "year": rows("year", lambda v: f"{v}年"),
            "kind": rows("kind", lambda v: v)}


def search_plans(index_dir: Path | str, store: Store, query: SearchQuery) -> dict:
    """按方案归并: the plans holding tier-1 clauses of ``query``, most clauses first, one page of them, each
    with its number of matching clauses and its best clause (in the query's order)."""
    from dataclasses import replace

    normalised, terms = check_query(query)
    plan = plan_for(store, query, terms)
    ix, stale = open_for(index_dir, store)
    counts = ix.doc_counts(plan)
    order = sorted(counts, key=lambda d: (-counts[d], d))
    pages = max(1, -(-len(order) // query.per_page))
    if query.page > pages:
        raise SearchError(f"Page {query.page} does not exist; there {'is' if pages == 1 else 'are'} {pages} "
                          f"page{'s' if pages > 1 else ''} of results.", "page", page=query.page, pages=pages)
    plans = []
    for doc_id in order[(query.page - 1) * query.per_page:query.page * query.per_page]:
        one = replace(plan, filters=replace(plan.filters, doc_id=doc_id))
        _, best = ix.count_and_page(one, 1, 1, 0)
        hit = _hit(best[0][0], best[0][1], plan, 1) if best else None
        plans.append({"doc_id": doc_id, "clauses": counts[doc_id], "best": hit,
                      **({k: hit[k] for k in ("title", "doc_number", "region", "level", "date", "year", "issuers")}
                         if hit else {})})
    return {"query": query.q, "normalised_query": normalised, "view": "plans", "total": sum(counts.values()),
            "total_plans": len(order), "page": query.page, "per_page": query.per_page, "sort": query.sort,
            "plans": plans, "stale_index": stale, "engine": ix.engine}


def all_hits(index_dir: Path | str, store: Store, query: SearchQuery, limit: int) -> dict:
    """Up to ``limit`` hits of ``query`` in order — tier 1, then tier 2 — for exports (no facets, no pages)."""
    normalised, terms = check_query(query)
    plan = plan_for(store, query, terms)
    ix, stale = open_for(index_dir, store)
    total, page1 = ix.count_and_page(plan, 1, limit, 0)
    found = [(1, rec, score) for rec, score in page1]
    partial, page2 = ix.count_and_page(plan, 2, limit - len(found), 0)
    found += [(2, rec, score) for rec, score in page2]
    return {"query": query.q, "normalised_query": normalised, "total": total, "total_partial": partial,
            "sort": query.sort, "hits": [_hit(rec, score, plan, tier) for tier, rec, score in found],
            "truncated": total + partial > len(found), "stale_index": stale, "engine": ix.engine}


def ranked_hits(index_dir: Path | str, store: Store, query: SearchQuery, limit: int,
                region_prefixes: list[str] | None = None) -> dict:
    """The best ``limit`` tier-1 clauses matching ``query`` (its filters, and any of
    ``region_prefixes``), for callers that group hits themselves; with ``stale_index`` as
    :func:`search` has it."""
    normalised, terms = check_query(query)
    plan = plan_for(store, query, terms, region_prefixes)
    ix, stale = open_for(index_dir, store)
    total, found = ix.count_and_page(plan, 1, limit, 0)
    return {"query": query.q, "normalised_query": normalised, "total": total,
            "hits": [_hit(rec, score, plan, 1) for rec, score in found], "stale_index": stale}


def _hit(rec: dict, score: float, plan: Plan, tier: int) -> dict:
    text, lent = rec["text"], rec.get("words") or ""
    matched = [t for t in plan.terms if t in text or t in lent]
    return {
        "doc_id": rec["doc_id"], "title": rec["title"], "doc_number": rec["doc_number"],
        "region": {"code": rec["region"]["code"], "name": rec["region"]["name"]},
        "level": rec["region"].get("level"), "date": rec.get("date"), "year": rec.get("year"),
        "clause_path": rec["clause_path"], "clause_seq": rec["seq"],
        "text": text, "highlight_html": highlight(text, [t for t in plan.terms if t in text]), "score": round(score, 4),
        "url": f"/documents/{rec['doc_id']}#clause-{rec['seq']}", "start": rec["start"], "end": rec["end"],
        "has_target": rec["has_target"], "tier": tier, "matched_terms": matched,
        "missing_terms": [t for t in plan.terms if t not in matched],
        "clause_label": clause_label(rec["clause_path"]), "issuers": list(rec.get("issuers") or []),
        "source_url": rec.get("url"), "kind": rec.get("kind"),
    }
