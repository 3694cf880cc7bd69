"""The Whoosh engine (the second backend, for platforms without tantivy wheels): the only module that
imports Whoosh.

One Whoosh document per clause, a real Whoosh index doing its own matching (no side postings):

* ``bi`` — the clause text's character bigrams with positions: a term of two or more characters is a
  Whoosh phrase of its bigrams, which is exact substring matching; ``uni`` — its characters, for
  one-character terms; ``mbi`` / ``muni`` — the same over the words its document lends it
  (:func:`kb.search.plan.document_words`);
* ``words`` — its jieba words (:func:`kb.segment.index_tokens`, lower-cased), scored by Whoosh's BM25F;
* filters: ``region_code``/``prefecture``/``province``, ``level``, ``kind``, ``year``, ``has_target``,
  ``doc_id``; sortable ``date_new``/``date_old``/``region_sort`` for the orders;
* stored: key, text, clause path, offsets.  What a hit shows of its document comes from
  ``documents.json`` beside the segments.

Whitespace inside a text is indexed as the character ``␣``, as the tantivy engine does.  Tier 2's "at
least k of n terms" is counted over the terms' Whoosh match sets.
"""
from __future__ import annotations

import json
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import fields, index as windex, query as wq, sorting
from whoosh.analysis import Token, Tokenizer

from .. import segment
from ..testhooks import pause_point
from .plan import Filters, Plan, partial_threshold
from .records import ClauseRow

NAME = "whoosh"
DOCUMENTS_FILE = "documents.json"
_SPACE = re.compile(r"\s")
SPACE = "\u2423"


def _clean(text: str) -> str:
    return _SPACE.sub(SPACE, text)


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`kb.segment.index_tokens`: positions are token indexes,
    ``startchar``/``endchar`` character offsets; words lower-cased."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, (word, s, e) in enumerate(segment.index_tokens(value) if tokenize else [(value, 0, len(value))]):
            t.text, t.boost, t.stopped = word.lower(), 1.0, False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


class GramTokenizer(Tokenizer):
    """Character n-grams (n = 1 or 2) of a text, position i for the gram starting at character i."""

    def __init__(self, n: int):
        self.n = n

    def __eq__(self, other) -> bool:
        return isinstance(other, GramTokenizer) and other.n == self.n

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.text, t.boost, t.stopped = value, 1.0, False
            if positions:
                t.pos = start_pos
            yield t
            return
        text = _clean(value)
        for i in range(len(text) - self.n + 1):
            t.text, t.boost, t.stopped = text[i:i + self.n], 1.0, False
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + i, start_char + i + self.n
            yield t


def schema() -> fields.Schema:
    bigrams, chars = GramTokenizer(2), GramTokenizer(1)
    return fields.Schema(
        key=fields.ID(stored=True, unique=True), doc_id=fields.ID(stored=True), seq=fields.STORED(),
        text=fields.STORED(), clause_path=fields.STORED(), start=fields.STORED(), end=fields.STORED(),
        bi=fields.TEXT(analyzer=bigrams, phrase=True), uni=fields.TEXT(analyzer=chars, phrase=False),
        mbi=fields.TEXT(analyzer=bigrams, phrase=True), muni=fields.TEXT(analyzer=chars, phrase=False),
        words=fields.TEXT(analyzer=WordTokenizer(), phrase=False),
        region_code=fields.ID(), prefecture=fields.ID(), province=fields.ID(sortable=True),
        level=fields.ID(sortable=True), kind=fields.ID(sortable=True),
        year=fields.NUMERIC(int, bits=32, signed=True, shift_step=32, sortable=True),
        has_target=fields.BOOLEAN(stored=True),
        date_new=fields.NUMERIC(int, bits=32, signed=True, sortable=True),
        date_old=fields.NUMERIC(int, bits=32, signed=True, sortable=True),
        region_sort=fields.ID(sortable=True))


# --- build --------------------------------------------------------------------


