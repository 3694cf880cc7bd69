"""More target shapes of real plans and regulations, in invented sentences: the ratio sign ∶, per-unit
norms that a rule sets (standards, no plan-period date), the length of a duty regime, consolidation
counts (调整为 N 所), 全部 written before its subject, the scope of a stage after 其中, and co-issuers
who drafted a plan together (not responsibilities)."""
import pytest

from kb.facts import extract_facts
from kb.models import Clause
from kb.normalise import normalise


def facts(text: str):
    t = normalise(text).text
    return extract_facts(t, [Clause((), "", 0, len(t), "front", t)], None)


def targets(text: str):
    return [t for t in facts(text)[0] if t.kind != "baseline"]


def test_the_ratio_sign_is_a_colon():
    (a, b) = targets("到2028年,普职招生比例大体保持在6∶4。保育员与幼儿之比达到1∶18。")
    assert (a.value, a.unit, a.comparator, a.indicator) == ((6.0, 4.0), "ratio", "=", "普职招生比例")
    assert a.indicator_id == "LF-ZZ"
    assert (b.value, b.unit, b.stage) == ((1.0, 18.0), "ratio", "学前")
    assert "师生比1:13" in normalise("到2026年,全县特殊教育学校师生比1∶13。").text


def test_per_unit_norms_are_standards_without_the_plan_period():
    title = "云溪县学前教育提质行动方案(2024—2026年)\n"
    (t,) = targets(title + "村小兼课教师每课时课酬不低于30元。")
    assert (t.kind, t.value, t.unit, t.comparator, t.deadline) == ("standard", 30.0, "元/课时", ">=", None)
    (t,) = targets(title + "新建幼儿园服务半径原则上控制在1公里以内。")
    assert (t.kind, t.value, t.unit, t.comparator, t.deadline) == ("standard", 1.0, "公里", "<=", None)


def test_the_length_of_a_duty_regime_is_no_target():
    assert targets("各寄宿制学校应当建立24小时值班和巡查制度。") == []
    (t,) = targets("各寄宿制学校每栋宿舍楼配备生活老师不少于2名。")  # a staffing count still is one
    assert t.value == 2.0


def test_consolidation_counts_name_the_school_type():
    got = targets("到2028年,全县小学调整为36所,初中调整为8所。")
    assert [(t.indicator, t.value, t.stage) for t in got] == [("小学数", 36.0, "小学"), ("初中数", 8.0, "初中")]


def test_all_written_before_the_subject_is_a_full_share():
    (t,) = targets("到2027年,全部乡镇中心幼儿园达到省级示范性幼儿园办园标准。")
    assert (t.value, t.unit, t.comparator, t.stage) == (100.0, "%", "=", "学前")
    assert t.raw_value == "全部" and "省级示范性幼儿园办园标准" in t.indicator
    (t,) = targets("到2027年,全部乡镇通过省级学前教育普及普惠督导评估认定。")  # a certification: a milestone
    assert t.kind == "milestone"


def test_a_stage_after_qizhong_stays_in_its_part():
    got = targets("全县中小学心理健康教师配备率达到80%,其中初中达到90%;兼职心理辅导员持证率不低于50%。")
    assert [(t.value, t.stage) for t in got][:2] == [(80.0, "中小学"), (90.0, "初中")]
    assert got[2].value == 50.0 and got[2].stage != "初中"  # the breakdown's stage does not run past ';'


def test_co_issuers_who_drafted_a_plan_are_not_leads():
    _, units = facts("为做好中小学生欺凌防治工作,教育部、公安部、司法部共同研究制定了《中小学生欺凌防治工作方案》,"
                     "现印发给你们,请结合实际认真贯彻执行。")
    assert units == []


def test_huitong_before_jiang_keeps_the_partner():
    _, units = facts("县人力资源社会保障局会同县教育局将乡村教师职称评聘纳入年度重点工作。")
    assert {(u.unit, u.role) for u in units} == {("县人力资源和社会保障局", "lead"), ("县教育局", "co")}


def test_a_period_alone_borrows_the_object_of_the_same_verb():
    a, b = targets("2025—2027年,桐川市每年招聘紧缺学科教师不少于60人,三年合计招聘180人以上。")
    assert b.value == 180.0 and "紧缺学科教师" in b.indicator and b.indicator_id == "LF-ZP"


def test_a_share_written_first_keeps_its_whole_object_list():
    (t,) = targets("到2026年,三分之二以上的初中建成理化生、科创两类实验室。")
    assert t.value == 66.67 and t.indicator.startswith("初中建成理化生、科创两类实验室")


def test_the_step_of_a_staffing_rule_is_no_value():
    got = targets("学生不足600人的学校至少设1名专职保健教师,学生每增加900人增设1名。")
    assert [t.value for t in got] == [1.0, 1.0]


def test_a_plain_statement_after_a_baseline_continues_it():
    got = facts("2022年秋季学期,桐川市课后服务参与率已达到88%,家长满意度为91%。")[0]
    assert [(t.value, t.kind) for t in got] == [(88.0, "baseline"), (91.0, "baseline")]


def test_a_term_defined_with_a_stage_keeps_it():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses

    text = normalise("桐川市寄宿制学校管理办法\n第一条 本办法所称寄宿制学校,是指本市义务教育阶段寄宿制学校(以下简称“寄宿制学校”)。\n"
                     "第二条 寄宿制学校每120名寄宿生配备生活老师不少于2名。\n").text
    (t,) = extract_targets(text, parse_clauses(text))
    assert (t.value, t.stage) == (2.0, "义务教育")
    text = normalise("第二条 寄宿制学校每120名寄宿生配备生活老师不少于2名。\n").text  # no definition: no stage
    (t,) = extract_targets(text, parse_clauses(text))
    assert t.stage is None


@pytest.mark.parametrize("sentence, name", [
    ("生均公用经费按小学每生每年720元、初中每生每年920元的标准拨付到校。", "生均公用经费"),
    ("按照小学每生每年720元、初中每生每年920元标准足额拨付义务教育学校公用经费。", "义务教育学校公用经费"),
    ("县财政按照初中每生每年600元、普通高中每生每年900元的标准发放寄宿生生活补助。", "寄宿生生活补助"),
])
def test_per_pupil_rates_by_stage_written_as_the_standard(sentence, name):
    got = targets(sentence)
    assert [(t.indicator, t.kind) for t in got] == [(name, "standard")] * 2
    assert [t.unit for t in got] == ["元/(生·年)"] * 2
    assert {t.stage for t in got} in ({"小学", "初中"}, {"初中", "高中"})
    assert [t.value for t in got] in ([720.0, 920.0], [600.0, 900.0])
    for t in got:
        assert t.span.text == sentence[t.span.start:t.span.end] and str(int(t.value)) in t.span.text


def test_a_comparison_sign_in_prose_is_a_comparator():
    (t,) = targets("到2026年,全区义务教育社会认可度≥88%。")
    assert t.indicator.endswith("社会认可度") and "≥" not in t.indicator
    assert (t.comparator, t.value, t.unit) == (">=", 88.0, "%")


def test_two_dated_milestones_in_one_sentence():
    got = targets("2025年通过省级学前教育普及普惠督导评估,2026年通过国家学前教育普及普惠县督导评估认定。")
    assert [(t.kind, t.deadline.end) for t in got] == [("milestone", "2025-12-31"), ("milestone", "2026-12-31")]
    assert got[0].indicator == "通过省级学前教育普及普惠督导评估"
    assert got[1].indicator == "通过国家学前教育普及普惠县督导评估认定"


