"""Lists of items that share a head, and years zipped with values (issue 11, forms 2).

* a value followed by 、 and the words of the next item up to its own value ends its item
  (新建学校3所、改扩建7所; 义务教育学位2.8万个、学前学位0.9万个);
* a total broken down after 其中 names its parts (新增学位4.2万个,其中小学学位…、初中学位…);
* per-unit provision heads (每所学校配备…) are shared by the items after them;
* 'YYYY年、YYYY年、YYYY年分别…A、B、C' and '三年分别达到A、B、C' (三年 = the years of the
  title period) give each value its own in_year deadline.
"""
from __future__ import annotations

import re
from typing import Sequence

from ..models import Deadline
from . import lexicon as L
from .numbers import parse_number

__all__ = ["CMP_END", "IN_SUM", "HEAD_VERB", "ITEM_NEXT", "each_object", "zipped_years"]

#: a comparator word closing an indicator, before a stage item (…基准定额提高到小学…)
CMP_END = re.compile("(?:" + "|".join(sorted((w for w in L.COMPARATOR_CUES if len(w) > 1), key=len, reverse=True)) + ")$")
#: from a total to one of its parts: ,其中 then items joined by 、 (no clause break)
IN_SUM = re.compile(r"[\s,,]*其中[^,,;;。]*")
#: the words of a subject up to its action verb (每所学校配备…), shared by the items after it
HEAD_VERB = re.compile(r"每[^、,,;;]{1,6}?(?:配备|配置|建有|建设|设立|设置|开设|拥有|有)")
#: a 、 then the words of the next item up to its own value: each item of the list has its number
ITEM_NEXT = re.compile(r"\s*、\s*[\u4e00-\u9fff“”]{1,16}")
#: a count of years closing the subject before 分别 (三年分别达到…)
_N_YEARS = re.compile(r"(?:这|今后|未来)?([一二两三四五六七八九十]|\d{1,2})个?年(?:$|(?=分别))")  # 三年分别补充…


def zipped_years(text: str, cs: int, s1: int, e1: int, n: int, respectively: bool, dls: Sequence[Deadline],
                 plan: Deadline | None, value_at: int | None = None) -> tuple[list[Deadline], int] | None:
    """One in_year deadline per value of an n-value group, and where the subject ends without the years.

    ``[s1, e1)`` is the subject in clause ``cs``; ``plan`` the title's period (for 三年分别…);
    ``value_at`` where the first value starts (the years may end the subject: 入园率2023年、2024年分别…).
    """
    if n < 2 or not respectively:
        return None
    stop = max(e1 + 2, value_at or 0)
    run = [d for d in dls if d.span and cs <= d.span[0] and d.span[1] <= stop and d.kind == "in_year" and d.end]
    for k in range(len(run) - n + 1):
        seq = run[k:k + n]
        if not all(re.fullmatch(r"\s*[、和及与]\s*", text[a.span[1]:b.span[0]]) for a, b in zip(seq, seq[1:])):
            continue
        if not text[seq[-1].span[1]:s1].strip(" 分别,,"):
            return list(seq), min(seq[0].span[0], e1)
        if value_at and s1 + 2 <= seq[0].span[0] and seq[-1].span[1] + 1 >= e1 \
                and re.fullmatch(r"[^,,;;。\d]{0,8}", text[seq[-1].span[1]:value_at]):
            return list(seq), seq[0].span[0]  # 学前三年毛入园率2023年、2024年分别达到…: the years after the name
    m = _N_YEARS.search(text, s1, e1)
    if m and plan and plan.start and plan.end and parse_number(m.group(1)) == n:
        y1, y2 = int(plan.start[:4]), int(plan.end[:4])
        if y2 - y1 + 1 == n:
            return [Deadline(end=f"{y}-12-31", text=m.group(), kind="in_year", span=m.span()) for y in range(y1, y2 + 1)], \
                m.start()
    return None


#: 建设学科教室和创新实验室各…, 开展运动会和艺术节各1次: an action verb, then two or three objects
_EACH_OBJECTS = re.compile(r"(建设|建成|新建|配备|配置|设立|开展|举办|组织|创建|培育)"
                           r"([\u4e00-\u9fff]{2,10}?)((?:[和与及、][\u4e00-\u9fff]{2,10}?){1,2})$")


def each_object(ind: str) -> list[str]:
    """The indicators of 'verb X和Y各N': one per object with the words before them kept, else []."""
    m = _EACH_OBJECTS.search(ind)
    if m is None:
        return []
    objs = [m.group(2)] + [x for x in re.split(r"[和与及、]", m.group(3)) if x]
    if len(objs) < 2 or any(len(o) < 2 for o in objs):
        return []
    return [ind[:m.end(1)] + o for o in objs]

