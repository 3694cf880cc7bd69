"""Comparing regions: by indicator against the national thresholds, by topic, and the exports,
on the seed plans plus two constructed plans from other provinces (tests/data/compare/)."""
import csv
import io
import json
import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from kb import compare as cmp
from kb.compare import CompareError, CompareQuery, compare_indicator, compare_topic, verdict
from kb.export import export
from kb.store import Store
from kb import taxonomy


@pytest.fixture(scope="module")
def kb_dir(compare_kb_dir):
    return compare_kb_dir


@pytest.fixture(scope="module")
def store(kb_dir):
    s = Store(kb_dir / "instance" / "kb.sqlite")
    yield s
    s.close()


def by_region(result):
    out = {}
    for r in result["rows"]:
        out.setdefault(r["region"]["name"], []).append(r)
    return out


# --- by indicator ------------------------------------------------------------------


def test_every_target_with_its_verdict_and_regions_without_one(store):
    result = compare_indicator(store, CompareQuery(indicator="YJ-G15"))
    rows = by_region(result)
    assert result["indicator"]["id"] == "YJ-G15"
    assert [r["verdict"] for r in rows["郫都区"]] == ["looser"]  # 80% < 85%
    assert [r["verdict"] for r in rows["恩平市"]] == ["stricter"]  # 90% > 85%
    assert [r["verdict"] for r in rows["普宁市"]] == ["equal"]
    # 安吉县 and 晋江市 have plans but set no target for this indicator: shown, not hidden
    for name in ("安吉县", "晋江市"):
        assert [r["verdict"] for r in rows[name]] == ["not_set"]
        assert rows[name][0]["value"] is None and rows[name][0]["plans"]
    assert result["summary"]["regions_not_set"] == 3  # 安吉, 晋江, 青海
    assert result["rows"][-1]["verdict"] == "not_set"  # missing regions come last


def test_rows_cite_their_document_clause_and_words(store):
    result = compare_indicator(store, CompareQuery(indicator="YJ-G15"))
    pidu = by_region(result)["郫都区"][0]
    assert pidu["region"] == {"code": "510117", "name": "郫都区", "province": "四川省", "level": "county"}
    assert pidu["doc_number"] == "郫府办发〔2023〕12号" and pidu["date"] == "2023-05-10"
    assert (pidu["comparator"], pidu["value"], pidu["unit"], pidu["deadline"]) == (">=", 80, "%", "2025-12-31")
    assert pidu["national_threshold"]["text"] == "≥85%"
    assert pidu["units"][0] == {"name": "郫都区教育局", "role": "lead"}
    assert {"name": "郫都区财政局", "role": "co"} in pidu["units"]
    text = store.document(pidu["doc_id"])["text"]
    ev = pidu["evidence"]
    assert text[ev["start"]:ev["end"]] == ev["text"] and "80%" in ev["text"]
    assert ev["text"] in pidu["text"]
    assert pidu["url"].startswith(f"/documents/{pidu['doc_id']}#clause-")


def test_filters_provinces_regions_stage_and_deadline_years(store):
    two = compare_indicator(store, CompareQuery(indicator="YJ-G15", provinces=("广东省", "510000")))
    assert set(by_region(two)) == {"普宁市", "恩平市", "郫都区"}
    one = compare_indicator(store, CompareQuery(indicator="YJ-G15", regions=("445281",)))
    assert set(by_region(one)) == {"普宁市"}
    junior = compare_indicator(store, CompareQuery(indicator="YJ-G5", stage="初中", include_not_set=False))
    assert {(r["region"]["name"], r["value"], r["verdict"]) for r in junior["rows"]} == {
        ("郫都区", 45, "stricter"), ("温岭市", 50, "equal"),
        ("温岭市", 35, "stricter")}  # 初中…每班不超过35人 is 班级学生数 too (issue 11, subject + measure)
    due_2024 = compare_indicator(store, CompareQuery(indicator="YJ-G5", year_from=2024, year_to=2024))
    targets = [r for r in due_2024["rows"] if r["verdict"] != "not_set"]
    assert {r["region"]["name"] for r in targets} == {"郫都区"} and len(targets) == 2
    # 温岭 set the target (due 2022): outside the years, but not "未设定"
    assert "温岭市" not in by_region(due_2024)