def test_a_milestone_under_a_governing_line():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses

    text = normalise("桐川县学前教育巩固提升工作方案\n一、工作目标\n到2024年底\n全县普惠性幼儿园覆盖率达到92%以上。"
                     "顺利通过省级学前教育普及普惠县督导评估。\n二、重点任务\n").text
    ms = [t for t in extract_targets(text, parse_clauses(text)) if t.kind == "milestone"]
    assert [(t.indicator, t.deadline.end) for t in ms] == [("通过省级学前教育普及普惠县督导评估", "2024-12-31")]


def test_a_rate_per_head_between_an_and_the_standard():
    (t,) = targets("乡村教师交通补助按照每人每月300元的标准发放。")
    assert (t.value, t.unit, t.kind) == (300.0, "元/(人·月)", "standard") and t.indicator.startswith("乡村教师交通补助")
    (t,) = targets("教师参与课后服务按每课时不低于35元的标准给予补助。")
    assert (t.value, t.unit, t.comparator) == (35.0, "元/课时", ">=") and t.indicator.startswith("教师参与课后服务")


def test_staffing_rules_per_head_and_by_stage_are_standards():
    (t,) = targets("云溪县乡镇寄宿制学校提升方案(2024—2026年)\n原则上每60名寄宿生配备1名生活指导教师。")
    assert (t.kind, t.value, t.deadline) == ("standard", 1.0, None)
    got = targets("各地核定编制时,对乡村学校按照教职工与学生比小学1:18、初中1:13的标准核定。")
    assert [(t.value, t.stage, t.kind) for t in got] == [((1.0, 18.0), "小学", "standard"), ((1.0, 13.0), "初中", "standard")]


def test_all_units_reaching_a_standard_with_shixian():
    (t,) = targets("2026年底前,所有乡村学校实现饮用水安全达标。")
    assert (t.value, t.unit, t.raw_value) == (100.0, "%", "所有") and "饮用水安全达标" in t.indicator
    assert targets("所有学校实现宽带网络全覆盖。") == []  # coverage words: no 100 % read here


def test_a_stage_list_zipped_by_an_earlier_item_lends_no_stage():
    a, b, c = targets("到2027年,全区寄宿制学校生均宿舍面积小学、初中分别不低于3.2平方米、3.6平方米,"
                      "独立浴室配备率达到90%以上。")
    assert [(t.stage, t.value) for t in (a, b)] == [("小学", 3.2), ("初中", 3.6)]
    assert (c.value, c.comparator, c.stage) == (90.0, ">=", None)
    # an unzipped stage word still scopes the whole sentence
    (t, u) = targets("到2027年,全区初中学校实验室配备率达到100%,图书馆开放率达到95%以上。")
    assert (t.stage, u.stage) == ("初中", "初中")


def test_a_stage_after_qizhong_belongs_to_the_breakdown():
    a, b = targets("到2026年,全市乡村教师研究生学历比例达到8%,其中高中教师达到20%以上。")
    assert (a.value, a.stage) == (8.0, None)
    assert (b.value, b.stage) == (20.0, "高中")


def test_stage_words_of_a_later_comma_part_are_its_own():
    a, b = targets("2026年内,全县新建录播教室40间,中小学校园千兆网络覆盖率达到100%。")
    assert (a.value, a.stage) == (40.0, None)
    assert (b.value, b.stage) == (100.0, "中小学")
    (t,) = targets("到2025年,全州融合教育示范学校达到12所。")  # 融合教育 is special education
    assert t.stage == "特殊教育"


def test_every_value_of_a_listed_provision_norm_is_a_standard():
    title = "湖山县寄宿制学校提升行动方案(2024—2026年)\n"
    a, b = targets(title + "按照每名寄宿生不少于一个储物柜、每间宿舍配备管理员不少于1名的标准配齐设施。")
    assert [(t.kind, t.deadline) for t in (a, b)] == [("standard", None), ("standard", None)]


def test_items_after_values_listed_stage_by_stage_take_their_common_stage():
    ts = targets("2024—2026年,新建小学3所、初中1所,改扩建学校11所,新增学位6200个。")
    assert [(t.value, t.stage) for t in ts] == [(3.0, "小学"), (1.0, "初中"), (11.0, "义务教育"),
                                                (6200.0, "义务教育")]
    ts = targets("到2026年,新建中小学5所,改扩建学校8所。")  # 改扩建学校 is no stage-neutral set
    assert [t.stage for t in ts] == ["中小学", "中小学"]


def test_a_milestone_beside_a_count_and_in_a_later_part():
    ts = targets("到2026年底,全省通过省级学前教育普及普惠督导评估的县(市、区)不少于30个,"
                 "力争平川县、景泰县率先通过国家督导评估认定。")
    assert [(t.kind, t.value) for t in ts] == [("target", 30.0), ("milestone", None)]
    assert ts[1].indicator.startswith("平川县、景泰县") and ts[1].deadline.end == "2026-12-31"
    ts = targets("2025年,全县学前三年毛入园率达到92%,通过省级学前教育普及普惠督导评估;"
                 "2026年通过国家督导评估认定。")
    assert [(t.kind, t.deadline.end) for t in ts] == [("target", "2025-12-31"), ("milestone", "2025-12-31"),
                                                      ("milestone", "2026-12-31")]
    (t,) = targets("到2027年,建成全省教育强县。")
    assert (t.kind, t.indicator) == ("milestone", "建成全省教育强县")


def test_one_rate_per_group_of_staff_listed_before_it():
    ts = targets("到2027年,全县幼儿园园长、保育员持证上岗率达到100%。")
    assert [(t.indicator, t.value, t.stage) for t in ts] == [
        ("幼儿园园长持证上岗率", 100.0, "学前"), ("幼儿园保育员持证上岗率", 100.0, "学前")]


def test_an_item_number_glued_to_a_share_and_a_count_that_defines_the_units():
    from kb.structure import parse_clauses
    text = normalise("一、工作目标\n到2026年:\n1.全区中小学课后服务实现全覆盖。\n"
                     "2.60%以上的学校开设不少于15门课后服务特色课程。\n3.每个街道至少建成1个实践基地。\n").text
    clauses = parse_clauses(text)
    item = next(c for c in clauses if "60%" in c.text)
    assert item.path == ("一", "2")
    ts = [t for t in extract_facts(text, clauses, None)[0] if "60" in t.raw_value or "15" in t.raw_value]
    assert [(t.value, t.unit, t.comparator) for t in ts] == [(60.0, "%", ">=")]  # 15门 names the schools
    assert "不少于15门" in ts[0].indicator and ts[0].indicator_id is None  # not the 课后服务 coverage family
    (t,) = targets("到2026年,全区中小学课后服务覆盖率达到100%。")
    assert t.indicator_id == "LF-KH"
    # a decimal at the start of a line that is not the next item stays a value
    assert parse_clauses(normalise("2.5%的经费用于培训。\n").text)[0].path == ()


def test_a_one_year_plan_title_dates_its_targets():
    title = "平桥区2025年教育民生实事实施方案\n一、工作目标\n"
    (t,) = targets(title + "全年新增公办幼儿园学位900个。")
    assert (t.deadline.end, t.deadline.kind) == ("2025-12-31", "plan_period")
    # a year that opens a multi-year plan is the year of issue, not the period
    (t,) = targets("平桥区2025年学前教育民生实事三年行动计划\n一、工作目标\n新增公办幼儿园学位900个。")
    assert t.deadline is None


