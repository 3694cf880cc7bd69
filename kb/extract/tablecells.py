"""Cells, headers and captions of the tables the target reader reads (:mod:`kb.extract.tabletargets`,
:mod:`kb.extract.yearrows`): a value cell's comparator, number and unit (``≥45``, ``92以上``, ``6.5``
under 新增学位(万个)), a row label's unit in brackets, the header cell of a column, and the caption above a
header line (海南省2018—2020年新增公办幼儿园学位分年度安排表 → name, unit line, window)."""
from __future__ import annotations

import re

from ..models import Deadline
from ..phasetables import UNIT_LINE
from ..tables import VALUE_CELL
from .deadlines import find_deadlines

__all__ = ["CAPTION_REGION", "LABEL_UNIT", "MULT", "UNIT_WORD", "cell_value", "header_span", "lines_above", "read_caption",
           "unit_of"]

LABEL_NUM = re.compile(r"\s*\d{1,2}\s*[.．、]\s*")

LABEL_UNIT = re.compile(r"[(\uff08]\s*([^()\uff08\uff09]{1,6}?)\s*[)\uff09]\s*$")

UNIT_WORD = re.compile(r"%|‰|个百分点|[万亿]?(?:元|人次|人|所|个|名|间|台|套|平方米|年|小时|学时|次|项|岁|座|班|张)"
                        r"|元/\(?生·年\)?|元/\(?年·生\)?")  # 生均公用经费(元/生·年)

PRE_CMP = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "不低于": ">=", "不少于": ">=", "不超过": "<=", "约": "~"}

SUF_CMP = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "左右": "~"}

MULT = {"万": 10_000, "亿": 100_000_000}

CAPTION_END = re.compile(r"(?:分年度|分年|年度|分地区|分市县)?(?:安排|计划|任务|目标|分解|建设|进度|分配)?(?:一览)?表$")

CAPTION_PERIOD = re.compile(r"(?:19|20)\d{2}\s*年?\s*[—\-–~～至到]{1,2}\s*(?:19|20)\d{2}\s*年度?|(?:19|20)\d{2}\s*年度?")

CAPTION_REGION = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:省|自治区|自治州|市|县|州|盟|区|旗)(?=[\u4e00-\u9fff]{4,})")
CELL_EDGE = "\n|\t \u3000"


def unit_of(label: str) -> tuple[str, str | None, float]:
    """(indicator, unit, multiplier) of a row label such as 学前三年毛入园率(%) or 在园幼儿(万人)."""
    name = label[LABEL_NUM.match(label).end():] if LABEL_NUM.match(label) else label
    m = LABEL_UNIT.search(name)
    if m is None or not UNIT_WORD.fullmatch(m.group(1).strip()):
        return name.strip(), None, 1.0
    unit = m.group(1).strip()
    mult = 1.0
    if unit[0] in MULT and len(unit) > 1:
        mult, unit = float(MULT[unit[0]]), unit[1:]
    return name[:m.start()].strip(), unit, mult


def cell_value(s: str) -> tuple[str, float, str | None, str] | None:
    """(comparator, value, unit, cue) of a value cell, or None for an empty mark."""
    m = VALUE_CELL.fullmatch(s.strip())
    if m is None or m.group("empty"):
        return None
    value = float(m.group("num"))
    unit = m.group("unit")
    if unit in MULT:
        value *= MULT[unit]
        unit = None
    pre, suf = m.group("pre"), m.group("suf")
    cmp = PRE_CMP.get(pre or "") or SUF_CMP.get(suf or "") or "="
    cue = suf or pre or ""
    return cmp, value, unit, cue

def header_span(text: str, column: str, before: int) -> tuple[int, int] | None:
    """The header cell ``column`` above ``before``: a whole cell, not a row label that ends with its words
    (其他市县 under the column 市县)."""
    lo, end = max(0, before - 3000), before
    while (i := text.rfind(column, lo, end)) >= 0:
        j = i + len(column)
        if (i == 0 or text[i - 1] in CELL_EDGE) and (j >= len(text) or text[j] in CELL_EDGE):
            return i, j
        end = i
    return None

def lines_above(text: str, head: tuple[int, int], n: int) -> list[str]:
    """The last ``n`` non-blank lines above the line holding header cell ``head`` (a pipe-printed header
    line holds several columns: the caption is above the line, not above the cell)."""
    top = text.rfind("\n", 0, head[0]) + 1
    return [ln.strip() for ln in text[max(0, top - 300):top].split("\n") if ln.strip()][-n:]

def read_caption(text: str, column: str, before: int) -> tuple[str, str | None, Deadline | None] | None:
    """(indicator, unit, window) of a table whose rows are places: the caption line above its header
    (海南省2018—2020年新增公办幼儿园学位分年度安排表) and a 单位:个 line between them."""
    head = header_span(text, column, before)
    if head is None:
        return None
    unit = None
    for ln in reversed(lines_above(text, head, 3)):
        um = UNIT_LINE.fullmatch(ln)
        if um:
            unit = um.group(1)
            continue
        if not CAPTION_END.search(ln) or len(ln) > 60:
            return None
        at = text.rfind(ln, 0, head[0])  # the caption's offsets in the document, for the window's evidence
        window = next((d for d in find_deadlines(text, at, at + len(ln)) if d.end and d.kind == "period"), None)
        name = CAPTION_END.sub("", CAPTION_PERIOD.sub("", ln))
        name = CAPTION_REGION.sub("", name).strip()
        return (name, unit, window) if len(name) >= 2 else None
    return None
