"""The indicator words of a value group (step 2 of :mod:`kb.extract.targets`): the subject, with the
counted noun and verb after the value, the context and qualifiers a bare or elided subject needs
(其中 breakdowns, 按…标准 rules, shares of units, (占<base>), the project a count belongs to)."""
from __future__ import annotations

import re

from . import lexicon as L
from .framing import PER_GROUP_END, Doc, Read, Sent
from .items import HEAD_VERB as _HEAD_VERB, IN_SUM as _IN_SUM
from .shapes import SET_NOUN_END, STAGES_ONLY, clause_bounds, context_words
from .standards import formula_name, group_rate_name, hours_name

__all__ = ["indicator_words"]

_SEP = re.compile(r"[,,;;]")
#: a subject that is only a span of time (三年, 五年内, 全年): the counted object is the clause's before
_PERIOD_ONLY = re.compile(r"(?:[一二三四五两十\d]{1,2}年|每年|年均|全年)(?:内|间|来)?")
_LIST_ASIDE = re.compile(r"(?<![县乡镇市区])\([^()]*、[^()]*\)$")
_PROJECT_END = re.compile(r"(?:工作|工程|幼儿园|学校)$")
_REACH_VERB = re.compile(r"(?:全部|均)?(?:通过|达到|建成|创成|实现)")
#: a lead-in naming a rate (收费标准为:…): the group after the colon is whose rate it is
_BASE_YEAR = re.compile(r"在((?:19|20)\d{2})年(?:的)?基础上")
_RATE_HEAD = re.compile(r"(?:标准|限额|限价|上限)$")
#: a group of schools or places whose own rate follows a parallel group's (城区学校…;农村学校…)
_GROUP_END = re.compile(r"(?:学校|幼儿园|[园校县区])$")
_PROJECT_NOUN = re.compile(r"幼儿园|学校|小学|中学|分园|校区")
_RULE_VERB_ONLY = re.compile(r"(?:分别)?(?:执行|拨付|核拨|发放|落实)?")
_LEADING_STAGE = re.compile(r"^(?:小学|初中|普通高中|高中|义务教育|中小学|幼儿园)(?=\w{3})")
_WHEN_LEAD = re.compile(r"^(?:全年|年内|今年|当年|本年度|年度内)")
_FROM_OLD = re.compile(r"由(?:现行|原来|原|目前|现在)的?(?:标准)?(?:每[生人校]每[年月学]\w?)?$|由(?:现行|原来|原|目前|现在)的?[^,,;;。]*$")