def test_a_table_of_places_by_year_under_a_caption():
    from kb.structure import parse_clauses
    text = normalise("云岭州学前教育扩容行动方案(2024—2026年)\n一、目标\n到2026年新增学位1.1万个。\n附件\n"
                     "云岭州2024—2026年新增普惠性学位分年度安排表\n单位:个\n县市\n2024年\n2025年\n2026年\n合计\n"
                     "青川县\n1200\n1500\n1800\n4500\n石门县\n2000\n2100\n2400\n6500\n全州合计\n3200\n3600\n4200\n11000\n").text
    ts = [t for t in extract_facts(text, parse_clauses(text), None)[0] if "table_year_column" in t.flags]
    got = {(t.indicator, t.value, t.deadline.end) for t in ts}
    assert ("新增普惠性学位(青川县)", 1500.0, "2025-12-31") in got
    assert ("新增普惠性学位(石门县)", 6500.0, "2026-12-31") in got  # the 合计 column: the whole window
    assert ("新增普惠性学位", 11000.0, "2026-12-31") in got  # the total row names no place
    assert len(ts) == 12 and all(t.unit == "个" and t.kind == "target" for t in ts)


def test_rates_named_inside_the_subject_and_raised_from_the_current_level():
    (t,) = targets("支教志愿者每人每月交通补助不低于600元。")
    assert (t.unit, t.kind, t.value, t.comparator) == ("元/(人·月)", "standard", 600.0, ">=")
    ts = targets("自2025年3月1日起,小学生均取暖费标准由现行的每生每年60元提高到90元,"
                 "初中由现行的每生每年70元提高到110元。")
    got = [(t.indicator, t.stage, t.value, t.unit, t.kind) for t in ts]
    assert got == [("生均取暖费标准", "小学", 90.0, "元/(生·年)", "standard"),
                   ("生均取暖费标准", "初中", 110.0, "元/(生·年)", "standard")]
    assert all(t.deadline is None or t.deadline.end is None for t in ts)
    from kb.extract.deadlines import find_deadlines
    (d,) = find_deadlines("自2025年3月1日起执行")
    assert (d.kind, d.start, d.end) == ("start", "2025-03-01", None)


def test_rules_are_standards_without_the_plan_period():
    title = "青岭县乡村教师支持计划实施办法(2024—2026年)\n"
    cases = ["对在乡村学校任教满25年的教师,每人一次性奖励3000元。",
             "参训教师个人负担部分原则上不超过培训费用的15%。",
             "乡村学校教职工编制按照城市标准核定,其中初中教职工与学生比为1:13.5。",
             "乡村学校高级教师岗位比例比城镇学校高出2个百分点。"]
    for sentence in cases:
        (t,) = targets(title + sentence)
        assert (t.kind, t.deadline) == ("standard", None), sentence
    (t,) = targets(title + "到2026年,乡村学校高级教师岗位比例达到12%。")  # a goal keeps the period
    assert (t.kind, t.deadline.end) == ("target", "2026-12-31")


def test_the_time_norm_of_after_school_care():
    title = "柳川区义务教育课后服务提质方案(2024—2026年)\n"
    ts = targets(title + "各校每周5天开展课后服务,每天不少于2小时,结束时间不早于17:30。")
    got = [(t.indicator, t.value, t.unit, t.comparator, t.period, t.deadline) for t in ts]
    assert got == [("课后服务天数", 5.0, "天", "=", "weekly", None),
                   ("课后服务每天时长", 2.0, "小时", ">=", "daily", None)]
    ts = targets(title + "延时服务每周5天、每天1.5小时。")
    assert [(t.value, t.unit, t.comparator) for t in ts] == [(5.0, "天", "="), (1.5, "小时", "=")]
    # without a service named, a week's days are no service norm
    assert all("课后服务" not in t.indicator for t in targets(title + "每周安排体育课3天,每天不少于1小时。"))


def test_family_ids_need_their_measure_words():
    from kb.families import match_family
    assert match_family("学校建设总投资", "元") == "LF-TR"
    assert match_family("新校区投入使用", None) is None  # 投入使用 is no money put in
    assert match_family("每校每年基本经费", "元/(校·年)") is None  # a rate is no sum invested
    assert match_family("课后服务收费标准", "元") is None
    assert match_family("乡村教师生活补助", "元/(人·月)") == "LF-BZ"
    assert match_family("家庭经济困难寄宿生生活补助标准", "元/(生·年)") is None  # pupils, not teachers


def test_more_family_words():
    from kb.families import match_family
    assert match_family("改造提升农村幼儿园", "所") == "LF-GKJ"
    assert match_family("人工智能教育实验校", "所") == "LF-CJ"
    assert match_family("每所示范校建设录播教室", "间") is None
    assert match_family("寄宿制学校消防应急疏散演练", "次") is None
    assert match_family("达到省定办学基本标准的寄宿制学校比例", "%") == "LF-BZH"


def test_pairs_and_cost_splits_between_governments():
    (t,) = targets("到2026年,城乡结对学校达到15对。")
    assert (t.value, t.unit) == (15.0, "对")
    assert targets("县级财政按不低于省级补助标准的40%予以配套。") == []
    assert targets("所需资金由市财政承担60%、县区财政承担40%。") == []


def test_a_school_name_lends_no_stage():
    ts = targets("2026年,完成城东第三小学迁建工程和河口镇中心小学扩建工程,项目总投资1.2亿元。")
    assert [(t.value, t.stage) for t in ts if t.value] == [(120000000.0, None)]
    (t,) = targets("2026年,全县小学建设项目总投资1.2亿元。")  # a stage word that is no name still counts
    assert t.stage == "小学"


def test_a_count_of_the_units_an_action_is_carried_out_on():
    (t,) = targets("2026年,对45所乡村学校实施厕所提升改造。")
    assert (t.indicator, t.value, t.unit, t.deadline.end) == ("实施厕所提升改造的乡村学校数", 45.0, "所", "2026-12-31")


def test_a_milestone_in_a_task_table_cell_is_dated_by_its_row():
    from kb.structure import parse_clauses
    text = normalise("云岭县义务教育优质均衡发展实施方案\n一、目标\n到2026年通过国家督导评估认定。\n附件\n重点任务分解表\n"
                     "序号|工作任务|牵头单位|完成时限\n1|新增学位1200个|县教育局|2025年8月\n"
                     "2|通过云南省义务教育优质均衡发展督导评估|县教育局|2025年12月\n").text
    ts = [t for t in extract_facts(text, parse_clauses(text), None)[0] if t.kind == "milestone"]
    cell = next(t for t in ts if "云南省" in t.indicator)
    assert (cell.deadline.end, cell.indicator_id) == ("2025-12-31", None)
    assert all(t.indicator_id is None for t in ts)  # an end state measures no indicator


def test_routine_checks_and_rates_that_select_units_are_no_targets():
    assert targets("每学期开展校园欺凌隐患排查3次。") == []
    assert targets("每学年开展一次家长满意度测评,满意度低于85%的幼儿园限期整改。") == []
    (t,) = targets("到2026年,85%以上的学校建成标准化食堂。")  # a share written first still is one
    assert (t.value, t.comparator) == (85.0, ">=")


def test_a_frequency_or_duration_per_day_or_term_is_periodic():
    title = "石川县特殊教育提升计划(2024—2026年)\n"
    (t,) = targets(title + "对重度残疾儿童每生每学期送教不少于12次。")
    assert (t.period, t.deadline) == ("per_semester", None)
    (t,) = targets(title + "普通高中学生每天校内体育活动时间不少于1小时。")
    assert (t.period, t.deadline) == ("daily", None)
    (t,) = targets(title + "新建资源教室12间。")  # a count to reach keeps the plan period
    assert t.deadline.end == "2026-12-31"


def test_item_names_without_the_stages_their_values_were_zipped_over():
    ts = targets("体育场馆面积小学、初中、高中生均分别不少于6平方米、8平方米、9平方米,"
                 "生均教学仪器设备值小学不少于2000元、初中和高中不少于3000元。")
    assert {t.indicator for t in ts[:3]} == {"生均体育场馆面积"}
    assert [(t.indicator, t.stage) for t in ts[3:]] == [
        ("生均教学仪器设备值", "小学"), ("生均教学仪器设备值", "初中"), ("生均教学仪器设备值", "高中")]
    ts = targets("新建小学2所、初中1所。")  # 新建小学 is an object, not a measure and a stage
    assert ts[0].indicator.startswith("新建小学")


