"""Names of percentage-point changes: 比2015年提高20个百分点 → '<measure>提高幅度(比2015年)'.

The measure is the words before the reference (学生参与率较2024年提高…); when the clause
names only the reference (…提高到60%,比2015年提高20个百分点) it is the previous target's
measure in the same sentence.  The reference year is a qualifier of the name, never a deadline.
"""
from __future__ import annotations

import re

__all__ = ["delta_name"]

_DELTA = re.compile(
    r"^(?P<m>.*?)(?P<base>(?:在|比|较|与)\s*(?:(?:19|20)\d{2}\s*年(?:底|末)?|上年|上一年|去年)(?:相比)?(?:的)?(?:基础上)?)?"
    r"\s*(?:每年|年均)?\s*(?P<v>提高|提升|下降|降低|减少|增加|增长)$")


def delta_name(indicator: str, prev_measure: str, annual: bool) -> str | None:
    """The name of a delta record, or None when ``indicator`` is not a '<measure><base><verb>' phrase."""
    m = _DELTA.match(indicator)
    if m is None:
        return None
    measure = m.group("m").strip(" ,,、的")
    if not measure:
        measure = prev_measure
    if not measure or len(measure) < 2:
        return None
    quals = (["每年"] if annual else []) + ([re.sub(r"\s+", "", m.group("base"))] if m.group("base") else [])
    return f"{measure}{m.group('v')}幅度" + (f"({','.join(quals)})" if quals else "")
