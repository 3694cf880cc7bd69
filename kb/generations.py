"""Build generations, the build lock and crash recovery of the search index (engine-independent).

The search index is a directory beside the knowledge base.  A build writes a new one into
``<index>.new-<pid>``, writes its generation file last (that file marks it complete and names the
knowledge base generation it was built from) and swaps it in with two renames.  Each build gets a
generation id, written into the knowledge base's ``meta`` table and, copied, into the index
directory; a build holds an exclusive lock (``<db>.lock``), so the leftovers of a killed build are
known to be dead when the lock is free; a complete index left by a killed build is swapped in
instead of being rebuilt.  Nothing here knows the search engine.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .store import StoreError
from .testhooks import pause_point


GENERATION_FILE = "generation"


def new_generation() -> str:
    """A fresh build generation id."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class IndexGeneration:
    """What the generation file of an index directory says."""

    build: str  # this index build's own id: a rebuild from the same knowledge base gets a new one
    kb: str | None  # the generation of the knowledge base it was built from (None: a build older than generations)


def write_index_generation(directory: Path, kb_generation: str | None) -> IndexGeneration:
    """Write the generation file of a finished index directory: last, and atomically."""
    gen = IndexGeneration(new_generation(), kb_generation)
    part = Path(directory) / (GENERATION_FILE + ".part")
    with open(part, "w", encoding="ascii") as f:
        f.write(f"{gen.build}\n{gen.kb or ''}\n")
        f.flush()
        os.fsync(f.fileno())  # on disk before the rename makes it the index's word (a power cut keeps one or the other)
    os.replace(part, Path(directory) / GENERATION_FILE)
    _fsync_dir(Path(directory))
    return gen