def test_all_schools_of_a_kind_reaching_a_level():
    (t,) = targets("到2026年,县域普通高中全部达到省一级三等以上办学水平。")
    assert (t.value, t.unit, t.stage, t.indicator) == (100.0, "%", "高中", "达到省一级三等以上办学水平的县域普通高中比例")


def test_a_lead_in_before_a_colon_is_no_part_of_the_name():
    (t,) = targets("2026年主要预期目标是:全年普通高中计划招生5200人。")
    assert t.indicator == "全年普通高中计划招生"
    a, b = targets("每百名学生拥有县级以上骨干教师数:小学、初中分别达到1.1人、1.3人。")
    assert a.indicator == b.indicator == "每百名学生拥有县级以上骨干教师数"


def test_staffing_ratios_named_without_bi():
    a, b = targets("公办幼儿园按照保教人员与幼儿1:7、专任教师与幼儿1:14的标准配足教职工。")
    assert [(t.indicator, t.value, t.kind) for t in (a, b)] == [
        ("保教人员与幼儿比", (1.0, 7.0), "standard"), ("专任教师与幼儿比", (1.0, 14.0), "standard")]


def test_a_year_right_after_an_item_number():
    from kb.extract.deadlines import find_deadlines
    text = "2.2027年全面完成改造任务"
    (d,) = find_deadlines(text, 2)
    assert (d.end, d.span) == ("2027-12-31", (2, 7))


def test_sessions_are_no_trainees_and_satisfaction_is_its_own_measure():
    from kb.families import match_family
    assert match_family("培训教师", "人次") == "LF-PXRC"
    assert match_family("组织教师网络安全培训", "次") is None  # sessions held, not people trained
    ts = targets("全年组织教师培训3期,家长满意度达到92%以上。")
    assert next(t for t in ts if t.unit == "%").indicator_id is None  # not the training family of its sentence


def _phase_targets(text: str):
    from kb.structure import parse_clauses
    t = normalise(text).text
    return [x for x in extract_facts(t, parse_clauses(t), None)[0]
            if any(f.startswith("table_phase_column") for f in x.flags)]


def test_a_rate_table_before_and_after_an_adjustment_one_cell_per_line():
    text = ("云岭州财政局 云岭州教育局关于调整中小学生均公用经费标准的通知\n一、自2026年1月1日起执行新标准,具体见附件。\n"
            "附件\n云岭州中小学生均公用经费标准表\n(单位:元/生·年)\n学段 |\n调整前标准 |\n调整后标准 |\n"
            "小学 |\n720 |\n880 |\n初中 |\n940 |\n1160 |\n特殊教育学校 |\n6200 |\n7600 |\n")
    got = {(t.indicator, t.stage, t.value, t.unit, t.kind) for t in _phase_targets(text)}
    assert ("中小学生均公用经费标准", "小学", 880.0, "元/(生·年)", "standard") in got
    assert ("中小学生均公用经费标准", "初中", 940.0, "元/(生·年)", "baseline") in got  # the rate it replaces
    assert ("特殊教育学校生均公用经费标准", "特殊教育", 7600.0, "元/(生·年)", "standard") in got
    assert len(got) == 6


def test_a_tier_table_names_its_tiers_and_takes_the_unit_from_the_column():
    text = ("关于提高乡村教师生活补助标准的通知\n一、补助标准分为三档,见附表。\n附表:青川省乡村教师生活补助分档标准\n"
            "档次\n适用范围\n现行标准(元/人·月)\n新标准(元/人·月)\n一档\n高寒边远乡镇\n400\n650\n二档\n"
            "其他乡镇\n260\n420\n")
    got = [(t.indicator, t.value, t.unit, t.kind) for t in _phase_targets(text)]
    assert ("乡村教师生活补助标准(一档)", 650.0, "元/(人·月)", "standard") in got
    assert ("乡村教师生活补助标准(二档)", 260.0, "元/(人·月)", "baseline") in got
    assert len(got) == 4


def test_a_before_after_table_without_a_caption_gives_nothing():
    head = "关于调整生均公用经费标准的通知\n一、调整标准\n自2026年1月1日起执行下列标准。\n"
    table = "学段\n调整前(元/生·年)\n调整后(元/生·年)\n小学\n720\n880\n初中\n940\n1160\n"
    assert _phase_targets(head + table) == []  # a sentence above names no rate
    assert len(_phase_targets(head + "云岭州中小学生均公用经费标准\n" + table)) == 4


def test_years_written_after_the_indicator_are_zipped_with_the_values():
    ts = targets("学前三年毛入园率2026年、2027年、2028年分别达到88%、90%、92%以上。")
    assert [(t.indicator, t.value, t.deadline.end) for t in ts] == [
        ("学前三年毛入园率", 88.0, "2026-12-31"), ("学前三年毛入园率", 90.0, "2027-12-31"),
        ("学前三年毛入园率", 92.0, "2028-12-31")]


def test_a_decimal_number_of_years_is_a_value_in_a_list():
    ts = targets("2026年小学适龄儿童入学率、初中巩固率、新增劳动力平均受教育年限分别达到99.5%、97%和12.8年;"
                 "2030年分别达到99.9%、98%和13.6年以上。")
    got = [(t.indicator, t.value, t.unit, t.deadline.end) for t in ts]
    assert ("新增劳动力平均受教育年限", 12.8, "年", "2026-12-31") in got
    assert ("新增劳动力平均受教育年限", 13.6, "年", "2030-12-31") in got
    assert len(got) == 6
    assert targets("到2028年建成标准化学校12所,2027年底前完成验收。")[0].unit == "所"  # a calendar year stays one


def test_a_rate_given_by_a_formula_is_named_by_the_grant_it_funds():
    (t,) = targets("省级财政按照每生每天5元的标准为农村寄宿制学校学生提供营养膳食补助。")
    assert (t.indicator, t.value, t.unit, t.kind) == ("营养膳食补助标准", 5.0, "元/(生·天)", "standard")
    (t,) = targets("按照每生每年1600元的标准为家庭经济困难寄宿生提供生活补助。")
    assert (t.indicator, t.value, t.unit) == ("生活补助标准", 1600.0, "元/(生·年)")


def test_an_amount_is_not_the_qualitative_row_about_putting_standards_into_effect():
    from kb.families import classify
    assert classify("普惠性民办幼儿园生均补助标准", "学前", "元/(生·年)") is None
    assert classify("普惠性民办幼儿园生均补助标准落实到位", "学前", None) == "XQ-G5"


def test_hours_of_a_training_are_a_standard_named_by_the_training():
    (t,) = targets("特殊教育学校教师每5年参加不少于240学时的专业培训。")
    assert (t.indicator, t.value, t.unit, t.comparator, t.kind) == ("特殊教育学校教师专业培训学时", 240.0, "学时", ">=",
                                                                    "standard")
    (t,) = targets("到2026年,乡村教师参加5年一周期不少于360学时的培训比例达到100%。")
    assert (t.value, t.unit) == (100.0, "%")  # the hours name the rate here, they are no standard of their own
    (t,) = targets("到2027年前,对全县乡村幼儿园教师进行180学时的全员轮训。")
    assert (t.indicator, t.value, t.deadline.end) == ("乡村幼儿园教师全员轮训学时", 180.0, "2027-12-31")


def test_a_year_list_zipped_with_its_values_dates_nothing_else():
    ts = targets("2026年、2027年分别补充乡村教师300名、320名;乡村教师每5年一周期参加不少于240学时的培训。")
    assert [t.deadline.end for t in ts if t.unit == "名"] == ["2026-12-31", "2027-12-31"]
    (h,) = [t for t in ts if t.unit == "学时"]
    assert h.deadline is None


