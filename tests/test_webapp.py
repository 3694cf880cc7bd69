"""The web UI through Flask's test client, pages checked with BeautifulSoup."""
import pytest
from bs4 import BeautifulSoup

from kb.pipeline import build
from webapp import create_app
from conftest import CORPUS, SEEDS


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    db = tmp / "kb.sqlite"
    build(CORPUS, db)
    from kb.search.engines import build_index
    build_index(db, tmp / "index")  # every test may search, whichever runs first (pytest -k)
    app = create_app({"DB_PATH": str(db), "INDEX_DIR": str(tmp / "index"), "TESTING": True})
    return app.test_client()


def soup(resp):
    return BeautifulSoup(resp.data.decode("utf-8"), "html.parser")


def test_home_lists_documents_in_chinese(client):
    r = client.get("/")
    assert r.status_code == 200
    page = soup(r)
    assert page.html["lang"] == "zh-CN"
    assert page.find("input", {"name": "q"}) is not None
    links = [a["href"] for a in page.select("section.browse a")]
    assert len(links) == 5 and all(h.startswith("/documents/") for h in links)


def test_document_page_has_outline_metadata_report_and_marked_facts(client):
    r = client.get("/documents/004")
    assert r.status_code == 200
    page = soup(r)
    assert page.h1.get_text() == "关于构建优质均衡的基本公共教育服务体系的实施方案"
    meta = {tr.th.get_text(): tr.td.get_text() for tr in page.select("table.meta tr")}
    assert "中共青海省委办公厅" in meta["发文机关"] and "630000" in meta["地区"]
    report = page.select_one("section.report").get_text()
    assert "删除拼音注音:467 处" in report and "繁体" in report and "疑似乱码:7 处" in report
    assert len(page.select("section.text mark.fact-corrupt")) >= 7
    assert page.select("section.text mark.fact-target")
    # the outline links to clause anchors that exist
    anchors = {d["id"] for d in page.select("div.clause")}
    targets = [a["href"][1:] for a in page.select("aside.outline a")]
    assert targets and set(targets) <= anchors


def test_document_page_marks_units_with_roles(client):
    page = soup(client.get("/documents/000"))
    units = page.select("section.text mark.fact-unit")
    assert units and any("牵头单位:普宁市教育局" in m["title"] for m in units)


def test_text_is_escaped(client):
    page = client.get("/documents/001").data.decode()
    assert "<script" not in page.lower()


def test_unknown_document_is_a_404_page(client):
    r = client.get("/documents/nope")
    assert r.status_code == 404
    assert "没有编号为 nope 的文件" in soup(r).get_text()
    r = client.get("/api/documents/nope")
    assert r.status_code == 404 and r.get_json()["error"]


def test_api_document_is_the_show_json(client):
    r = client.get(f"/api/documents/{SEEDS['002']}")
    assert r.status_code == 200
    doc = r.get_json()
    for key in ("id", "title", "doc_number", "issuers", "region", "text", "clauses", "citations", "normalisation",
                "targets", "responsibilities"):
        assert key in doc
    assert doc["normalisation"]["duplicate_chars_removed"] > 10000


