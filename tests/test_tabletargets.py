"""Targets read from table rows: year-column indicator tables and task-breakdown tables (invented documents)."""
from __future__ import annotations

import pytest

from kb.extract.targets import extract_targets
from kb.normalise import normalise
from kb.structure import parse_clauses


def _targets(text: str):
    return extract_targets(text, parse_clauses(text))


def _norm(text: str) -> str:
    return normalise(text).text


def _find(targets, value, kind="target"):
    return [t for t in targets if t.value == value and t.kind == kind]


def test_box_indicator_table_one_cell_per_line():
    text = "\n".join([
        "桐川市“十四五”教育发展规划", "第一章 总体要求", "第一节 主要目标", "到2025年，教育现代化水平明显提升。",
        "专栏1　主要指标", "指标", "2020年", "2025年", "属性",
        "1.学前三年毛入园率（%）", "86.5", "93以上", "预期性",
        "2.九年义务教育巩固率（%）", "95.1", "96.5", "约束性",
        "3.劳动年龄人口平均受教育年限（年）", "10.8", "11.5", "预期性",
        "第二章 主要任务", "第二节 扩大资源", "（一）新建学校。全市新建公办幼儿园12所。"])
    text = _norm(text)
    ts = _targets(text)
    (t,) = _find(ts, 93.0)
    assert (t.indicator, t.comparator, t.unit, t.stage) == ("学前三年毛入园率", ">=", "%", "学前")
    assert (t.deadline.end, t.deadline.text, t.deadline.kind) == ("2025-12-31", "2025年", "in_year")
    assert "table_year_column" in t.flags and "预期性" in t.flags
    ev = text[t.span.start:t.span.end]  # evidence: the row, from its label cell through the value cell
    assert ev.startswith("1.学前三年毛入园率") and ev.endswith("93以上")
    assert text[t.indicator_span[0]:t.indicator_span[1]] == "1.学前三年毛入园率(%)"
    assert text[t.deadline.span[0]:t.deadline.span[1]] == "2025年"  # the column header
    (b,) = _find(ts, 86.5, "baseline")  # the year before the plan period: a baseline
    assert b.deadline is None
    (t,) = _find(ts, 96.5)
    assert (t.comparator, t.stage, t.cue) == ("=", "义务教育", "(bare value)")
    (t,) = _find(ts, 11.5)
    assert t.unit == "年" and t.indicator == "劳动年龄人口平均受教育年限"
    assert not [t for t in ts if t.value in (1.0, 2.0, 3.0)]  # row numbers are no values


def test_spaced_indicator_table_with_base_column():
    text = "\n".join([
        "云溪县义务教育提升两年计划(2025—2026年)", "一、主要指标",
        "序号  指标名称              2024年基数    2025年    2026年",
        "1     义务教育巩固率(%)     96.1          96.5      97以上",
        "2     大班额比例(%)         4.2           3以内     0",
        "3     新建学校(所)          —             2         3",
        "二、重点任务", "(一)加快建设。"])
    ts = _targets(text)
    assert {t.value for t in ts if t.kind == "baseline"} == {96.1, 4.2}
    (t,) = [t for t in _find(ts, 3.0) if t.unit == "%"]  # 3以内 under 2025年
    assert (t.comparator, t.deadline.end) == ("<=", "2025-12-31")
    (t,) = _find(ts, 0.0)
    assert (t.comparator, t.deadline.end, t.unit) == ("=", "2026-12-31", "%")
    (t,) = [t for t in ts if t.unit == "所" and t.value == 2.0]
    assert t.indicator == "新建学校" and t.deadline.end == "2025-12-31"


def test_year_column_without_unit_gives_nothing():
    text = "\n".join(["某县规划", "一、指标", "序号  指标名称    2024年  2025年", "1     示范校      3       5",
                      "2     特色校      4       6", "二、任务"])
    assert [t for t in _targets(text) if "table_year_column" in t.flags] == []


