"""The time norm of after-school care: 课后服务每周5天、每天不少于2小时 / 每周5天开展课后服务,每天不少于2小时.

Two recurring records for a sentence about 课后服务 (托管服务, 延时服务): the days a week (课后服务天数,
= N 天, period weekly) and the hours a day (课后服务每天时长, ≥ M 小时 after 不少于/至少, period daily),
both kind ``target`` with no date (a service norm is periodic, it takes no plan-period fallback).  They
replace what the value reader made of the same words (课后服务每周5天 ≥ 2 小时 as one record).
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from ..models import Span, Target

__all__ = ["service_time_targets"]

_SERVICE = re.compile(r"课后服务|托管服务|延时服务|课后托管")
_DAYS = re.compile(r"每周(?:开展|提供|安排)?(?:课后服务|托管服务|服务)?\s*(?P<v>[1-7]|[一二三四五六七])\s*天")
_HOURS = re.compile(r"每天(?:服务)?(?:时间|时长)?\s*(?P<cmp>不少于|不低于|至少|原则上不少于)?\s*"
                    r"(?P<v>\d(?:\.\d)?|[一二两三])\s*(?:个)?\s*小时")
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}


def service_time_targets(text: str, ss: int, se: int, taken: Sequence[Target],
                         stage_of: Callable[[str, int], str | None]) -> tuple[list[Target], list[Target]]:
    """(the day and hour norms of sentence ``text[ss:se]``, the records of ``taken`` they replace)."""
    if text.find("每周", ss, se) == -1 or _SERVICE.search(text, ss, se) is None:
        return [], []
    days = _DAYS.search(text, ss, se)
    if days is None:
        return [], []
    out = [_record(text, days, "课后服务天数", "=", "天", "weekly", stage_of)]
    hours = _HOURS.search(text, days.end(), min(se, days.end() + 40))
    if hours is not None:
        out.append(_record(text, hours, "课后服务每天时长", ">=" if hours.group("cmp") else "=", "小时", "daily",
                           stage_of))
    lo, hi = days.start(), (hours or days).end()
    replaced = [t for t in taken if t.span.start < hi and t.span.end > lo and t.unit in ("天", "小时")]
    return out, replaced


def _record(text: str, m: re.Match, name: str, cmp: str, unit: str, period: str,
            stage_of: Callable[[str, int], str | None]) -> Target:
    v = m.group("v")
    value = float(v) if v[0].isdigit() else float(_CN[v])
    return Target(indicator=name, stage=stage_of(name, m.start()), comparator=cmp, value=value, unit=unit,
                  raw_value=v, deadline=None, kind="target", modality=None,
                  cue=m.group("cmp") if m.re is _HOURS and m.group("cmp") else "(service norm)",
                  span=Span(m.start(), m.end(), text[m.start():m.end()]), period=period,
                  flags=("service_time_norm",), indicator_span=(m.start(), m.end()))
