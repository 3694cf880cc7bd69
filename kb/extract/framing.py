"""The frame of one value group: the clause it sits in, its subject, trailing noun and cues.

:func:`frame` reads back from a group of values (:mod:`kb.extract.numbers`) over comparator
words, verbs and hedges, and forward over the noun after the unit; it returns None when the
group is a condition (4000人以上的行政村), a quoted norm (小班25人、中班30人) or not a
commitment.  :class:`Doc` and :class:`Sent` hold what every sentence and group may consult.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from ..models import Clause, Deadline, Target
from . import lexicon as L
from . import zones as Z
from .deadlines import plan_period
from .items import CMP_END as _CMP_END, IN_SUM as _IN_SUM, ITEM_NEXT as _ITEM_NEXT
from .numbers import Mention
from .shapes import clause_bounds

CJK = re.compile(r"[\u4e00-\u9fff“《(]")
_CJK = CJK
_COUNT_UNITS = frozenset("个 所 名 人 间 座 项 门 次 家 支 批 处 套 台 场 节 种 班 位 户 床 块 期".split())
_GRANT = re.compile(r"\s*的[^,,。;;]{0,12}?(?:补助|补贴|经费|奖励|津贴|奖补|资助)")
#: the grant a listed amount names, up to the mark before the next amount (…元的保育教育费补助和)
_GRANT_ITEM = re.compile(_GRANT.pattern + r"\s*[、和及与]\s*")
#: 不低于年度公用经费8%的比例: a comparator and its base written before a share (no 的 between)
_CMP_BASE = re.compile(r"(不低于|不少于|不超过|不高于)([\u4e00-\u9fff]{2,16})$")
#: 1个学期的学费额度: an amount measured in time, not a condition on the noun after it
_TIME_AMOUNT = re.compile(r"\s*的[\u4e00-\u9fff]{0,6}?(?:学费|费用|工资|收入|额度)")
#: only a per-unit denominator between 按 and the value (按每课时不低于40元的标准, 按照每人每月400元的标准)
_PER_ONLY = re.compile(r"\s*每(?:课时|节课|人每月|人每年|生每年|生每学期|生每月|生每天|生)\s*(?:不低于|不少于|不超过|不高于)?\s*")
_BY_NORM = re.compile(r"(?:按照|按(?!照)|依照|参照|依据)\s*")
# patterns of every value group, compiled once (re.search(r"…") looks each up in re's cache on every call)
_STAGE_END = re.compile(rf"(?:原则上|一般)?({L.STAGE_ITEM})生?$")
_OF_RATIO = re.compile(r"\s*的比例")
_TOP_COMMA = re.compile(r"、(?![^(“]*[)”])")
_DIGIT = re.compile(r"\d")
_BY_END = re.compile(r"按照?$")
_OF = re.compile(r"\s*的")
#: 不少于360学时的全员培训: hours of a training, not a condition on it
_TRAINING = re.compile(r"\s*的[\u4e00-\u9fff]{0,8}?(?:培训|研修|进修|轮训|学习)(?!比例|率|覆盖|完成)")  # (not …培训比例达到100%)


@dataclass
class Doc:
    """The document and what every sentence may consult: clause tree, title stage, notice year."""

    text: str
    clauses: list[Clause]
    starts: list[int]
    by_path: dict[tuple[str, ...], list[Clause]]
    topic: str | None = None  # the stage the plan's title names: a hint for the taxonomy only
    year: int | None = None  # the latest year of the notice's dates: earlier "YYYY年…为N" are baselines
    first_year: int | None = None  # the first year of the title's period: earlier years report the past
    plan: Deadline | None = None  # the title's period (三年分别达到…)
    section_labels: dict[int, Deadline | None] = field(default_factory=dict)  # top clause start → its one 完成时限
    headings: dict[int, Deadline | None] = field(default_factory=dict)  # clause start → its heading deadline
    defined: tuple[tuple[str, str], ...] = ()  # (short term, stage) of 义务教育寄宿制学校(以下简称寄宿制学校)
    scopes: dict[int, tuple] = field(default_factory=dict)  # clause index → what its lines inherit (targets._scope)


_DEFINED = re.compile(r"[(]以下(?:简称|称)[“\"]?([^”\"()]{2,12}?)[”\"]?[)]")
_CLAUSE_START = re.compile(r"[^。;,,\n]{0,40}$")


def read_document(text: str, clauses) -> Doc:
    """What every sentence of ``text`` may consult: its clauses in order, the notice's latest year,
    the title's period and stage, and the short terms it defines (以下简称寄宿制学校)."""
    cl = sorted((c for c in clauses or () if 0 <= c.start <= c.end <= len(text)), key=lambda c: c.start)
    by_path: dict[tuple[str, ...], list[Clause]] = {}
    for c in cl:
        by_path.setdefault(tuple(c.path), []).append(c)
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|-)", text[:3000])] if cl else []
    fallback = plan_period(text) if cl else None
    doc = Doc(text, cl, [c.start for c in cl], by_path, L.topic_stage(text) if cl else None,
              max(years) if years else None, int(fallback.start[:4]) if fallback and fallback.start else None, fallback)
    doc.defined = tuple((m.group(1), stage) for m in _DEFINED.finditer(text)
                        if (stage := L.stage_of(_CLAUSE_START.search(text, max(0, m.start() - 40), m.start()).group()))
                        and not L.stage_of(m.group(1)))
    return doc


