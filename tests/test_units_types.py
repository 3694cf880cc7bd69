"""Responsible units by type, level and shape (issue 11 point 5).

Every sentence here is invented (other regions, other wording) in the shapes
regulations and national, provincial and county plans use.
"""
from __future__ import annotations

import pytest

from kb.extract.unitnames import canonical_unit, department_type, list_items
from kb.extract.units import extract_responsibilities
from kb.models import Clause, Region
from kb.regions import NATIONAL
from kb.structure import parse_clauses

COUNTY = Region("130500", "某某县", "county", "130500", "邢台市", "130000", "河北省")
PROVINCE = Region("620000", "甘肃省", "province")
TYPE = ""  # a department type keeps its name as written and is flagged collective (a class of organs)


def units(text: str, region: Region | None) -> list[tuple[str, str | None]]:
    """(unit, role) of a one-item text."""
    clause = Clause(("三",), "", 0, len(text), "item", text)
    return [(r.unit, r.role) for r in extract_responsibilities(text, [clause], region)]


def records(text: str, region: Region | None):
    return extract_responsibilities(text, parse_clauses(text), region)


# --- department types -----------------------------------------------------------

def test_department_types_with_a_shared_suffix():
    text = "第六条 设区的市人民政府教育行政部门应当会同财政、人力资源社会保障、编制等部门制定教师配备标准。"
    assert units(text, COUNTY) == [
        ("设区的市人民政府教育行政部门" + TYPE, "lead"), ("财政部门" + TYPE, "co"),
        ("人力资源社会保障部门" + TYPE, "co"), ("编制部门" + TYPE, "co")]


def test_department_type_as_the_subject_of_a_routine_action():
    text = "第九条 各市教育行政部门每年选派骨干教师到边远学校支教,人数不少于200名。"
    assert units(text, PROVINCE) == [("市教育行政部门" + TYPE, "lead")]


def test_level_words_share_the_department_type_after_them():
    text = "第十条 各市、县(区)教育行政部门会同同级财政部门落实交通补助。"
    assert units(text, PROVINCE) == [("市、县(区)教育行政部门" + TYPE, "lead"), ("同级财政部门" + TYPE, "co")]


def test_department_types_in_prose_and_words_that_are_no_type():
    text = "(三)保障经费。县人民政府教育行政部门负责学位统筹,财政部门负责经费保障。"
    assert units(text, COUNTY) == [("县人民政府教育行政部门" + TYPE, "lead"), ("财政部门" + TYPE, "lead")]
    for name in ("有关部门", "相关部门", "职能部门", "各部门", "行政部门", "成员部门"):
        assert department_type(name) is None


def test_named_units_followed_by_deng_bumen_keep_their_names():
    text = "(三)保障经费。县教育局会同县财政局、县人社局等部门制定办法。"
    assert units(text, COUNTY) == [("某某县教育局", "lead"), ("某某县财政局", "co"),
                                   ("某某县人力资源和社会保障局", "co")]


# --- collectives ----------------------------------------------------------------

def test_area_word_after_a_collective_stays_in_it():
    text = "扩大学位供给。(牵头单位:县教体局;责任单位:县发改委、各乡(镇)、街道)"
    assert units(text, COUNTY) == [("某某县教育体育局", "lead"), ("某某县发展和改革委员会", "co"),
                                   ("各乡(镇)、街道", "co")]
    # an organ type (街道办事处) is a unit of its own that shares the 各: two collectives (gold-forms-4 G4-028)
    text = "(三)扩大学位供给。各乡镇人民政府、街道办事处负责辖区学位。"
    assert units(text, COUNTY) == [("各乡镇人民政府", "lead"), ("街道办事处", "lead")]


def test_level_word_list_is_split_again_when_nothing_follows():
    text = "市教育局、各县"
    assert [text[a:b] for a, b in list_items(text, 0, len(text))] == ["市教育局", "各县"]


# --- tables with 牵头单位 and 责任单位 columns ------------------------------------

