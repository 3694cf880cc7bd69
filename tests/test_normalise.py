"""The normaliser on the five real plans and on constructed variants."""
import re
import unicodedata

import pytest

from kb.normalise import detect_script, normalise, normalise_query
from conftest import SEEDS, seed_norm, seed_raw

SIMPLIFIED = ["000", "001", "002", "003"]


@pytest.mark.parametrize("short", SIMPLIFIED)
def test_simplified_plans_are_not_converted(short):
    n = seed_norm(short)
    assert n.script == "simplified" and not n.converted_from_traditional
    assert n.pinyin_removed == 0 and n.corrupted_spans == ()
    assert not any(st.name in ("t2s", "pinyin", "mojibake") for st in n.log.stages)
    # Every character that survives is the NFKC form of a raw character, never a converted one.
    raw_chars = set(unicodedata.normalize("NFKC", seed_raw(short)))
    assert set(n.text) <= raw_chars | {"\n"}


def test_qinghai_plan_is_converted_stripped_and_flagged():
    n = seed_norm("004")
    assert n.script == "traditional" and n.converted_from_traditional
    assert n.pinyin_removed == 467
    assert not re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)", n.text)
    assert detect_script(n.text) == "simplified"
    assert "着力" in n.text and "著力" not in n.text
    assert "mirror_suspect" in n.flags and "traditional_script" in n.flags
    # Nested annotation inside a real parenthesis: 縣(市、區(qū)) → 县(市、区)
    assert "每个县(市、区)至少组建1个名师或名校长工作室" in n.text
    # real parentheses survive
    assert "(受权发布)" in n.text or "受权发布" in n.text


def test_qinghai_corrupted_spans_are_flagged_with_offsets():
    n = seed_norm("004")
    spans = n.corrupted_spans
    assert len(spans) == 7
    for c in spans:
        assert 0 <= c.start < c.end <= len(n.text)
    unrepaired = [c for c in spans if c.repaired is None]
    assert len(unrepaired) == 2
    assert all(";" in n.text[c.start:c.end] for c in unrepaired)
    assert "当地政府住房保障计" in n.text
    assert "向学生" in n.text
    assert "corrupted_text" in n.flags


def test_duplicate_body_kept_once():
    n = seed_norm("002")
    assert 10000 <= n.duplicate_chars_removed <= 10600
    assert n.text.count("专任教师师生比达1:16") == 1
    assert n.text.count("市科协负责擦亮冯如故里航空科普教育特色品牌") == 1
    assert n.text.rstrip().endswith("发文日期:2023-03-17")
    assert "版权所有" not in n.text and "ICP" not in n.text and "恩平政务" not in n.text


@pytest.mark.parametrize("short, gone", [
    ("000", ["门户网站", "浏览次数", "【字体", "扫一扫", "相关附件"]),
    ("001", ["扫一扫", "附件下载", "相关解读", "媒体报道"]),
    ("003", ["打印 关闭", "分享至", "字体:", "访问次数"]),
    ("004", ["站内检索", "分享到", "相关新闻", "打印", "版权所有", "ICP备", "webmaster"]),
])
def test_site_chrome_is_removed(short, gone):
    n = seed_norm(short)
    for word in gone:
        assert word not in n.text, word
    assert n.chrome_chars_removed > 0


@pytest.mark.parametrize("short", list(SEEDS))
def test_every_normalised_span_maps_back_to_the_raw_text(short):
    n = seed_norm(short)
    # every 7th line of the normalised text has an original that normalises back to it
    for m in list(re.finditer(r"[^\n]+", n.text))[::7]:
        original = n.original(m.start(), m.end())
        assert original, m.group()
        if n.script == "simplified":
            assert unicodedata.normalize("NFKC", original).strip() == m.group() or m.group() in unicodedata.normalize("NFKC", original)


def test_original_form_of_a_converted_span():
    n = seed_norm("004")
    i = n.text.index("每个县(市、区)")
    assert n.original(i, i + len("每个县(市、区)")) == "每個縣(市、區(qū))"


def test_queries_are_normalised_like_documents():
    assert normalise_query("義務教育優質均衡") == "义务教育优质均衡"
    assert normalise_query("义务教育优质均衡") == "义务教育优质均衡"
    assert normalise_query("（一）ＡＢＣ") == "(一)ABC"
    assert normalise_query("著力提升學校") == "着力提升学校"  # traditional query: t2s plus the 著 fix
    assert normalise_query("显著提高") == "显著提高"


def test_empty_and_whitespace_input():
    assert normalise("").text == ""
    assert normalise(" \n\u3000\n").text == ""


def test_traditional_page_of_another_site_is_converted():
    raw = "首頁 > 新聞中心\n關於印發某某縣義務教育優質均衡發展實施方案的通知\n一、工作目標\n到2025年,義務教育鞏固率達到97%以上。\n版權所有:某某縣人民政府\n"
    n = normalise(raw)
    assert n.script == "traditional"
    assert "关于印发某某县义务教育优质均衡发展实施方案的通知" in n.text
    assert "义务教育巩固率达到97%以上" in n.text
    assert "版权所有" not in n.text and "首页" not in n.text


# --- issue 11: entities, pinyin variants ------------------------------------------

def test_undecoded_entities_removed():
    from kb.normalise import normalise as _n
    text = _n("&nbsp;&nbsp;一、目标\n&sp&sp(一)扩大资源。&amp;nbsp;新建&ldquo;公办&rdquo;幼儿园。").text
    assert text == "一、目标\n(一)扩大资源。新建“公办”幼儿园。"


def test_pinyin_with_space_and_decomposed_tone_removed():
    from kb.normalise import normalise as _n
    assert _n("一、加強教(jiào )師隊伍建設。").text == "一、加强教师队伍建设。"
    assert _n("二、推動發(fa\u0304 )展優質教育。").text == "二、推动发展优质教育。"
