"""Tables of rates before and after an adjustment, printed one cell per line.

A notice that raises a standard often closes with a table of it (FORMS.md:
the 附表 of a 生活补助 notice, the 附件 of a 公用经费定额 notice): a caption
(山西省乡村教师生活补助分类标准, 某市中小学生均公用经费定额标准表), maybe a
unit line (单位:元/生·年), then header cells — a label column (类别, 学段),
optional text columns (实施范围) and phase columns (调整前(元/人·月) /
调整后标准, 现行标准 / 新标准) — and rows of exactly that many cells.  An HTML
``<table>`` arrives in this shape, and so does a page printed with a ``|``
after every cell.  A table of one rate for several groups (学段 | 寄宿生 | 非寄宿生) has the same
shape without phase columns; it is read only right under a caption naming a rate (…补助标准),
with a unit line or unit columns (:func:`find_group_tables`).

:func:`phase_of` says which side of the adjustment a column is on; the target
reader (:mod:`kb.extract.tabletargets`) turns the after-column into standards
and the before-column into baselines.
"""
from __future__ import annotations

import re
from typing import Sequence

from .tables import VALUE_CELL, Line, Row, Table

__all__ = ["UNIT_LINE", "find_group_tables", "find_phase_tables", "phase_of"]

_BEFORE = r"调整前|提标前|原|现行"
_AFTER = r"调整后|提标后|提高后|新"
#: 调整前(元/人·月), 调整后标准, 现行补助标准, 新标准
_PHASE_COL = re.compile(rf"(?P<phase>{_BEFORE}|{_AFTER})(?:补助|拨款|经费)?(?:标准|定额)?"
                        r"(?:[((](?P<unit>[^()()]{1,10})[))])?")
_AFTER_RE = re.compile(rf"^(?:{_AFTER})")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE = re.compile(r"[。;:!?,,;:]")
_EDGE = " \t\u3000|"


def phase_of(column: str) -> tuple[str, str | None] | None:
    """("before"|"after", unit written in the column's brackets) of a phase column, else None."""
    m = _PHASE_COL.fullmatch(column)
    if not m:
        return None
    return ("after" if _AFTER_RE.match(m.group("phase")) else "before"), m.group("unit")


def _bare(ln: Line) -> Line:
    """The line without the ``|`` a pipe-printed page puts after each cell."""
    s = ln.s.strip(_EDGE)
    if not s:
        return Line(ln.start, ln.start, "")
    a = ln.start + ln.s.index(s)
    return Line(a, a + len(s), s)


def _label_cell(s: str) -> bool:
    return bool(_CJK.search(s)) and len(s) <= 16 and not _SENTENCE.search(s) and not VALUE_CELL.fullmatch(s)


def _text_cell(s: str) -> bool:
    return 0 < len(s) <= 30 and not _SENTENCE.search(s) and not VALUE_CELL.fullmatch(s)


def _header_cell(s: str) -> bool:
    return _label_cell(s) and len(s) <= 8 and phase_of(s) is None and not s.endswith("表")


def _rows(cells: Sequence[Line], k: int, i: int, j: int) -> Table | None:
    """The table with header cells[k:j] (phase columns from i), when at least two rows fit it."""
    columns = tuple("".join(c.s.split()) for c in cells[k:j])
    width, first_phase = len(columns), i - k
    rows: list[Row] = []
    r = j
    while r + width <= len(cells):
        row = cells[r:r + width]
        if not _label_cell(row[0].s) or not all(_text_cell(c.s) for c in row[1:first_phase]) \
                or not all(_value(c.s) for c in row[first_phase:]):
            break
        named = tuple((columns[c], ln.start, ln.end) for c, ln in enumerate(row))
        rows.append(Row(None, str(len(rows) + 1), row[0].start, row[-1].end, row[0].s, named))
        r += width
    return Table(k, columns, tuple(rows)) if len(rows) >= 2 else None


def _value(s: str) -> bool:
    m = VALUE_CELL.fullmatch(s)
    return m is not None and not m.group("empty")


def find_phase_tables(lines: Sequence[Line]) -> list[Table]:
    """Before/after rate tables: a label header cell, up to two text columns and one or two phase
    columns (at least one after the adjustment), then at least two rows whose phase cells are values."""
    cells = [_bare(ln) for ln in lines]
    out: list[Table] = []
    i, n = 0, len(cells)
    while i < n:
        if phase_of("".join(cells[i].s.split())) is None:
            i += 1
            continue
        # the phase columns close the header; walk back over the label and text columns
        j = i
        while j < n and phase_of("".join(cells[j].s.split())) is not None:
            j += 1
        phases = [phase_of("".join(c.s.split())) for c in cells[i:j]]
        if not any(p[0] == "after" for p in phases) or len(phases) > 2:
            i = j
            continue
        best: Table | None = None
        k = i
        # the label column and up to two text columns before the phase columns: the widest header
        # whose rows fit wins (a caption line right above is no header cell, its rows would not fit)
        while k > 0 and i - k < 3 and _header_cell(cells[k - 1].s):
            k -= 1
            table = _rows(cells, k, i, j)
            if table is not None and (best is None or len(table.rows) >= len(best.rows)):
                best = table
        if best is not None:
            out.append(best)
            i = next(x for x in range(j, n + 1) if x == n or cells[x].start >= best.rows[-1].end)
        else:
            i = j
    return out


#: the caption of a rate table: it names a rate (…生活补助标准, …定额标准表)
_RATE_CAPTION = re.compile(r"(?:补助|补贴|资助|经费|拨款|收费|奖励)[\u4e00-\u9fff]{0,6}(?:标准|定额)表?$")
#: a unit line under a caption: 单位:个, (单位:元/生·年), 计量单位:万元
UNIT_LINE = re.compile(r"[((]?\s*(?:计量)?单位\s*[::]\s*([^()()\s,,;;]{1,10})\s*[))]?")


def _group_cell(s: str) -> bool:
    q = "".join(s.split())
    return _label_cell(q) and len(q) <= 8 and phase_of(q) is None and not re.search(r"(?:19|20)\d{2}", q)


def find_group_tables(lines: Sequence[Line]) -> list[Table]:
    """Rate tables for groups (学段 | 寄宿生 | 非寄宿生, rows 小学 | 1000 | 500) right under a caption that
    names a rate (and an optional unit line): a label column, one to four group columns, at least two rows."""
    cells = [_bare(ln) for ln in lines]
    out: list[Table] = []
    n = len(cells)
    for c in range(n - 4):
        cap = "".join(cells[c].s.split())
        if len(cap) > 40 or not _RATE_CAPTION.search(cap) or _SENTENCE.search(cap.split("：")[-1].split(":")[-1]):
            continue
        h = c + 1 + (1 if c + 1 < n and UNIT_LINE.fullmatch("".join(cells[c + 1].s.split())) else 0)
        best: Table | None = None
        for width in range(2, 6):
            if h + width > n or not all(_group_cell(x.s) for x in cells[h:h + width]):
                break
            table = _rows(cells, h, h + 1, h + width)
            if table is not None and (best is None or len(table.rows) > len(best.rows)):
                best = table
        if best is not None and (not out or out[-1].rows[-1].end < cells[h].start):
            out.append(best)
    return out
