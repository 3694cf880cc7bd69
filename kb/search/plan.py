"""What a search asks of an engine, in the engine's neutral terms (no search library here).

A :class:`Plan` holds the positive terms, the excluded ones, the words that rank (BM25) and the
filters.  Every engine answers it in two tiers:

* **tier 1** — the clauses that satisfy every positive term and no excluded one.  A term is satisfied
  by the clause text *or* by its document's words (:func:`document_words`: title, notice title,
  文号, issuers, the names of its county, prefecture and province and their short forms): the region of
  a 天津市…条例 lives in its title while its articles say 本市.  Matching is exact substring matching.
* **tier 2** — the clauses outside tier 1 that satisfy at least :func:`partial_threshold` of the
  positive terms, hold at least one of them in their own text (a clause is never offered for its
  document's title alone) and no excluded one; most terms first, then by BM25.

Within tier 1, the clauses whose own text holds every term come first, then those that lean on their
document's words for some term (a clause that says 优质均衡 before a clause of a 优质均衡 plan that
speaks of canteens); BM25 orders each group.  Engines must return the same match sets (the conformance
suite checks it); only scores may differ.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..regions import short_name

__all__ = ["FACETS", "Filters", "LentWords", "Plan", "SORTS", "document_words", "partial_threshold", "WORDS_SEPARATOR"]

#: orders of the hits within a tier: BM25 (most terms first in tier 2), the document's date, the region code
SORTS = ("relevance", "newest", "oldest", "region")
#: what the facets count (tier-1 clauses per value): province code, level, year, kind of document
FACETS = ("province", "level", "year", "kind")

#: between the parts of a document's words: no query term holds it, so no match spans two parts
WORDS_SEPARATOR = "\n"


@dataclass(frozen=True)
class Filters:
    """Which clauses may match at all (None: no restriction)."""

    region_prefix: str | None = None  # a region code prefix: 2 (province), 4 (prefecture) or 6 digits
    province: str | None = None  # a 2-digit province code
    level: str | None = None  # province | prefecture | county
    kind: str | None = None  # a kind of document (kb.search.records.KINDS)
    year_from: int | None = None
    year_to: int | None = None
    has_target: bool | None = None
    doc_id: str | None = None
    any_region: tuple[str, ...] = ()  # code prefixes, any of which will do (compare's topic search)

    def empty(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class Plan:
    """A search in an engine's terms."""

    terms: tuple[str, ...]  # positive terms, normalised as documents are
    excluded: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # the jieba words of the positive terms, for BM25
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # one of SORTS


def partial_threshold(n_terms: int) -> int:
    """How many of ``n_terms`` positive terms a tier-2 clause must hold: at least half (never all)."""
    return (n_terms + 1) // 2 if n_terms >= 2 else n_terms + 1


def document_words(doc: dict) -> str:
    """The words a document lends each of its clauses for tier-1 matching, one part per line: titles,
    文号, issuers, and the names of its regions with their short forms (恩平市 → 恩平, 广东省 → 广东)."""
    region = doc.get("region") or {}
    names = [region.get("name"), region.get("prefecture"), region.get("province")]
    parts = [doc.get("title"), doc.get("notice_title"), doc.get("doc_number"), *(doc.get("issuers") or []),
             *names, *(short_name(n) for n in names)]
    parts = list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    # a part inside another (the title inside the notice's title, 恩平 inside 恩平市) adds no match
    return WORDS_SEPARATOR.join(p for p in parts if not any(p != q and p in q for q in parts))


class LentWords:
    """Which documents lend a term: the documents whose :func:`document_words` hold it as a substring.

    Engines answer "the term is in the clause text *or* in its document's words" as "the clause text
    holds it, or the clause belongs to one of these documents", so the document words are searched
    once per query term here, never copied into every clause of the index.  All documents' words are
    joined into one string: a term found in few places (most query terms) is found by jumping from
    one occurrence to the next (``str.find``, in C); one found in many is tested document by
    document.  Answers are remembered per term."""

    CACHE = 4096  # terms remembered
    SEPARATOR = "\x00"  # in no document's words and no query term: no match spans two documents
    JUMPS = 256  # at most this many occurrences are jumped to

    def __init__(self, words: dict[str, str]):
        self.ids: tuple[str, ...] = tuple(words)
        self._words = tuple(words[d].replace(self.SEPARATOR, " ") for d in self.ids)
        self._starts, pos = [], 0
        for w in self._words:
            self._starts.append(pos)
            pos += len(w) + 1
        self._text = self.SEPARATOR.join(self._words)
        self._cache: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def holding(self, term: str) -> frozenset[str]:
        """The ids of the documents whose words hold ``term``."""
        found = self._cache.get(term)
        if found is None:
            found = self._find(term) if term and self.SEPARATOR not in term else frozenset()
            if len(self._cache) >= self.CACHE:
                self._cache.clear()
            self._cache[term] = found
        return found

    def forget(self) -> None:
        """Drop the remembered answers."""
        self._cache.clear()

    def _find(self, term: str) -> frozenset[str]:
        text, starts, ids = self._text, self._starts, self.ids
        if text.count(term) > self.JUMPS:
            return frozenset(d for d, w in zip(ids, self._words) if term in w)
        out, i = [], text.find(term)
        while i >= 0:
            k = bisect.bisect_right(starts, i) - 1
            out.append(ids[k])
            if k + 1 >= len(starts):
                break
            i = text.find(term, starts[k + 1])
        return frozenset(out)