def test_a_project_table_gives_amounts_and_dates_from_its_columns():
    from kb.structure import parse_clauses
    text = normalise("青川县县域高中提升计划(2024—2026年)\n一、重点项目\n各项目按下表实施。\n"
                     "序号|项目名称|建设内容|总投资(万元)|建设年限|责任单位\n"
                     "1|青川县第二中学扩建项目|新建教学楼2.4万平方米,新增学位1200个|9600|2024—2025年|县教育局\n"
                     "2|青川县职业中学实训楼项目|新建实训楼6000平方米|2350|2026年|县教育局\n").text
    ts = extract_facts(text, parse_clauses(text), None)[0]
    got = {(t.indicator, t.value, t.unit, t.deadline.end if t.deadline else None) for t in ts}
    assert ("总投资(青川县第二中学扩建项目)", 96_000_000.0, "元", "2025-12-31") in got
    assert ("总投资(青川县职业中学实训楼项目)", 23_500_000.0, "元", "2026-12-31") in got
    assert ("新增学位", 1200.0, "个", "2025-12-31") in got  # the 建设年限 column dates the row's cells


def test_a_whole_regions_set_with_jun_and_teachers_reaching_a_requirement_are_universal():
    (t,) = targets("到2027年,全市公办初中均达到省级标准化学校标准。")
    assert (t.value, t.unit, t.raw_value, t.indicator) == (100.0, "%", "均", "达到省级标准化学校标准的公办初中比例")
    (t,) = targets("到2027年,全部乡村小学专任教师达到持证上岗要求。")
    assert (t.indicator, t.value) == ("乡村小学专任教师持证上岗率", 100.0)
    (t,) = targets("到2026年,特殊教育学校教师全部达到本科以上学历。")
    assert (t.indicator, t.value, t.deadline.end) == ("特殊教育学校教师本科以上学历比例", 100.0, "2026-12-31")
    assert targets("到2027年,全市中小学均要建立安全管理制度。") == []  # a duty, no status to reach


def test_kept_to_within_is_at_most():
    ts = targets("到2027年,小学、初中校际差异系数分别控制到0.48以内、0.42以内。")
    assert [(t.stage, t.comparator, t.value) for t in ts] == [("小学", "<=", 0.48), ("初中", "<=", 0.42)]


def test_a_place_row_ending_with_the_column_name_does_not_hide_the_header():
    from kb.structure import parse_clauses
    text = normalise("青川省学前教育行动计划(2024—2026年)\n一、目标\n三年新增学位3万个。\n附件\n"
                     "青川省2024—2026年新增公办学位分年度安排表\n单位:个\n市县\n2024年\n2025年\n2026年\n合计\n"
                     "云岭市\n3000\n4000\n5000\n12000\n其他市县\n5000\n6000\n7000\n18000\n"
                     "全省合计\n8000\n10000\n12000\n30000\n").text
    ts = [t for t in extract_facts(text, parse_clauses(text), None)[0] if "table_year_column" in t.flags]
    got = {(t.indicator, t.value, t.deadline.end) for t in ts}
    assert ("新增公办学位", 10000.0, "2025-12-31") in got and ("新增公办学位", 30000.0, "2026-12-31") in got
    assert ("新增公办学位(其他市县)", 6000.0, "2025-12-31") in got


def test_must_not_be_higher_is_at_most():
    (t,) = targets("到2026年,民办幼儿园保教费收费不得高于同类公办幼儿园收费标准的1.5倍。")
    assert (t.comparator, t.value, t.unit) == ("<=", 1.5, "倍")


def test_tier_lines_under_a_caption_are_standards():
    from kb.structure import parse_clauses
    text = normalise("关于实施乡村教师差别化生活补助的通知\n一、按学校距县城远近分档发放补助。\n附件\n"
                     "云溪县乡村教师生活补助分档学校范围\n一档(每人每月350元):甲镇、乙镇所属学校\n"
                     "二档(每人每月550元):丙乡、丁乡所属学校及村小\n").text
    ts = [t for t in extract_facts(text, parse_clauses(text), None)[0] if "tier" in t.flags]
    assert [(t.indicator, t.value, t.unit, t.kind) for t in ts] == [
        ("乡村教师生活补助(一档)", 350.0, "元/(人·月)", "standard"),
        ("乡村教师生活补助(二档)", 550.0, "元/(人·月)", "standard")]
    lone = normalise("二、分档\n一档(每人每月350元):甲镇所属学校\n").text  # no caption names the rate
    assert [t for t in extract_facts(lone, parse_clauses(lone), None)[0] if "tier" in t.flags] == []


def test_a_title_written_as_the_nth_five_year_plan_gives_the_period():
    from kb.extract.deadlines import plan_period
    p = plan_period("云溪市人民政府关于印发云溪市教育事业发展第十三个五年规划的通知\n一、发展基础\n")
    assert (p.start, p.end, p.kind) == ("2016-01-01", "2020-12-31", "plan_period")


def test_matching_funds_and_allocation_shares_are_no_targets():
    assert [t.unit for t in targets("中央财政安排资金60亿元,省级按照不低于1:1的比例落实配套资金。")] == ["元"]
    assert targets("补助资金按照东部10%、中部30%、西部60%的比例分配。") == []


def test_stage_values_after_a_funding_clause_take_its_rate():
    ts = targets("农村义务教育学校生均公用经费按照国家标准足额拨付,2013年小学、初中分别达到每生每年600元、800元。")
    assert [(t.indicator, t.stage, t.value) for t in ts] == [
        ("农村义务教育学校生均公用经费", "小学", 600.0), ("农村义务教育学校生均公用经费", "初中", 800.0)]


def test_a_top_up_for_boarders_is_a_standard_of_its_own():
    ts = targets("义务教育生均公用经费标准小学每生每年800元、初中每生每年1000元,寄宿制学校按寄宿生每生每年250元增加公用经费。")
    top = ts[-1]
    assert (top.indicator, top.value, top.unit, top.kind, top.stage) == (
        "寄宿制学校寄宿生公用经费增加额", 250.0, "元/(生·年)", "standard", "义务教育")
    (t,) = targets("寄宿制学校按寄宿生每生每年300元增加公用经费。")
    assert t.stage is None  # a boarding school names no stage of its own
    (t,) = targets("中央财政按照每生每年200元的标准拨付公用经费。")
    assert t.indicator == "公用经费标准"  # 按照 is dropped whole, not 按 alone


def test_per_lesson_and_per_term_fees_per_pupil():
    a, b = targets("课后服务性收费城区学校每生每课时不超过4元、农村学校每生每课时不超过2.5元。")
    assert (a.unit, a.value, b.unit, b.value) == ("元/(生·课时)", 4.0, "元/(生·课时)", 2.5)
    (t,) = targets("寒假托管服务收费标准为每生每期不超过450元。")
    assert (t.indicator, t.unit, t.comparator) == ("寒假托管服务收费标准", "元/(生·期)", "<=")


def test_a_programme_named_plan_does_not_make_a_report_a_commitment():
    got = [(t.kind, t.value) for t in facts("截至2024年9月底,全县已有58所学校实施营养改善计划,受益学生约2.6万人。")[0]]
    assert ("target", 26000.0) not in got and ("baseline", 26000.0) in got
    (t,) = targets("截至2027年底,计划新建公办幼儿园8所。")  # 计划 as a verb still commits
    assert (t.kind, t.value) == ("target", 8.0)


def test_infants_under_three_are_no_preschool_stage():
    (t,) = targets("到2026年,0—3岁婴幼儿早期教育服务覆盖率达到65%以上。")
    assert t.stage is None
    (t,) = targets("到2026年,学前三年幼儿毛入园率达到93%。")
    assert t.stage == "学前"


