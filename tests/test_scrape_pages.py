"""Reading saved government pages: templates, bodies without chrome, metadata, encodings, listings (no network)."""
import json
import subprocess
import sys
from itertools import combinations

import pytest
from click.testing import CliRunner

from conftest import ROOT
from kb.cli import main
from kb.decode import decode_bytes
from kb.normalise import normalise
from kb.scrape.attachments import appendix_text, document_lines, kind_of, number_of, title_of
from kb.scrape.dedup import SAME, fingerprint, same_plan, similarity
from kb.scrape.listing import read_listing, same_site
from kb.scrape.pages import extract_page, page_json, page_text, read_page
from scrape_support import (FIXTURES, PDF_LINES, docx_attachment, fixture, hanweb_listing, pdf_attachment,
                            trs_listing, xlsx_attachment)

sys.path.insert(0, str(ROOT / "scripts"))
import eval_pages  # noqa: E402

ANNOTATED = sorted(p for p in FIXTURES.glob("*.json"))
PAGE_FIELDS = ("title", "doc_number", "issuer", "signed_date", "published_date", "index_no", "body_text", "attachments")


def test_every_template_has_an_annotated_fixture():
    templates = {json.loads(p.read_text(encoding="utf-8"))["template"] for p in ANNOTATED}
    assert {"trs", "hanweb", "ucap", "xxgk", "generic"} <= templates
    assert (FIXTURES / "README.md").is_file()


@pytest.mark.parametrize("ann", ANNOTATED, ids=lambda p: p.stem)
def test_fixture_meets_the_floors(ann):
    """100% of must-appear snippets, no must-not-appear snippet, every annotated field right."""
    r = eval_pages.evaluate(ann)
    assert r["missing"] == [] and r["found"] == r["must"] > 0
    assert r["leaked"] == []
    assert r["wrong"] == {} and r["fields_right"] == r["fields"] == 6
    assert r["template"] == r["expected_template"]
    assert r["attachments"] == r["expected_attachments"]


