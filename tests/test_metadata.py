"""Metadata extraction: gold for the five real plans, constructed genre variants, robustness."""
import json
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, seed_norm
from kb.citations import find_citations, title_key
from kb.metadata import extract_metadata, parse_date
from kb.models import Metadata

GOLD = {g["doc"]: g for g in json.loads((DATA / "gold-seeds.json").read_text(encoding="utf-8"))["metadata"]}
DOCS = sorted(GOLD)
DATE_KEYS = {"signed": "signed_date", "published": "published", "printed": "printed_date", "generated": "generated_date"}


def meta(short: str) -> tuple[str, Metadata]:
    text = seed_norm(short).text
    return text, extract_metadata(text)


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def check_offsets(text: str, md: Metadata) -> None:
    """Every offset lies in the text, and the spans hold the words they claim."""
    n = len(text)
    spans = [md.title_span, md.notice_title_span, *md.issuer_spans]
    spans += [(d.start, d.end) for d in md.dates] + [(c.start, c.end) for c in md.citations]
    if md.doc_number:
        spans.append((md.doc_number.start, md.doc_number.end))
    for span in spans:
        if span is not None:
            assert 0 <= span[0] <= span[1] <= n, span
    if md.title_span:
        assert squeeze(text[slice(*md.title_span)]) == squeeze(md.title)
    if md.notice_title_span:
        assert squeeze(text[slice(*md.notice_title_span)]) == squeeze(md.notice_title)
    for name, span in zip(md.issuers, md.issuer_spans):
        assert text[slice(*span)] == name
    for c in md.citations:
        assert text[c.start] == "《"
        assert squeeze(c.title) in squeeze(text[c.start : c.end])


# --- gold ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("short", DOCS)
def test_gold_titles_and_number(short):
    g = GOLD[short]
    text, md = meta(short)
    assert md.title == g["title"]
    assert md.notice_title == g.get("notice_title")
    if g["doc_number"] is None:
        assert md.doc_number is None
    else:
        parts = g["doc_number_parts"]
        assert md.doc_number.text == g["doc_number"]
        assert (md.doc_number.prefix, md.doc_number.year, md.doc_number.seq) == (
            parts["prefix"], parts["year"], parts["seq"])  # fmt: skip
        assert text[md.doc_number.start : md.doc_number.end] == g["doc_number"]
    assert md.index_no == g.get("index_no")


@pytest.mark.parametrize("short", DOCS)
def test_gold_issuers_dates_region(short):
    g = GOLD[short]
    text, md = meta(short)
    assert md.issuers == tuple(g["issuers"])
    for kind, key in DATE_KEYS.items():
        assert md.date(kind) == g.get(key), kind
    assert len({d.kind for d in md.dates}) == len(md.dates)
    gr, r = g["region"], md.region
    expected = gr["county"] or gr["prefecture"] or gr["province"]
    assert r is not None and r.name == expected
    if gr["county"]:
        assert (r.level, r.prefecture, r.province) == ("county", gr["prefecture"], gr["province"])
    else:
        assert r.level == "province"


@pytest.mark.parametrize("short", DOCS)
def test_gold_citations(short):
    g = GOLD[short]
    text, md = meta(short)
    got = [(c.title, c.doc_number, c.inner_title) for c in md.citations]
    want = [(c["title"], c["number"], c.get("inner_title")) for c in g["cited"]]
    assert len(got) == len(want) == len(set(got))
    assert got == want


@pytest.mark.parametrize("short", DOCS)
def test_citations_in_order_of_first_appearance(short):
    text, md = meta(short)
    flat = squeeze(text)
    firsts = [flat.find("《" + title_key(c.title)) for c in md.citations]
    assert -1 not in firsts and firsts == sorted(firsts)


@pytest.mark.parametrize("short", DOCS)
def test_gold_offsets(short):
    text, md = meta(short)
    check_offsets(text, md)


def test_date_labels_keep_the_page_words():
    labels = {s: {d.kind: d.label for d in meta(s)[1].dates} for s in DOCS}
    assert labels["000"]["published"] == "发布时间"
    assert labels["001"] == {"generated": "公文生成日期", "published": "时间", "signed": "落款", "printed": "印发"}
    assert labels["002"]["published"] == "发文日期"
    assert labels["003"]["published"] == "发布日期"
    assert "signed" not in labels["004"]


def test_number_of_001_comes_from_the_metadata_block():
    text, md = meta("001")
    assert text[: md.doc_number.start].endswith("备注/文号:")


def test_title_split_over_two_lines_keeps_its_heading_span():
    text, md = meta("001")
    assert text[slice(*md.title_span)] == "晋江市基础教育提升三年行动方案\n\n(2023—2025年)"


# --- constructed variants ------------------------------------------------------------------------

BRACKETS = """泰顺县教育局文件

泰教发[2021]第12号

泰顺县教育局关于印发泰顺县学前教育普及普惠发展实施方案的通知

各乡镇中心学校,局属各学校:

现将《泰顺县学前教育普及普惠发展实施方案》印发给你们,请认真贯彻执行。

泰顺县教育局

二〇二一年三月十日

泰顺县学前教育普及普惠发展实施方案

为贯彻落实《浙江省学前教育条例》(浙人大[2017]第3号)精神,制定本方案。

一、工作目标

到2025年,学前三年毛入园率达到98%以上。
"""