def test_table_with_lead_and_co_columns():
    text = ("附件\n\n某某县学前教育重点任务清单\n\n序号\n重点任务\n牵头单位\n责任单位\n完成时限\n"
            "1\n新建公办幼儿园8所\n县教育局\n县发改局、县财政局、县自然资源局、县住房城乡建设局\n2024年6月\n"
            "2\n全面排查整治无证办园行为,公布名单\n县教育局\n各乡镇(街道)\n2024年8月\n"
            "3\n补充幼儿园教师120名\n县教育局\n县委编办、县人社局\n每年8月\n")
    got = [(r.unit, r.role) for r in records(text, COUNTY) if r.form == "appendix_table"]
    assert got == [
        ("某某县教育局", "lead"), ("某某县发展和改革局", "co"), ("某某县财政局", "co"), ("某某县自然资源局", "co"),
        ("某某县住房和城乡建设局", "co"),
        ("某某县教育局", "lead"), ("各乡镇(街道)", "co"),
        ("某某县教育局", "lead"), ("某某县委编办", "co"), ("某某县人力资源和社会保障局", "co")]


# --- a parenthesis closing the last sub-item ------------------------------------

def test_parenthesis_after_the_last_sub_item_assigns_the_whole_item():
    text = ("一、主要任务\n(一)稳定教师队伍\n2.落实教师待遇。\n(1)乡村教师补助每人每月不低于400元。\n"
            "(2)三年新建教师周转宿舍3000套。(省财政厅、省教育厅按职责分工负责)\n二、保障措施\n")
    recs = [r for r in records(text, PROVINCE) if r.form == "trailing_paren"]
    assert [(r.unit, r.role) for r in recs] == [("甘肃省财政厅", None), ("甘肃省教育厅", None)]
    first = text.index("乡村教师补助")
    assert all(r.task_span[0] <= first < r.task_span[1] for r in recs)


def test_sub_items_with_their_own_lists_keep_their_own_tasks():
    text = ("一、主要任务\n(一)稳定教师队伍\n2.落实教师待遇。\n(1)乡村教师补助每人每月不低于400元。(省财政厅负责)\n"
            "(2)三年新建教师周转宿舍3000套。(省住房城乡建设厅负责)\n二、保障措施\n")
    recs = [r for r in records(text, PROVINCE) if r.form == "trailing_paren"]
    housing = next(r for r in recs if r.unit == "甘肃省住房和城乡建设厅")
    assert housing.task_span[0] > text.index("乡村教师补助")


# --- lead/co shapes at every level ------------------------------------------------

SHAPES = [
    (NATIONAL, "(三)扩大学位供给。教育部为牵头单位,国家发展改革委、财政部为成员单位。",
     [("教育部", "lead"), ("国家发展改革委", "co"), ("财政部", "co")]),
    (NATIONAL, "(三)扩大学位供给。由教育部牵头,国家发展改革委、人力资源社会保障部参与。",
     [("教育部", "lead"), ("国家发展改革委", "co"), ("人力资源社会保障部", "co")]),
    (NATIONAL, "(三)扩大学位供给,新建幼儿园一批。(教育部牵头,发展改革委、人社部配合)",
     [("教育部", "lead"), ("国家发展改革委", "co"), ("人力资源社会保障部", "co")]),
    (NATIONAL, "(三)扩大学位供给。教育部会同财政部制定补助办法。", [("教育部", "lead"), ("财政部", "co")]),
    (NATIONAL, "(三)扩大学位供给。教育部、国家发展改革委按职责分工负责。",
     [("教育部", None), ("国家发展改革委", None)]),
    (NATIONAL, "(三)扩大学位供给,新建幼儿园一批。(牵头单位:教育部;责任单位:国家发展改革委、财政部)",
     [("教育部", "lead"), ("国家发展改革委", "co"), ("财政部", "co")]),
    (PROVINCE, "(三)扩大学位供给。省教育厅为牵头单位,会同省发展改革委、省财政厅推进。",
     [("甘肃省教育厅", "lead"), ("甘肃省发展和改革委员会", "co"), ("甘肃省财政厅", "co")]),
    (PROVINCE, "(三)扩大学位供给。由省教育厅牵头,省自然资源厅、省人力资源社会保障厅配合。",
     [("甘肃省教育厅", "lead"), ("甘肃省自然资源厅", "co"), ("甘肃省人力资源和社会保障厅", "co")]),
    (PROVINCE, "(三)扩大学位供给,新建幼儿园一批。(牵头单位:省教育厅;配合单位:省委编办、省财政厅)",
     [("甘肃省教育厅", "lead"), ("甘肃省委编办", "co"), ("甘肃省财政厅", "co")]),
    (PROVINCE, "(三)扩大学位供给。省教育厅、省财政厅按职责分工负责。", [("甘肃省教育厅", None), ("甘肃省财政厅", None)]),
    (COUNTY, "(三)扩大学位供给。县教育局为牵头单位,县发改局、县财政局为成员单位。",
     [("某某县教育局", "lead"), ("某某县发展和改革局", "co"), ("某某县财政局", "co")]),
    (COUNTY, "(三)扩大学位供给。由县教育局牵头,县财政局、县住建局参与。",
     [("某某县教育局", "lead"), ("某某县财政局", "co"), ("某某县住房和城乡建设局", "co")]),
    (COUNTY, "(三)扩大学位供给。县教育局会同县财政局制定办法。", [("某某县教育局", "lead"), ("某某县财政局", "co")]),
    (COUNTY, "(三)扩大学位供给,新建幼儿园一批。(县教育局牵头,县财政局、各乡镇人民政府配合)",
     [("某某县教育局", "lead"), ("某某县财政局", "co"), ("各乡镇人民政府", "co")]),
]