def test_a_rate_table_for_groups_under_a_caption():
    from kb.structure import parse_clauses
    text = normalise("关于调整家庭经济困难学生生活补助标准的通知\n一、补助标准见附表。\n二、各地要按时发放。\n"
                     "附表:青川省家庭经济困难学生生活补助标准\n单位:元/生·年\n学段\n寄宿生\n非寄宿生\n"
                     "小学\n1100\n550\n初中\n1350\n675\n").text
    ts = [t for t in extract_facts(text, parse_clauses(text), None)[0]
          if any(f.startswith("table_group_column") for f in t.flags)]
    got = {(t.indicator, t.stage, t.value, t.unit, t.kind) for t in ts}
    assert ("家庭经济困难学生生活补助标准(非寄宿生)", "初中", 675.0, "元/(生·年)", "standard") in got
    assert len(got) == 4
    plain = normalise("三、其他\n学段\n寄宿生\n非寄宿生\n小学\n1100\n550\n初中\n1350\n675\n").text  # no caption
    assert not [t for t in extract_facts(plain, parse_clauses(plain), None)[0]
                if any(f.startswith("table_group_column") for f in t.flags)]


def test_n_years_respectively_at_the_head_of_the_subject():
    title = "云溪市县域普通高中振兴行动计划(2026—2028年)\n一、任务\n"
    from kb.structure import parse_clauses
    text = normalise(title + "(一)配齐教师。三年分别补充县中教师90名、80名、70名;对口帮扶学校每年选派骨干教师不少于20名。\n").text
    ts = extract_facts(text, parse_clauses(text), None)[0]
    assert [(t.indicator, t.value, t.deadline.end) for t in ts if t.value in (90.0, 80.0, 70.0)] == [
        ("补充县中教师", 90.0, "2026-12-31"), ("补充县中教师", 80.0, "2027-12-31"), ("补充县中教师", 70.0, "2028-12-31")]
    assert any(t.indicator.startswith("对口帮扶") for t in ts)  # 对口 is a word, not the preposition 对


def test_a_count_in_words_after_the_list_it_counts():
    (t,) = targets("到2027年,建成科技、艺术、体育三个特色课程基地。")
    assert (t.value, t.unit) == (3.0, "个")
    (t,) = targets("到2027年,建成科技、艺术两个市级示范学科基地。")
    assert (t.value, t.unit) == (2.0, "个")
    assert all(t.value is None for t in targets("到2027年,建成科技、艺术三个特色课程基地。"))  # the count disagrees


def test_a_count_in_words_after_a_building_verb():
    ts = targets("2026—2028年,新建公办幼儿园5所,其中城区新建3所、乡镇新建两所。")
    assert [t.value for t in ts] == [5.0, 3.0, 2.0]
    assert [t.value for t in targets("对新增一个普惠性幼儿班的,一次性奖补5万元。")] == [50000.0]  # 一个…的: a condition


def test_a_rule_that_names_only_its_verb_takes_the_rate_of_the_clause_before():
    ts = targets("住宿费单独核拨,小学、初中分别按每生每年60元、90元的标准执行。")
    assert [(t.indicator, t.stage, t.value) for t in ts] == [("住宿费标准", "小学", 60.0), ("住宿费标准", "初中", 90.0)]


def test_a_list_of_places_reaching_an_end_state_gives_one_milestone_each():
    ts = targets("2026年,鹿城区、龙湾区通过省级督导评估;2027年,瓯海区通过国家督导评估认定。")
    assert [(t.kind, t.indicator, t.deadline.end) for t in ts] == [
        ("milestone", "通过省级督导评估(鹿城区)", "2026-12-31"), ("milestone", "通过省级督导评估(龙湾区)", "2026-12-31"),
        ("milestone", "瓯海区通过国家督导评估认定", "2027-12-31")]
    (t,) = targets("到2026年,学校、幼儿园均达到省级标准。")  # not places: one milestone
    assert t.indicator == "学校、幼儿园均达到省级标准"


def test_quality_balance_is_compulsory_education():
    (t,) = [x for x in targets("2026年底,全县60%以上的乡镇达到优质均衡发展标准。")]
    assert t.stage == "义务教育"


def test_a_per_head_rate_without_its_grant_named_takes_the_grant_before_it():
    ts = facts("二、补助标准\n乡村教师生活补助按学校艰苦程度分档发放:距县城20公里以内的每人每月260元,"
               "20公里以上的每人每月420元;在教学点任教的教师每人每月再增加80元。\n")[0]
    assert {t.value: t.indicator_id for t in ts} == {260.0: "LF-BZ", 420.0: "LF-BZ", 80.0: "LF-BZ"}
    (t,) = facts("二、补助标准\n支教志愿者每人每月发放300元。\n")[0]
    assert t.indicator_id is None  # no grant named before it


def test_an_allocation_table_of_places_with_a_subgroup_column_and_a_total():
    from kb.structure import parse_clauses
    text = normalise("教育部关于下达2027年乡村教师专项计划招聘名额的通知\n一、各省按附件名额组织招聘。\n附件\n"
                     "2027年乡村教师专项计划招聘名额分配表\n序号|省份|招聘名额(名)|其中:初中(名)\n"
                     "1|青海|900|600\n2|宁夏|700|450\n合计| |1600|1050\n").text
    ts = [t for t in extract_facts(text, parse_clauses(text), None)[0] if "table_allocation_column" in t.flags]
    got = {(t.indicator, t.stage, t.value, t.deadline.end) for t in ts}
    assert ("乡村教师专项计划招聘名额(宁夏,初中)", "初中", 450.0, "2027-12-31") in got
    assert ("乡村教师专项计划招聘名额", None, 1600.0, "2027-12-31") in got  # the total row names no place
    assert len(got) == 6 and all(t.unit == "名" and t.indicator_id == "LF-ZP" for t in ts)


def test_whole_rates_side_by_side_share_one_value():
    a, b = targets("到2027年,全县中小学食堂明厨亮灶覆盖率、校园视频监控联网率保持100%。")
    assert [a.indicator, b.indicator] == ["中小学食堂明厨亮灶覆盖率", "校园视频监控联网率"]
    assert {(t.value, t.unit, t.comparator) for t in (a, b)} == {(100.0, "%", "=")}
    assert all("shared_value" in t.flags for t in (a, b))
    a, b = targets("到2027年,全县义务教育入学率和巩固率保持100%。")  # the bare second rate keeps the subject
    assert [a.indicator, b.indicator] == ["义务教育入学率", "义务教育巩固率"]
    (t,) = targets("到2027年,骨干教师和学科带头人比例达到30%。")  # one share of two groups together
    assert t.value == 30.0 and "shared_value" not in t.flags


def test_a_share_written_before_its_subject_needs_no_suffix():
    (t,) = targets("到2026年,全县85%的乡镇中心幼儿园达到市级示范园标准。")
    assert (t.kind, t.value, t.unit, t.comparator) == ("target", 85.0, "%", "=")
    assert t.indicator == "乡镇中心幼儿园达到市级示范园标准的比例" and t.stage == "学前"
    assert t.deadline.end == "2026-12-31"
    assert targets("满意度低于80%的学校由县教育局约谈校长。") == []  # a rate that selects schools: a condition


def test_a_percent_written_before_the_verb():
    (t,) = targets("到2026年,全县适龄残疾儿童少年100%接受义务教育,进城务工人员随迁子女95%在公办学校就读。")[:1]
    assert (t.value, t.unit, t.comparator) == (100.0, "%", "=")
    assert t.indicator == "适龄残疾儿童少年接受义务教育比例" and "value_before_verb" in t.flags
    a, b = targets("到2026年,全县适龄残疾儿童少年100%接受义务教育,进城务工人员随迁子女95%在公办学校就读。")
    assert (b.value, b.indicator) == (95.0, "进城务工人员随迁子女在公办学校就读比例")


