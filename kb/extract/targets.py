"""Quantitative targets of a plan: indicator, stage, comparator, value, unit, deadline.

The text is read paragraph by paragraph (one line each), sentence by sentence
(。!?) and comma clause by comma clause (,;).  In each sentence:

1. **values** come from :func:`kb.extract.numbers.find_values` (Arabic with 万/亿, ratios,
   百分之…, fraction words 三分之二/一半, III级, ranges; Chinese numerals only after a comparator or
   a verb); brackets, quotes, 《titles》 and number-bearing names (九年义务教育, “5085” …) are
   masked; values joined by 、/和 form a group sharing the last unit;
2. walking back from a group over comparator words, verbs, hedges, 分别/均, 全市 and 每生每年
   gives the **comparator** (以上/以下/左右 refine a bare 达到) and leaves the **subject**, trimmed
   into the **indicator** (:mod:`kb.extract.naming`): the counted noun after the unit joins it after an action verb
   (培养60名…名师; 每个乡镇至少办好1所初中 → 每个乡镇办好初中数); (占<base>) for 不低于<base>的10%;
   a share of units for 80%以上的县… / …的县(市、区)达到一半以上; a stage-only subject keeps the
   previous subject (学校规模小学…,初中…) or the noun of the clause before; an empty subject
   borrows the previous target's or the previous comma clause;
3. **conditions are dropped** (4000人以上的行政村, 不足100名, 任教1年以上作为…条件, 5:3:2, 等7个,
   values after 即/一般为, past facts, bare numbers not ending their clause), and so are
   administrative routines counted in 次 (每半年开展一次督导);
4. a group of n values is **zipped** with n stages (小学、初中), levels (省、市、县级) or
   coordinated indicators; one value is **distributed** with 均/各 over such a list, a leading or
   trailing stage or school-type list, or a short list of room types (音乐、美术专用教室);
5. the **deadline** is the last one written before the value in the sentence (2023年起 → kind
   start; 每年/每学期 → ``period``); else a "到2025年," in the paragraph's first sentence; else a
   stage heading "1.2023年目标" (stage_year).  The plan's goal year is never used;
6. the **stage**: the zipped item; the indicator's words (several side by side, 中小学幼儿园 → None);
   None for stage-neutral school sets (乡村学校, 寄宿制学校); the nearest stage word before it; the
   single stage of the sentence up to the value's comma-part; after 其中 the previous target's; the
   previous sentence naming the same people; the enclosing numbered item's heading; the national indicator's stage; else None;
   a later 分别/均 item of the same ;-part takes the stage list the item before it was zipped over;
7. 所有X均建有…/X全部达标 give 100 % shares (:mod:`kb.extract.shapes`); a sentence with a dated
   qualitative end state (通过…评估验收, 达到…标准, 完成…建设/整改, 开园) and no value gives a
   **milestone** (value None), which never runs past ';'.

``kind`` follows the gold conventions: "standard" for rules (:mod:`kb.extract.standards`:
元/(生·年) rates, 千人学位数…的标准, 按…核定, caps written 凡…), "milestone"
as above, else "target" (dated or not).
"""
from __future__ import annotations

import bisect
import logging
import math
import re
from dataclasses import replace
from typing import Sequence

from ..models import Clause, Deadline, Span, Target
from . import lexicon as L
from . import zones as Z
from .baselines import baseline_before, baseline_section, baseline_sentence
from .deadlines import as_recurring, deadline_at, find_deadlines, heading_deadline, label_deadline_in, with_plan_period
from .levies import levy_targets
from .references import reference_targets, shared_rate_targets
from .milestones import read_milestones
from .places import per_place_each
from .ratios import read_ratio_norm
from .deltas import delta_name
from .numbers import MULTIPLIERS, Mention, find_values, group_values, scale
from .items import each_object, zipped_years
from .stages import stage_in_sentence
from .servicetime import service_time_targets
from .stagerates import stage_rate_targets
from .standards import is_cost_split, is_standard
from .shapes import OBJECT_LEADS, ROUTINE, clause_bounds, object_count_targets, universal_targets
from .tabletargets import read_tables
from .framing import PAREN_VARIANT, Doc, Sent, frame, glued_label, read_document
from .naming import indicator_words
from .tiers import tier_targets

