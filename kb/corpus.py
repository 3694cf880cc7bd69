"""The corpus: raw documents exactly as fetched or imported, with provenance.

Layout::

    corpus/manifest.json      one entry per document (see :class:`Entry`)
    corpus/raw/<id>.<ext>     the bytes, never edited
    corpus/raw/<id>.json      for a fetched page: its sidecar (URL, final URL, time, status,
                              headers, encoding, sha256); a new version of the page, another
                              source of the same plan and each attachment keep their bytes and
                              sidecar beside it (<id>.v2.html, <id>.s2.html, <id>.a1.docx …)

Document ids are ``NNN_<first 16 hex digits of sha256>``; importing the same
bytes twice adds nothing.

Crash safety.  Every write (raw files, then the manifest) happens under an
exclusive lock on the corpus directory, each file under a temporary name that
carries the writer's PID (``raw/<name>.<pid>.part``, ``.manifest.<pid>.<random>.tmp``)
and is then moved into place, so a process killed at any moment leaves at
most temporary files and *orphans* (files in ``raw/`` that no manifest entry
names).  The next writer, under the lock, removes the temporary files of
processes that no longer run; an orphan that holds exactly the bytes being
added is adopted; an orphan with other bytes is never overwritten, moved or
deleted: the new document takes the next free id instead.

For tests, ``POLICYKB_TEST_PAUSE=<point>`` makes the process print
``policykb: test pause at <point>`` on stderr and sleep (to be killed; see
:func:`_pause`) at one of: ``part_written`` (a ``.part`` file written, not yet moved into place),
``raw_written`` (raw files in place, manifest not yet written),
``manifest_tmp_written`` (the new manifest written under its temporary name,
not yet moved into place), ``manifest_written`` (the lock not yet released),
``removed_from_manifest`` (``remove``: manifest written, files not yet deleted).
"""
from __future__ import annotations

import datetime as _dt
import difflib
import hashlib
import json
import os
import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .testhooks import pause_point
from .decode import DecodeError, decode_bytes, is_blank

MANIFEST = "manifest.json"
RAW_DIR = "raw"
MAX_BYTES = 50 * 1024 * 1024  # a plan is a few hundred KB; refuse what cannot be one
IMPORT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".shtml", ".xhtml"}
_STALE_UNNAMED = 60.0  # seconds: a temporary file without a PID (older policykb) this old is a dead one's
_PART = re.compile(r"\.(\d+)\.part$")
_MANIFEST_TMP = re.compile(r"^\.manifest\.(?:(\d+)\.)?.*\.tmp$")


class CorpusError(Exception):
    """A user-facing problem with the corpus or a file given to it."""


@dataclass(frozen=True)
class Entry:
    id: str
    file: str  # relative to the corpus directory
    sha256: str
    bytes: int
    origin: str  # "saved_web_page_text" | "imported_file" | "fetched"
    media_type: str  # "text/plain" | "text/html" | a document type for a fetched .pdf/.docx/.xlsx
    encoding: str
    site: str | None = None  # the site the text came from, as far as the text shows
    url: str | None = None
    region: str | None = None  # region name as the text shows it (普宁市)
    region_code: str | None = None
    source_name: str | None = None  # original file name
    added: str | None = None  # ISO date
    label: str | None = None  # "seed" | "synthetic" | None
    extra: dict = field(default_factory=dict)