@pytest.mark.parametrize("sep", ["|", "\t", "      "])
def test_task_table_cells_and_deadline_column(sep):
    def row(*cells):
        line = sep.join(cells)
        return f"| {line} |" if sep == "|" else line
    text = "\n".join([
        "石湾区学前教育提升方案", "一、目标", "新建幼儿园若干所。", "", "附件", "石湾区重点任务清单",
        row("序号", "重点任务", "牵头单位", "配合单位", "完成时限"),
        *(["|---|---|---|---|---|"] if sep == "|" else []),
        row("1", "新建公办幼儿园7所、改扩建幼儿园11所", "区教育局", "区财政局", "2026年6月"),
        row("2", "建成寄宿制学校2所,总投资2.4亿元", "区教育局", "区发展改革局", "2027年9月"),
        row("3", "每年培训园长300人次以上", "区教育局", "区财政局", "每年12月"),
        row("4", "幼儿园保教人员持证率保持100%", "区教育局", "区人力资源社会保障局", "长期坚持"),
        "", "石湾区教育局", "2025年3月2日"])
    ts = _targets(text)
    for t in ts:
        assert not t.indicator[:1].isdigit() and "|" not in t.indicator and "\t" not in t.indicator
    (t,) = _find(ts, 7.0)
    assert (t.deadline.end, t.deadline.kind, t.deadline.text) == ("2026-06-30", "by", "2026年6月")
    assert "deadline_from_table_column:完成时限" in t.flags
    assert _find(ts, 11.0)[0].deadline.end == "2026-06-30"
    (money,) = _find(ts, 240_000_000.0)
    assert money.unit == "元" and money.deadline.end == "2027-09-30"
    (per,) = _find(ts, 300.0)
    assert per.period == "annual" and per.deadline is None  # a schedule cell dates nothing
    (keep,) = _find(ts, 100.0)
    assert keep.deadline is None or keep.deadline.kind != "by"  # 长期坚持 is no date


def test_task_table_one_cell_per_line_two_unit_columns():
    text = "\n".join([
        "青禾县义务教育攻坚方案", "一、目标", "到2024年,新增学位5000个。", "附件", "", "青禾县重点任务分解表", "",
        "序号", "重点任务", "牵头单位", "责任单位", "完成时限",
        "1", "新增义务教育学位2.2万个", "县教育局", "县发展改革委、县财政局、县自然资源局、县住房城乡建设局", "2024年8月",
        "2", "消除大班额", "县教育局", "各乡镇(街道)", "2023年12月",
        "3", "每年招聘教师不少于200名", "县教育局", "县委编办、县人力资源社会保障局", "每年8月"])
    clauses = parse_clauses(text)
    rows = [c for c in clauses if c.kind == "table_row"]
    assert [c.path_str for c in rows] == ["附件/1", "附件/2", "附件/3"]
    cols = [[(k, text[s:e]) for k, s, e in c.cells] for c in rows]
    assert cols[1] == [("序号", "2"), ("重点任务", "消除大班额"), ("牵头单位", "县教育局"),
                       ("责任单位", "各乡镇(街道)"), ("完成时限", "2023年12月")]
    assert cols[2][3] == ("责任单位", "县委编办、县人力资源社会保障局")
    ts = extract_targets(text, clauses)
    (t,) = _find(ts, 22000.0)
    assert t.deadline.end == "2024-08-31" and "deadline_from_table_column:完成时限" in t.flags


def test_per_pupil_rate_unit_in_the_row_label():
    text = _norm("\n".join([
        "某市学前教育发展提升行动计划(2024—2026年)", "一、主要目标", "到2026年,普及水平进一步提高。",
        "附件", "主要指标", "序号", "指标", "2023年", "2026年", "属性",
        "1", "普惠性幼儿园生均公用经费(元/生·年)", "1500", "2000", "约束性"]))
    ts = _targets(text)
    (t,) = _find(ts, 2000.0, "standard")
    assert (t.unit, t.deadline.end) == ("元/(生·年)", "2026-12-31")
    assert _find(ts, 1500.0, "baseline")


def test_stage_column_gives_the_row_stage():
    text = _norm("\n".join([
        "青溪县义务教育优质均衡发展实施方案", "一、主要目标", "到2025年，各项指标达到国家标准。",
        "附件：主要指标推进表", "序号 | 指标 | 学段 | 2022年 | 2025年",
        "1 | 每百名学生拥有心理健康专职教师数（人） | 初中 | 0.3 | 0.6",
        "2 | 生均运动场地面积（平方米） | 小学 | 6.5 | 8以上"]))
    ts = _targets(text)
    assert [(t.stage, t.value) for t in _find(ts, 0.6)] == [("初中", 0.6)]
    assert [(t.stage, t.comparator) for t in _find(ts, 8.0)] == [("小学", ">=")]
    assert all("初中" not in t.indicator and "小学" not in t.indicator for t in ts)


