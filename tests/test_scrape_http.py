"""The polite HTTP client against misbehaving servers on 127.0.0.1 (no internet)."""
import threading
import time

import pytest

from kb.scrape.http import USER_AGENT, FetchConfig, FetchError, HttpClient
from scrape_support import Reply, SiteServer, free_port

FAST = FetchConfig(delay=0.0, timeout=0.5, retries=2, backoff=0.05, total_timeout=5.0)
PAGE = "<html><head><meta charset='utf-8'></head><body><p>某县实施方案</p></body></html>".encode()


def sequence(*replies: Reply):
    """A route that answers with each reply in turn, then repeats the last."""
    state = {"n": 0}

    def route(req):
        i = min(state["n"], len(replies) - 1)
        state["n"] += 1
        return replies[i]

    return route


@pytest.fixture()
def server():
    s = SiteServer()
    s.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    s.page("/ok.html", PAGE, "text/html; charset=utf-8", ETag='"v1"')
    yield s
    s.close()


def client(**kw) -> HttpClient:
    cfg = FetchConfig(**{**FAST.__dict__, **kw})
    return HttpClient(cfg)


def test_user_agent_names_the_tool_and_its_url(server):
    with client() as c:
        r = c.get(server.url("/ok.html"))
    assert r.status == 200 and r.content == PAGE and r.charset == "utf-8"
    ua = server.hits("/ok.html")[0].headers["user-agent"]
    assert ua == USER_AGENT and ua.startswith("policykb/") and "+http" in ua


def test_robots_txt_is_honoured(server):
    server.page("/private/plan.html", PAGE)
    with client() as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/private/plan.html"))
        assert e.value.kind == "robots" and e.value.reason == (
            f"robots.txt of 127.0.0.1:{server.port} does not allow fetching this page")
        c.get(server.url("/ok.html"))
    assert server.hits("/private/plan.html") == []
    assert len(server.hits("/robots.txt")) == 1  # read once per host


def test_robots_rules_for_our_name_replace_those_for_everyone():
    s = SiteServer()
    s.page("/robots.txt", b"User-agent: *\nDisallow: /\n\nUser-agent: policykb\nDisallow: /nopolicykb/\n", "text/plain")
    s.page("/a.html", PAGE)
    s.page("/nopolicykb/a.html", PAGE)
    try:
        with client() as c:
            assert c.get(s.url("/a.html")).status == 200
            with pytest.raises(FetchError) as e:
                c.get(s.url("/nopolicykb/a.html"))
        assert e.value.kind == "robots" and s.hits("/nopolicykb/a.html") == []
    finally:
        s.close()


def test_robots_txt_that_fails_closes_the_site_and_a_missing_one_opens_it():
    s = SiteServer()
    s.add("/robots.txt", Reply(503, b"busy", {"Content-Type": "text/plain"}))
    s.page("/a.html", PAGE)
    try:
        with client() as c:
            with pytest.raises(FetchError) as e:
                c.get(s.url("/a.html"))
        assert e.value.kind == "robots" and "HTTP 503" in e.value.reason and s.hits("/a.html") == []
    finally:
        s.close()
    s = SiteServer()  # no robots.txt at all (404): everything allowed
    s.page("/a.html", PAGE)
    try:
        with client() as c:
            assert c.get(s.url("/a.html")).status == 200
    finally:
        s.close()


def test_429_with_retry_after_is_waited_for(server):
    server.add("/busy.html", sequence(Reply(429, b"slow down", {"Retry-After": "1"}),
                                      Reply(200, PAGE, {"Content-Type": "text/html"})))
    with client() as c:
        r = c.get(server.url("/busy.html"))
    hits = server.hits("/busy.html")
    assert r.status == 200 and r.attempts == 2 and len(hits) == 2
    assert hits[1].at - hits[0].at >= 0.95


def test_a_retry_after_too_long_gives_up_at_once(server):
    server.add("/later.html", Reply(503, b"", {"Retry-After": "3600"}))
    with client() as c:
        t = time.monotonic()
        with pytest.raises(FetchError) as e:
            c.get(server.url("/later.html"))
    assert "asks to wait 3600 s" in e.value.reason and "try again later" in e.value.reason
    assert time.monotonic() - t < 1 and len(server.hits("/later.html")) == 1


def test_500_then_success_and_backoff_between_attempts(server):
    server.add("/flaky.html", sequence(Reply(500), Reply(502), Reply(200, PAGE, {"Content-Type": "text/html"})))
    with client(backoff=0.1) as c:
        r = c.get(server.url("/flaky.html"))
    hits = server.hits("/flaky.html")
    assert r.status == 200 and r.attempts == 3
    assert hits[1].at - hits[0].at >= 0.1 and hits[2].at - hits[1].at >= 0.2  # backoff doubles


def test_a_server_that_keeps_failing(server):
    server.add("/down.html", Reply(503))
    with client() as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/down.html"))
    assert e.value.reason == "HTTP 503 Service Unavailable (gave up after 3 attempts)"
    assert len(server.hits("/down.html")) == 3


def test_redirect_chain_is_followed_and_recorded(server):
    server.add("/old", Reply(301, b"", {"Location": "/moved"}))
    server.add("/moved", Reply(302, b"", {"Location": server.url("/ok.html")}))
    server.add("/loop", Reply(302, b"", {"Location": "/loop2"}))
    server.add("/loop2", Reply(302, b"", {"Location": "/loop"}))
    with client() as c:
        r = c.get(server.url("/old"))
        assert r.final_url == server.url("/ok.html") and r.url == server.url("/old")
        assert r.redirects == ((301, server.url("/moved")), (302, server.url("/ok.html")))
        with pytest.raises(FetchError) as e:
            c.get(server.url("/loop"))
    assert e.value.kind == "redirect" and "loop" in e.value.reason