def test_sort_orders(store):
    q = dict(indicator="YJ-G15", include_not_set=False)
    values = [r["value"] for r in compare_indicator(store, CompareQuery(sort="value", **q))["rows"]]
    assert values == sorted(values) and values[0] == 80
    down = [r["value"] for r in compare_indicator(store, CompareQuery(sort="-value", **q))["rows"]]
    assert down == sorted(down, reverse=True)
    codes = [r["region"]["code"] for r in compare_indicator(store, CompareQuery(sort="region", **q))["rows"]]
    assert codes == sorted(codes)


def test_ratios_compare_as_children_per_teacher(store):
    rows = by_region(compare_indicator(store, CompareQuery(indicator="XQ-Q3")))
    assert [(r["value_text"], r["verdict"]) for r in rows["安吉县"]] == [("达到1:12", "stricter")]
    assert ("达到1:16", "looser") in [(r["value_text"], r["verdict"]) for r in rows["恩平市"]]


@pytest.mark.parametrize("comparator,value,unit,th,expected", [
    (">=", 95, "%", (">=", 95, "%"), "equal"),
    (">", 95, "%", (">=", 95, "%"), "stricter"),
    ("=", 100, "%", (">=", 95, "%"), "stricter"),
    (">=", 90, "%", (">=", 95, "%"), "looser"),
    ("<=", 40, "人", ("<=", 45, "人"), "stricter"),
    ("<=", 55, "名", ("<=", 50, "人"), "looser"),  # 名 and 人 are the same unit
    ("<=", 0.15, None, ("<", 0.15, None), "looser"),
    (">=", 3, "个", (">=", 95, "%"), "incomparable"),
])
def test_verdict_rules(comparator, value, unit, th, expected):
    ind = taxonomy.get("YJ-Q1")
    assert verdict(ind, comparator, value, unit, taxonomy.Threshold("初中", *th)) == expected


def test_indicators_without_a_national_line(store):
    rows = compare_indicator(store, CompareQuery(indicator="CM-GGL", include_not_set=False))["rows"]
    assert rows and {r["verdict"] for r in rows} == {"no_threshold"}
    assert all(r["national_threshold"] is None for r in rows)


def test_indicator_by_words_and_unknown_names_get_close_matches(store):
    assert compare_indicator(store, CompareQuery(indicator="随迁子女就读比例"))["indicator"]["id"] == "YJ-G15"
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="巩固率"))
    assert e.value.code == "indicator" and ("CM-GGL", "CM-GGL 九年义务教育巩固率") in e.value.suggestions
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="YJ-G99"))
    assert "YJ-G9" in [v for v, _ in e.value.suggestions]
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="YJ-G15", regions=("郫督区",)))  # a typo
    assert e.value.code == "region" and e.value.suggestions[0] == ("510117", "郫都区 510117 (四川省成都市)")
    short = compare_indicator(store, CompareQuery(indicator="YJ-G15", regions=("郫都",)))  # a short name will do
    assert [r["code"] for r in short["filters"]["regions"]] == ["510117"]
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="YJ-G15", regions=("朝阳区",)))
    assert e.value.code == "region_ambiguous" and len(e.value.suggestions) >= 2
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="YJ-G15", provinces=("普宁市",)))
    assert e.value.code == "not_province"
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="all"))
    assert e.value.code == "one_indicator"