@pytest.mark.parametrize("region,text,want", SHAPES)
def test_lead_and_co_shapes(region, text, want):
    assert units(text, region) == want


def test_unprefixed_names_in_national_documents_take_no_region():
    assert canonical_unit("发展改革委", NATIONAL) == ("国家发展改革委", False)
    assert canonical_unit("发展改革委", None, "教育部") == ("国家发展改革委", False)
    assert canonical_unit("教育行政部门", NATIONAL) == ("教育行政部门", True)


def test_committee_and_bureau_short_forms_get_their_full_names():
    district = Region("500110", "某某区", "county", "500100", "某市", "500000", "重庆市")
    assert canonical_unit("区教委", district)[0] == "某某区教育委员会"
    assert canonical_unit("区住房城乡建委", district)[0] == "某某区住房和城乡建设委员会"
    assert canonical_unit("区规划自然资源局", district)[0] == "某某区规划和自然资源局"
    assert canonical_unit("县地税局", COUNTY)[0] == "某某县地方税务局"


def test_a_bureau_doing_a_routine_is_its_lead():
    assert units("(五)加强评估。县教育局每年对方案落实情况进行一次评估,结果向社会公布。", COUNTY) == [
        ("某某县教育局", "lead")]


def test_a_partner_named_with_huitong_before_a_routine_is_co():
    assert units("(六)加强监测。县教育局会同县财政局每半年对各校经费使用情况开展一次检查。", COUNTY) == [
        ("某某县教育局", "lead"), ("某某县财政局", "co")]
    assert units("(二)组建团队。教育部会同国家卫生健康委组建专家团队。", NATIONAL) == [
        ("教育部", "lead"), ("国家卫生健康委", "co")]


def test_one_unit_in_charge_and_others_assisting_in_a_parenthesis():
    assert units("(三)推进送教上门。每生每学期送教不少于12次。(县教育局负责,县残联配合)", COUNTY) == [
        ("某某县教育局", "lead"), ("某某县残疾人联合会", "co")]


def test_a_closing_sentence_with_deng_assigns_the_item():
    text = "(四)实施强师工程。每年招聘教师不少于150名。由县教育局牵头,县人社局、县财政局等负责。"
    recs = extract_responsibilities(text, [Clause(("四",), "", 0, len(text), "item", text)], COUNTY)
    assert [(r.unit, r.role) for r in recs] == [("某某县教育局", "lead"), ("某某县人力资源和社会保障局", "co"),
                                                 ("某某县财政局", "co")]
    assert all(r.task_span[0] == 0 for r in recs)  # the whole item, not the closing sentence alone


def test_the_ge_of_a_collective_is_shared_by_the_next_organ_type():
    assert units("(二)减轻负担。(牵头单位:县教育局;责任单位:各乡镇人民政府、街道办事处)", COUNTY) == [
        ("某某县教育局", "lead"), ("各乡镇人民政府", "co"), ("街道办事处", "co")]


def test_sections_of_the_issuing_bureau():
    text = ("凤岭县教育局关于印发2025年全县教育工作要点的通知\n凤教〔2025〕3号\n各学校:\n"
            "一、重点工作\n1.新增公办学位600个。(责任股室:普教股、计财科、办公室)\n"
            "2.开设大学本科、专科衔接课程。\n凤岭县教育局\n2025年2月10日\n")
    got = [(r.unit, r.role) for r in records(text, None)]
    assert ("凤岭县教育局普教股", None) in got and ("凤岭县教育局计财科", None) in got
    assert ("凤岭县教育局办公室", None) in got
    assert not any("本科" in u or "专科" in u for u, _ in got)


