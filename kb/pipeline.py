"""Build the knowledge base from the corpus.

:func:`process` is pure (bytes and provenance in, a :class:`Processed` record
out); :func:`build` does the I/O, records a failure per document instead of
stopping, and swaps the new knowledge base in only when it is complete.  Each
build gets a new generation id (``meta`` row ``generation``), which the search
index built from it copies (:mod:`kb.store`, "Build generations").
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .corpus import Corpus, Entry
from .decode import decode_bytes
from .htmltext import html_to_text
from .metadata import PageFields, extract_metadata
from .models import Clause, Metadata, Region, Responsibility, Target
from .facts import ClauseLocator, extract_facts, responsibility_row, target_row
from .normalise import Normalised, normalise
from .regions import by_code
from .generations import build_lock, new_generation, remove_dead_building_files
from .store import Writer
from .testhooks import pause_point
from .structure import parse_clauses

log = logging.getLogger(__name__)


class StageError(Exception):
    """A document failed in one stage; carries the stage name."""

    def __init__(self, stage: str, message: str):
        super().__init__(message)
        self.stage = stage


@dataclass(frozen=True)
class Processed:
    entry: Entry
    norm: Normalised
    metadata: Metadata
    clauses: tuple[Clause, ...]
    targets: tuple[Target, ...] = ()
    responsibilities: tuple[Responsibility, ...] = ()


@dataclass
class BuildReport:
    documents: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (doc id, stage, message)
    failed_files: dict[str, str] = field(default_factory=dict)  # doc id -> its file in the corpus (raw/…)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    text_bytes: int = 0  # UTF-8 bytes of normalised input text
    generation: str = ""  # the build generation id written into the knowledge base

    @property
    def ok(self) -> bool:
        return not self.failures


def _timed(report: BuildReport | None, stage: str, fn: Callable, *args):
    t = time.perf_counter()
    try:
        return fn(*args)
    except StageError:
        raise
    except Exception as exc:  # a bug or a pathological input: record it, keep building
        log.debug("stage %s failed", stage, exc_info=True)
        raise StageError(stage, f"{type(exc).__name__}: {exc}") from exc
    finally:
        if report is not None:
            report.seconds[stage] = report.seconds.get(stage, 0.0) + time.perf_counter() - t


def page_text(data: bytes, entry: Entry | None = None, attachments: Sequence[tuple[dict, bytes]] = ()) -> str:
    """The text of a document (see :func:`read_document`)."""
    return read_document(data, entry, attachments)[0]


def read_document(data: bytes, entry: Entry | None = None,
                  attachments: Sequence[tuple[dict, bytes]] = ()) -> tuple[str, PageFields | None]:
    """The text of a document, and what the page reader found on it (None for anything but
    an HTML page with an article body).

    A page whose article body a template or the density scorer finds
    (:mod:`kb.scrape.pages`) gives the metadata lines it shows (索引号, 发布机构,
    文号, 成文日期 … as label:value) and its body; any other HTML page its whole
    visible text; a plain text file its text; a fetched .docx/.xlsx/.pdf its
    paragraphs and table cells.  Fetched attachments follow as appendices
    (附件N, title, text; tables one cell per line).
    """
    from .scrape.attachments import appendix_text, document_lines, kind_of

    given: PageFields | None = None
    if entry is not None and entry.media_type not in ("text/html", "text/plain"):
        text = "\n".join(document_lines(data, kind_of(data, entry.file, entry.url or "")))
    else:
        decoded = decode_bytes(data)
        text = decoded.text
        if decoded.media_type == "text/html":
            from .scrape.pages import extract_page
            from .scrape.pages import page_text as article_text

            page = extract_page(decoded.text, entry.url if entry is not None else None, body_metadata=False)
            text = article_text(page) if page.has_body else html_to_text(decoded.text)
            if page.has_body:
                given = page_fields(page)
    for i, (att, blob) in enumerate(attachments, start=1):
        kind = att.get("kind") or kind_of(blob, att.get("name", ""))
        text += "\n\n" + appendix_text(att.get("name", ""), i, document_lines(blob, kind))
    return text, given


def page_fields(page) -> PageFields:
    """The metadata a page shows (kb.scrape.pages.Page): its title, and the 文号, issuer and dates of its
    metadata table — not the 来源 line, which names the site more often than the issuer."""
    fields = dict(page.raw_fields)
    return PageFields(title=page.title, doc_number=page.doc_number, issuer=fields.get("发布机构"),
                      signed_date=page.signed_date, published_date=page.published_date)


def attachment_files(corpus: Corpus, entry: Entry) -> list[tuple[dict, bytes]]:
    """The fetched attachments of a document with their bytes (checked against their sha256)."""
    out = []
    for att in entry.extra.get("attachments", []) if isinstance(entry.extra, dict) else []:
        if not att.get("file"):
            continue
        blob = (corpus.root / att["file"]).read_bytes()
        if att.get("sha256") and hashlib.sha256(blob).hexdigest() != att["sha256"]:
            raise StageError("read", f"the attachment {att['file']} no longer matches its sha256")
        out.append((att, blob))
    return out


def process(entry: Entry, data: bytes, report: BuildReport | None = None,
            attachments: Sequence[tuple[dict, bytes]] = ()) -> Processed:
    raw, given = _timed(report, "decode", read_document, data, entry, attachments)
    if report is not None:
        report.text_bytes += len(raw.encode("utf-8"))
    norm = _timed(report, "normalise", normalise, raw)
    if not norm.text.strip():
        raise StageError("normalise", "no text left after removing site chrome")
    meta = _timed(report, "metadata", document_metadata, norm, given)
    clauses = _timed(report, "structure", parse_clauses, norm.text)
    region = _region(meta, entry)
    targets, resps = _timed(report, "extract", extract_facts, norm.text, clauses, region, meta.issuers)
    return Processed(entry, norm, meta, tuple(clauses), tuple(targets), tuple(resps))


def document_metadata(norm: Normalised, given: PageFields | None = None) -> Metadata:
    """The metadata of a normalised document: what the page reader found (``given``) is kept,
    the text fills the rest; the 文号 keeps the form the page prints (before normalisation)."""
    meta = extract_metadata(norm.text, _normalised_fields(norm, given) if given else None)
    number = meta.doc_number
    if number is not None and number.start >= 0 and number.end <= len(norm.text):
        printed = norm.original(number.start, number.end).strip() or number.printed
        if printed != number.printed:
            meta = replace(meta, doc_number=replace(number, printed=printed))
    return meta


def _normalised_fields(norm: Normalised, given: PageFields) -> PageFields:
    """The page reader's values in the form of the normalised text (NFKC, simplified script, pinyin
    annotations stripped): the title as the first line of the text shows it, where the page text
    starts with it (:func:`kb.scrape.pages.page_text`)."""
    from .normalise import normalise_query

    title = given.title
    if title:
        shown = None
        if norm.raw.startswith(title):
            a, b = norm.log.forward(0, len(title), 0)
            shown = norm.text[a:b].strip() or None
        title = shown or normalise_query(title).strip() or None
    return given._replace(
        title=title,
        doc_number=normalise_query(given.doc_number).strip() if given.doc_number else None,
        issuer=normalise_query(given.issuer).strip() if given.issuer else None,
    )


def _region(meta: Metadata, entry: Entry) -> Region | None:
    """The region the text names, else the one recorded in the manifest."""
    if meta.region is None and entry.region_code:
        return by_code(entry.region_code)
    return meta.region


def region_json(region: Region | None) -> dict | None:
    if region is None:
        return None
    return {
        "code": region.code, "name": region.name, "level": region.level,
        "prefecture": region.prefecture, "prefecture_code": region.prefecture_code,
        "province": region.province, "province_code": region.province_code,
    }


def metadata_json(meta: Metadata) -> dict:
    return {
        "title": meta.title,
        "title_span": meta.title_span,
        "notice_title": meta.notice_title,
        "notice_title_span": meta.notice_title_span,
        "doc_number": asdict(meta.doc_number) if meta.doc_number else None,
        "issuers": list(meta.issuers),
        "issuer_spans": [list(s) for s in meta.issuer_spans],
        "dates": [asdict(d) for d in meta.dates],
        "index_no": meta.index_no,
        "citations": [asdict(c) for c in meta.citations],
    }


def document_row(p: Processed, seq: int) -> dict:
    m, n, e = p.metadata, p.norm, p.entry
    region = _region(m, e)
    signed = m.date("signed")
    published = m.date("published")
    year = None
    for candidate in (signed, m.doc_number.year if m.doc_number else None, published):
        if candidate:
            year = int(str(candidate)[:4])
            break
    return {
        "id": e.id,
        "seq": seq,
        "title": m.title,
        "notice_title": m.notice_title,
        "doc_number": m.doc_number.text if m.doc_number else None,
        "doc_number_prefix": m.doc_number.prefix if m.doc_number else None,
        "doc_number_year": m.doc_number.year if m.doc_number else None,
        "doc_number_seq": m.doc_number.seq if m.doc_number else None,
        "issuers": list(m.issuers),
        "signed_date": signed,
        "published_date": published,
        "year": year,
        "region_code": region.code if region else None,
        "region": region_json(region),
        "script": n.script,
        "flags": list(n.flags),
        "site": e.site,
        "url": e.url,
        "sources": entry_sources(e),
        "origin": e.origin,
        "label": e.label,
        "sha256": e.sha256,
        "raw_file": e.file,
        "text": n.text,
        "raw_text": n.raw,
        "edit_log": n.log.to_json(),
        "normalisation": n.report(),
        "metadata": metadata_json(m),
    }


def entry_sources(e: Entry) -> list[dict]:
    """Where a document was fetched from: the displayed source first, then mirrors (kb.scrape.archive)."""
    if not e.url:
        return []
    extra = e.extra if isinstance(e.extra, dict) else {}
    out = [{"url": e.url, "site": e.site, "official": extra.get("official"), "displayed": True}]
    out += [{"url": s.get("final_url") or s.get("url"), "site": s.get("site"), "official": s.get("official"),
             "displayed": False} for s in extra.get("sources", []) if isinstance(s, dict)]
    return out


def clause_rows(clauses: Iterable[Clause]) -> list[dict]:
    return [
        {"path": c.path_str, "heading": c.heading, "kind": c.kind, "start": c.start, "end": c.end,
         "text": c.text, "cells": [list(x) for x in c.cells]}
        for c in clauses
    ]


def build(corpus_dir: Path | str, db_path: Path | str,
          progress: Callable[[Iterable[Entry]], Iterable[Entry]] | None = None) -> BuildReport:
    """Rebuild the knowledge base from every document of the corpus.

    Holds the build lock (:func:`kb.generations.build_lock`) throughout, and first removes the
    ``<db>.building-*`` files that killed builds left."""
    with build_lock(db_path):
        remove_dead_building_files(db_path)
        return _build(corpus_dir, db_path, progress)


def _build(corpus_dir: Path | str, db_path: Path | str,
           progress: Callable[[Iterable[Entry]], Iterable[Entry]] | None) -> BuildReport:
    corpus = Corpus(corpus_dir)
    entries = corpus.entries()
    report = BuildReport(generation=new_generation())
    writer = Writer(db_path)
    try:
        seq = 0
        iterable: Iterable[Entry] = progress(entries) if progress else entries
        for entry in iterable:
            try:
                data = corpus.read(entry)
                if hashlib.sha256(data).hexdigest() != entry.sha256:
                    raise StageError("read", "the file's bytes no longer match the sha256 in the manifest")
                processed = process(entry, data, report, attachment_files(corpus, entry))
                with writer.document():
                    _store(writer, processed, seq, report)
                seq += 1
                report.documents += 1
                if seq == 1:
                    pause_point("extract")
            except OSError as exc:
                _fail(writer, report, entry, "read", f"cannot read {entry.file}: {exc.strerror or exc}")
            except StageError as exc:
                _fail(writer, report, entry, exc.stage, str(exc))
            except Exception as exc:  # never let one document stop the batch
                log.debug("document %s failed", entry.id, exc_info=True)
                _fail(writer, report, entry, "store", f"{type(exc).__name__}: {exc}")
        t = time.perf_counter()
        writer.create_indexes()
        writer.resolve_citations()
        report.seconds["resolve"] = time.perf_counter() - t
        writer.set_meta("documents", str(report.documents))
        writer.set_meta("corpus_fingerprint", _fingerprint(entries))
        writer.set_meta("built_on", _dt.date.today().isoformat())
        writer.set_meta("generation", report.generation)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return report


def _store(writer: Writer, p: Processed, seq: int, report: BuildReport) -> None:
    """Write one document; the time goes to "store" (text, clauses, citations)
    and "store_facts" (targets and responsible units)."""
    t0 = time.perf_counter()
    doc_id = p.entry.id
    writer.add_document(document_row(p, seq))
    writer.add_clauses(doc_id, clause_rows(p.clauses))
    writer.add_citations(doc_id, [vars(c) for c in p.metadata.citations])
    t1 = time.perf_counter()
    where = ClauseLocator(p.clauses)
    writer.add_targets(doc_id, [target_row(x, where.path(x.span.start)) for x in p.targets])
    writer.add_responsibilities(doc_id, [responsibility_row(r, where.path(r.span.start)) for r in p.responsibilities])
    t2 = time.perf_counter()
    report.seconds["store"] = report.seconds.get("store", 0.0) + t1 - t0
    report.seconds["store_facts"] = report.seconds.get("store_facts", 0.0) + t2 - t1


def _fail(writer: Writer, report: BuildReport, entry: Entry, stage: str, message: str) -> None:
    log.warning("%s failed in %s: %s", entry.id, stage, message)
    report.failures.append((entry.id, stage, message))
    report.failed_files[entry.id] = entry.file
    writer.add_failure(entry.id, entry.file, stage, message)


def _fingerprint(entries: list[Entry]) -> str:
    h = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.id):
        h.update(f"{e.id}:{e.sha256}\n".encode())
    return h.hexdigest()
