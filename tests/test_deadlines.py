"""The deadline grammar (DOMAIN §5.13), heading scopes and scope resolution."""
import pytest
from hypothesis import given, settings, strategies as st

from kb.extract.deadlines import deadline_at, find_deadlines, governing_line, heading_deadline, parse_deadline, period_label
from kb.models import Clause, Deadline


@pytest.mark.parametrize("words, end, kind, start", [
    ("到2025年", "2025-12-31", "by", None),
    ("到2022年9月", "2022-09-30", "by", None),
    ("到 2022 年9月", "2022-09-30", "by", None),
    ("截至2024年底", "2024-12-31", "by", None),
    ("2023年前", "2023-12-31", "by", None),
    ("2031年底前", "2031-12-31", "by", None),
    ("2023年12月前", "2023-12-31", "by", None),
    ("2024年6月底前", "2024-06-30", "by", None),
    ("2025年底", "2025-12-31", "by", None),
    ("2023年秋季", "2023-09-30", "by", None),
    ("到2026年秋季", "2026-09-30", "by", None),
    ("到2027年秋季学期", "2027-09-30", "by", None),
    ("到2024年春季", "2024-03-31", "by", None),
    ("2024年上半年", "2024-06-30", "by", None),
    ("2022年", "2022-12-31", "in_year", None),
    ("2022年10月", "2022-10-31", "in_year", None),
    ("2022年12月12日", "2022-12-12", "in_year", None),
    ("二〇二五年", "2025-12-31", "in_year", None),
    ("到二〇二五年", "2025-12-31", "by", None),
    ("2023年起", None, "start", "2023-01-01"),
    ("自2023年9月起", None, "start", "2023-09-01"),
    ("2024年开始", None, "start", "2024-01-01"),
    ("“十四五”期间", "2025-12-31", "period", "2021-01-01"),
    ("十四五期间", "2025-12-31", "period", "2021-01-01"),
    ("“十五五”时期", "2030-12-31", "period", "2026-01-01"),
    ("到“十四五”末", "2025-12-31", "by", None),
    ("2023年1月-2023年3月", "2023-03-31", "period", "2023-01-01"),
    ("2020年10月—2022年9月", "2022-09-30", "period", "2020-10-01"),
    ("2025年1月-12月", "2025-12-31", "period", "2025-01-01"),
    ("2023—2025年", "2025-12-31", "period", "2023-01-01"),
    ("2023年—2025年", "2025-12-31", "period", "2023-01-01"),
    ("每年", None, "period", None),
    ("每学期", None, "period", None),
    ("每5年一周期", None, "period", None),
    ("3年1个周期", None, "period", None),
])
def test_grammar(words, end, kind, start):
    d = parse_deadline(words)
    assert d is not None, words
    assert (d.end, d.kind, d.start, d.text) == (end, kind, start, words)


@pytest.mark.parametrize("words, label", [
    ("每年", "annual"), ("每学年", "per_school_year"), ("每学期", "per_semester"), ("每季度", "quarterly"),
    ("每天", "daily"), ("每5年一周期", "every_5_years"), ("3年1个周期", "every_3_years"), ("到2025年", None),
])
def test_period_label(words, label):
    assert period_label(words) == label


@pytest.mark.parametrize("text", ["2017年后规划设计的幼儿园", "2020年以来", "九年义务教育", "学前三年毛入园率",
                                  "1月组织市级自评", "每生每年500元", "有效期3年", "《规划(2020—2035)》"])
def test_not_deadlines(text):
    got = [d for d in find_deadlines(text) if d.kind != "period" or d.end]
    assert got == [] or text.startswith("《")  # 2020—2035 without 年 is no deadline; with 年 it is a period


def test_spans_point_at_the_words():
    text = "确保2022年残疾儿童少年义务教育入学率达95%以上,2025年前达到97%以上"
    ds = find_deadlines(text)
    assert [(d.text, d.kind) for d in ds] == [("2022年", "in_year"), ("2025年前", "by")]
    for d in ds:
        assert text[d.span[0]:d.span[1]] == d.text


def test_range_and_offsets():
    text = "xx" * 5 + "到2025年,"
    (d,) = find_deadlines(text, 10)
    assert d.span == (10, 16)
    assert find_deadlines(text, 0, 12) == []


def test_relative_month_takes_the_year_before_it():
    text = "评估验收阶段(2025年1月-12月)。1月组织市级自评;4月底前报请江门市初核"
    ds = find_deadlines(text)
    assert ds[-1].text == "4月底前" and ds[-1].end == "2025-04-30"
    assert parse_deadline("4月底前").end is None


