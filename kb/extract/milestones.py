"""Milestones: one dated qualitative end state per sentence (通过…评估验收, 达到…标准, 完成…建设, 开园).

A sentence with a deadline and no value read from the same comma clause may still commit to an
end state; its words up to the last milestone verb name it (never past a ';').
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from ..models import Deadline, Span, Target
from . import lexicon as L
from .deadlines import deadline_at
from .shapes import clause_bounds, context_words

__all__ = ["read_milestone"]

_SEMI = re.compile(r"[;;]")


def read_milestone(text: str, ss: int, se: int, dls: Sequence[Deadline], para: Deadline | None,
                   found: Sequence[Target], brackets: Sequence[tuple[int, int]], topic: str | None,
                   stage_of: Callable[[str, int], str | None]) -> Target | None:
    """The milestone of sentence ``[ss, se)``, or None (``found``: the targets already read from it)."""
    hits = [m for m in L.MILESTONE.finditer(text, ss, se)
            if not L.inside(m.start(), brackets) and not re.search(r"\d", m.group())]
    if not hits:
        return None
    first = hits[0]
    semi = _SEMI.search(text, first.end(), se)
    if semi:  # a milestone never runs past ';' into the next part of the sentence
        hits = [h for h in hits if h.start() < semi.start()]
    dl, _, flags = deadline_at(first.start(), dls, para, None)
    if dl is None or dl.end is None or dl.kind not in ("by", "in_year", "period"):
        return None
    cs, ce = clause_bounds(text, ss, se, first.start(), first.end())
    if any(t.span.start < ce and t.span.end > cs for t in found):
        return None
    s, _ = L.trim(text, cs, first.start(), dls)
    s -= 1 if s > cs and text[s - 1] in "与和" else 0  # 确保…与住宅楼项目同步竣工: keep 与
    e = hits[-1].end()
    if e <= s:
        return None
    name = text[s:e]
    ctx = context_words(text, ss, cs, dls, head=True)
    if re.match(r"与|和|完成|通过|开园|竣工|达到|建成", name) and re.search(r"(?:园|学校|项目|工程|小区)$", ctx):
        name = ctx + name  # 确保2023年秋季开园 → 锦江帝景花园幼儿园开园
    mod = None
    for mm in L.MODALITY.finditer(text, ss, first.start()):
        mod = L.MODALITY_MAP.get(mm.group(), mm.group())
    stage = stage_of(name, s) or (topic if re.search(r"评估|验收|认定", name) else None)
    return Target(indicator=name, stage=stage, comparator="=", value=None, unit=None,
                  raw_value="", deadline=dl, kind="milestone", modality=mod, cue=first.group()[:2],
                  span=Span(s, e, text[s:e]), flags=tuple(flags), indicator_span=(s, e))