def build(directory: Path, rows: Iterable[ClauseRow], documents: dict[str, dict], processes: int = 2) -> int:
    """Write the index of ``rows`` into the empty ``directory``; the number of clauses written."""
    segment.warm()
    ix = windex.create_in(str(directory), schema())
    writer = ix.writer(limitmb=512)  # one writer: Whoosh's multi-process writer would fork the jieba model per run
    n = 0
    try:
        for r in rows:
            code = r.region_code
            entry = {"key": r.key, "doc_id": r.doc_id, "seq": r.seq, "text": r.text, "clause_path": r.clause_path,
                     "start": r.start, "end": r.end, "has_target": r.has_target, "bi": r.text, "uni": r.text,
                     "mbi": documents[r.doc_id]["words"], "muni": documents[r.doc_id]["words"], "words": r.text,
                     "kind": r.kind, "date_new": r.date or 0, "date_old": r.date or 99_999_999,
                     "region_sort": code or "999999"}
            if code:
                entry.update(region_code=code, province=code[:2], prefecture=code[:4])
            if r.level:
                entry["level"] = r.level
            if r.year is not None:
                entry["year"] = r.year
            writer.add_document(**entry)
            n += 1
        pause_point("index")
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    (directory / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    return n


# --- reading ----------------------------------------------------------------------


class Reader:
    """An opened Whoosh index: answers :class:`kb.search.plan.Plan` in two tiers.

    Whoosh searchers are not safe to share between threads, so every use holds :attr:`lock`."""

    def __init__(self, path: Path):
        self.path = path
        self._ix = windex.open_dir(str(path))
        self.searcher = self._ix.searcher()
        self.documents: dict[str, dict] = json.loads((path / DOCUMENTS_FILE).read_text(encoding="utf-8"))
        self.lock = threading.Lock()  # not re-entrant: never call a locking method while holding it
        segment.warm()  # every query is segmented: load the dictionary now, not on the first search

    def __len__(self) -> int:
        return self.searcher.doc_count()

    # queries

    @staticmethod
    def _gram_query(field_bi: str, field_uni: str, term: str) -> wq.Query:
        t = _clean(term)
        if len(t) == 1:
            return wq.Term(field_uni, t)
        grams = [t[i:i + 2] for i in range(len(t) - 1)]
        return wq.Term(field_bi, grams[0]) if len(grams) == 1 else wq.Phrase(field_bi, grams)

    def _term(self, term: str) -> wq.Query:
        """Clauses holding ``term`` in their text or in their document's words."""
        return wq.Or([self._gram_query("bi", "uni", term), self._gram_query("mbi", "muni", term)])

    @staticmethod
    def _region(prefix: str) -> wq.Query:
        return wq.Term({2: "province", 4: "prefecture"}.get(len(prefix), "region_code"), prefix)

    def _filters(self, f: Filters) -> list[wq.Query]:
        out: list[wq.Query] = []
        if f.region_prefix:
            out.append(self._region(f.region_prefix))
        out += [wq.Term(name, value) for name, value in (("province", f.province), ("level", f.level),
                                                          ("kind", f.kind), ("doc_id", f.doc_id)) if value]
        if f.year_from is not None or f.year_to is not None:
            out.append(wq.NumericRange("year", f.year_from, f.year_to))
        if f.has_target is not None:
            out.append(wq.Term("has_target", bool(f.has_target)))
        if f.any_region:
            out.append(wq.Or([self._region(p) for p in f.any_region]))
        return out

    def _docs(self, q: wq.Query) -> set[int]:
        with self.lock:
            return set(self.searcher.docs_for_query(q))

    def _levels(self, plan: Plan, tier: int) -> list[set[int]]:
        """The tier's clauses as levels, best level first (tier 1: those whose own text holds every term,
        then the others; tier 2: by the number of terms held)."""
        filters = self._filters(plan.filters)
        excluded = self._docs(wq.Or([self._term(t) for t in plan.excluded])) if plan.excluded else set()
        if tier == 1:
            if not plan.terms:
                return [set()]
            found = self._docs(wq.And([self._term(t) for t in plan.terms] + filters)) - excluded
            own = self._docs(wq.And([self._gram_query("bi", "uni", t) for t in plan.terms]))
            return [found & own, found - own]
        k = partial_threshold(len(plan.terms))
        if k > len(plan.terms):
            return []
        allowed = self._docs(wq.And(filters)) if filters else None
        sets = [self._docs(self._term(t)) for t in plan.terms]
        own = self._docs(wq.Or([self._gram_query("bi", "uni", t) for t in plan.terms]))  # one term in the text itself
        held = Counter(d for s in sets for d in s)
        return [{d for d, n in held.items() if n == c and d in own and d not in excluded
                 and (allowed is None or d in allowed)} for c in range(len(sets) - 1, k - 1, -1)]

    # answers

    def count(self, plan: Plan, tier: int) -> int:
        return sum(map(len, self._levels(plan, tier)))

    def count_and_page(self, plan: Plan, tier: int, limit: int, offset: int = 0) -> tuple[int, list[tuple[dict, float]]]:
        """The tier's size and its clauses ``offset`` … ``offset + limit`` in the plan's order: (record, score)."""
        levels = self._levels(plan, tier)
        return sum(map(len, levels)), self._page(plan, levels, limit, offset)

    def _page(self, plan: Plan, levels: list[set[int]], limit: int, offset: int) -> list[tuple[dict, float]]:
        if limit <= 0:
            return []
        if plan.sort != "relevance":
            everything = set().union(*levels) if levels else set()
            return [(self._record(d), 0.0) for d in self._ordered(everything, plan.sort, offset + limit)[offset:]]
        out: list[tuple[dict, float]] = []
        skip = offset
        for level in levels:
            if len(out) >= limit:
                break
            if skip >= len(level):
                skip -= len(level)
                continue
            ranked = self._rank(plan.words, level, skip + limit - len(out))[skip:]
            skip = 0
            out += [(self._record(d), score) for d, score in ranked]
        return out[:limit]

    def _rank(self, words: Iterable[str], allowed: set[int], limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` of ``allowed`` by Whoosh's BM25F over the words, then (score 0) the rest in
        document order."""
        terms = [wq.Term("words", w.lower()) for w in dict.fromkeys(words) if w.strip()]
        out: list[tuple[int, float]] = []
        if terms and allowed:
            with self.lock:
                found = self.searcher.search(wq.Or(terms), filter=allowed, limit=limit)
                out = [(hit.docnum, float(hit.score)) for hit in found]
        if len(out) < limit:
            scored = {d for d, _ in out}
            out += [(d, 0.0) for d in sorted(d for d in allowed if d not in scored)[:limit - len(out)]]
        return out

    def _ordered(self, docs: set[int], sort: str, limit: int) -> list[int]:
        field, reverse = {"newest": ("date_new", True), "oldest": ("date_old", False),
                          "region": ("region_sort", False)}[sort]
        if not docs:
            return []
        with self.lock:
            found = self.searcher.search(wq.Every(), filter=docs, limit=limit,
                                         sortedby=sorting.FieldFacet(field, reverse=reverse))
            return [hit.docnum for hit in found]

    def keys(self, plan: Plan, tier: int) -> set[str]:
        levels = self._levels(plan, tier)  # (takes the lock itself: it is not re-entrant)
        with self.lock:
            return {self.searcher.stored_fields(d)["key"] for level in levels for d in level}

    def doc_counts(self, plan: Plan) -> dict[str, int]:
        """Tier-1 clauses per document."""
        docs = set().union(*self._levels(plan, 1))
        with self.lock:
            return dict(Counter(self.searcher.stored_fields(d)["doc_id"] for d in docs))

    def facets(self, plan: Plan) -> dict[str, dict[str, int]]:
        """Tier-1 clauses per province code, level, year and kind of document."""
        docs = set().union(*self._levels(plan, 1))
        if not docs:
            return {name: {} for name in ("province", "level", "year", "kind")}
        groups = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in ("province", "level", "year", "kind")}
        with self.lock:
            found = self.searcher.search(wq.Every(), filter=docs, groupedby=groups, limit=1)
            return {name: {str(k): n for k, n in found.groups(name).items() if k is not None and k != ""}
                    for name in groups}

    def _record(self, d: int) -> dict:
        with self.lock:
            f = self.searcher.stored_fields(d)
        return {**self.documents[f["doc_id"]], "seq": f["seq"], "text": f["text"], "clause_path": f["clause_path"],
                "start": f["start"], "end": f["end"], "has_target": f["has_target"]}
