"""The clause search index: the only module that imports Whoosh.

One Whoosh document per clause (key, region code with its province and
prefecture prefixes, level, year, document id, clause path, has-target: the
filters are Whoosh queries) and, beside the Whoosh files, in Whoosh
document-number order:

* ``words.pickle`` — word postings: for every jieba word (:mod:`kb.segment`,
  search mode) the clauses holding it with its frequency there, and every
  clause's length in words.  BM25 (Whoosh's BM25F formula and defaults) is
  computed from them over the match set only.  (Measured: a Whoosh word field
  doubled the build, and Whoosh's scorer took 100+ ms on big match sets.)
* ``grams.pickle`` — for every character unigram and bigram, the clauses
  holding it.  A term's clauses are the intersection of the postings of its
  bigrams (its character, for one-character terms), verified with a substring
  test: recall and precision are exact, whatever jieba made of the text.
* ``clauses.pickle`` — per clause its key, text and display data, so a search
  never touches SQLite or Whoosh's stored fields.

Worker processes segment the texts and build the postings while the main
process writes the Whoosh index.  :func:`build_index` writes a new directory,
its generation file last (the knowledge base's generation id, copied), and
swaps it in; :func:`open_index` caches one :class:`ClauseIndex` per directory
generation; :func:`open_for` opens the index a knowledge base should be
searched with and says whether it is stale.  Generations, the build lock and
the recovery of a killed build are engine-independent: :mod:`kb.generations`.
"""
from __future__ import annotations

import bisect
import contextlib
import heapq
import multiprocessing
import os
import pickle
import shutil
import threading
import time
from array import array
from collections import Counter, OrderedDict
from math import log
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import fields, index as windex, query as wq
from whoosh.analysis import Token, Tokenizer

from . import segment
from .store import Store
from .testhooks import pause_point
from .generations import (
    GENERATION_FILE,
    build_lock,
    forget_inherited_locks,
    read_index_generation,
    reconcile_index,
    recover_index,
    remove_dead_index_leftovers,
    swap_in,
    write_index_generation,
)

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


@dataclass(frozen=True)
class IndexReport:
    """What :func:`build_index` did."""

    clauses: int
    documents: int
    seconds: float
    bytes: int
    path: str


def _clause_records(store: Store) -> Iterator[tuple[dict, dict]]:
    """(whoosh fields, display record) per clause of the knowledge base."""
    for doc in store.documents():
        doc_id = doc["id"]
        region = doc["region"] or {}
        code = doc["region_code"] or ""
        starts = sorted(t["start"] for t in store.targets(doc_id))  # bisected per clause: linear, not quadratic
        display_doc = {"doc_id": doc_id, "title": doc["title"] or doc["notice_title"] or "",
                       "doc_number": doc["doc_number"],
                       "region": {"code": code or None, "name": region.get("name")}}
        for seq, c in enumerate(store.clauses(doc_id)):
            i = bisect.bisect_left(starts, c["start"])
            has_target = i < len(starts) and starts[i] < c["end"]
            entry = {"key": f"{doc_id}\t{seq}", "doc_id": doc_id, "has_target": has_target}
            if c["path"]:
                entry["clause_path"] = c["path"]
            if code:
                entry.update(region_code=code, province=code[:2], prefecture=code[:4])
            if region.get("level"):
                entry["level"] = region["level"]
            if doc["year"] is not None:
                entry["year"] = int(doc["year"])
            record = {**display_doc, "seq": seq, "clause_path": c["path"], "text": c["text"],
                      "start": c["start"], "end": c["end"], "has_target": has_target}
            yield entry, record


def _load(path: Path):
    with open(path, "rb") as f:
        return pickle.load(f)


def build_index(db_path: Path | str, index_dir: Path | str, processes: int = 2) -> IndexReport:
    """Build the clause index of the knowledge base at ``db_path`` into a new
    directory next to ``index_dir`` and swap it in (rename old away, rename new
    in, remove old).  Searches that opened the old index keep working.

    Holds the build lock; first swaps in a complete index a killed build left
    for this knowledge base, and removes the other leftovers of killed builds."""
    with build_lock(db_path):
        return _build_index(Path(db_path), Path(index_dir), processes)


