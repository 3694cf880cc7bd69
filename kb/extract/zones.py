"""The words between an indicator and its value, and zipping values over lists.

:func:`read_zone` walks back from a value over comparator words, verbs, hedges,
dates and 每生每年; :func:`zip_items` pairs n values (or distributes one) over a
stage, level, school or indicator list.  Both read only the word lists of
:mod:`kb.extract.lexicon` and the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from ..models import Deadline
from .lexicon import (ACTION_VERBS, ADVERBS, COMPARATOR_CUES, INDICATOR_HEAD, LEVEL_LIST, PAST, PER_NAMED, PER_PREFIX,
                      PER_PREFIX_NORMAL, STAGE_ITEM, STAGE_ITEM_MAP, STAGE_GROUPS, STAGE_LIST, per_named, split_items,
                      stage_of)


_ZONE_WORDS = {**{w: "adv" for w in ADVERBS}, **{w: "verb" for w in ACTION_VERBS},
               **{w: "cmp" for w in COMPARATOR_CUES}, **{w: "past" for w in PAST}}
_ZONE_REV = re.compile("|".join(re.escape(w[::-1]) for w in sorted(_ZONE_WORDS, key=len, reverse=True)))
_CMP_ANY = re.compile("|".join(re.escape(w) for w in sorted(
    (w for w, c in COMPARATOR_CUES.items() if c != "=" or w in ("达到", "达")), key=len, reverse=True)))
#: short qualifiers sharing the noun after them (视力、听力、智力残疾儿童少年入学率)
_SHARED_NOUN = re.compile(r"([\u4e00-\u9fff]{1,2}(?:、[\u4e00-\u9fff]{1,2}){1,4})(?=[\u4e00-\u9fff]{3,})")
_SCHOOL_LIST = re.compile(
    r"^((?:小学|初中|高中|[^、,,()的在和及与]{1,10}?(?:学校|校|园))"
    r"(?:(?:、|(?<=[学中])及|(?<=[学中])和)[^、,,()的在和及与]{1,10}?(?:学校|校|园))+)(?=\S)")
#: groups of staff sharing one rate after them (园长、专任教师持证上岗率)
_STAFF = r"(?:园长|校长|副校长|专任教师|教师|保育员|班主任|保健医生|保安|书记)"
_PEOPLE_LIST = re.compile(rf"({_STAFF}(?:、{_STAFF})+)(?=[\u4e00-\u9fff]{{2,8}}(?:率|比例)$)")
#: kinds of people, each counted apart after 各 (名师、名校长各20名; 骨干教师、学科带头人各50人)
_PERSON = r"(?:名|骨干|优秀|青年|学科)?(?:教师|校长|园长|班主任|师|带头人|教学能手|教练员|辅导员|心理健康教师)"
_EACH_PERSON = re.compile(rf"{_PERSON}(?:、{_PERSON})+$")
#: a part of an indicator list that is a whole rate of its own (入学率, 配备率, 满意度): a value after the list is each one's
_WHOLE_RATE = re.compile(r"[\u4e00-\u9fff]{2,}(?:率|度)$")
_LIST_MARK = re.compile(r"[、和及]")
_ROOM_LIST = re.compile(
    r"([\u4e00-\u9fff]{1,2}(?:、[\u4e00-\u9fff]{1,2}){1,3})(?=[\u4e00-\u9fff]{0,4}(?:室|教室|馆|场|基地|中心))")


@dataclass
class Zone:
    """The words between an indicator and its value."""

    start: int  # where the subject ends
    cmp_word: str | None = None
    verbs: list[str] = field(default_factory=list)  # as written, in text order
    advs: list[str] = field(default_factory=list)
    past: bool = False
    base: str | None = None  # 不低于<base>的10%
    per: str | None = None  # 每生每年 → (生·年)


_MONEY_AT = re.compile(r"[\d.]+\s*[万千]?元")
_SHARE_AT = re.compile(r"[\d.]+\s*(?:%|倍)")
_BY = re.compile(r"按照?")


def read_zone(text: str, cs: int, pos: int, deadlines: Sequence[Deadline]) -> Zone:
    """Walk back from a value over comparator words, verbs, hedges, dates and 每生每年."""
    z = Zone(pos)
    d_end = {d.span[1]: d.span[0] for d in deadlines if d.span}
    i = pos
    while i > cs:
        while i > cs and text[i - 1].isspace():
            i -= 1
        seg = text[cs:i]
        pm = PER_PREFIX.search(seg) if z.per is None else None
        rate = pm is not None and (pm.group(1).count("每") == 2 or pm.group(1) == "每千人")
        if pm and (rate or not z.verbs and z.cmp_word is None):  # 每生每年 may precede 不低于; 每班 may not
            z.per = PER_PREFIX_NORMAL.get(pm.group(1))
            i = cs + pm.start()
            continue
        nm = PER_NAMED.search(seg) if z.per is None and pm is None and _MONEY_AT.match(text, pos) else None
        if nm:  # 每名在园幼儿每年享受1200元: per pupil and year, 在园幼儿 stays the subject
            z.per = per_named(nm.group(1), nm.group(2))
            i = cs + nm.end(1)
            continue
        if i in d_end and d_end[i] >= cs:
            i = d_end[i]
            continue
        m = _ZONE_REV.match(seg[::-1])
        if m:
            word = m.group()[::-1]
            kind = _ZONE_WORDS[word]
            if kind == "cmp" and z.cmp_word is None:
                z.cmp_word = word
            elif kind in ("verb", "cmp"):
                z.verbs.insert(0, word)
            elif kind == "past":
                z.past = True
            else:
                z.advs.append(word)
            i -= len(word)
            continue
        if z.cmp_word is None and z.base is None:
            cm = None
            for cm in _CMP_ANY.finditer(seg):
                pass
            b = seg[cm.end():].strip() if cm is not None and len(seg) - cm.end() <= 30 else ""
            if b and (b.endswith("的") or re.search(r"(?:总数|总额|总量|总和|人数)$", b)) \
                    and not re.search(r"[\d,,;;。]", b):
                z.base, z.cmp_word = re.sub(r"^占", "", b.rstrip("的 ")), cm.group()  # 约占在园幼儿的8%: 占 is no part of the base
                i = cs + cm.start()
                continue
            # 按照年度公用经费预算总额的5%安排…, 按照当地普通小学标准的6倍拨付: a share of a base named after 按照
            bm = None
            for bm in _BY.finditer(seg):
                pass
            b = seg[bm.end():] if bm is not None and cm is None and len(seg) - bm.end() <= 30 else ""
            if b.endswith("的") and len(b) >= 4 and not re.search(r"[\d,,;;。]|每|(?:规定|要求|政策|文件)的$", b) \
                    and _SHARE_AT.match(text, pos):
                z.base = b.rstrip("的 ")
                i = cs + bm.end()  # 按照 stays before the zone: the value is a formula
                continue
        break
    z.start = i
    return z


def zip_items(text: str, s1: int, e1: int, subject: str, ind: str, n: int,
              z: Zone) -> list[tuple[str, str | None, str]]:
    """(indicator, stage, flag) per target: zip n values, or distribute one, over a list."""
    resp = "分别" in z.advs or "分别" in subject
    flag = ("respectively" if resp else "implicit_respectively") if n > 1 else "distributed"
    dist = bool({"均", "都", "各"} & set(z.advs))
    for m in reversed(list(STAGE_LIST.finditer(text, s1, e1))):
        parts = [p for p in re.split(r"\s*[、和与及]\s*", m.group()) if p]
        head, tail = m.start() == s1, m.end() == e1
        groups = {STAGE_ITEM_MAP[p] for p in parts}  # 中小学和幼儿园25所, 普通高中与中职学校…: a cross-group total
        if len(parts) == n or n == 1 and (dist or (head or tail) and not (groups & STAGE_GROUPS and len(groups) > 1)):
            rest = (ind.replace(m.group(), "", 1).strip(" 、的:") if head or tail else ind) or ind
            stages = [(rest, STAGE_ITEM_MAP[p], flag) for p in parts]
            if n == 1:  # 音乐、美术专用教室1间 per stage: one record per room type too
                rooms = _ROOM_LIST.search(rest)
                if rooms:
                    stages = [(rest.replace(rooms.group(1), r, 1), s, flag)
                              for _, s, _ in stages for r in rooms.group(1).split("、")]
            return stages
    if n > 1:
        for m in LEVEL_LIST.finditer(text, s1, e1):
            parts = re.split(r"\s*、\s*", m.group())
            if len(parts) == n and m.group() in ind:
                pre, post = ind.split(m.group(), 1)
                lv = re.match(r"[两二三四五]级", post)  # 省、市、县三级名师工作室
                if parts[-1].endswith("级") or lv:
                    parts = [p if p.endswith("级") else p + "级" for p in parts]
                    post = post[lv.end():] if lv else post
                return [(pre + p + post, None, flag) for p in parts]
        split = split_items(ind)
        if len(split) != n and resp:  # 特殊教育学校、随班就读学生和送教上门学生比例分别为30%、60%、10%
            parts = [p for p in re.split(r"、|和|及", ind) if p]
            head = INDICATOR_HEAD.search(parts[-1]) if len(parts) == n else None
            if head:
                split = [p if INDICATOR_HEAD.search(p) else p + head.group() for p in parts]
        return [(p, None, flag) for p in split] if len(split) == n else []
    if dist:
        split = split_items(ind)
        if len(split) > 1:
            return [(p, None, flag) for p in split]
        people = _EACH_PERSON.search(ind) if "各" in z.advs else None
        if people:  # 新增市级以上名师、名校长各20名: one count per kind of person, the words before the list shared
            pre = ind[:people.start()]
            return [(pre + p, None, flag) for p in people.group().split("、")]
        rooms = _ROOM_LIST.search(ind)
        if rooms and "各" in z.advs:
            return [(ind.replace(rooms.group(1), r, 1), None, flag) for r in rooms.group(1).split("、")]
        heads = _SHARED_NOUN.match(ind)
        if heads and "均" in z.advs and INDICATOR_HEAD.search(ind) and not _PEOPLE_LIST.search(ind):
            # 视力、听力残疾儿童入学率均… → one per kind (园长、专任教师… is a list of people, read below)
            return [(p + ind[heads.end():], None, flag) for p in heads.group(1).split("、")]
    if n == 1 and not dist and _WHOLE_RATE.search(ind) and _LIST_MARK.search(ind):
        # 保安员配备率、紧急报警装置配备率保持100%: whole rates side by side share the value
        split = split_items(ind)
        if len(split) > 1 and all(_WHOLE_RATE.search(p) for p in split):
            owner = split[0][:-3] if len(split[0]) > 3 else ""  # 适龄儿童入学率和巩固率: 巩固率 is 适龄儿童's too
            return [(p if len(p) > 3 else owner + p, None, "shared_value") for p in split]
    m = _PEOPLE_LIST.search(ind) if n == 1 else None
    if m:  # 园长、专任教师持证上岗率(均)达到100%: one rate per group of people (the 均 may be left out)
        pre, post = ind[:m.start()], ind[m.end():]
        return [(pre + p + post, None, flag or "distributed") for p in m.group(1).split("、")]
    m = _SCHOOL_LIST.match(subject)
    if m:
        rest = subject[m.end():]
        return [(f"{rest}({p})", stage_of(p) or stage_of(rest), flag) for p in re.split(r"、|及|和", m.group(1))]
    return [(ind, None, "")]


_TRAILING_STAGE = re.compile(r"(?:小学|初中|普通高中|高中)$")
STAGES_ONLY_RE = re.compile(rf"{STAGE_ITEM}(?:\s*[、和与及]\s*{STAGE_ITEM})*")
_PER_PUPIL_LIST = re.compile(rf"{STAGE_LIST.pattern}生$")


def tidy_stage_name(name: str, advs: Sequence[str], prev: str | None) -> str:
    """An item name without the stage words its values were zipped over: 生均图书小学 → 生均图书;
    校园占地面积小学、初中、高中生均分别… → 生均校园占地面积; an item named only by stages (…、初中和高中不少于
    9平方米) takes the previous item's name."""
    if prev and STAGES_ONLY_RE.fullmatch(name):
        return _TRAILING_STAGE.sub("", prev) if len(prev) > 4 else prev
    m = _PER_PUPIL_LIST.search(name)
    if m and "均" in advs and m.start() >= 2:
        return ("" if name.startswith("生均") else "生均") + name[:m.start()]
    rest = _TRAILING_STAGE.sub("", name)
    if rest != name and len(rest) >= 2 and (rest.startswith("生均") or INDICATOR_HEAD.search(rest)):
        return rest  # 生均图书小学 / 班额小学: the measure before the stage word (not 新建小学, 新建公办幼儿园)
    return name