def test_number_with_square_brackets_and_di_county_bureau_chinese_date():
    md = extract_metadata(BRACKETS)
    check_offsets(BRACKETS, md)
    n = md.doc_number
    assert (n.text, n.prefix, n.year, n.seq) == ("泰教发〔2021〕12号", "泰教发", 2021, 12)
    assert BRACKETS[n.start : n.end] == "泰教发[2021]第12号"
    assert md.title == "泰顺县学前教育普及普惠发展实施方案"
    assert md.notice_title == "泰顺县教育局关于印发泰顺县学前教育普及普惠发展实施方案的通知"
    assert md.issuers == ("泰顺县教育局",)
    assert md.date("signed") == "2021-03-10"
    assert BRACKETS[md.dates[0].start : md.dates[0].end] == "二〇二一年三月十日"
    assert md.region.code == "330329" and md.region.prefecture == "温州市"
    assert [(c.title, c.doc_number) for c in md.citations] == [("浙江省学前教育条例", "浙人大〔2017〕3号")]


TABLE_ROW = """索引号:11330329002524X/2021-00031    文 号:泰教〔2021〕7号    发布机构:泰顺县教育局
发布日期:2021年04月02日

泰顺县义务教育优质均衡发展三年行动计划

为深入推进义务教育优质均衡发展,根据《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号),制定本计划。

一、总体目标

到2023年,全县义务教育学校达到省定标准。
"""


def test_number_only_in_information_table_row_and_page_without_notice():
    md = extract_metadata(TABLE_ROW)
    check_offsets(TABLE_ROW, md)
    assert md.doc_number.text == "泰教〔2021〕7号"
    assert md.index_no == "11330329002524X/2021-00031"
    assert md.notice_title is None
    assert md.title == "泰顺县义务教育优质均衡发展三年行动计划"
    assert md.issuers == ("泰顺县教育局",)  # from 发布机构
    assert md.date("published") == "2021-04-02" and md.dates[0].label == "发布日期"
    assert md.date("signed") is None
    assert md.region.code == "330329"


def test_number_label_and_value_on_separate_lines():
    md = extract_metadata("文号:\n\n温政办发[2020]第5号\n\n温岭市某某实施方案\n\n一、目标\n")
    assert md.doc_number.text == "温政办发〔2020〕5号"


def test_number_below_the_notice_when_the_plan_has_no_heading_of_its_own():
    text = "温岭市人民政府办公室关于印发温岭市某某实施方案的通知\n\n温政办发〔2020〕5号\n\n各镇人民政府:\n\n一、目标\n"
    md = extract_metadata(text)
    assert md.doc_number.text == "温政办发〔2020〕5号"
    assert md.title == "温岭市某某实施方案" and text[slice(*md.title_span)] == md.title


def test_cited_numbers_are_never_the_documents_own():
    text = ("普宁市学校建设行动方案\n\n为落实《广东省推动基础教育高质量发展行动方案》(粤府〔2021〕55号),\n"
            "根据普府办〔2022〕22号要求,制定本方案。\n\n一、目标\n")  # fmt: skip
    md = extract_metadata(text)
    assert md.doc_number is None
    assert [(c.title, c.doc_number) for c in md.citations] == [("广东省推动基础教育高质量发展行动方案", "粤府〔2021〕55号")]


JOINT = """中共温岭市委办公室 温岭市人民政府办公室关于印发温岭市教育现代化三年行动方案的通知

各镇党委、人民政府,各街道党工委、办事处,市级机关各单位:

《温岭市教育现代化三年行动方案》已经市委、市政府同意,现印发给你们,请结合实际认真贯彻落实。

中共温岭市委办公室        温岭市人民政府办公室

2023年3月10日

温岭市教育现代化三年行动方案

一、目标任务

到2025年,全面实现教育现代化。

中共温岭市委办公室                2023年3月12日印发
"""


def test_joint_party_and_government_offices():
    md = extract_metadata(JOINT)
    check_offsets(JOINT, md)
    assert md.issuers == ("中共温岭市委办公室", "温岭市人民政府办公室")
    assert md.date("signed") == "2023-03-10" and md.date("printed") == "2023-03-12"
    assert md.region.code == "331081"
    assert md.citations == ()  # the plan's own title is not a citation


@pytest.mark.parametrize(
    "signature",
    ["中共温岭市委办公室\n\n温岭市人民政府办公室", "中共温岭市委办公室温岭市人民政府办公室", "中共温岭市委办公室、温岭市人民政府办公室"],
)
def test_joint_issuers_from_the_signature(signature):
    text = (f"关于印发温岭市教育现代化三年行动方案的通知\n\n各镇党委、人民政府:\n\n现将《温岭市教育现代化三年行动方案》印发给你们。\n\n"
            f"{signature}\n\n2023年3月10日\n\n温岭市教育现代化三年行动方案\n\n一、目标任务\n")  # fmt: skip
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.issuers == ("中共温岭市委办公室", "温岭市人民政府办公室")
    assert md.date("signed") == "2023-03-10"


