"""Responsible units (kb.extract.units) on the five seed plans and constructed variants.

The seeds are read from the golden files (tests/golden/<id>.text.txt,
.clauses.json, .metadata.json), so these tests depend only on the text and
clause tree the pipeline produced, not on the other extractors.
"""
from __future__ import annotations

import functools
import json
import re
import time


import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import DATA, ROOT, SEEDS
from kb.extract.units import canonical_unit, extract_responsibilities
from kb.models import Clause, Region
from kb.structure import parse_clauses

GOLDEN = ROOT / "tests" / "golden"
GOLD = json.loads((DATA / "gold-seeds.json").read_text(encoding="utf-8"))
DECLARED, INHERITED, NOT_DECLARED = "declared_first_is_lead", "inherited_first_is_lead (下同)", "not_declared"

COUNTY = Region("130500", "某某县", "county", "130500", "邢台市", "130000", "河北省")
DISTRICT = Region("210106", "铁西区", "county", "210100", "沈阳市", "210000", "辽宁省")
PROVINCE = Region("630000", "青海省", "province")
PUNING = Region("445281", "普宁市", "county", "445200", "揭阳市", "440000", "广东省")
JINJIANG = Region("350582", "晋江市", "county", "350500", "泉州市", "350000", "福建省")


@functools.lru_cache(maxsize=None)
def seed(short: str):
    """(text, clauses, region, records) of a seed, from its golden files."""
    stem = GOLDEN / SEEDS[short]
    text = (stem.parent / (stem.name + ".text.txt")).read_text(encoding="utf-8")
    text = text[:-1] if text.endswith("\n") else text
    rows = json.loads((stem.parent / (stem.name + ".clauses.json")).read_text(encoding="utf-8"))
    clauses = tuple(
        Clause(tuple(c["path"].split("/")) if c["path"] else (), c["heading"], c["start"], c["end"], c["kind"],
               text[c["start"]:c["end"]], tuple(tuple(x) for x in c.get("cells", [])))
        for c in rows
    )
    meta = json.loads((stem.parent / (stem.name + ".metadata.json")).read_text(encoding="utf-8"))
    region = Region(**meta["region"]) if meta["region"] else None
    return text, clauses, region, tuple(extract_responsibilities(text, clauses, region))


def locate(short: str, span: str, path: list[str]) -> tuple[int, int]:
    """Offsets of a gold span: the occurrence inside the clause with the gold path."""
    text, clauses, _, _ = seed(short)
    want = "/".join(path)
    hits = [m.start() for m in re.finditer(re.escape(span), text)]
    assert hits, f"gold span not in {short}: {span}"
    for h in hits:
        if any(c.start <= h < c.end and (c.path_str == want or c.path_str.startswith(want + "/")) for c in clauses):
            return h, h + len(span)
    return hits[0], hits[0] + len(span)


def overlapping(short: str, start: int, end: int):
    """Records whose task or words overlap [start, end) (as kb.evaluate selects them)."""
    return [r for r in seed(short)[3]
            if (r.task_span and r.task_span[0] < end and r.task_span[1] > start)
            or (r.span.start < end and r.span.end > start)]


def bare(name: str) -> str:
    return re.sub(r"\(collective\)$", "", name)


def rule_kind(gold_rule: str) -> str:
    if gold_rule.startswith("explicit"):
        return DECLARED
    if gold_rule.startswith("inherited"):
        return INHERITED
    return NOT_DECLARED


GOLD_RESP = [c for c in GOLD["clauses"] if c.get("responsibility")]


def test_gold_has_responsibility_records():
    assert {c["id"] for c in GOLD_RESP} >= {"G01", "G02", "G03", "G04", "G05", "G07", "G12", "G13", "G23", "G29"}


