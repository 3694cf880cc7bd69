"""Rows of a table whose value columns carry their own dates (a national or provincial plan table).

``序号|省份|截至2013年底已通过认定县数(个)|2014年通过认定县数(个)|2015年底前累计通过比例(%)``: each
column header names a measure, its unit and when: 截至… is the situation on that date (a baseline),
a bare year is due in that year (``table_year_column``), …年底前 is due by that date
(``deadline_from_column_header``).  A row of places gives one record per place and column, the place in
parentheses after the measure (``region_split``); the 合计 row gives the measure itself.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..models import Clause, Deadline, Span, Target
from ..tables import DATED_COL
from .tablecells import UNIT_WORD, cell_value, header_span

__all__ = ["dated_columns", "dated_column_row"]

_TOTAL = re.compile(r"合计|总计")


def dated_columns(columns: Sequence[str]) -> dict[str, re.Match]:
    """The columns whose headers carry a date, a measure and a unit, by header."""
    return {c: m for c in columns if (m := DATED_COL.fullmatch(c)) and UNIT_WORD.fullmatch(m.group("unit"))}


def dated_column_row(text: str, c: Clause, dated: dict[str, re.Match], place_col: re.Pattern) -> list[Target]:
    """The records of one row of places (or its 合计 row) under dated columns."""
    label = next((x for x in c.cells if place_col.fullmatch(x[0])), None)
    total = bool(c.path) and _TOTAL.fullmatch(c.path[-1]) is not None
    place = text[label[1]:label[2]].strip() if label else ""
    if not place and not total:
        return []
    a = label[1] if label and place else c.start
    out = []
    for col, s, e in c.cells:
        m = dated.get(col)
        got = cell_value(text[s:e]) if m else None
        if got is None:
            continue
        cmp, value, _, cue = got
        name = m.group("name") if total else f"{m.group('name')}({place})"
        y = int(m.group("year"))
        base = m.group("when").startswith(("截至", "截止"))
        head = header_span(text, col, c.start)
        when = (head[0], head[0] + len(m.group("when"))) if head else None
        if base:
            dl, kind, flags = None, "baseline", ("as_of_from_column_header",)
        elif m.group("before"):
            dl, kind = Deadline(f"{y}-12-31", m.group("when"), "by", None, when), "target"
            flags = ("deadline_from_column_header",)
        else:
            dl, kind = Deadline(f"{y}-12-31", f"{y}年", "in_year", None, when), "target"
            flags = ("table_year_column",)
        flags += ("table_total_row",) if total else ("region_split",)
        out.append(Target(indicator=name, stage=None, comparator=cmp, value=value, unit=m.group("unit"),
                          raw_value=text[s:e].strip(), deadline=dl, kind=kind, modality=None,
                          cue=cue or "(table value)", span=Span(a, e, text[a:e]),
                          flags=flags + (f"unit_from_column_header:{m.group('unit')}",),
                          indicator_span=(label[1], label[2]) if label and place else (s, e)))
    return out
