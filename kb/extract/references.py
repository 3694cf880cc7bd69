"""Standards extended by reference: …按每生每年7000元标准拨付,学前、高中阶段特殊教育学校和随班就读、
送教上门学生参照执行 / …每生每课时不超过2元,民办学校参照执行; and groups listed before a rate of their
own after such a standard (…特殊教育学校生均公用经费按每生每年6000元标准拨付,随班就读和送教上门学生按每生每年
6000元标准拨付).

A comma clause ``<groups>参照执行`` after a standard of the same sentence gives one record per group
with the standard's value, unit, comparator and date: the standard's measure (its indicator without
the group it was written for: 生均公用经费, 课后服务收费) named for each group, flag
``applies_by_reference``.  Groups are split at 和/及/与 and 、; an item that shares its noun with the
item after it (学前、高中阶段特殊教育学校 / 随班就读、送教上门学生) takes that noun.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..models import Span, Target
from . import lexicon as L

__all__ = ["reference_targets", "shared_rate_targets"]

_REFER = re.compile(r"[,,;;]\s*(?:其他|其余)?(?P<groups>[^,,;;。]{2,40}?)\s*(?:可|应)?参照(?:此|上述|该|本)?(?:标准)?执行")
#: the group a standard was written for, at the head of its indicator (义务教育阶段特殊教育学校, 公办学校)
_GROUP_HEAD = re.compile(r"^.{0,14}?(?:学校|幼儿园|园|学生|幼儿|教师)")
#: a rule verb or 标准 closing the indicator (…生均公用经费标准拨付 → 生均公用经费)
_TAIL = re.compile(r"(?:标准)?(?:拨付|执行|发放|核定|安排|核拨)?$")


def _groups(words: str) -> list[str]:
    """The groups of a reference clause, each with the noun it shares with the item after it."""
    out: list[str] = []
    for part in re.split(r"和|及|与", words):
        items = [w.strip() for w in part.split("、") if w.strip()]
        last = items[-1] if items else ""
        for w in items[:-1]:
            out.append(w + last[len(w):] if len(w) < len(last) else w)
        if last:
            out.append(last)
    return out


def reference_targets(text: str, ss: int, se: int, taken: Sequence[Target]) -> list[Target]:
    """The records of the ``参照执行`` clauses of sentence ``text[ss:se]`` (``taken``: its targets so far)."""
    if text.find("参照", ss, se) == -1:
        return []
    out: list[Target] = []
    for m in _REFER.finditer(text, ss, se):
        base = next((t for t in reversed(taken) if t.span.end <= m.start() and t.kind == "standard"), None)
        head = _GROUP_HEAD.match(base.indicator) if base is not None else None
        if head is None or head.end() >= len(base.indicator):
            continue
        measure = _TAIL.sub("", base.indicator[head.end():]) or base.indicator[head.end():]
        for g in _groups(m.group("groups")):
            name = g + measure
            out.append(replace(base, indicator=name, stage=L.stage_of(name) or base.stage,
                               span=Span(m.start("groups"), m.end(), text[m.start("groups"):m.end()]),
                               indicator_span=(m.start("groups"), m.end("groups")),
                               flags=base.flags + ("applies_by_reference",)))
    return out


#: a record named only by the groups a rate is paid for and the rule verb (随班就读和送教上门学生标准拨付)
_NOUN_END = re.compile(r"(?:学生|幼儿|儿童|学校|幼儿园)$")
_GROUPS_ONLY = re.compile(r"^(?P<groups>[^,,;;。]{2,30}?(?:学生|幼儿|儿童|学校|幼儿园))(?:按照?)?(?:标准)?(?:拨付|执行|发放|核定|核拨)?$")


def shared_rate_targets(text: str, ss: int, se: int, taken: Sequence[Target]) -> tuple[list[Target], list[Target]]:
    """(new records, records they replace): a standard named only by a list of groups (随班就读和送教上门学生
    按每生每年6000元标准拨付) after a standard of the same sentence and unit gives one record per group, named
    with the earlier standard's measure (随班就读学生生均公用经费), flag ``shared_value:<groups>``."""
    new: list[Target] = []
    replaced: list[Target] = []
    for i, t in enumerate(taken):
        m = _GROUPS_ONLY.match(t.indicator) if t.kind == "standard" and t.span.start >= ss else None
        if m is None or not re.search(r"和|及|与|、", m.group("groups")):
            continue
        base = next((b for b in reversed(taken[:i]) if b.kind == "standard" and b.unit == t.unit
                     and b.span.start >= ss and b.span.end <= t.span.start), None)
        head = _GROUP_HEAD.match(base.indicator) if base is not None else None
        if head is None or head.end() >= len(base.indicator):
            continue
        measure = _TAIL.sub("", base.indicator[head.end():]) or base.indicator[head.end():]
        replaced.append(t)
        groups = _groups(m.group("groups"))
        noun = _NOUN_END.search(groups[-1])  # 随班就读和送教上门学生: the last group's noun is every group's
        groups = [g if _NOUN_END.search(g) or noun is None else g + noun.group() for g in groups]
        for g in groups:
            new.append(replace(t, indicator=g + measure, stage=L.stage_of(g + measure) or t.stage,
                               flags=t.flags + (f"shared_value:{m.group('groups')}",)))
    return new, replaced