@pytest.mark.parametrize("clause", [c for c in GOLD_RESP if "items" not in c["responsibility"]], ids=lambda c: c["id"])
def test_gold_unit_lists(clause):
    resp = clause["responsibility"]
    start, end = locate(clause["doc"], clause["span"], clause["path"])
    got = overlapping(clause["doc"], start, end)
    assert got, clause["id"]
    assert {r.form for r in got} == {resp["form"]}
    assert {r.lead_rule for r in got} == {rule_kind(resp["lead_rule"])}
    if resp.get("lead") is None:
        assert [r.unit for r in got] == [bare(u) for u in resp["units"]]  # order kept
        assert all(r.role is None for r in got)
        units = resp["units"]
    else:
        assert [r.unit for r in got if r.role == "lead"] == resp["lead"]
        assert [r.unit for r in got if r.role == "co"] == [bare(u) for u in resp["co"]]
        units = resp["lead"] + resp["co"]
    flagged = {bare(u) for u in units if u.endswith("(collective)")}
    assert {r.unit for r in got if r.collective} - {"晋江经济开发区管委会"} == flagged
    if isinstance(resp["raw"], list):
        assert [r.unit_raw for r in got] == resp["raw"]


def test_gold_prose_items_g23():
    clause = next(c for c in GOLD_RESP if c["id"] == "G23")
    cues = {"会同": "prose_会同", "负责": "prose_负责"}
    for item in clause["responsibility"]["items"]:
        start, end = locate("002", item.get("span", clause["span"]), clause["path"])
        got = overlapping("002", start, end)
        assert {r.form for r in got} == {"prose"}
        assert [r.unit for r in got if r.role == "lead"] == item["lead"]
        assert [r.unit for r in got if r.role == "co"] == item["co"]
        assert {r.lead_rule for r in got} == {cues.get(item["cue"], "prose_subject")}


def test_spans_are_exact_and_raw_is_collapsed():
    for short in SEEDS:
        text, _, _, recs = seed(short)
        for r in recs:
            assert text[r.span.start:r.span.end] == r.span.text
            assert r.unit_raw == " ".join(r.span.text.replace("\n", "").split())
            assert r.task_span and 0 <= r.task_span[0] < r.task_span[1] <= len(text)
            if r.form == "prose":  # the sentence (or comma clause) the unit opens
                assert r.task_span[0] <= r.span.start < r.task_span[1]
            else:  # the paragraph before the list, or the row's task cells
                assert r.task_span[1] <= r.span.start


def groups(recs):
    out: dict = {}
    for r in recs:
        out.setdefault(r.task_span, []).append(r)
    return list(out.values())


def test_000_declared_once_then_inherited():
    text, _, _, recs = seed("000")
    # the text holds 20 unit parentheticals (DOMAIN.md says 21; the raw file has 20 too)
    gs = groups([r for r in recs if r.form == "trailing_paren"])
    assert len(gs) == 20 and len(recs) == 71
    assert {r.lead_rule for r in gs[0]} == {DECLARED}
    for g in gs[1:]:
        assert {r.lead_rule for r in g} == {INHERITED}
    for g in gs:
        assert [r.role for r in g] == ["lead"] + ["co"] * (len(g) - 1)
    last = gs[-1]
    assert [(r.unit, r.role) for r in last] == [("普宁市委宣传部", "lead"), ("普宁市教育局", "co")]
    branch = [r for r in recs if "分局" in r.unit]
    assert [r.unit for r in branch] == ["揭阳市生态环境局普宁分局"]
    assert [(r.unit, r.collective) for r in recs if r.collective] == [("各乡镇场街道", True)]
    assert not any(r.unit.startswith("普宁市揭阳") for r in recs)
    assert "粤府办" not in {r.unit_raw[:3] for r in recs}


def test_001_zeren_danwei_inherit_within_group_never_across_comma():
    text, clauses, _, recs = seed("001")
    gs = groups(recs)
    assert len(gs) == 14 and {r.form for r in recs} == {"zeren_danwei_paren"}
    assert {r.role for r in recs} == {None} and {r.lead_rule for r in recs} == {NOT_DECLARED}
    assert not any("市委财政" in r.unit or "市委人" in r.unit or "市委教育" in r.unit for r in recs)
    g = [r for r in gs if r[0].unit_raw == "市委编办" and len(r) == 4][0]
    assert [r.unit for r in g] == ["晋江市委编办", "晋江市教育局", "晋江市财政局", "晋江市人力资源和社会保障局"]
    g5 = [g for g in gs if any(r.unit_raw == "工信局" for r in g)][0]
    assert [r.unit for r in g5] == ["晋江市教育局", "晋江市财政局", "晋江市工业和信息化局", "晋江市高教发展中心",
                                    "晋江市西园街道", "晋江市安海镇", "晋江市磁灶镇", "晋江市金井镇", "晋江经济开发区管委会"]
    assert {r.unit for r in recs if r.collective} == {"各镇(街道)", "相关镇(街道)", "晋江经济开发区管委会"}
    back = [c for c in clauses if c.kind == "back"][0]
    assert not [r for r in recs if back.start <= r.span.start < back.end]  # 抄送 / distribution list