def test_two_labels_apart_by_a_space_only():
    got = units("劝返学生巩固率达到95%以上。(牵头单位:县教育局\u3000责任单位:各乡(镇)人民政府、县人社局)", COUNTY)
    assert ("某某县教育局", "lead") in got and ("某某县人力资源和社会保障局", "co") in got
    assert not any("责任单位" in u for u, _ in got)


def test_a_note_after_the_unit_list_inside_the_parenthesis():
    got = units("编制学前教育布局规划。(责任单位:省教育厅、省财政厅,各市县政府。以下各项均需各市县政府落实,不再列出)",
                PROVINCE)
    assert ("甘肃省教育厅", None) in got and ("甘肃省财政厅", None) in got


def test_a_closing_lead_sentence_with_a_dun_before_the_partners():
    text = "(三)配齐教师。每年补充乡村教师不少于60名。由县教育局牵头、县委编办、县人社局配合。"
    recs = extract_responsibilities(text, [Clause(("三",), "", 0, len(text), "item", text)], COUNTY)
    assert [(r.unit, r.role) for r in recs] == [("某某县教育局", "lead"), ("某某县委编办", "co"),
                                                 ("某某县人力资源和社会保障局", "co")]
    assert all(r.task_span[0] == 0 for r in recs)


@pytest.mark.parametrize("closing", ["县财政局会同县教育局负责落实。", "所需资金由县财政局会同县教育局负责落实。",
                                     "县财政局会同县教育局按年度足额安排资金。"])
def test_a_closing_huitong_sentence_that_funds_the_item(closing):
    text = "(四)保障经费。特殊教育学校生均公用经费每生每年不低于7500元。" + closing
    recs = extract_responsibilities(text, [Clause(("四",), "", 0, len(text), "item", text)], COUNTY)
    assert [(r.unit, r.role) for r in recs] == [("某某县财政局", "lead"), ("某某县教育局", "co")]
    assert all(r.task_span[0] == 0 for r in recs)  # the item's standard is what they fund


def test_the_partner_of_huitong_ends_before_genju():
    assert units("(五)动态调整。标准每三年调整一次,由县财政局会同县教育局根据物价变动提出调整意见。", COUNTY) == [
        ("某某县财政局", "lead"), ("某某县教育局", "co")]


def test_department_types_drop_the_quantifier_ge():
    assert department_type("各省级教育行政部门") == "省级教育行政部门"
    assert units("(七)各设区市、县(市、区)教育行政部门会同财政部门于2026年5月底前报送方案。", PROVINCE) == [
        ("设区市、县(市、区)教育行政部门" + TYPE, "lead"), ("财政部门" + TYPE, "co")]


def test_a_branch_office_names_its_parent_bureau_in_full():
    district = Region("120114", "某某区", "county", "120100", "某市", "120000", "天津市")
    assert canonical_unit("市规划资源局某某分局", district)[0] == "某市规划和自然资源局某某分局"
    assert canonical_unit("区建设管理委", district)[0] == "某某区建设和管理委员会"


def test_a_flat_task_table_with_category_lines_between_its_rows():
    city = Region("130500", "某市", "prefecture", None, None, "130000", "河北省")
    text = ("某市推进义务教育优质均衡发展实施方案\n一、主要任务\n新建学校,补充教师。\n附件\n某市重点任务分解表\n"
            "序号\n重点任务\n牵头单位\n责任单位\n完成时限\n一、资源配置\n1\n新建、改扩建中小学12所\n市教育局\n"
            "市发展改革委、市自然资源局\n2026年8月\n二、队伍建设\n2\n补充体育、美术教师不少于150名\n市教育局\n"
            "市委编办、市人社局\n2026年9月\n")
    clauses = parse_clauses(text)
    rows = [c for c in clauses if c.kind == "table_row"]
    assert [c.path for c in rows] == [("附件", "资源配置", "1"), ("附件", "队伍建设", "2")]
    got = {(r.unit, r.role) for r in extract_responsibilities(text, clauses, city)}
    assert ("某市人力资源和社会保障局", "co") in got and ("某市自然资源局", "co") in got


