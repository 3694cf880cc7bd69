"""No live formulas in any export: hostile text (a plan line, a title, a query) and the
comparator "=" never become a formula in CSV, XLSX or DOCX; numbers stay numbers; only
http(s) addresses become hyperlinks.  On the seed plans plus the two constructed plans of
tests/data/compare/ (the same knowledge base as tests/test_compare.py)."""
import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest
from docx import Document  # tests may read a .docx directly; kb/worddoc.py owns python-docx in kb/

from kb.compare import CompareQuery, compare_indicator, compare_topic, value_text
from kb.export import export
from kb.store import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EVIL = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1+1", "=cmd|' /C calc'!A0"]
EVIL_URLS = ['=HYPERLINK("http://x","y")', "javascript:alert(1)", "file:///etc/passwd", " http://x.invalid/",
             "http://www.example.gov.cn/art/2023/1/1/art_1.html"]


@pytest.fixture(scope="module")
def kb_dir(compare_kb_dir):
    return compare_kb_dir


@pytest.fixture(scope="module")
def store(kb_dir):
    s = Store(kb_dir / "instance" / "kb.sqlite")
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(kb_dir):
    from webapp import create_app

    app = create_app({"DB_PATH": str(kb_dir / "instance" / "kb.sqlite"), "INDEX_DIR": str(kb_dir / "instance" / "index"),
                      "TESTING": True})
    return app.test_client()


# --- reading the files back --------------------------------------------------------