THREE_LINES = """鼓楼区推进义务教育

优质均衡发展三年

行动方案

发布时间:2022-05-06 09:30    来源:鼓楼区教育局

为推进福州市鼓楼区义务教育优质均衡发展,结合福州实际,制定本方案。

一、工作目标

到2024年,全区义务教育优质均衡。

鼓楼区教育局

2022年5月1日
"""


def test_title_over_three_lines_without_notice():
    md = extract_metadata(THREE_LINES)
    check_offsets(THREE_LINES, md)
    assert md.title == "鼓楼区推进义务教育优质均衡发展三年行动方案"
    assert THREE_LINES[slice(*md.title_span)] == "鼓楼区推进义务教育\n\n优质均衡发展三年\n\n行动方案"
    assert md.notice_title is None
    assert md.issuers == ("鼓楼区教育局",)
    assert md.date("published") == "2022-05-06T09:30" and md.date("signed") == "2022-05-01"
    assert md.region.code == "350102"  # 鼓楼区 of 福州, by the hints


def test_title_over_three_lines_with_notice_split_over_lines():
    text = ("鼓楼区教育局\n\n关于印发鼓楼区推进义务教育优质均衡发展\n\n三年行动方案的通知\n\n各中小学:\n\n"
            "现将《鼓楼区推进义务教育优质均衡发展三年行动方案》印发给你们。\n\n鼓楼区教育局\n\n2022年5月1日\n\n"
            "鼓楼区推进义务教育\n\n优质均衡发展三年\n\n行动方案\n\n为推进南京市鼓楼区义务教育优质均衡发展,制定本方案。\n")  # fmt: skip
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.notice_title == "鼓楼区教育局关于印发鼓楼区推进义务教育优质均衡发展三年行动方案的通知"
    assert md.title == "鼓楼区推进义务教育优质均衡发展三年行动方案"
    assert text[md.title_span[0] :].startswith("鼓楼区推进义务教育\n\n优质均衡发展三年\n\n行动方案\n\n为推进")
    assert md.issuers == ("鼓楼区教育局",)
    assert md.region.code == "320106"  # 鼓楼区 of 南京 this time


def test_authorised_release_tag_and_joint_statement():
    text = ("(受权发布)关于加强县域普通高中建设的实施意见\n\n来源:中共某某省委办公厅 发布时间:2024-10-08 08:55\n\n"
            "近日,中共河南省委办公厅、河南省人民政府办公厅印发《关于加强县域普通高中建设的实施意见》,要求认真贯彻落实。\n\n"
            "《关于加强县域普通高中建设的实施意见》全文如下。\n\n一、总体要求\n")  # fmt: skip
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.title == "关于加强县域普通高中建设的实施意见"
    assert text[md.title_span[0] - 1] == ")"
    assert md.issuers == ("中共河南省委办公厅", "河南省人民政府办公厅")
    assert md.region.code == "410000"
    assert md.date("published") == "2024-10-08T08:55" and md.date("signed") is None
    assert md.citations == ()


def test_historic_region_name_in_a_title_without_issuer():
    text = "首页 > 政务公开\n\n吴江市中小学校布局规划(2021—2025年)\n\n发布日期:2021-06-01\n\n一、规划背景\n"
    md = extract_metadata(text)
    assert md.title == "吴江市中小学校布局规划(2021—2025年)"
    assert md.region.code == "320509"


def test_citations_nested_deduplicated_and_normalised():
    text = ("落实《教育部等六部门关于印发〈义务教育质量评价指南〉的通知》(教基[2021]第3号)和《幼儿园教育指导纲要》"
            "《幼儿园工作规程》。\n\n贯彻《幼儿园教育指导纲要(试行)》《幼儿园工作规程》《关于印发《X办法》的通知》。\n")  # fmt: skip
    cs = find_citations(text)
    assert [(c.title, c.doc_number, c.inner_title) for c in cs] == [
        ("教育部等六部门关于印发〈义务教育质量评价指南〉的通知", "教基〔2021〕3号", "义务教育质量评价指南"),
        ("幼儿园教育指导纲要(试行)", None, None),
        ("幼儿园工作规程", None, None),
        ("关于印发《X办法》的通知", None, "X办法"),
    ]
    assert text[cs[0].start : cs[0].end].endswith("(教基[2021]第3号)")
    assert find_citations("《未闭合的标题\n\n另一段》") == ()


@pytest.mark.parametrize(
    "args, value",
    [
        (("二〇二三", "三", "十"), "2023-03-10"),
        (("二○二二", "十二", "三十一"), "2022-12-31"),
        (("二〇二〇", "四", "廿七"), "2020-04-27"),
        (("2023", "01", "28", "19", "10"), "2023-01-28T19:10"),
        (("2020", "8", "4", "10", "21", "04"), "2020-08-04T10:21:04"),
        (("2023", "2", "30"), None),
        (("2023", "十三", "1"), None),
    ],
)
def test_parse_date(args, value):
    assert parse_date(*args) == value


def test_empty_and_odd_input():
    for text in ["", "\n\n", "《", "》", "关于印发的通知", "文号:", "2023年2月30日", None]:
        md = extract_metadata(text)  # type: ignore[arg-type]
        assert isinstance(md, Metadata)


