"""Word lists for target extraction, and the small readers built on them.

The lists (comparators, action verbs, hedges, units, stage words, trims,
condition cues, milestone phrases, number-bearing names) are written for the
genre — county, city and provincial 行动方案/实施方案 on basic education — not
for particular plans.  The readers use only these lists and the text:
bracket ranges, the stage an indicator names, the *zone* of words between an
trimming a subject (:func:`trim`).  The zone of words between an indicator and
its value and the zipping of values over lists live in :mod:`kb.extract.zones`.
The rules that combine them live in :mod:`kb.extract.targets`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from ..models import Clause, Deadline

# --------------------------------------------------------------------------
# Comparators (DOMAIN §5.4).  Words written *before* the value.
# --------------------------------------------------------------------------

#: comparator words → comparator; ``None`` means "decided by the suffix, else =".
COMPARATOR_CUES: dict[str, str] = {
    # >=
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "不短于": ">=", "不得低于": ">=",
    "不得少于": ">=", "不应低于": ">=", "不应少于": ">=", "至少": ">=", "最少": ">=",
    "最低": ">=", "不低于全国平均水平": ">=", "≥": ">=", "≤": "<=", "最高": "<=",
    # >
    "超过": ">", "高于": ">", "多于": ">", "大于": ">", "突破": ">",
    # <=
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "不得超过": "<=",
    "不应超过": "<=", "不得高于": "<=", "不应高于": "<=", "不得多于": "<=", "不得大于": "<=", "最多": "<=", "控制在": "<=", "控制到": "<=", "控制至": "<=",
    # <
    "低于": "<", "少于": "<", "小于": "<", "不足": "<",
    # = (reach)
    "达到": "=", "达": "=", "提高到": "=", "提高至": "=", "提升到": "=", "提升至": "=",
    "增加到": "=", "增加至": "=", "增长到": "=", "增长至": "=", "增至": "=", "扩大到": "=",
    "扩大至": "=", "上升到": "=", "上升至": "=", "下降到": "=", "下降至": "=", "降低到": "=",
    "降低至": "=", "降到": "=", "降至": "=", "减少到": "=", "减少至": "=", "保持在": "=", "保持": "=",
    "稳定在": "=", "维持在": "=", "为": "=", "实现": "=",
    # ~
    "约": "~", "大约": "~", "约为": "~",
}

#: verbs of achievement: the value counts what the verb makes ("=" unless a suffix says otherwise)
ACTION_VERBS: tuple[str, ...] = (
    "完成", "新增", "增加", "新建", "改扩建", "扩建", "改建", "建成", "建设", "建有", "建立", "创建",
    "组建", "培养", "培育", "打造", "引进", "招聘", "补充", "提供", "投入", "安排", "给予", "开设",
    "设立", "设置", "认定", "扶持", "举办", "开展", "观看", "配备", "资助", "补助", "培训", "遴选",
    "评选", "推荐", "推进", "提高", "提升", "增长", "下降", "降低", "减少", "有", "拥有", "办好",
    "建好", "做优做强", "做强", "改造", "新改扩建", "认定扶持", "奖励", "选派", "交流", "轮岗",
    "落实", "实施", "覆盖", "惠及", "帮扶", "结对", "申报", "创成", "争创", "评为", "命名", "学会",
    "掌握", "组织", "参加", "培育建设", "重点建设", "递增", "递减", "增设", "设", "享受", "发放", "确定", "划分",
)

#: verbs whose value is a change, not a level ("提高5个百分点")
DELTA_VERBS = frozenset({"提高", "提升", "增长", "下降", "降低", "减少", "增加", "递增", "递减", "增幅"})

#: adverbs and hedges that may sit between the indicator and the value
ADVERBS: tuple[str, ...] = (
    "分别", "均", "都", "各", "共", "共计", "累计", "总计", "合计", "全部", "逐步", "力争",
    "确保", "预计", "计划", "争取", "努力", "要", "应", "须", "必须", "将", "再", "稳步", "持续", "进一步", "全面", "基本", "年均", "原则上", "力求", "全市",
    "全县", "全区", "全省", "全州", "我市", "我县", "我区", "我省", "本市", "本县", "再", "重点", "着力",
    "全力", "大力", "大体", "大致", "总体",
)

#: words in front of a value that make it a fact already achieved, not a commitment
PAST = ("已", "已经", "现有", "已有", "共有", "现已", "已达", "已达到", "目前已")
PAST_SUBJECT = re.compile(r"共有|现有|已有|已建|已经|目前已|已达|已完成|已累计")

#: suffix comparator words written *after* the value and unit
SUFFIX_CUES: dict[str, str] = {
    "及以上": ">=", "或以上": ">=", "以上": ">=", "及以下": "<=", "或以下": "<=", "以下": "<=",
    "以内": "<=", "之内": "<=", "左右": "~", "上下": "~",
}

MODALITY = re.compile(r"确保|力争|争取|预计|计划(?=[投新增建完开实推安招用在])")
MODALITY_MAP = {"争取": "力争"}

# --------------------------------------------------------------------------
# Units written after a number (longest first when compiled).
# --------------------------------------------------------------------------

UNITS: tuple[str, ...] = (
    "个百分点", "百分点", "%", "‰", "平方米", "平米", "m2", "m²", "万元", "亿元", "千元", "元",
    "万人次", "人次", "万人", "人", "名", "个月", "个", "所", "间", "座", "套", "台", "件", "本", "册", "项",
    "门", "种", "类", "家", "支", "批", "处", "条", "场", "次", "节", "课时", "学时", "小时",
    "分钟", "天", "日", "周", "公顷", "亩", "公里", "千米", "米", "张", "辆", "篇", "部",
    "轮", "级", "倍", "位", "班", "床", "户", "份", "块", "期", "个学期", "对",
)

#: written unit → normalised unit (anything not listed stays as written)
UNIT_NORMAL = {"平米": "平方米", "m2": "平方米", "m²": "平方米", "百分点": "个百分点"}

#: money units that carry a multiplier: written unit → (normalised unit, multiplier)
MONEY_UNITS = {"万元": ("元", 10_000), "亿元": ("元", 100_000_000), "千元": ("元", 1_000)}

#: words after a number that make it a date, an age or a duration, never a value
NOT_UNIT = re.compile(r"\s*(?:年|月|日|号|岁|周岁|时(?!间)|点(?!\d)|届|版|期(?:间)|条例|G\b|号文)")

#: per-unit denominators written before the value: 每生每年500元
PER_PREFIX = re.compile(r"(每生每课时|每生每期|每生每年|每人每年|人均每年|生均每年|每校每年|每生每学期|每人每学年|每生每学年|每人每月|每生每月|每生每天|每生每日|每千人|每生|每人|每名学生|每校|每班|每所)\s*$")
#: a rate per named head: 每名在园幼儿每年, 每位乡村教师每月 (the people stay in the subject)
PER_NAMED = re.compile(r"每(?:名|位)([\u4e00-\u9fff]{2,8}?)每(年|学年|学期|月|天)\s*$")
_PUPILS = re.compile(r"(?:学生|幼儿|儿童|少年|[小中高]学生|寄宿生|生)$")


def per_named(noun: str, period: str) -> str:
    """The denominator of a rate per named head: (生·年) for pupils, (人·月) for other people."""
    return f"({'生' if _PUPILS.search(noun) else '人'}·{period})"


#: a recurring per-pupil amount (生均公用经费, 生均拨款, the 年生均标准 of the 三包 grants): 元/(生·年)
PER_PUPIL_RATE = re.compile(r"生均[^,。]*(?:经费|拨款|补助|补贴)|年生均标准")
#: a two-part rate anywhere in a subject (顶岗支教人员每人每月生活补助不低于800元)
PER_RATE_IN = re.compile(r"每(生|人|校)每(年|学年|学期|月|天|日)")

#: per-unit denominators written after the unit: 700元/年·生
PER_SUFFIX = re.compile(r"\s*/\s*([年生人班校月](?:\s*[·.・/]\s*[年生人班校月])?)")

PER_NORMAL = {
    frozenset({"生", "年"}): "(生·年)", frozenset({"人", "年"}): "(人·年)",
    frozenset({"生", "月"}): "(生·月)", frozenset({"人", "月"}): "(人·月)",
}
PER_PREFIX_NORMAL = {
    "每生每年": "(生·年)", "每人每年": "(人·年)", "人均每年": "(人·年)", "生均每年": "(生·年)", "每生每学期": "(生·学期)", "每人每月": "(人·月)",
    "每生每月": "(生·月)", "每生每天": "(生·天)", "每生每日": "(生·天)", "每千人": "千人", "每生": "生", "每人": "人",
    "每名学生": "生", "每校": "校", "每班": "班", "每校每年": "(校·年)",
    "每所": "所", "每人每学年": "(人·学年)", "每生每学年": "(生·学年)", "每生每课时": "(生·课时)", "每生每期": "(生·期)",
}

# --------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------

#: stage cues in an indicator, in priority order (first pattern that occurs wins)
STAGE_PRIORITY: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(p), s) for p, s in (
        (r"九年义务教育|义务教育|一贯制|优质均衡", "义务教育"),
        (r"特殊教育|特教|特校|培智|启智|盲校|聋校|残疾人中等职业|残疾人中职|融合教育|随班就读", "特殊教育"),
        (r"学前|幼儿园|在园幼儿|入园|(?<!婴)幼儿|托幼|保教|[公民]办园|普惠园|中心园", "学前"),
        (r"中小学|中小学生", "中小学"),
        (r"高中阶段|县中", "高中"),
        (r"中职|中等职业|职业教育|职业院校|职业学校|技工学校|职校|职业中专|职教中心", "职业教育"),
    )
)
#: positional stage cues: the first one written wins
STAGE_POSITIONAL = re.compile(r"(?:(?<=其中)|(?<!中))小学(?!化)|初中|初级中学|普通高中|高中|普高|县中")
STAGE_POSITIONAL_MAP = {"小学": "小学", "初中": "初中", "初级中学": "初中", "普通高中": "高中", "高中": "高中",
                        "普高": "高中", "县中": "高中"}

#: school sets that name no stage (乡村学校, 寄宿制学校, 教学点, 城乡学校共同体): a subject
#: made of them takes no stage from words elsewhere in the sentence or its headings
STAGE_NEUTRAL = re.compile(r"(?:乡村(?:小规模)?学校|(?:乡镇)?寄宿制学校|教学点|城乡学校共同体)")

#: a stage word as a list item (小学、初中 / 幼儿园、中小学 …)
STAGE_ITEM = r"(?:中小学|小学|初中|普通高中|高中|幼儿园|学前教育|学前|义务教育|中职|特殊教育)"
STAGE_ITEM_MAP = {"中小学": "中小学", "小学": "小学", "初中": "初中", "普通高中": "高中", "高中": "高中",
                  "幼儿园": "学前", "学前教育": "学前", "学前": "学前", "义务教育": "义务教育",
                  "中职": "职业教育", "特殊教育": "特殊教育"}
STAGE_GROUPS = {"中小学", "学前", "职业教育", "特殊教育"}
STAGE_RUN = re.compile(rf"{STAGE_ITEM}(?:学?校)?(?:\s*[、和与及]?\s*{STAGE_ITEM})+")
STAGE_LIST = re.compile(rf"(?:(?<=其中)|(?<!中)){STAGE_ITEM}(?:\s*[、和与及]\s*{STAGE_ITEM})+")

#: administrative levels as list items (省、市、县级 / 国家级、省级)
LEVEL_LIST = re.compile(r"(?:国家|省|市|县|区|镇|乡|村|校|园)级?(?:\s*、\s*(?:国家|省|市|县|区|镇|乡|村|校|园)级?)+")

#: how an indicator ends (used to split coordinated indicators: 安装率、…完成率及…配备率)
INDICATOR_HEAD = re.compile(
    r"(?:率|比|比例|占比|比重|数|额|量|面积|值|度|费|经费|补助|补贴|津贴|标准|水平|规模|时间|年限|次数|人数|时长|系数|指数|覆盖面|达标率)$"
)

# --------------------------------------------------------------------------
# Trimming the indicator
# --------------------------------------------------------------------------

#: words stripped from the start of an indicator (repeatedly)
LEAD_TRIM = re.compile(
    r"(?:[\s,,、;;::.。!?]+|[一二三四五六七八九十]是|确保|力争|争取|努力|预计|计划|要求|要|应当|应|须|必须"
    r"|并且|并|且|同时|其中|另外|另|此外|使|让|推动|推进|落实|保证|保障|支持|进一步|逐步|全面|切实"
    r"|重视|按照|依照|根据|依据|对照|对于|对(?!口)|将|把|全市|全县|全区|全省|全州|全镇|全旗|我市|我县|我区|我省"
    r"|本市|本县|本区|市内|县内|区内|市域内|县域内|所有|各|每年|每学年|每学期|基本|力求|持续|稳步|有序"
    r"|年均|总体上|总体|整体|目前|当前|按|以|其|不断|原则上|力求|全力|着力|大力|和|及|与|(?:在)?此基础上"
    r"|(?:主要|总体|工作|发展|具体)?目标[::]"
    r"|在(?!园|校|读|编|岗|职))"
)

#: extra words stripped when a neighbouring clause is borrowed as context
CONTEXT_TRIM = re.compile(
    r"(?:不断|完善|健全|加强|加快|积极|扩大|深入|大力|着力|重点|继续|坚持|实施|建立|优化|有序)+"
)
#: words stripped from the end of an indicator
TAIL_TRIM = re.compile(
    r"(?:[\s,,、;;::的]|要|应|均|都|分别|将|力争|确保|须|必须|能够|可|总体|全部|普遍|基本|进一步|逐步|稳定|稳步)+$"
)

# --------------------------------------------------------------------------
# Things that are not targets
# --------------------------------------------------------------------------

#: names that contain numbers (DOMAIN §5.9): masked before numbers are looked for
PROTECTED = re.compile(
    r"(?=[\dA-Za-z一二两三四五六七八九十学初高第])(?:"  # the first characters of every alternative (a fast skip)
    r"\d+\s*年\s*\d+\s*学时|[九十]?[二三四五六七八九十]?年一贯制|九年义务|学前[一二三]年|初中[一二三]年|高中[一二三]年"
    r"|三名(?=工作室|工程|”|培养|校长)|第[一二三四五六七八九十百\d]+"
    r"|一票否决|[一二三四五六七八九十]+(?:届|大(?!学|批))|十[一二三四五]五|\d+\s*\+\s*[\dA-Za-z]+(?:\s*\+\s*[\dA-Za-z]+)*"
    r"|\d+[A-Za-z]+|[A-Za-z]+\d+|[一两二三四五六七八九十]+(?:教一保|统一|免一补|个只增不减|个不低于)"
    r"|\d+\s*[-—–~至到]\s*\d+\s*(?:岁|周岁|年级|年)|[一二三四五六七八九十]+年级"
    r")"
)

#: verbs after an enumerated count that make it a commitment (…等5所学校创建省一级达标学校)
COMMIT = re.compile(r"创建|建成|争创|创成|达标|通过[^,。;,;]{0,20}(?:评估|验收|认定)")

#: a clause that states a condition or an eligibility rule, not a commitment
CONDITION = re.compile(r"作为[^,。;,;]{0,30}条件|为[^,。;,;]{0,12}条件|方可|才能|的条件")

#: words after a value + "的" that keep it a standard rather than a condition
OF_STANDARD = re.compile(r"的\s*(?:标准|比例|要求|目标|水平)")

#: the rest of a sentence after these words cites or explains a standard
CITED = re.compile(r"即(?<![立随]即)(?![时将可使便])|一般为|例如|比如")  # literal first: a fast scan

#: words before a number that make it an enumeration, an ordinal or a past period
#: an increment that scales a rule (在校生每增加800人增设1名): a denominator, never a value
PER_INCREMENT = re.compile(r"每(?:增加|增|超过|多|满)\s*$")
NOT_VALUE_BEFORE = re.compile(r"(?:等|第|前|近|后|这|该|超|每|按|按照|依|依照|编号|[-—–~～+/])\s*$")

#: milestone verbs: a dated qualitative commitment
MILESTONE = re.compile(
    r"通过[^,。;,;]{0,40}(?:评估|验收|认定|督导|复核|评审|认证)"
    r"|达到[^,。;,;]{0,40}(?:标准|要求)"
    r"|(?:建成|创建成|创成)[^,。;,;]{0,24}(?:学校|幼儿园|园|校|中心|基地|工程|项目|教室|馆|示范区|示范县|示范市"
    r"|先进市|先进县|先进区|强市|强县|强区)"
    r"|完成[^,。;,;]{0,30}(?:建设|整改|创建|改造|工程|治理|整治)(?:任务)?"
    r"|(?<=[整治改])(?:改|理|造)(?:工作|任务)(?:全部|全面)?完成"
    r"|竣工[^,。;,;]{0,6}投入使用|竣工|开园|投入使用"
)


# --------------------------------------------------------------------------
# Small readers over the lists above
# --------------------------------------------------------------------------

_BRACKETS = {"(": ")", "《": "》", "〈": "〉", "〔": "〕", "[": "]", "【": "】", "“": "”"}
_BRACKET_RE = re.compile("[" + re.escape("".join(_BRACKETS) + "".join(_BRACKETS.values())) + "]")


def bracket_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Bracketed, quoted and 《titled》 ranges in ``text[start:end]`` (unbalanced marks are ignored)."""
    out, stack = [], []
    for m in _BRACKET_RE.finditer(text, start, end):
        ch = m.group()
        if ch in _BRACKETS and not (ch == "“" and stack and stack[-1][0] == "“"):
            stack.append((ch, m.start()))
        elif stack and _BRACKETS.get(stack[-1][0]) == ch:
            _, s = stack.pop()
            if ch != "”" or m.start() - s <= 30:
                out.append((s, m.end()))
    return out


