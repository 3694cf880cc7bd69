"""Attachments of a plan (附件): what they are, and their text (no network).

.docx files are read through :mod:`kb.worddoc`, .xlsx through
:mod:`kb.spreadsheet`, .pdf through :mod:`kb.pdftext`.  The text is laid out
as a web page flattens the same appendix: a ``附件N`` line, the title, the
paragraphs, and each table one cell per line, header first, so that
:mod:`kb.structure` and :mod:`kb.tables` rebuild the rows of a 职责分解表 or
工作清单 exactly as they do for an appendix printed in the page.  .doc, .xls,
.wps and other formats are recorded but not read.
"""
from __future__ import annotations

import io
import re
import zipfile

READABLE = ("docx", "xlsx", "pdf")
_NUMBER = re.compile(r"^\s*(?:附件\s*)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．:：\-—]?\s*")
_EXT = re.compile(r"\.(docx?|xlsx?|pdf|wps|et|ofd|zip|rar|7z|txt)\s*$", re.I)
_MARKER = re.compile(r"^\s*附\s*[件表]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]?\s*$")


class AttachmentError(ValueError):
    """An attachment that cannot be read."""


def kind_of(data: bytes, name: str = "", url: str = "") -> str:
    """"docx" | "xlsx" | "pdf" | "doc" | "xls" | "wps" | "zip" | … from the bytes, else the file name."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if any(n.lower().endswith(".ofd") or n.startswith("Doc_") for n in names) or "OFD.xml" in names:
            return "ofd"
        return "zip"
    ext = extension(name) or extension(url.split("?", 1)[0])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: Word 97, Excel 97, WPS
        return ext if ext in ("doc", "xls", "wps", "et") else "doc"
    return ext or "unknown"


def extension(name: str) -> str | None:
    m = _EXT.search(name or "")
    return m.group(1).lower() if m else None


def number_of(name: str, index: int) -> str:
    """The appendix number a link shows (附件2：…, 2.…), else its position (1-based)."""
    m = _NUMBER.match(name or "")
    return m.group(1) if m else str(index)


def title_of(name: str) -> str:
    """"2.恩平市…工作清单.xlsx" → "恩平市…工作清单"."""
    return _NUMBER.sub("", _EXT.sub("", name or "")).strip()


def document_lines(data: bytes, kind: str) -> list[str]:
    """The text of a .docx, .xlsx or .pdf, one line per paragraph and per table cell."""
    try:
        if kind == "docx":
            from ..worddoc import read_blocks

            lines: list[str] = []
            for what, block in read_blocks(data):
                if what == "p":
                    lines += [ln.strip() for ln in str(block).splitlines() if ln.strip()]
                else:
                    lines += _cells(block)  # type: ignore[arg-type]
            return lines
        if kind == "xlsx":
            from ..spreadsheet import read_sheets

            sheets = read_sheets(data)
            lines = []
            for name, rows in sheets:
                if rows and len(sheets) > 1:
                    lines.append(name)
                lines += _cells(rows)
            return lines
        if kind == "pdf":
            from ..pdftext import read_pages

            return [ln.strip() for page in read_pages(data) for ln in page.splitlines() if ln.strip()]
    except AttachmentError:
        raise
    except Exception as exc:  # a damaged file: one line in the report, never a traceback
        raise AttachmentError(f"the .{kind} file cannot be read ({type(exc).__name__}: {exc})") from exc
    raise AttachmentError(f".{kind} files are not read (only .docx, .xlsx and .pdf); convert it to read it")


def _cells(rows: list[list[str]]) -> list[str]:
    """A table one cell per line, row by row; a cell Word repeats for a horizontal merge is given once."""
    out: list[str] = []
    for row in rows:
        prev = None
        for cell in row:
            if cell == prev:
                continue
            prev = cell
            out += [ln.strip() for ln in str(cell).splitlines() if ln.strip()]
    return out


def appendix_text(name: str, index: int, lines: list[str]) -> str:
    """An attachment as an appendix of the plan: 附件N, its title, its lines."""
    out = list(lines)
    title = title_of(name)
    head = out[:3]
    if title and not any(re.sub(r"\s+", "", ln) == re.sub(r"\s+", "", title) for ln in head):
        out.insert(0, title)
    if not (out and _MARKER.match(out[0])) and not (len(out) > 1 and _MARKER.match(out[1])):
        out.insert(0, f"附件{number_of(name, index)}")
    return "\n".join(out)