# --- the genre: titles, 文号, issuers, dates and regions of every kind of document ---------------------
# Constructed documents in the shapes of tests/data/FORMS.md (invented wording and numbers).


def _doc(title: str, number: str = "云政办发〔2021〕7号", who: str = "云溪县人民政府办公室", when: str = "2021年6月3日") -> str:
    return (f"{title}\n{number}\n\n各乡镇人民政府,县直各单位:\n近年来,全县学前教育取得长足发展。现就有关事项说明如下。\n"
            f"一、总体要求\n到2025年,学前三年毛入园率达到95%以上。\n\n{who}\n{when}\n")


GENRE_TITLES = [
    "云溪县人民政府办公室关于做好2021年秋季学期开学工作的通知",
    "云溪县人民政府关于加快发展学前教育的意见",
    "中共云溪县委 云溪县人民政府关于深化教育改革的实施意见",
    "云溪县义务教育优质均衡发展实施方案(2021—2023年)",
    "云溪县“十四五”教育事业发展规划",
    "云溪县学前教育普及普惠三年行动计划(2021—2023年)",
    "云溪县人民政府关于县教育局中小学布局调整规划的批复",
    "云溪县教育局关于青禾镇中心学校改扩建有关问题的复函",
    "云溪县教育局关于县政协十届一次会议第12号提案的答复",
    "云溪县教育局关于2020年度学校安全工作检查情况的通报",
    "云溪县人民政府关于表彰2020年度教育工作先进集体的决定",
    "云溪县中小学校舍安全管理办法",
    "云溪县教师交流轮岗若干规定",
    "云溪县义务教育阶段学校招生工作实施细则",
    "云溪县人民政府关于调整学校布局的函",
]


@pytest.mark.parametrize("title", GENRE_TITLES)
def test_title_of_every_genre(title):
    text = _doc(title)
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.title == title and md.notice_title is None
    assert md.doc_number.text == "云政办发〔2021〕7号"
    assert md.date("signed") == "2021-06-03"


def test_title_of_a_regulation_and_of_an_order():
    regulation = ("北岭省人民代表大会常务委员会公告\n(第三十二号)\n\n《北岭省学前教育条例》已由北岭省第九届人民代表大会常务委员会"
                  "第五次会议于2017年9月28日通过,现予公布,自2018年1月1日起施行。\n\n北岭省人民代表大会常务委员会\n2017年9月28日\n\n"
                  "北岭省学前教育条例\n(2017年9月28日北岭省第九届人民代表大会常务委员会第五次会议通过)\n\n第一章 总  则\n"
                  "第一条 为了发展学前教育,制定本条例。\n")  # fmt: skip
    md = extract_metadata(regulation)
    check_offsets(regulation, md)
    assert md.title == "北岭省学前教育条例"  # never joined with the date line above it
    assert md.doc_number.text == "北岭省人民代表大会常务委员会公告第32号" and md.doc_number.year is None
    assert md.doc_number.kind == "announcement_number"
    assert md.issuers == ("北岭省人民代表大会常务委员会",)
    assert md.date("signed") == "2017-09-28"
    order = ("桐川市人民政府令\n第45号\n\n《桐川市配套幼儿园建设管理办法》已经2019年3月1日市人民政府第20次常务会议通过,"
             "现予公布,自2019年5月1日起施行。\n\n市长 某某\n2019年3月12日\n\n桐川市配套幼儿园建设管理办法\n\n"
             "第一条 为规范配套幼儿园建设,制定本办法。\n")  # fmt: skip
    md = extract_metadata(order)
    check_offsets(order, md)
    assert md.title == "桐川市配套幼儿园建设管理办法"
    assert (md.doc_number.text, md.doc_number.kind) == ("桐川市人民政府令第45号", "order_number")
    assert md.issuers == ("桐川市人民政府",)
    assert md.date("signed") == "2019-03-12"  # under the mayor's signature


@pytest.mark.parametrize("number, text, prefix", [
    ("国令第712号", "国令第712号", "国令"),
    ("国务院令 第712号", "国令第712号", "国令"),
    ("桐府令第18号", "桐府令第18号", "桐府令"),
    ("国办发明电〔2020〕3号", "国办发明电〔2020〕3号", "国办发明电"),
])
def test_numbers_of_orders_and_telegrams(number, text, prefix):
    md = extract_metadata(f"发文字号:{number}\n\n某某条例\n\n第一条 为了……,制定本条例。\n")
    assert (md.doc_number.text, md.doc_number.prefix) == (text, prefix)


def test_a_printed_notice_is_the_notice_of_the_plan_it_issues_not_of_the_plans_it_cites():
    text = ("云溪县教育局关于印发云溪县学校建设三年行动方案的通知\n\n各中小学:\n"
            "省人民政府印发《北岭省推动基础教育高质量发展行动方案》,对学校建设提出明确要求。"
            "市教育局制定了《桐川市学位扩容方案》,请一并参照执行。现将《云溪县学校建设三年行动方案》印发给你们,请认真贯彻执行。\n\n"
            "云溪县教育局\n2022年5月6日\n\n云溪县学校建设三年行动方案\n\n一、目标\n")  # fmt: skip
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.title == "云溪县学校建设三年行动方案"
    assert [c.title for c in md.citations] == ["北岭省推动基础教育高质量发展行动方案", "桐川市学位扩容方案"]
    body = "云溪县教师队伍建设方案\n\n为落实上级部署,省人民政府印发《北岭省教师队伍建设规划》,结合实际制定本方案。\n\n一、目标\n"
    assert extract_metadata(body).title == "云溪县教师队伍建设方案"
    without_own = "各学校:\n省人民政府印发《北岭省教师队伍建设规划》,请认真学习。\n\n云溪县教育局\n2022年5月6日\n"
    assert extract_metadata(without_own).title is None  # a cited title is never the document's own


