"""Levy and allocation rates: 教育费附加按…税额的3%征收, 从土地出让收益中按10%的比例计提教育资金.

A share written after 按 and followed by a collecting verb is a funding rule the government applies
(kind ``standard``), not a level to reach: its indicator is the levy named before 按 with the verb
(教育费附加征收率, 土地出让收益计提教育资金比例).  Read only where no other target of the sentence
covers the clause.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..models import Span, Target
from . import lexicon as L

__all__ = ["levy_targets"]

_LEVY = re.compile(
    r"(?P<subj>[^,,;;。按]{2,30}?)按照?(?P<base>[^,,;;。]{0,30}?的)?(?P<cmp>不低于|不高于|不超过)?"
    r"(?P<val>\d+(?:\.\d+)?)\s*%(?:的比例)?(?P<verb>征收|计提|提取|划转|列支)(?P<obj>[^,,;;。]{0,12})")
_FROM = re.compile(r"^(?:从|由|在)(?P<src>.+?)(?:中|内)?$")
_CMP = {"不低于": ">=", "不高于": "<=", "不超过": "<="}


def levy_targets(text: str, ss: int, se: int, taken: Sequence[Target]) -> list[Target]:
    """The levy rates of sentence ``text[ss:se]`` that no target in ``taken`` covers."""
    if text.find("按", ss, se) == -1:
        return []
    out: list[Target] = []
    for m in _LEVY.finditer(text, ss, se):
        if any(t.span.start < m.end() and t.span.end > m.start() for t in taken):
            continue
        s, e = L.trim(text, m.start("subj"), m.end("subj"), ())
        subj = text[s:e]
        src = _FROM.match(subj)
        if src:
            subj = src.group("src")
        if len(subj) < 2:
            continue
        verb, obj = m.group("verb"), m.group("obj").strip()
        name = f"{subj}{verb}率" if verb == "征收" and not obj else f"{subj}{verb}{obj}比例"
        value = float(m.group("val"))
        out.append(Target(indicator=name, stage=None, comparator=_CMP.get(m.group("cmp") or "", "="), value=value,
                          unit="%", raw_value=f"{m.group('val')}%", deadline=None, kind="standard", modality=None,
                          cue="按…" + verb, span=Span(s, m.end(), text[s:m.end()]), flags=("levy_rate",),
                          indicator_span=(s, e)))
    return out
