"""Baselines: values under a section that reports where the plan starts are facts, never targets."""
import unicodedata

from kb.extract.baselines import baseline_section
from kb.extract.targets import extract_targets
from kb.structure import parse_clauses


def read(text: str):
    text = unicodedata.normalize("NFKC", text)
    return extract_targets(text, parse_clauses(text))


def test_section_headings_that_report_the_start():
    assert baseline_section(["发展基础"]) and baseline_section(["“十三五”主要成就", "发展基础与形势"])
    assert baseline_section(["基本情况"]) and baseline_section(["面临的挑战"])
    assert not baseline_section(["发展基础与主要目标"])  # it also says where the plan goes
    assert not baseline_section(["主要目标", "重点任务"])


def test_values_in_a_development_base_section_are_baselines():
    text = ("某县职业教育提质方案(2024—2027年)\n一、发展基础\n全县现有中职学校3所,在校生5200人,"
            "近三年学生获省级技能大赛奖项17项,“双师型”教师比例为41.3%。\n二、主要目标\n"
            "到2027年,“双师型”教师占专业课教师比例达到60%以上。\n")
    ts = read(text)
    targets = [t for t in ts if t.kind != "baseline"]
    assert [(t.value, t.deadline.end) for t in targets] == [(60.0, "2027-12-31")]
    assert {t.value for t in ts if t.kind == "baseline"} >= {3.0, 5200.0, 41.3}


def test_last_years_results_in_a_one_year_list_are_baselines():
    text = ("某区2026年教育重点工作任务清单\n2025年,全区新建幼儿园2所,新增学位450个。为做好2026年教育工作,现明确任务如下。\n"
            "一、学前教育\n1.新增普惠性学位不少于300个。\n")
    ts = read(text)
    assert {t.value for t in ts if t.kind == "baseline"} == {2.0, 450.0}
    assert [(t.value, t.deadline.end) for t in ts if t.kind != "baseline"] == [(300.0, "2026-12-31")]


def test_report_sections_and_findings_are_baselines():
    assert baseline_section(["总体情况"]) and baseline_section(["存在的主要问题"]) and baseline_section(["现状"])
    assert not baseline_section(["整改要求"])
    text = ("某市教育督导室关于2024年度学前教育普及普惠监测情况的通报\n"
            "2025年4月,市教育督导室对8个区2024年度普及普惠情况进行了监测,共走访幼儿园64所,回收问卷1.2万份。\n"
            "一、总体情况\n监测结果显示,全市普惠性幼儿园覆盖率为88.2%,比2023年提高3.1个百分点。\n"
            "二、整改要求\n到2025年底,全市普惠性幼儿园覆盖率提高到90%以上。\n")
    ts = read(text)
    assert [(t.value, t.kind) for t in ts if t.kind != "baseline"] == [(90.0, "target")]


def test_a_finding_sentence_outside_a_report_section():
    text = "某区方案\n(一)现状\n评估结果表明,全区中小学生体质健康达标率为91.5%。\n"
    assert all(t.kind == "baseline" for t in read(text))