def test_002_prose_and_no_member_list():
    text, clauses, _, recs = seed("002")
    assert {r.form for r in recs} == {"prose"} and len(recs) == 18
    lead_group = [c for c in clauses if c.path_str == "六/(一)"][0]
    assert not [r for r in recs if lead_group.start <= r.span.start < lead_group.end]
    got = {(r.unit, r.role, r.lead_rule) for r in recs}
    assert ("恩平市教育局", "lead", "prose_负责") in got
    assert ("恩平市财政局", "lead", "prose_负责") in got
    assert ("恩平市科学技术协会", "lead", "prose_负责") in got
    assert ("恩平市人民武装部", "lead", "prose_负责") in got
    assert ("恩平市文化广电旅游体育局", "lead", "prose_负责") in got
    assert ("恩平市教育局", "co", "prose_会同") in got


def test_003_table_rows():
    text, clauses, _, recs = seed("003")
    assert {r.form for r in recs} == {"appendix_table"} and len(recs) == 94
    assert {r.role for r in recs} == {None} and {r.lead_rule for r in recs} == {NOT_DECLARED}
    rows = [c for c in clauses if c.kind == "table_row"]
    assert len(groups(recs)) == len(rows) == 33
    row = [c for c in rows if c.path_str == "附件2/政府保障程度/7"][0]
    got = [r for r in recs if row.start <= r.span.start < row.end]
    assert [r.unit for r in got] == ["温岭市教育局", "温岭市残疾人联合会", "温岭市财政局"]
    assert [r.unit_raw for r in got] == ["市教育局", "市 残 联", "市财政局"]
    task = [(s, e) for col, s, e in row.cells if col == "工作任务"][0]
    assert got[0].task_span[0] <= task[0] and got[0].task_span[1] == task[1]
    first = [c for c in rows if c.path_str == "附件2/政府保障程度/1"][0]
    split = [r for r in recs if first.start <= r.span.start < first.end and r.collective]
    assert [(r.unit_raw, r.unit) for r in split] == [("各镇(街道)", "各镇(街道)"), ("东部新区", "温岭东部新区管委会")]
    assert "共青团温岭市委" in {r.unit for r in recs}
    appendix1 = [c for c in clauses if c.path_str == "附件1"][0]
    assert not [r for r in recs if appendix1.start <= r.span.start < appendix1.end]  # 领导小组 members


def test_004_has_no_units():
    assert seed("004")[3] == ()


