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


def _doc_targets(lines):
    from kb.extract.targets import extract_targets
    from kb.normalise import normalise
    from kb.structure import parse_clauses
    text = normalise("\n".join(lines)).text
    return extract_targets(text, parse_clauses(text))


def test_label_line_dates_every_inline_enumerated_task_of_the_item():
    ts = _doc_targets([
        "青溪县2015年教育工作要点", "一、改善办学条件",
        "　　加快薄弱学校改造，一是新建教学楼面积1.5万平方米，二是新建学生食堂6个，三是配备课桌椅3000套。",
        "　　牵头单位：县教育局", "　　完成时限：2015年8月",
        "二、加强队伍建设", "　　全年招聘教师120名。", "　　完成时限：2015年12月"])
    got = {t.value: t.deadline.end for t in ts if t.kind == "target"}
    assert got[15000.0] == got[6.0] == got[3000.0] == "2015-08-31"
    assert got[120.0] == "2015-12-31"


def test_section_with_several_label_lines_lends_none_to_its_opening():
    ts = _doc_targets([
        "青溪县2015年教育工作要点", "一、改善办学条件", "　　全县新建教学楼面积1.5万平方米。",
        "（一）食堂。新建学生食堂6个。", "　　完成时限：2015年6月",
        "（二）宿舍。新建宿舍床位500个。", "　　完成时限：2015年9月"])
    got = {t.value: t.deadline.end if t.deadline else None for t in ts if t.kind == "target"}
    assert got.get(15000.0) != "2015-06-30"


def test_each_after_two_objects_gives_one_record_per_object():
    rows = _rows("每所初中建设心理辅导室和劳动实践室各不少于1间。")
    assert sorted(r[0] for r in rows) == ["每所初中建设劳动实践室", "每所初中建设心理辅导室"]
    assert all(r[2] == 1.0 and r[3] == "间" and r[1] == "初中" for r in rows)


def test_each_without_an_action_verb_is_not_split():
    rows = _rows("城区和镇区学校各配备校医1名。")
    assert len(rows) <= 1


def test_break_through_is_strictly_greater():
    rows = [(t.indicator, t.comparator, t.value) for t in ex("全县高考本科上线人数力争突破900人。")]
    assert rows == [("高考本科上线人数", ">", 900.0)]


def test_count_over_several_stage_groups_is_one_total_without_stage():
    rows = _rows("三年内新建、改扩建中小学和幼儿园18所。")
    assert [(r[1], r[2]) for r in rows] == [(None, 18.0)]


def test_share_over_senior_high_and_vocational_schools_is_one_record():
    rows = _rows("普通高中与中职学校学籍互转比例不超过当年招生计划的5%。")
    assert [(r[1], r[2]) for r in rows] == [(None, 5.0)]


def test_primary_and_junior_list_still_distributes():
    rows = _rows("小学、初中入学率达到100%。")
    assert sorted(r[1] for r in rows) == ["初中", "小学"]


def test_per_school_per_year_floor_unit():
    (t,) = ex("教学点公用经费按不低于每校每年6万元的标准补足。")
    assert (t.value, t.unit, t.comparator) == (60000.0, "元/(校·年)", ">=")


def test_label_line_does_not_date_a_funding_standard():
    ts = _doc_targets([
        "青溪县2015年教育工作要点", "一、落实资助政策",
        "　　普通高中国家助学金资助面保持在25%左右，资助标准为每生每年1500元。",
        "　　牵头单位：县教育局", "　　完成时限：2015年9月"])
    std = [t for t in ts if t.value == 1500.0]
    share = [t for t in ts if t.value == 25.0]
    assert std and std[0].kind == "standard"
    assert std[0].deadline is None or std[0].deadline.end != "2015-09-30"
    assert share and share[0].deadline.end == "2015-09-30"


def test_measure_word_before_last_percentage_point_unit_borrows_it():
    rows = _rows("乡村学校中、高级教师岗位比例比城镇学校分别高出4个、2个百分点。")
    assert [(r[2], r[3]) for r in rows] == [(4.0, "个百分点"), (2.0, "个百分点")]


def test_counted_items_keep_their_own_measure_word():
    rows = _rows("新建食堂4个、运动场2个。")
    assert all(r[3] == "个" for r in rows)