def test_heading_deadline():
    text = "(二)阶段目标\n\n1.2023年目标\n\n(1)完成9所"
    c = Clause(("二", "(二)", "1"), "2023年目标", 9, 18, "heading", "1.2023年目标")
    d = heading_deadline(text, c)
    assert (d.end, d.kind, d.text, d.inferred, d.span) == ("2023-12-31", "stage_year", "1.2023年目标", True, (9, 18))
    other = Clause(("二", "(一)"), "总体目标", 0, 7, "heading", "(一)总体目标")
    assert heading_deadline(text, other) is None
    long = Clause(("五", "(一)", "3"), "到2022年9月所有小学、初中规模不超过2000人", 0, 5, "heading", "")
    assert heading_deadline(text, long) is None


def test_deadline_at_resolves_scopes():
    text = "到2025年,每年培养60名,2023年起保持,“十四五”期间投入"
    ds = find_deadlines(text)
    by2025, annual, start, fyp = ds
    pos = text.index("60")
    assert deadline_at(pos, ds, None, None) == (by2025, "annual", [])
    d, _, flags = deadline_at(text.index("保持") + 2, ds, None, None)
    assert d is start and flags == ["effective_from=2023-01-01"]
    assert deadline_at(len(text), ds, None, None)[0] is fyp
    para = Deadline("2030-12-31", "到2030年", "by", None, (0, 3))
    head = Deadline("2024-12-31", "2.2024年目标", "stage_year", None, (0, 3), True)
    assert deadline_at(0, [], para, head)[0] is head  # the paragraph scope starts after position 0
    assert deadline_at(5, [], para, head)[0] is para
    assert deadline_at(5, [], None, head)[2] == ["deadline_from_heading"]


def test_periodic_words_scope_their_own_clause():
    text = "每学期开展家访,家访覆盖率达到95%;每年招聘教师不少于80名,其中乡村教师不少于40名"
    ds = find_deadlines(text)
    assert deadline_at(text.index("95"), ds, None, None, text)[1] is None  # 每学期 is the routine's, not the rate's
    assert deadline_at(text.index("80"), ds, None, None, text)[1] == "annual"
    assert deadline_at(text.index("40"), ds, None, None, text)[1] == "annual"  # a 其中 part keeps it
    assert deadline_at(text.index("95"), ds, None, None)[1] == "per_semester"  # without the text: as before


def test_periodic_value_inherits_no_paragraph_or_heading_date():
    text = "每年安排不少于6%的编制补充乡村学校"
    ds = find_deadlines(text)
    para = Deadline("2027-12-31", "到2027年", "by", None, (0, 0))
    head = Deadline("2026-12-31", "一、2026年目标", "stage_year", None, (0, 0), True)
    assert deadline_at(text.index("6%"), ds, para, head, text) == (None, "annual", [])
    assert deadline_at(3, [], para, head, text)[0] is para


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789年月日底前起到至-—每学期十四五“”期间 二〇两周季度秋半后以来", max_size=80))
def test_random_text_never_breaks_the_grammar(text):
    for d in find_deadlines(text):
        assert 0 <= d.span[0] < d.span[1] <= len(text)
        assert text[d.span[0]:d.span[1]] == d.text
        assert d.kind in ("by", "in_year", "start", "period")
        for iso in (d.end, d.start):
            assert iso is None or (len(iso) == 10 and iso[4] == "-" and iso[7] == "-")


# --- issue 11: the title's period as the fallback deadline -------------------------------------

def test_plan_period_from_the_title():
    from kb.extract.deadlines import plan_period
    text = "某某县学前教育提质行动计划(2024—2026年)\n为了……制定本计划。\n一、主要目标\n到2026年……"
    d = plan_period(text)
    assert d.end == "2026-12-31" and d.kind == "plan_period" and d.inferred
    assert text[d.span[0]:d.span[1]] == d.text == "2024—2026年"
    d = plan_period("某市“十五五”教育事业发展规划\n一、发展基础\n")
    assert d.end == "2030-12-31" and d.text == "十五五"
    assert plan_period("某县关于加强教师队伍建设的实施意见\n一、总体要求\n(2019—2022年)\n") is None
    # a one-year plan: 某市2024年…工作方案 / …重点工作任务 runs to the end of its year (a 实施方案 dated by a
    # year is often a multi-year plan issued that year: test_a_one_year_work_plan_is_its_own_period)
    d = plan_period("桐川市2024年学前教育巩固提升工作方案\n为……制定本方案。\n")
    assert (d.end, d.text, d.kind) == ("2024-12-31", "2024年", "plan_period")
    d = plan_period("云溪县人民政府办公室关于印发云溪县2025年教育重点工作任务的通知\n")
    assert (d.end, d.text) == ("2025-12-31", "2025年")
    assert plan_period("某县到2027年基础教育扩优提质实施方案\n") is None  # a goal year, not the plan's year
    # the period printed on its own line under the title (a saved .doc), after some export metadata lines
    text = ("青溪市教育事业发展规划纲要(20212030年).doc\n- 文档编号:77\n- 格式:DOC\n- 页数:30\n\n"
            "青溪市教育事业发展规划纲要\n(2021—2030年)\n\n中共青溪市委　青溪市人民政府\n")
    d = plan_period(text)
    assert (d.end, d.text, d.kind) == ("2030-12-31", "2021—2030年", "plan_period")
    assert text[d.span[0]:d.span[1]] == d.text


