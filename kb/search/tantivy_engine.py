"""The tantivy engine (the default): the only module that imports tantivy.

One tantivy document per clause, in on-disk, memory-mapped segments:

* ``bi`` — the clause text's character bigrams, with positions, :data:`END` closing the text: a term of
  two or more characters is a phrase of its bigrams, which is exact substring matching; a character
  is the union of the bigrams it begins (a regular expression over the bigram terms);
* ``quad`` — the 4-grams of the text that are common in this corpus (:func:`common_quads`, saved in
  ``quads.txt``), without positions: a query term that is one of them is one term instead of a
  phrase checked position by position (优质均衡, 学前教育: the heaviest terms researchers type);
* ``words`` — its jieba words (:func:`kb.segment.index_words`, lower-cased): BM25 ranks with them (but
  not with those in over half of all clauses, when rarer ones remain: :meth:`Reader._ranking`);
* ``dw`` — the bigrams of the words its document lends it (:func:`kb.search.plan.document_words`),
  without positions: "the document lends this term" is an intersection of postings;
* filters as indexed fast fields: ``region_code``/``prefecture``/``province`` (code prefixes), ``level``,
  ``kind``, ``year``, ``has_target``, ``doc_id`` (orders by date or region are orders of documents,
  known from ``documents.json``, and of clauses within each: ``seq``);
* stored: doc_id, seq, text and clause path (as UTF-8 bytes: not indexed), offsets.  What a hit shows of its document comes from
  ``documents.json`` beside the segments (one small entry per document, with its clause counts).

A term is satisfied by the clause text or by its document's words.  :class:`kb.search.plan.LentWords`
tells exactly which documents lend a term; in the index that is "``dw`` holds the term's rarest
bigram(s)", less the few documents that hold them apart, left out by id.  Counts and facets are
taken by classes of documents (:mod:`kb.search.bydocument`): a document lending every term adds all
its clauses from ``documents.json`` without touching the index, and each other class is one query
on the texts of the terms it does not lend, kept to the class by ``dw``.  The parts of both tiers'
counts run in background threads while the calling thread fetches the page (tantivy lets go of the
GIL while it searches).  A first page in relevance order is looked for among the best clauses by
BM25 alone (block-max WAND) and checked against the plan in Python; the whole query runs only when
too few of them pass.

Whitespace inside a text is indexed as the character ``␣`` (the fields are split on whitespace).
An index says which of these layouts it has (``format``); a reader opens no other.
"""
from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import re
import threading
from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import Callable, Iterable

import tantivy

from .. import segment
from ..generations import forget_inherited_locks
from .bydocument import Class, DocumentFacts, Tally
from .engines import IndexOutdated
from .plan import Filters, LentWords, Plan, partial_threshold
from .records import ClauseRow

NAME = "tantivy"
DOCUMENTS_FILE = "documents.json"
FORMAT_FILE = "format"
FORMAT = "4"  # what the fields mean; a reader opens no other (2: dw; 3: quad, no uni; 4: text stored as bytes)
QUADS_FILE = "quads.txt"
QUAD_SHARE = 0.02  # a 4-gram in this share of the clauses (or more) is a term of the quad field
QUAD_LEAST = 20  # … and in this many sampled clauses at least
QUAD_SAMPLE = 20_000
CHUNK = 8_000  # clauses a build worker analyses at a time
_SPACE = re.compile(r"\s")
SPACE = "\u2423"
END = "\u2424"  # closes every text in the bigram field (no query term holds it)
TALLIES = 256  # plans whose counts and facets are remembered (the next page of a search asks again)
CANDIDATES = 64  # clauses by BM25 alone among which a first page is looked for
WHOLE = "whole"  # every clause of the class is in the tier
RARER = 4  # a bigram this many times rarer than a term's others joins its phrase
COMMON = 0.5  # a word in more than this share of all clauses does not rank (when rarer ones remain)
APART = 2_000  # clauses of documents holding a term's chosen bigrams apart that may be left out by id
_FACET_AGGS = {name: {"terms": {"field": name, "size": 10_000}} for name in ("province", "level", "year", "kind")}
TIER2_BONUS = 1000.0  # per term held: tier-2 clauses rank by the number of terms first, then BM25


def _clean(text: str) -> str:
    return _SPACE.sub(SPACE, text)


def _bigrams(text: str) -> list[str]:
    return list(map(str.__add__, text, text[1:]))


_SPACES = array("I", b" \0\0\0" * 4096)


