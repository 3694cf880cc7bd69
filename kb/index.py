"""The clause search index: the only module that imports Whoosh.

One Whoosh document per clause, ranked on one text field, plus n-gram postings:

* ``words`` — jieba words (:mod:`kb.segment`, search mode) through the
  project's own :class:`WordTokenizer` (token index as position, character
  offsets); BM25 ranks on it.
* gram postings (``grams.pickle``, beside the Whoosh files) — for every
  character unigram and bigram, the clauses holding it.  A term's clauses are
  the intersection of the postings of its bigrams (its character, for
  one-character terms), verified with a substring test against the clause
  text: recall and precision are exact, whatever jieba made of the text.
  (Measured: the same postings as a Whoosh field made the build 4x slower.)

Filter fields: region code (and its province and prefecture prefixes), region
level, document year, document id and has-target.  Next to the Whoosh files
the build writes ``clauses.pickle``: per Whoosh document number, the clause's
key, text and display data, so a search never touches SQLite or Whoosh's
stored fields.

:func:`build_index` writes a new directory and swaps it in; :func:`open_index`
caches one :class:`ClauseIndex` per directory generation.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import threading
import time
import uuid
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import fields, index as windex, query as wq, scoring
from whoosh.analysis import Token, Tokenizer

from . import segment
from .store import Store

SIDE_FILE = "clauses.pickle"
GRAMS_FILE = "grams.pickle"
GENERATION_FILE = "generation"


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`kb.segment.index_tokens`: positions are
    token indexes, ``startchar``/``endchar`` character offsets."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, (word, s, e) in enumerate(segment.index_tokens(value) if tokenize else [(value, 0, len(value))]):
            t.text = word.lower()
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


def WordAnalyzer() -> WordTokenizer:
    """The analyzer of the ``words`` field (a bare tokenizer is an analyzer in Whoosh)."""
    return WordTokenizer()


def grams(text: str) -> set[str]:
    """Every distinct character and character bigram of ``text``."""
    out = set(text)
    out.update(text[i:i + 2] for i in range(len(text) - 1))
    return out


def _gram_chunk(args: tuple[int, list[str]]) -> dict[str, bytes]:
    """Gram postings (int32 document numbers) of a run of clause texts."""
    first, texts = args
    post: dict[str, array] = {}
    for d, text in enumerate(texts, first):
        for g in grams(text):
            a = post.get(g)
            if a is None:
                post[g] = a = array("i")
            a.append(d)
    return {g: a.tobytes() for g, a in post.items()}


def gram_postings(texts: list[str], processes: int = 2) -> dict[str, bytes]:
    """For every unigram and bigram: the sorted document numbers holding it."""
    size = max(1, -(-len(texts) // max(1, processes)))
    chunks = [(i, texts[i:i + size]) for i in range(0, len(texts), size)]
    if processes > 1 and len(chunks) > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.map(_gram_chunk, chunks)
    else:
        parts = [_gram_chunk(c) for c in chunks]
    merged: dict[str, bytes] = {}
    for part in parts:  # chunks are in document order: concatenation keeps postings sorted
        for g, b in part.items():
            merged[g] = merged[g] + b if g in merged else b
    return merged


def schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(),
        region_code=fields.ID(),
        province=fields.ID(),
        prefecture=fields.ID(),
        level=fields.ID(),
        year=fields.NUMERIC(int, bits=32, signed=True),
        has_target=fields.BOOLEAN(),
        words=fields.TEXT(analyzer=WordAnalyzer(), phrase=False),
    )


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
        spans = [(t["start"], t["end"]) for t in store.targets(doc_id)]
        display_doc = {"doc_id": doc_id, "title": doc["title"] or doc["notice_title"] or "",
                       "doc_number": doc["doc_number"],
                       "region": {"code": code or None, "name": region.get("name")}}
        for seq, c in enumerate(store.clauses(doc_id)):
            has_target = any(c["start"] <= s < c["end"] for s, _ in spans)
            entry = {"key": f"{doc_id}\t{seq}", "doc_id": doc_id, "words": c["text"],
                     "has_target": has_target}
            if code:
                entry.update(region_code=code, province=code[:2], prefecture=code[:4])
            if region.get("level"):
                entry["level"] = region["level"]
            if doc["year"] is not None:
                entry["year"] = int(doc["year"])
            record = {**display_doc, "seq": seq, "clause_path": c["path"], "text": c["text"],
                      "start": c["start"], "end": c["end"], "has_target": has_target}
            yield entry, record


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def build_index(db_path: Path | str, index_dir: Path | str, processes: int = 2) -> IndexReport:
    """Build the clause index of the knowledge base at ``db_path`` into a new
    directory next to ``index_dir`` and swap it in (rename old away, rename new
    in, remove old).  Searches that opened the old index keep working."""
    t0 = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    new = index_dir.parent / f"{index_dir.name}.new-{os.getpid()}"
    if new.exists():
        shutil.rmtree(new)
    new.mkdir()
    try:
        segment.warm()  # forked writer processes inherit the loaded dictionary
        store = Store(db_path)
        try:
            ix = windex.create_in(str(new), schema())
            if processes > 1:
                writer = ix.writer(procs=processes, multisegment=True, limitmb=256, batchsize=200)
            else:
                writer = ix.writer(limitmb=256)
            records: dict[str, dict] = {}
            docs: set[str] = set()
            try:
                for entry, record in _clause_records(store):
                    writer.add_document(**entry)
                    records[entry["key"]] = record
                    docs.add(record["doc_id"])
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        finally:
            store.close()
        _write_side(ix, records, new, processes)
        (new / GENERATION_FILE).write_text(uuid.uuid4().hex, encoding="ascii")
        size = _dir_size(new)
        _swap(new, index_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return IndexReport(len(records), len(docs), time.perf_counter() - t0, size, str(index_dir))


def _write_side(ix, records: dict[str, dict], directory: Path, processes: int) -> None:
    """Display records and gram postings, in Whoosh document-number order."""
    with ix.reader() as reader:
        ordered: list[dict | None] = [None] * reader.doc_count_all()
        for docnum, stored in reader.iter_docs():
            ordered[docnum] = records[stored["key"]]
    with open(directory / SIDE_FILE, "wb") as f:
        pickle.dump(ordered, f, protocol=pickle.HIGHEST_PROTOCOL)
    postings = gram_postings([r["text"] for r in ordered], processes)
    with open(directory / GRAMS_FILE, "wb") as f:
        pickle.dump(postings, f, protocol=pickle.HIGHEST_PROTOCOL)


def _swap(new: Path, index_dir: Path) -> None:
    old = index_dir.parent / f"{index_dir.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    if index_dir.exists():
        os.rename(index_dir, old)
    os.rename(new, index_dir)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


# --- reading ----------------------------------------------------------------------


class IndexMissing(FileNotFoundError):
    """No index has been built at the given directory."""


class ClauseIndex:
    """An opened index generation: a Whoosh searcher and the display records.

    Whoosh readers are not safe to share between threads, so every use of the
    searcher holds :attr:`lock`."""

    def __init__(self, path: Path):
        self.path = path
        self.generation = (path / GENERATION_FILE).read_text(encoding="ascii")
        with open(path / SIDE_FILE, "rb") as f:
            self.records: list[dict] = pickle.load(f)
        with open(path / GRAMS_FILE, "rb") as f:
            self._postings: dict[str, bytes] = pickle.load(f)
        self._ix = windex.open_dir(str(path))
        self.searcher = self._ix.searcher(weighting=scoring.BM25F())
        self.lock = threading.Lock()
        self._sets: OrderedDict[str, frozenset[int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.records)

    def gram_docs(self, gram: str) -> frozenset[int]:
        """Document numbers whose text contains ``gram`` (one or two characters); cached."""
        got = self._sets.get(gram)
        if got is not None:
            self._sets.move_to_end(gram)
            return got
        raw = self._postings.get(gram)
        got = frozenset(array("i", raw)) if raw else frozenset()
        self._sets[gram] = got
        if len(self._sets) > 512:
            self._sets.popitem(last=False)
        return got

    def term_docs(self, term: str) -> set[int]:
        """Document numbers of the clauses containing ``term`` as a substring."""
        if not term:
            return set(range(len(self.records)))
        if len(term) <= 2:
            return set(self.gram_docs(term))
        sets = sorted((self.gram_docs(term[i:i + 2]) for i in range(len(term) - 1)), key=len)
        cand = set(sets[0])
        for s in sets[1:]:
            cand &= s
            if not cand:
                return cand
        records = self.records
        return {d for d in cand if term in records[d]["text"]}

    def filter_docs(self, filters: dict[str, object]) -> set[int] | None:
        """Document numbers passing the filters (None: no filter).

        Keys: ``region_prefix`` (a code prefix), ``province``, ``level``,
        ``year_from``, ``year_to``, ``has_target``, ``doc_id``."""
        parts: list[wq.Query] = []
        prefix = filters.get("region_prefix")
        if prefix:
            parts.append(wq.Term("region_code", prefix) if len(prefix) == 6 else
                         wq.Term("province" if len(prefix) == 2 else "prefecture", prefix))
        if filters.get("province"):
            parts.append(wq.Term("province", filters["province"]))
        if filters.get("level"):
            parts.append(wq.Term("level", filters["level"]))
        if filters.get("year_from") is not None or filters.get("year_to") is not None:
            parts.append(wq.NumericRange("year", filters.get("year_from"), filters.get("year_to")))
        if filters.get("has_target") is not None:
            parts.append(wq.Term("has_target", bool(filters["has_target"])))
        if filters.get("doc_id"):
            parts.append(wq.Term("doc_id", filters["doc_id"]))
        if not parts:
            return None
        with self.lock:
            return set(self.searcher.docs_for_query(wq.And(parts) if len(parts) > 1 else parts[0]))

    def rank(self, words: Iterable[str], allowed: set[int], limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` of ``allowed`` by BM25 of ``words`` on the word
        field, then (score 0) the rest of ``allowed`` in index order."""
        terms = [wq.Term("words", w.lower()) for w in dict.fromkeys(words)]
        out: list[tuple[int, float]] = []
        if terms and allowed:
            q = terms[0] if len(terms) == 1 else wq.Or(terms)
            with self.lock:
                results = self.searcher.search(q, filter=allowed, limit=limit)
                out = [(hit.docnum, float(hit.score)) for hit in results]
        if len(out) < limit:
            seen = {d for d, _ in out}
            for d in sorted(allowed):
                if len(out) >= limit:
                    break
                if d not in seen:
                    out.append((d, 0.0))
        return out

    def close(self) -> None:
        self.searcher.close()


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
            if attempt == 0 and not path.exists() and not any(path.parent.glob(f"{path.name}.new-*")):
                raise IndexMissing(f"no search index at {path}; run `policykb build` first") from None
            last = exc
        except Exception as exc:  # noqa: BLE001 - a generation removed under us while opening
            last = exc
        time.sleep(0.02)
    raise IndexMissing(f"cannot open the search index at {path}: {last}")