@pytest.mark.parametrize("raw,region,inherit,expected", [
    ("市发改局", PUNING, None, "普宁市发展和改革局"),
    ("市发展改革局", PUNING, None, "普宁市发展和改革局"),
    ("发展和改革局", PUNING, None, "普宁市发展和改革局"),
    ("市人社局", PUNING, None, "普宁市人力资源和社会保障局"),
    ("市人力资源社会保障局", PUNING, None, "普宁市人力资源和社会保障局"),
    ("市人力社保局", PUNING, None, "普宁市人力资源和社会保障局"),
    ("市住建局", PUNING, None, "普宁市住房和城乡建设局"),
    ("市住房城乡建设局", PUNING, None, "普宁市住房和城乡建设局"),
    ("市卫健局", PUNING, None, "普宁市卫生健康局"),
    ("市文广旅体局", PUNING, None, "普宁市文化广电旅游体育局"),
    ("市文广旅游体育局", PUNING, None, "普宁市文化广电旅游体育局"),
    ("市残联", PUNING, None, "普宁市残疾人联合会"),
    ("市 残 联", PUNING, None, "普宁市残疾人联合会"),
    ("市妇联", PUNING, None, "普宁市妇女联合会"),
    ("团市委", PUNING, None, "共青团普宁市委"),
    ("市委编办", PUNING, None, "普宁市委编办"),
    ("市市场监管局", PUNING, None, "普宁市市场监督管理局"),
    ("市自然资源和规划局", PUNING, None, "普宁市自然资源和规划局"),
    ("揭阳市生态环境局普宁分局", PUNING, None, "揭阳市生态环境局普宁分局"),
    ("教育局", JINJIANG, "泉州市政府办公室", "泉州市教育局"),
    ("财政局", JINJIANG, "市委编办", "晋江市财政局"),
    ("人\n力资源和社会保障局", JINJIANG, None, "晋江市人力资源和社会保障局"),
    ("省教育厅", PROVINCE, None, "青海省教育厅"),
    ("省发展改革委", PROVINCE, None, "青海省发展和改革委员会"),
    ("县发改局", COUNTY, None, "某某县发展和改革局"),
    ("市教育局", COUNTY, None, "邢台市教育局"),
    ("区教育局", DISTRICT, None, "铁西区教育局"),
    ("市府办", PUNING, None, "普宁市人民政府办公室"),
    ("市教育局", None, None, "市教育局"),
    ("某某县发改局", COUNTY, None, "某某县发展和改革局"),
    ("团县委", COUNTY, None, "共青团某某县委"),
    ("宣传部", COUNTY, "县委组织部", "某某县委宣传部"),
    ("县政府办", COUNTY, None, "某某县人民政府办公室"),
])
def test_canonical_unit(raw, region, inherit, expected):
    assert canonical_unit(raw, region, inherit) == (expected, False)


@pytest.mark.parametrize("raw", ["各乡镇场街道", "各镇(街道)", "相关镇(街道)", "各县(市、区)人民政府", "县级各有关部门"])
def test_collectives_kept_whole(raw):
    assert canonical_unit(raw, PUNING) == (raw, True)


def test_zone_named_as_gold():
    assert canonical_unit("经济开发区", JINJIANG, "市教育局") == ("晋江经济开发区管委会", True)


def run(text: str, region: Region | None):
    return extract_responsibilities(text, parse_clauses(text), region)


def triples(recs):
    return [(r.unit, r.role, r.lead_rule) for r in recs]


def test_county_line_labels():
    text = "一、主要任务\n\n(一)加快学校建设。新建学校5所。\n\n牵头单位:县发改局\n\n责任单位:县教育局、县财政局\n"
    recs = run(text, COUNTY)
    assert triples(recs) == [("某某县发展和改革局", "lead", "label_牵头单位"),
                             ("某某县教育局", "co", "label_责任单位"), ("某某县财政局", "co", "label_责任单位")]
    assert {r.form for r in recs} == {"label"}
    assert text[slice(*recs[0].task_span)] == "(一)加快学校建设。新建学校5所。"


def test_inline_labels():
    text = "一、任务\n\n1.建设学校。牵头单位:区发改局;责任单位:区教育局、区财政局。\n"
    assert triples(run(text, DISTRICT)) == [("铁西区发展和改革局", "lead", "label_牵头单位"),
                                            ("铁西区教育局", "co", "label_责任单位"), ("铁西区财政局", "co", "label_责任单位")]


def test_county_qiantou_paren():
    text = "一、主要任务\n\n1.加快学校建设。新建学校5所。(县政府办公室、县教育局牵头,县级各有关部门按职责分工负责)\n"
    recs = run(text, COUNTY)
    assert triples(recs) == [("某某县人民政府办公室", "lead", "x_牵头"), ("某某县教育局", "lead", "x_牵头"),
                             ("县级各有关部门", "co", "x_牵头")]
    assert [r.collective for r in recs] == [False, False, True]
    assert text[slice(*recs[0].task_span)] == "1.加快学校建设。新建学校5所。"


def test_district_zeren_danwei():
    text = "一、主要任务\n\n1.加快学校建设,完成投资。(责任单位:区教育局、区财政局、各街道办事处)\n"
    recs = run(text, DISTRICT)
    assert triples(recs) == [("铁西区教育局", None, NOT_DECLARED), ("铁西区财政局", None, NOT_DECLARED),
                             ("各街道办事处", None, NOT_DECLARED)]
    assert recs[2].collective and {r.form for r in recs} == {"zeren_danwei_paren"}