def test_local_families_compare_like_national_indicators(store):
    by_id = compare_indicator(store, CompareQuery(indicator="lf-xw", include_not_set=False))
    assert by_id["indicator"]["id"] == "LF-XW" and by_id["rows"]
    assert {r["indicator_id"] for r in by_id["rows"]} == {"LF-XW"}
    assert {r["verdict"] for r in by_id["rows"]} == {"no_threshold"}
    assert all(r["unit"] == "个" for r in by_id["rows"])
    by_words = compare_indicator(store, CompareQuery(indicator="新增学位", include_not_set=False))
    assert by_words["rows"] == by_id["rows"]
    with pytest.raises(CompareError) as e:  # several national rows and a family share the words: all are offered
        compare_indicator(store, CompareQuery(indicator="骨干教师"))
    assert e.value.suggestions[0][0] == "LF-GG" and any(v.startswith("YJ-") for v, _ in e.value.suggestions)


def test_compare_page_offers_the_local_families(client):
    doc = page(client.get("/compare"))
    values = {o.get("value") for o in doc.select("option")}
    assert {"YJ-G15", "LF-XW"} <= values
    r = client.get("/compare?indicator=LF-XW")
    assert r.status_code == 200 and "新增学位" in r.data.decode("utf-8")


def test_a_huge_table_is_refused_with_the_limit(store, monkeypatch):
    monkeypatch.setattr(cmp, "MAX_ROWS", 2)
    with pytest.raises(CompareError) as e:
        compare_indicator(store, CompareQuery(indicator="YJ-G15"))
    assert e.value.code == "too_many" and "narrow" in str(e.value)


def test_compare_by_topic_groups_clauses_by_region(kb_dir, store):
    result = compare_topic(kb_dir / "instance" / "index", store, CompareQuery(q="交流轮岗"))
    names = [g["region"]["name"] for g in result["groups"]]
    assert "郫都区" in names and len(names) >= 3
    for g in result["groups"]:
        assert all("交流轮岗" in h["text"] for h in g["hits"])
        assert g["clauses"] == len(g["hits"]) + g["more"]
    only = compare_topic(kb_dir / "instance" / "index", store, CompareQuery(q="交流轮岗", provinces=("四川省",)))
    assert [g["region"]["name"] for g in only["groups"]] == ["郫都区"]


# --- exports ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def result(store):
    r = compare_indicator(store, CompareQuery(indicator="YJ-G15", provinces=("广东省", "四川省", "浙江省")))
    return json.loads(json.dumps(r))


def test_csv_has_bom_description_and_one_row_per_target(result):
    data = export(result, "csv", today="2026-11-25")
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "对比指标" and "YJ-G15" in rows[0][1]
    assert any(r[:1] == ["导出日期"] and r[1] == "2026-11-25" for r in rows)
    header_at = rows.index(next(r for r in rows if r[:1] == ["地区"]))
    body = [dict(zip(rows[header_at], r)) for r in rows[header_at + 1:]]
    assert len(body) == len(result["rows"])
    pidu = next(r for r in body if r["地区"] == "郫都区")
    assert pidu["目标值"] == "80" and pidu["对照结论"] == "低于国家标准" and pidu["文号"] == "郫府办发〔2023〕12号"
    assert pidu["条款"] and pidu["知识库链接"].startswith("http://127.0.0.1:8000/documents/")
    assert next(r for r in body if r["地区"] == "安吉县")["目标"] == "未设定"


def test_csv_cells_cannot_run_as_formulas(result):
    evil = json.loads(json.dumps(result))
    evil["rows"][0]["title"] = '=HYPERLINK("http://x.invalid","click")'
    evil["rows"][0]["text"] = "+1+1"
    evil["rows"][1]["title"] = "@SUM(A1)"
    evil["rows"][1]["text"] = "-2"
    rows = list(csv.reader(io.StringIO(export(evil, "csv").decode("utf-8-sig"))))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=HYPERLINK(\"http://x.invalid\",\"click\")" in cells and "'-2" in cells


def test_xlsx_header_numbers_links_and_description(result):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(export(result, "xlsx", base_url="http://kb.example")))
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "地区")
    assert "YJ-G15" in ws.cell(row=1, column=1).value
    assert ws.freeze_panes == f"A{header_row + 1}"
    header = [c.value for c in ws[header_row]]
    assert all(c.font.bold for c in ws[header_row])
    assert ws.column_dimensions["E"].width >= 30  # the title column is wide enough to read
    col = {h: i + 1 for i, h in enumerate(header)}
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=col["目标值"])
              for r in range(header_row + 1, ws.max_row + 1)}
    assert values["郫都区"].value == 80 and values["郫都区"].data_type == "n"
    link = ws.cell(row=header_row + 1, column=col["知识库链接"]).hyperlink
    assert link is not None and link.target.startswith("http://kb.example/documents/")
    about = dict((r[0].value, r[1].value) for r in wb["说明"].iter_rows())
    assert "YJ-G15" in about["对比指标"] and about["知识库"].startswith("构建于")