def test_forwarding_notice_is_its_own_title():
    text = ("云溪县人民政府办公室关于转发《桐川市中小学安全管理工作方案》的通知\n云政办发〔2021〕33号\n\n各乡镇人民政府:\n"
            "现将《桐川市中小学安全管理工作方案》转发给你们,请认真贯彻执行。\n\n云溪县人民政府办公室\n2021年9月6日\n")  # fmt: skip
    md = extract_metadata(text)
    assert md.title == "云溪县人民政府办公室关于转发《桐川市中小学安全管理工作方案》的通知" and md.notice_title is None
    assert [c.title for c in md.citations] == ["桐川市中小学安全管理工作方案"]


@pytest.mark.parametrize("first", [
    "# 云溪县学前教育三年行动计划(2022—2024年)",
    "云溪县学前教育三年行动计划(2022—2024年)-云溪县人民政府网",
    "云溪县学前教育三年行动计划(2022—2024年)_云溪县政府网",
    "云溪县学前教育三年行动计划(2022—2024年)_政策文件_云溪县人民政府",
    "## 云溪县学前教育三年行动计划(2022—2024年) - 云溪县人民政府门户网站",
])
def test_markdown_marks_and_site_names_are_not_part_of_the_title(first):
    text = f"{first}\n\n> 来源:云溪县教育局 发布时间:2022-03-05\n\n## 一、总体目标\n\n到2024年,毛入园率达到92%。\n"
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.title == "云溪县学前教育三年行动计划(2022—2024年)"


def test_chapter_headings_signatures_and_red_headers_are_never_the_title():
    text = "云溪县教育局文件\n\n第一章 总则\n\n第一条 为规范办学行为,制定本细则。\n\n云溪县教育局\n2010年8月30日\n"
    md = extract_metadata(text)
    assert md.title is None and md.issuers == ("云溪县教育局",)
    text = "# 第一章 总则\n\n第一条 为规范办学行为,制定本细则。\n"
    assert extract_metadata(text).title is None


NUMBER_FORMS = [
    ("own line before the title", "云政办发〔2021〕7号\n\n云溪县学前教育实施方案\n\n各乡镇:\n", "云政办发〔2021〕7号", "云政办发〔2021〕7号"),
    ("own line after the title", "云溪县学前教育实施方案\n云政办发[2021]7号\n\n各乡镇:\n", "云政办发〔2021〕7号", "云政办发[2021]7号"),
    ("full-width square brackets", "云溪县学前教育实施方案\n云政办发［2021］7号\n\n各乡镇:\n", "云政办发〔2021〕7号", "云政办发[2021]7号"),
    ("parentheses", "云溪县学前教育实施方案\n云政办发(2021)7号\n\n各乡镇:\n", "云政办发〔2021〕7号", "云政办发(2021)7号"),
    ("in parentheses on its own line", "云溪县学前教育实施方案\n(云政办发〔2021〕7号)\n\n各乡镇:\n", "云政办发〔2021〕7号", "云政办发〔2021〕7号"),
    ("glued before the title", "宁政办发[2021]17号宁远县推进义务教育优质均衡发展实施方案\n\n各乡镇:\n", "宁政办发〔2021〕17号", "宁政办发[2021]17号"),
    ("glued after the title", "渭南市人民政府关于加快学前教育发展的实施意见渭政发[2018]33号\n\n各县(市、区)人民政府:\n", "渭政发〔2018〕33号", "渭政发[2018]33号"),
    ("glued before a quoted notice", "云府办字〔2018〕66号《云溪县人民政府办公室关于印发云溪县大班额消除规划的通知》\n\n各乡镇:\n", "云府办字〔2018〕66号", "云府办字〔2018〕66号"),
    ("after the notice in parentheses", "云溪县人民政府办公室关于印发云溪县大班额消除规划的通知(云府办字〔2018〕66号)\n\n各乡镇:\n", "云府办字〔2018〕66号", "云府办字〔2018〕66号"),
    ("label 文号", "文号:云教发〔2019〕3号\n\n云溪县学前教育实施方案\n\n一、目标\n", "云教发〔2019〕3号", "云教发〔2019〕3号"),
    ("label 发文字号", "发文字号: 云教发[2019]第3号\n\n云溪县学前教育实施方案\n\n一、目标\n", "云教发〔2019〕3号", "云教发[2019]第3号"),
    ("label 【字号】", "•【制定机关】云溪县教育局•【字号】云教发[2019]3号•【时效性】现行有效\n云溪县学前教育实施方案\n\n第一条 为……\n", "云教发〔2019〕3号", "云教发[2019]3号"),
    ("order header over two lines", "北岭省人民政府令\n第231号\n\n《北岭省寄宿制学校管理办法》已经省人民政府常务会议通过,现予公布。\n\n省长 某某\n2013年6月3日\n", "北岭省人民政府令第231号", "北岭省人民政府令\n第231号"),
]