def test_province_qiantou_peihe():
    text = "一、主要任务\n\n1.加快学校建设,完成投资。(省教育厅牵头,省发展改革委、省财政厅配合)\n"
    assert triples(run(text, PROVINCE)) == [("青海省教育厅", "lead", "x_牵头"),
                                            ("青海省发展和改革委员会", "co", "x_牵头"), ("青海省财政厅", "co", "x_牵头")]


def test_declaration_without_xiatong_applies_once():
    text = ("一、任务\n\n1.建设学校。(市教育局、市财政局,排名第一位为牵头单位)\n\n"
            "2.培训教师。(市教育局、市人社局)\n")
    assert triples(run(text, PUNING)) == [("普宁市教育局", "lead", DECLARED), ("普宁市财政局", "co", DECLARED),
                                          ("普宁市教育局", None, NOT_DECLARED), ("普宁市人力资源和社会保障局", None, NOT_DECLARED)]


def test_labels_inside_parentheses():
    text = "一、任务\n\n1.建设学校,完成投资。(牵头单位:市教育局;配合单位:市财政局、市人社局)\n"
    recs = run(text, PUNING)
    assert triples(recs) == [("普宁市教育局", "lead", "label_牵头单位"), ("普宁市财政局", "co", "label_配合单位"),
                             ("普宁市人力资源和社会保障局", "co", "label_配合单位")]
    assert {r.form for r in recs} == {"zeren_danwei_paren"}


def test_unit_list_on_its_own_line_takes_the_paragraph_before():
    text = "一、任务\n\n1.建设学校,完成投资。\n\n(责任单位:市教育局、财政局)\n"
    recs = run(text, PUNING)
    assert [r.unit for r in recs] == ["普宁市教育局", "普宁市财政局"]
    assert text[slice(*recs[0].task_span)] == "1.建设学校,完成投资。"


def test_prose_comma_clauses():
    text = "一、任务\n\n1.职责分工:市教育局负责统筹,市财政局负责保障。\n"
    recs = run(text, PUNING)
    assert triples(recs) == [("普宁市教育局", "lead", "prose_负责"), ("普宁市财政局", "lead", "prose_负责")]
    assert [text[slice(*r.task_span)] for r in recs] == ["市教育局负责统筹", "市财政局负责保障"]


def test_prose_qiantou_and_peihe():
    text = "一、任务\n\n1.县教育局牵头,县财政局、县人社局按职责分工负责,做好教师招聘。县残联配合县教育局做好安置工作。\n"
    assert triples(run(text, COUNTY)) == [
        ("某某县教育局", "lead", "prose_牵头"), ("某某县财政局", "co", "prose_牵头"),
        ("某某县人力资源和社会保障局", "co", "prose_牵头"),
        ("某某县残疾人联合会", "co", "prose_配合"), ("某某县教育局", "lead", "prose_配合")]


@pytest.mark.parametrize("text", [
    "一、任务\n\n1.实施三年行动计划(2023—2025年)。\n",
    "一、任务\n\n1.公办园在园幼儿占比达到50%(含民办)。\n",
    "一、任务\n\n1.执行《学校管理办法》(试行)。\n",
    "一、任务\n\n1.每个县(市、区)至少建设1所。各县(市、区)要落实。\n",
    "一、任务\n\n1.各地、各学校要将随迁子女统一管理。各级党委和政府要将教育列入议程。\n",
    "附件1\n\n工作领导小组\n\n组  长:王宗明\n\n成  员:余海波(市府办)\n\n周志云(市教育局)\n",
    "抄送:泉州市政府办公室、教育局,晋江市委办、人大办、政协办。\n",
])
def test_negatives_produce_nothing(text):
    assert run(text, PUNING) == []


# --- issue 11: central ministries, provincial departments, more prose shapes ----

ANHUI = Region("340000", "安徽省", "province")
LUAN = Region("341522", "霍邱县", "county", "341500", "六安市", "340000", "安徽省")