def test_amounts_written_before_the_grants_they_fund():
    a, b = targets("对家庭经济困难幼儿每生每年给予1000元的保育教育费补助和300元的生活补助。")
    assert (a.value, a.unit, b.value, b.unit) == (1000.0, "元/(生·年)", 300.0, "元/(生·年)")
    assert "保育教育费补助" in a.indicator and "生活补助" in b.indicator and "保育" not in b.indicator
    assert a.stage == b.stage == "学前"


def test_a_count_of_schools_a_programme_supports():
    (t,) = targets("2025年,支持12所乡镇寄宿制学校改善生活设施。")
    assert (t.value, t.unit, t.indicator) == (12.0, "所", "改善生活设施的乡镇寄宿制学校数")
    assert t.deadline.end == "2025-12-31"


def test_all_county_high_schools_reaching_a_standard():
    (t, _) = targets("到2027年,县中全部达到省普通高中办学基本标准,其中省级示范高中不少于2所。")
    assert (t.value, t.unit, t.raw_value, t.stage) == (100.0, "%", "全部", "高中")
    assert "县中" in t.indicator and "universal_quantifier" in t.flags


def test_thousands_written_with_a_space():
    a, b = targets("到2027年,新增普通高中学位2 640个,投入建设资金3 200万元。")
    assert (a.value, a.unit, b.value, b.unit) == (2640.0, "个", 32000000.0, "元")
    assert targets("表3 2026年分年度目标") == []  # a table number before a year is no value


def test_caps_written_with_the_word_highest():
    a, b, c, d = targets("收费标准为:城镇学校每生每课时最高4元、每生每学期最高600元;乡村学校每生每课时最高3元、"
                         "每生每学期最高450元。")
    assert [t.comparator for t in (a, b, c, d)] == ["<="] * 4
    assert (a.indicator, c.indicator) == ("城镇学校收费标准", "乡村学校收费标准")
    assert (a.unit, b.unit) == ("元/(生·课时)", "元/(生·学期)")
    (t,) = targets("普惠性民办幼儿园保育教育费最高限价为每生每月1200元。")
    assert (t.comparator, t.value, t.unit) == ("<=", 1200.0, "元/(生·月)")


def test_all_of_the_schools_of_a_named_set_of_counties_reaching_a_standard():
    (t,) = targets("确保2026年底前试点县所有幼儿园达到省定办园标准。")
    assert (t.value, t.raw_value, t.deadline.end) == (100.0, "所有", "2026-12-31")
    assert "试点县幼儿园" in t.indicator
    (t,) = targets("到2028年,西部地区各县(市、区)原则上全部通过省级认定。")
    assert (t.value, t.unit) == (100.0, "%") and "universal_quantifier" in t.flags


def test_a_count_of_units_written_before_the_state_they_reach():
    a, b = targets("2026年,全省力争再有60个左右的县(市、区)通过学前教育普及普惠督导评估认定,"
                   "其中脱贫县不少于25个。")
    assert (a.value, a.unit, a.comparator) == (60.0, "个", "~")
    assert a.indicator == "通过学前教育普及普惠督导评估认定的县(市、区)数"
    assert (b.value, b.comparator) == (25.0, ">=") and b.indicator == a.indicator + "(脱贫县)"
    (t,) = targets("到2027年,3个以上的乡镇中心学校达到省级标准化学校标准。")
    assert (t.value, t.comparator, t.indicator) == (3.0, ">=", "达到省级标准化学校标准的乡镇中心学校数")
    (t,) = targets("2026年,对20所以上的乡村学校实施饮水设施改造。")  # 以上 before 的 in an object count
    assert (t.value, t.comparator, t.indicator) == (20.0, ">=", "实施饮水设施改造的乡村学校数")


def test_a_ratio_for_each_kind_of_provision():
    a, b = targets("公办幼儿园教职工按照全日制1:6、半日制1:11的比例核定编制。")
    assert [(t.indicator, t.value, t.kind, t.stage) for t in (a, b)] == [
        ("教职工与幼儿比(全日制)", (1.0, 6.0), "standard", "学前"), ("教职工与幼儿比(半日制)", (1.0, 11.0), "standard", "学前")]


def test_a_percent_before_a_building_verb():
    (t,) = targets("到2026年,招收5名以上残疾学生的普通学校100%建成特殊教育资源教室。")
    assert (t.value, t.unit, t.indicator) == (100.0, "%", "招收5名以上残疾学生的普通学校建成特殊教育资源教室比例")


def test_a_standard_raised_over_a_base_year_then_given_per_stage():
    a, b, c = targets("从2025年秋季学期起,寄宿生“两免一补”年生均标准在2024年基础上提高150元,达到小学1150元、初中1400元。")
    assert (a.indicator, a.value, a.unit, a.kind) == ("寄宿生“两免一补”年生均标准提高(比2024年)", 150.0, "元/(生·年)",
                                                      "standard")
    assert [(t.indicator, t.stage, t.value, t.unit) for t in (b, c)] == [
        ("寄宿生“两免一补”年生均标准", "小学", 1150.0, "元/(生·年)"), ("寄宿生“两免一补”年生均标准", "初中", 1400.0, "元/(生·年)")]


def test_a_variant_value_for_a_group_in_brackets_after_the_value():
    a, b = targets("省财政按人均每年2.4万元(高海拔地区2.8万元)的标准拨付支教教师工作补助。")
    assert (a.value, a.unit, b.value, b.unit) == (24000.0, "元/(人·年)", 28000.0, "元/(人·年)")
    assert b.indicator == a.indicator + "(高海拔地区)" and "parenthesised_variant:高海拔地区" in b.flags
    a, b = targets("乡村教师生活补助每人每月不低于400元(边境乡镇学校600元)。")
    assert (a.indicator, b.indicator, b.value, b.comparator) == ("乡村教师生活补助", "乡村教师生活补助(边境乡镇学校)",
                                                                 600.0, ">=")


def test_a_count_of_units_that_all_pass():
    (t,) = targets("到2028年,全市5个县(区)全部通过省级学前教育普及普惠督导评估认定。")
    assert (t.value, t.unit, t.indicator) == (5.0, "个", "通过省级学前教育普及普惠督导评估认定的县(区)数")


def test_a_national_row_measured_for_primary_and_junior_schools_is_compulsory_education():
    (t,) = targets("到2027年,每百名学生拥有区级以上骨干教师数达到1.3人。")
    assert (t.indicator_id, t.stage) == ("YJ-R2", "义务教育")


def test_a_standard_extended_to_other_groups_by_reference():
    ts = targets("特殊教育学校生均公用经费按每生每年8000元标准拨付,学前、高中阶段特殊教育学校和随班就读、送教上门学生参照执行。")
    assert [(t.indicator, t.value, t.unit) for t in ts] == [
        ("特殊教育学校生均公用经费", 8000.0, "元/(生·年)"),
        ("学前阶段特殊教育学校生均公用经费", 8000.0, "元/(生·年)"),
        ("高中阶段特殊教育学校生均公用经费", 8000.0, "元/(生·年)"),
        ("随班就读学生生均公用经费", 8000.0, "元/(生·年)"),
        ("送教上门学生生均公用经费", 8000.0, "元/(生·年)")]
    assert ts[0].indicator_id == "YJ-G7" and all(t.indicator_id is None for t in ts[1:])  # YJ-G7: 义务教育 schools
    assert all("applies_by_reference" in t.flags for t in ts[1:])
    a, b = targets("公办学校课后服务收费每生每课时不超过2.5元,民办学校参照执行。")
    assert (b.indicator, b.comparator, b.value, b.unit) == ("民办学校课后服务收费", "<=", 2.5, "元/(生·课时)")
    assert targets("各县区严格执行上述规定,其他县区参照执行。") == []


