"""The rate column of a standards table: 学段 | 资助项目 | 资助标准 | 资金来源 | 责任单位.

A cell such as ``每生每年1000元`` or ``小学每生每年1000元、初中每生每年1250元`` under a column named
…标准 gives one standard per rate, named by the row's item (项目/名称 column: 寄宿生生活费补助 →
寄宿生生活费补助标准), with the stage the rate's own words name (小学/初中), else the item's, else the
row's 学段 cell; the unit is per pupil or person and period (元/(生·年), 元/(生·学期)).  Other columns
(资金来源 cost shares such as 省级60%、县级40% or 5:5) give nothing.
"""
from __future__ import annotations

import re

from ..models import Clause, Span, Target
from . import lexicon as L
from .numbers import scale

__all__ = ["rate_cell_targets"]

_RATE_COL = re.compile(r"(?:资助|补助|补贴|收费|奖补|拨款)?标准")
_ITEM_COL = re.compile(r"项目|名称|类别|内容")
_STAGE_COL = re.compile(r"学段|阶段")
_RATE = re.compile(r"(?P<stage>小学|初中|普通高中|高中|幼儿园|学前|中职)?\s*每(?P<who>生|人)每?(?P<per>学年|学期|年|月|天|日)"
                   r"\s*(?P<cmp>不低于|不超过|最高)?\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<mult>万)?元")
_CMP = {"不低于": ">=", "不超过": "<=", "最高": "<="}


def rate_cell_targets(text: str, c: Clause) -> list[Target]:
    """The standards of one row's rate cell (see the module docstring); [] for rows of other tables."""
    rate = next((x for x in c.cells if _RATE_COL.fullmatch(x[0])), None)
    item = next((x for x in c.cells if _ITEM_COL.search(x[0]) and x is not rate), None)
    if rate is None or item is None:
        return []
    name = text[item[1]:item[2]].strip()
    if not name or re.search(r"\d", name):
        return []
    name = name if name.endswith("标准") else name + "标准"
    row_stage = next((L.one_stage(L.stages_in(text[s:e])) for col, s, e in c.cells if _STAGE_COL.search(col)), None)
    out = []
    for m in _RATE.finditer(text, rate[1], rate[2]):
        value = float(m.group("v"))
        if m.group("mult"):
            value = scale(value, 10_000)
        per = {"日": "天"}.get(m.group("per"), m.group("per"))
        stage = L.stage_of(m.group("stage") or "") or L.stage_of(name) or row_stage
        out.append(Target(indicator=name, stage=stage, comparator=_CMP.get(m.group("cmp") or "", "="), value=value,
                          unit=f"元/({m.group('who')}·{per})", raw_value=m.group("v") + (m.group("mult") or "") + "元",
                          deadline=None, kind="standard", modality=None, cue="(table value)",
                          span=Span(item[1], m.end(), text[item[1]:m.end()]), flags=("table_rate_column",),
                          indicator_span=(item[1], item[2])))
    return out