def xlsx_cells(data: bytes) -> list:
    """Every non-empty cell of every sheet, after checking the XML holds no formula at all."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert not re.search(r"<(\w+:)?f[\s>/]", xml), f"a formula in {name}"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def check_xlsx(data: bytes) -> list:
    cells = xlsx_cells(data)
    for c in cells:
        where = f"{c.parent.title}!{c.coordinate} {c.value!r}"
        if isinstance(c.value, str):
            assert c.data_type == "s", where
            assert not c.value.startswith(FORMULA_START), where
        else:
            assert isinstance(c.value, (int, float)) and c.data_type == "n", where
        if c.hyperlink is not None:
            assert re.match(r"https?://[^\s/]", c.hyperlink.target or ""), where
    return cells


def check_csv(data: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            # a plain number (-5) is a number to a spreadsheet, not a formula
            assert not cell.startswith(FORMULA_START) or re.fullmatch(r"-\d+(\.\d+)?", cell), repr(cell)
    return rows


def docx_texts(data: bytes) -> tuple[list[str], list[str]]:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return [p.text for p in doc.paragraphs], cells


def check_docx(data: bytes) -> list[str]:
    paras, cells = docx_texts(data)
    for text in paras + cells:
        assert not text.startswith(FORMULA_START), repr(text)
    return cells


def check_all(result: dict) -> dict:
    out = {
        "xlsx": check_xlsx(export(result, "xlsx", base_url="http://kb.example")),
        "csv": check_csv(export(result, "csv", base_url="http://kb.example")),
        "docx": check_docx(export(result, "docx", base_url="http://kb.example")),
    }
    # JSON is the data itself, kept as it was (a JSON reader does not run formulas).
    assert json.loads(export(result, "json")) == result
    return out


def hyperlinks(data: bytes) -> set[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {c.hyperlink.target for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.hyperlink is not None}


# --- hostile text ------------------------------------------------------------------


def evil(i: int) -> str:
    return EVIL[i % len(EVIL)]


@pytest.fixture(scope="module")
def hostile_indicator(store):
    result = json.loads(json.dumps(compare_indicator(store, CompareQuery(indicator="YJ-G15"))))
    targets = [r for r in result["rows"] if r["verdict"] != "not_set"]
    assert len(targets) >= 4
    for i, r in enumerate(result["rows"]):
        r["title"], r["text"], r["doc_number"] = evil(i), evil(i + 1), evil(i + 2)
        r["region"]["name"], r["region"]["province"] = evil(i + 3), evil(i + 4)
        r["units"] = [{"name": evil(i + 5), "role": "lead"}, {"name": evil(i + 6), "role": None}]
        r["source_url"] = EVIL_URLS[i % len(EVIL_URLS)]
        r["clause_path"] = evil(i + 7) if r["clause_path"] else None
        if r["verdict"] != "not_set":
            r["indicator"], r["stage"] = evil(i + 1), evil(i + 2)
            r["deadline"], r["deadline_text"] = None, evil(i + 3)
            r["evidence"]["text"] = evil(i)
    # The comparator "=" as kb.compare renders it, and a negative number that must stay a number.
    targets[0].update(comparator="=", value=100, unit="%", value_text=value_text("=", 100, "%"))
    targets[1].update(comparator=">=", value=-5, unit=evil(0), value_text=value_text(">=", -5, evil(0)))
    targets[2]["national_threshold"] = {"stage": None, "comparator": "=", "value": 100, "unit": "%",
                                        "text": value_text("=", 100, "%")}
    result["indicator"]["name"] = evil(0)
    result["indicator"]["thresholds"] = [{"stage": None, "comparator": "=", "value": 100, "unit": "%",
                                          "text": value_text("=", 100, "%")}]
    return result


def test_hostile_text_in_an_indicator_comparison_is_inert_in_every_format(hostile_indicator):
    out = check_all(hostile_indicator)
    texts = [c.value for c in out["xlsx"] if isinstance(c.value, str)]
    # neutralised, not dropped: the words are all there behind an apostrophe, in XLSX as in CSV
    csv_cells = {c for row in out["csv"] for c in row}
    for e in EVIL:
        assert "'" + e in texts
        assert "'" + e in csv_cells
    # numbers stay numbers (a negative one too)
    wb = openpyxl.load_workbook(io.BytesIO(export(hostile_indicator, "xlsx")))
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == "地区")
    col = {c.value: c.column for c in ws[header_row]}
    numbers = [ws.cell(row=r, column=col["目标值"]) for r in range(header_row + 1, ws.max_row + 1)]
    assert {100, -5} <= {c.value for c in numbers}
    assert all(c.data_type == "n" for c in numbers if c.value is not None)
    # the comparator "=" shows as words, never as "=" (nor as an apostrophe-guarded "=")
    assert "达到100%" in texts and "达到" in texts
    assert not [t for t in texts if t.startswith("'=") and "100%" in t]


def test_only_http_addresses_become_hyperlinks(hostile_indicator):
    data = export(hostile_indicator, "xlsx", base_url="http://kb.example")
    links = hyperlinks(data)
    assert "http://www.example.gov.cn/art/2023/1/1/art_1.html" in links
    assert any(t.startswith("http://kb.example/documents/") for t in links)
    assert all(re.match(r"https?://[^\s/]", t) for t in links), links
    texts = {c.value for c in check_xlsx(data)}
    assert "javascript:alert(1)" in texts and "'" + EVIL_URLS[0] in texts  # shown as text, not a link


@pytest.fixture(scope="module")
def hostile_topic(kb_dir, store):
    result = compare_topic(kb_dir / "instance" / "index", store, CompareQuery(q="集团化办学"))
    result = json.loads(json.dumps(result))
    assert result["rows"]
    result["query"] = result["normalised_query"] = EVIL[0]
    for i, r in enumerate(result["rows"]):
        r["title"], r["text"], r["doc_number"], r["clause_path"] = evil(i), evil(i + 1), evil(i + 2), evil(i + 3)
        r["region"]["name"] = evil(i + 4)
    return result


def test_hostile_text_in_a_topic_comparison_is_inert_in_every_format(hostile_topic):
    out = check_all(hostile_topic)
    wb = openpyxl.load_workbook(io.BytesIO(export(hostile_topic, "xlsx")))
    about = {r[0].value: r[1] for r in wb["说明"].iter_rows()}
    assert about["对比检索"].data_type == "s" and about["对比检索"].value.startswith("'=HYPERLINK(")
    assert wb.worksheets[0]["A1"].data_type == "s"  # the title lines above the table
    assert any(c.startswith("'=HYPERLINK(") for c in out["docx"])


def test_the_xlsx_writer_never_writes_a_formula_or_a_non_web_link():
    from kb.spreadsheet import Column, Link, write_table

    data = write_table([Column("a"), Column("b", wrap=True), Column("c"), Column("d")],
                       [["=1+1", "=SUM(A1:A2)", Link("=HYPERLINK(\"http://x\",\"y\")", "javascript:alert(1)"), 3],
                        ["#N/A", "#REF!", Link("原文", "http://www.example.gov.cn/a.html"), -2.5],
                        ["@SUM(A1)", None, Link("=x", "=HYPERLINK(\"http://x\",\"y\")"), 0]],
                       about=[("=k", "=1+1")], title_lines=["=A1", "+1"])
    cells = xlsx_cells(data)
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    assert {c.value for c in cells if isinstance(c.value, str)} >= {"=1+1", "=SUM(A1:A2)", "#N/A", "#REF!", "=A1", "=k"}
    assert [c.value for c in cells if c.data_type == "n"] == [3, -2.5, 0]
    assert hyperlinks(data) == {"http://www.example.gov.cn/a.html"}


def test_comparators_never_render_as_a_leading_equals_sign():
    from kb import taxonomy
    from kb.compare import threshold_json

    comparators = (">=", ">", "<=", "<", "=", "~")  # kb.models.Target.comparator
    for comparator in comparators:
        for value, unit in ((100, "%"), ([1, 15], "ratio"), (45, "人")):
            assert not value_text(comparator, value, unit).startswith(FORMULA_START), comparator
    assert value_text("=", 100, "%") == "达到100%" and value_text("=", [1, 15], "ratio") == "达到1:15"
    assert value_text(">=", 85, "%") == "≥85%" and value_text("<=", 45, "人") == "≤45人"  # the others keep their symbols
    for ind in taxonomy.indicators():
        for th in ind.thresholds:
            assert not threshold_json(th)["text"].startswith(FORMULA_START), ind.id
    from kb.compare import comparator_text  # the 比较 column of an export

    assert [comparator_text(c) for c in comparators] == ["不低于", "超过", "不高于", "低于", "达到", "约"]


# --- real comparisons with the comparator "=" ---------------------------------------------


@pytest.mark.parametrize("indicator", ["YJ-G9", "XQ-Q3"])
def test_a_real_comparison_with_equals_targets_has_no_cell_starting_with_equals(store, indicator):
    result = json.loads(json.dumps(compare_indicator(store, CompareQuery(indicator=indicator))))
    out = check_all(result)
    equal = [r for r in result["rows"] if r["comparator"] == "="]
    assert equal and all(r["value_text"].startswith("达到") for r in equal)
    xlsx_texts = [c.value for c in out["xlsx"] if isinstance(c.value, str)]
    csv_cells = [c for row in out["csv"] for c in row]
    for text in xlsx_texts + csv_cells + out["docx"]:
        assert not text.startswith(("=", "'=")), repr(text)
    assert "达到" in xlsx_texts and "达到" in csv_cells  # the 比较 column in words
    if indicator == "YJ-G9":  # a percentage target stays a number; its threshold is 达到100% too
        assert 100 in [c.value for c in out["xlsx"] if c.data_type == "n"]
        assert result["rows"][0]["national_threshold"]["text"] == "达到100%"
    else:  # a ratio is text in the 目标值 column
        assert "1:12" in xlsx_texts


# --- through the web app ---------------------------------------------------------------


def test_download_with_a_formula_as_query_is_inert(client):
    url = "/compare/download?q=%3DHYPERLINK(%22http://x%22,%22y%22)&format="
    r = client.get(url + "xlsx")
    assert r.status_code == 200, r.data[:300]
    check_xlsx(r.data)
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    info = list(wb["说明"].iter_rows())
    assert info and all(c.data_type == "s" for row in info for c in row if c.value is not None)
    about = {row[0].value: row[1].value for row in info}
    assert about["对比检索"].startswith('\'=HYPERLINK("http://x","y")')
    # the same query, the same rule in CSV and DOCX
    rows = check_csv(client.get(url + "csv").data)
    assert rows[0][0] == "对比检索" and rows[0][1].startswith("'=HYPERLINK(")
    check_docx(client.get(url + "docx").data)


def test_download_of_an_equals_target_is_inert(client):
    r = client.get("/compare/download?indicator=YJ-G9&format=xlsx")
    assert r.status_code == 200
    texts = [c.value for c in check_xlsx(r.data) if isinstance(c.value, str)]
    assert "达到100%" in texts and not [t for t in texts if t.startswith("'=")]


def test_characters_xml_cannot_hold_are_dropped_not_fatal(hostile_indicator):
    """A plan line carrying a C0 control character or a lone surrogate (a damaged page) still exports."""
    result = json.loads(json.dumps(hostile_indicator))
    row = next(r for r in result["rows"] if r["verdict"] != "not_set")
    row["text"] = row["evidence"]["text"] = "到2025年,\x01随迁子女\x0b在公办学校就读比例\ud800达到90%。"
    row["title"] = "\x1f=某县实施方案"
    result["query"] = "\x00"
    for fmt in ("csv", "xlsx", "docx"):
        data = export(result, fmt, today="2026-12-02")
        assert data
    cells = [c.value for c in xlsx_cells(export(result, "xlsx", today="2026-12-02")) if isinstance(c.value, str)]
    assert "到2025年,随迁子女在公办学校就读比例达到90%。" in cells
    assert "'=某县实施方案" in cells
    paragraphs, table_cells = docx_texts(export(result, "docx", today="2026-12-02"))
    assert any("随迁子女在公办学校就读比例达到90%" in t for t in paragraphs + table_cells)


# --- search result exports ----------------------------------------------------------


def test_hostile_text_in_a_search_export_is_inert_in_every_format(kb_dir, store):
    from kb.search import SearchQuery
    from kb.searchexport import collect, export_search

    result = json.loads(json.dumps(collect(kb_dir / "instance" / "index", store, SearchQuery("集团化办学 紧密型"))))
    assert result["hits"] and {h["tier"] for h in result["hits"]} <= {1, 2}
    for i, h in enumerate(result["hits"]):
        h["title"], h["text"], h["doc_number"], h["clause_label"] = evil(i), evil(i + 1), evil(i + 2), evil(i + 3)
        h["region"]["name"], h["issuers"], h["source_url"] = evil(i + 4), [evil(i + 5)], EVIL_URLS[i % len(EVIL_URLS)]
        h["matched_terms"] = [evil(i + 6)]
    result["query"] = result["normalised_query"] = evil(0)
    xlsx = export_search(result, "xlsx", base_url="http://kb.example")
    check_xlsx(xlsx)
    assert all(re.match(r"https?://", u) for u in hyperlinks(xlsx))
    rows = check_csv(export_search(result, "csv", base_url="http://kb.example"))
    assert rows[0][0] == "检索式" and any(r and r[0] == "序号" for r in rows)
    check_docx(export_search(result, "docx", base_url="http://kb.example"))
    assert json.loads(export_search(result, "json", today="2026-12-03"))["hits"] == result["hits"]


def test_search_download_with_a_formula_as_query_is_inert(client):
    for fmt in ("csv", "xlsx", "docx"):
        r = client.get("/search/download", query_string={"q": "=1+1 集团化办学", "format": fmt})
        assert r.status_code == 200, r.data[:200]
        {"csv": check_csv, "xlsx": check_xlsx, "docx": check_docx}[fmt](r.data)
    assert client.get("/search/download?q=集团化办学&format=exe").status_code == 400


def test_a_search_word_table_too_long_is_refused_with_what_to_do(client, monkeypatch):
    from kb import searchexport

    monkeypatch.setattr(searchexport, "MAX_DOCX_ROWS", 2)
    r = client.get("/search/download", query_string={"q": "教育", "format": "docx"})
    assert r.status_code == 413 and "Excel" in r.data.decode() and "检索结果共" in r.data.decode()
    assert client.get("/search/download", query_string={"q": "教育", "format": "xlsx"}).status_code == 200