def test_eval_script_prints_shares_and_notices_a_miss(tmp_path):
    run = [sys.executable, str(ROOT / "scripts" / "eval_pages.py")]
    r = subprocess.run(run + [str(FIXTURES)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"{len(ANNOTATED)} pages: must-appear" in r.stdout and "= 100.0%" in r.stdout
    assert "must-not-appear snippets found: 0" in r.stdout
    # An annotation the extractor cannot satisfy is reported, with the snippets that failed.
    (tmp_path / "p.html").write_bytes(fixture("trs_ueditor_utf8.html"))
    (tmp_path / "p.json").write_text(json.dumps({"must_appear": ["一、工作目标", "不在页面上的句子"],
                                                 "must_not_appear": ["您的位置", "台山市人民政府\n2023年4月10日"]},
                                                ensure_ascii=False), encoding="utf-8")
    r = subprocess.run(run + [str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert "must-appear 1/2 = 50.0%" in r.stdout and "missing: '不在页面上的句子'" in r.stdout
    assert "must-not-appear snippets found: 1" in r.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    r = subprocess.run(run + [str(empty)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "no annotated page" in r.stderr


def test_trs_body_drops_its_style_and_the_page_chrome():
    page, decoded = read_page(fixture("trs_xxgk_gbk.html"))
    assert decoded.encoding == "gb18030" and decoded.source == "meta" and not decoded.mismatch
    assert page.template == "trs"
    body = page.body_text
    assert body.startswith("恩府办〔2023〕5号\n各镇人民政府，市府直属各单位：")
    assert body.rstrip().endswith("将优质均衡创建工作纳入对各镇年度绩效考核内容。")
    for chrome in ("margin-top", "附件：", "分享到", "相关文章", "网站标识码", "浏览次数"):
        assert chrome not in body


def test_metadata_table_labels_with_spaces_and_cells():
    page = extract_page(fixture("ucap_govcn.html").decode("utf-8"))
    assert (page.index_no, page.subject) == ("000014349/2023-00061", "教育、卫生、体育\\教育")
    assert (page.signed_date, page.published_date) == ("2023-05-12", "2023-05-19")
    assert page.issuer == "国务院办公厅" and page.doc_number == "国办函〔2023〕99号"
    # the lines the build reads, values as the page wrote them
    text = page_text(page)
    assert text.splitlines()[:4] == [page.title, "索引号:000014349/2023-00061", "主题分类:教育、卫生、体育\\教育",
                                     "发布机构:国务院办公厅"]
    assert "成文日期:2023年05月12日" in text and "发文字号:国办函〔2023〕99号" in text
    assert text.endswith(page.body_text)


def test_metadata_from_the_body_when_the_page_has_no_table():
    page = extract_page(fixture("trs_ueditor_utf8.html").decode("utf-8"))
    # ArticleTitle and PubDate from <meta>, the issuer and signing date from the signature lines
    assert page.title == "台山市学前教育普及普惠发展工作方案（2023—2025年）"
    assert page.published_date == "2023-04-12T09:30:00"
    assert page.issuer == "台山市人民政府" and page.signed_date == "2023-04-10"
    assert page.doc_number is None and page.index_no is None
    wrong = extract_page(fixture("wrong_charset.html").decode("utf-8"))
    assert wrong.doc_number == "新府办〔2023〕31号"  # the 文号 line at the top of the body


def test_attachment_links_resolve_against_the_page_address():
    page = extract_page(fixture("trs_xxgk_gbk.html").decode("gbk"), "https://www.enping.gov.cn/zwgk/zfwj/202303/t1.html")
    names = [a.name for a in page.attachments]
    assert names[0] == "1.恩平市义务教育优质均衡发展职责分解表.docx" and len(names) == 5
    assert [a.url.rsplit(".", 1)[1] for a in page.attachments] == ["docx", "xlsx", "pdf", "doc", "wps"]
    assert page.attachments[0].url == "https://www.enping.gov.cn/zwgk/zfwj/202303/P020230301556612345678.docx"
    # a saved page without its address falls back on the address it states (<meta name="Url">)
    saved = extract_page(fixture("trs_xxgk_gbk.html").decode("gbk"))
    assert saved.attachments[0].url.startswith("http://www.enping.gov.cn/zwgk/zfwj/202303/P0202303")


def test_generic_page_with_a_named_download_link():
    html = ("<html><head><meta charset='utf-8'><title>关于印发某县实施方案的通知</title></head><body>"
            "<div class='menu'><a href='/'>首页</a></div><div class='wzcon'>"
            + "<p>为推进全县义务教育优质均衡发展，制定本实施方案，各单位要认真组织实施，确保各项任务落到实处。</p>" * 3
            + "<p>附件：<a href='/download.jsp?id=88'>某县职责分解表.xlsx</a> <a href='/u/2.docx'>下载</a></p></div></body></html>")
    page = extract_page(html, "http://www.x.gov.cn/a/b.html")
    assert page.template == "generic" and "为推进全县义务教育" in page.body_text and "首页" not in page.body_text
    assert [(a.name, a.url) for a in page.attachments] == [
        ("某县职责分解表.xlsx", "http://www.x.gov.cn/download.jsp?id=88"), ("2.docx", "http://www.x.gov.cn/u/2.docx")]


def test_pages_that_are_not_articles():
    login, _ = read_page(fixture("login_wall.html"))
    assert login.login_wall and not login.has_body
    home, _ = read_page(fixture("portal_home.html"))
    assert not home.has_body and not home.login_wall and home.body_text == ""


# --- encodings -----------------------------------------------------------------------------------


def test_encodings_of_the_fixtures():
    cases = {
        "trs_xxgk_gbk.html": ("gb18030", "meta", False),  # GBK declaring gb2312
        "big5_page.html": ("big5", "meta", False),
        "nocharset_gbk.html": ("gb18030", "detected", False),
        "wrong_charset.html": ("utf-8", "utf-8", True),  # declares gb2312, is UTF-8
    }
    for name, (encoding, source, mismatch) in cases.items():
        d = decode_bytes(fixture(name))
        assert (d.encoding, d.source, d.mismatch) == (encoding, source, mismatch), name
    assert "陸豐市人民政府辦公室" in decode_bytes(fixture("big5_page.html")).text


def test_http_charset_comes_before_the_meta_charset():
    data = fixture("trs_xxgk_gbk.html")
    d = decode_bytes(data, "GBK")
    assert (d.encoding, d.source, d.mismatch) == ("gb18030", "http", False)
    wrong_http = decode_bytes(data, "utf-8")  # the server claims UTF-8, the bytes are GBK
    assert wrong_http.encoding == "gb18030" and wrong_http.mismatch and "恩府办〔2023〕5号" in wrong_http.text
    latin = decode_bytes(data, "ISO-8859-1")  # a server default that decodes anything into nonsense
    assert latin.encoding == "gb18030" and latin.mismatch
    big5_as_gb = fixture("big5_page.html").replace(b"charset=big5", b"charset=gb2312")
    d = decode_bytes(big5_as_gb)  # Big5 bytes decode "without error" as GB18030: caught by plausibility
    assert d.encoding == "big5" and d.mismatch and "義務教育" in d.text


# --- listings -----------------------------------------------------------------------------------------


def test_trs_listing_and_its_pages():
    html = trs_listing(0, 3, [("./202303/t20230301_2861234.html", "恩平市人民政府办公室关于印发某方案的通知", "2023-03-01")])
    listing = read_listing(html.decode("gbk"), "http://www.enping.gov.cn/zwgk/zfwj/index.html")
    assert listing.articles == (("http://www.enping.gov.cn/zwgk/zfwj/202303/t20230301_2861234.html",
                                 "恩平市人民政府办公室关于印发某方案的通知"),)
    assert listing.next_pages == ("http://www.enping.gov.cn/zwgk/zfwj/index_1.html",
                                  "http://www.enping.gov.cn/zwgk/zfwj/index_2.html")
    last = read_listing(trs_listing(2, 3, []).decode("gbk"), "http://www.enping.gov.cn/zwgk/zfwj/index_2.html")
    assert last.next_pages == () and last.articles == ()  # navigation links are not articles


def test_hanweb_datastore_listing():
    html = hanweb_listing(1, 3, [("/art/2023/3/15/art_1229505_5862001.html", "嘉善县人民政府关于印发某方案的通知", "2023-03-15")])
    listing = read_listing(html.decode("utf-8"), "https://www.jiashan.gov.cn/col/col1229505/index.html")
    assert [a for a, _ in listing.articles] == ["https://www.jiashan.gov.cn/art/2023/3/15/art_1229505_5862001.html"]
    assert listing.next_pages == ("https://www.jiashan.gov.cn/col/col1229505/index.html?uid=5040305&pageNum=2",)
    p2 = read_listing(html.decode("utf-8"), "https://www.jiashan.gov.cn/col/col1229505/index.html?uid=5040305&pageNum=3")
    assert p2.next_pages == ()


def test_generic_listing_next_link_other_sites_and_match():
    html = """<html><body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开关于我们的栏目介绍</a></div>
    <ul class="news"><li><a href="/a/202301/t20230101_1.html">关于印发某县学前教育普及普惠实施方案的通知</a></li>
    <li><a href="/a/202301/t20230102_2.html">关于开展春季森林防火检查的通知</a></li>
    <li><a href="http://www.other.gov.cn/a/t20230103_3.html">关于印发某市教育发展规划的通知</a></li>
    <li><a href="/a/202301/P020230101.pdf">某县教育附件.pdf</a></li></ul>
    <div class="pages"><a href="list_2.html">下一页</a> <a href="list_2.html">2</a></div></body></html>"""
    listing = read_listing(html, "http://xxgk.x.gov.cn/a/list.html")
    assert [a for a, _ in listing.articles] == ["http://xxgk.x.gov.cn/a/202301/t20230101_1.html",
                                                "http://xxgk.x.gov.cn/a/202301/t20230102_2.html"]
    assert listing.next_pages == ("http://xxgk.x.gov.cn/a/list_2.html",)
    only = read_listing(html, "http://xxgk.x.gov.cn/a/list.html", match=("教育",))
    assert [t for _, t in only.articles] == ["关于印发某县学前教育普及普惠实施方案的通知"]
    assert same_site("http://www.x.gov.cn/", "https://xxgk.x.gov.cn/a") and not same_site("http://x.gov.cn", "http://y.gov.cn")
    assert not same_site("http://127.0.0.1:8000/", "http://127.0.0.1:8001/")


# --- mirrors ------------------------------------------------------------------------------------------


def _fp(name):
    page, _ = read_page(fixture(name))
    return fingerprint(normalise(page.body_text).text, page.doc_number, page.title)


def test_a_mirror_with_converter_artefacts_is_the_same_plan_and_distinct_plans_are_not():
    official, mirror = _fp("trs_ueditor_utf8.html"), _fp("mirror_wenku.html")
    assert similarity(official.sketch, mirror.sketch) >= SAME and same_plan(official, mirror)
    names = [p.with_suffix(".html").name for p in ANNOTATED if p.stem != "mirror_wenku"]
    for a, b in combinations(names, 2):
        assert not same_plan(_fp(a), _fp(b)), (a, b)
    # the same text under two different 文号 is two documents
    a = fingerprint("某县义务教育优质均衡发展实施方案" * 20, "某府办〔2023〕1号")
    b = fingerprint("某县义务教育优质均衡发展实施方案" * 20, "某府办〔2023〕2号")
    assert similarity(a.sketch, b.sketch) == 1.0 and not same_plan(a, b)


# --- attachments ----------------------------------------------------------------------------------


def test_attachment_formats_are_read_with_tables_as_cells():
    docx, xlsx, pdf = docx_attachment(), xlsx_attachment(), pdf_attachment(PDF_LINES)
    assert [kind_of(docx), kind_of(xlsx), kind_of(pdf)] == ["docx", "xlsx", "pdf"]
    assert kind_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "责任书.doc") == "doc"
    lines = document_lines(docx, "docx")
    assert lines[:5] == ["恩平市义务教育优质均衡发展职责分解表", "序号", "工作任务", "责任单位", "完成时限"]
    assert lines[5:10] == ["1", "新建、改扩建中小学校6所，新增公办学位3600个", "市教育局", "市发展改革局", "2025年12月"]
    assert document_lines(xlsx, "xlsx")[:5] == ["序号", "工作内容", "牵头单位", "完成时间", "1"]
    assert document_lines(pdf, "pdf") == PDF_LINES
    text = appendix_text("1.恩平市义务教育优质均衡发展职责分解表.docx", 1, lines)
    assert text.startswith("附件1\n恩平市义务教育优质均衡发展职责分解表\n序号")  # the title is not repeated
    assert number_of("附件3：工作清单.xlsx", 1) == "3" and title_of("附件3：工作清单.xlsx") == "工作清单"


# --- policykb page --------------------------------------------------------------------------------


def test_page_command_json(tmp_path):
    r = CliRunner().invoke(main, ["page", str(FIXTURES / "trs_xxgk_gbk.html"), "--json",
                                  "--url", "http://www.enping.gov.cn/zwgk/zfwj/202303/t20230301_2861234.html"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(PAGE_FIELDS) <= set(out)
    assert out["doc_number"] == "恩府办〔2023〕5号" and out["index_no"] == "007023380/2023-00012"
    assert out["attachments"][2] == {"name": "3.恩平市义务教育学校建设项目表.pdf",
                                     "url": "http://www.enping.gov.cn/zwgk/zfwj/202303/P020230301556612351122.pdf"}
    assert "一、总体目标" in out["body_text"] and "分享到" not in out["body_text"]


def test_page_command_bad_input(tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["page", str(FIXTURES / "portal_home.html"), "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["body_text"] == ""
    assert "no article body found" in r.stderr
    r = runner.invoke(main, ["page", str(tmp_path / "missing.html")])
    assert r.exit_code == 1 and "cannot read the file" in r.stderr and "Traceback" not in r.output
    (tmp_path / "blank.html").write_bytes(b"  \n")
    r = runner.invoke(main, ["page", str(tmp_path / "blank.html")])
    assert r.exit_code == 1 and "empty" in r.stderr


def test_page_json_helper_keeps_the_field_names():
    page, _ = read_page(fixture("hanweb_zoom.html"))
    assert list(page_json(page))[: len(PAGE_FIELDS)] == list(PAGE_FIELDS)


def test_a_metadata_table_inside_the_body_and_cells_that_run_on():
    html = """<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="某县人民政府办公室关于印发某县教育方案的通知">
    <title>某县人民政府办公室关于印发某县教育方案的通知-某县人民政府</title></head><body><div id="zoom">
    <table><tr><td>索 引 号：</td><td>11441234/2023-0007</td><td>文号：</td><td>某府办〔2023〕7号</td></tr>
    <tr><td>成文日期：</td><td>2023-06-01 发布日期：2023-06-05</td><td>名称：</td><td>某县教育方案</td></tr></table>
    <p>各镇人民政府，县直各单位：现将《某县教育方案》印发给你们，请认真贯彻执行，确保各项任务按期完成。</p>
    <table><tr><td>名称</td><td>来源</td></tr><tr><td>某县第一中学扩建工程</td><td>县财政</td></tr></table>
    <p>一、目标任务。到2025年，全县义务教育学校办学条件全面达标，新增公办学位三千个以上。</p></div></body></html>"""
    page = extract_page(html)
    assert page.template == "hanweb"
    assert (page.index_no, page.doc_number, page.signed_date) == ("11441234/2023-0007", "某府办〔2023〕7号", "2023-06-01")
    assert page.title == "某县人民政府办公室关于印发某县教育方案的通知"  # not the 名称 cell of the plan's own table
    assert "一、目标任务" in page.body_text


def test_title_from_the_title_tag_keeps_the_dashes_of_the_title():
    html = ("<html><head><meta charset='utf-8'><title>某县学前教育发展规划（2023—2025年）-某县教育局</title></head><body>"
            + "<div class='wz'>" + "<p>为推进全县学前教育普及普惠安全优质发展，制定本规划，各单位要认真组织实施，确保任务完成。</p>" * 3
            + "</div></body></html>")
    assert extract_page(html).title == "某县学前教育发展规划（2023—2025年）"
