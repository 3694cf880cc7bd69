"""Stage rules of the fifth round (invented sentences in the genre's shapes)."""
from kb.extract.targets import extract_targets_from_sentence as ex


def _rows(s):
    return [(t.indicator, t.stage, t.value, t.unit) for t in ex(s)]


def test_stage_list_governs_later_respectively_items_of_the_part():
    rows = _rows("到2026年,小学、初中生均图书分别达到30册、40册以上,生均实验室面积分别不低于3平方米、4平方米,"
                 "每百名学生拥有信息化终端数均不少于12台。")
    lab = [(r[1], r[2]) for r in rows if "实验室" in r[0]]
    assert lab == [("小学", 3.0), ("初中", 4.0)]
    term = [(r[1], r[2]) for r in rows if "终端" in r[0]]
    assert term == [("小学", 12.0), ("初中", 12.0)]


def test_stage_list_does_not_cross_a_semicolon():
    rows = _rows("到2026年,小学、初中生均图书分别达到30册、40册以上;生均实验室面积分别不低于3平方米、4平方米。")
    assert [r[1] for r in rows if "实验室" in r[0]] != ["小学", "初中"]


def test_vocational_school_names_give_vocational_stage():
    rows = _rows("县职业中专新增专业3个,在校生规模达到3000人以上,职教中心实训基地达到2个。")
    assert rows and all(r[1] == "职业教育" for r in rows)


def test_senior_high_teachers_are_not_a_vocational_school():
    rows = _rows("全县高中专任教师达到800人。")
    assert [r[1] for r in rows] == ["高中"]
