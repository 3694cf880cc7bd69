"""Shapes first met in gold-forms-3 (通报, 意见, 办法, HTML tables), on invented sentences."""
from kb.extract.numbers import parse_number
from kb.extract.targets import extract_targets_from_sentence as read


def test_a_hundred_per_cent_in_words():
    assert parse_number("百分之百") == 100.0
    ts = read("到2026年,乡村教师信息素养培训覆盖率达到百分之百")
    assert [(t.value, t.unit) for t in ts] == [(100.0, "%")]


def test_measure_words_for_fields_courses_and_terms():
    ts = read("每所农村小学至少建有2块标准化篮球场")
    assert [(t.value, t.unit, t.comparator) for t in ts] == [(2.0, "块", ">=")]
    ts = read("每年举办乡村教师专题研修班不少于3期")
    assert [(t.value, t.unit) for t in ts] == [(3.0, "期")]


def test_an_amount_measured_in_terms_is_no_condition():
    ts = read("民办学校向学生收取学费不得超过2个学期的学费额度")
    assert [(t.value, t.unit, t.comparator) for t in ts] == [(2.0, "个学期", "<=")]


def test_comparator_and_base_written_before_a_share():
    ts = read("各县按照不低于学校年度公用经费5%的比例安排教师培训经费")
    assert [(t.value, t.comparator) for t in ts] == [(5.0, ">=")]
    assert "教师培训经费" in ts[0].indicator and "(占学校年度公用经费)" in ts[0].indicator


def test_monitoring_rounds_are_routines():
    assert read("区教育局每年对各幼儿园办园质量开展一次监测") == []