@pytest.mark.parametrize("form, text, normalised, printed", NUMBER_FORMS, ids=[f[0] for f in NUMBER_FORMS])
def test_document_number_forms(form, text, normalised, printed):
    md = extract_metadata(normalise_text(text))
    assert md.doc_number is not None, form
    assert md.doc_number.text == normalised
    assert md.doc_number.printed == printed


def normalise_text(text: str) -> str:
    from kb.normalise import normalise

    return normalise(text).text


def test_index_numbers_and_cited_numbers_are_not_the_documents_own():
    text = ("索引号:008230617/2015-00123\n信息索引:360A11-07-2020-0012-1\n云溪县学前教育实施方案\n\n各乡镇:\n"
            "根据《桐川市学前教育规划》(桐政发〔2016〕40号)和云政发〔2015〕9号文件精神,制定本方案。\n一、目标\n")  # fmt: skip
    md = extract_metadata(text)
    assert md.doc_number is None and md.index_no == "008230617/2015-00123"


@pytest.mark.parametrize("header, issuers", [
    ("发文机关:云溪县教育局", ("云溪县教育局",)),
    ("发布部门:甘肃省财政厅 甘肃省教育厅", ("甘肃省财政厅", "甘肃省教育厅")),
    ("发文单位:云溪县教育局、云溪县财政局", ("云溪县教育局", "云溪县财政局")),
    ("•【制定机关】云溪县教育局?云溪县财政局•【公布日期】2012.06.20", ("云溪县教育局", "云溪县财政局")),
])
def test_issuers_from_label_lines(header, issuers):
    text = f"{header}\n\n云溪县学生资助管理办法\n\n第一条 为……,制定本办法。\n"
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.issuers == issuers


@pytest.mark.parametrize("title, issuers, region", [
    ("中共同心县委同心县人民政府关于推进义务教育优质均衡发展的实施意见", ("中共同心县委", "同心县人民政府"), "640324"),
    ("中共湖南省委 湖南省人民政府关于深化乡村教育改革的实施意见", ("中共湖南省委", "湖南省人民政府"), "430000"),
    ("湖南省教育厅?湖南省财政厅关于做好学生营养改善工作的通知", ("湖南省教育厅", "湖南省财政厅"), "430000"),
    ("教育部 国家发展改革委 财政部关于加强县域普通高中建设的意见", ("教育部", "国家发展改革委", "财政部"), "100000"),
])
def test_issuers_and_region_from_a_co_signed_title(title, issuers, region):
    text = f"{title}\n\n各有关单位:\n为推进……,提出如下意见。\n一、总体要求\n"
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.issuers == issuers
    assert md.region.code == region


def test_co_signed_signature_block_and_chinese_numeral_dates():
    text = ("关于加快农村寄宿制学校建设的意见\n\n各乡镇党委、人民政府:\n一、目标\n到2016年,全县寄宿制学校全部达标。\n\n"
            "中共桑植县委办公室\n桑植县人民政府办公室\n二○一五年四月三日\n")  # fmt: skip
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.issuers == ("中共桑植县委办公室", "桑植县人民政府办公室")
    assert md.date("signed") == "2015-04-03" and md.region.code == "430822"


@pytest.mark.parametrize("label, value, expected", [
    ("成文日期", "2022年06月17日", "2022-06-17"),
    ("发文时间", "二〇一七年十二月十九日", "2017-12-19"),
    ("成文日期", "二○二一年三月十日", "2021-03-10"),
    ("【成文日期】", "2019.11.04", "2019-11-04"),
])
def test_signing_date_from_labels(label, value, expected):
    line = f"•{label}{value}" if label.startswith("【") else f"{label}:{value}"
    text = f"{line}\n\n云溪县学前教育实施方案\n\n一、目标\n"
    assert extract_metadata(text).date("signed") == expected


def test_publication_and_effective_dates_are_not_signing_dates():
    text = "•【公布日期】2012.06.20•【施行日期】2012.09.01\n云溪县教师管理规定\n\n第一条 为……\n第六条 本规定自2012年9月1日起施行。\n"
    md = extract_metadata(text)
    assert md.date("signed") is None
    assert md.date("published") == "2012-06-20" and md.date("effective") == "2012-09-01"


@pytest.mark.parametrize("text", [
    _doc("国务院办公厅关于切实做好中小学校舍安全排查工作的紧急通知", "国办发明电〔2020〕17号", "国务院办公厅", "2020年8月7日"),
    _doc("教育部办公厅关于2019年度义务教育均衡发展督导检查情况的通报", "教督厅函〔2020〕5号", "教育部办公厅", "2020年4月15日"),
    # the body names counties and provinces; the document is still national
    ("教育部关于做好乡村教师培训工作的通知\n教师〔2021〕3号\n\n各省、自治区、直辖市教育厅:\n"
     "宁远县、桐柏县等地的做法值得推广。湖南省要加快进度。\n\n教育部\n2021年3月2日\n"),
])
def test_national_documents_get_the_national_region(text):
    md = extract_metadata(text)
    assert md.region is not None
    assert (md.region.code, md.region.name, md.region.level) == ("100000", "全国", "national")