def test_unknown_page_and_no_traceback(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Traceback" not in r.data.decode()


def test_search_page_and_api_agree(client):
    api = client.get("/api/search?q=師生比").get_json()
    assert api["normalised_query"] == "师生比" and api["total"] >= 1
    hit = api["hits"][0]
    assert set(hit) >= {"doc_id", "title", "doc_number", "region", "clause_path", "text", "highlight_html", "score", "url"}
    assert "<mark>师生比</mark>" in hit["highlight_html"]
    page = soup(client.get("/?q=師生比"))
    assert "按“师生比”检索" in page.select_one(".summary").get_text()
    assert page.select(".hit-item mark")[0].get_text() == "师生比"
    assert page.select(".hit-item .title a")[0]["href"] == hit["url"]


def test_partial_hits_follow_a_divider_and_say_what_they_lack(client):
    api = client.get("/api/search?q=恩平 师生比 课后服务").get_json()
    assert api["total"] == 0 and api["total_partial"] >= 1
    hit = api["hits"][0]
    assert hit["tier"] == 2 and hit["missing_terms"] and set(hit["matched_terms"]) | set(hit["missing_terms"]) == {
        "恩平", "师生比", "课后服务"}
    assert hit["level"] == "county" and hit["date"]
    page = soup(client.get("/?q=恩平 师生比 课后服务"))
    assert page.select_one("h2.tier-divider").get_text() == "以下条款只包含部分检索词"
    first = page.select(".hit-item.partial")[0]
    assert "缺少:" in first.select_one(".terms").get_text()
    assert "另有" in page.select_one(".summary").get_text()
    # a region word is satisfied by the document's region (揭阳市 holds 普宁市), not only by the clause text
    found = client.get("/api/search?q=揭阳 控辍保学").get_json()
    first = found["hits"][0]
    assert found["total"] >= 1 and first["tier"] == 1 and first["matched_terms"] == ["揭阳", "控辍保学"]
    assert "揭阳" not in first["text"]


def test_facets_link_to_their_filter_and_sort_is_kept(client):
    page = soup(client.get("/?q=随迁子女&sort=newest"))
    links = {a.get_text(): a["href"] for a in page.select(".facets a")}
    assert {"广东省", "县级", "方案计划"} <= set(links)
    assert "sort=newest" in links["广东省"] and "province=%E5%B9%BF%E4%B8%9C%E7%9C%81" in links["广东省"]
    narrowed = client.get("/api/search?q=随迁子女&province=广东省").get_json()
    count = next(int(li.select_one(".count").get_text()) for li in page.select(".facets li") if li.a.get_text() == "广东省")
    assert narrowed["total"] == count
    assert page.select_one("select[name=sort] option[selected]")["value"] == "newest"
    assert client.get("/?q=随迁子女&sort=bogus").status_code == 400


def test_the_plans_view_lists_documents_with_their_count_and_best_clause(client):
    api = client.get("/api/search?q=随迁子女&view=plans").get_json()
    assert api["view"] == "plans" and api["total_plans"] == len(api["plans"]) >= 3
    page = soup(client.get("/?q=随迁子女&view=plans"))
    items = page.select(".plan-item")
    assert len(items) == api["total_plans"]
    first = api["plans"][0]
    assert f"{first['clauses']} 条相关条款" in items[0].select_one(".title").get_text()
    more = items[0].select_one(".more a")["href"]
    narrowed = soup(client.get(more))
    assert len(narrowed.select(".hit-item:not(.partial)")) == first["clauses"]
    assert client.get("/?q=随迁子女&view=table").status_code == 400


@pytest.mark.parametrize("query, words", [
    ("q=", "请输入"), ("q=" + "教" * 201, "200"), ("q=教育&level=city", "level"), ("q=教育&page=abc", "page"),
    ("q=教育&region=不存在县", "不认识地区"), ("q=教育&page=999", "没有第 999 页"), ("q=教育&has_target=maybe", "has_target"),
    ("q=-教育", "排除词"), ("q=教育&year_from=2025&year_to=2020", "年份范围"),
])
def test_bad_search_input_is_a_400_with_a_message(client, query, words):
    r = client.get("/api/search?" + query)
    assert r.status_code == 400
    body = r.get_json()
    assert body["error"] and words in body["error"] and "Traceback" not in body["error"]
    r = client.get("/?" + query)
    assert r.status_code == 400 and "Traceback" not in r.data.decode()


def test_an_unknown_region_is_quoted_back_cut_short(client):
    r = client.get("/api/search?q=教育&region=" + "某" * 500 + "县")
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert "不认识地区" in error and "某" * 40 + "…" in error and len(error) < 200