def test_docx_landscape_table_with_query_date_and_sources(result):
    from docx import Document
    from docx.enum.section import WD_ORIENT

    doc = Document(io.BytesIO(export(result, "docx", today="2026-11-25")))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert doc.sections[0].page_width > doc.sections[0].page_height
    paras = [p.text for p in doc.paragraphs]
    assert any("YJ-G15" in p for p in paras) and any("2026-11-25" in p for p in paras)
    # under the table: what it holds, the date, then the sources
    body = doc.element.body
    after_table = [el for el in body.iterchildren()][list(body.iterchildren()).index(doc.tables[0]._tbl) + 1:]
    texts_after = ["".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")) for el in after_table]
    assert any("YJ-G15" in t and "2026-11-25" in t for t in texts_after)
    assert any(t.startswith("[1]") for t in texts_after)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:4] == ["地区", "文件(文号)", "学段", "目标"]
    assert len(table.rows) == len(result["rows"]) + 1
    pidu = next(r for r in table.rows if r.cells[0].text.startswith("郫都区"))
    ref = pidu.cells[-1].text
    source = next(p for p in paras if p.startswith(ref))
    assert "郫府办发〔2023〕12号" in source and "80%" in source


def test_json_export_is_the_result(result):
    assert json.loads(export(result, "json")) == result


# --- CLI --------------------------------------------------------------------------


def cli(kb_dir, *args):
    env = dict(os.environ, POLICYKB_CORPUS=str(kb_dir / "corpus"), POLICYKB_DB=str(kb_dir / "instance" / "kb.sqlite"))
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, env=env, cwd=kb_dir, timeout=120)


def test_cli_json_fields(kb_dir):
    p = cli(kb_dir, "compare", "--indicator", "YJ-G15", "--province", "四川省", "--json")
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    assert {"indicator", "filters", "rows"} <= set(out)
    assert out["filters"]["provinces"] == [{"code": "510000", "name": "四川省"}]
    row = out["rows"][0]
    for key in ("region", "doc_id", "title", "doc_number", "stage", "comparator", "value", "unit", "deadline", "units",
                "national_threshold", "verdict", "clause_path", "text"):
        assert key in row
    assert set(row["region"]) == {"code", "name", "province", "level"}


def test_cli_exports_files_and_explains_bad_input(kb_dir, tmp_path):
    out = tmp_path / "班额.xlsx"
    p = cli(kb_dir, "compare", "--indicator", "YJ-G5", "--format", "xlsx", "-o", str(out))
    assert p.returncode == 0 and out.stat().st_size > 3000
    p = cli(kb_dir, "compare", "--indicator", "YJ-G5", "--format", "csv")
    assert p.returncode == 0 and p.stdout.startswith("\ufeff".encode())
    p = cli(kb_dir, "compare", "--q", "集团化办学", "--format", "docx", "-o", str(tmp_path / "t.docx"))
    assert p.returncode == 0 and (tmp_path / "t.docx").exists()
    p = cli(kb_dir, "compare", "--indicator", "巩固率")
    err = p.stderr.decode()
    assert p.returncode == 1 and "CM-GGL" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    p = cli(kb_dir, "compare", "--indicator", "YJ-G15", "--region", "郫督区")  # a typo: close matches
    assert p.returncode == 1 and "郫都区 510117" in p.stderr.decode()
    p = cli(kb_dir, "compare")
    assert p.returncode == 1 and "--indicator" in p.stderr.decode()


