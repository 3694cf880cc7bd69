"""The stage of a target read from its sentence (module docstring of :mod:`kb.extract.targets`, step 6).

First rule that applies: the indicator's own words (several stages side by side → None); None for
stage-neutral school sets (乡村学校, 寄宿制学校); the nearest stage word before the value (a stage list
→ its common stage) — not one inside a cross-stage item already read, nor a stage list an earlier item
was zipped over; the single stage of the sentence up to the end of the value's comma-part;
after 其中 the previous target's; the previous sentence naming the same people; the enclosing
numbered item's heading; the national indicator's stage; else None.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from ..models import Target
from . import lexicon as L

__all__ = ["stage_in_sentence"]

_DATED_PART = re.compile(r"[;;]\s*(?:到|至|在)?\s*(?:19|20)\d{2}\s*年")
_JOINED_GROUPS = re.compile(r"(?:县中|普通高中|高中)(?:学校)?[与和及、](?:中职|中等职业)|(?:中职|中等职业)(?:学校)?[与和及、](?:县中|普通高中|高中)")
_SCHOOL_NAME = re.compile(r"第[一二三四五六七八九十\d]{1,3}(?:小学|初级中学|中学|高级中学|幼儿园)"
                          r"|[\u4e00-\u9fff]{1,4}(?:镇|乡|街道)中心(?:小学|幼儿园)|实验(?:小学|初中|幼儿园)")
_PEOPLE = re.compile(r"(中小学|小学|初中|高中|幼儿园|义务教育)(教师|学生|校长|园长)")


@lru_cache(maxsize=256)
def _school_names(text: str, ss: int, se: int) -> tuple[tuple[int, int], ...]:
    """Spans of schools' proper names in a sentence (read once per sentence: a str's hash is cached)."""
    return tuple(m.span() for m in _SCHOOL_NAME.finditer(text, ss, se))


_THEN = re.compile("其中")
_COMMA = re.compile(r"[,,;;]")
_OPENING_STAGE = re.compile(r"\s*(?:全[省市县区])?(义务教育|九年义务教育)(?:阶段)?(?:学校)?(?:生均|公用经费)")


def stage_in_sentence(text: str, ss: int, se: int, name: str, at: int, unit: str | None, taken: Sequence[Target],
                      prev_stage: str | None, prev_end: int, prev_sentence: str, heading_stage: str | None,
                      topic: str | None) -> str | None:
    """The stage of indicator ``name`` whose words end before ``at`` in sentence ``[ss, se)``."""
    own = L.stage_of(name)
    if own:
        m = L.STAGE_RUN.search(name)  # 中小学幼儿园学位总数: several stages side by side → cross-stage
        if m and L.one_stage(L.stages_in(m.group())) is None:
            return None
        # 县中与中职学校…试点学校: two stage groups joined in the name → cross-stage (gold-forms-3 STAGE)
        return None if _JOINED_GROUPS.search(name) and L.one_stage(L.stages_in(name)) is None else own
    if L.STAGE_NEUTRAL.search(name):  # 乡村学校教师…, 寄宿制学校: the subject names no stage, so none is borrowed,
        opening = _OPENING_STAGE.match(text, ss, at)  # unless the sentence opens with one (义务教育生均公用经费…,寄宿制学校…)
        return L.stage_of(opening.group(1)) if opening else None
    lists = [(m.start(), m.end(), m.group()) for m in L.STAGE_LIST.finditer(text, ss, at)]
    cues = [(m.start(), m.end(), s) for pat, s in L.STAGE_PRIORITY for m in pat.finditer(text, ss, at)]
    cues += [(m.start(), m.end(), L.STAGE_POSITIONAL_MAP[m.group()])
             for m in L.STAGE_POSITIONAL.finditer(text, ss, at)]
    # 新建中小学校和幼儿园31所, 新增学位…: the stage words of a cross-stage item lend no stage
    spans = [t.indicator_span for t in taken if t.stage is None and t.indicator_span]
    # 生均宿舍面积小学、初中分别不低于3、3.5平方米,独立食堂覆盖率…: a stage list an earlier item was zipped
    # over (分别) belongs to that item and lends no stage to the items after it
    zipped = [(t.indicator_span[0], t.span.end) for t in taken if t.indicator_span
              and ("respectively" in t.flags or "implicit_respectively" in t.flags) and t.stage]
    spans += zipped
    # 完成杨村第九小学新建工程…,项目总投资3.46亿元: a school's proper name lends no stage to other items
    named = [(a, b) for a, b in _school_names(text, ss, se) if not a <= at <= b]
    spans += named
    # …招聘中小学教师120名;组织教师培训…: an earlier item's own school stage stays in its ;-part (特殊教育
    # is the topic of the sentence: …残疾学生生均公用经费…;对送教上门的残疾学生…补助)
    part = text.rfind(";", ss, at)
    done = [t.indicator_span for t in taken if t.indicator_span and t.indicator_span[1] <= part]
    # …达到80%,其中初中达到90%;兼职心理辅导员…: a 其中 breakdown speaks for its own ;-part only
    for q in _THEN.finditer(text, ss, at):
        end = text.find(";", q.start(), at)
        if end != -1:
            spans.append((q.start(), end))
    cues = [c for c in cues if not any(a <= c[0] < b for a, b in spans)
            and (c[2] == "特殊教育" or not any(a <= c[0] < b for a, b in done))]
    if cues:
        s, e, stage = max(cues, key=lambda c: c[1])
        lst = next((x for x in lists if x[0] <= s < x[1]), None)
        owner = next((t for t in taken if t.indicator_span and t.indicator_span[0] <= s < t.indicator_span[1]
                      and t.span.start >= ss), None)
        if owner is not None and lst is None and stage != "特殊教育":
            # 新建小学4所、初中2所,改扩建学校15所 / 差异系数小学不高于0.45、初中不高于0.40,社会认可度…: the
            # later items after values listed stage by stage take the stage those share (小学 + 初中 →
            # 义务教育), not the last one's
            run = {t.stage for t in taken if t.span.start >= ss and t.unit == owner.unit and t.stage
                   and t.indicator_span and L.stage_of(text[t.indicator_span[0]:t.indicator_span[1]])}
            if len(run) > 1:
                stage = L.one_stage(run) or stage
        if lst is not None:
            stage = L.one_stage({L.STAGE_ITEM_MAP[p] for p in re.split(r"\s*[、和与及]\s*", lst[2])
                                 if p in L.STAGE_ITEM_MAP})
        # a borrowed 小学/初中 never narrows a 义务教育-wide national indicator (初中三年巩固率…,残疾儿童少年
        # 入学率… is the 义务教育 indicator; …向农村初中倾斜;随迁子女…就读比例 too)
        if stage in ("小学", "初中"):
            national = L.national_stages(name, unit, topic)
            if "义务教育" in national and stage not in national:
                return "义务教育"
        return stage
    # a later ;-part opening with its own date (…;到2020年,小学、初中生师比…) is a new scope: its stages stay there
    m = _DATED_PART.search(text, at, se)
    end = m.start() if m else se
    masked = list(zipped) + named  # …nor from the sentence as a whole
    # …比例达到70%,其中初中教师达到90%: a stage after 其中 is the breakdown's, not the sentence's
    for q in _THEN.finditer(text, at, end):
        semi = text.find(";", q.start(), end)
        masked.append((q.start(), end if semi == -1 else semi))
    # 全年建设智慧教室60间,中小学校园无线网络覆盖率…: the single stage word of a later comma-part is its
    # own; a stage list there (…;小学、初中校际差异系数分别…) still speaks for the whole sentence
    k = _COMMA.search(text, at, end)
    if k and not L.STAGE_LIST.search(text, k.start(), end):
        end = k.start()
    rest = text[ss:end]
    for a, b in masked:
        a, b = max(a, ss), min(b, end)
        if a < b:
            rest = rest[:a - ss] + " " * (b - a) + rest[b - ss:]
    whole = L.one_stage(L.stages_in(rest))
    if whole:
        return whole
    if prev_stage and re.match(r"[\s,,;;]*其中", text[prev_end:at]):
        return prev_stage
    prev = L.stages_in(prev_sentence)
    for m in _PEOPLE.finditer(prev_sentence):
        if m.group(2) in name and len(prev) == 1:
            return L.stage_of(m.group(1))
    return heading_stage or L.taxonomy_stage(name, unit, topic)

