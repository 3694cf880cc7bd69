"""Fetched bytes into the corpus, with their evidence.

Each fetched file is kept byte for byte under ``corpus/raw/`` with a JSON
sidecar beside it: the URL asked for, the final URL after redirects and each
hop, the time, the HTTP status, the headers that matter (type, length, ETag,
Last-Modified …), the encoding detected and what decided it (and a declared
charset that was wrong), the sha256, and the page metadata read from it.

A document is one manifest entry (:class:`kb.corpus.Entry`, ``origin:
"fetched"``) whose ``file`` is the displayed copy; ``extra`` holds:

* ``versions`` — earlier versions of the page (the bytes are kept);
* ``sources`` — the same plan fetched from other URLs (mirrors), each with
  its bytes; the official source (the issuer's own site) is the displayed one;
* ``attachments`` — ``{name, url}`` of each attachment link, with ``file``
  and ``sha256`` once fetched (``--attachments``);
* ``page`` and ``fingerprint`` — the page metadata and the content sketch
  used to recognise mirrors.
"""
from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from ..corpus import Corpus, Entry

_EXT = {"text/html": ".html", "text/plain": ".txt"}


def sidecar(resp, *, encoding: dict | None, page: dict | None, referrer: str | None = None,
            source: str | None = None, user_agent: str | None = None) -> dict:
    """The evidence of one fetched file (see the module docstring)."""
    return {
        "url": resp.url,
        "final_url": resp.final_url,
        "redirects": [list(r) for r in resp.redirects],
        "fetched_at": resp.fetched_at,
        "status": resp.status,
        "headers": dict(resp.headers),
        "sha256": hashlib.sha256(resp.content).hexdigest(),
        "bytes": len(resp.content),
        "encoding": encoding,
        "attempts": resp.attempts,
        "referrer": referrer,
        "source": source,
        "user_agent": user_agent,
        "page": page,
    }


