"""Target shapes of real plans (issue 11 point 3), in invented sentences: fraction words, value before
the subject, 所有/全部 over a set of units, per-unit minimums, stage-only list items, milestones that
stop at ';', stages not borrowed by stage-neutral subjects, administrative routines."""
import unicodedata

from kb.extract.numbers import find_values, fraction_percent
from kb.extract.targets import extract_targets_from_sentence


def targets(sentence: str):
    return [t for t in extract_targets_from_sentence(unicodedata.normalize("NFKC", sentence)) if t.kind != "baseline"]


def test_fraction_percent():
    assert fraction_percent("三分之二") == 66.67
    assert fraction_percent("四分之一") == 25.0
    assert fraction_percent("一半") == 50.0
    assert fraction_percent("二分之三") is None  # not a share
    assert fraction_percent("百分之") is None


def test_fraction_words_are_values():
    text = "到2026年,四分之三以上的镇建成区域教研中心"
    (m,) = find_values(text, 0, len(text), [])
    assert (m.value, m.unit, m.suffix, m.raw) == (75.0, "%", "以上", "四分之三")
    assert "fraction_words" in m.flags
    assert find_values("一半学校", 0, 4, []) == []  # 一半 alone, without a comparator: no value


def test_fraction_before_the_subject():
    (t,) = targets("到2027年,三分之二以上的街道社区学校达到市级规范化标准")
    assert (t.comparator, t.value, t.unit, t.raw_value) == (">=", 66.67, "%", "三分之二")
    assert "达到市级规范化标准" in t.indicator and t.indicator.endswith("比例")


def test_more_than_half():
    (t,) = targets("到2026年,高中阶段专任教师研究生学历比例超过一半")
    assert (t.comparator, t.value, t.unit, t.raw_value) == (">", 50.0, "%", "一半")
    (t,) = targets("通过省级示范园认定的乡镇达到一半以上")
    assert (t.comparator, t.value) == (">=", 50.0) and t.indicator.endswith("乡镇比例")


def test_universal_shape():
    (t,) = targets("到2026年,全市所有街道均建有公办普惠性幼儿园")
    assert (t.comparator, t.value, t.unit, t.raw_value, t.stage) == ("=", 100.0, "%", "所有", "学前")
    assert t.indicator == "建有公办普惠性幼儿园的街道比例" and "universal_quantifier" in t.flags
    assert t.deadline is not None and t.deadline.end == "2026-12-31"
    (t,) = targets("到2027年,山区小规模学校办学条件全部达标")
    assert (t.indicator, t.value, t.raw_value) == ("山区小规模学校办学条件达标比例", 100.0, "全部")
    (t,) = targets("所有中心学校达到省定标准化建设要求")
    assert t.indicator == "达到省定标准化建设要求的中心学校比例"


def test_universal_exclusions():
    assert targets("到2026年,全面消除所有学校的D级危房") == []
    assert targets("所有学校全部实现网络全覆盖") == []
    assert targets("完成对全部县(区)的复核评估") == []
    assert all(t.value != 100 for t in targets("目前所有乡镇已建有中心幼儿园"))


def test_per_unit_minimum():
    (t,) = targets("每个街道至少办好一所公办初中")
    assert (t.comparator, t.value, t.unit, t.stage) == (">=", 1.0, "所", "初中")
    assert t.indicator == "每个街道办好公办初中数"
    a, b = targets("原则上每个镇至少建有2所公办幼儿园和1所标准化小学")
    assert (a.indicator, a.comparator, a.value) == ("每个镇建有公办幼儿园数", ">=", 2.0)
    assert (b.indicator, b.comparator, b.value, b.stage) == ("每个镇建有标准化小学数", ">=", 1.0, "小学")


def test_stage_only_items_keep_the_subject():
    a, b = targets("寄宿制学校规模原则上小学不超过1200人,初中不超过1800人")
    assert (a.indicator, a.stage, b.indicator, b.stage) == ("寄宿制学校规模", "小学", "寄宿制学校规模", "初中")
    a, b = targets("小学生每天睡眠时间不少于10小时,初中生不少于9小时")
    assert (b.indicator, b.stage, b.value) == ("学生每天睡眠时间", "初中", 9.0)


def test_stage_list_subject_takes_the_noun_before():
    a, b = targets("区财政局落实义务教育学校生均公用经费,小学、初中分别不低于每生每年720元、940元")
    assert a.indicator.endswith("生均公用经费") and b.indicator.endswith("生均公用经费")
    assert (a.stage, a.value, b.stage, b.value) == ("小学", 720.0, "初中", 940.0)


def test_hours_name_a_time():
    (t,) = targets("四至六年级书面作业每天不超过50分钟")
    assert t.indicator.endswith("时间")