def test_plan_period_reaches_undated_targets_only():
    from kb.extract.targets import extract_targets
    from kb.models import Clause
    text = "某县义务教育扩容行动方案(2024-2027年)\n一、目标\n新增学位4500个,每年培训教师不少于800人次,到2025年建成学校6所。\n"
    ts = extract_targets(text, [Clause((), "", 0, len(text), "front", text)])
    by = {t.indicator: t for t in ts}
    (seats,) = [t for t in ts if t.value == 4500]
    assert seats.deadline.kind == "plan_period" and seats.deadline.end == "2027-12-31"
    assert all(t.deadline is None or t.deadline.kind != "plan_period" for t in ts if t.period)
    assert [t.deadline.end for t in ts if t.value == 6] == ["2025-12-31"]
    assert by


def test_governing_line_scopes_the_lines_below_it():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses
    text = ("某市教育提升方案(2024—2027年)\n一、总体目标\n到2026年,\n全市普惠性幼儿园覆盖率达到92%以上,"
            "公办园在园幼儿占比达到55%以上。\n二、重点任务\n(一)扩充资源。新建幼儿园8所。")
    ts = extract_targets(text, parse_clauses(text))
    rate = next(t for t in ts if t.value == 92.0)
    assert (rate.deadline.end, rate.deadline.text, rate.deadline.kind) == ("2026-12-31", "到2026年", "by")
    assert "deadline_from_governing_line" in rate.flags
    assert next(t for t in ts if t.value == 55.0).deadline.end == "2026-12-31"
    assert next(t for t in ts if t.value == 8.0).deadline.kind == "plan_period"  # another section: not governed
    c = Clause(("一",), "总体目标", 0, 30, "heading")
    assert governing_line("一、总体目标\n到2026年底\n覆盖率达到92%", c).end == "2026-12-31"
    assert governing_line("一、总体目标\n到2026年,覆盖率达到92%", c) is None  # a sentence, not a line of its own


def test_a_one_year_work_plan_is_its_own_period():
    from kb.extract.deadlines import plan_period
    d = plan_period("某市教育局2026年度教育重点工作要点\n一、学前教育\n")
    assert (d.end, d.start, d.kind, d.text) == ("2026-12-31", "2026-01-01", "plan_period", "2026年度")
    d = plan_period("关于印发《某县2024年教育工作任务清单》的通知\n各学校:\n")
    assert d.end == "2024-12-31"
    assert plan_period("某县2021年义务教育优质均衡发展实施方案\n") is None  # a plan dated by its year, not a one-year list


def test_a_completion_label_line_dates_the_item_above_it():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses
    text = ("某镇2026年教育重点任务清单\n一、学前教育\n1.新建公办幼儿园2所,新增学位540个。\n牵头单位:镇教育办\n"
            "完成时限:2026年9月\n2.乡村学校课后服务覆盖率保持100%。\n牵头单位:镇教育办\n完成时限:长期坚持\n")
    ts = {t.value: t for t in extract_targets(text, parse_clauses(text))}
    assert ts[540.0].deadline.end == "2026-09-30" and "deadline_from_label:完成时限" in ts[540.0].flags
    assert ts[2.0].deadline.end == "2026-09-30"
    assert ts[100.0].deadline.kind == "plan_period"  # a schedule (长期坚持) dates nothing: the list's year does


def test_a_day_before_前_is_the_deadline_and_part_of_its_words():
    (d,) = find_deadlines("2026年8月31日前完成全部寄宿制学校改造。")
    assert (d.text, d.kind, d.end) == ("2026年8月31日前", "by", "2026-08-31")


def test_the_length_of_part_of_a_school_day_is_daily_and_takes_no_plan_period():
    from kb.extract.targets import extract_targets
    from kb.structure import parse_clauses
    text = "云岭县义务教育减负提质行动方案(2025—2027年)\n一、主要措施\n初中学校工作日晚上可开设晚自习,晚自习时长不超过1.5小时。\n"
    (t,) = extract_targets(text, parse_clauses(text))
    assert (t.value, t.unit, t.period, t.deadline) == (1.5, "小时", "daily", None)