def _json(d: dict) -> bytes:
    return (json.dumps(d, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def extension(media_type: str, kind: str | None = None) -> str:
    return _EXT.get(media_type) or (f".{kind}" if kind else ".bin")


def _free(corpus: Corpus, stem: str, ext: str, start: int) -> int:
    n = start
    while (corpus.root / f"raw/{stem}{n}{ext}").exists() or (corpus.root / f"raw/{stem}{n}.json").exists():
        n += 1
    return n


def add_document(corpus: Corpus, resp, side: dict, *, media_type: str, encoding: str, site: str | None,
                 region: str | None, region_code: str | None, extra: dict) -> Entry:
    """A new document from a fetched page or file."""
    digest = side["sha256"]
    doc_id = corpus.next_id(digest)
    ext = extension(media_type, extra.get("kind"))
    rel, side_rel = f"raw/{doc_id}{ext}", f"raw/{doc_id}.json"
    name = unquote(urlsplit(resp.final_url).path.rsplit("/", 1)[-1]) or urlsplit(resp.final_url).netloc
    entry = Entry(
        id=doc_id, file=rel, sha256=digest, bytes=len(resp.content), origin="fetched", media_type=media_type,
        encoding=encoding, site=site, url=resp.final_url, region=region, region_code=region_code,
        source_name=name, added=_dt.date.today().isoformat(), label=None,
        extra={**extra, "sidecar": side_rel, "requested_url": resp.url, "fetched_at": resp.fetched_at},
    )
    corpus.commit({rel: resp.content, side_rel: _json(side)}, entry)
    return entry


def _current(entry: Entry) -> dict:
    """The displayed copy of a document, described as a version or a source."""
    return {
        "file": entry.file, "sidecar": entry.extra.get("sidecar"), "sha256": entry.sha256, "bytes": entry.bytes,
        "url": entry.extra.get("requested_url") or entry.url, "final_url": entry.url, "site": entry.site,
        "media_type": entry.media_type, "encoding": entry.encoding, "fetched_at": entry.extra.get("fetched_at"),
        "official": entry.extra.get("official"), "page": entry.extra.get("page"), "origin": entry.origin,
    }


def add_version(corpus: Corpus, entry: Entry, resp, side: dict, *, media_type: str, encoding: str,
                extra: dict) -> Entry:
    """The page changed: its new bytes become the document's displayed copy; the old ones stay.

    The version's name and record are chosen under the corpus lock from the manifest as it stands then
    (``entry`` only names the document), so concurrent fetches never collide or drop a version."""
    ext = extension(media_type, extra.get("kind"))

    def change(current: Entry) -> tuple[dict[str, bytes], Entry]:
        old = copy.deepcopy(current.extra)
        versions = list(old.get("versions", []))
        n = _free(corpus, f"{current.id}.v", ext, 2 + len(versions))
        rel, side_rel = f"raw/{current.id}.v{n}{ext}", f"raw/{current.id}.v{n}.json"
        versions.append(_current(current))
        new_extra = {**old, **extra, "versions": versions, "sidecar": side_rel, "requested_url": resp.url,
                     "fetched_at": resp.fetched_at}
        fetched = {a["url"]: a for a in old.get("attachments", []) if a.get("file")}  # same link: keep its copy
        new_extra["attachments"] = [fetched.get(a["url"], a) for a in new_extra.get("attachments", [])]
        updated = replace(current, file=rel, sha256=side["sha256"], bytes=len(resp.content), media_type=media_type,
                          encoding=encoding, url=resp.final_url, extra=new_extra)
        return {rel: resp.content, side_rel: _json(side)}, updated

    return corpus.commit_update(entry.id, change)


def add_source(corpus: Corpus, entry: Entry, resp, side: dict, *, media_type: str, encoding: str, site: str | None,
               official: bool, extra: dict) -> tuple[Entry, bool]:
    """The same plan from another URL: kept as a second source; returns (entry, displayed now).

    An official source (the issuer's own site) becomes the displayed copy when
    the current one is not official.  Name and record are chosen under the corpus lock (as versions).
    """
    ext = extension(media_type, extra.get("kind"))
    promoted = []

    def change(current: Entry) -> tuple[dict[str, bytes], Entry]:
        old = copy.deepcopy(current.extra)
        sources = list(old.get("sources", []))
        n = _free(corpus, f"{current.id}.s", ext, 2 + len(sources))
        rel, side_rel = f"raw/{current.id}.s{n}{ext}", f"raw/{current.id}.s{n}.json"
        promote = official and not old.get("official")
        promoted.append(promote)
        if promote:
            sources.append(_current(current))
            new_extra = {**old, **extra, "sources": sources, "sidecar": side_rel, "requested_url": resp.url,
                         "fetched_at": resp.fetched_at, "official": True}
            updated = replace(current, file=rel, sha256=side["sha256"], bytes=len(resp.content),
                              media_type=media_type, encoding=encoding, url=resp.final_url, site=site or current.site,
                              origin="fetched", extra=new_extra)
        else:
            sources.append({
                "file": rel, "sidecar": side_rel, "sha256": side["sha256"], "bytes": len(resp.content),
                "url": resp.url, "final_url": resp.final_url, "site": site, "media_type": media_type,
                "encoding": encoding, "fetched_at": resp.fetched_at, "official": official, "page": extra.get("page"),
            })
            updated = replace(current, extra={**old, "sources": sources})
        return {rel: resp.content, side_rel: _json(side)}, updated

    updated = corpus.commit_update(entry.id, change)
    return updated, promoted[-1]


def add_attachment(corpus: Corpus, entry: Entry, index: int, resp, side: dict, *, kind: str, lines: int) -> Entry:
    """Keep a fetched attachment (the index-th attachment link, 1-based) beside its document."""
    extra = copy.deepcopy(entry.extra)
    atts = extra.get("attachments", [])
    n = _free(corpus, f"{entry.id}.a", f".{kind}", index)
    rel, side_rel = f"raw/{entry.id}.a{n}.{kind}", f"raw/{entry.id}.a{n}.json"
    atts[index - 1] = {**atts[index - 1], "file": rel, "sidecar": side_rel, "sha256": side["sha256"],
                       "bytes": len(resp.content), "kind": kind, "lines": lines, "fetched_at": resp.fetched_at}
    updated = replace(entry, extra={**extra, "attachments": atts})
    corpus.commit({rel: resp.content, side_rel: _json(side)}, updated)
    return updated