def inside(pos: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether ``pos`` lies strictly inside one of ``ranges`` (not on its opening mark)."""
    return any(s < pos < e for s, e in ranges)


@lru_cache(maxsize=8192)
def stage_of(words: str) -> str | None:
    """The stage an indicator's own words name (bracketed asides ignored), by priority then position."""
    words = re.sub(r"\([^()]*\)", "", words)
    for pat, stage in STAGE_PRIORITY:
        if pat.search(words):
            return stage
    m = STAGE_POSITIONAL.search(words)
    return STAGE_POSITIONAL_MAP[m.group()] if m else None


def stages_in(words: str) -> set[str]:
    """Every stage the words name (小学/初中 dropped when 义务教育 covers them)."""
    return set(_stages_in(words))


@lru_cache(maxsize=8192)
def _stages_in(words: str) -> frozenset[str]:
    found = {stage for pat, stage in STAGE_PRIORITY if pat.search(words)}
    found |= {STAGE_POSITIONAL_MAP[m.group()] for m in STAGE_POSITIONAL.finditer(words)}
    if "九年义务" in words or "义务教育" in words:
        found -= {"小学", "初中"}
    return frozenset(found)


def split_items(words: str) -> list[str]:
    """Coordinated indicators split on 、/及/和 (outside brackets) when each ends like an indicator."""
    for pattern in (r"、|及|和", r"、"):
        parts, depth, cur = [], 0, ""
        i = 0
        while i < len(words):
            ch = words[i]
            depth += ch in "(“《" and 1 or 0
            depth -= ch in ")”》" and 1 or 0
            if depth <= 0 and re.match(pattern, words[i:]):
                parts.append(cur)
                cur = ""
            else:
                cur += ch
            i += 1
        parts.append(cur)
        parts = [p.strip() for p in parts]
        if len(parts) > 1 and all(p and INDICATOR_HEAD.search(p) for p in parts):
            return parts
    return [words]


def one_stage(found: set[str]) -> str | None:
    """One stage for a set of stage words (小学 + 初中 → 义务教育), or None when they disagree."""
    if len(found) > 1 and found <= {"小学", "初中", "义务教育"}:
        return "义务教育"
    return next(iter(found)) if len(found) == 1 else None


def _national(name: str, unit: str | None, topic: str | None):
    try:
        from .. import taxonomy
        return taxonomy.get(taxonomy.match(name, None, unit) or taxonomy.match(name, topic, unit) or "")
    except Exception:  # the taxonomy is optional here: no stage rather than no target
        return None


def national_stages(name: str, unit: str | None, topic: str | None) -> tuple[str, ...]:
    """The stages the national indicator the name matches is measured for (() when none matches)."""
    ind = _national(name, unit, topic)
    return () if ind is None or ind.scheme == "common" else tuple(ind.stages)


def taxonomy_stage(name: str, unit: str | None, topic: str | None) -> str | None:
    """The stage of the national indicator the name matches (YJ-… → 义务教育, XQ-… → 学前)."""
    ind = _national(name, unit, topic)
    if ind is None or ind.scheme == "common":
        return None
    stages = set(ind.stages)
    if len(stages) == 1 or stages <= {"义务教育", "特殊教育", "小学", "初中"}:  # YJ rows: 小学 + 初中 thresholds
        return one_stage(stages) or "义务教育"
    return "义务教育" if "2017" in ind.scheme and not stages else ("学前" if "2020" in ind.scheme else None)


_LINE = re.compile(r"[^\n]+")


def topic_stage(text: str) -> str | None:
    """The stage named by the plan's title lines (义务教育 for …推动义务教育优质均衡发展行动方案)."""
    found: set[str] = set()
    for m in _LINE.finditer(text, 0, min(len(text), 4000)):
        line = m.group().strip()
        if len(line) <= 80 and "《" not in line and re.search(r"方案|规划|计划|意见|办法|纲要", line) \
                and not re.match(r"(?:根据|为|按照|依据)", line):
            found |= stages_in(line)
    return one_stage(found)


# --------------------------------------------------------------------------
# Subjects
# --------------------------------------------------------------------------

_VERBS_LONGEST_FIRST = sorted(ACTION_VERBS, key=len, reverse=True)
# one alternation, longest verb first, each followed by a character that does not make it a place name
#: an action verb anywhere in the words (累计新增专业点, 撤并专业点)
VERB_IN = re.compile("|".join(re.escape(v) for v in _VERBS_LONGEST_FIRST if len(v) > 1 and v not in (
    "拥有", "落实", "实施", "推进", "覆盖", "惠及", "掌握", "学会", "交流", "结对")) + "|撤并|撤销|合并")
_LEAD_VERB = re.compile("|".join(f"{re.escape(v)}(?=[^区率])" for v in _VERBS_LONGEST_FIRST))


def trim(text: str, s: int, e: int, deadlines: Sequence[Deadline]) -> tuple[int, int]:
    """Bounds of ``text[s:e]`` without leading 确保/全市/到2025年… and trailing 的/均/分别…"""
    d_at = {d.span[0]: d.span[1] for d in deadlines if d.span}
    while s < e:
        if s in d_at:
            s = min(d_at[s], e)
            continue
        m = LEAD_TRIM.match(text, s, e)
        if not m or m.end() == s:
            break
        s = m.end()
    m = TAIL_TRIM.search(text, s, e)
    return s, max(s, m.start() if m else e)


def lead_verb(words: str) -> str | None:
    """An action verb opening ``words`` (新增学位 → 新增), not a place name (建成区)."""
    m = _LEAD_VERB.match(words)
    return m.group() if m else None


def heading_stage(chain: Sequence[Clause]) -> str | None:
    """The stage named by the nearest enclosing numbered item (not a level-1 section)."""
    for c in chain:
        if len(c.path) >= 2 and c.heading:
            found = stages_in(c.heading)
            if found:
                return one_stage(found)
    return None