@dataclass
class Sent:
    """What the targets of one sentence share while it is read."""

    ss: int
    se: int
    dls: list[Deadline]
    para: Deadline | None
    head: Deadline | None
    heading_stage: str | None
    prev_sentence: str
    out: list[Target] = field(default_factory=list)
    prev_noun: str = ""
    prev_verb: str | None = None
    prev_cmp: str | None = None  # the comparator word of the previous group (至少办好1所初中和1所中心小学)
    prev_end: int = -1
    prev_clause: int = -1
    prev_stage: str | None = None
    prev_subject: str = ""
    sum_noun: str = ""  # the subject of a total broken down after 其中 (新建学校86所,其中小学38所、…)
    sum_end: int = -1
    base: bool = False  # a sentence reporting the start situation: its values are baselines
    consumed: int = -1  # values before here belong to a share's definition (70%以上的学校开设不少于20门…)


@dataclass
class Read:
    """One value group as read so far: where its clause, subject and trailing noun lie, and how it was cued."""

    g: list[Mention]
    cs: int  # comma clause start (after an earlier group of the same clause)
    ce: int
    z: Z.Zone
    s1: int  # subject bounds after trimming
    e1: int
    subject: str
    t0: int  # trailing noun bounds (after the value and its unit)
    t1: int
    trailing: str
    verbs: list[str]
    lead: str | None  # an action verb opening the subject (新增学位3万个)
    inherit: str | None  # the verb of the previous group of the same clause (增加初中学位…、小学学位…)
    after: str
    own_stage: str | None
    flags: list[str]
    formula: bool  # 按100名学生核定 / 按不低于…的5%安排
    pct_share: bool  # 85%以上的班额符合…
    of_ratio: bool  # 10%的比例开展…
    use_trailing: bool = False
    past: bool = False  # 已建成35所, 共有…: a fact of the past or present


#: the rest of a name whose number belongs to it: 24小时值班制度, 5年一周期培训机制
_REGIME = re.compile(r"[\u4e00-\u9fff、和与及]{0,16}(?:制度|机制)")