def test_a_number_of_days_after_a_comparator_is_a_length():
    (t,) = targets("校园视频监控录像保存时间不少于60日。")
    assert (t.indicator, t.comparator, t.value, t.unit) == ("校园视频监控录像保存时间", ">=", 60.0, "日")
    assert all(t.unit != "日" for t in targets("2026年5月20日前完成全部校舍改造,开学后30日内完成认定。"))


def test_a_closed_list_of_places_each_with_the_same_quantity():
    ts = targets("到2027年,全市新增公办学位6000个,其中清河区、潮安县、柳江镇各新增公办学位1000个以上。")
    assert [(t.indicator, t.comparator, t.value) for t in ts[1:]] == [
        ("新增公办学位(清河区)", ">=", 1000.0), ("新增公办学位(潮安县)", ">=", 1000.0), ("新增公办学位(柳江镇)", ">=", 1000.0)]
    assert all("region_split" in t.flags and t.deadline.end == "2027-12-31" for t in ts[1:])
    a, b = targets("到2026年,白沙镇、黄岭乡各建成1所公办中心幼儿园。")
    assert (a.indicator, b.indicator, a.value, b.unit) == ("建成公办中心幼儿园(白沙镇)", "建成公办中心幼儿园(黄岭乡)",
                                                           1.0, "所")
    (t,) = targets("韶山、湘潭、醴陵等市各新建公办幼儿园1所。")  # an open list (等): its places are examples
    assert "region_split" not in t.flags


def test_a_few_years_after_a_comparator_are_a_length_of_service():
    (t,) = targets("城区骨干教师到薄弱学校支教时间不少于2年。")
    assert (t.indicator, t.comparator, t.value, t.unit, t.kind) == ("城区骨干教师到薄弱学校支教时间", ">=", 2.0, "年",
                                                                    "standard")  # a norm per teacher
    (t,) = targets("新录用的特岗教师服务期不少于三年。")
    assert (t.indicator, t.value, t.unit) == ("新录用的特岗教师服务期", 3.0, "年")
    assert all(t.unit != "年" for t in targets("力争不超过2027年底前全部完成改造,开展一年一度的评优。"))


def test_a_share_or_multiple_of_a_base_named_after_by():
    (t,) = targets("学校按照年度公用经费预算总额的5%安排教师培训经费。")
    assert (t.comparator, t.value, t.unit, t.indicator_id) == ("=", 5.0, "%", "YJ-Q4")
    assert "教师培训经费" in t.indicator and "年度公用经费预算总额" in t.indicator
    (t,) = targets("随班就读学生生均公用经费按照当地普通小学标准的5倍以上拨付。")
    assert (t.comparator, t.value, t.unit, t.indicator_id) == (">=", 5.0, "倍", None)  # a multiple: no level
    assert targets("按照国家规定的10%比例配备。") == []


def test_groups_listed_before_a_rate_of_their_own_take_the_earlier_standards_measure():
    ts = targets("特殊教育学校生均公用经费按每生每年7500元标准拨付,随班就读和送教上门学生按每生每年7500元标准拨付。")
    assert [(t.indicator, t.value, t.unit) for t in ts] == [
        ("特殊教育学校生均公用经费", 7500.0, "元/(生·年)"), ("随班就读学生生均公用经费", 7500.0, "元/(生·年)"),
        ("送教上门学生生均公用经费", 7500.0, "元/(生·年)")]
    assert all(t.indicator_id is None and "shared_value:随班就读和送教上门学生" in t.flags for t in ts[1:])


def test_a_clean_up_completed_by_a_date_is_a_milestone():
    (t,) = targets("2025年9月底前完成全区无证幼儿园专项治理。")
    assert (t.kind, t.indicator, t.deadline.end) == ("milestone", "完成全区无证幼儿园专项治理", "2025-09-30")
    assert targets("持续开展校外培训机构治理。") == []  # no date, no end state


def test_schools_designated_are_counted():
    ts = targets("2025—2027年,首批确定12所乡村温馨校园试点校。")
    assert [(t.value, t.unit, t.deadline.end) for t in ts] == [(12.0, "所", "2027-12-31")]
    assert "试点校" in ts[0].indicator
    assert targets("确定标准后执行。") == []


def test_kinds_of_people_listed_before_each_are_counted_apart():
    a, b = targets("到2027年,新增省级以上名师、名班主任各15名左右。")
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in (a, b)] == [
        ("新增省级以上名师", "~", 15.0, "名"), ("新增省级以上名班主任", "~", 15.0, "名")]
    a, b = targets("幼儿园园长、专任教师持证上岗率均达到100%。")
    assert (a.indicator, b.indicator) == ("幼儿园园长持证上岗率", "幼儿园专任教师持证上岗率")


def test_a_share_of_a_base_written_with_zhan_names_the_base_once():
    (t,) = targets("资助面约占在校寄宿生的12%。")
    assert (t.indicator, t.comparator, t.value) == ("资助面(占在校寄宿生)", "~", 12.0)


def test_a_list_of_group_rates_framed_by_one_standard():
    a, b = targets("对新建普惠性民办幼儿园,按照一档县每所40万元、二档县每所25万元的标准给予奖补。")
    assert [(t.indicator, t.value, t.kind) for t in (a, b)] == [
        ("新建普惠性民办幼儿园奖补标准(一档县,每所)", 400000.0, "standard"),
        ("新建普惠性民办幼儿园奖补标准(二档县,每所)", 250000.0, "standard")]
    assert a.unit == b.unit == "元"  # a one-off amount for each school, not a rate


def test_a_provision_norm_per_group_of_people_names_what_is_provided():
    a, b = targets("学生宿舍按每40名寄宿生不少于1个卫生间、每20名寄宿生不少于1个洗衣池的标准配置。")
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in (a, b)] == [
        ("学生宿舍按每40名寄宿生卫生间数", ">=", 1.0, "个"), ("每20名寄宿生洗衣池数", ">=", 1.0, "个")]
    a, b = targets("按照每千人口不少于45个小学学位、25个初中学位的标准规划配建学校。")
    assert [(t.indicator, t.stage, t.value) for t in (a, b)] == [
        ("每千人口小学学位数", "小学", 45.0), ("每千人口初中学位数", "初中", 25.0)]


def test_a_count_of_counties_written_first_without_de():
    _, t = targets("到2026年,学前三年毛入园率达到95%,4个以上县(区)通过省级学前教育普及普惠督导评估。")
    assert (t.indicator, t.comparator, t.value, t.unit) == ("通过省级学前教育普及普惠督导评估的县(区)数", ">=", 4.0, "个")


def test_a_goal_label_is_no_part_of_a_milestone_and_an_elided_object_drops_the_time():
    a, b = targets("目标:2027年通过省级评估,2028年通过国家义务教育优质均衡发展督导评估认定。")
    assert (a.indicator, a.deadline.end) == ("通过省级评估", "2027-12-31")
    a, b = targets("全年新建公办中心幼儿园3所、改扩建6所。")
    assert b.indicator == "改扩建公办中心幼儿园" and b.value == 6.0
    (t,) = targets("划分8个初中教研协作片区。")
    assert (t.value, t.unit) == (8.0, "个") and "教研协作片区" in t.indicator


def test_every_office_setting_up_a_system_is_universal():
    (t,) = targets("到2026年,全市县级教育行政部门全部建立教师退出管理制度。")
    assert (t.value, t.unit, t.deadline.end) == (100.0, "%", "2026-12-31") and "universal_quantifier" in t.flags
    assert targets("所有学校全部建立家长委员会。") == []  # a committee is no system to reach