def test_region_from_the_document_number_prefix_of_a_national_document_without_issuer():
    text = "国办发〔2021〕41号\n\n县域义务教育薄弱环节改善提升行动计划\n\n一、总体要求\n"
    assert extract_metadata(text).region.code == "100000"


def test_region_from_a_provincial_document_number_prefix_only_when_the_text_names_the_province():
    text = "湘教发〔2020〕3号\n\n关于做好乡村学校教师补充工作的通知\n\n各市州教育局:\n为落实湖南省乡村教育振兴部署,现就有关事项通知如下。\n一、\n"
    assert extract_metadata(text).region.code == "430000"
    text = text.replace("湖南省", "全省")
    assert extract_metadata(text).region is None  # 湘 alone is no proof: better absent than wrong


def test_issuers_without_separators_split_where_the_place_name_comes_again():
    text = "中共北岭县委北岭县人民政府关于推进教育振兴的实施意见\n\n各乡镇党委:\n一、总体要求\n"
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.issuers == ("中共北岭县委", "北岭县人民政府")


def test_what_the_page_reader_found_is_kept():
    from kb.metadata import PageFields

    text = "某县教育局\n\n各学校:\n现将有关事项通知如下。\n一、目标\n到2025年,全县学前三年毛入园率达到95%。\n\n某县教育局\n2023年1月1日\n"
    page = PageFields(title="国务院关于进一步加强学前教育工作的若干意见", doc_number="国发〔2010〕41号", issuer="国务院",
                      signed_date="2010-11-21", published_date="2010-11-24")
    md = extract_metadata(text, page)
    assert md.title == "国务院关于进一步加强学前教育工作的若干意见"
    assert md.doc_number.text == "国发〔2010〕41号"
    assert md.issuers == ("国务院",)
    assert md.date("signed") == "2010-11-21" and md.date("published") == "2010-11-24"
    assert md.region.code == "100000"
    # a notice title the page gives is the notice of the plan it issues
    page = PageFields(title="某县教育局关于印发某县学前教育提升方案的通知")
    md = extract_metadata(text, page)
    assert md.notice_title == "某县教育局关于印发某县学前教育提升方案的通知" and md.title == "某县学前教育提升方案"


def test_metadata_lines_of_an_imported_text_are_kept():
    text = ("标题:云溪县学前教育提升方案\n文号:云教发〔2023〕2号\n发布机构:云溪县教育局\n成文日期:2023-02-01\n\n"
            "为推进学前教育发展,市教育局印发《桐川市学前教育规划》,现结合实际制定如下方案。\n一、目标\n\n"
            "云溪县人民政府办公室\n2023年3月1日\n")  # fmt: skip
    md = extract_metadata(text)
    check_offsets(text, md)
    assert md.title == "云溪县学前教育提升方案"
    assert md.doc_number.text == "云教发〔2023〕2号"
    assert md.issuers == ("云溪县教育局",)  # the label, not the signature
    assert md.date("signed") == "2023-02-01"


# --- at build: saved pages, the page reader and the document row --------------------------------------


def _build(tmp_path, name: str, data: bytes):
    from kb.evaluate import process_file

    path = tmp_path / name
    path.write_bytes(data)
    return process_file(path)


PAGE_BODY = ("<div id='UCAP-CONTENT'><p>各省、自治区、直辖市人民政府,国务院各部委、各直属机构:</p>"
             "<p>为进一步加强学前教育工作,现提出如下意见。</p><p>一、把发展学前教育摆在更加重要的位置。到2020年,"
             "学前三年毛入园率达到75%以上。各地要高度重视学前教育工作,切实加大投入。</p>"
             "<p>二、多种途径扩大学前教育资源。各地要新建、改建一批公办幼儿园。</p></div>")


@pytest.mark.parametrize("prelude", [
    "",
    "<!-- saved from url=(0042)https://www.gov.cn/zhengce/content/x.htm -->\n",
    "\ufeff<?xml version='1.0' encoding='utf-8'?>\n",
    "<script>var _hmt = _hmt || []; " + "x = 1; " * 600 + "</script>\n",
    "<!--[if lt IE 9]><script src='html5.js'></script><![endif]-->\n<!-- another comment -->\n",
])
def test_a_saved_page_is_read_as_html_wherever_its_markup_starts(tmp_path, prelude):
    html = (prelude + "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            "<meta name='ArticleTitle' content='国务院关于当前发展学前教育的若干意见'>"
            "<title>国务院关于当前发展学前教育的若干意见_政策_中国政府网</title></head><body>"
            "<div class='nav'>首页 &gt; 政策</div>" + PAGE_BODY + "</body></html>")  # fmt: skip
    p = _build(tmp_path, "page.html", html.encode("utf-8"))
    assert "<" not in p.norm.text and "script" not in p.norm.text
    assert p.metadata.title == "国务院关于当前发展学前教育的若干意见"  # the body never repeats it
    assert p.metadata.region.code == "100000"


