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