__all__ = ["extract_targets", "extract_targets_from_sentence"]
log = logging.getLogger(__name__)

_PARA = re.compile(r"[^\n]+")
_SENT = re.compile(r"[^。!?!?]+[。!?!?]*")
_HEADNUM = re.compile(
    r"\s*(?:第[一二三四五六七八九十百零〇\d]{1,5}(?:章|节|条|部分)|[一二三四五六七八九十百]{1,4}[、.．]"
    r"|[((][一二三四五六七八九十百\d]{1,4}[))]|\d{1,2}[.．](?=\s|\d{4}\s*年|[^\d])|\d{1,2}、(?!\d)"
    r"|\d{1,3}\s*$|[\u2460-\u249b])\s*")
_PREFILTER = re.compile(  # the lookahead on first characters lets the scan skip most positions at once
    r"(?=[0-9百分一所全二十IVX至不举观组开参])(?:[0-9]|百分之|分之|一半|所有|全部|二[〇零○]|十[三四五]五|[IVX]\s*级"
    r"|(?:至少|不少于|不低于|不超过|举办|观看|组织|开展|参加)(?:办好|建成|建有|[有建设办])?[一二两三四五六七八九十])")
_SCOPED = frozenset({"deadline_inherited_from_paragraph_start", "deadline_from_heading", "deadline_from_governing_line"})
#: a consolidation count (小学调整为36所): the number of schools of that type
#: a defined short term: 本县义务教育阶段寄宿制学校(以下简称“寄宿制学校”)
_CONSOLIDATED = re.compile(r"^(.{2,12}?)(?:调整|缩减|减少|压减|合并|整合|撤并)(?:到|至|为)?$")
#: a rate per lesson named in the subject (每课时课酬不低于30元)
_PER_LESSON = re.compile(r"每(?:课时|节课)")
#: 三项指标 / 上述指标 / 以上三项: the indicators named before, taken back in order
_COUNTED_INDICATORS = re.compile(r"(?:上述|以上|这|前述)?(?:[一二两三四五六七八九十\d]{1,2}项(?:指标|目标)?|各项指标|指标)(?:分别)?")
# patterns of every value group, compiled once (re.search(r"…") looks each up in re's cache on every call)
_THEN_OF_WHICH = re.compile(r"[\s,,]*其中")
_CAP_NAME = re.compile(r"最高(?:限价|限额|收费标准|标准)$|收费上限$")


# --- small readers ---------------------------------------------------------

def _stage(doc: Doc, st: Sent, name: str, at: int, unit: str | None) -> str | None:
    """Stage by the first rule that applies (module docstring, step 6; :mod:`kb.extract.stages`); a term
    the document defines with a stage (…义务教育阶段寄宿制学校(以下简称寄宿制学校)) keeps that stage."""
    if doc.defined and not L.stage_of(name):
        found = next((stage for term, stage in doc.defined if term in name), None)
        if found:
            return found
    return stage_in_sentence(doc.text, st.ss, st.se, name, at, unit, st.out, st.prev_stage, st.prev_end,
                             st.prev_sentence, st.heading_stage, doc.topic)


# --- scopes ---------------------------------------------------------------

def _chain(doc: Doc, pos: int) -> list[Clause]:
    """The clause holding ``pos`` and its ancestors, nearest first."""
    i = bisect.bisect_right(doc.starts, pos) - 1
    if i < 0:
        return []
    c = doc.clauses[i]
    chain = [c]
    for k in range(len(c.path) - 1, 0, -1):
        cands = [x for x in doc.by_path.get(c.path[:k], []) if x.start <= pos]
        if cands:
            chain.append(cands[-1])
    return chain


_PART_BREAK = re.compile(r"[;;。]")


