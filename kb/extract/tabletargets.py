"""Targets read from table rows (clauses of kind ``table_row`` with their cells).

Shapes of the genre (FORMS.md §2.3):

* **indicator tables** — a label column (指标/指标名称, ``1.学前三年毛入园率(%)``)
  and year columns (2020年 / 2025年, 2023年基数 / 2024年 / 2025年, 2025年目标).
  Each value cell under a year column is one record for the row's indicator:
  a target due in that year ({end YYYY-12-31, text "YYYY年", kind in_year},
  flag ``table_year_column``), or a baseline for the base-year column (one
  headed 基数/现状/实际, or a year before the plan's first year).  ``92以上``
  → ≥92, ``2以内`` → ≤2, a bare number → = ; the unit is the one the label
  carries in brackets (``(%)``, ``(年)``) or the cell's own; 属性 cells
  (预期性/约束性) become flags.
* **project tables** (项目名称 / 建设内容 / 总投资(万元) / 建设年限) — task-table rows whose amount
  column gives the project's investment in the header's unit, named by the project, and whose
  建设年限 column dates the row like a 完成时限 column.
* **before/after rate tables** (调整前 / 调整后, 现行 / 新: :mod:`kb.phasetables`) — the new
  standards and the baselines they replace, named by the caption.
* **task-breakdown tables** (重点任务 / 牵头单位 / 责任单位 / 完成时限) — each task
  cell is read as prose by the sentence extractor, on its own, so the row
  number and the unit cells never join an indicator; a 完成时限 cell
  ``YYYY年M月`` dates the cell's targets that carry no date of their own
  (kind by, month end, flag ``deadline_from_table_column:完成时限``); a schedule
  cell (每年9月, 长期, 长期坚持) dates nothing.

Rows printed on one line (``|``, tabs, runs of spaces) are always read cell by
cell; rows written one cell per line are read cell by cell only when they have
a deadline column (otherwise every cell line is already a paragraph of its own).
A task table flattened one cell per line in the body (an HTML ``<table>`` under
四、进度安排: 序号 / 工作任务 / 完成时限, then rows 1, 2, 3 …) arrives as table rows too
(:func:`kb.tables.find_flat_task_tables`); a 学段 column gives a row's stage.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Sequence

from ..models import Clause, Deadline, Span, Target
from ..phasetables import UNIT_LINE, phase_of
from ..tables import VALUE_CELL
from . import lexicon as L
from .datedcols import dated_column_row, dated_columns
from .deadlines import find_deadlines
from .numbers import scale
from .ratecells import rate_cell_targets
from .yearrows import is_year_row, year_row_targets
from .tablecells import (CAPTION_REGION, MULT, UNIT_WORD, cell_value, header_span, lines_above, read_caption,
                         unit_of)

__all__ = ["ProseCell", "TableReading", "read_tables", "date_cell_target"]
log = logging.getLogger(__name__)

_YEAR_HEAD = re.compile(r"((?:19|20)\d{2})\s*年")
_BASE_WORDS = re.compile(r"基数|基期|基准|现状|实际|现值|完成值")
_GOAL_WORDS = re.compile(r"目标|预期|规划")
_LABEL_COL = re.compile(r"指标|项目|名称|内容")
_SEQ_COL = re.compile(r"序号|编号|序|号")
_ATTR_COL = re.compile(r"属性|性质|类型")
#: a measure without a unit (校际差异系数 0.45, 校际差异率 0.15)
_UNITLESS = re.compile(r"(?:差异系数|差异率|系数|指数)$")
_STAGE_COL = re.compile(r"学段")  # 序号 | 指标 | 学段 | 2022年 | 2025年: the row's stage in its own column
_UNIT_COL = re.compile(r"^(?:计量)?单位$")
_DEADLINE_COL = re.compile(r"时限|完成时间|时间节点|完成期限|时间要求|进度安排|建设年限|建设期限|建设周期|实施年限|实施期限")
#: 总投资(万元) | 12800: the amount of a project row, in the unit its header names
_AMOUNT_COL = re.compile(r"(?P<name>[\u4e00-\u9fff]{0,6}(?:投资|资金|经费)[\u4e00-\u9fff]{0,4})[((](?P<unit>万元|亿元|元)[))]")
_PROJECT_COL = re.compile(r"项目(?:名称)?|工程(?:名称)?")
_TASK_COL = re.compile(r"任务|内容|措施|事项|指标|目标|项目|工作")
_NOT_TASK_COL = re.compile(r"单位|部门|领导|责任人|时限|时间|备注|序号")
#: a label column of places or schools: the indicator is the table's caption
_PLACE_COL = re.compile(r"市县|县市|市州|县区|区县|县\(市、区\)|县\(市\)|地区|地市|乡镇|乡镇\(街道\)|学校|学校名称|单位名称"
                        r"|省份|省\(区、市\)|省\(自治区、直辖市\)")
#: 招聘名额(名), 其中:初中(名): a value column of an allocation table, the unit in its brackets
_AMOUNT_HEAD = re.compile(r"(?:其中[::](?P<sub>[^()()]{1,8}))?(?P<name>[^()()]{0,10})[((](?P<unit>[^()()]{1,4})[))]")
_TOTAL_COL = re.compile(r"合计|总计|小计|累计")
_TOTAL_ROW = re.compile(r"^(?:全省|全市|全县|全区|全州)?(?:合计|总计)$")
_SCHEDULE = re.compile(r"每|长期|持续|常态|逐年|定期")


@dataclass(frozen=True)
class ProseCell:
    """A task cell to read as prose, with the deadline its row's 完成时限 column gives."""

    start: int
    end: int
    deadline: Deadline | None  # the column's date; None when the column gives none
    dated: bool  # the row has a deadline column (a schedule cell then dates nothing)
    column: str  # the deadline column's name (完成时限)


