"""The tantivy engine (the default): the only module that imports tantivy.

One tantivy document per clause, in on-disk, memory-mapped segments:

* ``bi`` / ``uni`` — the clause text's character bigrams (with positions) and its characters: a term of
  two or more characters is a phrase of its bigrams, which is exact substring matching; a
  one-character term is a term of ``uni``;
* ``mbi`` / ``muni`` — the same over the words its document lends it (:func:`kb.search.plan.document_words`);
* ``words`` — its jieba words (:func:`kb.segment.index_words`, lower-cased): BM25 ranks with them;
* filters as indexed fast fields: ``region_code``/``prefecture``/``province`` (code prefixes), ``level``,
  ``year``, ``has_target``, ``doc_id``;
* stored: key, text, clause path, offsets.  What a hit shows of its document comes from
  ``documents.json`` beside the segments (one small entry per document).

Whitespace inside a text is indexed as the character ``␣`` (the fields are split on whitespace).
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing
import re
from itertools import combinations
from pathlib import Path
from typing import Iterable

import tantivy

from .. import segment
from ..generations import forget_inherited_locks
from .plan import Filters, Plan, partial_threshold
from .records import ClauseRow

NAME = "tantivy"
DOCUMENTS_FILE = "documents.json"
_SPACE = re.compile(r"\s")
SPACE = "\u2423"
TIER2_BONUS = 1000.0  # per term held: tier-2 clauses rank by the number of terms first, then BM25
_ORDERS = {"newest": ("date_new", tantivy.Order.Desc), "oldest": ("date_old", tantivy.Order.Asc),
           "region": ("region_sort", tantivy.Order.Asc)}


def _clean(text: str) -> str:
    return _SPACE.sub(SPACE, text)


def _bigrams(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1)]


def _fields(text: str) -> tuple[str, str]:
    """(bigram field, unigram field) of a text."""
    t = _clean(text)
    return " ".join(_bigrams(t)), " ".join(set(t))


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("bi", "mbi"):
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="position")
    for name in ("uni", "muni"):
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("words", stored=False, tokenizer_name="whitespace", index_option="freq")
    for name in ("doc_id", "region_code", "prefecture", "province", "level", "kind"):
        sb.add_text_field(name, stored=name == "doc_id", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("year", stored=False, indexed=True, fast=True)
    for name in ("date_new", "date_old"):  # yyyymmdd; a document without a date sorts last either way
        sb.add_integer_field(name, stored=False, indexed=False, fast=True)
    sb.add_text_field("region_sort", stored=False, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("has_target", stored=True, indexed=True, fast=True)
    sb.add_integer_field("seq", stored=True, indexed=False, fast=True)
    sb.add_integer_field("start", stored=True, indexed=False)
    sb.add_integer_field("end", stored=True, indexed=False)
    sb.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("clause_path", stored=True, tokenizer_name="raw", index_option="basic")
    return sb.build()


# --- build --------------------------------------------------------------------------


def _analyse(chunk: list[tuple[str, str]]) -> list[tuple[str, str, str, str, str]]:
    """(words, bi, uni, mbi, muni) per (clause text, document words); runs in worker processes."""
    out = []
    for text, words in chunk:
        toks = " ".join(_clean(w.lower()) for w in segment.index_words(text))
        out.append((toks, *_fields(text), *_fields(words)))
    return out


def build(directory: Path, rows: Iterable[ClauseRow], documents: dict[str, dict], processes: int = 2) -> int:
    """Write the index of ``rows`` into the empty ``directory``; the number of clauses written."""
    rows = list(rows)
    meta = {d: documents[d]["words"] for d in {r.doc_id for r in rows}}
    pairs = [(r.text, meta[r.doc_id]) for r in rows]
    size = max(1, -(-len(pairs) // max(1, processes * 8)))
    chunks = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    segment.warm()  # forked workers inherit the loaded dictionary
    parallel = processes > 1 and len(chunks) > 1
    pool_cm = multiprocessing.get_context("fork").Pool(processes, initializer=forget_inherited_locks) \
        if parallel else contextlib.nullcontext()
    schema = _schema()
    index = tantivy.Index(schema, path=str(directory))
    writer = index.writer(heap_size=256_000_000, num_threads=max(1, processes))
    with pool_cm as pool:
        analysed = pool.imap(_analyse, chunks) if parallel else map(_analyse, chunks)
        i = 0
        for part in analysed:
            for toks, bi, uni, mbi, muni in part:
                r = rows[i]
                i += 1
                code = r.region_code
                doc = tantivy.Document(doc_id=r.doc_id, seq=r.seq, text=r.text, clause_path=r.clause_path,
                                       start=r.start, end=r.end, has_target=int(r.has_target),
                                       words=toks, bi=bi, uni=uni, mbi=mbi, muni=muni)
                if code:
                    doc.add_text("region_code", code)
                    doc.add_text("prefecture", code[:4])
                    doc.add_text("province", code[:2])
                if r.level:
                    doc.add_text("level", r.level)
                doc.add_text("kind", r.kind)
                if r.year is not None:
                    doc.add_integer("year", r.year)
                doc.add_integer("date_new", r.date or 0)
                doc.add_integer("date_old", r.date or 99_999_999)
                doc.add_text("region_sort", code or "999999")
                writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    (directory / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    return len(rows)


# --- reading -------------------------------------------------------------------------


class Reader:
    """An opened tantivy index: answers :class:`kb.search.plan.Plan` in two tiers (thread-safe)."""

    def __init__(self, path: Path):
        self.path = path
        self._index = tantivy.Index.open(str(path))
        self._schema = self._index.schema
        self._searcher = self._index.searcher()
        self.documents: dict[str, dict] = json.loads((path / DOCUMENTS_FILE).read_text(encoding="utf-8"))
        segment.warm()  # every query is segmented: load the dictionary now, not on the first search

    def __len__(self) -> int:
        return self._searcher.num_docs

    # queries

    def _gram_query(self, field_bi: str, field_uni: str, term: str) -> tantivy.Query:
        t = _clean(term)
        if len(t) == 1:
            return tantivy.Query.term_query(self._schema, field_uni, t)
        grams = _bigrams(t)
        if len(grams) == 1:
            return tantivy.Query.term_query(self._schema, field_bi, grams[0])
        # every other bigram, and the last: bigrams at positions p, p+2, … cover the term exactly, with
        # half the postings to intersect (义务教育优质均衡 → 义务 教育 优质 均衡)
        offsets = sorted(set(range(0, len(grams), 2)) | {len(grams) - 1})
        return tantivy.Query.phrase_query(self._schema, field_bi, [(o, grams[o]) for o in offsets])

    def _term(self, term: str) -> tantivy.Query:
        """Clauses holding ``term`` in their text or in their document's words."""
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, self._gram_query("bi", "uni", term)),
                                            (tantivy.Occur.Should, self._gram_query("mbi", "muni", term))])

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

    def _query(self, plan: Plan, tier: int) -> tantivy.Query:
        q, occ = tantivy.Query, tantivy.Occur
        terms = [self._term(t) for t in plan.terms]
        clauses = [(occ.Must, q.const_score_query(f, 0.0)) for f in self._filters(plan.filters)]
        clauses += [(occ.MustNot, self._term(t)) for t in plan.excluded]
        ranking = [(occ.Should, q.term_query(self._schema, "words", _clean(w.lower()))) for w in dict.fromkeys(plan.words)]
        if tier == 1:
            clauses += [(occ.Must, q.const_score_query(t, 0.0)) for t in terms]
        else:
            k = partial_threshold(len(terms))
            if k > len(terms):
                return q.empty_query()
            everything = q.boolean_query([(occ.Must, t) for t in terms])
            clauses.append((occ.MustNot, everything))
            some = [q.boolean_query([(occ.Must, t) for t in combo]) for combo in combinations(terms, k)]
            clauses.append((occ.Must, q.const_score_query(q.boolean_query([(occ.Should, s) for s in some]), 0.0)))
            own = [(occ.Should, self._gram_query("bi", "uni", t)) for t in plan.terms]  # one term in the text itself
            clauses.append((occ.Must, q.const_score_query(q.boolean_query(own), 0.0)))
            ranking += [(occ.Should, q.const_score_query(t, TIER2_BONUS)) for t in terms]
        if not any(o == occ.Must for o, _ in clauses):
            clauses.append((occ.Must, q.const_score_query(q.all_query(), 0.0)))
        return q.boolean_query(clauses + ranking)

    # answers

    def count(self, plan: Plan, tier: int) -> int:
        return self._searcher.search(self._query(plan, tier), 1, count=True).count

    def count_and_page(self, plan: Plan, tier: int, limit: int, offset: int = 0) -> tuple[int, list[tuple[dict, float]]]:
        """The tier's size and its clauses ``offset`` … ``offset + limit`` in the plan's order, (record, score)
        each, in one pass over the index."""
        order = _ORDERS.get(plan.sort)
        kwargs = {"order_by_field": order[0], "order": order[1]} if order else {}
        found = self._searcher.search(self._query(plan, tier), max(1, limit), count=True, offset=offset, **kwargs)
        hits = found.hits[:limit] if limit > 0 else []
        return found.count, [(self._record(addr), float(score) if not order else 0.0) for score, addr in hits]

    def doc_counts(self, plan: Plan) -> dict[str, int]:
        """Tier-1 clauses per document."""
        found = self._searcher.aggregate(self._query(plan, 1), {"d": {"terms": {"field": "doc_id", "size": 1_000_000}}})
        return {b["key"]: b["doc_count"] for b in found.get("d", {}).get("buckets", [])}

    def facets(self, plan: Plan) -> dict[str, dict[str, int]]:
        """Tier-1 clauses per province code, level, year and kind of document."""
        aggs = {name: {"terms": {"field": name, "size": 100}} for name in ("province", "level", "year", "kind")}
        found = self._searcher.aggregate(self._query(plan, 1), aggs)
        return {name: {str(int(b["key"]) if isinstance(b["key"], float) else b["key"]): b["doc_count"]
                       for b in found.get(name, {}).get("buckets", [])} for name in aggs}

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
        return {**self.documents[doc_id], "seq": d["seq"][0], "text": d["text"][0],
                "clause_path": (d.get("clause_path") or [""])[0], "start": d["start"][0], "end": d["end"][0],
                "has_target": bool(d["has_target"][0])}