def _carried_stage_list(text: str, st: Sent, r, z, ind: str, items: list) -> list:
    """小学、初中A分别达到…,B分别不低于x、y: a later 分别/均 item of the part takes the stage list the
    previous item was zipped over, when its own words name no stage (the list governs the whole part)."""
    n = len(items)
    if not st.out or L.stage_of(ind) or r.own_stage or not all(f in ("unzipped", "distributed", "") for _, _, f in items):
        return items
    adv = "分别" if "分别" in z.advs or "分别" in r.subject else ("均" if "均" in z.advs else "")
    if not adv or (adv == "分别") != (n > 1):
        return items
    last = None
    for last in L.STAGE_LIST.finditer(text, st.ss, r.s1):
        pass
    if last is None or _PART_BREAK.search(text, last.end(), r.s1):
        return items
    stages = [L.STAGE_ITEM_MAP[p] for p in re.split(r"\s*[、和与及]\s*", last.group()) if p in L.STAGE_ITEM_MAP]
    k = len(stages)
    if k < 2 or len(set(stages)) != k or (n > 1 and n != k):
        return items
    done = [t.stage for t in st.out if t.span.end > last.end()]
    if done[-k:] != stages:  # the list must have been zipped by the item before
        return items
    if n == 1:  # 均不少于1.2人: one value distributed over each stage of the list
        return [(items[0][0], s, "distributed") for s in stages]
    return [(name, s, "respectively") for (name, _, _), s in zip(items, stages)]