def test_body_task_table_one_cell_per_line_dates_its_tasks():
    text = _norm("\n".join([
        "青溪县减轻学生负担工作方案", "一、工作目标", "到2023年底，学生负担有效减轻。",
        "二、进度安排", "序号", "工作任务", "完成时限",
        "1", "完成全县校外培训机构排查", "2022年10月",
        "2", "校外培训机构压减比例达到40%以上", "2022年12月",
        "3", "全县中小学作业公示比例达到100%", "2023年2月",
        "三、保障措施", "县财政每年安排专项经费不少于50万元。"]))
    ts = _targets(text)
    (a,) = _find(ts, 40.0)
    (b,) = _find(ts, 100.0)
    assert a.deadline.end == "2022-12-31" and b.deadline.end == "2023-02-28"
    assert "deadline_from_table_column:完成时限" in a.flags
    assert not any(t.value in (1.0, 2.0, 3.0) for t in ts)


def test_indicator_table_with_ideographic_spaces_between_cells():
    # each row one line, cells apart by one U+3000 (one space after NFKC); prose with spaces stays prose
    text = _norm("\n".join([
        "石湾区基础教育质量提升规划(2021—2025年)", "一、主要目标", "到2025年,基础教育整体水平进入全省前列。",
        "附表　主要指标",
        "编号　指标名称　计量单位　2020年　2025年　属性",
        "1　初中毕业生升学率　％　92.5　97　预期性",
        "2　学生体质健康达标率　％　89.4　≥94　约束性",
        "3　小学大班额比例　％　7.5　＜2　约束性",
        "4　学前教育普惠率　％　—　88　预期性",
        "二、主要任务", "(一)扩充资源。全区 新建公办幼儿园 6所。"]))
    ts = _targets(text)
    got = {(t.indicator, t.comparator, t.value, t.unit, t.kind) for t in ts if t.deadline and t.deadline.text == "2025年"}
    assert got == {("初中毕业生升学率", "=", 97.0, "%", "target"), ("学生体质健康达标率", ">=", 94.0, "%", "target"),
                   ("小学大班额比例", "<", 2.0, "%", "target"), ("学前教育普惠率", "=", 88.0, "%", "target")}
    assert len([t for t in ts if t.kind == "baseline"]) == 3  # the 2020 column; the — cell gives none
    (t,) = [t for t in ts if t.value == 6.0]
    assert t.indicator.endswith("公办幼儿园")


def test_a_table_whose_rows_are_years():
    text = _norm("\n".join([
        "秀山县学前教育三年行动计划(2024—2026年)", "二、年度目标", "全县分年度目标见下表。",
        "表2 2024—2026年分年度目标",
        "年份|新建幼儿园(所)|新增学位(万个)|学前三年毛入园率(%)",
        "2024年|4|0.3|91", "2025年|5|0.45|93以上", "2026年|3|0.25|95",
        "合计|12|1|—",
        "三、主要任务", "(一)扩充资源。全县新建幼儿园12所。"]))
    ts = [t for t in _targets(text) if "table_year_row" in t.flags or "table_total_row" in t.flags]
    by = {(t.indicator, t.deadline.end): t for t in ts}
    t = by[("新增学位数", "2025-12-31")]
    assert (t.value, t.unit, t.deadline.kind, t.deadline.text) == (4500.0, "个", "in_year", "2025年")
    t = by[("学前三年毛入园率", "2025-12-31")]
    assert (t.comparator, t.value, t.unit, t.stage) == (">=", 93.0, "%", "学前")
    total = by[("新建幼儿园数", "2026-12-31")]
    assert total.value == 12.0 and total.deadline.kind == "period" and "table_total_row" in total.flags
    assert len(ts) == 11  # 3 rows × 3 columns, and the 合计 row's two totals (— is no value)


def test_the_rate_column_of_a_standards_table():
    text = _norm("\n".join([
        "岚皋县学生资助工作实施办法", "一、总体要求", "建立覆盖各学段的学生资助体系。",
        "二、资助对象", "本县户籍家庭经济困难学生。", "三、资助项目和标准",
        "学段|资助项目|资助标准|资金来源|责任单位",
        "学前教育|保育教育费减免|每生每年800元|省级60%、县级40%|县教育局",
        "义务教育|寄宿生生活费补助|小学每生每年1000元、初中每生每年1250元|中央、省按5:5分担|县教育局",
        "普通高中|免学杂费|每生每学期450元|中央、省、县按8:1:1分担|县教育局、县财政局",
        "四、保障措施", "(一)加强领导。"]))
    ts = [t for t in _targets(text) if "table_rate_column" in t.flags]
    got = sorted((t.indicator, t.stage, t.value, t.unit, t.kind) for t in ts)
    assert got == sorted([
        ("保育教育费减免标准", "学前", 800.0, "元/(生·年)", "standard"),
        ("寄宿生生活费补助标准", "小学", 1000.0, "元/(生·年)", "standard"),
        ("寄宿生生活费补助标准", "初中", 1250.0, "元/(生·年)", "standard"),
        ("免学杂费标准", "高中", 450.0, "元/(生·学期)", "standard")])
    assert not [t for t in _targets(text) if t.value in (60.0, 40.0) or t.unit == "ratio"]  # cost shares


