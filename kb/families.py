"""Local indicator families, and national indicators read from subject + measure.

A target gets a national id (kb.taxonomy) when it measures a national indicator,
whatever the wording; otherwise the id of a local indicator family
(``kb/data/indicator_families.json``, ``LF-*``): what plans set most often
beyond the national set (新增学位, 新建学校, 投入资金, 骨干教师, 培训人次 …).
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from .taxonomy import Indicator, _infer_stage, _stage, _unit_class, get, match, normalise

__all__ = ["Family", "families", "get_family", "match_family", "match_measure", "classify", "families_json",
           "as_indicator", "find_family"]


# --- measures by subject and measure, and local indicator families ---------------------------
#
# Alias strings miss what plans write in their own words: 普惠性幼儿园在园幼儿占全市在园幼儿
# 总数 is the 普惠性幼儿园覆盖率, 初中每班不超过35人 is 班级学生数, 小学规模不超过2000人 is
# 学校规模.  These rules read the subject (who is counted) and the measure (the unit) together.

_MEASURES: tuple[tuple[re.Pattern, frozenset[str], str], ...] = (
    # 公办园 and 普惠性民办园 together are the 普惠性 share (the 覆盖率), not the 公办 share
    (re.compile(r"普惠(?:性)?(?:民办)?(?:幼儿园|园|学前教育资源|资源)[^,;。]*在园(?:幼儿|儿童)[^,;。]*(?:占|比)"),
     frozenset({"pct"}), "XQ-P2"),
    (re.compile(r"公办(?:幼儿园|园)[^,;。]*在园(?:幼儿|儿童)[^,;。]*(?:占|比)"), frozenset({"pct"}), "XQ-P3"),
    (re.compile(r"(?<!大)(?<!超大)(?<!平均)(?:班额|每班(?![^,;。]*(?:教师|老师|保育员|班主任|看护|管理员))(?:学生|幼儿)?(?:人数|数)?"
                r"|班级(?:学生|幼儿)?(?:人数|数))(?!比例|占比|达标)"),
     frozenset({"person"}), "YJ-G5"),
    (re.compile(r"(?<!生)(?:学校|小学|初中|中学|一贯制|校)?(?:办学)?规模(?:[((][^()()]*[))])?$"), frozenset({"person"}), "YJ-G4"),
    (re.compile(r"专任教师与学生比"), frozenset({"ratio"}), "CM-SSB"),  # 教职工与学生比 is an establishment norm
    (re.compile(r"社会认可(?:程度|度|率)?"), frozenset({"pct"}), "S1"),
    (re.compile(r"特殊教育[^,;。]*生均公用经费|特教学校[^,;。]*生均公用经费"), frozenset({"money"}), "YJ-G7"),
    (re.compile(r"民办[^,;。]{0,12}在校生[^,;。]*(?:占|比例)"), frozenset({"pct"}), "CM-MBZB"),
    (re.compile(r"骨干教师[^,;。]*交流|交流[^,;。]*骨干教师"), frozenset({"pct"}), "YJ-G11b"),
    (re.compile(r"交流轮岗(?:教师)?[^,;。]*(?:占|比例)"), frozenset({"pct"}), "YJ-G11a"),
    (re.compile(r"每个(?![^,;。]*(?:级|示范|优质))[^,;。]{0,8}(?:乡镇|街道|乡)[^,;。]{0,12}公办[^,;。]{0,6}(?:幼儿园|园)"),
     frozenset({"count"}), "XQ-G3"),  # (每个乡镇建有省二级以上公办园: a grade, LF-YZY)
    # places of quality senior high schools given to the junior high schools of the area
    (re.compile(r"(?:优质|示范性?)(?:普通)?高中[^,;。]*招生(?:名额|指标|计划)[^,;。]*分配[^,;。]*初中"), frozenset({"pct"}),
     "YJ-G14"),
)


def match_measure(phrase: str, stage: str | None = None, unit: str | None = None) -> str | None:
    """A national indicator read from subject + measure (see above), or None."""
    text = unicodedata.normalize("NFKC", phrase or "")
    ucls = _unit_class(unit)
    for rx, classes, ind in _MEASURES:
        if ucls in classes and rx.search(text):
            if ind == "S1":  # 社会认可度: the preschool or the compulsory-education scheme
                st = _stage(stage) or _infer_stage(normalise(text))
                return "XQ-S1" if st == "学前" else "YJ-S1"
            if ind in ("YJ-G4", "YJ-G5") and (_stage(stage) or _infer_stage(normalise(text))) in ("学前", "高中"):
                continue  # the national norm is one of compulsory education
            return ind
    return None


class Family(NamedTuple):
    """A local indicator family (kb/data/indicator_families.json): what plans set beyond the national set."""

    id: str
    name: str
    aliases: tuple[str, ...]
    unit_kind: str
    units: tuple[str, ...]
    direction: str
    measure: re.Pattern | None = None  # words the phrase must hold besides an alias (课后服务 + 覆盖|参与)
    per_unit: bool = True  # whether a rate (元/(校·年)) may measure it: a sum invested may not be one
    units_only: bool = False  # only its own units fit (培训人次 in 人次/名, not sessions in 次)


_UNIT_KIND = {"pct": "percent", "money": "money", "ratio": "ratio", "person": "count", "count": "count",
              "seat": "count", "room": "count", "area": "area", "level": "level"}
_DURATION = re.compile(r"小时|分钟|周|天|日|课时|学时|节|年")


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    """The curated local indicator families, in file order."""
    data = json.loads(resources.files("kb").joinpath("data/indicator_families.json").read_text(encoding="utf-8"))
    return tuple(Family(f["id"], f["name"], tuple(f.get("aliases") or ()), f.get("unit_kind") or "",
                        tuple(f.get("units") or ()), f.get("direction") or "higher_better",
                        re.compile(f["measure"]) if f.get("measure") else None, f.get("per_unit", True),
                        f.get("units_only", False))
                 for f in data["families"])


@lru_cache(maxsize=1)
def _family_aliases() -> tuple[tuple[str, int], ...]:
    """(normalised alias, family index), longest first."""
    out = [(normalise(a), i) for i, f in enumerate(families()) for a in (f.name, *f.aliases)]
    return tuple(sorted({x for x in out if len(x[0]) >= 2}, key=lambda x: (-len(x[0]), x[1])))


def _unit_fits(f: Family, unit: str | None) -> bool:
    """A family accepts a unit it lists, or any unit of its kind (a milestone without a value fits any)."""
    if unit is None:
        return True
    u = unicodedata.normalize("NFKC", unit)
    base = u.split("/")[0]
    if "/" in u and not f.per_unit or f.units_only and base not in f.units:
        return False
    if u in f.units:
        return True
    if "/" in u and f.unit_kind == "count":  # a rate per head (座/千人, 个/班) is a standard, not a count to reach
        return False
    if base in f.units:
        return True
    if f.unit_kind == "duration":
        return _DURATION.fullmatch(base) is not None
    kind = _UNIT_KIND.get(_unit_class(u) or "")
    return kind == f.unit_kind


# Families read from subject + measure where the words vary too much for aliases (招聘幼儿园教师,
# 补充县中教师 …): (pattern over the normalised phrase, family).  Checked before the aliases.
_FAMILY_MEASURES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?:招聘|补充|招录|引进|选聘|招收)[^,;。]{0,12}?教师"), "LF-ZP"),
    (re.compile(r"(?:新增|增加|扩充|提供)[^,;。]{0,10}?学位"), "LF-XW"),
    # 新建、改扩建公办幼儿园12所: one count of schools built, new or rebuilt — the 新建 family (gold convention)
    (re.compile(r"新建[、和及与]?(?:改扩建|改建|扩建)[^,;。]{0,10}?(?:学校|幼儿园|小学|初中|中学|高中|园)(?:数)?$"), "LF-XJ"),
    (re.compile(r"新建|改扩建|扩建"), "LF-XS"),  # in 平方米 only (the family's unit kind): floor space built
    (re.compile(r"办学条件[^,;。]{0,12}?(?:达到|达标|符合)|(?:达到|符合)[^,;。]{0,16}?办学条件[^,;。]{0,6}?标准"), "LF-BZH"),
    # 创建省级示范性普通高中2所 / 建成国家级示范性中等职业学校1所: a count of model schools created (LF-CJ), not the
    # share of quality high schools (a % falls through: LF-CJ counts only), nor one in every 旗区 (a network)
    (re.compile(r"^(?!每个)[^,;。]*?(?:创建|建成|创成|争创)[^,;。]{0,8}?(?:示范|特色)[^,;。]{0,10}?(?:高中|中等职业学校|中职学校|职业学校)"), "LF-CJ"),
    (re.compile(r"(?:省|市|自治区)?一级(?:[一二]等)?(?:示范性?)?(?:普通)?高中|(?:示范性|优质|特色)(?:普通)?高中"), "LF-GZ"),
    (re.compile(r"财政性教育经费[^,;。]{0,12}?(?:占|比例)"), "LF-JYZC"),
    (re.compile(r"(?:一级|一类|示范|优质|等级)[^,;。]{0,6}(?:幼儿园|园)[^,;。]*(?:占比|比例)"), "LF-YZY"),
)
# …and after the aliases, when none of them named the measure
_FAMILY_FALLBACK: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^(?!.*(?:改扩建|改建|扩建))[^,;。]*新建[^,;。]{0,12}(?:学校|幼儿园|小学|初中|中学|高中)"), "LF-XJ"),
)
#: a change (个百分点, 增长率) is not the level: neither a national indicator nor a family
_CHANGE = re.compile(r"增长率?|增幅|增速|提高幅度|提升幅度")


def match_family(phrase: str, unit: str | None = None) -> str | None:
    """The LF-* id of the local family whose longest alias the phrase holds and whose unit kind fits, or None."""
    norm = normalise(phrase)
    if not norm:
        return None
    for rx, fid in _FAMILY_MEASURES:
        if rx.search(norm) and _unit_fits(get_family(fid), unit):
            return fid
    fams, u = families(), unicodedata.normalize("NFKC", unit or "").split("/")[0]
    best: tuple[int, int] | None = None
    found = None
    for alias, i in _family_aliases():  # a family listing the very unit first (培训…人次), then the longest alias
        if alias in norm and _unit_fits(fams[i], unit) and (fams[i].measure is None or fams[i].measure.search(norm)):
            key = (int(bool(u) and u in fams[i].units), len(alias))
            if best is None or key > best:
                best, found = key, fams[i].id
    if found is None:
        found = next((fid for rx, fid in _FAMILY_FALLBACK if rx.search(norm) and _unit_fits(get_family(fid), unit)), None)
    return found


def get_family(family_id: str) -> Family | None:
    return next((f for f in families() if f.id == family_id), None)


_KIND_UNIT = {"percent": "%", "money": "元", "ratio": None, "count": None, "area": "平方米", "duration": None}


def as_indicator(f: Family) -> Indicator:
    """A family in the shape of a national indicator, so that compare and the UI treat both alike (no threshold)."""
    return Indicator(id=f.id, scheme="kb/data/indicator_families.json", group=f.id, dimension="local family",
                     name=f.name, aliases=f.aliases, thresholds=(), direction=f.direction,
                     unit=_KIND_UNIT.get(f.unit_kind), qualitative=f.unit_kind == "status", verified=False)


def find_family(given: str) -> Family | None:
    """The family a user means: its id (LF-XW, any case), its name or an alias, or words holding one alias."""
    key = (given or "").strip().casefold()
    if not key:
        return None
    by_id = next((f for f in families() if f.id.casefold() == key), None)
    if by_id is not None:
        return by_id
    norm = normalise(given)
    exact = [f for f in families() if norm in {normalise(a) for a in (f.name, *f.aliases)}]
    if exact:
        return exact[0]
    found = match_family(given)
    return get_family(found) if found else None


@lru_cache(maxsize=16384)  # plans repeat their indicator phrases; the answer depends on the words only
def classify(phrase: str, stage: str | None = None, unit: str | None = None) -> str | None:
    """The id a target measures: a national indicator (subject + measure, then aliases), else a local family.

    A change of a level (个百分点, 增长率) or a multiple of another (倍) measures no level: no id.  A subgroup the national row does not
    name (残疾儿童… read as 学前三年毛入园率) gets no national id.
    """
    if unit in ("个百分点", "倍") or (unit == "%" and _CHANGE.search(phrase or "")):
        return None  # a multiple of another level (普通小学标准的6倍) measures no level either
    national = match_measure(phrase, stage, unit) or match(phrase, stage, unit)
    if national and _SPECIAL_GROUP.search(phrase or "") and (
            not _names_disability(national) or _DISABILITY_KIND.search(phrase)):
        national = None  # 残疾儿童…, 随班就读学生生均公用经费: a subgroup the row does not name
    if national and (sub := _POOR_GROUP.search(phrase or "")) and not _names(national, sub.group()):
        return None  # 建档立卡贫困家庭学生九年义务教育巩固率: a subgroup's rate, not the population's indicator
    if national == "XQ-P1" and _SHORTER_SPAN.search(phrase or ""):
        national = None  # 学前一年毛入园率 measures the last year only, not the three-year rate
    if national == "YJ-G7" and _NOT_COMPULSORY.search(phrase or ""):
        national = None  # 学前/高中阶段特殊教育学校生均公用经费: YJ-G7 is the 义务教育 special schools' rate
    if national and _counts_a_qualitative_row(national, phrase, unit):
        national = None
    if national:
        return national
    fam = match_family(phrase, unit)
    if fam and _FAMILY_EXCLUDE.get(fam) is not None and _FAMILY_EXCLUDE[fam].search(phrase or ""):
        return None  # 培训经费占…比例, 校外培训机构压减比例: the words of the family, not its measure
    if fam and ("残疾" in (phrase or "") and not _family_names_disability(fam)
                or "生均" in (phrase or "") and get_family(fam).unit_kind in ("area", "count")):
        return None  # a disability subgroup's rate, a per-pupil norm: not the family's measure
    return fam


#: pupils of special education (残疾儿童, 随班就读, 送教上门): a subgroup a general national row does not name
_SPECIAL_GROUP = re.compile(r"残疾|随班就读|送教上门")
_NOT_COMPULSORY = re.compile(r"学前|幼儿园|高中|中职")
_SHORTER_SPAN = re.compile(r"学前[一两二]年")
#: pupils singled out by need or by the way back to school: a rate of theirs is no population indicator
_POOR_GROUP = re.compile(r"建档立卡|贫困家庭|家庭经济困难|劝返")
#: one kind of disability (视力残疾儿童少年入学率): a subgroup the national row does not name
_DISABILITY_KIND = re.compile(r"(?:视力|听力|智力|肢体|言语|精神|多重)残疾")
#: words that show a phrase holding a family's alias measures something else
_FACILITY = re.compile(r"食堂|宿舍|厕所|浴室|运动场|操场|围墙|床位|(?<!小)规模")  # built, but not a school
_FAMILY_EXCLUDE = {"LF-PX": re.compile(r"经费|资金|机构|压减|用于"), "LF-PXRC": re.compile(r"经费|资金|机构"),
                   "LF-XJ": _FACILITY, "LF-GKJ": _FACILITY, "LF-CJ": re.compile(r"评估|认定|验收")}
_DONE_COUNT = re.compile(r"完成|移交|整改|治理")
_STATUS_SHARE = re.compile(r"(?:建成|创建|成为|评为)[^,;。]{2,20}的[^,;。]{0,10}(?:幼儿园|园|学校)(?:比例|占比)$")
_GRADE = re.compile(r"(?:示范|一类|一级|二级|优质|等级)[^,;。]{0,8}(?:幼儿园|园|学校|高中)[^,;。]{0,4}标准"
                    r"|(?:达到|建成)[^,;。]{0,10}(?:级|示范)[^,;。]{0,14}(?:比例|占比)$")


def _counts_a_qualitative_row(indicator_id: str, phrase: str, unit: str | None) -> bool:
    """A count of finished items (完成…移交 5所), a multiple (倍) or an amount for a row about putting standards
    into effect (补助标准落实: the amount is the local standard, not the measure) does not measure a qualitative
    national row."""
    ind = get(indicator_id)
    if ind is None or not ind.qualitative:
        return False
    if unit == "次" or _STATUS_SHARE.search(phrase or ""):
        return True  # 中心幼儿园每学期教研活动4次, 建成…实验园的乡镇中心幼儿园比例: an activity, a status of the units
    return ((unit or "").startswith("倍") or (unit or "").startswith("元") and "落实" in ind.name or (_unit_class(unit) in ("count", "room") and _DONE_COUNT.search(phrase or "") is not None)
            or _GRADE.search(phrase or "") is not None)  # …达到市级示范幼儿园标准的比例: a quality grade, not the row


def _family_names_disability(family_id: str) -> bool:
    f = get_family(family_id)
    return f is not None and any("残疾" in n or "特殊" in n for n in (f.name, *f.aliases[:3]))


def _names(indicator_id: str, words: str) -> bool:
    ind = get(indicator_id)
    return ind is not None and any(words in n for n in (ind.name, *ind.aliases))


def _names_disability(indicator_id: str) -> bool:
    ind = get(indicator_id)
    return ind is not None and any("残疾" in n or "特殊教育" in n for n in (ind.name, *ind.aliases))


def families_json() -> list[dict]:
    """Every local family as a JSON-ready dict (``source: family`` in ``policykb indicators --json``)."""
    return [{"id": f.id, "name": f.name, "aliases": list(f.aliases), "dimension": "local family",
             "thresholds": [], "scheme": "kb/data/indicator_families.json", "group": f.id, "direction": f.direction,
             "qualitative": f.unit_kind == "status", "unit_kind": f.unit_kind, "units": list(f.units),
             "source": "family"} for f in families()]