def _read_group(doc: Doc, st: Sent, g: list[Mention], next_start: int) -> list[Target]:
    """The targets of one value group (one per zipped or distributed item)."""
    if g[0].unit == "ratio":
        ratio = _ratio_norm(doc, st, g)
        if ratio is not None:
            return ratio
    r = frame(doc, st, g, next_start)
    if r is not None and g[-1].unit == "次" and ROUTINE.search(r.trailing or r.subject):
        r = None  # 每半年开展一次专项督导, 每年至少组织1次检查: an administrative routine, not a target
    ind = indicator_words(doc, st, r) if r is not None else ""
    if r is None or not ind:
        return []
    if g[-1].unit in ("%", "ratio") and is_cost_split(doc.text, *clause_bounds(doc.text, st.ss, st.se, r.cs, r.ce)):
        return []  # 市县财政按不低于省级补助标准的50%予以配套: a split of costs between governments, no goal
    text, z, first, last, n = doc.text, r.z, g[0], g[-1], len(g)
    if last.unit == "个百分点" and any(v in L.DELTA_VERBS for v in r.verbs):  # 比2015年提高20个百分点
        prev = st.out[-1].indicator if st.out and st.out[-1].unit == "%" else ""
        annual = "每年" in text[r.cs:first.start] or "年均" in text[r.cs:first.start]
        ind = delta_name(ind, prev, annual) or ind
    items = Z.zip_items(text, r.s1, r.e1, r.subject, ind, n, z)
    if len(items) != n and n > 1:
        items = [(ind, None, "unzipped")] * n
    zy = zipped_years(text, r.cs, r.s1, r.e1, n, "分别" in z.advs or "分别" in r.subject, st.dls, doc.plan,
                      first.start)
    if zy and all(f == "unzipped" for _, _, f in items):  # 2023年、2024年、2025年分别补充教师400名、450名、500名
        cut = ind.find(text[zy[0][0].span[0]:zy[0][0].span[1]]) if zy[1] > r.s1 else -1
        name = ind[:cut].strip(" ,,") if cut > 1 else ind  # the years written after the name are no part of it
        name = re.sub(r"^(?:(?:这|今后|未来)?[一二两三四五六七八九十\d]{1,2}个?年)?分别|(?:这|今后|未来)?[一二两三四五六七八九十\d]{1,2}个?年$",
                      "", name) or name
        items = [(name, None, "years_zipped")] * n
    if n > 1 and _COUNTED_INDICATORS.fullmatch(ind) and all(f == "unzipped" for _, _, f in items):
        named = list(dict.fromkeys(t.indicator for t in st.out if t.unit is not None))
        if len(named) >= n:  # …入园率达到85%,…覆盖率达到76%;2022年,三项指标分别达到87%、80%、50%
            items = [(nm, None, "indicator_elided_in_2nd_clause") for nm in named[-n:]]
    items = _carried_stage_list(text, st, r, z, ind, items)
    if n == 1 and "各" in z.advs and items == [(ind, None, "")]:  # 建设学科教室和创新实验室各不少于2间
        items = [(o, None, "distributed") for o in each_object(ind)] or items
    mod = None
    for mm in L.MODALITY.finditer(text, st.ss, first.start):
        mod = L.MODALITY_MAP.get(mm.group(), mm.group())
    zipped = {t.deadline.span for t in st.out if "years_zipped" in t.flags and t.deadline}  # they date their values only
    dl, period, dflags = deadline_at(first.start, [d for d in st.dls if d.span not in zipped], st.para, st.head, text)
    span_s = min(r.s1 if r.subject else (r.t0 if r.use_trailing else z.start), first.start)
    span_e = max(last.end, r.t1 if r.use_trailing else last.end)
    ispan = (min(r.s1, r.t0) if r.subject else r.t0, r.t1) if r.use_trailing else ((r.s1, r.e1) if r.subject else None)
    adv = "分别" if "分别" in z.advs or "分别" in r.subject else ("均" if "均" in z.advs else "")
    word = z.cmp_word or (r.verbs[-1] if r.verbs else r.lead)
    cue = adv + ("按" if r.formula or (z.base and "按" in text[r.cs:z.start]) else "") + (word or "")
    out = []
    prev = st.out[-1].indicator if st.out and st.out[-1].span.start >= r.cs - 40 else None
    for k, (name, stage, iflag) in enumerate(items):
        mn = g[k] if n > 1 else first
        base_cmp = L.COMPARATOR_CUES.get(z.cmp_word) if z.cmp_word else None
        suf_cmp = L.SUFFIX_CUES.get(mn.suffix) if mn.suffix else None
        cmp = mn.cmp or (suf_cmp if base_cmp in (None, "=") and suf_cmp else (base_cmp or "="))
        if cmp == "=" and _CAP_NAME.search(name):
            cmp = "<="  # 收费最高限价为每生每月980元: a cap, though no 不超过 is written
        unit = mn.unit
        if unit in ("座", "个") and "千人" in name:
            unit = f"{unit}/千人"
        if z.per and unit == "元" and z.per in ("所", "校"):  # 每所50万元: a one-off amount for each school
            name = name if re.search(r"每[所校]", name) else f"{name[:-1]},每{z.per})" if name.endswith(")") \
                else f"{name}(每{z.per})"
        elif z.per and unit and unit not in ("%", "ratio") and "/" not in unit:
            unit = f"{unit}/{z.per}"
        elif unit == "元" and not z.per and (pr := L.PER_RATE_IN.search(r.subject)):
            unit = f"元/({pr.group(1)}·{'天' if pr.group(2) == '日' else pr.group(2)})"  # …每人每月生活补助不低于800元
        if unit == "元" and L.PER_PUPIL_RATE.search(name):
            unit = "元/(生·年)"  # recurring per-pupil funding
        elif unit == "元" and _PER_LESSON.search(r.subject):
            unit = "元/课时"
        if unit in ("所", "个"):
            name = _CONSOLIDATED.sub(r"\1数", name)
        tflags = r.flags + mn.flags + (["respectively"] if zy else dflags) + ([iflag] if iflag else [])
        if unit == "%" and isinstance(mn.value, float) and mn.value > 100:
            tflags.append("value_over_100")
        if any(v in L.DELTA_VERBS for v in r.verbs) and not z.cmp_word and unit in ("%", "个百分点"):
            tflags.append("delta")
        if z.cmp_word in ("保持在", "保持", "稳定在", "维持在"):
            tflags.append("maintain")
        standard = r.formula and not z.cmp_word or is_standard(text, st.ss, st.se, r.cs, r.subject, r.after,
                                                                first.start, last.end, unit)
        own_dl = zy[0][k] if zy else dl
        if standard and own_dl is not None and (_SCOPED.intersection(tflags) or any(
                f.startswith("deadline_from_label:") for f in tflags)):
            own_dl = None  # a standard keeps only a date of its own sentence, never the paragraph's or heading's
        stg = stage or r.own_stage or _stage(doc, st, name, min(span_s, r.s1), unit)
        out.append(Target(
            indicator=Z.tidy_stage_name(name, z.advs, prev) if stg else name, stage=stg,
            comparator=cmp, value=mn.value, unit=unit, raw_value=mn.raw, deadline=own_dl,
            kind="standard" if standard else "target", modality=mod,
            cue=(cue + (f"…{mn.suffix}" if mn.suffix else "")) if cue or mn.suffix else "(bare count)",
            span=Span(span_s, span_e, text[span_s:span_e]), raw_unit=mn.raw_unit, period=period,
            flags=tuple(dict.fromkeys(tflags)), indicator_span=ispan))
    if n == 1 and len(out) == 1 and (pv := PAREN_VARIANT.match(text, last.end)) is not None \
            and (out[0].unit or "").startswith(pv.group("u")):
        out.append(_variant(out[0], pv))  # 每年1.5万元(西藏、新疆1.8万元): the same rate for a group of places
    if out and len(split := per_place_each(text, out[0])) > 1 and all(t.indicator_span == out[0].indicator_span
                                                                        for t in out):
        out = split  # 甲县、乙县各新建…2所: each place's own target (not a zip of the places over one value)
    # …占比已达到91%,家长满意度为87%: a plain 为 after a baseline of the same sentence continues the account
    cont = z.cmp_word in ("为", "是") and not mod and bool(st.out) and st.out[-1].kind == "baseline"
    if r.past or st.base or cont or baseline_before(text, r.cs, first.start):  # 目前…为, 2020年底共有, 尚有: the situation now
        out = [replace(t, kind="baseline", deadline=None, modality=None, period=None) for t in out]
    st.prev_noun = (r.subject if "indicator_elided" not in r.flags else st.prev_noun) or st.prev_noun
    st.prev_verb = r.verbs[-1] if r.verbs else r.lead
    st.prev_cmp, st.prev_subject = z.cmp_word, r.subject
    st.prev_stage = out[-1].stage if out else st.prev_stage
    st.prev_end, st.prev_clause = last.end, clause_bounds(text, st.ss, st.se, first.start, last.end)[0]
    counted = "count_share" in r.flags  # 400个县通过…认定,其中中西部地区不少于240个: the total ends after its words
    end = r.t1 if counted else last.end
    if _THEN_OF_WHICH.match(text[end:end + 4]):
        st.sum_noun, st.sum_end = (ind if counted else r.subject), end
    return out


