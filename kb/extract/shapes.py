"""Target shapes of real plans that are not a number followed by its unit.

* **universal wording** (:func:`universal_targets`): 所有X均建有…, 全县所有X达到…标准, X全部达标 /
  全部X达到…标准 (全部 before X with 通过… stays a milestone) / 全县X均达到…标准 / X教师全部达到…学历 /
  全部办成… where X is a set of units (乡镇, 学校, 幼儿园, 县(市、区) …) and the predicate a status
  to reach → one target: the share of X reaching it, 100 %, '=', raw value 所有/全部, flag
  ``universal_quantifier``.  Elimination (消除, 清零), coverage (全覆盖), manner (全面), past
  (已) and procedural 全部 (完成对全部县的评估) give nothing;
* word lists the target reader consults: administrative routines counted in 次 (督导, 检查, 会议:
  never targets), subjects made only of stage words (小学、初中 → the noun is in the clause
  before), subjects naming a set of units (a percentage after them is the share of those units).
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

from ..models import Deadline, Span, Target
from . import lexicon as L

__all__ = ["ROUTINE", "STAGES_ONLY", "SET_NOUN_END", "clause_bounds", "context_words", "object_count_targets",
           "universal_targets"]

#: administrative routines counted in 次 (the gold's FREQUENCIES decision: not targets)
ROUTINE = re.compile(r"督导|督查|检查|巡查|会议|例会|调度|通报|汇报|考核|评估|研判|专题研究|监测|排查|自评|测评|比对|摸排|核查")
#: a subject made only of stage words (小学、初中)
STAGES_ONLY = re.compile(rf"{L.STAGE_ITEM}(?:\s*[、和与及]\s*{L.STAGE_ITEM})*")
#: a subject naming a set of units: a percentage written after it is the share of them (…的县(市、区)达到80%)
SET_NOUN_END = re.compile(r"(?:县\(市、区\)|县\(区\)|乡镇\(街道\)|乡\(镇\)|的(?:县|乡镇|街道|学校|幼儿园|村))$")
_SEP = re.compile(r"[,,;;]")
_SEP_CHARS = ",,;;"


def _undated(clause: str, cs: int, dls: Sequence[Deadline]) -> str:
    """``clause`` (at offset ``cs``) with its dates blanked: 2014年底前 is no value."""
    for d in dls:
        if d.span and cs <= d.span[0] and d.span[1] <= cs + len(clause):
            a, b = d.span[0] - cs, d.span[1] - cs
            clause = clause[:a] + " " * (b - a) + clause[b:]
    return clause


def clause_bounds(text: str, ss: int, se: int, a: int, b: int) -> tuple[int, int]:
    """The comma clause (,;) of sentence ``[ss, se)`` that holds ``[a, b)``."""
    cs = max(ss, max(text.rfind(ch, ss, a) for ch in _SEP_CHARS) + 1)
    m = _SEP.search(text, b, se)
    return cs, (m.start() if m else se)


def context_words(text: str, ss: int, cs: int, deadlines: Sequence[Deadline], head: bool = False) -> str:
    """The comma clause before ``cs`` (trimmed), borrowed when an indicator is elided or generic.

    With ``head`` only the words after a 等-enumeration are kept (…等小区的配套幼儿园).
    """
    if cs <= ss + 1:
        return ""
    ps, _ = clause_bounds(text, ss, cs - 1, cs - 1, cs - 1)
    s, e = L.trim(text, ps, cs - 1, deadlines)
    m = L.CONTEXT_TRIM.match(text, s, e)
    s, e = L.trim(text, m.end() if m else s, e, deadlines)
    words = text[s:e]
    if head and "等" in words:  # 御锦珑湾、…等小区的配套幼儿园 → 小区的配套幼儿园
        words = words[words.rfind("等") + 1:]
    words = re.sub(r"(?:的?(?:建设|扩建|改建|整改治理|整改))?(?:工作|工程)$", "", words)
    return words if len(words) >= 2 and not re.search(r"\d", words) else ""


#: a set of units (X of 所有X…/X全部…), optionally with the attribute that is assessed (…学校办学条件)
_UNIT_SET = (r"[^,,;;。]{0,20}?(?:乡镇|镇|乡|乡\(镇\)|街道\)|街道|学校|幼儿园|园|县|区\)|村|校|教学点|社区|高中|县中|中学|小学|初中"
             r"|教师|校长|园长|部门)"
             r"(?:的?(?:办学条件|校舍))?")
_ALL_FIRST = re.compile(rf"(?P<all>所有)(?P<x>{_UNIT_SET})(?P<adv>均|都|全部)?(?P<pred>建有|建成|办成|达到|达标|通过|实现)"
                        rf"|(?P<all2>全部)(?P<x2>{_UNIT_SET})(?P<adv2>均|都)?(?P<pred2>建有|建成|办成|达到|达标)")
_ALL_AFTER = re.compile(rf"(?P<x>{_UNIT_SET})(?P<adv>均)?(?:原则上|基本上?)?(?P<all>全部)(?P<pred>建有|建成|办成|达到|达标|通过|实现|建立)")
#: whose units 所有 counts (申报县所有义务教育学校…): a short place written before it
_OWNER = re.compile(r"[\u4e00-\u9fff]{0,4}[县市区镇乡]")
#: 全县普通高中均达到…标准: 均 after a whole region's set of units reads like 所有 (value text 均)
_WHOLE_JUN = re.compile(rf"全[省市县区州旗](?P<x>{_UNIT_SET})(?P<all>均)(?P<pred>建有|建成|办成|达到|达标)")
#: what must follow each predicate for a status to reach (达到…标准, 通过…评估, 建有…)
_UNIVERSAL_OBJECT = {"达到": re.compile(r"[^\d]{1,30}(?:标准|要求|水平|等级|学历)$"), "通过": re.compile(r"[^\d]{1,30}(?:评估|验收|认定)$"),
                     "建有": re.compile(r"[^\d]{2,20}$"), "建成": re.compile(r"[^\d]{2,20}$"),
                     "办成": re.compile(r"[^\d]{2,24}$"), "达标": re.compile(r"$"),
                     "实现": re.compile(r"[^\d]{2,20}达标$"),  # 所有乡镇寄宿制学校实现饮水安全达标
                     "建立": re.compile(r"[^\d]{2,24}(?:制度|机制|体系)$")}  # 各县教育部门全部建立…管理制度
#: elimination, coverage and manner words: no 100 % is read (the gold's ZERO AND UNIVERSAL rule)
_ALL_WORD = re.compile(r"所有|全部|全[省市县区州旗][^,,;;。]{1,20}?均")
_NOT_UNIVERSAL = re.compile(r"消除|清零|全覆盖|全面|已|无|\d")


def universal_targets(text: str, ss: int, se: int, taken: Sequence[Target], brackets: Sequence[tuple[int, int]],
                      dls: Sequence[Deadline], deadline: Callable, stage: Callable[[str, int], str | None]) -> list[Target]:
    """100 % targets written with 所有/全部 over a set of units reaching a status (所有乡镇均建有中心幼儿园).

    ``text[ss:se]`` is one sentence; ``taken`` the targets already read from it (their comma clauses
    are skipped); ``dls`` its deadlines, ``deadline(pos)`` gives (deadline, period, flags) in the sentence's scope and
    ``stage(name, pos)`` the stage of an indicator.
    """
    out: list[Target] = []
    if _ALL_WORD.search(text, ss, se) is None:
        return out  # most sentences: no 所有/全部 at all
    bounds = [ss] + [m.end() for m in _SEP.finditer(text, ss, se)] + [se + 1]
    for cs, nxt in zip(bounds, bounds[1:]):
        ce = nxt - 1 if nxt <= se else se
        clause = text[cs:ce].rstrip("。!?!?")
        if not _ALL_WORD.search(clause) or _NOT_UNIVERSAL.search(_undated(clause, cs, dls)) \
                or L.inside(cs, brackets) or any(t.span.start < ce and t.span.end > cs for t in taken):
            continue
        s0, _ = L.trim(text, cs, ce, dls)
        m = _ALL_FIRST.search(text, cs, cs + len(clause))
        owner, whose = text[s0:m.start()].strip("全省市县区的") if m is not None else "", ""
        if m is not None and owner and _OWNER.fullmatch(text[s0:m.start()]):
            owner, whose = "", text[s0:m.start()]  # 申报县所有义务教育学校达到…标准: the schools of those counties
        if m is None or owner:
            m = _ALL_AFTER.match(text, s0, cs + len(clause))
        if m is None:  # (trim took 全县 as a scope word: the match may start before s0)
            m = _WHOLE_JUN.search(text, cs, cs + len(clause))
            m = m if m is not None and m.start() <= s0 else None
        if m is None:
            continue
        # 全部乡镇中心幼儿园达到…标准: 全部 written before the set reads like 所有 (not with 通过: a milestone)
        g = "2" if m.groupdict().get("all2") else ""
        obj = text[m.end():cs + len(clause)]
        pred = m.group("pred" + g)
        if not _UNIVERSAL_OBJECT[pred].match(obj):
            continue
        x = whose + re.sub(r"^(?:全[省市县区])?所有", "", m.group("x" + g))
        name = f"{x}达标比例" if pred == "达标" else f"{pred}{obj}的{x}比例"
        if pred == "达到" and re.search(r"(?:教师|校长|园长)$", x):  # 教师全部达到持证上岗要求 → 教师持证上岗率
            name = x + (obj[:-2] + "率" if obj.endswith("要求") else obj + "比例")
        word = m.group("all" + g)
        first = m.groupdict().get("all") == "所有" or bool(g)
        xs = m.start("all" + g) if first else m.start("x")
        dl, period, dflags = deadline(xs)
        mod = None
        for mm in L.MODALITY.finditer(text, ss, xs):
            mod = L.MODALITY_MAP.get(mm.group(), mm.group())
        cue = f"{word}…{m.group('adv' + g) or ''}{pred}" if first else f"{word}{pred}"
        e = cs + len(clause)
        out.append(Target(
            indicator=name, stage=stage(name, xs), comparator="=", value=100.0, unit="%",
            raw_value=word, deadline=dl, kind="target", modality=mod, cue=cue, span=Span(xs, e, text[xs:e]),
            period=period, flags=("universal_quantifier", *dflags), indicator_span=(m.start("x" + g), e)))
    return out


#: 对30所农村幼儿园实施户外活动场地提升改造: a count of the units an action is carried out on
_OBJECT_COUNT = re.compile(
    r"(?P<lead>对|支持|推动|指导|帮助)(?:全[省市县区])?\s*(?P<v>\d+)\s*(?P<u>所|个|间|座)\s*(?P<suf>以上|左右)?的?\s*(?P<x>[\u4e00-\u9fff()()、]{2,14}?)"
    r"(?P<verb>实施|进行|开展|完成|改善|改造|提升|创建|建成)(?P<obj>[\u4e00-\u9fff“”]{2,20})(?=[,,;;。]|$)")
#: the words an object count opens with (a quick test before the pattern)
OBJECT_LEADS = re.compile("对|支持|推动|指导|帮助")


def object_count_targets(text: str, ss: int, se: int, taken: Sequence[Target], deadline: Callable,
                         stage: Callable[[str, int], str | None]) -> list[Target]:
    """对N所X实施Y / 支持N所X改善Y: one count target, named 实施Y的X数 (the value reader leaves such a bare
    count alone)."""
    out: list[Target] = []
    for m in _OBJECT_COUNT.finditer(text, ss, se):
        if any(t.span.start < m.end() and t.span.end > m.start() for t in taken):
            continue
        name = f"{m.group('verb')}{m.group('obj')}的{m.group('x')}数"
        dl, period, dflags = deadline(m.start())
        out.append(Target(
            indicator=name, stage=stage(m.group("x"), m.start("x")), value=float(m.group("v")),
            comparator={"以上": ">=", "左右": "~"}.get(m.group("suf") or "", "="),
            unit=m.group("u"), raw_value=m.group("v") + m.group("u"), deadline=dl, kind="target", modality=None,
            cue=m.group("lead") + "…" + m.group("verb"), span=Span(m.start(), m.end(), m.group()), period=period,
            flags=("object_count", *dflags), indicator_span=(m.start("x"), m.end())))
    return out