@pytest.mark.parametrize("raw,region,expected", [
    ("教育部", None, "教育部"),
    ("教育部", LUAN, "教育部"),
    ("国家发展和改革委员会", ANHUI, "国家发展改革委"),
    ("人力资源和社会保障部", None, "人力资源社会保障部"),
    ("住房和城乡建设部", LUAN, "住房城乡建设部"),
    ("国家卫生健康委员会", None, "国家卫生健康委"),
    ("县教体局", LUAN, "霍邱县教育体育局"),
    ("县教育体育局", LUAN, "霍邱县教育体育局"),
])
def test_canonical_central_and_county(raw, region, expected):
    assert canonical_unit(raw, region) == (expected, False)


def test_central_qiantou_paren_without_prefix():
    text = ("二、重点任务\n\n1.改善寄宿条件。各地要补齐宿舍床位。(教育部牵头,国家发展改革委、民政部按职责分工负责)\n"
            "2.配齐卫生人员。每校至少配备1名卫生专业人员。(国家卫生健康委、教育部按职责分工负责)\n")
    recs = run(text, None)
    assert triples(recs) == [("教育部", "lead", "x_牵头"), ("国家发展改革委", "co", "x_牵头"), ("民政部", "co", "x_牵头"),
                             ("国家卫生健康委", None, NOT_DECLARED), ("教育部", None, NOT_DECLARED)]
    assert text[slice(*recs[0].task_span)] == "1.改善寄宿条件。各地要补齐宿舍床位。"


def test_central_huitong_object_ends_at_preposition():
    text = ("三、保障措施\n\n(一)强化督导。教育部会同人力资源社会保障部、财政部对各地落实情况开展督查。"
            "民政部将会同国家统计局加大监测力度。\n")
    assert triples(run(text, None)) == [
        ("教育部", "lead", "prose_会同"), ("人力资源社会保障部", "co", "prose_会同"), ("财政部", "co", "prose_会同"),
        ("民政部", "lead", "prose_会同"), ("国家统计局", "co", "prose_会同")]


def test_wei_qiantou_danwei_with_members_or_huitong():
    text = ("四、组织实施\n\n(一)建立联席机制。省教育厅为牵头单位,省民政厅、省财政厅为成员单位,每季度会商一次。\n"
            "(二)加强协调。省财政厅为牵头单位,会同省教育厅、省人力资源社会保障厅等部门制定补助办法。\n")
    assert triples(run(text, ANHUI)) == [
        ("安徽省教育厅", "lead", "prose_牵头"), ("安徽省民政厅", "co", "prose_牵头"), ("安徽省财政厅", "co", "prose_牵头"),
        ("安徽省财政厅", "lead", "prose_牵头"), ("安徽省教育厅", "co", "prose_牵头"),
        ("安徽省人力资源和社会保障厅", "co", "prose_牵头")]


def test_you_qiantou_closing_an_item_covers_the_item():
    text = "二、任务\n\n1.补充教师。每年招聘教师不少于300名。由县教体局牵头,县委编办、县财政局配合。\n"
    recs = run(text, LUAN)
    assert triples(recs) == [("霍邱县教育体育局", "lead", "prose_牵头"), ("霍邱县委编办", "co", "prose_牵头"),
                             ("霍邱县财政局", "co", "prose_牵头")]
    assert text[slice(*recs[0].task_span)] == "1.补充教师。每年招聘教师不少于300名。由县教体局牵头,县委编办、县财政局配合"


def test_joint_duty_sentence_has_no_lead():
    text = "三、保障\n\n县财政局、县教育体育局按职责分工负责,将营养餐补助列入年度预算。\n"
    assert triples(run(text, LUAN)) == [("霍邱县财政局", None, NOT_DECLARED), ("霍邱县教育体育局", None, NOT_DECLARED)]


def test_fuze_paren_names_the_lead():
    text = "二、任务\n\n3.开展培训。每年培训教师2000人次。(县教育体育局负责)\n"
    assert triples(run(text, LUAN)) == [("霍邱县教育体育局", "lead", "x_负责")]


def test_article_fuze_then_duty_clause():
    text = "第五条 区教育局负责学校布局的统筹管理,区财政局、区民政局按照各自职责做好相关工作。\n"
    assert triples(run(text, DISTRICT)) == [("铁西区教育局", "lead", "prose_负责"), ("铁西区财政局", "co", "prose_负责"),
                                            ("铁西区民政局", "co", "prose_负责")]


