"""Targets and milestones split over the places a clause lists (one record per county or township).

``调兵山市、银州区率先通过…认定`` and ``甲县、乙县、丙区各新建公办幼儿园2所以上`` name each place's own
commitment: the record of the list becomes one record per place, the place in parentheses after the
indicator (flag ``region_split``).  An open list (``…等市各新建1—2所``) is left whole: its places are
examples, not the set.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..models import Target
from ..regions import lookup

__all__ = ["PLACES_BEFORE_STATE", "per_place", "per_place_each"]

_PLACE = r"[\u4e00-\u9fff]{1,8}?(?:市|县|区|旗|镇|乡|街道)"
#: 调兵山市、银州区(率先)通过…: places listed before the end state they reach
PLACES_BEFORE_STATE = re.compile(
    rf"(?P<list>{_PLACE}(?:、{_PLACE})+)(?:等)?(?:率先|先后|均|全部|分别)?(?=通过|达到|完成|实现|建成)")
#: 甲县、乙县、丙区各新建…: a closed list of places, each with the same quantity
_PLACES_EACH = re.compile(rf"(?:其中)?[,,]?\s*(?P<list>{_PLACE}(?:、{_PLACE})+)各(?=[\u4e00-\u9fff])")


def _known(places: list[str]) -> bool:
    return all(lookup(p) or p.endswith(("镇", "乡", "街道")) for p in places)


def _split(text: str, t: Target, m: re.Match, name: str) -> list[Target]:
    places = m.group("list").split("、")
    if not _known(places):
        return [t]
    out, at = [], m.start("list")
    for p in places:
        a = text.index(p, at)
        at = a + len(p)
        out.append(replace(t, indicator=f"{name}({p})", flags=t.flags + ("region_split",), indicator_span=(a, at)))
    return out


def per_place(text: str, t: Target) -> list[Target]:
    """One milestone per place of a list the milestone opens with, each a county or a township."""
    m = PLACES_BEFORE_STATE.match(text, t.span.start, t.span.end)
    return [t] if m is None else _split(text, t, m, text[m.end():t.span.end])


def per_place_each(text: str, t: Target) -> list[Target]:
    """One target per place of a closed list whose places each take the value (甲县、乙县各新建…2所)."""
    if not t.indicator_span:
        return [t]
    s, e = t.indicator_span
    m = _PLACES_EACH.match(text, s, e)
    if m is None or m.end() >= e:
        return [t]
    name = text[m.end():e]
    if t.raw_value and (v := re.search(re.escape(t.raw_value) + r"\s*" + re.escape(t.raw_unit or t.unit or ""), name)):
        name = name[:v.start()] + name[v.end():]  # 各建成1所公办中心幼儿园: the value is not part of the name
    flags = tuple(f for f in t.flags if f != "distributed")
    return _split(text, replace(t, flags=flags), m, name)
