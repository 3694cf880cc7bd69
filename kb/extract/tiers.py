"""Tiered rates listed one tier a line (FORMS.md: the appendix of a 乡村教师生活补助 notice).

    某县乡村教师生活补助分档学校范围
    一档(每人每月300元):甲镇、乙镇所属学校
    二档(每人每月500元):丙乡、丁乡所属学校

Each tier line is a standard: the rate of the caption above (乡村教师生活补助), qualified by the
tier (一档), in the unit its per-head words give (元/(人·月)).  Without such a caption within a
few lines above, a tier line gives nothing: the rate would have no name.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..models import Span, Target
from . import lexicon as L

__all__ = ["tier_targets"]

_TIER = re.compile(
    r"^[ \t\u3000]*(?P<tier>第?[一二三四五六七八九十]{1,2}(?:档|类(?:地区|学校)?))\s*[((::]\s*"
    r"(?P<per>每人每月|每人每年|每生每年|每生每学期|每生每月)\s*(?P<num>\d+(?:\.\d+)?)\s*元", re.M)
_RATE_WORD = re.compile(r"补助|补贴|津贴|资助|奖励")
_CAPTION_TAIL = re.compile(r"(?:分档|分类|分级)?(?:学校|地区)?(?:范围|标准|名单|划分|一览)?表?$")
_REGION_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:省|自治区|自治州|自治县|市|县|州|盟|区|旗)(?=[\u4e00-\u9fff]{4,})")
_SENTENCE = re.compile(r"[。;;,,::]")


def _caption(text: str, at: int) -> str | None:
    """The rate named by a caption line within four lines above ``at`` (tier lines between are skipped)."""
    lines = text[max(0, at - 400):at].split("\n")
    for ln in reversed([x.strip() for x in lines if x.strip()][-4:]):
        if _TIER.match(ln):
            continue
        if _SENTENCE.search(ln) or not _RATE_WORD.search(ln) or len(ln) > 40:
            return None
        name = _CAPTION_TAIL.sub("", _REGION_HEAD.sub("", ln))
        return name if len(name) >= 4 and _RATE_WORD.search(name) else None
    return None


def tier_targets(text: str, taken: Sequence[Target] = ()) -> list[Target]:
    """One standard per tier line under a caption naming the rate; lines already read give nothing."""
    out: list[Target] = []
    for m in _TIER.finditer(text):
        if any(t.span.start <= m.start("num") < t.span.end for t in taken):
            continue
        name = _caption(text, m.start())
        if name is None:
            continue
        s, e = m.start("tier"), m.end()
        out.append(Target(
            indicator=f"{name}({m.group('tier')})", stage=None, comparator="=", value=float(m.group("num")),
            unit="元/" + L.PER_PREFIX_NORMAL[m.group("per")], raw_value=m.group("num") + "元", deadline=None,
            kind="standard", modality=None, cue="(tier)", span=Span(s, e, text[s:e]), flags=("tier",),
            indicator_span=(m.start("tier"), m.end("tier"))))
    return out