def _variant(t: Target, m: re.Match) -> Target:
    """The record of a parenthesised variant value (a group of places or schools and its own value)."""
    value = float(m.group("v"))
    if m.group("mult"):
        value = scale(value, MULTIPLIERS[m.group("mult")])
    who = m.group("who").strip()
    return replace(t, indicator=f"{t.indicator}({who})", value=value, raw_value=m.group("v") + (m.group("mult") or ""),
                   span=Span(t.span.start, m.end(), m.string[t.span.start:m.end()]),
                   flags=t.flags + (f"parenthesised_variant:{who}",))


def _ratio_norm(doc: Doc, st: Sent, g: list[Mention]) -> list[Target] | None:
    """按…师生比…核定: one standard per stage (:mod:`kb.extract.ratios`), or None for other shapes."""
    text = doc.text
    cs, ce = clause_bounds(text, st.ss, st.se, g[0].start, g[-1].end)
    recs = read_ratio_norm(text, cs, ce, g)
    if not recs:
        return None
    dl, _, dflags = deadline_at(g[0].start, st.dls, st.para, st.head, text)
    dl = None if _SCOPED.intersection(dflags) else dl  # a standard keeps only a date of its own sentence
    out = []
    for rec in recs:
        m = rec.mention
        flags = (["respectively"] if len(recs) > 1 and "分别" in rec.cue else []) + list(m.flags)
        out.append(Target(
            indicator=rec.indicator, stage=rec.stage or _stage(doc, st, rec.indicator, rec.start, "ratio"),
            comparator="=", value=m.value, unit="ratio", raw_value=m.raw, deadline=dl, kind="standard",
            modality=None, cue=rec.cue, span=Span(rec.start, rec.end, text[rec.start:rec.end]),
            raw_unit=m.raw_unit, period=None, flags=tuple(dict.fromkeys(flags)), indicator_span=None))
    st.prev_stage = out[-1].stage
    st.prev_end, st.prev_clause = g[-1].end, cs
    return out


