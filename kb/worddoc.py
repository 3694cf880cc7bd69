"""DOCX files: write comparison tables for drafting notes, read attachment text (the python-docx owner)."""
from __future__ import annotations

import io
from typing import Iterator, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph


def write_table_document(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
                         notes: Sequence[str] = (), sources: Sequence[str] = (),
                         widths_cm: Sequence[float] | None = None, after: Sequence[str] = ()) -> bytes:
    """A landscape A4 document: a title, ``notes`` lines, one table, ``after`` lines and the
    numbered ``sources`` under it."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # CJK text in Word/WPS uses the eastAsia font
    doc.add_heading(title, level=1)
    for line in notes:
        para = doc.add_paragraph(line)
        para.paragraph_format.space_after = Pt(2)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    _repeat_header(table)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = "" if text is None else str(text)
    if widths_cm:
        # Word reads the cell widths, LibreOffice and WPS the grid columns: set both.
        table.autofit = False
        for col, w in zip(table.columns, widths_cm):
            col.width = Cm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths_cm):
                cell.width = Cm(w)
    for line in after:
        para = doc.add_paragraph(line)
        para.paragraph_format.space_before = Pt(4)
    if sources:
        doc.add_heading("来源", level=2)
        for i, line in enumerate(sources, start=1):
            doc.add_paragraph(f"[{i}] {line}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row, repeated on every page."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(el)


def read_blocks(data: bytes) -> Iterator[tuple[str, object]]:
    """The body of a .docx in document order: ("p", text) for paragraphs, ("table", rows) for tables,
    where rows is a list of lists of cell texts (merged cells repeated as Word reports them)."""
    doc = Document(io.BytesIO(data))
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, doc).text
            if text.strip():
                yield "p", text
        elif child.tag == qn("w:tbl"):
            table = Table(child, doc)
            rows = []
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells]
                if any(cells):
                    rows.append(cells)
            if rows:
                yield "table", rows
