"""Per-pupil rates by stage written as the standard to follow:
生均公用经费按小学每生每年650元、初中每生每年850元的标准拨付 / 按照初中每生每年800元、高中每生每年1000元
的标准发放寄宿生交通补贴.

Each stage item is one funding rule (kind ``standard``, unit 元/(生·年) …, the stage of its item); the
indicator is the subject before 按 when it names a fund (…经费, …补助), else the fund the verb after
标准 grants.  These records replace what the value reader made of the list (one record spanning both
items, or none).  A standard borrows no date from a heading or paragraph opening.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..models import Span, Target
from . import lexicon as L

__all__ = ["stage_rate_targets"]

_STAGE = r"(?:小学|初中|普通高中|高中|幼儿园|学前教育|中职学校|中职|特殊教育学校)"
_PER = r"(?:每生每年|每生每学期|每人每年|每生每月|每人每月|每生每天|每生每日)"
_ITEM = rf"{_STAGE}\s*{_PER}\s*(?:不低于|不少于)?\s*\d+(?:\.\d+)?\s*元"
_LIST = re.compile(
    rf"(?P<by>按照|按|依照)\s*(?P<items>{_ITEM}(?:\s*[、,,和及]\s*{_ITEM})+)\s*(?P<std>的?标准)"
    r"(?P<rest>[^,,;;。]{0,24})")
_ONE = re.compile(rf"(?P<stage>{_STAGE})\s*(?P<per>{_PER})\s*(?P<cmp>不低于|不少于)?\s*(?P<v>\d+(?:\.\d+)?)\s*元")
_FUND = re.compile(r"(?:经费|补助|补贴|拨款|资助|助学金|津贴|奖补|费用|标准)$")
_VERB = re.compile(r"^(?:足额|及时|全额|统一)?(?:拨付|发放|给予|安排|落实|核拨|下达|补助|资助|补贴|执行)(?:到校|到位)?")
_PAYER = re.compile(r"(?:由)?(?:[省市县区]级?财政|各级财政|财政部门|财政)")
_STAGE_MAP = {"小学": "小学", "初中": "初中", "普通高中": "高中", "高中": "高中", "幼儿园": "学前", "学前教育": "学前",
              "中职学校": "职业教育", "中职": "职业教育", "特殊教育学校": "特殊教育"}


def stage_rate_targets(text: str, ss: int, se: int, taken: Sequence[Target]) -> tuple[list[Target], list[Target]]:
    """(the rate records of sentence ``text[ss:se]``, the records of ``taken`` they replace)."""
    if text.find("每", ss, se) == -1 or text.find("按", ss, se) == -1 and text.find("依照", ss, se) == -1:
        return [], []
    out: list[Target] = []
    replaced: list[Target] = []
    for m in _LIST.finditer(text, ss, se):
        found = _name(text, ss, m)
        if found is None:
            continue
        name, ispan = found
        for it in _ONE.finditer(text, m.start("items"), m.end("items")):
            per = L.PER_PREFIX_NORMAL.get(it.group("per"), "(生·年)")
            out.append(Target(
                indicator=name, stage=_STAGE_MAP[it.group("stage")], comparator=">=" if it.group("cmp") else "=",
                value=float(it.group("v")), unit=f"元/{per}", raw_value=it.group("v"), deadline=None,
                kind="standard", modality=None, cue=m.group("by") + "…" + m.group("std"),
                span=Span(min(ispan[0], it.start()), max(ispan[1], it.end()),
                          text[min(ispan[0], it.start()):max(ispan[1], it.end())]), flags=("stage_rate_list",),
                indicator_span=ispan))
        replaced += [t for t in taken if t.span.start < m.end("items") and t.span.end > m.start("items")]
    return out, replaced


def _name(text: str, ss: int, m: re.Match) -> tuple[str, tuple[int, int]] | None:
    """The fund the rates are for and where it is written: the subject before 按 when it names one,
    else the words after the verb that follows 标准."""
    cs = max((x.end() for x in re.finditer(r"[,,;;]", text[ss:m.start()])), default=0) + ss
    s, e = L.trim(text, cs, m.start(), ())
    lead = _PAYER.match(text, s, e)
    s = lead.end() if lead else s
    if e - s >= 2 and _FUND.search(text, s, e):
        return text[s:e], (s, e)
    rest = m.group("rest")
    v = _VERB.match(rest.lstrip())
    a = m.start("rest") + len(rest) - len(rest.lstrip()) + (v.end() if v else 0)
    b = m.end("rest")
    return (text[a:b], (a, b)) if v and b - a >= 2 and _FUND.search(text, a, b) else None
