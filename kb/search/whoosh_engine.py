"""The Whoosh engine (the second backend, for platforms without tantivy wheels): the only module that
imports Whoosh.

One Whoosh document per clause (key, region code with its province and prefecture prefixes, level,
year, document id, clause path, has-target: the filters are Whoosh queries) and, beside the Whoosh
files, in Whoosh document-number order:

* ``words.pickle`` — word postings: for every jieba word (:mod:`kb.segment`, search mode) the clauses
  holding it with its frequency there, and every clause's length in words.  BM25 (Whoosh's BM25F
  formula and defaults) is computed from them over the match set only.
* ``grams.pickle`` — for every character unigram and bigram, the clauses holding it.  A term's clauses
  are the intersection of the postings of its bigrams (its character, for one-character terms),
  verified with a substring test: recall and precision are exact, whatever jieba made of the text.
* ``clauses.pickle`` — per clause its key, text and display data; ``documents.json`` — per document
  what a hit shows and the words it lends its clauses.

It answers a :class:`kb.search.plan.Plan` by set algebra over those postings.  (Issue 12: these
pickles are to give way to a Whoosh index doing its own matching.)
"""
from __future__ import annotations

import contextlib
import heapq
import json
import multiprocessing
import pickle
import threading
from array import array
from collections import Counter, OrderedDict
from math import log
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import fields, index as windex, query as wq
from whoosh.analysis import Token, Tokenizer

from .. import segment
from ..generations import forget_inherited_locks
from ..testhooks import pause_point
from .plan import Filters, Plan, partial_threshold
from .records import ClauseRow

