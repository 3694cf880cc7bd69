"""The web UI under hostile or careless input: no 5xx from any parameter, security headers on every
response, export links that ignore the Host header, and Chinese answers to over-long requests from a
real `policykb serve` (a subprocess on 127.0.0.1, spoken to through a raw socket)."""
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from werkzeug.datastructures import ImmutableMultiDict

from conftest import CORPUS, ROOT, SEEDS

CJK = re.compile(r"[\u4e00-\u9fff]")
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The bundled corpus built once: tmp/kb.sqlite with its search index in tmp/index."""
    from kb.search.engines import build_index
    from kb.pipeline import build

    tmp = tmp_path_factory.mktemp("hardening")
    build(CORPUS, tmp / "kb.sqlite")
    build_index(tmp / "kb.sqlite", tmp / "index")
    return tmp


# Which query parameters a view reads: request.args records every name asked for.
READ: set[str] = set()


class TrackingArgs(ImmutableMultiDict):
    def get(self, key, default=None, type=None):
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        READ.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


@pytest.fixture(scope="module")
def app(built):
    from webapp import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("POLICYKB_BASE_URL", raising=False)
        app = create_app({"DB_PATH": str(built / "kb.sqlite"), "INDEX_DIR": str(built / "index"), "TESTING": True})

    class TrackingRequest(app.request_class):
        parameter_storage_class = TrackingArgs

    app.request_class = TrackingRequest
    return app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


# Every route: a real URL for it (ids substituted) and the query that makes it read all its parameters.
ROUTES = {
    "/": ("/", "q=教育"),
    "/api/search": ("/api/search", "q=教育"),
    "/documents/<doc_id>": ("/documents/000", ""),
    "/api/documents/<doc_id>": (f"/api/documents/{SEEDS['004']}", ""),
    "/compare": ("/compare", "indicator=YJ-G5"),
    "/api/compare": ("/api/compare", "indicator=YJ-G5"),
    "/compare/download": ("/compare/download", "indicator=YJ-G5&format=csv"),
    "/search/download": ("/search/download", "q=教育&format=csv"),
    "/units": ("/units", "unit=教育局"),
    "/api/units": ("/api/units", "unit=教育局"),
    "/citations": ("/citations", "q=国务院"),
    "/api/citations": ("/api/citations", ""),
    "/static/<path:filename>": ("/static/style.css", ""),
}
# What a browser may put in a parameter, percent-encoded as it would send it …
VALUES = [
    "²", "①", "١", "٢٠٢٤", "߁", "𝟙", "Ⅻ", "２０２４", "2024²",  # digits other than ASCII
    "-1", "0", "-0", "+3", "1e3", "0x10", "1.5", " 7 ", "9" * 30, "9" * 5000,  # numbers
    "x" * 10240, "文" * 3500,  # 10 KB
    "\x00", "a\x00b", "\x01\x08\x1b[31m\x7f\x9f", "\u202e\u200b\ufeff", "😀", "<script>alert(1)</script>\"'",
    "../../../etc/passwd",
]
# … and what it may send without encoding: bad or truncated escapes, invalid UTF-8, an encoded surrogate.
RAW = ["%ff%fe", "%zz", "%", "a%2", "%E4%B8", "%C0%AF", "%ED%A0%80", "%00", "%F4%90%80%80"]


def encoded(value: str) -> str:
    return quote(value, safe="")


def params_of(client, path: str, base: str) -> set[str]:
    READ.clear()
    client.get(path, query_string=base)
    return set(READ)


def chinese_error(resp) -> bool:
    if resp.is_json:
        return bool(CJK.search(resp.get_json().get("error") or ""))
    return bool(CJK.search(resp.get_data(as_text=True)))


def check(resp, what: str, failures: list[str]) -> None:
    if resp.status_code >= 500:
        failures.append(f"{resp.status_code} for {what}")
    elif resp.status_code >= 400 and not chinese_error(resp):
        failures.append(f"{resp.status_code} without a Chinese message for {what}")
    missing = [h for h in SECURITY_HEADERS if h not in resp.headers]
    if missing:
        failures.append(f"no {', '.join(missing)} for {what}")


def test_every_route_is_exercised(app):
    assert {rule.rule for rule in app.url_map.iter_rules()} == set(ROUTES)


def test_parameters_read_are_found(client):
    assert {"q", "page", "year_from", "year_to", "has_target", "level", "region", "province"} <= params_of(client, "/", "q=教育")
    assert {"indicator", "q", "region", "province", "stage", "year_from", "year_to", "sort", "missing",
            "format"} <= params_of(client, "/compare/download", "indicator=YJ-G5&format=csv")
    assert {"unit", "region", "role"} <= params_of(client, "/api/units", "unit=教育局")


@pytest.mark.parametrize("rule", list(ROUTES))
def test_no_parameter_value_causes_a_server_error(client, rule):
    path, base = ROUTES[rule]
    names = params_of(client, path, base) or {"q"}  # a route reading none still gets one
    base_pairs = [p for p in base.split("&") if p]
    failures: list[str] = []
    for name in sorted(names):
        rest = [p for p in base_pairs if not p.startswith(name + "=")]
        for value in [encoded(v) for v in VALUES] + RAW + [""]:
            query = "&".join(rest + [f"{name}={value}"])
            check(client.get(path, query_string=query), f"{path}?{name}={value[:20]}", failures)
        repeated = "&".join(rest + [f"{name}=1", f"{name}={encoded('²')}", f"{name}=%ff", f"{name}=", name])
        check(client.get(path, query_string=repeated), f"{path} with {name} repeated", failures)
    everything = "&".join(base_pairs + [f"{n}={v}" for n in sorted(names) for v in ("1", "%ff%fe", "-1")])
    check(client.get(path, query_string=everything), f"{path} with every parameter repeated", failures)
    if "<" in rule:  # the path parameter itself
        prefix = path.rsplit("/", 1)[0]
        for value in [encoded(v) for v in VALUES] + RAW + ["..%2f..%2fkb.sqlite", "%2e%2e"]:
            check(client.get(f"{prefix}/{value}"), f"{prefix}/{value[:20]}", failures)
    assert not failures, "\n".join(failures[:30])


@pytest.mark.parametrize("path, name, value", [
    ("/", "page", "²"), ("/api/search", "page", "²"), ("/", "year_from", "①"), ("/api/search", "year_to", "①"),
    ("/", "page", "١"), ("/api/search", "page", "١"), ("/api/search", "year_from", "٢٠٢٤"),
    ("/compare", "year_from", "²"), ("/api/compare", "year_to", "①"), ("/compare/download", "year_from", "١"),
    ("/api/search", "page", "9" * 5000), ("/api/compare", "year_from", "9" * 5000), ("/api/search", "page", "-1"),
    ("/api/search", "page", "0"), ("/api/search", "year_from", "2024.0"),
])
def test_an_integer_other_than_ascii_digits_is_a_400_in_chinese(client, path, name, value):
    base = "indicator=YJ-G5&format=csv" if path.startswith("/compare") or path == "/api/compare" else "q=教育"
    r = client.get(path, query_string=f"{base}&{name}={encoded(value)}")
    assert r.status_code == 400
    message = r.get_json()["error"] if r.is_json else BeautifulSoup(r.data, "html.parser").select_one(
        ".error.message, p.message").get_text()
    assert f"参数 {name} 应为" in message and "整数" in message
    assert len(message) < 200  # a 5,000-digit value is not echoed whole


def test_full_width_digits_read_as_ascii(client):
    ascii_ = client.get("/api/search", query_string="q=教育&year_from=2022").get_json()
    wide = client.get("/api/search", query_string="q=教育&year_from=" + encoded("２０２２")).get_json()
    assert wide["total"] == ascii_["total"]
    r = client.get("/api/compare", query_string="indicator=YJ-G5&year_to=" + encoded("２０３０"))
    assert r.status_code == 200 and r.get_json()["filters"]["year_to"] == 2030


def csp_directives(resp) -> dict[str, str]:
    policy = resp.headers["Content-Security-Policy"]
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split(";") if d.strip()}


@pytest.mark.parametrize("url", [
    "/", "/?q=教育", "/api/search?q=教育", "/documents/004", f"/api/documents/{SEEDS['000']}", "/compare?indicator=YJ-G5",
    "/api/compare?indicator=YJ-G5", "/compare/download?indicator=YJ-G5&format=xlsx",
    "/compare/download?q=教育&format=docx", "/search/download?q=集团化办学&format=xlsx", "/units?unit=教育局",
    "/api/units", "/citations", "/api/citations", "/static/style.css", "/no/such/page", "/api/no/such", "/documents/nope", "/?q=教育&page=²", "/api/search?q=",
])
def test_every_response_carries_the_security_headers(client, url):
    r = client.get(url)
    assert r.status_code < 500
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    csp = csp_directives(r)
    assert csp["script-src"] == "'none'" and csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'" and csp["form-action"] == "'self'"
    assert csp["default-src"] in ("'self'", "'none'")
    assert csp["style-src"] == "'self'"  # no 'unsafe-inline'


def test_method_not_allowed_also_carries_them(client):
    r = client.post("/")
    assert r.status_code == 405 and "Content-Security-Policy" in r.headers and "GET" in r.headers["Allow"]
    assert "不支持这种请求方式" in r.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/", "/?q=教育", "/documents/000", "/documents/004", "/compare", "/compare?indicator=YJ-G5",
    "/compare?q=集团化办学", "/compare?indicator=YJ-G99", "/units", "/units?unit=教育局", "/citations", "/nope",
])
def test_pages_need_no_inline_style_or_script(client, url):
    """`style-src 'self'` and `script-src 'none'` hold: nothing inline that the policy would block."""
    r = client.get(url)
    page = BeautifulSoup(r.data, "html.parser")
    assert not page.find_all(["script", "style"])
    inline = [el.name for el in page.find_all(True) if "style" in el.attrs or any(a.startswith("on") for a in el.attrs)]
    assert not inline, inline
    for link in page.find_all("link", rel="stylesheet"):
        assert link["href"].startswith("/static/")
    if url == "/compare?indicator=YJ-G5":  # the chart is inline SVG: presentation attributes only
        assert page.find("svg") is not None


def test_export_links_ignore_the_host_header(client):
    for fmt in ("csv", "xlsx", "docx", "json"):
        r = client.get("/compare/download", query_string=f"indicator=YJ-G5&format={fmt}",
                       headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
        assert r.status_code == 200
        if fmt in ("xlsx", "docx"):
            with zipfile.ZipFile(io.BytesIO(r.data)) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        else:
            data = r.data
        assert b"evil.example" not in data, fmt
        if fmt != "json":
            assert b"http://127.0.0.1:8000/documents/" in data, fmt


def test_export_links_use_the_configured_base_url(built):
    from webapp import create_app

    app = create_app({"DB_PATH": str(built / "kb.sqlite"), "INDEX_DIR": str(built / "index"), "TESTING": True,
                      "BASE_URL": "https://kb.example.org/policy"})
    r = app.test_client().get("/compare/download?indicator=YJ-G5&format=csv", headers={"Host": "evil.example"})
    text = r.data.decode("utf-8-sig")
    assert "https://kb.example.org/policy/documents/" in text and "evil.example" not in text


def test_base_url_for_the_address_served_on():
    from webapp.serve import base_url_for

    assert base_url_for("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    assert base_url_for("0.0.0.0", 80) == "http://127.0.0.1:80"
    assert base_url_for("::1", 8000) == "http://[::1]:8000"


def test_serve_passes_threads_and_base_url_to_the_server(built, monkeypatch):
    import webapp.serve
    from kb.cli import main

    calls = []
    monkeypatch.setattr(webapp.serve, "run", lambda *args, **kw: calls.append((args, kw)))
    monkeypatch.delenv("POLICYKB_BASE_URL", raising=False)
    db = str(built / "kb.sqlite")
    r = CliRunner().invoke(main, ["serve", "--db", db, "--port", "8123", "--threads", "3",
                                  "--base-url", "https://kb.example.org/policy/"])
    assert r.exit_code == 0, r.output
    assert calls[-1][0][:2] == ("127.0.0.1", 8123)
    assert calls[-1][1] == {"threads": 3, "base_url": "https://kb.example.org/policy"}
    monkeypatch.setenv("POLICYKB_BASE_URL", "https://env.example.org")
    assert CliRunner().invoke(main, ["serve", "--db", db]).exit_code == 0
    assert calls[-1][1] == {"threads": webapp.serve.DEFAULT_THREADS, "base_url": "https://env.example.org"}


@pytest.mark.parametrize("args", [["--base-url", "ftp://x.example"], ["--base-url", "kb.example.org"],
                                  ["--threads", "0"], ["--threads", "lots"]])
def test_serve_refuses_bad_options(args, tmp_path):
    from kb.cli import main

    r = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "kb.sqlite"), *args])
    assert r.exit_code == 2 and "No such option" not in r.output and args[1] in r.output
    assert not (tmp_path / "kb.sqlite").exists()


# ---- a real server -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "POLICYKB_BASE_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--db", str(built / "kb.sqlite"), "--corpus", str(CORPUS)],
                            env=env, cwd=built, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/style.css", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("policykb serve did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def raw_request(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        received = b""
        while chunk := s.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def get(target: bytes, *headers: bytes) -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(h + b"\r\n" for h in headers) + \
        b"Connection: close\r\n\r\n"


@pytest.mark.parametrize("name, request_bytes, status", [
    ("a 40 KB request line", get(b"/?q=" + b"a" * 40_000), 414),
    ("a 200 KB request line", get(b"/?q=" + b"a" * 200_000), 431),
    ("a 40 KB cookie", get(b"/", b"Cookie: k=" + b"a" * 40_000), 431),
    ("a 200 KB header", get(b"/", b"X-Big: " + b"a" * 200_000), 431),
    ("a malformed request line", b"GET / HTTP/1.1 extra\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
    ("a malformed header", get(b"/", b"Bad Header: x"), 400),
    ("control bytes in the target", get(b"/?q=\x01\x7f\xff\xfe"), None),
    ("a NUL byte in the path", get(b"/documents/\x00"), None),
    ("bad chunked encoding", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 400),
])
def test_the_server_answers_oversized_and_malformed_requests_in_chinese(server, name, request_bytes, status):
    code, headers, body = raw_request(server, request_bytes)
    if status is not None:
        assert code == status, name
    assert 400 <= code < 500, name
    text = body.decode("utf-8")
    assert CJK.search(text) and "waitress" not in text and "Bad Request" not in text, text[:300]
    assert headers["content-type"].startswith("text/html")
    for h in SECURITY_HEADERS:
        assert h.lower() in headers, (name, h)


def test_the_server_links_exports_to_its_own_address_not_the_host_header(server):
    code, headers, body = raw_request(server, b"GET /compare/download?indicator=YJ-G5&format=csv HTTP/1.1\r\n"
                                              b"Host: evil.example\r\nConnection: close\r\n\r\n")
    assert code == 200 and "content-security-policy" in headers
    assert b"evil.example" not in body and f"http://127.0.0.1:{server}/documents/".encode() in body


# ---- in a browser --------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


def test_pages_show_styled_without_csp_violations_in_chromium(server):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    base = f"http://127.0.0.1:{server}"
    shots = ROOT / "test-artifacts"
    shots.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            # (an error status, such as the 400 page below or a missing favicon, is logged too: not a problem)
            page.on("console", lambda m: problems.append(f"{page.url}: {m.text}")
                    if m.type in ("error", "warning") and "Failed to load resource" not in m.text else None)
            page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
            for name, path in [("home", "/"), ("search", "/?q=教育&has_target=1"), ("document", "/documents/004"),
                               ("compare", "/compare?indicator=YJ-G5"), ("topic", "/compare?q=集团化办学"),
                               ("units", "/units?unit=教育局"), ("citations", "/citations"),
                               ("error", "/?q=教育&page=²")]:
                page.goto(base + path)
                # the stylesheet applied: the header bar has the accent colour, the layout is not raw HTML
                assert page.eval_on_selector("header.site", "e => getComputedStyle(e).backgroundColor") == \
                    "rgb(156, 28, 28)", name
                if name == "compare":
                    assert page.locator("figure.chart svg circle.point").count() > 0
                page.screenshot(path=str(shots / f"hardening-{name}.png"), full_page=False)
            seen = list(problems)
            # and the browser enforces the policy: an inline style is refused
            colour = page.evaluate("""() => { const d = document.createElement('div');
                d.setAttribute('style', 'color: rgb(1, 2, 3)'); document.body.append(d);
                return getComputedStyle(d).color; }""")
            page.wait_for_timeout(200)
        finally:
            browser.close()
    csp = [p for p in seen if "Content Security Policy" in p or "Refused to" in p]
    assert not csp, csp
    assert not seen, seen
    assert colour != "rgb(1, 2, 3)"
    assert any("Content Security Policy" in p for p in problems[len(seen):])