def test_milestone_stops_at_semicolon():
    out = targets("到2024年,全区农村学校办学条件达到省定标准;到2026年,所有镇均建有公办中心幼儿园")
    ms = [t for t in out if t.kind == "milestone"]
    assert len(ms) == 1 and ";" not in ms[0].indicator and ms[0].deadline.end == "2024-12-31"
    (u,) = [t for t in out if t.kind == "target"]
    assert (u.value, u.deadline.end) == (100.0, "2026-12-31")


def test_stage_neutral_subjects_borrow_no_stage():
    out = targets("到2026年,幼儿园专任教师专科以上学历比例达到90%,乡村学校教师本科以上学历比例达到75%以上")
    assert [t.stage for t in out] == ["学前", None]
    (t,) = targets("到2030年,城区中小学幼儿园学位总数达到12万个")
    assert t.stage is None


def test_administrative_routines_are_not_targets():
    assert targets("区教育督导室每季度开展一次专项督导") == []
    assert targets("各镇人民政府应当每年至少组织2次校园安全检查") == []
    assert len(targets("每学期至少组织一次应急疏散演练活动")) == 1  # an activity for pupils stays


def test_bare_standard_takes_the_noun_before():
    (t,) = targets("区财政局落实公办幼儿园生均公用经费,标准不低于每生每年600元")
    assert t.indicator.startswith("公办幼儿园生均公用经费") and (t.value, t.unit) == (600.0, "元/(生·年)")


def test_a_value_written_as_the_standard_to_follow_is_a_standard():
    (t,) = targets("各高中按照生师比1:13.5的标准核定教职工编制。")
    assert (t.indicator, t.value, t.unit, t.kind, t.deadline) == ("教职工编制生师比", (1.0, 13.5), "ratio", "standard", None)
    (t,) = targets("按照保教人员与幼儿比1:12的标准配齐保育员。")
    assert t.indicator == "保教人员与幼儿比" and t.kind == "standard"
    assert targets("按照国家规定的标准配齐教师。") == []  # no value: nothing to read


def test_a_rate_per_head_named_by_the_grant_after_it():
    (t,) = targets("对在边远教学点任教的教师给予每人每月不低于450元的岗位补贴。")
    assert (t.comparator, t.value, t.unit, t.kind) == (">=", 450.0, "元/(人·月)", "standard")
    assert t.indicator.endswith("岗位补贴") and "给予" not in t.indicator
    assert targets("为获奖教师颁发每人1000元的证书框。") == []  # not a grant: a condition-like 的 phrase


def test_training_hours_per_teacher_are_a_standard():
    (t,) = targets("新任校长任职资格培训不少于300学时。")
    assert (t.comparator, t.value, t.unit, t.kind) == (">=", 300.0, "学时", "standard")


def test_an_opening_with_several_dates_sets_no_scope_for_the_paragraph():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses
    text = ("某县消除大班额专项方案\n一、工作目标\n2026年底前,消除超大班额;2027年底前,大班额比例控制在3%以内。"
            "小学辍学率控制在0.3%以下。\n")
    ts = {t.value: t for t in extract_targets(text, parse_clauses(text))}
    assert ts[3.0].deadline.end == "2027-12-31"
    assert ts[0.3].deadline is None or ts[0.3].deadline.inferred  # no date of its own, none borrowed


def test_a_pay_rule_is_a_standard_and_borrows_no_date():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses
    text = ("某市特殊教育提升计划(2025—2027年)\n三、保障措施\n(二)落实待遇。到2027年,特殊教育学校生均公用经费达到每生每年7000元。"
            "特殊教育教师岗位补贴标准为本人基本工资的20%。\n")
    (pay,) = [t for t in extract_targets(text, parse_clauses(text)) if t.value == 20.0]
    assert (pay.kind, pay.deadline) == ("standard", None)


def test_a_per_pupil_rate_in_an_indicator_table_row():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses
    text = ("某县普通高中振兴计划(2024—2026年)\n附件\n主要指标\n序号|指标|2023年|2026年|属性\n"
            "1|普通高中生均公用经费(元)|1100|1400|约束性\n")
    (t,) = [t for t in extract_targets(text, parse_clauses(text)) if t.value == 1400.0]
    assert (t.unit, t.kind, t.deadline.end) == ("元/(生·年)", "standard", "2026-12-31")


def test_levy_and_allocation_rates_are_standards():
    ts = targets("严格按照实际缴纳税额的3%足额征收教育费附加,城市维护建设税按2%征收;从土地出让收益中按12%的比例计提农田水利和教育资金。")
    got = {(t.indicator, t.value, t.kind) for t in ts}
    assert ("城市维护建设税征收率", 2.0, "standard") in got
    assert ("土地出让收益计提农田水利和教育资金比例", 12.0, "standard") in got
    assert all(t.deadline is None for t in ts)
