"""Whether a value is a standard (a rule every school, pupil or teacher is held to) rather than a goal.

A standard keeps only a date of its own sentence (never the plan period, a heading's or a paragraph's);
a goal falls back to them.  Standards: per-head and per-lesson rates (元/(生·年), 元/课时), hours of
training (学时, 课时, 学分), 凡… rules, …的标准/比例/要求 after the value, pay rules (津贴为基本工资的15%),
siting norms (服务半径不超过N公里), staffing per N people (每50名寄宿生配备1名), every value of a list
framed by 按照…的标准, one-off grants, cost shares, staffing ratios of an establishment sentence and
margins over a reference group.  A split of costs between governments is neither (no record at all).
"""
from __future__ import annotations

import re

from . import lexicon as L

__all__ = ["formula_name", "hours_name", "is_standard", "is_cost_split"]

_RATE_UNIT = re.compile(r"/\(?[生人校]|/课时")
_PAY = re.compile(r"工资|待遇|津贴|薪酬|绩效")
#: a staffing rule per N people (原则上每50名寄宿生配备1名生活教师): a standard for every school
_PER_N = re.compile(r"(?:原则上)?每\s*\d+(?:\.\d+)?\s*(?:名|个|人)")
#: a siting norm (服务半径、上学距离…不超过N公里): a rule for every school, not a level to reach
_RADIUS = re.compile(r"半径|距离|路程")
_BY = re.compile(r"按照?|依照")
_OF_NORM = re.compile(r"[^,,;;。按]*?的\s*标准")
_MATCHING = re.compile(r"财政[^,,;;。]{0,30}(?:配套|承担|分担)|(?:配套|分担)[^,,;;。]{0,6}比例"
                       r"|的比例(?:落实|安排|予以)?配套|的比例(?:分配|切块|下达)")  # 按1:1的比例落实配套资金, 东部20%、中部40%的比例分配
_ONE_OFF = re.compile(r"一次性")
_COST_SHARE = re.compile(r"负担|承担|分担")
_STAFF_RATIO = re.compile(r"教职工与(?:学生|幼儿)")
_ESTABLISHMENT = re.compile(r"编制|核定|核编")
_ABOVE_REFERENCE = re.compile(r"比(?:城镇|城区|县城|城市|同类|当地)[\u4e00-\u9fff]{0,6}(?:分别)?高出?$")


def is_standard(text: str, ss: int, se: int, cs: int, subject: str, after: str, vs: int, ve: int,
                unit: str | None) -> bool:
    """Whether the value ``text[vs:ve]`` of sentence ``[ss, se)`` (comma-part from ``cs``; ``subject`` the
    words naming it, ``after`` the words after it) states a standard."""
    return bool(_RATE_UNIT.search(unit or "")) or unit in ("学时", "课时", "学分") \
        or subject.startswith("凡") or bool(L.OF_STANDARD.match(after.lstrip())) \
        or (unit == "%" and _PAY.search(subject) is not None) \
        or (unit in ("公里", "千米", "米") and _RADIUS.search(subject) is not None) \
        or _PER_N.match(subject) is not None \
        or unit == "年" and _TENURE.search(subject) is not None \
        or _listed_norm(text, cs, vs, ve) \
        or _rule_shaped(text, ss, se, subject, unit)  # 津贴标准为基本工资的15%: a pay rule


def is_cost_split(text: str, cs: int, ce: int) -> bool:
    """市县财政按不低于省级补助标准的50%予以配套 / 由市财政承担70%: how governments share a cost, no goal."""
    return _MATCHING.search(text, cs, ce) is not None


def _rule_shaped(text: str, ss: int, se: int, subject: str, unit: str | None) -> bool:
    """Rules rather than goals: a one-off grant (每人一次性奖励2000元), a cost share (个人负担…不超过20%),
    a staffing ratio of an establishment sentence (编制…核定,其中小学教职工与学生比为1:19), a margin over a
    reference group (乡村学校…岗位比例比城镇学校高出3个百分点)."""
    if (unit or "").startswith("元") and _ONE_OFF.search(subject):
        return True
    if unit == "%" and _COST_SHARE.search(subject):
        return True
    if unit == "ratio" and _STAFF_RATIO.search(text, ss, se) and _ESTABLISHMENT.search(text, ss, se):
        return True
    return unit == "个百分点" and _ABOVE_REFERENCE.search(subject) is not None