def test_a_redirect_into_a_disallowed_path_is_not_followed(server):
    server.add("/go", Reply(302, b"", {"Location": "/private/x.html"}))
    with client() as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/go"))
    assert e.value.kind == "robots" and server.hits("/private/x.html") == []


def test_slow_response_times_out_with_a_clear_message(server):
    server.add("/slow.html", Reply(200, PAGE, {"Content-Type": "text/html"}, delay=1.5))
    with client(timeout=0.3, retries=1) as c:
        t = time.monotonic()
        with pytest.raises(FetchError) as e:
            c.get(server.url("/slow.html"))
    assert e.value.kind == "timeout"
    assert e.value.reason == "the server did not answer within 0.3 s (gave up after 2 attempts)"
    assert time.monotonic() - t < 1.5


def test_size_cap_announced_and_counted(server):
    big = b"<html><body>" + b"x" * 300_000 + b"</body></html>"
    server.page("/big.html", big)

    def chunked(req):  # no Content-Length: the cap is counted while reading
        return Reply(200, b"1000\r\n" + b"y" * 4096 + b"\r\n" * 1 + b"0\r\n\r\n",
                     {"Content-Type": "text/html", "Transfer-Encoding": "chunked", "Content-Length": ""})

    server.add("/stream.html", chunked)
    with client(max_bytes=100_000) as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/big.html"))
        assert e.value.kind == "size" and "larger than the 0.0953674 MB cap" in e.value.reason
    with client(max_bytes=1000) as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/stream.html"))
        assert e.value.kind == "size" and "stopped reading" in e.value.reason


def test_content_types_that_are_not_pages_or_documents_are_refused(server):
    server.page("/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
    server.page("/file.pdf", b"%PDF-1.4\n...", "application/pdf")
    server.page("/att.html", PAGE, "text/html")
    with client() as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/logo.png"))
        assert e.value.kind == "type" and e.value.reason == "the server sent image/png, not an HTML page or a document; skipped"
        assert c.get(server.url("/file.pdf")).content.startswith(b"%PDF")  # a plan may be a document
        with pytest.raises(FetchError) as e:
            c.get(server.url("/att.html"), kind="attachment")
        assert "instead of the attachment" in e.value.reason


def test_http_errors_and_login(server):
    server.add("/secret.html", Reply(401, b"", {"WWW-Authenticate": "Basic"}))
    server.add("/forbidden.html", Reply(403, b"forbidden"))
    with client() as c:
        with pytest.raises(FetchError) as e:
            c.get(server.url("/nothing.html"))
        assert e.value.reason == "the page does not exist (HTTP 404 Not Found)"
        with pytest.raises(FetchError) as e:
            c.get(server.url("/secret.html"))
        assert e.value.kind == "login" and "asks for a login" in e.value.reason
        with pytest.raises(FetchError) as e:
            c.get(server.url("/forbidden.html"))
        assert e.value.kind == "login" and "HTTP 403" in e.value.reason
    assert len(server.hits("/nothing.html")) == 1  # a 404 is not retried


def test_dns_failure_is_fast_and_offline():
    with client(timeout=5) as c:
        t = time.monotonic()
        with pytest.raises(FetchError) as e:
            c.get("http://www.policykb-test.invalid/zwgk/t1.html")
    assert e.value.kind == "dns" and "cannot resolve the host name www.policykb-test.invalid" in e.value.reason
    assert time.monotonic() - t < 0.5


def test_unreachable_host():
    with client(retries=1) as c:
        with pytest.raises(FetchError) as e:
            c.get(f"http://127.0.0.1:{free_port()}/a.html")
    assert e.value.kind == "connect" and "connection refused" in e.value.reason


def test_conditional_request(server):
    def etagged(req):
        if req.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, PAGE, {"Content-Type": "text/html", "ETag": '"v1"', "Last-Modified": "Wed, 01 Mar 2023 08:20:00 GMT"})

    server.add("/e.html", etagged)
    with client() as c:
        first = c.get(server.url("/e.html"))
        assert first.headers["etag"] == '"v1"' and first.headers["last-modified"].startswith("Wed")
        again = c.get(server.url("/e.html"), etag='"v1"', last_modified=first.headers["last-modified"])
    assert again.not_modified and again.content == b""
    assert server.hits("/e.html")[1].headers["if-modified-since"] == "Wed, 01 Mar 2023 08:20:00 GMT"


def test_delay_between_requests_to_one_host(server):
    with client(delay=0.25) as c:
        for _ in range(3):
            c.get(server.url("/ok.html"))
    hits = [h.at for h in server.log]  # robots.txt, then three pages
    assert len(hits) == 4 and all(b - a >= 0.24 for a, b in zip(hits, hits[1:]))


def test_one_request_at_a_time_per_host(server):
    server.add("/work.html", Reply(200, PAGE, {"Content-Type": "text/html"}, delay=0.2))
    with client() as c:
        c.get(server.url("/ok.html"))  # robots.txt read first
        threads = [threading.Thread(target=c.get, args=(server.url("/work.html"),)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    at = sorted(h.at for h in server.hits("/work.html"))
    assert len(at) == 3 and all(b - a >= 0.19 for a, b in zip(at, at[1:]))


def test_crawl_delay_of_robots_txt_wins_when_longer():
    s = SiteServer()
    s.page("/robots.txt", b"User-agent: *\nCrawl-delay: 1\n", "text/plain")
    s.page("/a.html", PAGE)
    try:
        with client(delay=0.0) as c:
            c.get(s.url("/a.html"))
            c.get(s.url("/a.html"))
        a, b = (h.at for h in s.hits("/a.html"))
        assert b - a >= 0.95
    finally:
        s.close()