class Corpus:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def entries(self) -> list[Entry]:
        if not self.exists():
            raise CorpusError(f"no corpus manifest at {self.manifest_path}")
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(f"the corpus manifest {self.manifest_path} is unreadable: {exc}") from exc
        return [Entry(**d) for d in data.get("documents", [])]

    def path_of(self, entry: Entry) -> Path:
        return self.root / entry.file

    def read(self, entry: Entry) -> bytes:
        return self.path_of(entry).read_bytes()

    def save(self, entries: list[Entry]) -> None:
        """Write the manifest atomically (a crash never leaves half a file)."""
        self.root.mkdir(parents=True, exist_ok=True)
        payload = {"documents": [asdict(e) for e in sorted(entries, key=lambda e: e.id)]}
        text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f".manifest.{os.getpid()}.", suffix=".tmp")
        try:
            try:  # mkstemp makes the file private; keep the manifest's mode (readable, as a plain write makes it)
                os.fchmod(fd, self.manifest_path.stat().st_mode & 0o777 if self.exists() else 0o644)
            except (OSError, AttributeError):
                pass
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            pause_point("manifest_tmp_written")
            os.replace(tmp, self.manifest_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the corpus lock (every writer of raw files and the manifest takes it)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.root):
            yield

    # -- import --------------------------------------------------------------

    def add_bytes(self, data: bytes, *, source_name: str, origin: str = "imported_file", url: str | None = None,
                  site: str | None = None, label: str | None = None, extra: dict | None = None) -> tuple[Entry, bool]:
        """Add a document; returns (entry, added). Raises CorpusError for unusable bytes.

        Bytes that could never be built are refused: no text, only markup or
        scripts, or nothing left once the normaliser removes site chrome.
        """
        if len(data) > MAX_BYTES:
            raise CorpusError(f"{source_name}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB, not a plan")
        try:
            decoded = decode_bytes(data)
        except DecodeError as exc:
            raise CorpusError(f"{source_name}: {exc}") from exc
        _check_buildable(data, source_name)
        digest = hashlib.sha256(data).hexdigest()
        ext = ".html" if decoded.media_type == "text/html" else ".txt"
        text = decoded.text
        with self.lock():  # the id is chosen and the files written by one writer at a time
            entries = self.entries() if self.exists() else []
            for e in entries:
                if digest in known_digests(e):
                    return e, False
            self._sweep()
            referenced = referenced_files(entries)
            seq = _next_seq(entries)
            while True:  # the next id whose name is free, or an orphan holding these very bytes
                doc_id = f"{seq:03d}_{digest[:16]}"
                rel = f"{RAW_DIR}/{doc_id}{ext}"
                if self._usable_name(doc_id, rel, data, referenced):
                    break
                seq += 1
            entry = Entry(
                id=doc_id, file=rel, sha256=digest, bytes=len(data), origin=origin,
                media_type=decoded.media_type, encoding=decoded.encoding,
                site=site or guess_site(text), url=url, source_name=source_name,
                added=_dt.date.today().isoformat(), label=label, extra=dict(extra or {}),
            )
            self._commit_locked({rel: data}, entry, entries)  # the same all-or-nothing write as a fetched page
        return entry, True

    def _usable_name(self, doc_id: str, rel: str, data: bytes, referenced: set[str]) -> bool:
        """Can a new document ``doc_id`` keep ``data`` at ``rel``?

        Yes when no file of that id exists, or when the only one is an orphan
        (named by no manifest entry) holding exactly ``data`` — what a process
        killed before its manifest write leaves.  Any other file of that id
        stays untouched and the caller tries the next id.
        """
        target = self.root / rel
        others = [p for p in (self.root / RAW_DIR).glob(f"{doc_id}.*")
                  if p.name != target.name and not p.name.endswith(".part")]
        if others:
            return False
        if not (target.exists() or target.is_symlink()):
            return True
        return rel not in referenced and _same_bytes(target, data)

    # -- fetched documents (kb.scrape) --------------------------------------------------

    def find_url(self, url: str) -> Entry | None:
        """The document fetched from ``url``: as requested, after redirects, or as another source."""
        if not self.exists():
            return None
        for e in self.entries():
            if url in entry_urls(e):
                return e
        return None

    def commit(self, files: dict[str, bytes], entry: Entry) -> None:
        """Write ``files`` (paths relative to the corpus), then add or replace ``entry`` in the manifest.

        All or nothing, under the corpus lock: each file is written under a
        temporary name and moved into place; if anything fails, the files
        written are removed and the manifest is untouched.  Existing files
        are never overwritten; an orphan (a file no manifest entry names, left
        by a process killed before its manifest write) holding exactly the
        bytes to write is adopted.
        """
        with self.lock():  # another policykb writing the corpus waits its turn
            self._sweep()
            self._commit_locked(files, entry, self.entries() if self.exists() else [])

    def commit_update(self, doc_id: str, change: Callable[[Entry], tuple[dict[str, bytes], Entry]]) -> Entry:
        """Change document ``doc_id`` as it stands in the manifest now: ``change(entry)`` names the files to
        write and the new entry, under the corpus lock, so two writers of one document (a new version and a
        second source fetched at once) never pick the same file name or lose each other's record."""
        with self.lock():
            self._sweep()
            entries = self.entries() if self.exists() else []
            current = next((e for e in entries if e.id == doc_id), None)
            if current is None:
                raise CorpusError(f"{doc_id} is not in the corpus")
            files, updated = change(current)
            self._commit_locked(files, updated, entries)
            return updated

    def _commit_locked(self, files: dict[str, bytes], entry: Entry, entries: list[Entry]) -> None:
        referenced = referenced_files(entries)
        written: list[Path] = []
        tmp: Path | None = None
        try:
            for rel, data in files.items():
                target = self.root / rel
                if target.exists() or target.is_symlink():
                    if rel not in referenced and _same_bytes(target, data):
                        continue  # an orphan of a killed process with these very bytes: adopt it
                    raise CorpusError(f"{rel} already exists in the corpus; refusing to overwrite raw bytes")
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
                with open(tmp, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                pause_point("part_written")
                os.replace(tmp, target)
                tmp = None
                written.append(target)
            pause_point("raw_written")
            self.save([e for e in entries if e.id != entry.id] + [entry])
            pause_point("manifest_written")
        except BaseException:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            for path in written:
                path.unlink(missing_ok=True)
            raise

    def _sweep(self) -> None:
        """Remove the temporary files of writers that died (call with the lock held).

        A writer holds the lock while its temporary files exist, so those seen
        now are a dead process's; the PID in the name is checked all the same
        (a process that writes the manifest without the lock, as
        :mod:`kb.synthetic` does, keeps its file).
        """
        candidates: list[tuple[Path, str | None]] = []
        for path in _listdir(self.root):
            m = _MANIFEST_TMP.match(path.name)
            if m:
                candidates.append((path, m.group(1)))
        for path in _listdir(self.root / RAW_DIR):
            if path.name.endswith(".part"):
                m = _PART.search(path.name)
                candidates.append((path, m.group(1) if m else None))
        now = time.time()
        for path, pid in candidates:
            try:
                if pid is not None:
                    if _alive(int(pid)):
                        continue
                elif now - path.lstat().st_mtime < _STALE_UNNAMED:
                    continue
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                continue  # not ours to remove (permissions): it blocks nothing

    def next_id(self, digest: str) -> str:
        """The id a new document gets: the next sequence number whose name no file in raw/ holds."""
        entries = self.entries() if self.exists() else []
        seq = _next_seq(entries)
        while any(not p.name.endswith(".part") for p in (self.root / RAW_DIR).glob(f"{seq:03d}_{digest[:16]}.*")):
            seq += 1  # an orphan of a killed process: left as it is
        return f"{seq:03d}_{digest[:16]}"

    # -- removal -----------------------------------------------------------------

    def remove(self, given: list[str]) -> list["Removal"]:
        """Remove documents (ids or unique prefixes of manifest ids) and every file they keep.

        Under the corpus lock, the manifest is written first, then the files
        deleted: a crash in between leaves orphans, which later writes
        tolerate.  One :class:`Removal` per document or bad id, in the order
        given; an unknown or ambiguous id is reported there and the others are
        still removed.
        """
        if not self.exists():
            raise CorpusError(f"no corpus manifest at {self.manifest_path}")
        with self.lock():
            entries = self.entries()
            by_id = {e.id: e for e in entries}
            resolved: list[tuple[str, str | None, str | None]] = []
            for g in given:
                try:
                    resolved.append((g, resolve_entry_id(list(by_id), g), None))
                except CorpusError as exc:
                    resolved.append((g, None, str(exc)))
            gone = {doc_id for _, doc_id, _ in resolved if doc_id}
            files: dict[str, list[str]] = {}
            left: dict[str, list[tuple[str, str]]] = {}
            if gone:
                keep = [e for e in entries if e.id not in gone]
                self._sweep()
                still = referenced_files(keep)
                plan = {doc_id: self._files_of(by_id[doc_id], still) for doc_id in gone}
                self.save(keep)
                pause_point("removed_from_manifest")
                for doc_id, rels in plan.items():
                    files[doc_id], left[doc_id] = [], []
                    for rel in rels:
                        try:
                            (self.root / rel).unlink()
                            files[doc_id].append(rel)
                        except FileNotFoundError:
                            pass
                        except OSError as exc:
                            left[doc_id].append((rel, exc.strerror or str(exc)))
        out, seen = [], set()
        for g, doc_id, error in resolved:
            if doc_id is None:
                out.append(Removal(g, None, (), (), error))
            elif doc_id not in seen:  # the same document given twice is reported once
                seen.add(doc_id)
                out.append(Removal(g, by_id[doc_id], tuple(files[doc_id]), tuple(left[doc_id]), None))
        return out

    def _files_of(self, entry: Entry, still: set[str]) -> list[str]:
        """The files of a document that exist, inside the corpus, and that no remaining entry names:
        those the manifest lists, its ``<id>.json`` sidecar and any other ``raw/<id>.*`` file."""
        rels = list(entry_files(entry))
        rels += sorted(f"{RAW_DIR}/{p.name}" for p in (self.root / RAW_DIR).glob(f"{entry.id}.*"))
        out = []
        for rel in dict.fromkeys(rels):
            norm = os.path.normpath(rel)
            if os.path.isabs(norm) or norm.split(os.sep)[0] in ("..", MANIFEST, "."):
                continue  # a manifest path that leads outside raw files of the corpus: never delete there
            path = self.root / norm
            if rel in still or norm in still or path.is_dir() or not (path.exists() or path.is_symlink()):
                continue
            out.append(rel)
        return out


@dataclass(frozen=True)
class Removal:
    """What ``policykb remove`` did for one id given."""

    given: str
    entry: Entry | None  # None: the id named no document (see error)
    files: tuple[str, ...] = ()  # deleted, relative to the corpus
    left: tuple[tuple[str, str], ...] = ()  # (file, reason) that could not be deleted
    error: str | None = None


def resolve_entry_id(ids: list[str], given: str) -> str:
    """An exact manifest id, or a unique prefix of one (``005`` for ``005_3f2a…``)."""
    given = given.strip()
    if not given:
        raise CorpusError("an empty document id names nothing (list them with `policykb docs`)")
    if given in ids:
        return given
    matches = sorted(i for i in ids if i.startswith(given))
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:5]) + (" …" if len(matches) > 5 else "")
        raise CorpusError(f"{given} matches {len(matches)} documents ({shown}); give more of the id")
    keys: dict[str, str] = {}
    for i in sorted(ids):
        for key in (i, i.split("_", 1)[0], i.split("_", 1)[-1]):
            keys.setdefault(key, i)
    close = list(dict.fromkeys(keys[k] for k in difflib.get_close_matches(given, list(keys), n=6, cutoff=0.6)))[:3]
    hint = f"close ids: {', '.join(close)}; " if close else ""
    raise CorpusError(f"unknown document id: {given} (not in the corpus manifest; {hint}list them with `policykb docs`)")


