"""Tables whose rows are years: 年度 | 新建幼儿园(所) | 新增学位(万个) | 毛入园率(%), one row per year.

The transpose of an indicator table with year columns (:mod:`kb.extract.tabletargets`): each value cell
is one target for its column's indicator, in the column header's unit (万个 multiplied out), due in the
row's year (kind in_year, flag ``table_year_row``).  A 合计/总计 row gives the totals of the caption's
window (表1 2011—2013年分年度目标 → period 2011—2013, flag ``table_total_row``); without a window in the
caption it gives nothing.  A column without a unit in brackets is no measure and is skipped.
"""
from __future__ import annotations

import re

from ..models import Clause, Deadline, Span, Target
from . import lexicon as L
from .deadlines import find_deadlines
from .numbers import scale
from .tablecells import LABEL_UNIT, cell_value, header_span, lines_above, unit_of

__all__ = ["is_year_row", "year_row_targets"]

_YEAR_LABEL_COL = re.compile(r"年度|年份|年度目标|年")
_YEAR_CELL = re.compile(r"((?:19|20)\d{2})\s*年?(?:度|底)?")
_TOTAL = re.compile(r"合计|总计|累计")


def is_year_row(text: str, c: Clause) -> bool:
    """Whether a table row is labelled by a year (or is the 合计 row) under a 年度/年份 column."""
    col, s, e = c.cells[0]
    words = text[s:e].strip()
    return _YEAR_LABEL_COL.fullmatch(col) is not None and (
        _YEAR_CELL.fullmatch(words) is not None or _TOTAL.fullmatch(words) is not None)


def _window(text: str, column: str, before: int) -> Deadline | None:
    """The period a caption above the header names (表1 2011—2013年分年度目标)."""
    head = header_span(text, column, before)
    if head is None:
        return None
    for ln in reversed(lines_above(text, head, 2)):
        at = text.rfind(ln, 0, head[0])
        found = [d for d in find_deadlines(text, at, at + len(ln)) if d.kind == "period" and d.end]
        if found:
            return found[0]
    return None


def year_row_targets(text: str, c: Clause) -> list[Target]:
    """The targets of one year row (see the module docstring)."""
    col0, s0, e0 = c.cells[0]
    label = text[s0:e0].strip()
    m = _YEAR_CELL.fullmatch(label)
    if m:
        dl = Deadline(f"{m.group(1)}-12-31", label, "in_year", None, (s0, e0))
        flag = "table_year_row"
    else:
        dl = _window(text, col0, c.start)
        flag = "table_total_row"
        if dl is None:
            return []
    out = []
    for col, s, e in c.cells[1:]:
        name, unit, mult = unit_of(col)  # 新增学位(万个) → 新增学位, 个, 10000
        got = cell_value(text[s:e]) if unit and e > s else None
        if got is None:
            continue
        cmp, value, own_unit, cue = got
        if own_unit is None and mult != 1:
            value = scale(value, int(mult))
        if unit in ("所", "个", "名", "人", "间") and not name.endswith("数"):
            name += "数"  # 新建幼儿园(所) → 新建幼儿园数
        stage = L.stage_of(name) or L.taxonomy_stage(name, unit, None)
        out.append(Target(indicator=name, stage=stage, comparator=cmp, value=value, unit=own_unit or unit,
                          raw_value=text[s:e].strip(), deadline=dl, kind="target", modality=None,
                          cue=cue or "(table value)", span=Span(s0, e, text[s0:e]),
                          flags=(flag, f"unit_from_column_header:{LABEL_UNIT.search(col).group(1).strip()}"),
                          indicator_span=header_span(text, col, c.start)))
    return out