def _listed_norm(text: str, cs: int, s: int, e: int) -> bool:
    """按照每生不少于一个床位、每间宿舍居住学生不超过8人的标准配置宿舍: each value of a list that 按照…的标准
    frames within one comma-part is a provision norm."""
    return _BY.search(text, cs, s) is not None and _OF_NORM.match(text, e) is not None


#: 支教时间不少于1年, 在乡村学校连续任教不少于3年: how long each teacher serves is a norm per person
_TENURE = re.compile(r"(?:任教|支教|交流|轮岗|服务|工作|服务期|(?<!受教育)年限|期限|时间)$")
_FORMULA_VERB = re.compile(r"(?:标准)?(?:[为向对][^,,;;。]{1,16}?)?(?:核定|核拨|拨付|提供|发放|给予|安排|下达)")
_GRANT_NOUN = re.compile(r"(?:补助|补贴|经费|费)$")
_PAYER = re.compile(r"^[\u4e00-\u9fff]{0,4}财政$")  # 中央财政/省级财政 pays; it names no rate


def formula_name(subject: str, trailing: str) -> str:
    """The name of a rate set by a formula, from the words before 按 and the grant after the value:
    (中央财政)按每生每天4元的标准为农村学生提供营养膳食补助 → 营养膳食补助标准."""
    fv = _FORMULA_VERB.match(trailing)
    if fv and fv.end() == len(trailing) and _GRANT_NOUN.search(re.sub(r"(?:按照|按|依照)$", "", subject)):
        trailing = ""  # 特殊教育学校生均公用经费按每生每年7000元标准拨付: the rule verb names nothing
    elif fv and len(trailing) - fv.end() >= 2:
        trailing = trailing[fv.end():] + ("标准" if _GRANT_NOUN.search(trailing) else "")
    elif trailing.startswith("增加") and len(trailing) >= 4:  # 按寄宿生每生每年200元增加公用经费 → …公用经费增加额
        trailing = trailing[2:] + "增加额"
    return _PAYER.sub("", re.sub(r"按照?$", "", re.sub(r"(?:按照|按(?!照))(?=[\u4e00-\u9fff]{1,6}$)", "", subject))) + trailing


_HOURS_VERBS = re.compile(r"(?:每[\d一二两三四五六七八九十]+年|[^,,;;。]{0,6}期间)?内?(?:接受|完成|参加|进行|累计|开展)*$")
_HOURS_OF = re.compile(r"\s*的([\u4e00-\u9fff]{0,8}?(?:培训|研修|进修|轮训|学习))")


def hours_name(subject: str, after: str) -> str | None:
    """The name of the hours of a training (特殊教育教师每5年接受不少于360学时的专业培训 → 特殊教育教师专业培训学时),
    or None when the words after the value name no training."""
    m = _HOURS_OF.match(after)
    if m is None:
        return None
    holder = re.sub(r"^(?:对|为|组织)", "", _HOURS_VERBS.sub("", subject))
    return holder + m.group(1) + "学时"


#: the rule closing a list of group rates: …、二类县每所30万元的标准给予奖补 / …的标准拨付
_LIST_RULE = re.compile(r"\s*(?:的)?标准(?:[为向对][^,,;;。]{1,16}?)?"
                        r"(?P<verb>核定|核拨|拨付|发放|给予|安排|下达|补助|奖补|资助|补贴)(?P<noun>[\u4e00-\u9fff]{0,8})")
_GROUP = re.compile(r"[\u4e00-\u9fff]{1,6}")
_GRANT_VERB = re.compile(r"补助|奖补|资助|补贴")


def group_rate_name(text: str, group: str, after_list: int, end: int, context: str) -> str | None:
    """The name of one group's rate in a list of rates that 按照…的标准 frames (按照一类县每所50万元、二类县每所
    30万元的标准给予奖补 → <context>奖补标准(一类县)), or None when the list closes with no such rule."""
    if not _GROUP.fullmatch(group) or L.INDICATOR_HEAD.search(group):
        return None
    m = _LIST_RULE.match(text, after_list, end)
    if m is None:
        return None
    grant = m.group("noun") or (m.group("verb") if _GRANT_VERB.fullmatch(m.group("verb")) else "")
    return f"{context}{grant}标准({group})" if context or grant else None  # never a bare 标准(城区)