@pytest.mark.parametrize("text, html", [
    ("<!-- saved from url=(0030)https://www.example.gov.cn/ -->\n<html><body><p>正文</p></body></html>", True),
    ("\ufeff<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n<html>", True),
    ("<script>" + "var x = 1;" * 3000 + "</script>\n<div class='article'><p>正文</p></div>", True),
    ("<style>p{color:red}</style><!-- x --><meta charset='gbk'><title>通知</title>", True),
    ("x" * 5000 + "<html><head></head><body>正文</body></html>", True),
    ("<!-- nothing else -->", True),
    ("关于印发某县方案的通知\n一、总体要求\n到2025年,毛入园率达到90%。", False),
    ("数学关系 a < b 且 b > c,不是网页。", False),
])
def test_html_is_recognised_by_its_content_wherever_the_markup_starts(text, html):
    from kb.decode import decode_bytes, looks_like_html

    assert looks_like_html(text) is html
    assert (decode_bytes(text.encode("utf-8")).media_type == "text/html") is html


def test_the_page_title_reaches_the_document_row_in_the_texts_script(tmp_path):
    from kb.pipeline import document_row

    html = ("<html><head><meta charset='utf-8'><title>雲溪縣學前教育發展規劃（2021—2025年）_雲溪縣人民政府</title></head>"
            "<body><table class='xxgk'><tr><td>发文字号:</td><td>雲政發［２０２１］４５號</td></tr></table>"
            "<div id='zoom'><p>為推進學前教育發展,結合本縣實際,制定本規劃。</p><p>一、發展目標</p>"
            "<p>到2025年,全縣學前三年毛入園率達到95%以上,普惠性幼兒園覆蓋率達到90%以上。</p></div></body></html>")  # fmt: skip
    p = _build(tmp_path, "trad.html", html.encode("utf-8"))
    row = document_row(p, 0)
    assert row["title"] == "云溪县学前教育发展规划(2021—2025年)"
    assert row["doc_number"] == "云政发〔2021〕45号"
    assert row["metadata"]["doc_number"]["printed"] == "雲政發［２０２１］４５號"  # as the page prints it
    from kb.documents import summary

    assert summary({**row, "issuers": row["issuers"], "flags": row["flags"]})["doc_number_printed"] == "雲政發［２０２１］４５號"


@pytest.mark.parametrize("gold", ["gold-headers.json", "gold-headers-heldout.json", "gold-headers-fresh.json"])
def test_header_exact_match_on_the_constructed_real_forms(gold):
    """The issue's floor: every header field ≥ 0.9 exact on every header set (all reached 1.0 when pinned;
    gold-headers-fresh.json was labelled blind to the metadata rules: 14/14 on four fields, 13/14 issuers
    before the session term 第N届 was dropped from organ names)."""
    from kb.evaluate import HEADER_FIELDS, evaluate_headers

    path = DATA / gold
    found = evaluate_headers(json.loads(path.read_text(encoding="utf-8")), path)
    for field in HEADER_FIELDS:
        assert found["exact"][field] >= 0.9, (field, [m for m in found["mismatches"] if m[1] == field])


def test_the_national_region_is_a_region_of_its_own():
    from kb.regions import NATIONAL, all_regions, by_code, lookup

    assert by_code("100000") == NATIONAL and lookup("全国") == [NATIONAL] == lookup("中华人民共和国")
    assert NATIONAL not in all_regions()


# --- robustness ----------------------------------------------------------------------------------

ALPHABET = list("普宁市人民政府办公室关于印发行动方案的通知教育局县区省委中共年月日号第发布时间:文号索引"
                "〔〕[]【】()《》〈〉、,。;0123456789 一二三十〇\n-—·")  # fmt: skip


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _check_robust(text: str) -> None:
    handler = _Errors()
    logger = logging.getLogger("kb.metadata")
    logger.addHandler(handler)
    try:
        md = extract_metadata(text)
    finally:
        logger.removeHandler(handler)
    assert isinstance(md, Metadata)
    assert handler.records == []  # no rule failed internally
    n = len(text)
    for span in [md.title_span, md.notice_title_span, *md.issuer_spans]:
        assert span is None or 0 <= span[0] <= span[1] <= n
    for x in [*md.dates, *md.citations] + ([md.doc_number] if md.doc_number else []):
        assert 0 <= x.start <= x.end <= n


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=600))
def test_never_raises_on_random_text(text):
    _check_robust(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DOCS), st.randoms(use_true_random=False), st.integers(min_value=1, max_value=120))
def test_never_raises_on_shuffled_real_lines(short, rnd, k):
    lines = seed_norm(short).text.split("\n")
    sample = rnd.sample(lines, min(k, len(lines)))
    _check_robust("\n".join(sample))


def test_an_organ_is_named_without_its_term():
    text = ("云岭省第九届人民代表大会常务委员会公告\n第21号\n《云岭省学前教育条例》已由云岭省第九届人民代表大会常务委员会"
            "第十四次会议于2019年5月30日通过,现予公布,自2019年9月1日起施行。\n云岭省第九届人民代表大会常务委员会\n"
            "2019年5月30日\n")
    meta = extract_metadata(text)
    assert meta.issuers and all("届" not in n for n in meta.issuers)
