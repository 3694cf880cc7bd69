"""What every search engine indexes, read from a knowledge base (no search library here).

One row per clause — its key (``doc_id<TAB>seq``), text, place and the filter values of its document
— and one entry per document with what a hit displays and the words the document lends its clauses
(:func:`kb.search.plan.document_words`).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator

from ..store import Store
from .plan import document_words

__all__ = ["ClauseRow", "KINDS", "read_index_input", "display_document", "document_kind"]

#: kinds of document, as the facet names them, by how the title ends (first match wins)
KINDS = (("法规规章", re.compile(r"(?:条例|办法|规定|细则|规则|章程|守则|令)(?:\([^()]*\))*$")),
         ("规划", re.compile(r"(?:规划|纲要)(?:\([^()]*\))*$")),
         ("方案计划", re.compile(r"(?:方案|计划|工程)(?:\([^()]*\))*$")),
         ("意见", re.compile(r"意见(?:\([^()]*\))*$")),
         ("工作要点", re.compile(r"(?:要点|任务清单|清单|安排)(?:\([^()]*\))*$")),
         ("通知", re.compile(r"(?:通知|通报|批复|复函|答复|决定|公告|通告)(?:\([^()]*\))*$")))


def document_kind(title: str | None) -> str:
    """方案计划, 规划, 意见, 法规规章, 工作要点, 通知 or 其他, by the end of the title."""
    t = (title or "").strip()
    return next((name for name, rx in KINDS if rx.search(t)), "其他")


def date_number(iso: str | None) -> int | None:
    """2023-05-06 → 20230506 (a sort key); None when there is no full date."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", (iso or "")[:10])
    return int("".join(m.groups())) if m else None


@dataclass(frozen=True)
class ClauseRow:
    """One clause as the engines index it."""

    key: str  # f"{doc_id}\t{seq}"
    doc_id: str
    seq: int
    text: str
    clause_path: str
    start: int
    end: int
    has_target: bool
    region_code: str  # 6 digits, "" when the document has no region
    level: str  # province | prefecture | county | ""
    year: int | None
    kind: str  # document_kind of the title
    date: int | None  # the document's date as yyyymmdd (signed, else published), for sorting


def display_document(doc: dict) -> dict:
    """The document part of a hit, and the words it lends its clauses (``words``)."""
    region = doc.get("region") or {}
    return {"doc_id": doc["id"], "title": doc.get("title") or doc.get("notice_title") or "",
            "doc_number": doc.get("doc_number"), "year": doc.get("year"),
            "date": (doc.get("signed_date") or doc.get("published_date") or "")[:10] or None,
            "region": {"code": doc.get("region_code") or None, "name": region.get("name"),
                       "level": region.get("level")},
            "kind": document_kind(doc.get("title") or doc.get("notice_title")),
            "issuers": list(doc.get("issuers") or []), "url": doc.get("url"),
            "words": document_words(doc)}


def read_index_input(store: Store) -> tuple[dict[str, dict], list[ClauseRow]]:
    """Every document's display part by id, and every clause: what an engine indexes (documents without
    their texts, clauses in one query)."""
    documents = store.document_headers()
    return {doc["id"]: display_document(doc) for doc in documents}, list(_clauses(store, documents))


def _clauses(store: Store, documents: list[dict]) -> Iterator[ClauseRow]:
    """Every clause of ``documents``, document by document, in clause order."""
    by_id = {}
    for doc in documents:
        region = doc.get("region") or {}
        by_id[doc["id"]] = (doc.get("region_code") or "", region.get("level") or "",
                            int(doc["year"]) if doc.get("year") is not None else None,
                            document_kind(doc.get("title") or doc.get("notice_title")),
                            date_number(doc.get("signed_date") or doc.get("published_date")))
    starts = store.target_starts()  # bisected per clause: linear, not quadratic
    bisect_left, row = bisect.bisect_left, ClauseRow
    for doc_id, seq, path, start, end, text in store.all_clauses():
        known = by_id.get(doc_id)
        if known is None:
            continue
        s = starts.get(doc_id, ())
        i = bisect_left(s, start)
        yield row(f"{doc_id}\t{seq}", doc_id, seq, text, path or "", start, end, i < len(s) and s[i] < end, *known)