def test_unit_as_subject_of_routine_action():
    text = "二、任务\n\n2.严格编制管理。县委编办每两年核定一次中小学教职工编制。\n"
    assert triples(run(text, LUAN)) == [("霍邱县委编办", "lead", "prose_subject")]


def test_wo_ting_is_the_issuer():
    text = ("安徽省教育厅关于某某市申请开展学前教育普及普惠督导评估的复函\n皖教函〔2023〕15号\n某某市人民政府:\n"
            "你市来函收悉。现函复如下:\n一、同意你市开展创建工作。\n二、我厅将会同省财政厅在项目安排上予以支持。\n"
            "安徽省教育厅\n2023年5月8日\n")
    recs = run(text, ANHUI)
    assert triples(recs) == [("安徽省教育厅", "lead", "prose_会同"), ("安徽省财政厅", "co", "prose_会同")]
    assert recs[0].unit_raw == "我厅" and text[recs[0].span.start:recs[0].span.end] == "我厅"


def test_without_region_units_take_the_issuers_county():
    text = ("长阳自治县人民政府办公室关于印发长阳自治县学前教育提升行动方案的通知\n各乡镇人民政府:\n现印发给你们。\n"
            "长阳自治县人民政府办公室\n2023年3月1日\n长阳自治县学前教育提升行动方案\n一、任务\n"
            "(一)扩充资源。新建幼儿园3所。(牵头单位:县教育局;配合单位:县财政局)\n")
    assert [(r.unit, r.role) for r in run(text, None)] == [("长阳土家族自治县教育局", "lead"), ("长阳土家族自治县财政局", "co")]


@pytest.mark.parametrize("text", [
    "二、任务\n\n1.中央财政按照每生每年500元给予补助。教育行政部门要加强指导。\n",
    "二、任务\n\n1.我局将加强督导检查。\n",
    "二、任务\n\n1.各县(市、区)每年组织一次评估。\n",
])
def test_new_shapes_negatives(text):
    assert run(text, LUAN) == []


ALPHABET = "0123456789.%:、,;。()年月日到前起以上下不低于市县区省局委办厅联街道镇各牵头责任单位配合负责会同将下同排名第一位为\n "
REAL_LINES = [ln for short in SEEDS for ln in seed(short)[0].split("\n") if ln.strip()]


def check(text: str, clauses) -> None:
    for r in extract_responsibilities(text, clauses, PUNING):
        assert 0 <= r.span.start <= r.span.end <= len(text)
        assert text[r.span.start:r.span.end] == r.span.text
        assert r.task_span is None or 0 <= r.task_span[0] <= r.task_span[1] <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=300), st.lists(st.tuples(st.integers(-5, 320), st.integers(-5, 320)), max_size=4))
def test_random_text_never_raises(text, bounds):
    check(text, parse_clauses(text))
    check(text, [Clause((), "", s, e, "table_row", "", (("责任单位", s, e),)) for s, e in bounds])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REAL_LINES), max_size=12), st.randoms())
def test_shuffled_real_lines_never_raise(lines, rnd):
    rnd.shuffle(lines)
    text = "\n".join(lines)
    check(text, parse_clauses(text))
    check(text, [])

def _timed(text: str, clauses) -> float:
    t = time.perf_counter()
    extract_responsibilities(text, clauses, PUNING)
    return time.perf_counter() - t


@pytest.mark.parametrize("sentence, want", [
    ("乡村教师生活补助按每人每月不低于400元发放。(省财政厅会同省教育厅负责)", {("省财政厅", "lead"), ("省教育厅", "co")}),
    ("此项工作由市级教育行政部门会同机构编制部门负责落实。", {("市级教育行政部门", "lead"), ("机构编制部门", "co")}),
    ("所需资金由县财政局、各乡镇人民政府负责。", {("县财政局", "lead"), ("各乡镇人民政府", "lead")}),
])
def test_huitong_in_brackets_and_a_topic_before_the_unit(sentence, want):
    from kb.extract.units import extract_responsibilities
    got = extract_responsibilities(sentence, [Clause((), "", 0, len(sentence), "item", sentence)], None)
    assert {(r.unit, r.role) for r in got} == want