@dataclass(frozen=True)
class TableReading:
    rows: tuple[tuple[int, int], ...]  # spans of the rows read here: the paragraph pass leaves them
    cells: tuple[ProseCell, ...]
    targets: tuple[Target, ...]  # the values of year columns (targets and baselines)

    def covers(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.rows)

    def outside(self, paragraphs: Iterable[re.Match]) -> Iterator[re.Match]:
        """The paragraphs (line matches, in order) that no table row read here overlaps."""
        rows, k = self.rows, 0
        for m in paragraphs:
            while k < len(rows) and rows[k][1] <= m.start():
                k += 1
            if k < len(rows) and rows[k][0] < m.end():
                continue
            yield m

    def merge(self, out: list[Target], read: Callable[[int, int, list[Target], Deadline | None], None]) -> list[Target]:
        """``out`` with the targets of the task cells (read as prose by ``read``) and of the year columns."""
        if not self.rows:
            return out
        out = list(out) + list(self.targets)
        for cell in self.cells:
            part: list[Target] = []
            try:
                read(cell.start, cell.end, part, cell.deadline)
            except Exception:  # a pathological cell must not stop the document
                log.debug("target extraction failed on a table cell at %d", cell.start, exc_info=True)
            out.extend(date_cell_target(t, cell) for t in part)
        return sorted(out, key=lambda t: t.span.start)