def entry_files(e: Entry) -> list[str]:
    """Every file a manifest entry names: its bytes, sidecar, versions, other sources and attachments
    (each with its sidecar), and the ``raw/<id>.json`` sidecar of a fetched page."""
    extra = e.extra if isinstance(e.extra, dict) else {}
    out = [e.file, extra.get("sidecar")]
    for key in ("versions", "sources", "attachments"):
        for v in extra.get(key, []) or []:
            if isinstance(v, dict):
                out += [v.get("file"), v.get("sidecar")]
    out.append(f"{RAW_DIR}/{e.id}.json")
    return [f for f in dict.fromkeys(out) if isinstance(f, str) and f]


def referenced_files(entries: list[Entry]) -> set[str]:
    """The files the manifest names (see :func:`entry_files`)."""
    return {f for e in entries for f in entry_files(e)}


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _listdir(directory: Path) -> list[Path]:
    try:
        return list(directory.iterdir())
    except OSError:
        return []


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process (or not a PID we can ask about): leave its file
    return True


def _check_buildable(data: bytes, source_name: str) -> None:
    """Refuse what the build would fail on: the build's own path (kb.pipeline.page_text, then
    kb.normalise.normalise) must leave some text."""
    from .normalise import normalise
    from .pipeline import page_text  # here, not at the top: kb.pipeline imports this module

    try:
        raw = page_text(data)
    except DecodeError as exc:
        raise CorpusError(f"{source_name}: {exc}") from exc
    if is_blank(raw):
        raise CorpusError(f"{source_name}: the page shows no text, only markup or scripts, so there is nothing to build")
    if not normalise(raw).text.strip():
        raise CorpusError(f"{source_name}: nothing is left once site chrome (navigation, footer …) is removed, "
                          "so there is no plan text to build")


@contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    """An exclusive lock on the corpus directory (POSIX flock) while the manifest is read and rewritten."""
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform: run one policykb at a time
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def new_id(entries: list[Entry], digest: str) -> str:
    """``NNN_<16 hex digits>``: the next sequence number and the start of the sha256."""
    return f"{_next_seq(entries):03d}_{digest[:16]}"


def _next_seq(entries: list[Entry]) -> int:
    return 1 + max((int(e.id.split("_", 1)[0]) for e in entries if e.id.split("_", 1)[0].isdigit()), default=-1)


def known_digests(e: Entry) -> set[str]:
    """The sha256 of a document's bytes and of its earlier versions and other sources."""
    out = {e.sha256}
    for key in ("versions", "sources"):
        out |= {v.get("sha256") for v in e.extra.get(key, []) if isinstance(v, dict) and v.get("sha256")}
    return out


def entry_urls(e: Entry) -> set[str]:
    """Every URL a document was fetched from."""
    out = {u for u in (e.url, e.extra.get("requested_url")) if u}
    for key in ("versions", "sources"):
        for v in e.extra.get(key, []):
            if isinstance(v, dict):
                out |= {u for u in (v.get("url"), v.get("final_url")) if u}
    return out


def iter_import_paths(paths: list[str]) -> list[tuple[str, Path | None, str | None]]:
    """Expand files and directories; returns (shown name, path, error) triples."""
    out: list[tuple[str, Path | None, str | None]] = []
    for p in paths:
        path = Path(p)
        if path.is_symlink() and not path.exists():
            out.append((p, None, _broken_link(path)))
        elif not path.exists():
            out.append((p, None, f"{p}: no such file or directory"))
        elif path.is_dir():
            found, broken = [], []
            for f in path.rglob("*"):
                if f.is_file() and f.suffix.lower() in IMPORT_SUFFIXES:
                    found.append(f)
                elif f.is_symlink() and not f.exists() and _importable_link(f):
                    broken.append(f)
            if not found and not broken:
                out.append((p, None, f"{p}: the directory holds no .txt or .html files"))
            out.extend(sorted([(str(f), f, None) for f in found] + [(str(f), None, _broken_link(f)) for f in broken],
                              key=lambda t: t[0]))
        elif not os.access(path, os.R_OK):
            out.append((p, None, f"{p}: the file is not readable"))
        else:
            out.append((p, path, None))
    return out


def _importable_link(link: Path) -> bool:
    """A broken link that was meant to be imported: its name, or its target's, is a .txt/.html file."""
    try:
        target = os.readlink(link)
    except OSError:
        target = ""
    return link.suffix.lower() in IMPORT_SUFFIXES or Path(target).suffix.lower() in IMPORT_SUFFIXES


def _broken_link(link: Path) -> str:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    return f"{link}: a broken symbolic link (its target {target} does not exist)"


_SITE_PATTERNS = (
    re.compile(r"^\s*(\S{2,30}(门户网站|政府网|新闻网|政务网|人民政府网站))\s*$", re.M),
    re.compile(r"版权所有\s*[:\uff1a]\s*([^\s|]{2,30})"),
    re.compile(r"主办\s*[:\uff1a]\s*([^\s|]{2,30})"),
    re.compile(r"(\S{2,20}(新闻网|新闻中心))主办"),
)


def guess_site(text: str) -> str | None:
    """The site a saved page came from, as far as its text shows (header or footer)."""
    for pat in _SITE_PATTERNS:
        m = pat.search(text)
        if m:
            return m.group(1).strip()
    return None
