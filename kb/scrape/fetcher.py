"""``policykb fetch``: fetch article pages or crawl listings, keep them in the corpus, report.

One :class:`Outcome` per URL (and per attachment), reported as it happens; a
URL that fails is one line in the report and the run goes on.  Nothing is
written to the corpus for a URL that fails (see :meth:`kb.corpus.Corpus.commit`).

* A URL already in the corpus is not asked for again unless ``refresh``; then
  a conditional request is made, and a page whose plan changed becomes a new
  version of its document (the earlier bytes stay).
* A page whose plan is already in the corpus from another URL (a mirror, a
  reprint) becomes a second source of that document (:mod:`kb.scrape.dedup`).
* With ``crawl``, each URL is a listing page: its article links on the same
  site are followed, page after page, until ``max_pages`` articles new to the
  corpus were found.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ..corpus import Corpus, Entry, guess_site, known_digests
from ..decode import DecodeError, decode_bytes
from ..htmltext import cjk_count
from . import archive
from .attachments import READABLE, AttachmentError, document_lines, extension, kind_of
from .dedup import Fingerprint, fingerprint, same_plan
from .http import FetchError, HttpClient
from .listing import read_listing, same_site
from .pages import MIN_BODY, Page, page_summary, read_page
from .sources import Source

log = logging.getLogger(__name__)

MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
INFO = ("added", "new_version", "unchanged", "second_source", "skipped", "listing", "attachment", "attachment_skipped")


@dataclass(frozen=True)
class FetchOptions:
    crawl: bool = False
    max_pages: int = 20  # with crawl: articles new to the corpus fetched per listing URL
    refresh: bool = False
    attachments: bool = False
    match: tuple[str, ...] = ()  # with crawl: only articles whose link text holds one of these words
    source: Source | None = None
    official_hosts: tuple[str, ...] = ()  # hosts that publish the plans they issue (besides *.gov.cn)


@dataclass(frozen=True)
class Outcome:
    url: str
    status: str  # one of INFO, or "failed"
    message: str
    doc_id: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failed]

    @property
    def changed(self) -> bool:
        """Did the corpus change (so the knowledge base needs a build)?"""
        return any(o.status in ("added", "new_version", "second_source", "attachment") for o in self.outcomes)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


class _Unusable(Exception):
    """A fetched response that is not a plan (empty, a login form, no body …)."""


@dataclass(frozen=True)
class _Doc:
    kind: str  # "html" | "pdf" | "docx" | "xlsx"
    media_type: str
    encoding: str
    encoding_info: dict | None
    page: Page | None
    body: str
    title: str | None
    doc_number: str | None
    site: str | None  # the site's name as the page shows it (SiteName, footer)


class Fetcher:
    def __init__(self, corpus: Corpus, client: HttpClient, options: FetchOptions | None = None,
                 on_outcome: Callable[[Outcome], None] | None = None):
        self.corpus = corpus
        self.client = client
        self.options = options or FetchOptions()
        self.on_outcome = on_outcome
        self.report = FetchReport()
        self._fingerprints: dict[str, Fingerprint] = {}

    # -- entry points ------------------------------------------------------------------------

    def run(self, urls: list[str]) -> FetchReport:
        for url in urls:
            if self.options.crawl:
                self.crawl(url)
            else:
                self.article(url)
        return self.report

    def crawl(self, listing_url: str) -> None:
        """Follow the article links of a listing page (and its next pages) on the same site."""
        opts = self.options
        budget = max(1, opts.max_pages)
        queue, seen_pages = [listing_url], {listing_url}
        found: list[str] = []
        listing_pages = 0
        while queue and listing_pages < max(3, budget):
            url = queue.pop(0)
            try:
                resp = self.client.get(url, kind="listing")
                decoded = decode_bytes(resp.content, resp.charset)
            except FetchError as exc:
                self._out(url, "failed", exc.reason)
                continue
            except DecodeError as exc:
                self._out(url, "failed", f"the listing page cannot be read as text ({exc})")
                continue
            listing_pages += 1
            listing = read_listing(decoded.text, resp.final_url, opts.match)
            new = [a for a, _ in listing.articles if a not in found]
            found += new
            if not listing.articles:
                self._out(url, "failed", "no article links found on this listing page")
                continue
            known = sum(1 for a in new if self.corpus.find_url(a) is not None)
            n = len(listing.articles)
            self._out(url, "listing", f"listing page: {n} article link{'s' if n != 1 else ''}, {len(new)} not seen before"
                                      + (f", {known} already in the corpus" if known and not opts.refresh else ""))
            if not new:
                continue  # a page that brings nothing new: its pagination would not either
            wanted = [a for a in found if opts.refresh or self.corpus.find_url(a) is None]
            if len(wanted) >= budget:
                break
            for nxt in listing.next_pages:
                if nxt not in seen_pages:
                    seen_pages.add(nxt)
                    queue.append(nxt)
        fetched = 0
        for url in found:
            if fetched >= budget:
                break
            if not opts.refresh and self.corpus.find_url(url) is not None:
                continue  # counted in the listing line
            self.article(url, referrer=listing_url)
            fetched += 1

    def article(self, url: str, referrer: str | None = None) -> None:
        """Fetch one article page (or document) into the corpus."""
        opts = self.options
        existing = self.corpus.find_url(url)
        if existing is not None and not opts.refresh:
            self._out(url, "skipped", f"already in the corpus as {existing.id} (--refresh checks for a new version)",
                      existing.id)
            if opts.attachments:
                self._attachments(existing)
            return
        if existing is not None and url not in (existing.url, existing.extra.get("requested_url")):
            self._out(url, "skipped", f"an earlier address or a second source of {existing.id}; "
                                      "--refresh checks the displayed source only", existing.id)
            return
        etag, modified = self._validators(existing)
        try:
            resp = self.client.get(url, kind="page", etag=etag, last_modified=modified)
        except FetchError as exc:
            self._out(url, "failed", exc.reason)
            return
        if resp.not_modified and existing is not None:
            self._out(url, "unchanged", f"not modified since {existing.extra.get('fetched_at') or 'the last fetch'} "
                                        f"(HTTP 304); {existing.id} is up to date", existing.id)
            if opts.attachments:
                self._attachments(existing)
            return
        if existing is None and resp.final_url != url:
            existing = self.corpus.find_url(resp.final_url)
        try:
            doc = self._read(resp)
        except _Unusable as exc:
            self._out(url, "failed", str(exc))
            return
        if existing is not None:
            entry = self._update(url, existing, resp, doc, referrer)
        else:
            entry = self._add(url, resp, doc, referrer)
        if entry is not None and opts.attachments:
            self._attachments(entry)

    # -- reading -----------------------------------------------------------------------------------

    def _read(self, resp) -> _Doc:
        data = resp.content
        if not data.strip():
            raise _Unusable("the page is empty (the server sent no content)")
        kind = kind_of(data, "", resp.final_url)
        if kind in READABLE:
            try:
                lines = document_lines(data, kind)
            except AttachmentError as exc:
                raise _Unusable(str(exc)) from None
            text = "\n".join(lines)
            if cjk_count(text) < MIN_BODY:
                raise _Unusable(f"the .{kind} document holds no text to read")
            return _Doc(kind, MEDIA[kind], "binary", None, None, text, lines[0] if lines else None, None, None)
        if kind in ("doc", "xls", "wps", "et", "zip", "ofd"):
            raise _Unusable(f"the server sent a .{kind} file, which policykb cannot read "
                            "(only HTML pages and .docx, .xlsx or .pdf documents)")
        try:
            page, decoded = read_page(data, resp.final_url, resp.charset)
        except DecodeError as exc:
            raise _Unusable(f"the page cannot be read as text ({exc})") from None
        if page.login_wall:
            raise _Unusable("the page is a login form, not a plan (the site asks for an account)")
        if not page.has_body:
            links = len(read_listing(decoded.text, resp.final_url).articles) if decoded.media_type == "text/html" else 0
            if links >= 5:
                raise _Unusable(f"this is a listing page with {links} article links, not an article; "
                                "use --crawl to fetch its articles")
            chars = page.dom.text_chars if page.dom else cjk_count(decoded.text)
            raise _Unusable(f"no article body found on the page ({chars} Chinese characters of text, "
                            "none of them an article)")
        info = {"name": decoded.encoding, "decided_by": decoded.source, "http_charset": decoded.http_charset,
                "meta_charset": decoded.meta_charset, "declared_charset_wrong": decoded.mismatch}
        site = page.site or guess_site(page.dom.page_text if page.dom is not None else decoded.text)
        return _Doc("html", decoded.media_type, decoded.encoding, info, page, page.body_text, page.title,
                    page.doc_number, site)

    # -- storing -------------------------------------------------------------------------------------

    def _fingerprint(self, doc: _Doc) -> Fingerprint:
        from ..normalise import normalise

        return fingerprint(normalise(doc.body).text, doc.doc_number, doc.title)

    def _extra(self, doc: _Doc, fp: Fingerprint, official: bool) -> dict:
        summary = page_summary(doc.page) if doc.page else {"title": doc.title, "template": doc.kind}
        extra = {"page": summary, "fingerprint": fp.to_json(), "official": official, "kind": doc.kind}
        if doc.page is not None:
            extra["attachments"] = [{"name": a.name, "url": a.url} for a in doc.page.attachments]
        if self.options.source is not None:
            extra["source"] = self.options.source.name
        return extra

    def _sidecar(self, resp, doc: _Doc, referrer: str | None) -> dict:
        summary = page_summary(doc.page) if doc.page else {"title": doc.title, "template": doc.kind}
        return archive.sidecar(resp, encoding=doc.encoding_info, page=summary, referrer=referrer,
                               source=self.options.source.name if self.options.source else None,
                               user_agent=self.client.config.user_agent)

    def _add(self, url: str, resp, doc: _Doc, referrer: str | None) -> Entry | None:
        fp = self._fingerprint(doc)
        official = self._official(resp.final_url)
        side = self._sidecar(resp, doc, referrer)
        extra = self._extra(doc, fp, official)
        site = doc.site or (self.options.source.site if self.options.source else None)
        dup = self._duplicate(fp)
        title = doc.title or "(untitled)"
        if dup is not None:
            entry, shown = archive.add_source(self.corpus, dup, resp, side, media_type=doc.media_type,
                                              encoding=doc.encoding, site=site, official=official, extra=extra)
            self._out(url, "second_source", f"the same plan as {dup.id} ({title}); kept as a second source"
                      + ("; this official copy is now the one displayed" if shown else ""), dup.id)
            return entry if shown else None
        src = self.options.source
        entry = archive.add_document(self.corpus, resp, side, media_type=doc.media_type, encoding=doc.encoding,
                                     site=site, region=src.region if src else None,
                                     region_code=src.region_code if src else None, extra=extra)
        self._fingerprints[entry.id] = fp
        note = ""
        if doc.encoding_info and doc.encoding_info.get("declared_charset_wrong"):
            declared = doc.encoding_info.get("http_charset") or doc.encoding_info.get("meta_charset")
            note = f"; its declared charset {declared} was wrong, read as {doc.encoding}"
        template = doc.page.template if doc.page else doc.kind
        self._out(url, "added", f"added as {entry.id}: {title} [{template}, {doc.encoding}]{note}", entry.id)
        return entry

    def _update(self, url: str, entry: Entry, resp, doc: _Doc, referrer: str | None) -> Entry | None:
        side = self._sidecar(resp, doc, referrer)
        if side["sha256"] in known_digests(entry):
            self._out(url, "unchanged", f"unchanged since {entry.extra.get('fetched_at') or 'the last fetch'}; "
                                        f"{entry.id} is up to date", entry.id)
            return entry
        fp = self._fingerprint(doc)
        old = entry.extra.get("page") or {}
        new = page_summary(doc.page) if doc.page else {}
        same_meta = all(old.get(k) == new.get(k) for k in ("title", "doc_number", "signed_date", "published_date"))
        if Fingerprint.from_json(entry.extra.get("fingerprint") or {}).sketch == fp.sketch and same_meta:
            self._out(url, "unchanged", f"only the page around the plan changed (counters, links); {entry.id} keeps "
                                        "its earlier copy", entry.id)
            return entry
        updated = archive.add_version(self.corpus, entry, resp, side, media_type=doc.media_type,
                                      encoding=doc.encoding, extra=self._extra(doc, fp, self._official(resp.final_url)))
        self._fingerprints[updated.id] = fp
        n = len(updated.extra.get("versions", [])) + 1
        self._out(url, "new_version", f"the page changed: version {n} of {entry.id} (earlier bytes kept)", entry.id)
        return updated

    def _attachments(self, entry: Entry) -> None:
        for i, att in enumerate(entry.extra.get("attachments", []), start=1):
            if att.get("file"):
                continue
            name, url = att.get("name") or att.get("url"), att.get("url")
            ext = extension(name) or extension(urlsplit(url).path)
            if ext is not None and ext not in READABLE:
                self._out(url, "attachment_skipped", f"attachment {name}: .{ext} files are not read "
                                                     "(only .docx, .xlsx and .pdf); its link is recorded", entry.id)
                continue
            try:
                resp = self.client.get(url, kind="attachment")
            except FetchError as exc:
                self._out(url, "failed", f"attachment {name} of {entry.id}: {exc.reason}", entry.id)
                continue
            kind = kind_of(resp.content, name, resp.final_url)
            try:
                if kind not in READABLE:
                    raise AttachmentError(f"the file is a .{kind} file, not .docx, .xlsx or .pdf; not read")
                lines = document_lines(resp.content, kind)
            except AttachmentError as exc:
                self._out(url, "failed", f"attachment {name} of {entry.id}: {exc}", entry.id)
                continue
            side = archive.sidecar(resp, encoding=None, page=None, referrer=entry.url,
                                   user_agent=self.client.config.user_agent)
            entry = archive.add_attachment(self.corpus, entry, i, resp, side, kind=kind, lines=len(lines))
            self._out(url, "attachment", f"attachment {name}: {len(lines)} lines of text kept with {entry.id}",
                      entry.id)

    # -- helpers -------------------------------------------------------------------------------------

    def _validators(self, entry: Entry | None) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the displayed copy, for a conditional request."""
        if entry is None or not entry.extra.get("sidecar"):
            return None, None
        try:
            side = json.loads((self.corpus.root / entry.extra["sidecar"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, None
        headers = side.get("headers") or {}
        return headers.get("etag"), headers.get("last-modified")

    def _official(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        if host in self.options.official_hosts:
            return True
        src = self.options.source
        if src is not None and src.official is not None and any(same_site(url, u) for u in src.listings):
            return src.official
        return host.endswith(".gov.cn")

    def _duplicate(self, fp: Fingerprint) -> Entry | None:
        for entry in self.corpus.entries() if self.corpus.exists() else []:
            other = self._fingerprints.get(entry.id)
            if other is None:
                other = self._entry_fingerprint(entry)
                self._fingerprints[entry.id] = other
            if same_plan(fp, other):
                return entry
        return None

    def _entry_fingerprint(self, entry: Entry) -> Fingerprint:
        if entry.extra.get("fingerprint"):
            return Fingerprint.from_json(entry.extra["fingerprint"])
        try:
            from ..normalise import normalise
            from ..pipeline import page_text

            text = page_text(self.corpus.read(entry), entry)
            return fingerprint(normalise(text).text)
        except Exception as exc:  # an unreadable document cannot be a duplicate
            log.debug("no fingerprint for %s: %s", entry.id, exc)
            return Fingerprint(())

    def _out(self, url: str, status: str, message: str, doc_id: str | None = None) -> None:
        outcome = Outcome(url, status, message, doc_id)
        self.report.outcomes.append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