def _fsync_dir(directory: Path) -> None:
    """Make a rename inside ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_index_generation(directory: Path | str) -> IndexGeneration | None:
    """The generation of a complete index directory; None when it is missing or incomplete."""
    try:
        lines = (Path(directory) / GENERATION_FILE).read_text(encoding="ascii").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    build = lines[0].strip()
    if not build:
        return None
    kb = lines[1].strip() if len(lines) > 1 else ""
    return IndexGeneration(build, kb or None)


# The build lock: an exclusive flock on ``<db>.lock`` while a build writes the knowledge base or its
# index.  Every build takes it, so while a process holds it the ``*.building-*``, ``*.new-*`` and
# ``*.old-*`` files of any other process are those of a dead build, whatever their process ids
# (process ids get reused).  Re-entrant within a thread; other threads of the process wait as other
# processes do.  The kernel releases it when the holder dies, even by SIGKILL.

_guard = threading.Lock()
_thread_locks: dict[str, threading.RLock] = {}
_held: dict[str, list[int]] = {}  # lock file -> [descriptor, depth]


def lock_path(db_path: Path | str) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".lock")


def _flock(path: Path, blocking: bool) -> int | None:
    """A descriptor holding an exclusive flock on ``path``; None when another process holds it or,
    without ``blocking``, the file cannot be opened; -1 on a platform without flock."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here: run one policykb build at a time
        return -1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        try:  # a read-only instance directory where the lock file exists: a read-only descriptor locks too
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            if not blocking:
                return None
            raise StoreError(f"cannot create the build lock {path} ({exc.strerror or exc})") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def build_lock(db_path: Path | str, blocking: bool = True,
               on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold the build lock of the knowledge base at ``db_path``; yields True.

    With ``blocking=False`` it yields False at once when another build holds the lock.  When it has
    to wait, ``on_wait`` is called first (to say so)."""
    path = lock_path(db_path).absolute()
    key = str(path)
    with _guard:
        rlock = _thread_locks.setdefault(key, threading.RLock())
    waited = False
    if not rlock.acquire(blocking=False):
        if not blocking:
            yield False
            return
        if on_wait is not None:
            on_wait()
        waited = True
        rlock.acquire()
    try:
        held = _held.get(key)
        if held is None:
            fd = _flock(path, blocking=False)
            if fd is None and blocking:
                if on_wait is not None and not waited:
                    on_wait()
                fd = _flock(path, blocking=True)
            if fd is None:
                yield False
                return
            held = _held[key] = [fd, 0]
        held[1] += 1
        try:
            yield True
        finally:
            held[1] -= 1
            if held[1] == 0:
                del _held[key]
                if held[0] >= 0:
                    os.close(held[0])  # releases the flock
    finally:
        rlock.release()


def forget_inherited_locks() -> None:
    """In a forked child (a build's worker processes): close the build lock descriptors inherited
    from the parent, so that the lock dies with the parent.  The parent keeps its lock."""
    global _guard
    for fd, _ in _held.values():
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass
    _held.clear()
    _thread_locks.clear()
    _guard = threading.Lock()


def remove_dead_building_files(db_path: Path | str) -> list[Path]:
    """Remove the ``<db>.building-*`` files of killed builds.  Call holding the build lock."""
    db = Path(db_path)
    gone = []
    if db.parent.is_dir():
        for p in db.parent.glob(db.name + ".building-*"):
            try:
                p.unlink()
                gone.append(p)
            except OSError:
                pass
    return gone


def index_leftovers(index_dir: Path | str) -> list[Path]:
    """The ``<index>.new-*`` and ``<index>.old-*`` directories beside ``index_dir``."""
    index_dir = Path(index_dir)
    if not index_dir.parent.is_dir():
        return []
    return sorted(p for pattern in (".new-*", ".old-*") for p in index_dir.parent.glob(index_dir.name + pattern))


def discard_index(directory: Path) -> None:
    """Remove an index directory, its generation file first: a removal cut short never leaves a
    directory that looks complete."""
    if directory.is_dir():
        try:
            (directory / GENERATION_FILE).unlink()
        except OSError:
            pass
        shutil.rmtree(directory, ignore_errors=True)
    else:
        try:
            directory.unlink()
        except OSError:
            pass


def swap_in(new: Path, target: Path) -> None:
    """Put the complete index directory ``new`` in the place of ``target``: rename the old one away,
    rename the new one in, remove the old one.  Readers that opened the old one keep working;
    between the two renames ``target`` is missing (readers wait: kb.index.open_index), and a build
    killed there is finished by :func:`reconcile_index`."""
    old = target.parent / f"{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    moved = False
    if target.exists():
        os.rename(target, old)
        moved = True
    pause_point("swap")
    os.rename(new, target)
    if moved:
        discard_index(old)


def _newest(candidates: list[tuple[Path, IndexGeneration]]) -> Path | None:
    def written(p: Path) -> int:
        try:
            return (p / GENERATION_FILE).stat().st_mtime_ns
        except OSError:
            return 0

    return max((p for p, _ in candidates), key=written, default=None)


def recover_index(index_dir: Path | str, kb_generation: str | None) -> bool:
    """Finish what a killed build left of the index: a complete ``<index>.new-*`` of the knowledge
    base's generation is swapped in; with no index at all, the newest complete ``.new-*`` or
    ``.old-*`` (of another generation: it answers, stale) is renamed into place.  Call holding the
    build lock.  True when the index changed."""
    index_dir = Path(index_dir)
    current = read_index_generation(index_dir)
    if current is not None and current.kb == kb_generation:
        return False
    complete = [(p, g) for p in index_leftovers(index_dir) if p.is_dir() and (g := read_index_generation(p))]
    best = _newest([(p, g) for p, g in complete if g.kb == kb_generation])
    if best is None and current is None:
        best = _newest(complete)
    if best is None:
        return False
    if index_dir.exists():
        swap_in(best, index_dir)
    else:
        os.rename(best, index_dir)
    return True


def remove_dead_index_leftovers(index_dir: Path | str) -> list[Path]:
    """Remove the ``<index>.new-*`` and ``<index>.old-*`` directories of killed builds.  Call
    holding the build lock (after :func:`recover_index`, which may still want one of them)."""
    gone = index_leftovers(index_dir)
    for p in gone:
        discard_index(p)
    return gone


def reconcile_index(db_path: Path | str, index_dir: Path | str, kb_generation: str | None) -> str:
    """Whether the index at ``index_dir`` is in step with the knowledge base (generation
    ``kb_generation``) at ``db_path``, after swapping in what a killed build left complete
    (:func:`recover_index`, when no build is running):

    * ``current`` — built from this knowledge base;
    * ``stale`` — a complete index of another generation: searches answer from it and say so;
    * ``missing`` — no index, and no build is running;
    * ``busy`` — no index right now, and a build is running (it is swapping one in, or will)."""
    index_dir = Path(index_dir)
    gen = read_index_generation(index_dir)
    if gen is not None and gen.kb == kb_generation:
        return "current"
    if gen is not None and not any((p / GENERATION_FILE).is_file() for p in index_leftovers(index_dir)):
        return "stale"  # nothing to swap in: no need for the lock
    with build_lock(db_path, blocking=False) as locked:
        if locked:
            recover_index(index_dir, kb_generation)
        gen = read_index_generation(index_dir)
    if gen is None:
        return "missing" if locked else "busy"
    return "current" if gen.kb == kb_generation else "stale"