def _spaced(units: array, width: int) -> str:
    """The tokens ``units[i:i + width]`` of every position i, separated by spaces (for the whitespace
    tokenizer), built on 32-bit code units in C: 义务教育, width 2 → "义务 务教 教育"."""
    n = len(units) - width + 1
    if n <= 0:
        return ""
    out = array("I", bytes(4 * n * (width + 1)))
    for k in range(width):
        out[k::width + 1] = units[k:k + n]
    out[width::width + 1] = _SPACES[:n] if n <= len(_SPACES) else array("I", b" \0\0\0" * n)
    return out.tobytes().decode("utf-32-le")


def _bigram_field(text: str) -> str:
    """The bigram field of a text whose whitespace is cleaned, :data:`END` closing it, so that every
    character starts a bigram (a Python loop per bigram was a quarter of the build)."""
    units = array("I")
    units.frombytes((text + END).encode("utf-32-le"))
    return _spaced(units, 2)


def _regex_literal(char: str) -> str:
    """One character as a literal of tantivy's (Rust) regular expressions."""
    return "\\" + char if char.isascii() and not char.isalnum() else char


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("bi", stored=False, tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("words", stored=False, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("dw", stored=False, tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("quad", stored=False, tokenizer_name="whitespace", index_option="basic")
    for name in ("doc_id", "region_code", "prefecture", "province", "level", "kind"):  # facets and per-doc counts read the fast ones
        sb.add_text_field(name, stored=name == "doc_id", tokenizer_name="raw", index_option="basic",
                          fast=name not in ("region_code", "prefecture"))
    sb.add_integer_field("year", stored=False, indexed=True, fast=True)
    sb.add_integer_field("has_target", stored=True, indexed=True, fast=True)
    sb.add_integer_field("seq", stored=True, indexed=False, fast=True)
    sb.add_integer_field("start", stored=True, indexed=False)
    sb.add_integer_field("end", stored=True, indexed=False)
    # stored only, as UTF-8 (a text field would index each whole text as one term)
    sb.add_bytes_field("text", stored=True, indexed=False)
    sb.add_bytes_field("clause_path", stored=True, indexed=False)
    return sb.build()


# --- build --------------------------------------------------------------------------


_texts: list[str] = []  # the clause texts of the build under way, inherited by forked workers
_quads: frozenset[str] = frozenset()  # the common 4-grams of the build under way, likewise
_quad_starts: frozenset[str] = frozenset()  # their first bigrams


def common_quads(texts: list[str]) -> frozenset[str]:
    """The 4-character strings in at least :data:`QUAD_SHARE` of the clauses (counted on a sample of at
    most :data:`QUAD_SAMPLE` clauses, every k-th): a query term that is one of them is one term of the
    ``quad`` field instead of a phrase of bigrams checked position by position (优质均衡 in 85,000
    clauses: 9 ms as a phrase, well under 1 ms as a term)."""
    step = max(1, len(texts) // QUAD_SAMPLE)
    sample = texts[::step]
    seen: dict[str, int] = {}
    for text in sample:
        units = array("I")
        units.frombytes(_clean(text).encode("utf-32-le"))
        for gram in set(_spaced(units, 4).split()):
            seen[gram] = seen.get(gram, 0) + 1
    least = max(QUAD_LEAST, QUAD_SHARE * len(sample))
    return frozenset(g for g, n in seen.items() if n >= least and SPACE not in g)


def _quads_of(bigrams: list[str]) -> str:
    """The common 4-grams of a text, from its bigrams (once each; only a bigram that begins a common
    4-gram is looked past)."""
    starts, quads, found = _quad_starts, _quads, {}
    last = len(bigrams) - 2
    for i, gram in enumerate(bigrams):
        if gram in starts and i < last:
            quad = gram + bigrams[i + 2]
            if quad in quads:
                found[quad] = None
    return " ".join(found)


def _analyse(span: tuple[int, int]) -> list[tuple[str, str, str]]:
    """(words, bi, quad) per clause text of ``_texts[start:end]``; runs in worker processes, which
    inherit the texts (only the analysed fields cross a pipe: the main process, which hands documents
    to tantivy, is the busiest)."""
    out = []
    for text in _texts[span[0]:span[1]]:
        toks = " ".join(segment.index_words(text))  # lower-cased, no whitespace inside a word
        bi = _bigram_field(_clean(text))
        out.append((toks, bi, _quads_of(bi.split(" ")) if _quads else ""))
    return out


def build(directory: Path, rows: Iterable[ClauseRow], documents: dict[str, dict], processes: int = 2) -> int:
    """Write the index of ``rows`` into the empty ``directory``; the number of clauses written."""
    global _quads, _quad_starts
    rows = list(rows)
    _texts[:] = [r.text for r in rows]
    _quads = common_quads(_texts)
    _quad_starts = frozenset(q[:2] for q in _quads)
    size = max(1, min(CHUNK, -(-len(rows) // max(1, processes * 8))))  # tantivy starts within a second
    chunks = [(i, min(i + size, len(rows))) for i in range(0, len(rows), size)]
    segment.warm()  # forked workers inherit the loaded dictionary
    parallel = processes > 1 and len(chunks) > 1
    # A million clause rows are long-lived objects: frozen, the cyclic collector stops walking them
    # again and again, and forked workers do not copy the pages it would touch (~6 s of 100 at 1M).
    gc.collect()
    gc.freeze()
    pool_cm = multiprocessing.get_context("fork").Pool(processes, initializer=forget_inherited_locks) \
        if parallel else contextlib.nullcontext()
    schema = _schema()
    lends = {d: " ".join(dict.fromkeys(_bigrams(_clean(doc.get("words") or "")))) for d, doc in documents.items()}
    index = tantivy.Index(schema, path=str(directory))
    # a budget, not an allocation: at 256 MB a million clauses made ~20 segments, and merging them
    # cost ~12 s at the end; at 1 GB they make 4, left unmerged
    writer = index.writer(heap_size=1_000_000_000, num_threads=max(1, processes))
    with pool_cm as pool:
        analysed = pool.imap(_analyse, chunks) if parallel else map(_analyse, chunks)
        i = 0
        for part in analysed:
            for toks, bi, quad in part:
                r = rows[i]
                i += 1
                code = r.region_code
                doc = tantivy.Document(doc_id=r.doc_id, seq=r.seq, text=r.text.encode(), clause_path=r.clause_path.encode(),
                                       start=r.start, end=r.end, has_target=int(r.has_target),
                                       words=toks, bi=bi, quad=quad, dw=lends.get(r.doc_id, ""))
                if code:
                    doc.add_text("region_code", code)
                    doc.add_text("prefecture", code[:4])
                    doc.add_text("province", code[:2])
                if r.level:
                    doc.add_text("level", r.level)
                doc.add_text("kind", r.kind)
                if r.year is not None:
                    doc.add_integer("year", r.year)
                writer.add_document(doc)
    gc.unfreeze()
    _texts.clear()
    (directory / QUADS_FILE).write_text("".join(g + "\n" for g in sorted(_quads)), encoding="utf-8")
    _quads = _quad_starts = frozenset()
    writer.commit()
    writer.wait_merging_threads()
    documents = {d: {**doc, "clauses": 0, "targets": 0} for d, doc in documents.items()}
    for r in rows:  # what counting by document reads (kb.search.bydocument)
        documents[r.doc_id]["clauses"] += 1
        documents[r.doc_id]["targets"] += int(r.has_target)
    (directory / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    (directory / FORMAT_FILE).write_text(FORMAT + "\n", encoding="ascii")
    return len(rows)


# --- reading -------------------------------------------------------------------------


class _Counting:
    """A tier's count being made: its parts, each counted in a background thread, added when asked."""

    def __init__(self, parts: list[Future]):
        self._parts = parts
        self._sum: Tally | None = None

    def result(self) -> Tally:
        if self._sum is None:
            total = Tally()
            for part in self._parts:
                total.add(part.result())
            self._sum = total
        return self._sum

_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """The threads that count tiers (one pool per process: a forked child makes its own)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2),
                                                     thread_name_prefix="policykb-count"))
        return _pool[1]



class Reader:
    """An opened tantivy index: answers :class:`kb.search.plan.Plan` in two tiers (thread-safe)."""

    def __init__(self, path: Path):
        self.path = path
        found = (path / FORMAT_FILE).read_text(encoding="ascii").strip() if (path / FORMAT_FILE).exists() else "1"
        if found != FORMAT:
            raise IndexOutdated(f"the search index at {path} was built by another version of policykb; "
                                "run `policykb build` to rebuild it")
        self._index = tantivy.Index.open(str(path))
        self._schema = self._index.schema
        self._searcher = self._index.searcher()
        self.documents: dict[str, dict] = json.loads((path / DOCUMENTS_FILE).read_text(encoding="utf-8"))
        self._quads = frozenset((path / QUADS_FILE).read_text(encoding="utf-8").split())
        self._lenders = LentWords({d: doc.get("words") or "" for d, doc in self.documents.items()})
        self._dw_words = tuple(_clean(self.documents[d].get("words") or "") for d in self._lenders.ids)
        self._lent_cache: dict[str, tantivy.Query | None] = {}
        self._classes_cache: dict[tuple, list[Class] | None] = {}
        self._facts = DocumentFacts(self.documents)
        self._tallies: dict[tuple[Plan, int], Future] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._searcher.num_docs

    def forget(self) -> None:
        """Drop the answers remembered from earlier queries (benchmarks time new queries with it)."""
        self._tallies.clear()
        self._lenders.forget()
        self._lent_cache.clear()
        self._classes_cache.clear()

    # queries

    def _text(self, term: str) -> tantivy.Query:
        """Clauses whose text holds ``term``."""
        t = _clean(term)
        if len(t) == 1:  # every character starts a bigram (END closes each text)
            return tantivy.Query.regex_query(self._schema, "bi", _regex_literal(t) + ".")
        grams = _bigrams(t)
        if len(grams) == 1:
            return tantivy.Query.term_query(self._schema, "bi", grams[0])
        if t in self._quads:
            return tantivy.Query.term_query(self._schema, "quad", t)
        # every other bigram, and the last: bigrams at positions p, p+2, … cover the term exactly, with
        # half the postings to intersect (义务教育优质均衡 → 义务 教育 优质 均衡); and the rarest bigram
        # when it is much rarer than those, as it leads the intersection (教育督导: 育督, not 教育)
        offsets = set(range(0, len(grams), 2)) | {len(grams) - 1}
        freq = [self._searcher.doc_freq("bi", g) for g in grams]
        rarest = min(range(len(grams)), key=freq.__getitem__)
        if RARER * freq[rarest] < min(freq[o] for o in offsets):
            offsets.add(rarest)
        offsets = sorted(offsets)
        return tantivy.Query.phrase_query(self._schema, "bi", [(o, grams[o]) for o in offsets])

    def _everywhere(self, term: str) -> bool:
        """Whether every document lends ``term`` (so that every clause satisfies it)."""
        return len(self._lenders.holding(term)) == len(self._lenders)

    def _lent(self, term: str) -> tantivy.Query | None:
        """Clauses whose document lends ``term``; None when no document does.

        Every clause carries its document's words as bigrams (``dw``, without positions).  The documents
        holding the term's rarest bigram (or few rarest) hold the term itself but for a few, which are
        left out by id.  (A one-character term goes by document id.)"""
        if term in self._lent_cache:
            return self._lent_cache[term]
        q, occ = tantivy.Query, tantivy.Occur
        docs = self._lenders.holding(term)
        grams = sorted(set(_bigrams(_clean(term))), key=lambda g: self._searcher.doc_freq("dw", g))
        if not docs:
            query = None
        elif len(docs) == len(self._lenders):
            query = q.all_query()
        elif not grams:
            if 2 * len(docs) <= len(self._lenders):
                query = q.term_set_query(self._schema, "doc_id", sorted(docs))
            else:
                others = sorted(set(self._lenders.ids) - docs)
                query = q.boolean_query([(occ.Must, q.all_query()),
                                         (occ.MustNot, q.term_set_query(self._schema, "doc_id", others))])
        else:
            lent_clauses = self._facts.clause_count(docs)
            for n in range(1, len(grams) + 1):
                # (every clause holding the rarest bigram belongs to a lender: no document holds it apart)
                apart = frozenset() if self._searcher.doc_freq("dw", grams[0]) == lent_clauses \
                    else self._apart(docs, grams[:n])
                if self._facts.clause_count(apart) <= APART:
                    break
            query = q.boolean_query([(occ.Must, q.term_query(self._schema, "dw", g)) for g in grams[:n]])
            if apart:
                query = q.boolean_query([(occ.Must, query),
                                         (occ.MustNot, q.term_set_query(self._schema, "doc_id", sorted(apart)))])
        if len(self._lent_cache) >= LentWords.CACHE:
            self._lent_cache.clear()
        self._lent_cache[term] = query
        return query

    def _apart(self, lenders: frozenset[str], grams: list[str]) -> frozenset[str]:
        """The documents whose words hold every one of ``grams`` but are not among ``lenders``."""
        first, rest = grams[0], grams[1:]
        return frozenset(d for d, w in zip(self._lenders.ids, self._dw_words)
                         if first in w and d not in lenders and all(g in w for g in rest))

    def _classes(self, plan: Plan) -> list[Class] | None:
        """:meth:`DocumentFacts.classes` of the plan (remembered: both tiers and the pages ask)."""
        key = (plan.terms, plan.excluded, plan.filters)
        if key not in self._classes_cache:
            if len(self._classes_cache) >= TALLIES:
                self._classes_cache.clear()
            self._classes_cache[key] = self._facts.classes(plan, self._lenders)
        return self._classes_cache[key]

    def _lending(self, plan: Plan, lends: dict[int, bool]) -> list:
        """Clauses keeping a query to the documents that lend ``plan.terms[i]`` or not, as ``lends[i]``
        says, and lend no excluded term."""
        q, occ = tantivy.Query, tantivy.Occur
        out = []
        for i, yes in lends.items():
            lent = self._lent(plan.terms[i])
            if lent is None:
                if yes:
                    return [(occ.Must, q.empty_query())]
            elif yes:
                out.append((occ.Must, q.const_score_query(lent, 0.0)))
            else:
                out.append((occ.MustNot, lent))
        for term in plan.excluded:
            lent = self._lent(term)
            if lent is not None:
                out.append((occ.MustNot, lent))
        return out

    def _term(self, term: str) -> tantivy.Query:
        """Clauses holding ``term`` in their text or in their document's words."""
        q, occ = tantivy.Query, tantivy.Occur
        lent = self._lent(term)
        if lent is None:
            return self._text(term)
        if self._everywhere(term):
            return lent
        return q.boolean_query([(occ.Should, self._text(term)), (occ.Should, lent)])

    def _region(self, prefix: str) -> tantivy.Query:
        field = {2: "province", 4: "prefecture"}.get(len(prefix), "region_code")
        return tantivy.Query.term_query(self._schema, field, prefix)

    def _filters(self, f: Filters) -> list[tantivy.Query]:
        q = tantivy.Query
        out = []
        if f.region_prefix:
            out.append(self._region(f.region_prefix))
        if f.province:
            out.append(q.term_query(self._schema, "province", f.province))
        if f.level:
            out.append(q.term_query(self._schema, "level", f.level))
        if f.kind:
            out.append(q.term_query(self._schema, "kind", f.kind))
        if f.doc_id:
            out.append(q.term_query(self._schema, "doc_id", f.doc_id))
        if f.year_from is not None or f.year_to is not None:
            out.append(q.range_query(self._schema, "year", tantivy.FieldType.Integer, f.year_from, f.year_to))
        if f.has_target is not None:
            out.append(q.term_query(self._schema, "has_target", int(bool(f.has_target))))
        if f.any_region:
            out.append(q.boolean_query([(tantivy.Occur.Should, self._region(p)) for p in f.any_region]))
        return out

    def _ranking(self, plan: Plan) -> list:
        """The scoring clauses: BM25 of the plan's words, but those in more than :data:`COMMON` of all
        clauses when rarer ones remain (教育 in 义务教育优质均衡: it adds little to any score and is
        the longest list to walk)."""
        words = [w.lower() for w in dict.fromkeys(plan.words)]
        limit = COMMON * max(1, self._searcher.num_docs)
        rare = [w for w in words if self._searcher.doc_freq("words", w) <= limit]
        return [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "words", w)) for w in rare or words]

    def _query(self, plan: Plan, tier: int) -> tantivy.Query:
        q, occ = tantivy.Query, tantivy.Occur
        terms = [self._term(t) for t in plan.terms]
        clauses = [(occ.Must, q.const_score_query(f, 0.0)) for f in self._filters(plan.filters)]
        clauses += [(occ.MustNot, self._term(t)) for t in plan.excluded]
        ranking = self._ranking(plan)
        if tier == 1:  # a term every document lends restricts nothing
            clauses += [(occ.Must, q.const_score_query(t, 0.0)) for t, term in zip(terms, plan.terms)
                        if not self._everywhere(term)]
        else:
            k = partial_threshold(len(terms))
            if k > len(terms):
                return q.empty_query()
            everything = q.boolean_query([(occ.Must, t) for t in terms])
            clauses.append((occ.MustNot, everything))
            some = [q.boolean_query([(occ.Must, t) for t in combo]) for combo in combinations(terms, k)]
            clauses.append((occ.Must, q.const_score_query(q.boolean_query([(occ.Should, s) for s in some]), 0.0)))
            own = [(occ.Should, self._text(t)) for t in plan.terms]  # one term in the text itself
            clauses.append((occ.Must, q.const_score_query(q.boolean_query(own), 0.0)))
            ranking += [(occ.Should, q.const_score_query(t, TIER2_BONUS)) for t in terms]
        if not any(o == occ.Must for o, _ in clauses):
            clauses.append((occ.Must, q.const_score_query(q.all_query(), 0.0)))
        return q.boolean_query(clauses + ranking)

    # counting by document (kb.search.bydocument)

    def _tally(self, plan: Plan, tier: int) -> Tally:
        """The tier's size and facet counts."""
        counting = self._counting(plan, tier)
        try:
            return counting.result()
        except BaseException:
            with self._lock:
                if self._tallies.get((plan, tier)) is counting:
                    del self._tallies[(plan, tier)]
            raise

    def _counting(self, plan: Plan, tier: int) -> "_Counting":
        """The tier's size and facet counts, its parts counted in background threads (remembered for
        :data:`TALLIES` plans: a page, its facets, the other tier's count and the next page ask for the
        same)."""
        key = (plan, tier)
        with self._lock:
            found = self._tallies.get(key)
            if found is None:
                if len(self._tallies) >= TALLIES:
                    self._tallies.clear()
                jobs = self._count_partial(plan) if tier == 2 else self._count_by_class(plan)
                found = self._tallies[key] = _Counting([_background().submit(job) for job in jobs])
        return found

    def _count_by_class(self, plan: Plan) -> list[Callable[[], Tally]]:
        """Tier 1 counted by classes of documents: the parts to add."""
        classes = self._classes(plan)
        if classes is None:  # too many classes: enumerate the whole query
            return [partial(self._aggregated, self._query(plan, 1))]
        jobs = []
        for cls in classes:
            clauses = self._class_clauses(plan, cls)
            jobs.append(partial(self._whole_tally, plan, cls) if clauses == WHOLE
                        else partial(self._aggregated, tantivy.Query.boolean_query(clauses)))
        return jobs

    def _count_partial(self, plan: Plan) -> list[Callable[[], Tally]]:
        """Tier 2's size (the parts to add), by the set of terms a clause misses (neither its text nor its
        document has them) and the class of its document: within a class, the clause's text must lack
        the missing terms and hold the held ones its document does not lend (and one held term at
        least).  Classes that ask the same of the text share one query, kept to their documents by
        what they all lend or all do not."""
        n = len(plan.terms)
        k = partial_threshold(n)
        if k > n:
            return []
        classes = self._classes(plan)
        if classes is None:
            return [partial(self._counted, self._query(plan, 2))]
        asks: dict[tuple, list[Class]] = {}  # (missing, held in text, one of these in text) → classes
        for size in range(1, n - k + 1):
            for missing in combinations(range(n), size):
                held = [j for j in range(n) if j not in missing]
                for cls in classes:
                    if cls.lent.intersection(missing):
                        continue  # its documents lend a missing term
                    in_text = tuple(j for j in held if j not in cls.lent)
                    one_of = ()
                    if not in_text:  # its documents lend every held term: the text must hold one
                        in_text, one_of = (tuple(held), ()) if len(held) == 1 else ((), tuple(held))
                    asks.setdefault((missing, in_text, one_of), []).append(cls)
        q, occ = tantivy.Query, tantivy.Occur
        base = [(occ.Must, q.const_score_query(f, 0.0)) for f in self._filters(plan.filters)]
        base += [(occ.MustNot, self._text(t)) for t in plan.excluded]
        jobs = []
        for (missing, in_text, one_of), group in asks.items():
            clauses = list(base)
            clauses += [(occ.MustNot, self._text(plan.terms[i])) for i in missing]
            clauses += [(occ.Must, q.const_score_query(self._text(plan.terms[j]), 0.0)) for j in in_text]
            if one_of:
                clauses.append((occ.Must, q.const_score_query(
                    q.boolean_query([(occ.Should, self._text(plan.terms[j])) for j in one_of]), 0.0)))
            agreed = {}
            for i in range(n):
                values = {i in cls.lent for cls in group}
                if len(values) == 1:
                    agreed[i] = values.pop()
            clauses += self._lending(plan, agreed)
            jobs.append(partial(self._counted, q.boolean_query(clauses)))
        return jobs

    def _class_clauses(self, plan: Plan, cls: Class):
        """The boolean clauses a clause of a document of ``cls`` must satisfy to be in tier 1 (its text
        must hold the terms the class does not lend, its document must be of the class);
        :data:`WHOLE` when every clause of the class is in."""
        q, occ = tantivy.Query, tantivy.Occur
        unlent = cls.unlent(len(plan.terms))
        if not unlent:
            return WHOLE
        clauses = [(occ.Must, q.const_score_query(f, 0.0)) for f in self._filters(plan.filters)]
        clauses += [(occ.MustNot, self._text(t)) for t in plan.excluded]
        clauses += [(occ.Must, q.const_score_query(self._text(plan.terms[i]), 0.0)) for i in unlent]
        return clauses + self._lending(plan, {i: i in cls.lent for i in range(len(plan.terms))})

    def _whole(self, plan: Plan, cls: Class) -> dict[str, int]:
        """Clauses per document of a class that lends every term: all of them, but those with an excluded
        term in their text (and those with or without targets, as the filter asks)."""
        whole = self._facts.whole(cls.docs, plan.filters.has_target)
        if plan.excluded:
            q, occ = tantivy.Query, tantivy.Occur
            shed = self._per_doc_of(q.boolean_query(
                [(occ.Must, q.const_score_query(f, 0.0)) for f in self._filters(plan.filters)]
                + [(occ.Must, q.boolean_query([(occ.Should, self._text(t)) for t in plan.excluded]))]), cls.docs)
            whole = {d: c - shed.get(d, 0) for d, c in whole.items() if c > shed.get(d, 0)}
        return whole

    def _aggregated(self, query: tantivy.Query) -> Tally:
        """The query's matches and their facets."""
        tally = Tally()
        found = self._searcher.aggregate(query, _FACET_AGGS)
        tally.add_buckets({name: found.get(name, {}).get("buckets", []) for name in _FACET_AGGS})
        return tally

    def _counted(self, query: tantivy.Query) -> Tally:
        """The query's matches (no facets)."""
        return Tally(total=self._searcher.search(query, 1, count=True).count)

    def _whole_tally(self, plan: Plan, cls: Class) -> Tally:
        tally = Tally()
        if plan.excluded:
            tally.add_per_doc(self._whole(plan, cls), self._facts)
        else:
            tally.total, tally.facets = self._facts.whole_facets(cls.docs, plan.filters.has_target)
        return tally

    def _per_doc_of(self, query: tantivy.Query, docs=None) -> dict[str, int]:
        """Matching clauses per document (of ``docs`` only, when given)."""
        found = self._searcher.aggregate(query, {"d": {"terms": {"field": "doc_id", "size": len(self._facts.ids) + 1}}})
        buckets = found.get("d", {}).get("buckets", [])
        if docs is None:
            return {b["key"]: b["doc_count"] for b in buckets}
        return {b["key"]: b["doc_count"] for b in buckets if b["key"] in docs}

    def _per_doc(self, plan: Plan) -> dict[str, int]:
        """Tier-1 clauses per document."""
        classes = self._classes(plan)
        if classes is None:
            return self._per_doc_of(self._query(plan, 1))
        out: dict[str, int] = {}
        for cls in classes:
            clauses = self._class_clauses(plan, cls)
            out.update(self._whole(plan, cls) if clauses == WHOLE
                       else self._per_doc_of(tantivy.Query.boolean_query(clauses), cls.docs))
        return out

    # answers

    def count(self, plan: Plan, tier: int) -> int:
        return self._tally(plan, tier).total

    def count_and_page(self, plan: Plan, tier: int, limit: int, offset: int = 0) -> tuple[int, list[tuple[dict, float]]]:
        """The tier's size and its clauses ``offset`` … ``offset + limit`` in the plan's order, (record, score)
        each.  Both tiers are counted in background threads meanwhile (tantivy lets go of the GIL while
        it searches: on two cores the counts and the page take little more than the longest of them)."""
        best = self._best_by_words(plan, offset + limit) if tier == 1 and plan.sort == "relevance" else None
        self._counting(plan, 1)
        if len(plan.terms) > 1:
            self._counting(plan, 2)
        if best is not None:
            quick = self._first_hits(plan, limit, offset, best=best)  # (a whole page: the tier is that large)
            if quick is not None:
                return self._tally(plan, 1).total, quick
        total = self._tally(plan, tier).total
        if limit <= 0 or offset >= total:
            return total, []
        if plan.sort != "relevance":
            return total, self._page_by_document(plan, tier, limit, offset)
        if tier == 2:
            quick = self._first_hits(plan, limit, offset, tier=2)
            return total, quick if quick is not None else self._search(self._query(plan, 2), limit, offset)
        # relevance, tier 1: clauses whose own text holds every term first, then those that lean on
        # their document's words for some term; BM25 within each
        first_q = self._text_complete(plan)
        n_first, hits = 0, []
        if first_q is not None:  # the group's size and its part of the page in one pass
            found = self._searcher.search(first_q, max(1, limit), count=True, offset=offset)
            n_first = found.count
            hits = [(self._record(addr), float(score)) for score, addr in found.hits[:limit]] if offset < n_first else []
        if len(hits) < limit and n_first < total:
            q, occ = tantivy.Query, tantivy.Occur
            rest = self._query(plan, 1)
            if first_q is not None:
                rest = q.boolean_query([(occ.Must, rest), (occ.MustNot, first_q)])
            hits += self._search(rest, limit - len(hits), max(0, offset - n_first))
        return total, hits

    def _best_by_words(self, plan: Plan, want: int, tier: int = 1) -> Future | None:
        """The best :data:`CANDIDATES` clauses by BM25 of the words alone, searched in a background thread,
        when a first page of ``want`` clauses of the tier is looked for among them (:meth:`_first_hits`);
        else None."""
        f = plan.filters
        n = len(plan.terms)
        if not 0 < want <= CANDIDATES // 2 or not plan.words or f.doc_id or f.region_prefix or f.province \
                or f.any_region or tier == 2 and (n > 3 or partial_threshold(n) != n - 1):
            return None  # (few of the best clauses overall would be in one document or region)
        return _background().submit(self._searcher.search, tantivy.Query.boolean_query(self._ranking(plan)),
                                    CANDIDATES, count=False)

    def _first_hits(self, plan: Plan, limit: int, offset: int, tier: int = 1,
                    best: Future | None = None) -> list[tuple[dict, float]] | None:
        """The first page of a tier found among the best :data:`CANDIDATES` clauses by BM25 of the words
        alone (block-max WAND skips what cannot rank, where the whole query must visit every match) and
        checked one by one against the plan; None when too few pass (the caller then runs the whole
        query).  Tier 1: clauses whose own text holds every term (they come first in the tier).  Tier
        2, for up to three terms: every clause of the tier holds all terms but one, so the tier is in
        BM25 order, as here.  Scores are those the whole query gives."""
        want = offset + limit
        n = len(plan.terms)
        best = best or self._best_by_words(plan, want, tier)
        if best is None:
            return None
        found = best.result()
        terms = [_clean(t) for t in plan.terms]
        out = []
        for score, addr in found.hits:
            rec = self._record(addr)
            text = _clean(rec["text"])
            own = [t in text for t in terms]
            if tier == 1:
                if not all(own):
                    continue
            else:
                held = sum(o or rec["doc_id"] in self._lenders.holding(t) for o, t in zip(own, plan.terms))
                if held != n - 1 or not any(own):
                    continue
                score += TIER2_BONUS * held
            if self._admits(plan, rec, text):
                out.append((rec, float(score)))
                if len(out) == want:
                    return out[offset:]
        return None

    def _admits(self, plan: Plan, rec: dict, text: str) -> bool:
        """Whether a clause passes the plan's filters and exclusions (``text``: its text, cleaned)."""
        f = plan.filters
        if not self._facts.admits(rec["doc_id"], f):
            return False
        if f.has_target is not None and bool(rec["has_target"]) != bool(f.has_target):
            return False
        return not any(_clean(t) in text or rec["doc_id"] in self._lenders.holding(t) for t in plan.excluded)

    def _text_complete(self, plan: Plan) -> tantivy.Query | None:
        """Tier-1 clauses whose text holds every term (None for a plan without terms)."""
        if not plan.terms:
            return None
        q, occ = tantivy.Query, tantivy.Occur
        clauses = [(occ.Must, q.const_score_query(f, 0.0)) for f in self._filters(plan.filters)]
        clauses += [(occ.Must, q.const_score_query(self._text(t), 0.0)) for t in plan.terms]
        clauses += [(occ.MustNot, self._term(t)) for t in plan.excluded]
        clauses += self._ranking(plan)
        return q.boolean_query(clauses)

    def _search(self, query: tantivy.Query, limit: int, offset: int, **order) -> list[tuple[dict, float]]:
        found = self._searcher.search(query, max(1, limit), count=False, offset=offset, **order)
        return [(self._record(addr), 0.0 if order else float(score)) for score, addr in found.hits[:limit]]

    def _page_by_document(self, plan: Plan, tier: int, limit: int, offset: int) -> list[tuple[dict, float]]:
        """A page in date or region order: documents in that order, each one's clauses in clause order."""
        from dataclasses import replace

        per_doc = self._per_doc(plan) if tier == 1 else self._per_doc_of(self._query(plan, 2))
        out: list[tuple[dict, float]] = []
        seen = 0
        for d in sorted(per_doc, key=self._facts.sort_key(plan.sort)):
            n = per_doc[d]
            if seen + n > offset:
                one = replace(plan, filters=replace(plan.filters, doc_id=d))
                out += self._search(self._query(one, tier), limit - len(out), max(0, offset - seen),
                                    order_by_field="seq", order=tantivy.Order.Asc)
                if len(out) >= limit:
                    break
            seen += n
        return out

    def doc_counts(self, plan: Plan) -> dict[str, int]:
        """Tier-1 clauses per document."""
        return self._per_doc(plan)

    def facets(self, plan: Plan) -> dict[str, dict[str, int]]:
        """Tier-1 clauses per province code, level, year and kind of document."""
        return self._tally(plan, 1).facets

    def keys(self, plan: Plan, tier: int) -> set[str]:
        """The keys of every clause of the tier (for tests and small sets)."""
        n = self.count(plan, tier)
        found = self._searcher.search(self._query(plan, tier), max(n, 1), count=False)
        out = set()
        for _, addr in found.hits:
            d = self._searcher.doc(addr).to_dict()
            out.add(f"{d['doc_id'][0]}\t{d['seq'][0]}")
        return out

    def _record(self, addr) -> dict:
        d = self._searcher.doc(addr).to_dict()
        doc_id = d["doc_id"][0]
        return {**self.documents[doc_id], "seq": d["seq"][0], "text": bytes(d["text"][0]).decode(),
                "clause_path": bytes((d.get("clause_path") or [b""])[0]).decode(), "start": d["start"][0], "end": d["end"][0],
                "has_target": bool(d["has_target"][0])}
