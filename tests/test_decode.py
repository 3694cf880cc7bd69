"""Encodings a saved Chinese government page arrives in."""
import pytest

from kb.decode import DecodeError, decode_bytes
from kb.htmltext import html_to_text

SIMPLIFIED = "普宁市推动义务教育优质均衡发展行动方案。到2025年,全市九年义务教育巩固率达到96%以上。" * 5
TRADITIONAL = "關於構建優質均衡的基本公共教育服務體系的實施方案。推進學校網絡基礎設施迭代升級。" * 5


def test_utf8_plain():
    d = decode_bytes(SIMPLIFIED.encode("utf-8"))
    assert d.text == SIMPLIFIED and d.encoding == "utf-8" and d.media_type == "text/plain"


def test_utf8_bom():
    d = decode_bytes(b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"))
    assert d.text == SIMPLIFIED


def test_gbk_is_read_as_gb18030():
    d = decode_bytes(SIMPLIFIED.encode("gbk"))
    assert d.text == SIMPLIFIED and d.encoding == "gb18030"


def test_big5():
    d = decode_bytes(TRADITIONAL.encode("big5"))
    assert d.text == TRADITIONAL and d.encoding.startswith("big5")


def test_html_declared_gb2312():
    html = f'<html><head><meta charset="gb2312"><title>t</title></head><body><p>{SIMPLIFIED}</p></body></html>'
    d = decode_bytes(html.encode("gbk"))
    assert SIMPLIFIED in d.text and d.media_type == "text/html" and d.encoding == "gb18030"


def test_wrong_declared_charset_is_noticed():
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>{SIMPLIFIED}</p></body></html>'
    d = decode_bytes(html.encode("utf-8"))
    assert SIMPLIFIED in d.text and d.encoding == "utf-8" and d.mismatch


@pytest.mark.parametrize("data, words", [(b"", "empty"), (b"  \n\n ", "empty"),
                                          (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary")])
def test_unreadable(data, words):
    with pytest.raises(DecodeError, match=words):
        decode_bytes(data)


def test_random_bytes_are_refused():
    import random

    rnd = random.Random(7)
    data = bytes(rnd.randrange(1, 256) for _ in range(20000))
    with pytest.raises(DecodeError):
        decode_bytes(data)


def test_html_to_text_drops_scripts_styles_and_navigation():
    html = """<html><head><title>关于印发某县方案的通知</title><style>.x{color:red}</style>
    <script>var secret = "不应出现";</script></head><body>
    <div class="nav-bar"><a href="/">首页</a><a href="/x">政务公开</a></div>
    <div id="content"><p>一、工作目标</p><p>到2025年,巩固率达到96%以上。</p>
    <table><tr><td>市教育局</td><td>市财政局</td></tr></table></div>
    <noscript>请启用脚本</noscript><div class="footer">版权所有</div></body></html>"""
    text = html_to_text(html)
    assert "不应出现" not in text and "color:red" not in text and "请启用脚本" not in text
    assert "政务公开" not in text and "版权所有" not in text
    lines = text.splitlines()
    assert lines[0] == "关于印发某县方案的通知"
    assert "一、工作目标" in lines and "市教育局" in lines and "市财政局" in lines
