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
