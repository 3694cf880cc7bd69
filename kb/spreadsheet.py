"""XLSX files: write comparison tables, read attachment sheets (the openpyxl owner)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from openpyxl import Workbook, load_workbook
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
    None or :class:`Link`; numbers stay numbers.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    bold = Font(bold=True)
    for i, line in enumerate(title_lines):
        ws.append([line])
        if i == 0:
            ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    header_row = len(title_lines) + 1
    ws.append([c.header for c in columns])
    for cell in ws[header_row]:
        cell.font = bold
    ws.freeze_panes = f"A{header_row + 1}"
    link_font = Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for r, row in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, Link):
                cell.value = value.text
                if value.url:
                    cell.hyperlink = value.url
                    cell.font = link_font
            else:
                cell.value = value
            cell.alignment = wrap if columns[c - 1].wrap else top
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    if ws.max_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{ws.max_row}"
    if about:
        info = wb.create_sheet("说明")
        for key, value in about:
            info.append([key, value])
        for cell in info["A"]:
            cell.font = bold
        info.column_dimensions["A"].width = 14
        info.column_dimensions["B"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