# --- web --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(kb_dir):
    from webapp import create_app

    app = create_app({"DB_PATH": str(kb_dir / "instance" / "kb.sqlite"), "INDEX_DIR": str(kb_dir / "instance" / "index"),
                      "TESTING": True})
    return app.test_client()


def page(resp):
    return BeautifulSoup(resp.data.decode("utf-8"), "html.parser")


def test_compare_page_table_chart_and_downloads(client):
    r = client.get("/compare?indicator=YJ-G15&province=广东省&province=四川省")
    assert r.status_code == 200
    doc = page(r)
    rows = doc.select("table.compare tbody tr")
    assert {tr.td.get_text(" ", strip=True).split(" ")[0] for tr in rows} == {"普宁市", "恩平市", "郫都区"}
    svg = doc.select_one("figure.chart svg")
    assert svg is not None and len(svg.select("circle.point")) == 3 and svg.select("line.threshold")
    assert not doc.find("script")
    links = {a["data-format"]: a["href"] for a in doc.select("a[data-format]")}
    assert set(links) == {"xlsx", "docx", "csv", "json"}
    dl = client.get(links["xlsx"])
    assert dl.status_code == 200 and "attachment" in dl.headers["Content-Disposition"]
    assert dl.headers["Content-Disposition"].endswith(".xlsx")


def test_api_compare_has_the_cli_rows(client, kb_dir):
    api = client.get("/api/compare?indicator=YJ-G15&province=四川省").get_json()
    cli_out = json.loads(cli(kb_dir, "compare", "--indicator", "YJ-G15", "--province", "四川省", "--json").stdout)
    assert api["rows"] == cli_out["rows"]


def test_compare_page_bad_input_and_empty_results(client):
    r = client.get("/compare?indicator=巩固率")
    assert r.status_code == 400
    doc = page(r)
    assert "不认识指标" in doc.select_one(".error").get_text()
    hrefs = [a["href"] for a in doc.select(".suggestions a")]
    assert any("indicator=CM-GGL" in h for h in hrefs)
    r = client.get("/compare?indicator=YJ-G15&region=郫督区")  # a typo: close matches offered as links
    assert r.status_code == 400 and any("region=510117" in a["href"] for a in page(r).select(".suggestions a"))
    r = client.get("/compare?indicator=YJ-G5&stage=高中")
    doc = page(r)
    assert r.status_code == 200 and doc.select_one(".empty-result") and not doc.select("table.compare")
    api = client.get("/api/compare?indicator=nonsense")
    assert api.status_code == 400 and api.get_json()["error"]
    assert client.get("/compare/download?indicator=YJ-G15&format=pdf").status_code == 400
    r = client.get("/compare?q=没有这种说法的词")
    assert r.status_code == 200 and page(r).select_one(".empty-result")


def test_topic_page_shows_regions_side_by_side(client):
    doc = page(client.get("/compare?q=交流轮岗"))
    cards = doc.select(".topic-region")
    assert len(cards) >= 3 and any("郫都区" in c.h3.get_text() for c in cards)
    assert all(c.select("mark") for c in cards)


def test_units_view_across_regions(client):
    doc = page(client.get("/units?unit=财政局"))
    regions = [tr.td.get_text(" ", strip=True) for tr in doc.select("table.by-region tbody tr")]
    assert any(r.startswith("郫都区") for r in regions) and any(r.startswith("普宁市") for r in regions)
    tasks = doc.select("table.tasks tbody tr")
    pidu = [tr for tr in tasks if tr.td.get_text() == "郫都区"]
    assert pidu and all("配合" in tr.get_text() for tr in pidu)
    data = client.get("/api/units?unit=財政局&role=lead").get_json()  # traditional script works too
    assert data["total"] >= 1 and {r["role"] for r in data["rows"]} == {"lead"}
    kinds = page(client.get("/units")).select(".unit-kinds a")
    assert "教育局" in [a.get_text() for a in kinds][:3]


