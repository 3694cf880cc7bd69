"""Statements of the past or present in a plan: baselines, never targets.

A plan describes where it starts before it says where it goes: 2020年底全县共有
义务教育学校386所, 目前生师比为19.3:1, 全国尚有1.3万个教学点…, 超大班额比例
仍在2%以上.  Values read there are recorded with ``kind = "baseline"`` (no
deadline, no modality): they are facts about the base year, not commitments,
and they are never compared with other plans' targets.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["baseline_sentence", "baseline_before", "baseline_section"]

#: a section that reports where the plan starts (一、发展基础, 第一节 “十三五”主要成就, 一、基本情况)
_BASE_HEADING = re.compile(
    r"发展基础|现实基础|工作基础|基本情况|发展现状|现状(?:分析|与)|(?:主要|取得的|发展|工作)(?:成就|成效|成绩)"
    r"|面临的(?:形势|挑战|问题)|存在的(?:主要)?(?:问题|不足)|主要问题|工作回顾|回顾|总体情况|(?:监测|督导|评估|检查)(?:结果|情况)"
    r"|^(?:基本|发展)?现状$")
#: …unless the heading also announces what is to be done (基础与目标, 现状与任务)
_FORWARD = re.compile(r"目标|任务|举措|措施|要求|思路|重点")

#: a sentence opened by a date of the past or a word of the present
_OPEN = re.compile(
    r"[\s,,]*(?:目前|当前|现阶段|截至|截止|至今|近年来|(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?:(?:底|末)(?!\s*(?:前|以前|之前))|[,,]|全[省市县区州]|我[省市县区]|以来)))")
#: words of the present or the past in front of a value (in its comma clause)
_NOW = re.compile(r"尚有|仍有|仍在|仍然|已有|现有|共有|累计有|已达到|已达|已建成|已完成|已累计|还有"
                  r"|共(?:抽查|检查|走访|调查|监测|督查|发放|收回|评估)")
#: a completed action reported in the past tense (对…进行了监测, 组织了…): a report, not a plan
_DONE = re.compile(r"(?:进行|开展|组织|实施|完成|举办)了")
#: a report's account of what was found (监测结果显示, 评估发现)
_FOUND = re.compile(r"[\s,,]*(?:监测|督导|评估|检查|调查|督查)(?:结果)?(?:显示|表明|发现)")
#: words of a commitment: a sentence holding them is a plan, not a report
#: 计划 as a verb (计划新建), not the name of a programme (营养改善计划, 支持计划, 招生计划)
_PLAN_VERB = r"(?<!改善)(?<!支持)(?<!行动)(?<!提升)(?<!振兴)(?<!招生)(?<!工作)(?<!年度)(?<!培养)(?<!实施)计划(?!生育|单列)"
_PLAN = re.compile(rf"到(?:19|20)\d{{2}}|确保|力争|争取|将|要|{_PLAN_VERB}|目标|预计|达到[^,,;;。]*以上|不低于|不少于|不超过|控制在")

#: commitment words proper (要求 and 现将…通报 are not)
_COMMIT = re.compile(rf"到(?:19|20)\d{{2}}|确保|力争|争取|{_PLAN_VERB}|目标|预计|不低于|不少于|不超过|控制在|要(?!求)")


def baseline_sentence(text: str, ss: int, se: int, first_year: int | None) -> bool:
    """True when the sentence ``text[ss:se]`` reports the situation at the start of the plan.

    It opens with 目前/截至/…, or with a year (2020年底, 2020年,; never 2031年底前)
    earlier than ``first_year`` (the first year of the plan's period) or, in a
    plan without a period, followed by 共有/已有/尚有 …; a sentence with
    commitment words (到2025年, 确保, 不低于 …) is never a baseline.
    """
    if (_FOUND.match(text, ss, se) or _DONE.search(text, ss, se)) and _COMMIT.search(text, ss, se) is None:
        return True  # 监测结果显示…为71.4% / 对全市…进行了监测,共抽查学校126所
    m = _OPEN.match(text, ss, se)
    if m is None:
        return False
    if m.group("y"):  # a year of the past: before the plan's period, or (without a period) with 共有/已有 …
        if first_year is not None and int(m.group("y")) >= first_year:
            return False
        if first_year is None and _NOW.search(text, m.end(), se) is None:
            return False
    return _PLAN.search(text, m.end(), se) is None


def baseline_before(text: str, cs: int, pos: int) -> bool:
    """True when a word of the present (尚有, 仍在, 已有 …) stands before the value at ``pos`` in its clause."""
    return _NOW.search(text, cs, pos) is not None


def baseline_section(headings: Iterable[str]) -> bool:
    """True when an enclosing heading names the plan's starting point (发展基础, 主要成就, 基本情况 …):
    every value under it reports the past or present."""
    return any(_BASE_HEADING.search(h) and not _FORWARD.search(h) for h in headings if h and len(h) <= 30)
