"""Ratio rules by stage, delta names and reference years (invented sentences in the genre's shapes)."""
from kb.extract.targets import extract_targets_from_sentence as ex


def _rows(s):
    return [(t.indicator, t.stage, t.value, t.unit, t.comparator, t.kind) for t in ex(s)]


def test_ratio_rule_zipped_with_stage_list():
    rows = _rows("小学、初中、高中分别按1:18、1:13、1:12的师生比核定农村学校教职工编制。")
    assert [(r[1], r[2]) for r in rows] == [("小学", (1.0, 18.0)), ("初中", (1.0, 13.0)), ("高中", (1.0, 12.0))]
    assert all(r[3] == "ratio" and r[4] == "=" and r[5] == "standard" and "师生比" in r[0] for r in rows)


def test_ratio_rule_stage_before_each_ratio_object_before_by():
    rows = _rows("全县中小学教职工编制按照小学1:18、初中1:13的师生比核定。")
    assert [(r[1], r[2]) for r in rows] == [("小学", (1.0, 18.0)), ("初中", (1.0, 13.0))]
    assert all("教职工编制" in r[0] and r[5] == "standard" for r in rows)


def test_ratio_rule_single_name_before_value():
    rows = _rows("按照师生比1:12核定县中教职工编制,每年补充县中教师80名。")
    assert rows[0][:6] == ("县中教职工编制师生比", "高中", (1.0, 12.0), "ratio", "=", "standard")
    assert rows[1][2] == 80.0


def test_ratio_rule_each_ratio_named():
    rows = _rows("按照教职工与幼儿比1:8、专任教师与幼儿比1:16的标准核定公办园编制。")
    assert [r[2] for r in rows] == [(1.0, 8.0), (1.0, 16.0)]
    assert "教职工与幼儿比" in rows[0][0] and "专任教师与幼儿比" in rows[1][0]
    assert {r[5] for r in rows} == {"standard"}


def test_ratio_with_comparator_stays_a_target():
    rows = _rows("专任教师与幼儿之比不低于1:16。")
    assert rows[0][4] == ">=" and rows[0][5] == "target"


def test_delta_takes_previous_measure_and_reference():
    rows = _rows("到2026年,农村教师本科学历比例提高到70%,比2021年提高15个百分点以上。")
    assert rows[1][0] == "农村教师本科学历比例提高幅度(比2021年)"
    assert rows[1][3] == "个百分点" and rows[1][4] == ">="


def test_delta_annual_with_written_base_is_not_a_deadline():
    ts = ex("到2026年,学生视力不良率在2023年基础上每年下降0.6个百分点,心理教师配备率达到90%。")
    assert ts[0].indicator == "学生视力不良率下降幅度(每年,在2023年基础上)"
    assert all(t.deadline is None or not t.deadline.end.startswith("2023") for t in ts)


def test_delta_after_share_word():
    rows = _rows("硕士学历教师占比较2023年提高2个百分点。")
    assert rows[0][0] == "硕士学历教师占比提高幅度(较2023年)"


def test_indicators_elided_behind_counted_words():
    ts = ex("2024年,毛入学率达到90%,巩固率达到95%;2025年,两项指标分别达到92%、96%以上。")
    assert [(t.indicator, t.value) for t in ts[2:]] == [("毛入学率", 92.0), ("巩固率", 96.0)]
    assert ts[3].comparator == ">=" and "indicator_elided_in_2nd_clause" in ts[2].flags


def test_a_group_joining_two_stage_groups_has_no_stage():
    (t,) = ex("到2026年,建成县中与中职学校课程互选试点学校4所。")
    assert t.stage is None and t.value == 4.0