def test_more_bureau_short_forms_and_a_project_office_section():
    county = Region("150824", "乌拉特中旗", "county", "150800", "巴彦淖尔市", "150000", "内蒙古自治区")
    assert canonical_unit("旗卫计局", county)[0] == "乌拉特中旗卫生和计划生育局"
    assert canonical_unit("旗食品药品监管局", county)[0] == "乌拉特中旗食品药品监督管理局"
    text = ("凤岭县教育体育局关于印发2026年教育工作要点的通知\n凤教体〔2026〕2号\n各学校:\n"
            "一、重点工作\n1.建成城区第三小学教学楼并投入使用。(责任股室:计财股、项目办)\n凤岭县教育体育局\n2026年2月9日\n")
    got = [(r.unit, r.role) for r in records(text, None)]
    assert ("凤岭县教育体育局项目办", None) in got and ("凤岭县教育体育局计财股", None) in got


def test_a_unit_declared_once_for_every_later_item():
    text = ("一、重点任务\n1.编制学前教育布局规划。(责任单位:省教育厅、省自然资源厅,各市县政府。以下各项均需各市县政府落实,不再列出)\n"
            "2.每个乡镇办好1所公办中心幼儿园。(责任单位:省教育厅、省财政厅)\n3.配齐幼儿园教师。(责任单位:省委编办)\n")
    recs = records(text, PROVINCE)
    second = {r.unit for r in recs if r.task_span and "每个乡镇" in text[r.task_span[0]:r.task_span[1]]}
    third = {r.unit for r in recs if r.task_span and "配齐" in text[r.task_span[0]:r.task_span[1]]}
    assert second == {"甘肃省教育厅", "甘肃省财政厅", "各市县政府"} and third == {"甘肃省委编办", "各市县政府"}
    plain = records("一、任务\n1.编制规划。(责任单位:省教育厅)\n2.配齐教师。(责任单位:省委编办)\n", PROVINCE)
    assert [r.unit for r in plain] == ["甘肃省教育厅", "甘肃省委编办"]


def test_a_responsible_label_paired_with_a_partner_label_leads():
    assert units("(二)推进师资一体化。交流教师比例不低于15%。(责任单位:县教育局;配合单位:县人社局、县财政局)", COUNTY) == [
        ("某某县教育局", "lead"), ("某某县人力资源和社会保障局", "co"), ("某某县财政局", "co")]
    assert units("(三)推进教研一体化。每学期开展联合教研2次。(责任单位:县教育局)", COUNTY) == [("某某县教育局", None)]


def test_a_unit_marked_lead_inside_its_list():
    text = "(一)扩大学位供给。新增普通高中学位1800个。\n责任单位:县教育局(牵头)、县发改局、县财政局\n"
    assert units(text, COUNTY) == [("某某县教育局", "lead"), ("某某县发展和改革局", "co"), ("某某县财政局", "co")]


def test_divisions_of_a_provincial_department_under_a_label_with_an_order_note():
    text = ("甘肃省教育厅关于印发2026年全省基础教育工作要点的通知\n甘教基〔2026〕1号\n各市教育局:\n一、学前教育\n"
            "1.扩大普惠资源。新增公办幼儿园学位2万个。\n责任处室、单位(按处室、单位顺序排列,下同):基础教育处、计划财务处、省教育科学研究院。\n"
            "甘肃省教育厅\n2026年1月20日\n")
    got = {(r.unit, r.role) for r in records(text, None)}
    assert got == {("甘肃省教育厅基础教育处", None), ("甘肃省教育厅计划财务处", None), ("甘肃省教育科学研究院", None)}
    assert canonical_unit("街道办事处", COUNTY)[0] != "某某县教育局街道办事处"


def test_divisions_of_a_ministry_take_the_ministry_named_first():
    got = units("国务院教育督导委员会办公室会同教育部教师工作司、基础教育二司、财务司开展专项督导。", NATIONAL)
    assert got == [("国务院教育督导委员会办公室", "lead"), ("教育部教师工作司", "co"), ("教育部基础教育二司", "co"),
                   ("教育部财务司", "co")]


def test_a_level_written_once_before_a_list_of_department_types():
    got = units("省级人民政府教育督导机构会同省级教育、财政、人力资源社会保障部门组织复核。", PROVINCE)
    assert got == [("省级人民政府教育督导机构", "lead"), ("省级教育部门", "co"), ("省级财政部门", "co"),
                   ("省级人力资源社会保障部门", "co")]