def indicator_words(doc: Doc, st: Sent, r: Read) -> str:
    """The indicator words: the subject, with the counted noun and verb, context and qualifiers when needed."""
    text, subject, verbs, z = doc.text, r.subject, r.verbs, r.z
    tier = _tier_name(text, st, r) if r.formula and z.per else None
    if tier:  # 按照一类县每所50万元、二类县每所30万元的标准给予奖补 → 奖补标准(一类县)
        ind = tier
    elif r.formula:
        ind = formula_name(subject, r.trailing if r.use_trailing else "")
    elif "training_hours" in r.flags:  # 每5年接受不少于360学时的专业培训 → 专业培训学时
        ind = hours_name(subject, r.after) or subject
    elif r.of_ratio:
        ind = subject + r.trailing + "比例"
    elif r.use_trailing and (subject.startswith("每") or PER_GROUP_END.search(subject)) \
            and r.g[-1].unit in ("所", "个", "名", "人", "间"):
        ind = subject + "".join(v for v in verbs if v != "有") + r.trailing + "数"  # 每个乡镇办好初中数
    elif r.use_trailing and r.flags[:1] == ["per_head_grant"]:  # 给予每人每月300元的生活补助 → (教师)生活补助
        ind = subject + r.trailing
    elif "count_share" in r.flags and (vm := _REACH_VERB.search(r.trailing)) and vm.start() >= 1:
        verb = re.sub(r"^(?:全部|均)", "", r.trailing[vm.start():])  # 7个县(区)全部通过…认定 → 通过…认定的县(区)数
        ind = f"{verb}的{r.trailing[:vm.start()]}数"  # 400个县通过…认定 → 通过…认定的县数
    elif "value_before_verb" in r.flags:  # 随迁子女95%在公办学校就读 → …在公办学校就读比例
        ind = subject + r.trailing + "比例"
    elif r.use_trailing:  # 培养60名以上县级教学名师 → 县级教学名师培养
        ind = subject + r.trailing + "".join(verbs)
    elif r.inherit and verbs == [r.inherit]:  # 增加初中学位1900个、小学学位5990个 → 增加小学学位
        ind = r.inherit + subject
    elif (base := st.sum_noun if st.sum_noun and _IN_SUM.fullmatch(text, st.sum_end, r.s1) else st.prev_noun if re.search(
            r"其中[\s,,]*$", text[st.prev_end:r.s1]) else "") and len(subject) <= 6 and not any(
            subject[i:i + 2] in base for i in range(len(subject) - 1)):
        ind = f"{base}({subject})"  # 招聘新教师不少于300名,其中乡村学校不少于100名、…
    elif subject and not verbs and not r.lead and text[r.cs - 1:r.cs] == "、" and st.prev_end < r.cs and (
            vm := _HEAD_VERB.match(st.prev_subject)) and not L.VERB_IN.search(subject):
        ind = vm.group() + subject  # 每所学校配备心理健康教师1名、校医1名 → 每所学校配备校医
    elif st.prev_verb and st.prev_subject.startswith(st.prev_verb) and not r.lead and not verbs and r.g[-1].unit != "%" \
            and re.search(
            r"其中[\s,,]*$", text[st.prev_end:r.s1]):
        ind = r.lead = st.prev_verb  # 新增学位4.2万个,其中义务教育学位2.8万个 → 新增义务教育学位
        ind += subject
    elif verbs and _PERIOD_ONLY.fullmatch(subject) and (k := st.prev_noun.find(verbs[-1])) >= 0 \
            and len(st.prev_noun) - k - len(verbs[-1]) >= 2:  # 每年引进教师80人,三年合计引进240人 → 引进教师
        ind = verbs[-1] + st.prev_noun[k + len(verbs[-1]):]
        r.flags.append("object_elided")
    else:
        ind = subject + "".join(verbs)
    # 取暖费单独核拨,小学、初中分别按每生每年80元、100元的标准执行: a rule that names only its verb
    verb_only = r.formula and _RULE_VERB_ONLY.fullmatch(re.sub(L.STAGE_ITEM + "|[、和]", "", re.sub(r"按照?", "", ind)))
    if STAGES_ONLY.fullmatch(subject) or subject in ("标准", "指标") or verb_only:  # …落实生均公用经费,小学、初中分别不低于…
        noun = ([""] + [w for w in re.split(r"落实|执行|保障|提高到?|制定|核定|确定|安排|单独|核拨", re.split(
            r"按照?|足额|全额", context_words(text, st.ss, r.cs, st.dls))[0]) if w])[-1]  # …按照省定标准足额拨付,…
        if len(noun) >= 2 and L.INDICATOR_HEAD.search(noun):
            ind = noun + ("标准" if verb_only else ind)
            r.flags.append("indicator_from_context")
    ind = _LIST_ASIDE.sub("", ind)  # “三名工作室”(名校长、名教师、名班主任)
    fm = _FROM_OLD.search(ind) if "由" in ind else None
    if fm:  # 生均公用经费定额标准由现行的每生每年650元提高到1000元: the words before 由 name the rate
        ind = ind[:fm.start()]
        r.own_stage = r.own_stage or L.stage_of(ind)
        if STAGES_ONLY.fullmatch(ind) or not ind:  # …,初中由现行的…提高到1200元: the rate of the part before
            ind = st.out[-1].indicator if st.out else ind
            r.flags.append("indicator_elided")
        ind = _LEADING_STAGE.sub("", ind) or ind  # 小学生均公用经费… → 生均公用经费… (the stage is read apart)
    if not subject and "enumerated_count" not in r.flags:
        prev_noun = _WHEN_LEAD.sub("", st.prev_noun)  # 全年新建公办幼儿园8所、改扩建5所: the time is no object
        pv = L.lead_verb(prev_noun) if verbs and st.prev_end > r.cs - 2 else None
        if pv and not r.use_trailing and L.lead_verb(prev_noun[len(pv):]) is None:
            ind = "".join(verbs) + prev_noun[len(pv):]  # 新建中小学2所、改扩建5所 → 改扩建中小学
            r.flags.append("object_elided")
        elif st.prev_noun and not r.use_trailing:
            ind = st.prev_noun + "".join(verbs)
            r.flags.append("indicator_elided")
        elif not r.use_trailing and (ctx := context_words(text, st.ss, r.cs, st.dls)):
            ind = f"{''.join(verbs)}({ctx})" if verbs else ctx
            r.flags.append("indicator_from_context")
        elif not r.use_trailing:
            ind = "".join(verbs)
    elif len(subject) <= 4 and re.search(r"(?:比例|占比|比率|率|比)$", subject) and not r.use_trailing:
        pc = clause_bounds(text, st.ss, r.cs - 1, r.cs - 1, r.cs - 1)[0] if r.cs > st.ss else r.cs
        words = context_words(text, st.ss, r.cs, st.dls) or text[pc:max(pc, r.cs - 1)].rsplit("的", 1)[-1]
        if len(words) >= 2 and not re.search(r"\d", words):  # 确保分配比例不低于50% → 招生指标分配…分配比例
            ind = words + subject
            r.flags.append("indicator_from_context")
    if (r.lead or r.inherit or verbs) and "indicator_from_context" not in r.flags and (
            project := _project(text, st.ss, r.cs, st.dls)) and project not in ind:
        ind = f"{ind}({project})"  # 增加公办学位500个 under 一是新建实验幼儿园
    if z.base:
        ind = f"{ind}(占{z.base})"
    if r.g[-1].unit != "个百分点" and (by := _BASE_YEAR.search(ind)) is not None:
        # …标准在2015年基础上提高200元: the base is no part of the name (a change in 个百分点 is named by delta_name)
        ind = ind[:by.start()] + ind[by.end():]
        if any(v in L.DELTA_VERBS for v in verbs):
            ind = f"{ind}(比{by.group(1)}年)"
    if r.pct_share:  # 85%以上的班额符合《…》有关规定 → 班额符合规定的比例
        ind = re.sub(r"《[^》]*》|有关", "", ind) + "的比例"
    if any(a in z.advs for a in ("共", "累计", "共计", "总计", "合计")):
        ind += "(累计)"
    ind = re.sub(r"(?<=..)(?:为|是)$", "", ind.strip(" ,,、的。:"))  # 收费标准为每生每期不超过600元
    if ":" in ind:  # 主要预期目标是:全年幼儿园计划招生 → the words after a lead-in (not 学历教师数:小学、初中)
        head, tail = (x.strip() for x in ind.rsplit(":", 1))
        rate = re.sub(r"(?:为|是|如下)$", "", head)
        if len(tail) >= 5 and not STAGES_ONLY.fullmatch(tail) and not L.INDICATOR_HEAD.search(head):
            ind = tail
        elif 2 <= len(tail) < 5 and _RATE_HEAD.search(rate) and not STAGES_ONLY.fullmatch(tail):
            ind = tail + rate  # 收费标准为:城区学校每生每课时最高3元 → 城区学校收费标准
    elif 2 <= len(ind) <= 5 and st.out and (g := _GROUP_END.search(ind)) and g.group() in st.out[-1].indicator:
        prev = st.out[-1].indicator  # …;农村学校每生每课时最高2元 after 城区学校收费标准 → 农村学校收费标准
        rest = prev[prev.index(g.group()) + len(g.group()):]
        if len(rest) >= 2 and _RATE_HEAD.search(rest):
            ind += rest
    if r.g[-1].unit in ("小时", "分钟") and not re.search(r"时间|时长|时数|\d", ind) and len(ind) >= 2:
        ind += "时间"  # 书面家庭作业每天不超过1小时 → 书面家庭作业时间
    if r.g[-1].unit == "%" and SET_NOUN_END.search(ind):  # …认定的县(市、区)达到一半以上: a share of the units
        ind += "比例"
    return ind