def _build_index(db_path: Path, index_dir: Path, processes: int) -> IndexReport:
    t0 = time.perf_counter()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(Store(db_path)) as store:
        generation = store.generation
        pairs = list(_clause_records(store))
    recover_index(index_dir, generation)  # searches answer from it while this build runs
    remove_dead_index_leftovers(index_dir)
    new = index_dir.parent / f"{index_dir.name}.new-{os.getpid()}"
    new.mkdir()
    try:
        segment.warm()  # forked worker processes inherit the loaded dictionary
        records = [r for _, r in pairs]
        texts = [r["text"] for r in records]
        parallel = processes > 1 and len(texts) > 1
        pool_cm = multiprocessing.get_context("fork").Pool(processes, initializer=forget_inherited_locks) \
            if parallel else contextlib.nullcontext()
        with pool_cm as pool:
            pending = pool.map_async(_chunk_postings, _chunks(texts, processes)) if parallel else None
            ix = windex.create_in(str(new), schema())
            writer = ix.writer(limitmb=1024)  # one writer: document numbers follow the order of adding
            try:
                for entry, _ in pairs:
                    writer.add_document(**entry)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            parts = pending.get() if pending else list(map(_chunk_postings, _chunks(texts, 1)))
        pause_point("index")
        _check_order(ix, records)
        _write_side(directory=new, records=records, postings=_merge(parts))
        write_index_generation(new, generation)  # last: it marks the directory complete
        size = sum(p.stat().st_size for p in new.iterdir() if p.is_file())
        swap_in(new, index_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return IndexReport(len(records), len({r["doc_id"] for r in records}), time.perf_counter() - t0, size, str(index_dir))


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


class IndexMissing(FileNotFoundError):
    """No index has been built at the given directory."""


class ClauseIndex:
    """An opened index generation: a Whoosh searcher and the display records.

    Whoosh readers are not safe to share between threads, so every use of the
    searcher holds :attr:`lock`."""

    def __init__(self, path: Path):
        self.path = path
        gen = read_index_generation(path)
        if gen is None:
            raise FileNotFoundError(path / GENERATION_FILE)
        self.generation = gen.build  # this index build's own id
        self.kb_generation = gen.kb  # the generation of the knowledge base it was built from
        self.records: list[dict] = _load(path / SIDE_FILE)
        self.texts: list[str] = [r["text"] for r in self.records]
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


_cache: dict[str, tuple[tuple[int, int], ClauseIndex]] = {}
_cache_lock = threading.Lock()


def _token(path: Path) -> tuple[int, int]:
    st = os.stat(path / GENERATION_FILE)
    return st.st_ino, st.st_mtime_ns


def open_index(index_dir: Path | str) -> ClauseIndex:
    """The current generation of the index at ``index_dir`` (cached).

    Tolerates the instant of a swap, when the directory is being renamed."""
    path = Path(index_dir).absolute()
    last: Exception | None = None
    for attempt in range(100):
        try:
            token = _token(path)
            with _cache_lock:
                cached = _cache.get(str(path))
                if cached and cached[0] == token:
                    return cached[1]
                opened = ClauseIndex(path)
                if _token(path) != token:  # swapped while opening: open again
                    raise FileNotFoundError(path)
                _cache[str(path)] = (token, opened)
                return opened
        except FileNotFoundError as exc:
            # Look for a swap in progress first, then for the directory: a swap leaves a .new- or
            # .old- sibling from before the old directory goes until after the new one is in place,
            # so in this order one of the two checks always sees it.
            swapping = any(path.parent.glob(f"{path.name}.new-*")) or any(path.parent.glob(f"{path.name}.old-*"))
            if attempt == 0 and not swapping and not path.exists():
                raise IndexMissing(f"no search index at {path}; run `policykb build` first") from None
            last = exc
        except Exception as exc:  # noqa: BLE001 - a generation removed under us while opening
            last = exc
        time.sleep(0.02)
    raise IndexMissing(f"cannot open the search index at {path}: {last}")


def open_for(index_dir: Path | str, store: Store) -> tuple[ClauseIndex, bool]:
    """The index to search the knowledge base ``store`` with, and whether it is stale (built from
    another generation of the knowledge base: it still answers, from the last complete build).

    A complete index that a killed build left for this knowledge base is swapped in first (when
    no build is running: :func:`kb.generations.reconcile_index`)."""
    kb_generation = store.generation
    state = reconcile_index(store.path, index_dir, kb_generation)
    if state == "missing":
        raise IndexMissing(f"no search index at {index_dir}; run `policykb build` first")
    ix = open_index(index_dir)  # "busy": a running build is swapping one in; open_index waits for it
    return ix, ix.kb_generation != kb_generation
