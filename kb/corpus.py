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
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from .decode import DecodeError, decode_bytes

MANIFEST = "manifest.json"
RAW_DIR = "raw"
MAX_BYTES = 50 * 1024 * 1024  # a plan is a few hundred KB; refuse what cannot be one
IMPORT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".shtml", ".xhtml"}


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
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".manifest.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.manifest_path)

    # -- import --------------------------------------------------------------

    def add_bytes(self, data: bytes, *, source_name: str, origin: str = "imported_file", url: str | None = None,
                  site: str | None = None, label: str | None = None, extra: dict | None = None) -> tuple[Entry, bool]:
        """Add a document; returns (entry, added). Raises CorpusError for unusable bytes."""
        if len(data) > MAX_BYTES:
            raise CorpusError(f"{source_name}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB, not a plan")
        try:
            decoded = decode_bytes(data)
        except DecodeError as exc:
            raise CorpusError(f"{source_name}: {exc}") from exc
        digest = hashlib.sha256(data).hexdigest()
        entries = self.entries() if self.exists() else []
        for e in entries:
            if digest in known_digests(e):
                return e, False
        doc_id = new_id(entries, digest)
        ext = ".html" if decoded.media_type == "text/html" else ".txt"
        rel = f"{RAW_DIR}/{doc_id}{ext}"
        text = decoded.text
        entry = Entry(
            id=doc_id, file=rel, sha256=digest, bytes=len(data), origin=origin,
            media_type=decoded.media_type, encoding=decoded.encoding,
            site=site or guess_site(text), url=url, source_name=source_name,
            added=_dt.date.today().isoformat(), label=label, extra=dict(extra or {}),
        )
        self.commit({rel: data}, entry)  # the same all-or-nothing, locked write as a fetched page
        return entry, True

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

        All or nothing: each file is written under a temporary name and moved
        into place; if anything fails, the files written are removed and the
        manifest is untouched.  Existing files are never overwritten.
        """
        written: list[Path] = []
        try:
            for rel, data in files.items():
                target = self.root / rel
                if target.exists():
                    raise CorpusError(f"{rel} already exists in the corpus; refusing to overwrite raw bytes")
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(target.name + ".part")
                tmp.write_bytes(data)
                os.replace(tmp, target)
                written.append(target)
            self.root.mkdir(parents=True, exist_ok=True)
            with _exclusive(self.root):  # another policykb writing the manifest waits its turn
                entries = self.entries() if self.exists() else []
                self.save([e for e in entries if e.id != entry.id] + [entry])
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
                path.with_name(path.name + ".part").unlink(missing_ok=True)
            raise

    def next_id(self, digest: str) -> str:
        return new_id(self.entries() if self.exists() else [], digest)


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
    seq = 1 + max((int(e.id.split("_", 1)[0]) for e in entries if e.id[:3].isdigit()), default=-1)
    return f"{seq:03d}_{digest[:16]}"


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
        if not path.exists():
            out.append((p, None, f"{p}: no such file or directory"))
        elif path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in IMPORT_SUFFIXES)
            if not found:
                out.append((p, None, f"{p}: the directory holds no .txt or .html files"))
            out.extend((str(f), f, None) for f in found)
        elif not os.access(path, os.R_OK):
            out.append((p, None, f"{p}: the file is not readable"))
        else:
            out.append((p, path, None))
    return out


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