# --- sentences, paragraphs, documents --------------------------------------

def _heading(doc: Doc, c: Clause) -> Deadline | None:
    """The deadline a clause's heading or governing line gives (read once per clause of this document)."""
    if c.start not in doc.headings:
        doc.headings[c.start] = heading_deadline(doc.text, c)
    return doc.headings[c.start]


def _section_label(doc: Doc, top: Clause) -> Deadline | None:
    """The one 完成时限 label line of the section ``top`` opens (read once per section)."""
    if top.start not in doc.section_labels:
        i0 = bisect.bisect_right(doc.starts, top.start)
        nxt = next((doc.clauses[i].start for i in range(i0, len(doc.clauses))
                    if len(doc.clauses[i].path) <= len(top.path)), len(doc.text))
        doc.section_labels[top.start] = label_deadline_in(doc.text, top.start, nxt, only=True)
    return doc.section_labels[top.start]


def _scope(doc: Doc, pos: int) -> tuple[Deadline | None, str | None, bool]:
    """What a line at ``pos`` inherits from its clause and ancestors: the heading's (or the section's one
    label line's) deadline, the heading's stage, and whether it lies under a 发展基础-like heading.
    Read once per clause: the chain of a line is that of the last clause starting at or before it."""
    i = bisect.bisect_right(doc.starts, pos) - 1
    found = doc.scopes.get(i)
    if found is None:
        chain = _chain(doc, pos)
        head = next((d for d in (_heading(doc, c) for c in chain) if d is not None), None)
        if head is None and chain:  # 一是…二是…三是 split into sub-items: the section's one label line dates them all
            head = _section_label(doc, chain[-1])
        found = doc.scopes[i] = (head, L.heading_stage(chain), baseline_section(c.heading for c in chain))
    return found