def _project(text: str, ss: int, cs: int, dls) -> str:
    """The first earlier clause of the sentence naming a construction project (一是新建实验幼儿园,…), or ""."""
    for m in _SEP.finditer(text, ss, cs):
        words = text[ss:m.start()]
        if _PROJECT_END.search(words) and _PROJECT_NOUN.search(words):
            return context_words(text, ss, m.end(), dls)
    return ""



#: the later items of a list of group rates: 、二类县每所30万元
_RATE_ITEMS = re.compile(r"(?:\s*、\s*[\u4e00-\u9fff]{1,6}每[\u4e00-\u9fff]{1,4}\d+(?:\.\d+)?\s*[万亿千]?元)*")


def _tier_name(text: str, st: Sent, r: Read) -> str | None:
    """The name of a group's rate in a list framed by 按照…的标准 (each group named, its rate after 每…)."""
    if not re.search(r"(?:按照|按|、)\s*$", text[max(0, r.s1 - 3):r.s1]):
        return None  # the group follows 按照 (or the item before it): 中央财政按照每生每天3元… names no group
    ps, pe = clause_bounds(text, st.ss, st.se, r.s1, r.s1)
    end = _RATE_ITEMS.match(text, r.g[-1].end, pe).end()
    return group_rate_name(text, r.subject, end, pe, context_words(text, st.ss, ps, st.dls))