_RATE_END = re.compile(r"(?:率|度|比例|占比)$")
#: after a count written first, the units and the state they reach (…的县通过…认定, …县(区)全部通过…认定)
_COUNT_REACHES = re.compile(r"\s*(?:的[^,,;;。的]{1,12}?|[^,,;;。的\d]{1,12}?(?:全部|均)"
                            r"|[^,,;;。的\d]{0,6}?(?:县|区|市|旗|乡镇|街道)(?:\([^()]{1,8}\))?)(?:通过|达到|建成|创成|实现)"
                            r"[^,,;;。]{0,30}?(?:认定|评估|验收|标准|要求)")
#: a variant value for a group written in brackets right after the value: 1.5万元(西藏、新疆及四省藏区1.8万元)
PAREN_VARIANT = re.compile(r"\s*[((](?P<who>[^()()\d,,;;。]{2,24}?)(?:为|是)?\s*(?P<v>\d+(?:\.\d+)?)\s*"
                           r"(?P<mult>万|亿)?(?P<u>元|%)[))]")
#: what the people before a percent do (…子女100%进入学校就读, 95%在公办学校就读, 100%接受义务教育)
_SHARE_VERB = re.compile(r"(?:进入|接受|入学|就读|在[^,,;;。]{1,12}?(?:就读|就学|入学)|参加|享受|纳入|持证|达标|建成|配备|开设|配齐)")
#: 85%的乡镇中心幼儿园达到…标准: a share written first without 以上 still counts the units that reach a state
_SHARE_REACHES = re.compile(r"\s*的[^,,;;。的]{2,16}?(?:达到|建成|创建|创成|实现|通过|具备|配齐|开设|成为)")
#: between a share written first and a count in its predicate: no list mark, no other share
_NESTED_COUNT = re.compile(r"[^、,,;;。%\d]*$")