def test_year_columns_with_bracketed_qualifiers_and_a_unit_column():
    # 指标 | 单位 | 2023年(基数) | 2026年(目标), one cell per line as a saved HTML table prints; the defined
    # short term (以下简称“联盟”) lends its stage to the rows that name it
    text = _norm("\n".join([
        "青岚县推进城乡学前教育发展联盟建设方案(2024—2026年)",
        "为推进城乡学前教育发展联盟(以下简称“联盟”)建设,制定本方案。",
        "一、工作目标", "主要指标如下:",
        "指标", "单位", "2023年(基数)", "2026年(目标)",
        "联盟成员单位数", "个", "14", "30",
        "乡村幼儿园教师到城区跟岗比例", "%", "—", "20",
        "二、重点任务", "(一)统一管理。"]))
    ts = _targets(text)
    (b,) = _find(ts, 14.0, "baseline")
    assert b.unit == "个" and b.stage == "学前"
    (t,) = _find(ts, 30.0)
    assert (t.indicator, t.unit, t.stage, t.deadline.end) == ("联盟成员单位数", "个", "学前", "2026-12-31")
    (t,) = _find(ts, 20.0)
    assert (t.unit, t.deadline.end) == ("%", "2026-12-31") and "table_year_column" in t.flags
    assert not _find(ts, 14.0) and not _find(ts, 2023.0)


def test_a_coefficient_row_needs_no_unit():
    text = _norm("\n".join([
        "丰源区义务教育优质均衡发展三年行动计划(2024—2026年)", "一、主要指标",
        "序号", "指标", "单位", "2023年", "2026年", "属性",
        "1", "小学校际综合差异系数", "—", "0.46", "0.42以下", "约束性",
        "2", "示范学校", "—", "3", "6", "预期性",
        "二、主要任务", "(一)统筹规划。"]))
    ts = _targets(text)
    (t,) = _find(ts, 0.42)
    assert (t.indicator, t.comparator, t.unit, t.stage, t.deadline.end) == ("小学校际综合差异系数", "<=", None, "小学",
                                                                            "2026-12-31")
    assert _find(ts, 0.46, "baseline")
    assert not _find(ts, 6.0)  # a count without its unit is still no fact


def test_columns_that_carry_their_own_dates_over_rows_of_places():
    text = _norm("\n".join([
        "关于下达2025年学前教育普及普惠县推进计划的通知", "各市教育局:", "现将推进计划印发给你们。",
        "附件", "2025年学前教育普及普惠县推进计划表",
        "序号|市州|截至2024年底已通过评估县数(个)|2025年通过评估县数(个)|2026年底前累计通过比例(%)",
        "1|柳州|3|4|60.0", "2|桂林|5|7|≥70", "合计| |8|11|"]))
    ts = _targets(text)
    (b,) = [t for t in ts if t.kind == "baseline" and t.value == 3.0]
    assert (b.indicator, b.unit, b.deadline) == ("已通过评估县数(柳州)", "个", None)
    (t,) = [t for t in ts if t.kind == "target" and t.value == 7.0]
    assert (t.indicator, t.unit, t.deadline.end, t.deadline.kind) == ("通过评估县数(桂林)", "个", "2025-12-31", "in_year")
    (t,) = [t for t in ts if t.value == 70.0]
    assert (t.indicator, t.comparator, t.unit, t.deadline.end, t.deadline.kind, t.deadline.text) == (
        "累计通过比例(桂林)", ">=", "%", "2026-12-31", "by", "2026年底前")
    (t,) = [t for t in ts if t.value == 11.0]
    assert t.indicator == "通过评估县数" and "table_total_row" in t.flags
    assert not [t for t in ts if t.value in (1.0, 2.0)]  # row numbers