def _paragraph(doc: Doc, ps: int, pe: int, out: list[Target], cell: Deadline | None = None) -> None:
    """Append the targets of one line (or task cell, dated ``cell``): its scopes first, then sentence by sentence."""
    text = doc.text
    hm = _HEADNUM.match(text, ps, pe)
    body = hm.end() if hm else glued_label(doc, ps, pe)
    if cell is None and not _PREFILTER.search(text, body, pe):
        return
    brackets = L.bracket_ranges(text, ps, pe)
    masked = brackets + [m.span() for m in L.PROTECTED.finditer(text, body, pe)]
    dls = [d for d in find_deadlines(text, body, pe) if d.span and not L.inside(d.span[0], brackets)]
    sents = [m.span() for m in _SENT.finditer(text, body, pe)]
    first = sents[:2] if hm and sents and sents[0][1] - sents[0][0] <= 25 else sents[:1]
    para = next((d for ss, se in first for d in dls if ss <= d.span[0] < se and d.end
                 and d.kind in ("by", "in_year", "period")
                 and (re.match(r"\s*[,,]", text[d.span[1]:d.span[1] + 2]) or not text[ss:d.span[0]].strip())), None)
    if para is not None and len({d.end or d.start for ss, se in first for d in dls
                                 if ss <= d.span[0] < se and (d.end or d.kind == "start")}) > 1:
        para = None  # 2019年底前…;2020年底前…: an opening with several dates sets no scope for the paragraph
    head, heading_stage, in_base_section = _scope(doc, body)
    head = replace(cell, span=None) if cell else head  # 通过…督导评估 | 2024年12月: the cell dates a milestone
    prev = ""
    for ss, se in sents:
        sdl = [d for d in dls if ss <= d.span[0] < se]
        st = Sent(ss, se, sdl, para if para and para.span[0] < se else None, head, heading_stage, prev)
        st.base = in_base_section or baseline_sentence(text, ss, se, doc.first_year)
        prev = text[ss:se]
        cited = L.CITED.search(text, ss, se)
        groups = group_values(text, find_values(text, ss, cited.start() if cited else se, masked))
        for i, g in enumerate(groups):
            if g[0].start < st.consumed:
                continue
            st.out.extend(_read_group(doc, st, g, groups[i + 1][0].start if i + 1 < len(groups) else se))
        rates, replaced = stage_rate_targets(text, st.ss, st.se, st.out)
        if rates:
            st.out = [t for t in st.out if all(t is not r for r in replaced)] + rates
        norms, replaced = service_time_targets(text, st.ss, st.se, st.out, lambda name, at: _stage(
            doc, st, name, at, None)) if text.find("每周", st.ss, st.se) != -1 else ((), ())
        if norms:
            st.out = sorted([t for t in st.out if all(t is not r for r in replaced)] + norms,
                            key=lambda t: t.span.start)
        if not st.base:
            st.out.extend(levy_targets(text, st.ss, st.se, st.out))
            st.out.extend(reference_targets(text, st.ss, st.se, st.out))  # …,民办学校参照执行
            shared, replaced = shared_rate_targets(text, st.ss, st.se, st.out)
            if shared:  # …,随班就读和送教上门学生按每生每年6000元标准拨付: the rate of each group
                st.out = sorted([t for t in st.out if all(t is not r for r in replaced)] + shared,
                                key=lambda t: t.span.start)
            reader = lambda pos: deadline_at(pos, st.dls, st.para, st.head)  # position → (deadline, period, flags)
            st.out.extend(universal_targets(text, st.ss, st.se, st.out, brackets, st.dls, reader,
                                            lambda name, at: _stage(doc, st, name, at, "%")))
            if OBJECT_LEADS.search(text, st.ss, st.se):
                st.out.extend(object_count_targets(text, st.ss, st.se, st.out, reader,
                                                   lambda name, at: _stage(doc, st, name, at, "所")))
        if (sdl or st.para or st.head) and not st.base:
            st.out.extend(read_milestones(text, st.ss, st.se, st.dls, st.para, st.head, st.out, brackets, doc.topic,
                                          lambda name, at: _stage(doc, st, name, at, None)))
        out.extend(sorted(st.out, key=lambda t: t.span.start))


def _valid(text: str, t: Target) -> bool:
    """A last guard: the span points at its words and the values are finite."""
    s = t.span
    values = t.value if isinstance(t.value, tuple) else (t.value,)
    return 0 <= s.start <= s.end <= len(text) and text[s.start:s.end] == s.text and all(
        v is None or math.isfinite(v) for v in values)


def extract_targets(text: str, clauses: Sequence[Clause]) -> list[Target]:
    """Every quantitative commitment (and dated milestone) of a plan, in text order.

    ``text`` is the normalised document and ``clauses`` its clause tree (for
    stage headings such as "1.2023年目标" and the stage of a numbered item).
    Spans are offsets into ``text``.  Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    doc = read_document(text, clauses)
    cl, fallback = doc.clauses, doc.plan
    out: list[Target] = []
    tables = read_tables(text, cl, fallback.start if fallback else None, doc.defined)  # table rows are read cell by cell
    for m in tables.outside(_PARA.finditer(text)):
        try:
            _paragraph(doc, m.start(), m.end(), out)
        except Exception:  # a bug or a pathological line must not stop the document
            log.debug("target extraction failed on %r", m.group()[:80], exc_info=True)
    out = tables.merge(out, lambda s, e, part, dl: _paragraph(doc, s, e, part, dl))
    out += tier_targets(text, out)  # 一档(每人每月300元):… under a caption naming the rate
    return [with_plan_period(as_recurring(t), fallback) for t in out if _valid(text, t)]


def extract_targets_from_sentence(sentence: str) -> list[Target]:
    """The targets of one clause without document context (offsets into ``sentence``)."""
    return extract_targets(sentence, ())