def frame(doc: Doc, st: Sent, g: list[Mention], next_start: int) -> Read | None:
    """Bounds and cues of a value group, or None when it is a condition, a fact or not a commitment."""
    text = doc.text
    first, last = g[0], g[-1]
    cs, ce = clause_bounds(text, st.ss, st.se, first.start, last.end)
    same_clause = st.prev_clause == cs and st.prev_end <= first.start
    inherit = None
    joined = False  # 1所初中和1所中心小学: a second counted item under the same verb and comparator
    if same_clause:
        between = text[st.prev_end:first.start]
        cut = between.rfind("、") + 1 if "、" in between else (len(between) if re.search(r"[和及与]\s*$", between) else 0)
        cs, inherit = st.prev_end + cut, st.prev_verb
        joined = cut == len(between) and st.prev_subject.startswith("每") and _CJK.match(between) is not None
    z = Z.read_zone(text, cs, first.start, st.dls)
    if joined and not z.cmp_word and not z.verbs:
        z = replace(z, cmp_word=st.prev_cmp)
    prev = st.out[-1] if same_clause and st.out else None
    grant_list = prev is not None and "per_head_grant" in prev.flags and "/" in (prev.unit or "") and not z.per \
        and cs == first.start and _GRANT_ITEM.fullmatch(text, st.prev_end, cs) is not None
    if grant_list:  # 每生每年1000元的保育教育费补助和300元的生活补助: the second amount is per head too
        z = replace(z, per=prev.unit.split("/", 1)[1], cmp_word=z.cmp_word or st.prev_cmp)
    item_end = next_start <= ce and _ITEM_NEXT.fullmatch(text, last.end, next_start) is not None
    if item_end:
        ce = last.end  # 新建学校3所、改扩建7所 / 义务教育学位2.8万个、学前学位0.9万个: the value ends its item
    pv = PAREN_VARIANT.match(text, last.end, ce)  # (西藏、新疆1.8万元): a variant, read by the caller
    after = text[pv.end() if pv else last.end:ce]
    if L.PER_INCREMENT.search(text, cs, first.start):
        return None  # 每增加800人(增设1名): the step of a staffing rule
    if L.CONDITION.search(after) or z.cmp_word == "不足":
        return None  # 作为…条件, 不足100名
    if not z.cmp_word and _REGIME.match(after):
        return None  # 建立24小时值班和巡查制度: the length names the regime
    past = z.past or L.PAST_SUBJECT.search(text, cs, z.start) is not None  # 全市共有中小学校120所: a baseline
    if z.cmp_word == "为" and doc.year and not L.MODALITY.search(text, st.ss, first.start) and any(
            d.kind == "in_year" and d.span[1] <= first.start and int(d.end[:4]) < doc.year for d in st.dls):
        return None  # 2021年全市义务教育入学率为99.8% in a plan of 2022: a baseline
    s1, e1 = L.trim(text, cs, z.start, st.dls)
    # 按照师生比1:12.5的标准核定编制 / 按每千人40个学位的标准配建: the value is the standard itself
    by_norm = _BY_NORM.search(text, cs, e1) if L.OF_STANDARD.match(after.lstrip()) else None
    per_words = ""
    if by_norm and not (by_norm.end() >= s1 or not text[by_norm.end():s1].strip()):
        by_norm = None
    if by_norm and s1 < by_norm.end() < e1:
        if _PER_ONLY.fullmatch(text, by_norm.end(), e1) and by_norm.start() > s1 + 1:
            e1 = by_norm.start()  # 教师参与课后服务按每课时不低于40元的标准…: the subject is before 按
            per_words = text[by_norm.end():z.start].strip()
        else:
            s1 = by_norm.end()
    if z.per and e1 - s1 > 3 and text.startswith(("每名", "每位"), s1):
        s1 += 2  # 每名在园幼儿每年…: the people are the subject, the 每 is in the rate
    subject, own_stage = text[s1:e1], None
    if per_words:
        subject += f"({per_words})"
    if (joined or grant_list) and not subject:
        subject = st.prev_subject  # 每个乡镇 governs the second item too; so do the people of a grant list
    sm = _STAGE_END.search(subject)
    cw = _CMP_END.search(subject, 0, sm.start()) if sm and sm.start() > 1 and not z.cmp_word else None
    if cw and (L.INDICATOR_HEAD.search(subject, 0, cw.start()) or cw.start() == 0 and st.prev_noun and st.out):
        # 基准定额提高到小学每生每年550元、初中… / …提高200元,达到小学2900元、初中3100元 (the rate named before)
        z = replace(z, cmp_word=cw.group())
        subject, e1 = subject[:cw.start()] + subject[cw.end():], s1 + cw.start() + (sm.end() - cw.end())
        sm = _STAGE_END.search(subject)
    if sm and not L.STAGE_LIST.search(subject) and (L.INDICATOR_HEAD.search(subject[:sm.start()]) if sm.start() > 1
                                                     else (same_clause or st.prev_end >= 0) and st.prev_noun):
        own_stage = L.STAGE_ITEM_MAP[sm.group(1)]  # 生均公用经费小学不低于650元、初中不低于850元
        # 学校规模小学不超过2000人,初中不超过1500人: the second item keeps the subject without its stage
        chain = st.sum_noun and _IN_SUM.fullmatch(text, st.sum_end, s1)
        subject = subject[:sm.start()] or (f"{st.sum_noun}({sm.group(1)})" if chain else "") or re.sub(r"^(?:小学|初中|普通高中|高中)(?=\w{2})", "", re.sub(
            r"^(?:中小学|小学|初中|高中)生", "学生", st.prev_noun))
        e1 = s1 + sm.start() if sm.start() > 1 else e1
    elif same_clause and st.prev_noun and 1 < len(subject) <= 3 and subject[-1] == st.prev_noun[-1] \
            and len(st.prev_noun) > len(subject):  # 小班不超过25人、中班不超过30人
        subject = st.prev_noun[:-len(subject)] + subject
    lead = L.lead_verb(subject)
    verbs = list(z.verbs) or ([inherit] if inherit and (joined or not z.cmp_word) and not lead else [])
    t0, t1 = (pv.end() if pv else last.end), min(ce, next_start)
    of_ratio = _OF_RATIO.match(after) is not None
    om = _CMP_BASE.match(subject) if of_ratio and not z.cmp_word else None
    if om:  # 按照不低于年度学费收入10%的比例提取…: the comparator and the base stand before the value
        z = replace(z, cmp_word=om.group(1), base=om.group(2))
        subject, s1 = "", e1
    std = None if of_ratio else L.OF_STANDARD.match(after.lstrip())
    pct_share = last.unit == "%" and not of_ratio and not std and after.lstrip().startswith("的") and (
        bool(last.suffix) or bool(z.cmp_word) or _SHARE_REACHES.match(after) is not None)
    # 400个左右的县(市、区)通过…认定: a count written first, of the units that reach a state
    count_share = last.unit in ("个", "所") and not of_ratio and not std and _COUNT_REACHES.match(after) is not None
    if pct_share and _RATE_END.search(subject):
        return None  # 满意度低于80%的学校限期整改: a rate that selects units is a condition, not a share
    if pct_share and next_start < ce and _NESTED_COUNT.match(text, last.end, next_start):
        # 70%以上的学校开设不少于20门特色课程: the count says which units are counted; it is no target
        t1 = ce
        st.consumed = ce
    # 给予每人每月不低于300元的交通和生活补助: a rate per head, named by the grant after it
    grant = _GRANT.match(after) if last.unit == "元" and z.per and not std else None
    if std or of_ratio or grant:  # 每千人40座的标准配建幼儿园学位 / 10%的比例开展…: the words after name the indicator
        t0 += len(after) - len(after.lstrip()) + (std.end() if std else 1 if grant else 3)
    t0 += len(text[t0:t1]) - len(text[t0:t1].lstrip(" 的" if pct_share or count_share else " "))
    rest = text[t0:t1]
    # 四分之三以上的初中配齐物理、化学、生物实验室仪器: after a share written first, a list without values is
    # one object; elsewhere the words after a value end at its 、 (新建学校3所、改扩建7所)
    whole = (pct_share or count_share) and not _DIGIT.search(rest)
    trailing = (rest if whole else _TOP_COMMA.split(rest, maxsplit=1)[0]).rstrip(" 、和及与。!?!?")
    if PER_GROUP_END.search(subject):  # …1个洗漱龙头的标准配齐生活设施: the norm's noun ends before 的标准
        trailing = _OF_RULE.split(trailing, maxsplit=1)[0]
    formula = _BY_END.search(subject) is not None or text[max(cs, z.start - 2):z.start] in ("按照", "依照") \
        or text[max(cs, z.start - 1):z.start] == "按" \
        or bool(z.per) and _BY_GROUP.search(text, cs, z.start) is not None \
        or bool(z.per) and prev is not None and prev.kind == "standard" and (prev.unit or "").startswith("元") \
        and text[st.prev_end:cs].strip() == "、"  # 按寄宿生每生每年200元增加…, 按照一类县每所50万元、二类县每所30万元
    r = Read(g, cs, ce, z, s1, e1, subject, t0, t0 + len(trailing), trailing, verbs, lead, inherit, after,
              own_stage, ["per_head_grant"] if grant else [], formula, pct_share, of_ratio, past=past)
    if L.NOT_VALUE_BEFORE.search(text, cs, z.start) and not z.cmp_word and not z.verbs:
        if text[max(cs, z.start - 1):z.start] == "等" and L.COMMIT.search(trailing):
            r.subject, r.s1, r.e1, r.flags = "", t0, t0, ["enumerated_count"]  # …等5所学校创建省一级达标学校
        elif not (formula and _RULE_VERB_AFTER.match(after)):
            return None  # 等7个, 每12个班级, 按100名学生 without a rule verb
    # 随迁子女95%在公办学校就读: a percent between the people and what they do is the share doing it
    before_verb = last.unit == "%" and not last.suffix and not z.cmp_word and not z.verbs and not first.cmp \
        and len(subject) >= 2 and not _RATE_END.search(subject) and _SHARE_VERB.match(after) is not None
    if before_verb:
        r.flags.append("value_before_verb")
    hours = last.unit in ("学时", "课时", "小时") and _TRAINING.match(after) is not None
    if hours:
        r.flags.append("training_hours")
    if count_share:
        r.flags.append("count_share")
    if not (pct_share or count_share or of_ratio or std or grant or hours or _TIME_AMOUNT.match(after)) and (_OF.match(after) or not z.verbs and not z.cmp_word
                                               and re.match(r"[\u4e00-\u9fff]{0,6}的[\u4e00-\u9fff]", after)):
        return None  # 4000人以上的行政村, 5人以上残疾学生的普通学校: conditions
    count_unit = (last.unit or "").split("/")[0] in _COUNT_UNITS
    r.use_trailing = bool(trailing) and _CJK.match(trailing) is not None and (
        bool(verbs) or not r.subject or of_ratio or pct_share or count_share or formula or before_verb
        or count_unit and (not z.cmp_word or bool(z.verbs) or bool(lead) or PER_GROUP_END.search(subject) is not None))
    bare = not verbs and not z.cmp_word and not lead and not inherit and not first.cmp and not formula and not by_norm
    if bare and "enumerated_count" not in r.flags and not hours and not before_verb:
        if last.unit is None or not (pct_share or count_share or not after.strip(" 。!?!?")) or not r.subject and not (
                pct_share or count_share):
            return None  # a bare number must end its clause: not 十四届60次常委会会议
        if item_end and not (own_stage or L.VERB_IN.search(subject) or st.sum_noun and _IN_SUM.fullmatch(
                text, st.sum_end, s1) or re.search(r"其中[\s,,]*$", text[cs:s1])):
            return None  # 小班25人、中班30人: a bare list is a quoted norm unless it breaks down a total
        if re.search(r"\d[^、,,]{0,4}、", r.subject):
            return None  # …、中班30人: the last item of such a list
        if last.unit == "ratio" and not re.search(r"比|比例$", r.subject):
            return None
    if last.unit is None and (z.cmp_word is None or re.match(r"\s*[\u4e00-\u9fff]", after)):
        return None
    return r


