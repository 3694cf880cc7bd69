"""Lists of items sharing a head (issue 11, forms 2), in invented sentences: a total broken down after
其中, a new verb starting a new item, an object elided after the second verb, stage items sharing a
per-pupil rate, bare lists that stay quoted norms, stage words of a cross-stage item."""
import unicodedata

from kb.extract.targets import extract_targets_from_sentence


def targets(sentence: str):
    return [t for t in extract_targets_from_sentence(unicodedata.normalize("NFKC", sentence)) if t.kind != "baseline"]


def rows(sentence: str):
    return [(t.indicator, t.stage, t.value, t.unit) for t in targets(sentence)]


def test_parts_of_a_total_after_qizhong_are_their_own_targets():
    got = rows("2026年前,全区新增学位1.5万个,其中小学学位6000个、公办幼儿园学位3000个")
    assert got == [("新增学位", None, 15000.0, "个"), ("新增小学学位", "小学", 6000.0, "个"),
                   ("新增公办幼儿园学位", "学前", 3000.0, "个")]


def test_part_items_named_after_the_total():
    got = rows("培育市级名班主任工作室20个,其中农村学校8个、城区学校12个")
    assert [g[2] for g in got] == [20.0, 8.0, 12.0]
    assert got[2][0] == "培育市级名班主任工作室(城区学校)"
    got = rows("规划新建学校40所,其中小学15所、初中9所、幼儿园16所")
    assert [(g[1], g[2]) for g in got] == [(None, 40.0), ("小学", 15.0), ("初中", 9.0), ("学前", 16.0)]
    assert got[3][0].endswith("(幼儿园)")


def test_a_new_verb_starts_a_new_item():
    got = rows("全县累计新增涉农专业3个、撤并专业5个")
    assert [(g[0], g[2]) for g in got] == [("累计新增涉农专业", 3.0), ("撤并专业", 5.0)]


def test_the_object_of_the_second_verb_is_elided():
    got = rows("2027年前,新建九年一贯制学校4所、改扩建6所")
    assert [(g[0], g[2]) for g in got] == [("新建九年一贯制学校", 4.0), ("改扩建九年一贯制学校", 6.0)]


def test_stage_items_share_a_rate_after_a_comparator():
    got = rows("农村寄宿制学校公用经费补助提高到小学每生每年300元、初中每生每年450元")
    assert got == [("农村寄宿制学校公用经费补助", "小学", 300.0, "元/(生·年)"),
                   ("农村寄宿制学校公用经费补助", "初中", 450.0, "元/(生·年)")]


def test_per_unit_provision_lists_share_the_head():
    got = rows("每所学校配备专职保安2名、校医1名")
    assert [g[0] for g in got] == ["每所学校配备专职保安", "每所学校配备校医"]


def test_a_bare_list_without_a_verb_stays_a_quoted_norm():
    assert targets("托班20人、小班25人、中班30人") == []


def test_several_stages_in_a_built_item_give_none_and_lend_none():
    got = rows("到2027年,新建中小学校和幼儿园12所、改扩建18所,新增学位9000个")
    assert [(g[0], g[1]) for g in got] == [("新建中小学校和幼儿园", None), ("改扩建中小学校和幼儿园", None),
                                           ("新增学位", None)]


def test_years_zipped_with_values():
    got = targets("2025年、2026年、2027年分别招聘乡村教师80名、90名、100名")
    assert [(t.indicator, t.value, t.deadline.end, t.deadline.kind) for t in got] == [
        ("招聘乡村教师", 80.0, "2025-12-31", "in_year"), ("招聘乡村教师", 90.0, "2026-12-31", "in_year"),
        ("招聘乡村教师", 100.0, "2027-12-31", "in_year")]
    assert all("years_zipped" in t.flags for t in got)


def test_three_years_read_against_the_title_period():
    from kb.extract.targets import extract_targets
    from kb.models import Clause
    text = "某县学前教育普及普惠行动方案(2024—2026年)\n全县普惠性幼儿园覆盖率三年分别达到80%、84%、88%"
    got = [t for t in extract_targets(text, [Clause((), "", 0, len(text), "front", text)]) if t.value]
    assert [(t.indicator, t.value, t.deadline.end, t.deadline.text) for t in got] == [
        ("普惠性幼儿园覆盖率", 80.0, "2024-12-31", "三年"), ("普惠性幼儿园覆盖率", 84.0, "2025-12-31", "三年"),
        ("普惠性幼儿园覆盖率", 88.0, "2026-12-31", "三年")]
    # without a title period of three years the years are not guessed
    assert {t.deadline for t in targets("全县普惠性幼儿园覆盖率三年分别达到80%、84%、88%")} == {None}


def test_school_counts_in_words_after_the_school_noun():
    got = rows("2026—2027年,新建小学两所、改扩建幼儿园五所")
    assert [(g[0], g[2], g[3]) for g in got] == [("新建小学", 2.0, "所"), ("改扩建幼儿园", 5.0, "所")]
    assert targets("支持一所学校三所分校合并办学的探索") == []  # not a count closing its item


def test_maintain_without_zai_is_a_comparator():
    (t,) = targets("全县中小学校园安全视频监控覆盖率保持100%")
    assert (t.indicator, t.comparator, t.value) == ("中小学校园安全视频监控覆盖率", "=", 100.0)
    assert "maintain" in t.flags


def test_months_are_a_unit():
    (t,) = targets("新任教师到优质学校跟岗学习不少于3个月")
    assert (t.value, t.unit, t.comparator) == (3.0, "个月", ">=")


def test_a_later_dated_part_keeps_its_stages():
    got = targets("2026年公开招聘教师不少于80名;到2027年,小学、初中生师比分别达到17:1、12:1")
    assert got[0].stage is None and [t.stage for t in got[1:]] == ["小学", "初中"]
    got = targets("每所学校7项指标中至少5项达到要求;小学、初中校际差异系数分别不高于0.50、0.45")
    assert got[0].stage == "义务教育"  # an undated later part still speaks for the whole sentence


def test_jun_distributes_over_qualifiers_sharing_a_noun():
    got = targets("到2027年,其中肢体、言语残疾儿童少年入学率均不低于96%")
    assert [(t.indicator, t.value) for t in got] == [("肢体残疾儿童少年入学率", 96.0), ("言语残疾儿童少年入学率", 96.0)]


def test_a_share_after_qizhong_does_not_take_the_verb_of_the_total():
    got = targets("每年交流轮岗教师比例不低于应交流教师的12%,其中学科带头人不低于交流总数的25%")
    assert not got[1].indicator.startswith("交流学科带头人")
