"""Staffing ratios applied as a rule: 按(照)…师生比…核定/配齐 → one standard per stage.

Shapes (one comma clause):

* ``小学、初中、高中分别按1:19、1:13.5、1:12.5的师生比核定教职工编制`` — a stage list zipped
  with the ratios, the ratio's name after them (的师生比) and the object after the rule verb;
* ``教职工编制按照小学1:19、初中1:13.5的师生比核定`` — a stage word before each ratio, the
  object before 按照;
* ``按照师生比1:12.5核定县中教职工编制`` — the name before a single ratio;
* ``按照教职工与幼儿比1:7、专任教师与幼儿比1:15的标准核定…`` — each ratio with its own name;
* ``按照教职工与学生比小学1:19、初中1:13.5的标准核定`` — one name, a stage word before each ratio.

Each record is a ``standard`` with comparator '=' (按…核定).  A ratio with a comparator
(不低于1:15) is not read here: the general reader keeps it.
"""
from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from . import lexicon as L
from .numbers import Mention

__all__ = ["RatioNorm", "read_ratio_norm"]

#: a kind of provision written before its own ratio (全日制1:7、半日制1:12)
_TYPE = r"(?:全日制|半日制|寄宿制|走读制)"
_TYPE_BEFORE = re.compile(rf"({_TYPE})\s*$")
#: the staff a ratio rule names before 按 (公办幼儿园教职工按照全日制1:7…): 教职工与幼儿比
_STAFF_BEFORE = re.compile(r"(教职工|专任教师|保教人员|保育员)\s*$")
#: the name of a staffing ratio
_NAME = r"(?:师生比|生师比|班师比|(?:教职工|专任教师|保教人员|保育员)与(?:学生|幼儿)(?:之?比)?)"
_NAME_BEFORE = re.compile(rf"({_NAME})\s*(?:{L.STAGE_ITEM})?\s*$")  # 教职工与学生比小学1:19
#: …and past earlier ratios of the same list, for a later group (教职工与学生比小学1:19、初中|1:13.5)
_NAME_LIST_BEFORE = re.compile(
    rf"({_NAME})(?:\s*{L.STAGE_ITEM}?\s*\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?\s*[、和及与]\s*)+{L.STAGE_ITEM}\s*$")
#: the name after the ratios, also past later ratios of the same list (小学1:19、初中1:13.5的师生比)
_NAME_AFTER = re.compile(rf"(?:\s*[、和及与]\s*(?:{L.STAGE_ITEM}|{_TYPE})?\s*\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?)*"
                         rf"\s*的\s*({_NAME}|标准|比例)")
_BY = re.compile(r"(?:按照|按|依照)\s*")
_VERB = re.compile(r"(核定|核拨|配齐|配足|配备|测算)")
_STAGE_BEFORE = re.compile(rf"({L.STAGE_ITEM})\s*$")
_STAGE_HEAD = re.compile(rf"^\s*({L.STAGE_ITEM}(?:\s*[、和与及]\s*{L.STAGE_ITEM})+)\s*分别\s*$")
_CMP = re.compile(r"不低于|不高于|不少于|不超过|不小于|达到|以上|以下|低于|高于|超过")
_OBJ_TRIM = re.compile(r"^(?:城乡|全[市县区省]|各[级类]?)")


class RatioNorm(NamedTuple):
    """One record of a ratio rule: indicator, stage (None when not written), mention and span."""

    indicator: str
    stage: str | None
    mention: Mention
    start: int
    end: int
    cue: str


def read_ratio_norm(text: str, cs: int, ce: int, g: Sequence[Mention]) -> list[RatioNorm] | None:
    """The records of a ratio group applied by 按…核定 in the comma clause ``[cs, ce)``, or None."""
    if not g or any(m.unit != "ratio" for m in g) or any(m.cmp for m in g):
        return None
    first, last = g[0], g[-1]
    by = None
    for m in _BY.finditer(text, cs, first.start):
        by = m
    if by is None:
        return None
    before = text[by.end():first.start]
    between = [text[a.end:b.start] for a, b in zip(g, g[1:])]
    after = _NAME_AFTER.match(text, last.end, ce)
    vm = _VERB.search(text, after.end() if after else last.end, ce)
    if vm is None or _CMP.search(text, by.end(), first.start) or _CMP.search(text, last.end, vm.start()):
        return None
    obj = text[vm.end():ce].strip(" 。;;,,")
    if not obj or len(obj) > 16:
        obj = text[cs:by.start()].strip(" ,,")  # 教职工编制按照…核定
    obj = _OBJ_TRIM.sub("", obj)
    verb = vm.group(1)
    suffix = "" if verb in ("核定", "测算") or "编制" in obj else "配备"
    names: list[str] = []
    stages: list[str | None] = []
    head = _STAGE_HEAD.match(text[cs:by.start()])
    common = after.group(1) if after and after.group(1) not in ("标准", "比例") else None
    staff = _STAFF_BEFORE.search(text, cs, by.start())
    for k, m in enumerate(g):
        left = before if k == 0 else between[k - 1].lstrip("、和及与 ")
        nm = _NAME_BEFORE.search(left) or (_NAME_LIST_BEFORE.search(left) if k == 0 else None)
        sm = _STAGE_BEFORE.search(left)
        tm = _TYPE_BEFORE.search(left) if staff and not nm else None
        # 教职工与学生比小学1:19、初中1:13.5: a later item with only its stage keeps the name before it
        name = nm.group(1) if nm else (names[-1] if names and sm else common)
        if tm:  # 公办幼儿园教职工按照全日制1:7、半日制1:12的比例核定编制 → 教职工与幼儿比(全日制)
            whom = "幼儿" if re.search("幼儿园|园", text[cs:by.start()]) else "学生"
            name = f"{staff.group(1)}与{whom}比({tm.group(1)})"
        if name is None:
            return None
        name += "比" if name.endswith(("学生", "幼儿")) else ""  # 教职工与幼儿1:9: the ratio's name is …比
        names.append(name)
        stages.append(L.STAGE_ITEM_MAP[sm.group(1)] if sm else None)
    if head:
        parts = re.split(r"\s*[、和与及]\s*", head.group(1))
        if len(parts) != len(g) or any(stages):
            return None
        stages = [L.STAGE_ITEM_MAP[p] for p in parts]
    cue = "分别按" if head else text[by.start():by.end()].strip()
    span_s = min(cs + (head.start() if head else 0), by.start()) if head else (
        cs if obj and text.find(obj, cs, by.start()) >= 0 else by.start())
    span_e = max(last.end, cs + len(text[cs:ce].rstrip(" 。!?!?")))
    out = []
    for k, m in enumerate(g):
        name = names[k]
        # a generic 师生比 takes what it staffs (县中教职工编制师生比); 教职工与幼儿比 names itself
        indicator = (obj + suffix + name) if obj and name in ("师生比", "生师比", "班师比") else name
        out.append(RatioNorm(indicator, stages[k], m, span_s, span_e, f"{cue}…{verb}"))
    return out