#: a provision norm per group of people (每50名寄宿生不少于1个淋浴喷头, 每千人口不少于60个学位): the thing provided
#: is named after the value
_OF_RULE = re.compile(r"的?(?:标准|要求|规定)")
PER_GROUP_END = re.compile(r"每(?:\d+|[一二两三四五六七八九十百千万]+)(?:名|个|位)?[\u4e00-\u9fff]{1,5}$")
_BY_GROUP = re.compile(r"(?:按照|按(?!照))[\u4e00-\u9fff]{1,6}$")
#: 按每生每年800元(的标准)核拨, 按照每生每天4元的标准为农村学生提供…: a formula value with its rule verb
_RULE_VERB_AFTER = re.compile(r"(?:[^,。;,;]{0,8}|\s*的\s*标准\s*(?:为|向|对)[^,。;,;]{1,16}?)"
                              r"(?:核定|核拨|拨付|计算|安排|配建|配置|配备|发放|给予|执行|落实|下达|提供|补助|资助|奖补|增加)")
_GLUED_LABEL = re.compile(r"\s*(\d{1,2})[.．](?=\d)")


def glued_label(doc: Doc, ps: int, pe: int) -> int:
    """Where the words of line ``[ps, pe)`` start: after an item number glued to a value (2.70%以上的学校…)
    when the clause tree numbers this line as that item, else at ``ps``."""
    m = _GLUED_LABEL.match(doc.text, ps, pe)
    if m:
        i = bisect.bisect_right(doc.starts, m.end()) - 1
        c = doc.clauses[i] if i >= 0 else None
        if c is not None and ps <= c.start <= m.end() and c.path and c.path[-1] == m.group(1):
            return m.end()
    return ps