NAME = "whoosh"
DOCUMENTS_FILE = "documents.json"
SIDE_FILE = "clauses.pickle"
GRAMS_FILE = "grams.pickle"
WORDS_FILE = "words.pickle"
B, K1 = 0.75, 1.2  # BM25 parameters (Whoosh's BM25F defaults)


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`kb.segment.index_tokens`: positions are
    token indexes, ``startchar``/``endchar`` character offsets."""

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


def grams(text: str) -> set[str]:
    """Every distinct character and character bigram of ``text``."""
    out = set(text)
    out.update(text[i:i + 2] for i in range(len(text) - 1))
    return out


def _chunk_postings(args: tuple[int, list[str]]) -> tuple[dict[str, bytes], dict[str, tuple[bytes, bytes]], bytes]:
    """Gram postings, word postings (int32 document numbers, int32
    frequencies) and word counts of a run of clause texts."""
    first, texts = args
    post: dict[str, array] = {}
    words: dict[str, tuple[array, array]] = {}
    lengths = array("i")
    for d, text in enumerate(texts, first):
        for g in grams(text):
            (post.get(g) or post.setdefault(g, array("i"))).append(d)
        toks = segment.index_words(text)
        lengths.append(len(toks))
        for w, tf in Counter(toks).items():
            p = words.get(w) or words.setdefault(w, (array("i"), array("i")))
            p[0].append(d)
            p[1].append(tf)
    return ({g: a.tobytes() for g, a in post.items()},
            {w: (p[0].tobytes(), p[1].tobytes()) for w, p in words.items()}, lengths.tobytes())


def _chunks(texts: list[str], processes: int) -> list[tuple[int, list[str]]]:
    size = max(1, -(-len(texts) // max(1, processes * 4)))
    return [(i, texts[i:i + size]) for i in range(0, len(texts), size)]


def _merge(parts) -> tuple[dict[str, bytes], dict[str, tuple[bytes, bytes]], bytes]:
    """Concatenate chunk postings: chunks are in document order, so postings stay sorted."""
    gram_lists: dict[str, list[bytes]] = {}
    word_lists: dict[str, list[tuple[bytes, bytes]]] = {}
    for g_part, w_part, _ in parts:
        for g, b in g_part.items():
            gram_lists.setdefault(g, []).append(b)
        for w, p in w_part.items():
            word_lists.setdefault(w, []).append(p)
    words = {w: (b"".join(d for d, _ in v), b"".join(t for _, t in v)) for w, v in word_lists.items()}
    return {g: b"".join(v) for g, v in gram_lists.items()}, words, b"".join(p[2] for p in parts)


def schema() -> fields.Schema:
    return fields.Schema(key=fields.ID(stored=True, unique=True), doc_id=fields.ID(), region_code=fields.ID(),
                         province=fields.ID(), prefecture=fields.ID(), level=fields.ID(), clause_path=fields.ID(),
                         year=fields.NUMERIC(int, bits=32, signed=True, shift_step=32), has_target=fields.BOOLEAN())


# --- build --------------------------------------------------------------------


def _entry(r: ClauseRow) -> dict:
    """The Whoosh fields of a clause (its filters)."""
    entry = {"key": r.key, "doc_id": r.doc_id, "has_target": r.has_target}
    if r.clause_path:
        entry["clause_path"] = r.clause_path
    if r.region_code:
        entry.update(region_code=r.region_code, province=r.region_code[:2], prefecture=r.region_code[:4])
    if r.level:
        entry["level"] = r.level
    if r.year is not None:
        entry["year"] = r.year
    return entry


def build(directory: Path, rows: Iterable[ClauseRow], documents: dict[str, dict], processes: int = 2) -> int:
    """Write the index of ``rows`` into the empty ``directory``; the number of clauses written."""
    rows = list(rows)
    records = [{"doc_id": r.doc_id, "seq": r.seq, "clause_path": r.clause_path, "text": r.text,
                "start": r.start, "end": r.end, "has_target": r.has_target} for r in rows]
    texts = [r.text for r in rows]
    segment.warm()  # forked worker processes inherit the loaded dictionary
    parallel = processes > 1 and len(texts) > 1
    pool_cm = multiprocessing.get_context("fork").Pool(processes, initializer=forget_inherited_locks) \
        if parallel else contextlib.nullcontext()
    with pool_cm as pool:
        pending = pool.map_async(_chunk_postings, _chunks(texts, processes)) if parallel else None
        ix = windex.create_in(str(directory), schema())
        writer = ix.writer(limitmb=1024)  # one writer: document numbers follow the order of adding
        try:
            for r in rows:
                writer.add_document(**_entry(r))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        parts = pending.get() if pending else list(map(_chunk_postings, _chunks(texts, 1)))
    pause_point("index")
    _check_order(ix, records)
    _write_side(directory=directory, records=records, postings=_merge(parts))
    (directory / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    return len(rows)


def _load(path: Path):
    with open(path, "rb") as f:
        return pickle.load(f)


def _check_order(ix, records: list[dict]) -> None:
    """The side files rely on Whoosh document number == position in ``records``."""
    with ix.reader() as reader:
        probe = {0, len(records) // 2, len(records) - 1} if records else set()
        if reader.doc_count_all() != len(records) or any(
                reader.stored_fields(d)["key"] != f"{records[d]['doc_id']}\t{records[d]['seq']}" for d in probe):
            raise RuntimeError("Whoosh document numbers do not follow the order of adding")


def _write_side(directory: Path, records: list[dict], postings) -> None:
    """Display records, gram postings and word postings, in document-number order."""
    grams_, words, lengths = postings
    for name, data in ((SIDE_FILE, records), (GRAMS_FILE, grams_), (WORDS_FILE, {"lengths": lengths, "terms": words})):
        with open(directory / name, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


# --- reading ----------------------------------------------------------------------


class Reader:
    """An opened index: a Whoosh searcher, the postings and the display records; answers a
    :class:`kb.search.plan.Plan` in two tiers.

    Whoosh readers are not safe to share between threads, so every use of the
    searcher holds :attr:`lock`."""

    def __init__(self, path: Path):
        self.path = path
        self.records: list[dict] = _load(path / SIDE_FILE)
        self.texts: list[str] = [r["text"] for r in self.records]
        self.documents: dict[str, dict] = json.loads((path / DOCUMENTS_FILE).read_text(encoding="utf-8"))
        self._by_doc: dict[str, list[int]] = {}
        for d, r in enumerate(self.records):
            self._by_doc.setdefault(r["doc_id"], []).append(d)
        self._postings: dict[str, bytes] = _load(path / GRAMS_FILE)
        words = _load(path / WORDS_FILE)
        self._words: dict[str, tuple[bytes, bytes]] = words["terms"]
        lengths = array("i", words["lengths"])
        avg = (sum(lengths) / len(lengths) if lengths else 0) or 1
        # BM25's length normalisation K1 * ((1 - B) + B * length / average), per document
        self._norm = [K1 * ((1 - B) + B * n / avg) for n in lengths]
        self._ix = windex.open_dir(str(path))
        self.searcher = self._ix.searcher()
        segment.warm()  # every query is segmented: load the dictionary now, not on the first search
        self.lock = threading.Lock()
        self._sets: OrderedDict[str, frozenset[int]] = OrderedDict()
        self._maps: OrderedDict[str, dict[int, float]] = OrderedDict()  # word -> its BM25 weights

    def __len__(self) -> int:
        return len(self.records)

    def gram_docs(self, gram: str) -> frozenset[int]:
        """Document numbers whose text contains ``gram`` (one or two characters); cached."""
        return _cached(self._sets, gram, lambda: frozenset(array("i", self._postings.get(gram, b""))), 512)

    def term_docs(self, term: str) -> set[int] | frozenset[int]:
        """Document numbers of the clauses containing ``term`` as a substring."""
        if not term:
            return set(range(len(self.records)))
        if len(term) <= 2:
            return self.gram_docs(term)  # shared: callers must not change it
        sets = sorted((self.gram_docs(term[i:i + 2]) for i in range(len(term) - 1)), key=len)
        cand = set(sets[0])
        for s in sets[1:]:
            cand &= s
            if not cand:
                return cand
        texts = self.texts
        return {d for d in cand if term in texts[d]}

    def filter_docs(self, filters: dict[str, object]) -> set[int] | None:
        """Document numbers passing the filters (None: no filter).

        Keys: ``region_prefix`` (a code prefix), ``province``, ``level``,
        ``year_from``, ``year_to``, ``has_target``, ``doc_id``."""
        parts: list[wq.Query] = []
        prefix = filters.get("region_prefix")
        if prefix:
            parts.append(wq.Term("region_code", prefix) if len(prefix) == 6 else
                         wq.Term("province" if len(prefix) == 2 else "prefecture", prefix))
        parts += [wq.Term(name, filters[name]) for name in ("province", "level", "doc_id") if filters.get(name)]
        if filters.get("year_from") is not None or filters.get("year_to") is not None:
            parts.append(wq.NumericRange("year", filters.get("year_from"), filters.get("year_to")))
        if filters.get("has_target") is not None:
            parts.append(wq.Term("has_target", bool(filters["has_target"])))
        if not parts:
            return None
        with self.lock:
            return set(self.searcher.docs_for_query(wq.And(parts) if len(parts) > 1 else parts[0]))

    def _weights(self, word: str) -> dict[int, float]:
        """A word's postings: document number -> tf / (tf + K1 * length norm); cached."""
        def make() -> dict[int, float]:
            docs, tfs, norm = array("i", self._words[word][0]), array("i", self._words[word][1]), self._norm
            return {d: tf / (tf + norm[d]) for d, tf in zip(docs, tfs)}
        return _cached(self._maps, word, make, 1024)

    def rank(self, words: Iterable[str], allowed: set[int] | frozenset[int], limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` of ``allowed`` by BM25 of ``words`` (Whoosh's
        BM25F formula and defaults on the word postings), ties in document
        order, then (score 0) the rest of ``allowed`` in document order."""
        scores: dict[int, float] = {}
        n_docs = len(self.records)
        with self.lock:
            for w in dict.fromkeys(x.lower() for x in words):
                raw = self._words.get(w) if allowed else None
                if raw is None:
                    continue
                idf = (log(n_docs / (len(raw[0]) // 4 + 1)) + 1) * (K1 + 1)
                weights = self._weights(w)
                get = scores.get
                for d in weights.keys() & allowed:  # iterates the smaller of the two
                    scores[d] = get(d, 0.0) + idf * weights[d]
        out = heapq.nsmallest(limit, scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if len(out) < limit:
            rest = [d for d in allowed if d not in scores] if scores else allowed
            out += [(d, 0.0) for d in heapq.nsmallest(limit - len(out), rest)]
        return out

    # --- plans ---------------------------------------------------------------------

    def _satisfying(self, term: str) -> set[int] | frozenset[int]:
        """Clauses holding ``term`` in their text or in their document's words."""
        docs = self.term_docs(term)
        lent = [d for doc_id, entry in self.documents.items() if term in entry["words"]
                for d in self._by_doc.get(doc_id, ())]
        return (set(docs) | set(lent)) if lent else docs

    def _allowed(self, f: Filters) -> set[int] | None:
        as_dict = {k: v for k, v in (("region_prefix", f.region_prefix), ("province", f.province),
                                     ("level", f.level), ("year_from", f.year_from), ("year_to", f.year_to),
                                     ("has_target", f.has_target), ("doc_id", f.doc_id)) if v is not None}
        allowed = self.filter_docs(as_dict)
        if f.kind:
            of_kind = {d for doc_id, entry in self.documents.items() if entry["kind"] == f.kind
                       for d in self._by_doc.get(doc_id, ())}
            allowed = of_kind if allowed is None else (allowed & of_kind)
        if f.any_region:
            within: set[int] = set()
            for prefix in f.any_region:
                within |= self.filter_docs({"region_prefix": prefix}) or set()
            allowed = within if allowed is None else (allowed & within)
        return allowed

    def _tiers(self, plan: Plan, tier: int) -> list[set[int]]:
        """The tier's clauses as levels, best level first (tier 1: one; tier 2: by the number of terms held)."""
        allowed = self._allowed(plan.filters)
        sets = [self._satisfying(t) for t in plan.terms]
        if allowed is not None:
            sets = [s & allowed for s in sets]
        out_of = set().union(*(self._satisfying(t) for t in plan.excluded)) if plan.excluded else set()
        if tier == 1:
            if not sets:
                return [set()]
            found = set(sets[0]).intersection(*sets[1:])
            return [found - out_of]
        k = partial_threshold(len(sets))
        if k > len(sets):
            return []
        own = set().union(*(self.term_docs(t) for t in plan.terms))  # one term in the clause text itself
        held = Counter(d for s in sets for d in s)
        return [{d for d, n in held.items() if n == c and d in own and d not in out_of}
                for c in range(len(sets) - 1, k - 1, -1)]

    def count(self, plan: Plan, tier: int) -> int:
        return sum(map(len, self._tiers(plan, tier)))

    def count_and_page(self, plan: Plan, tier: int, limit: int, offset: int = 0) -> tuple[int, list[tuple[dict, float]]]:
        """The tier's size and its clauses ``offset`` … ``offset + limit``."""
        return self.count(plan, tier), self.page(plan, tier, limit, offset)

    def _order_key(self, sort: str):
        """The sort key of a clause number for an order other than relevance (ties in document order)."""
        def date_of(d: int) -> int:
            iso = (self.documents[self.records[d]["doc_id"]].get("date") or "")[:10]
            return int(iso.replace("-", "")) if len(iso) == 10 else 0
        if sort == "newest":
            return lambda d: (-date_of(d), d)  # no date (0) last
        if sort == "oldest":
            return lambda d: (date_of(d) or 99_999_999, d)
        return lambda d: (self.documents[self.records[d]["doc_id"]]["region"]["code"] or "999999", d)

    def doc_counts(self, plan: Plan) -> dict[str, int]:
        """Tier-1 clauses per document."""
        return dict(Counter(self.records[d]["doc_id"] for d in self._tiers(plan, 1)[0]))

    def facets(self, plan: Plan) -> dict[str, dict[str, int]]:
        """Tier-1 clauses per province code, level, year and kind of document."""
        out: dict[str, Counter] = {name: Counter() for name in ("province", "level", "year", "kind")}
        for d in self._tiers(plan, 1)[0]:
            doc = self.documents[self.records[d]["doc_id"]]
            code, level = doc["region"]["code"], doc["region"].get("level")
            if code:
                out["province"][code[:2]] += 1
            if level:
                out["level"][level] += 1
            if doc.get("year") is not None:
                out["year"][str(doc["year"])] += 1
            out["kind"][doc["kind"]] += 1
        return {name: dict(c.most_common()) for name, c in out.items()}

    def page(self, plan: Plan, tier: int, limit: int, offset: int = 0) -> list[tuple[dict, float]]:
        """Clauses ``offset`` … ``offset + limit`` of the tier in the plan's order: (record, score)."""
        if plan.sort != "relevance":
            ordered = sorted((d for level in self._tiers(plan, tier) for d in level), key=self._order_key(plan.sort))
            return [(self._record(d), 0.0) for d in ordered[offset:offset + limit]]
        out: list[tuple[dict, float]] = []
        skip = offset
        for level in self._tiers(plan, tier):
            if len(out) >= limit:
                break
            if skip >= len(level):
                skip -= len(level)
                continue
            ranked = self.rank(plan.words, level, skip + limit - len(out))[skip:]
            skip = 0
            out += [(self._record(d), score) for d, score in ranked]
        return out[:limit]

    def keys(self, plan: Plan, tier: int) -> set[str]:
        return {f"{self.records[d]['doc_id']}\t{self.records[d]['seq']}" for level in self._tiers(plan, tier) for d in level}

    def _record(self, d: int) -> dict:
        r = self.records[d]
        return {**self.documents[r["doc_id"]], **r}

    def close(self) -> None:
        self.searcher.close()


_lru_lock = threading.Lock()


def _cached(cache: OrderedDict, key: str, make, size: int):
    """``cache[key]``, made by ``make()`` if missing; least recently used entries beyond ``size`` go.

    Safe across the web server's threads: the cache is only touched under a lock
    (``make`` runs outside it; two threads may both make a missing entry, harmlessly)."""
    with _lru_lock:
        got = cache.get(key)
        if got is not None:
            cache.move_to_end(key)
            return got
    got = make()
    with _lru_lock:
        cache[key] = got
        if len(cache) > size:
            cache.popitem(last=False)
    return got