def test_citations_view_and_plan_page(client):
    doc = page(client.get("/citations"))
    rows = doc.select("table.citations tbody tr")
    assert len(rows) >= 20
    assert any("国发〔2016〕40号" in tr.get_text() for tr in rows)
    filtered = page(client.get("/citations?q=国发")).select("table.citations tbody tr")
    assert 0 < len(filtered) < len(rows)


# --- chart ------------------------------------------------------------------------


def fake_result(n):
    rows = [{"region": {"name": f"地区{i}", "code": f"{110101 + i}"}, "doc_id": f"{i:03d}", "verdict": "equal", "stage": "义务教育",
             "value": 80 + i % 15, "unit": "%", "value_text": f"≥{80 + i % 15}%", "verdict_label": "",
             "deadline": f"{2023 + i % 3}-12-31", "national_threshold": {"value": 85, "unit": "%", "text": "≥85%"}}
            for i in range(n)]
    return {"rows": rows, "summary": {"regions_not_set": 0}, "indicator": {"id": "YJ-G15", "name": "随迁"}}


@pytest.mark.parametrize("n", [2, 200, 600])
def test_chart_is_readable_from_2_to_many_regions(n):
    from webapp.chart import indicator_chart

    svg = BeautifulSoup(indicator_chart(fake_result(n))["svg"], "html.parser")
    assert len(svg.select("line.threshold")) == 1
    if n <= 200:
        assert len(svg.select("circle.point")) == n  # a row per region
        assert len({c["fill"] for c in svg.select("circle.point")}) == min(n, 3)  # one colour per deadline year
        assert len(svg.select("text")) > n  # every region is labelled
    else:
        assert not svg.select("circle.point") and svg.select("rect")  # a histogram instead


def test_a_word_table_too_long_is_refused_with_what_to_do(client, kb_dir, monkeypatch):
    from kb import export as kbexport

    monkeypatch.setattr(kbexport, "MAX_DOCX_ROWS", 2)
    r = client.get("/compare/download?indicator=YJ-G15&format=docx")
    assert r.status_code == 413 and "Excel" in r.data.decode()
    assert client.get("/compare/download?indicator=YJ-G15&format=xlsx").status_code == 200


def test_cli_units_tasks_across_regions(kb_dir):
    p = cli(kb_dir, "units", "--unit", "财政局", "--tasks", "--json")
    assert p.returncode == 0, p.stderr.decode()
    out = json.loads(p.stdout)
    assert {e["region"]["name"] for e in out["by_region"]} >= {"郫都区", "普宁市", "安吉县"}
    assert all("财政局" in r["unit"] for r in out["rows"]) and any(r["task"] for r in out["rows"])
    lead = json.loads(cli(kb_dir, "units", "--unit", "财政局", "--role", "lead", "--json").stdout)
    assert lead["rows"] and {r["role"] for r in lead["rows"]} == {"lead"}


def test_chart_keeps_regions_of_the_same_name_apart():
    from webapp.chart import indicator_chart

    result = fake_result(2)
    result["rows"][0]["region"] = {"name": "鼓楼区", "code": "320106", "province": "江苏省"}
    result["rows"][1]["region"] = {"name": "鼓楼区", "code": "350102", "province": "福建省"}
    svg = BeautifulSoup(indicator_chart(result)["svg"], "html.parser")
    labels = [t.get_text() for t in svg.select("text")]
    assert "鼓楼区(江苏省)" in labels and "鼓楼区(福建省)" in labels


def test_web_filters_accept_chinese_punctuation_between_names(client):
    r = client.get("/api/compare?indicator=YJ-G15&province=广东省，四川省")
    assert r.status_code == 200
    assert {p["name"] for p in r.get_json()["filters"]["provinces"]} == {"广东省", "四川省"}
