"""The search engines behind one interface: building, opening, choosing (no search library here).

Two engines answer a :class:`kb.search.plan.Plan` alike: ``tantivy`` (the default; on-disk,
memory-mapped segments) and ``whoosh`` (for platforms without tantivy wheels).  Choose with
``policykb build --engine``, or the environment variable ``POLICYKB_SEARCH_ENGINE``; the index
directory says which engine wrote it (its ``engine`` file), so searching needs no choice.

The index lives beside its knowledge base (:func:`index_dir_for`: ``kb.sqlite`` → ``kb.index/``).  A
build writes a new directory, its generation file last, and swaps it in; searches keep answering
from the old one meanwhile; generations, the build lock and the recovery of a killed build are
:mod:`kb.generations`.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..generations import (
    GENERATION_FILE,
    build_lock,
    read_index_generation,
    reconcile_index,
    recover_index,
    remove_dead_index_leftovers,
    swap_in,
    write_index_generation,
)
from ..store import Store
from ..testhooks import pause_point
from .records import read_index_input

ENGINES = ("tantivy", "whoosh")
ENGINE_FILE = "engine"
ENV = "POLICYKB_SEARCH_ENGINE"

__all__ = ["ENGINES", "IndexMissing", "IndexOutdated", "IndexReport", "UnknownEngine", "build_index", "choose_engine",
           "index_dir_for", "open_for", "open_index"]


class IndexMissing(FileNotFoundError):
    """No index has been built at the given directory."""


class IndexOutdated(IndexMissing):
    """An index written by another version of the project, whose fields mean something else."""


class UnknownEngine(ValueError):
    """An engine name that is not one of :data:`ENGINES`, or one whose library is not installed."""


@dataclass(frozen=True)
class IndexReport:
    """What :func:`build_index` did."""

    clauses: int
    documents: int
    seconds: float
    bytes: int
    path: str
    engine: str


def index_dir_for(db_path: Path | str) -> Path:
    """The index directory of a knowledge base: beside it, named after it (kb.sqlite → kb.index)."""
    db = Path(db_path)
    return db.with_name(db.stem + ".index")


def _module(name: str):
    if name not in ENGINES:
        raise UnknownEngine(f"unknown search engine {name!r}; use one of {', '.join(ENGINES)}")
    try:
        return importlib.import_module(f".{name}_engine", __package__)
    except ImportError as exc:
        raise UnknownEngine(f"the {name} search engine is not installed here ({exc})") from exc


def choose_engine(name: str | None = None) -> str:
    """The engine to build with: ``name``, else $POLICYKB_SEARCH_ENGINE, else tantivy when installed."""
    wanted = (name or os.environ.get(ENV) or "").strip().lower()
    if wanted:
        _module(wanted)
        return wanted
    for candidate in ENGINES:
        try:
            _module(candidate)
            return candidate
        except UnknownEngine:
            continue
    raise UnknownEngine("no search engine is installed (pip install tantivy or whoosh-reloaded)")


# --- build --------------------------------------------------------------------------


def build_index(db_path: Path | str, index_dir: Path | str | None = None, processes: int = 2,
                engine: str | None = None) -> IndexReport:
    """Build the clause index of the knowledge base at ``db_path`` into a new directory next to
    ``index_dir`` (default :func:`index_dir_for`) and swap it in.  Searches that opened the old index
    keep working.  Holds the build lock; first swaps in a complete index a killed build left for this
    knowledge base, and removes the other leftovers of killed builds."""
    name = choose_engine(engine)
    index_dir = Path(index_dir) if index_dir is not None else index_dir_for(db_path)
    with build_lock(db_path):
        return _build(Path(db_path), index_dir, processes, name)


def _build(db_path: Path, index_dir: Path, processes: int, name: str) -> IndexReport:
    t0 = time.perf_counter()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(Store(db_path)) as store:
        generation = store.generation
        documents, rows = read_index_input(store)
    recover_index(index_dir, generation)  # searches answer from it while this build runs
    remove_dead_index_leftovers(index_dir)
    new = index_dir.parent / f"{index_dir.name}.new-{os.getpid()}"
    new.mkdir()
    try:
        n = _module(name).build(new, rows, documents, processes)
        pause_point("index")
        (new / ENGINE_FILE).write_text(name + "\n", encoding="ascii")
        write_index_generation(new, generation)  # last: it marks the directory complete
        size = sum(p.stat().st_size for p in new.rglob("*") if p.is_file())
        swap_in(new, index_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return IndexReport(n, len({r.doc_id for r in rows}), time.perf_counter() - t0, size, str(index_dir), name)


# --- opening ----------------------------------------------------------------------------


class _Opened:
    """An engine's reader with the generation of the directory it was opened from."""

    def __init__(self, path: Path):
        gen = read_index_generation(path)
        if gen is None:
            raise FileNotFoundError(path / GENERATION_FILE)
        engine_file = path / ENGINE_FILE
        self.engine = engine_file.read_text(encoding="ascii").strip() if engine_file.exists() else "whoosh"
        self.reader = _module(self.engine).Reader(path)
        self.path = path
        self.generation = gen.build  # this index build's own id
        self.kb_generation = gen.kb  # the generation of the knowledge base it was built from

    def __getattr__(self, name: str):
        return getattr(self.reader, name)

    def __len__(self) -> int:
        return len(self.reader)


_cache: dict[str, tuple[tuple[int, int], _Opened]] = {}
_cache_lock = threading.Lock()


def _token(path: Path) -> tuple[int, int]:
    st = os.stat(path / GENERATION_FILE)
    return st.st_ino, st.st_mtime_ns


def open_index(index_dir: Path | str) -> _Opened:
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
                opened = _Opened(path)
                if _token(path) != token:  # swapped while opening: open again
                    raise FileNotFoundError(path)
                _cache[str(path)] = (token, opened)
                return opened
        except IndexOutdated:
            raise
        except FileNotFoundError as exc:
            # Look for a swap in progress first, then for the directory: a swap leaves a .new- or
            # .old- sibling from before the old directory goes until after the new one is in place,
            # so in this order one of the two checks always sees it.
            swapping = any(path.parent.glob(f"{path.name}.new-*")) or any(path.parent.glob(f"{path.name}.old-*"))
            if attempt == 0 and not swapping and not path.exists():
                raise IndexMissing(f"no search index at {path}; run `policykb build` first") from None
            last = exc
        except UnknownEngine:
            raise
        except Exception as exc:  # noqa: BLE001 - a generation removed under us while opening
            last = exc
        time.sleep(0.02)
    raise IndexMissing(f"cannot open the search index at {path}: {last}")


def open_for(index_dir: Path | str, store: Store) -> tuple[_Opened, bool]:
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
