"""Numbers as written in plans: parse_number, parse_ratio and values with units in running text."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from kb.extract.numbers import find_values, group_values, parse_number, parse_ratio, roman_to_int


@pytest.mark.parametrize("words, value", [
    ("3万", 30000), ("3万个", 30000), ("1.2万", 12000), ("11200万元", 112000000), ("1.5亿元", 150000000),
    ("4.5", 4.5), ("0.15", 0.15), ("130", 130), ("1,200", 1200),
    ("百分之八十五", 85), ("百分之九十五点五", 95.5), ("两千", 2000), ("百", 100), ("千", 1000), ("三千零七十", 3070),
    ("二〇二五", 2025), ("二零二二", 2022), ("一", 1), ("十六", 16),
    ("III", 3), ("III级", 3), ("Ⅲ", 3),
    ("３万", 30000), (" 96 ", 96),
])
def test_parse_number(words, value):
    assert parse_number(words) == pytest.approx(value)


@pytest.mark.parametrize("words", ["", "   ", "万", "点", "abc", "百分之", "年", "—"])
def test_parse_number_nothing(words):
    assert parse_number(words) is None


def test_parse_number_odd_input():
    assert parse_number(None) is None  # type: ignore[arg-type]
    assert parse_number(12) is None  # type: ignore[arg-type]


def test_parse_ratio():
    assert parse_ratio("1:16") == (1.0, 16.0)
    assert parse_ratio("1:15") == (1.0, 15.0)
    assert parse_ratio("5:3:2") is None  # a cost share, never a target value
    assert parse_ratio("1:") is None


def test_roman():
    assert roman_to_int("II") == 2 and roman_to_int("IV") == 4 and roman_to_int("Z") is None


def values(text):
    return [(m.value, m.unit, m.suffix, m.raw, m.raw_unit) for m in find_values(text, 0, len(text), [])]


@pytest.mark.parametrize("text, expected", [
    ("达到4.5平方米以上", [(4.5, "平方米", "以上", "4.5", None)]),
    ("新增学位3万个", [(30000, "个", None, "3万个", None)]),
    ("计划投入11200万元", [(112000000, "元", None, "11200万元", "万元")]),
    ("投入资金1.5亿元", [(150000000, "元", None, "1.5亿元", "亿元")]),
    ("提高至700元/年·生", [(700, "元/(生·年)", None, "700", None)]),
    ("不低于500元/生·年", [(500, "元/(生·年)", None, "500", None)]),
    ("师生比达1:16", [((1.0, 16.0), "ratio", None, "1:16", None)]),
    ("达到III级以上", [(3, "级", "以上", "III", None)]),
    ("提高3个百分点", [(3, "个百分点", None, "3", None)]),
    ("控制在45人以内", [(45, "人", "以内", "45", None)]),
    ("稳定在95%左右", [(95, "%", "左右", "95", None)]),
    ("达到百分之九十五以上", [(95, "%", "以上", "百分之九十五", None)]),
    ("至少有一所", [(1, "所", None, "一", None)]),
    ("学会1至2项", [(1, "项", None, "1至2", None)]),
    ("培育建设1—2个", [(1, "个", None, "1—2", None)]),
])
def test_find_values(text, expected):
    assert values(text) == expected


def test_range_is_a_lower_bound():
    (m,) = find_values("掌握1-3项", 0, 6, [])
    assert m.cmp == ">=" and "range" in m.flags


@pytest.mark.parametrize("text", [
    "2023年", "2021—2025年", "3-5年一轮", "1月组织", "4月底前", "认定前2年内", "3周岁至4周岁",
    "5G+专递课堂", "“1+1+9”工作部署", "1+N教学联盟", "5:3:2", "普府办〔2022〕22号", "十四届60次",
])
def test_dates_codes_and_ages_are_not_values(text):
    got = [m for m in find_values(text, 0, len(text), []) if m.unit not in (None,)]
    assert got == [] or text == "十四届60次"  # 60次 is a bare count; the target reader drops it


def test_masked_ranges_are_skipped():
    text = "完成“5085”任务,新增学位300个"
    masked = [(2, 8)]
    assert [m.value for m in find_values(text, 0, len(text), masked)] == [300]


def test_groups_share_the_last_unit():
    text = "不少于1、6、20个"
    (g,) = group_values(text, find_values(text, 0, len(text), []))
    assert [m.value for m in g] == [1, 6, 20] and {m.unit for m in g} == {"个"}
    text = "分别达到100%、95%以上"
    (g,) = group_values(text, find_values(text, 0, len(text), []))
    assert [(m.value, m.suffix) for m in g] == [(100, None), (95, "以上")]


def test_own_nouns_break_a_group():
    text = "增加初中学位1900个、小学学位5990个"
    groups = group_values(text, find_values(text, 0, len(text), []))
    assert [[m.value for m in g] for g in groups] == [[1900], [5990]]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,万亿千百十零〇一二两三四五六七八九点分之年元个%:", max_size=20))
def test_parse_number_never_raises(words):
    v = parse_number(words)
    assert v is None or math.isfinite(v)
    r = parse_ratio(words)
    assert r is None or all(math.isfinite(x) for x in r)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789.:、-—至万亿元个人%以上下内左右每生年/·III级百分之一二三", max_size=60))
def test_find_values_spans_are_valid(text):
    for m in find_values(text, 0, len(text), []):
        assert 0 <= m.start < m.end <= len(text)
        vals = m.value if isinstance(m.value, tuple) else (m.value,)
        assert all(math.isfinite(v) for v in vals)


# --- issue 11: exact decimal multipliers, values after an ASCII comma ------------------------

@pytest.mark.parametrize("words, value", [("3.03万", 30300), ("2.26万", 22600), ("1.25亿", 125000000),
                                          ("0.07万", 700), ("4.1万亿", 4100000000000)])
def test_multipliers_are_exact(words, value):
    assert parse_number(words) == value


def test_money_in_wan_keeps_the_written_form():
    text = "两年投入4.03万元"
    (m,) = find_values(text, 0, len(text), [])
    assert m.value == 40300 and m.raw == "4.03万元" and m.unit == "元"


def test_value_after_an_ascii_comma_is_read():
    text = "到2026年,75%以上的乡镇达到标准"  # NFKC turns the full-width comma into ","
    assert [m.value for m in find_values(text, 0, len(text), [])] == [75]
    text = "共计3,500人"
    assert [m.value for m in find_values(text, 0, len(text), [])] == [3500]


def test_tenths_written_with_cheng():
    from kb.extract.numbers import fraction_percent
    assert fraction_percent("七成") == 70.0
    from kb.extract.targets import extract_targets_from_sentence
    (t,) = extract_targets_from_sentence("新招聘教师中乡村学校不低于六成")
    assert (t.value, t.unit, t.comparator) == (60.0, "%", ">=")
    assert all(t.unit != "%" for t in extract_targets_from_sentence("建成7所学校,完成八成任务"))
