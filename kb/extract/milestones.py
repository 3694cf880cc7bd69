"""Milestones: a dated qualitative end state (通过…评估验收, 达到…标准, 完成…建设, 开园), one per sentence or per date.

A sentence with a deadline and no value read from the same comma clause may still commit to an
end state; its words up to the last milestone verb name it (never past a ';').  A list of places
that reach it (调兵山市、银州区通过省级督导评估) gives one milestone per place: a researcher asks which
counties promise what by when.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from ..models import Deadline, Span, Target
from . import lexicon as L
from .deadlines import deadline_at
from .places import per_place
from .shapes import clause_bounds, context_words

__all__ = ["read_milestones"]

_SEMI = re.compile(r"[;;]")


def read_milestones(text: str, ss: int, se: int, dls: Sequence[Deadline], para: Deadline | None,
                    head: Deadline | None, found: Sequence[Target], brackets: Sequence[tuple[int, int]],
                    topic: str | None, stage_of: Callable[[str, int], str | None]) -> list[Target]:
    """The milestones of sentence ``[ss, se)`` (``found``: the targets already read from it): one, or one per
    date when a later clause opens with a date of its own (2024年通过省级评估,2025年通过国家认定)."""
    hits = [m for m in L.MILESTONE.finditer(text, ss, se)
            if not L.inside(m.start(), brackets) and not re.search(r"\d", m.group())]
    # 全市通过省级评估的县不少于4个,力争…率先通过国家认定: a verb in the comma clause of a value is the
    # value's subject, not a milestone of its own
    hits = [h for h in hits if not any(t.span.start < ce and t.span.end > cs for t in found
                                       for cs, ce in [clause_bounds(text, ss, se, h.start(), h.end())])]
    if not hits:
        return []
    groups: list[list[re.Match]] = [[hits[0]]]
    for h in hits[1:]:
        cs, _ = clause_bounds(text, ss, se, h.start(), h.end())
        dated = any(d.span and d.end and groups[-1][-1].end() <= cs <= d.span[0] < h.start() for d in dls)
        # a milestone never runs past ';': a later ;-part holds a milestone of its own
        new_part = _SEMI.search(text, groups[-1][-1].end(), h.start()) is not None
        groups.append([h]) if (dated and cs > groups[-1][-1].end()) or new_part else groups[-1].append(h)
    out = []
    for g in groups:
        t = _milestone(text, ss, se, g, dls, para, head, found, topic, stage_of)
        if t is not None:
            out.extend(per_place(text, t))
    return out


def _milestone(text: str, ss: int, se: int, hits: list[re.Match], dls: Sequence[Deadline], para: Deadline | None,
               head: Deadline | None, found: Sequence[Target], topic: str | None,
               stage_of: Callable[[str, int], str | None]) -> Target | None:
    first = hits[0]
    dl, _, flags = deadline_at(first.start(), dls, para, head)
    if dl is None or dl.end is None or dl.kind not in ("by", "in_year", "period", "stage_year"):
        return None
    cs, ce = clause_bounds(text, ss, se, first.start(), first.end())
    if any(t.span.start < ce and t.span.end > cs for t in found):
        return None
    s, _ = L.trim(text, cs, first.start(), dls)
    s -= 1 if s > cs and text[s - 1] in "与和" else 0  # 确保…与住宅楼项目同步竣工: keep 与
    s += 2 if text.startswith("顺利", s) else 0
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
