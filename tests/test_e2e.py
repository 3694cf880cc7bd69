"""End to end in a real browser: headless Chromium (Debian's) driven by Playwright
against `policykb serve` on 127.0.0.1.  Screenshots go to test-artifacts/."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import CORPUS, ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    shutil.copytree(CORPUS, tmp / "corpus")
    port = free_port()
    env = dict(os.environ, POLICYKB_CORPUS=str(tmp / "corpus"), POLICYKB_DB=str(tmp / "instance" / "kb.sqlite"))
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--port", str(port)], env=env, cwd=tmp,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode())
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("the server did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        pg = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield pg
        browser.close()


def test_search_in_traditional_script_filter_and_open_the_clause(server, page):
    SHOTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.fill("input[name=q]", "隨遷子女 公辦學校")
    page.click("button[type=submit]")
    page.wait_for_selector(".hit-item")
    page.screenshot(path=str(SHOTS / "search-traditional.png"), full_page=True)
    marks = page.locator(".hit-item mark")
    assert marks.count() > 0
    assert set(marks.all_inner_texts()) <= {"随迁子女", "公办学校"}
    total_before = page.locator(".hit-item").count()
    regions = set(page.locator(".hit-item .meta").all_inner_texts())
    assert len(regions) > 1 and total_before > 1

    page.fill("input[name=region]", "普宁市")
    page.click("button[type=submit]")
    page.wait_for_selector(".hit-item")
    metas = page.locator(".hit-item .meta").all_inner_texts()
    assert metas and all(m.startswith("普宁市") for m in metas)
    page.screenshot(path=str(SHOTS / "search-filtered.png"), full_page=True)

    first = page.locator(".hit-item .title a").first
    href = first.get_attribute("href")
    assert "#clause-" in href
    first.click()
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    target = page.locator(f"#{anchor}")
    assert target.is_visible()
    assert "随迁子女" in target.inner_text()
    page.screenshot(path=str(SHOTS / "document-at-clause.png"))


def test_compare_an_indicator_across_two_provinces_and_download_xlsx(server, page, tmp_path):
    import io

    import openpyxl

    SHOTS.mkdir(exist_ok=True)
    page.goto(server + "/compare")
    page.select_option("select[name=indicator]", "YJ-G15")
    page.check("input[name=province][value=广东省]")
    page.check("input[name=province][value=浙江省]")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("table.compare")
    page.screenshot(path=str(SHOTS / "compare-indicator.png"), full_page=True)

    chart = page.locator("figure.chart svg")
    assert chart.is_visible()
    assert page.locator("svg line.threshold").count() == 1
    assert page.locator("svg circle.point").count() >= 3
    regions = page.locator("table.compare tbody tr td:first-child").all_inner_texts()
    assert {r.split("\n")[0] for r in regions} == {"普宁市", "恩平市", "温岭市"}  # no 晋江 (福建), no 青海
    assert "严于国家标准" in page.locator("table.compare").inner_text()  # 恩平 promises 90% > 85%

    with page.expect_download() as info:
        page.click("a[data-format=xlsx]")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    ws = wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "地区")
    header = rows[header_at]
    body = [dict(zip(header, r)) for r in rows[header_at + 1:]]
    assert "YJ-G15" in rows[0][0]
    assert {r["地区"] for r in body} == {"普宁市", "恩平市", "温岭市"}
    enping = next(r for r in body if r["地区"] == "恩平市")
    assert enping["目标值"] == 90 and enping["对照结论"] == "严于国家标准"
    assert ws.cell(row=header_at + 2, column=header.index("知识库链接") + 1).hyperlink.target.startswith(server)


def test_compare_unknown_indicator_offers_close_matches(server, page):
    page.goto(server + "/compare?indicator=巩固率")
    text = page.locator(".error").inner_text()
    assert "不认识指标" in text
    links = page.locator(".suggestions a")
    assert links.count() >= 2
    page.screenshot(path=str(SHOTS / "compare-unknown.png"), full_page=True)
    links.filter(has_text="CM-GGL").click()
    page.wait_for_selector("table.compare")
    assert "九年义务教育巩固率" in page.locator("h2").first.inner_text()