def _reference_year(text: str, plan_start: str | None) -> int | None:
    """The year a plan starts from: its title period's first year, else the year of its first full date."""
    if plan_start:
        return int(plan_start[:4])
    m = re.search(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|((?:19|20)\d{2})-\d{2}-\d{2}", text[:2000])
    return int(m.group(1) or m.group(2)) if m else None


def _year_columns(columns: Sequence[str], ref: int | None) -> dict[str, tuple[int, bool]]:
    """Year columns → (year, is_baseline)."""
    years = {}
    for c in dict.fromkeys(columns):
        m = _YEAR_HEAD.match(c)
        if m and _YEAR_HEAD.fullmatch(c[:m.end()]) and len(c) <= 10:
            years[c] = int(m.group(1))
    if not years:
        return {}
    first = min(years.values())
    out = {}
    for c, y in years.items():
        if _BASE_WORDS.search(c):
            base = True
        elif _GOAL_WORDS.search(c):
            base = False
        elif ref is not None:
            base = y < ref
        else:
            base = len(years) >= 2 and y == first
        out[c] = (y, base)
    return out


def _year_row(text: str, c: Clause, years: dict[str, tuple[int, bool]],
              defined: Sequence[tuple[str, str]] = ()) -> list[Target]:
    cells = c.cells
    label = next((x for x in cells if _LABEL_COL.search(x[0]) and x[0] not in years), None) or next(
        (x for x in cells if x[0] not in years and not _SEQ_COL.fullmatch(x[0]) and not _ATTR_COL.search(x[0])
         and not _UNIT_COL.match(x[0]) and not _STAGE_COL.search(x[0])), None)
    if label is None:
        return []
    stage_cell = next((L.one_stage(L.stages_in(text[s:e])) for col, s, e in cells if _STAGE_COL.search(col)), None)
    name, unit, mult = unit_of(text[label[1]:label[2]])
    total = None
    if _PLACE_COL.fullmatch(label[0]):  # rows are places: the caption names the indicator (…学位分年度安排表)
        cap = read_caption(text, label[0], c.start)
        if cap is None:
            return []
        place = name
        name = cap[0] if _TOTAL_ROW.search(place) else f"{cap[0]}({place})"
        unit = unit or (cap[1] if cap[1] and UNIT_WORD.fullmatch(cap[1]) else None)
        if unit and unit[0] in MULT and len(unit) > 1:
            mult, unit = float(MULT[unit[0]]), unit[1:]
        total = cap[2] or _last_year(years)
    if not name or not re.search(r"[\u4e00-\u9fff]", name):
        return []
    unit_cell = next((text[s:e].strip() for col, s, e in cells if _UNIT_COL.match(col)), None)
    if unit is None and unit_cell and UNIT_WORD.fullmatch(unit_cell):
        unit = unit_cell
        if unit[0] in MULT and len(unit) > 1:
            mult, unit = float(MULT[unit[0]]), unit[1:]
    attrs = tuple(text[s:e].strip() for col, s, e in cells if _ATTR_COL.search(col) and e > s)
    out = []
    for col, s, e in cells:
        if (col not in years and not (total and _TOTAL_COL.fullmatch(col))) or e <= s:
            continue
        got = cell_value(text[s:e])
        if got is None:
            continue
        cmp, value, own_unit, cue = got
        year, base = years[col] if col in years else (int(total.end[:4]), False)
        u = own_unit or unit
        if u is None and not _UNITLESS.search(name):
            continue  # a number without a unit: prefer no fact to a wrong one (a coefficient has none)
        value *= mult if own_unit is None else 1.0
        rate = u == "元" and L.PER_PUPIL_RATE.search(name) is not None or (u or "").startswith("元/")
        u = "元/(生·年)" if rate else u  # 生均公用经费(元): a recurring per-pupil rate
        stage = L.stage_of(name) or stage_cell or next((st for term, st in defined if term in name), None) \
            or L.taxonomy_stage(name, u, None)
        a = label[1] if label[1] < s else s  # the row: its label cell through the value cell (an HTML row is cells)
        span = Span(a, e, text[a:e])
        ispan = (label[1], label[1] + len(text[label[1]:label[2]]))
        if base:
            out.append(Target(indicator=name, stage=stage, comparator=cmp, value=value, unit=u,
                              raw_value=text[s:e].strip(), deadline=None, kind="baseline", modality=None,
                              cue=cue or "(table value)", span=span, flags=("table_year_column",),
                              indicator_span=ispan))
            continue
        dl = Deadline(f"{year:04d}-12-31", f"{year}年", "in_year", None, header_span(text, col, c.start)) \
            if col in years else total  # 合计: the whole window of the caption
        out.append(Target(indicator=name, stage=stage, comparator=cmp, value=value, unit=u,
                          raw_value=text[s:e].strip(), deadline=dl, kind="standard" if rate else "target", modality=None,
                          cue=cue or "(bare value)", span=span, flags=("table_year_column",) + attrs,
                          indicator_span=ispan))
    return out


_PHASE_CAPTION = re.compile(r"^(?:附表|附件)\s*\d*\s*[::]?\s*")
_TIER_WORDS = re.compile(r"分类|分档|分级|分区|一览")
_STAGE_ROW = re.compile(r"小学|初中|初级中学|普通高中|高中|高级中学|学前|学前教育|幼儿园|中职|中等职业学校|义务教育")


def _rate_unit(unit: str | None) -> str | None:
    """元/人·月 → 元/(人·月), 元/生·年 → 元/(生·年); other units as they are."""
    if not unit:
        return None
    m = re.fullmatch(r"(元|万元)\s*/\s*([生人])\s*[·.・]\s*([年月])", unit.strip())
    if m:
        return m.group(1) + "/" + L.PER_NORMAL[frozenset({m.group(2), m.group(3)})]
    return unit.strip() if UNIT_WORD.fullmatch(unit.strip()) else None


def _phase_row(text: str, c: Clause, groups: bool = False) -> list[Target]:
    """A row of a before/after rate table (:mod:`kb.phasetables`): the after column is the new
    standard, the before column its baseline; the caption above the header names the rate, a row
    label that is a stage gives the stage, any other row label (一类地区) qualifies the name.
    With ``groups`` the value columns name groups (寄宿生 | 非寄宿生): each is a standard of its own."""
    label = c.cells[0] if groups else next((x for x in c.cells if not phase_of(x[0])), None)
    if label is None or groups and not all(VALUE_CELL.fullmatch(text[s:e].strip()) for _, s, e in c.cells[1:]):
        return []
    head = header_span(text, label[0], c.start)
    if head is None:
        return []
    caption, unit = None, None
    for ln in reversed(lines_above(text, head, 2)):
        um = UNIT_LINE.fullmatch(ln)
        if um:
            unit = _rate_unit(um.group(1))
            continue
        name = _TIER_WORDS.sub("", _PHASE_CAPTION.sub("", ln))
        name = re.sub(r"表$", "", CAPTION_REGION.sub("", name)).strip()
        caption = name if 2 <= len(name) <= 30 and not re.search(r"[。;;,,、]", name) \
            and re.search(r"(?:标准|定额|表)$", ln) else None  # a caption names a rate (…分类标准, …标准表)
        break
    if caption is None:
        return []
    row_label = text[label[1]:label[2]].strip()
    row_stage = L.stage_of(row_label)
    if row_stage and _STAGE_ROW.fullmatch(row_label):  # 小学 | 650 | 1000: the row is a stage
        name = caption
    elif row_stage:  # 特殊教育学校 | 4000 | 5000: a kind of school, the rate is its own
        name = row_label + re.sub(r"^(?:中小学|中小学校)(?=生均)", "", caption)
    else:  # 一类地区 | … : a tier of the one rate
        name = f"{caption}({row_label})"
    stage = row_stage or L.stage_of(caption)
    out = []
    for col, s, e in c.cells:
        phase = ("after", None) if groups and (col, s, e) != label else phase_of(col)
        got = cell_value(text[s:e]) if phase else None
        u = _rate_unit(phase[1]) if phase and phase[1] else unit
        if got is None or u is None:
            continue
        cmp, value, _, cue = got
        span = Span(label[1], e, text[label[1]:e])
        out.append(Target(indicator=f"{name}({col})" if groups else name, stage=stage, comparator=cmp, value=value, unit=u,
                          raw_value=text[s:e].strip(), deadline=None,
                          kind="standard" if phase[0] == "after" else "baseline", modality=None,
                          cue=cue or "(table value)", span=span,
                          flags=("table_group_column:" + col,) if groups else ("table_phase_column:" + col,),
                          indicator_span=(label[1], label[2])))
    return out


def _amounts(text: str, c: Clause, dl: Deadline | None) -> list[Target]:
    """The amount cell of a project row (总投资(万元) | 12800), named by the column and the project's name."""
    project = next((text[s:e].strip() for col, s, e in c.cells if _PROJECT_COL.fullmatch(col) and e > s), None)
    out = []
    for col, s, e in c.cells:
        m = _AMOUNT_COL.fullmatch(col)
        got = cell_value(text[s:e]) if m and project else None
        if got is None or got[2] is not None:
            continue
        cmp, value, _, cue = got
        mult = MULT.get(m.group("unit")[0], 1)  # 万元, 亿元
        out.append(Target(indicator=f"{m.group('name')}({project})", stage=None, comparator=cmp,
                          value=scale(value, mult), unit="元",
                          raw_value=text[s:e].strip(), deadline=dl, kind="target", modality=None,
                          cue=cue or "(table value)", span=Span(s, e, text[s:e]), raw_unit=m.group("unit"),
                          flags=("table_amount_column", f"unit_from_column_header:{m.group('unit')}"),
                          indicator_span=(s, e)))
    return out


def _allocation_row(text: str, c: Clause) -> list[Target]:
    """A row of an allocation table (places × amounts in a stated unit, a 其中 column for a subgroup), named
    by its caption (2006年…招聘名额分配表) and dated by the caption's year or period."""
    label = next((x for x in c.cells if _PLACE_COL.fullmatch(x[0])), c.cells[0])  # (合计 sits in the 序号 column)
    cap = read_caption(text, label[0], c.start)
    if cap is None:
        return []
    above = [ln for ln in lines_above(text, header_span(text, label[0], c.start), 2) if not UNIT_LINE.fullmatch(ln)]
    years = [int(y) for y in _YEAR_HEAD.findall(above[-1])] if above else []  # the caption's own year
    dl = cap[2] or (Deadline(f"{years[0]}-12-31", f"{years[0]}年", "in_year", None, None) if len(years) == 1 else None)
    place = text[label[1]:label[2]].strip()
    out = []
    for col, s, e in c.cells:
        m = _AMOUNT_HEAD.fullmatch(col)
        got = cell_value(text[s:e]) if m and UNIT_WORD.fullmatch(m.group("unit")) else None
        if got is None:
            continue
        cmp, value, _, cue = got
        sub = m.group("sub")
        stage = L.stage_of(sub) if sub else None
        qual = ",".join(x for x in ("" if _TOTAL_ROW.search(place) or not place else place, sub or "") if x)
        name = f"{cap[0]}({qual})" if qual else cap[0]
        out.append(Target(indicator=name, stage=stage, comparator=cmp, value=value, unit=m.group("unit"),
                          raw_value=text[s:e].strip(), deadline=dl, kind="target", modality=None,
                          cue=cue or "(table value)", span=Span(label[1], e, text[label[1]:e]),
                          flags=("table_allocation_column",), indicator_span=(label[1], label[2])))
    return out


def _last_year(years: dict[str, tuple[int, bool]]) -> Deadline:
    y = max(y for y, _ in years.values())
    return Deadline(f"{y:04d}-12-31", f"{y}年", "by", None, None)


def _column_deadline(text: str, s: int, e: int) -> Deadline | None:
    """The date a 完成时限 cell gives (2025年12月 → by 2025-12-31), None for schedules (每年9月, 长期)."""
    words = text[s:e]
    if _SCHEDULE.search(words):
        return None
    found = [d for d in find_deadlines(text, s, e) if d.end and d.kind in ("by", "in_year", "period")]
    if len(found) != 1:
        return None
    d = found[0]
    return replace(d, kind="by" if d.kind == "in_year" else d.kind, inferred=False)


def read_tables(text: str, clauses: Sequence[Clause], plan_start: str | None = None,
                defined: Sequence[tuple[str, str]] = ()) -> TableReading:
    """What the table rows of a document give: year-column values, and task cells to read as prose;
    ``defined`` are the terms the document defines with a stage (城乡义务教育共同体(以下简称“教共体”))."""
    rows: list[tuple[int, int]] = []
    cells: list[ProseCell] = []
    targets: list[Target] = []
    ref = None
    for c in clauses:
        if c.kind != "table_row" or not c.cells:
            continue
        if ref is None:
            ref = _reference_year(text, plan_start) or 0
        columns = [col for col, _, _ in c.cells]
        years = _year_columns(columns, ref or None)
        if not years and any(phase_of(col) for col in columns):
            rows.append((c.start, c.end))
            targets.extend(_phase_row(text, c))
            continue
        one_line = "\n" not in text[c.cells[0][1]:c.cells[-1][2]]
        placed = any(_PLACE_COL.fullmatch(col) for col, _, _ in c.cells) or c.path[-1:] in (("合计",), ("总计",))
        shares = _allocation_row(text, c) if not years and placed else []
        if shares:  # 省份 | 招聘名额(名) | 其中:初中(名): each place's share of a caption's total
            rows.append((c.start, c.end))
            targets.extend(shares)
            continue
        dated = dated_columns(columns) if placed else {}
        if dated:  # 省份 | 截至2013年底已通过…(个) | 2014年通过…(个) | 2015年底前累计…(%)
            rows.append((c.start, c.end))
            targets.extend(dated_column_row(text, c, dated, _PLACE_COL))
            continue
        if years:
            rows.append((c.start, c.end))
            targets.extend(_year_row(text, c, years, defined))
            continue
        if is_year_row(text, c):  # 年度 | 新建幼儿园(所) | …: a row per year
            rows.append((c.start, c.end))
            targets.extend(year_row_targets(text, c))
            continue
        rates = rate_cell_targets(text, c)
        if rates:  # 学段 | 资助项目 | 资助标准 (每生每年1000元) | 资金来源: the rates of the standard cell
            rows.append((c.start, c.end))
            targets.extend(rates)
            continue
        dcol = next((x for x in c.cells if _DEADLINE_COL.search(x[0])), None)
        if not one_line and dcol is None:
            group = _phase_row(text, c, groups=True)  # 学段 | 寄宿生 | 非寄宿生 under a caption naming the rate
            if group:
                rows.append((c.start, c.end))
                targets.extend(group)
            continue
        rows.append((c.start, c.end))
        dl = _column_deadline(text, dcol[1], dcol[2]) if dcol else None
        targets.extend(_amounts(text, c, dl))
        for col, s, e in c.cells:
            if _TASK_COL.search(col) and not _NOT_TASK_COL.search(col) and e > s:
                cells.append(ProseCell(s, e, dl, dcol is not None, dcol[0] if dcol else ""))
    rows.sort()
    return TableReading(tuple(rows), tuple(cells), tuple(targets))


def date_cell_target(t: Target, cell: ProseCell) -> Target:
    """A target read from a task cell, dated by the row's deadline column unless the cell dates it itself."""
    d = t.deadline
    own = d is not None and not d.inferred and d.span is not None and cell.start <= d.span[0] < cell.end
    if own or not cell.dated or t.kind == "baseline" or t.period is not None:
        return t
    flags = tuple(f for f in t.flags if not f.startswith("deadline_") or f == "deadline_plan_period")
    if cell.deadline is None:
        return replace(t, deadline=None, flags=flags)
    return replace(t, deadline=cell.deadline, flags=flags + (f"deadline_from_table_column:{cell.column}",))
