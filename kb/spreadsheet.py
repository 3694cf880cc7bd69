"""XLSX files: write comparison tables, read attachment sheets (the openpyxl owner)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    """One column of an exported table: header, width in characters, and whether it holds links."""

    header: str
    width: int = 12
    wrap: bool = False


@dataclass(frozen=True)
class Link:
    """A cell shown as ``text`` that opens ``url``."""

    text: str
    url: str


def write_table(columns: Sequence[Column], rows: Iterable[Sequence], about: Sequence[tuple[str, str]] = (),
                sheet_title: str = "对比", title_lines: Sequence[str] = ()) -> bytes:
    """A workbook with one table sheet and an 说明 sheet listing ``about``.

    ``title_lines`` go above the table, the first in bold; the header row is
    bold and frozen (with everything above it).  Cells may be str, int, float,
    None or :class:`Link`; numbers stay numbers, text stays text (never a
    formula, whatever it starts with), and a link is clickable only when its
    URL is an http(s) address (else its text alone is written).  Written in openpyxl's
    streaming (write-only) mode: a few thousand rows take a fraction of a second.
    """
    rows = list(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    header_row = len(title_lines) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    # Printed: landscape, as wide as one page, the header repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(rows)}"
    for i, line in enumerate(title_lines):
        ws.append([_styled(ws, line, font=Font(bold=True, size=13) if i == 0 else None)])
    bold = Font(bold=True)
    ws.append([_styled(ws, c.header, font=bold) for c in columns])
    wrap = Alignment(wrap_text=True, vertical="top")
    link_font = Font(color="0563C1", underline="single")
    wrapped = [c.wrap for c in columns]
    for row in rows:
        out = []
        for value, w in zip(row, wrapped):
            if isinstance(value, Link):
                cell = _styled(ws, value.text)
                if is_web_url(value.url):
                    cell.hyperlink = value.url
                    cell.font = link_font
                    _as_text(cell, value.text)
                out.append(cell)
            elif isinstance(value, str):
                out.append(_styled(ws, value, alignment=wrap) if w and value else _text(ws, value))
            else:
                out.append(value)
        ws.append(out)
    if about:
        info = wb.create_sheet("说明")
        info.column_dimensions["A"].width = 14
        info.column_dimensions["B"].width = 100
        for key, value in about:
            info.append([_styled(info, key, font=bold), _styled(info, value)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def is_web_url(url: str | None) -> bool:
    """Only an http(s) address with a host becomes a clickable link (no javascript:, file:, formula …)."""
    return bool(url) and _WEB_URL.match(url) is not None


_WEB_URL = re.compile(r"https?://[^\x00-\x20\x7f/?#\\]+[^\x00-\x20\x7f]*\Z", re.IGNORECASE)


def _as_text(cell, value) -> None:
    """A str is stored as a string cell, always: openpyxl would otherwise store one starting with
    "=" as a formula and one such as "#N/A" as an error."""
    if isinstance(value, str):
        cell.data_type = "s"


def _text(ws, value: str):
    """A plain text cell: the str itself where openpyxl stores it as a string anyway (fast: most
    cells), else a cell marked as a string.  openpyxl takes a str starting with "=" for a formula
    and one such as "#N/A" for an error (every error code starts with "#")."""
    return _styled(ws, value) if value.startswith(("=", "#")) else value


def _styled(ws, value, font: Font | None = None, alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    _as_text(cell, value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def read_sheets(data: bytes) -> list[tuple[str, list[list[str]]]]:
    """Every sheet of a workbook as (name, rows of cell texts); empty rows dropped, values as shown."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = []
    try:
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows(values_only=True):
                cells = ["" if v is None else _cell_text(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if any(cells):
                    rows.append(cells)
            out.append((ws.title, rows))
    finally:
        wb.close()
    return out


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
