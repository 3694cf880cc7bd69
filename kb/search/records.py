"""What every search engine indexes, read from a knowledge base (no search library here).

One row per clause — its key (``doc_id<TAB>seq``), text, place and the filter values of its document
— and one entry per document with what a hit displays and the words the document lends its clauses
(:func:`kb.search.plan.document_words`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterator

from ..store import Store
from .plan import document_words

__all__ = ["ClauseRow", "read_documents", "read_clauses", "display_document"]


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


def display_document(doc: dict) -> dict:
    """The document part of a hit, and the words it lends its clauses (``words``)."""
    region = doc.get("region") or {}
    return {"doc_id": doc["id"], "title": doc.get("title") or doc.get("notice_title") or "",
            "doc_number": doc.get("doc_number"), "year": doc.get("year"),
            "date": doc.get("signed_date") or doc.get("published_date"),
            "region": {"code": doc.get("region_code") or None, "name": region.get("name"),
                       "level": region.get("level")},
            "words": document_words(doc)}


def read_documents(store: Store) -> dict[str, dict]:
    """Every document's display part, by id."""
    return {doc["id"]: display_document(doc) for doc in store.documents()}


def read_clauses(store: Store) -> Iterator[ClauseRow]:
    """Every clause of the knowledge base, document by document, in clause order."""
    for doc in store.documents():
        doc_id = doc["id"]
        region = doc.get("region") or {}
        starts = sorted(t["start"] for t in store.targets(doc_id))  # bisected per clause: linear, not quadratic
        for seq, c in enumerate(store.clauses(doc_id)):
            i = bisect.bisect_left(starts, c["start"])
            yield ClauseRow(key=f"{doc_id}\t{seq}", doc_id=doc_id, seq=seq, text=c["text"], clause_path=c["path"] or "",
                            start=c["start"], end=c["end"], has_target=i < len(starts) and starts[i] < c["end"],
                            region_code=doc.get("region_code") or "", level=region.get("level") or "",
                            year=int(doc["year"]) if doc.get("year") is not None else None)
