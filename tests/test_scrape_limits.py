"""Fetching and reading stay bounded in time whatever a server or a page does (no internet).

* A download cannot outlast ``FetchConfig.total_timeout``: a server on 127.0.0.1 sends its
  answer a byte at a time (with a Content-Length, without one, chunked, or the headers
  themselves), each byte soon enough for the read timeout; the fetch still ends at the cap with
  one clear failure, and the rest of the batch goes on.
* A page nested 10,000 or 20,000 levels deep, or made of thousands of comments, hidden spans,
  scripts, ``<br>`` and stray end tags, is read in seconds through the entry points the build and
  ``policykb page`` use, and keeps its text.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from kb.htmltext import MAX_DEPTH, html_to_text
from kb.pipeline import page_text
from kb.scrape.http import FetchConfig, FetchError, HttpClient
from kb.scrape.pages import read_page

CAP = 2.0  # seconds a download may take in these tests
SLACK = 1.5  # the watchdog, a loaded test machine
PAGE = ("<html><head><meta charset='utf-8'><title>某县实施方案</title></head><body><div class='content'>"
        "<p>为推进义务教育优质均衡发展，结合我县实际，制定本方案。到2025年，全县义务教育学校办学条件全面达标。</p>"
        "</div></body></html>").encode()


# --- a server that answers slowly ----------------------------------------------------------------


class SlowServer:
    """HTTP on 127.0.0.1 whose routes send their answer ``step`` bytes every ``interval`` seconds.

    A route is (mode, body, interval): mode "length" (Content-Length, slow body), "close" (no
    length: the body ends when the connection closes), "chunked" (a chunk per byte), "headers"
    (the status line and headers themselves come slowly), "fast", or "stall" (a slow start, then
    silence longer than any read timeout).
    """

    def __init__(self) -> None:
        self.routes: dict[str, tuple[str, bytes, float]] = {}
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.hits: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.listener.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:  # the accept timed out, or the server was closed
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            path = request.split(b" ", 2)[1].decode()
            self.hits.append(path)
            mode, body, interval = self.routes.get(path, ("fast", b"", 0.0))
            status = "200 OK" if path in self.routes else "404 Not Found"
            head = f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
            if mode == "chunked":
                conn.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
                self._dribble(conn, [b"1\r\n" + body[i:i + 1] + b"\r\n" for i in range(len(body))] + [b"0\r\n\r\n"],
                              interval)
            elif mode == "close":
                conn.sendall((head + "\r\n").encode())
                self._dribble(conn, [body[i:i + 1] for i in range(len(body))], interval)
            elif mode == "headers":
                raw = (head + "X-Padding: " + "x" * 400 + f"\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
                self._dribble(conn, [raw[i:i + 1] for i in range(len(raw))], interval)
            elif mode == "stall":  # a second of slow bytes, then nothing for a long while
                conn.sendall((head + f"Content-Length: {len(body)}\r\n\r\n").encode())
                n = int(1.0 / interval)
                self._dribble(conn, [body[i:i + 1] for i in range(n)], interval)
                self.stop.wait(30)
            else:
                conn.sendall((head + f"Content-Length: {len(body)}\r\n\r\n").encode())
                if mode == "fast":
                    conn.sendall(body)
                else:
                    self._dribble(conn, [body[i:i + 1] for i in range(len(body))], interval)
        except OSError:
            pass  # the client hung up: that is what the cap does
        finally:
            conn.close()

    def _dribble(self, conn: socket.socket, pieces: list[bytes], interval: float) -> None:
        for piece in pieces:
            if self.stop.wait(interval):
                return
            conn.sendall(piece)


@pytest.fixture()
def slow():
    s = SlowServer()
    yield s
    s.close()


def client(**kw) -> HttpClient:
    cfg = {"delay": 0.0, "timeout": 1.0, "retries": 2, "backoff": 0.01, "total_timeout": CAP}
    return HttpClient(FetchConfig(**{**cfg, **kw}))


BODY_420 = (b"<html><body><p>" + "义务教育优质均衡".encode() * 16 + b"</p></body></html>").ljust(420, b" ")


@pytest.mark.parametrize("mode", ["length", "close", "chunked", "headers"])
def test_a_download_sent_a_byte_at_a_time_stops_at_the_cap(slow, mode):
    # 420 bytes, one every 50 ms: 21 s in all, yet every read is answered well within the 1 s read timeout.
    slow.routes["/slow.html"] = (mode, BODY_420, 0.05)
    with client() as c:
        t = time.monotonic()
        with pytest.raises(FetchError) as e:
            c.get(slow.url("/slow.html"))
        took = time.monotonic() - t
    assert e.value.kind == "timeout"
    assert e.value.reason == f"the download took longer than {CAP:g} s; stopped"
    assert CAP - 0.2 < took < CAP + SLACK, took
    assert slow.hits.count("/slow.html") == 1  # a download that ran out of time is not tried again


def test_retries_share_the_time_of_one_download(slow):
    # Each attempt: a second of slow bytes, then a stall that the 0.4 s read timeout turns into a retry.
    slow.routes["/stall.html"] = ("stall", BODY_420, 0.05)
    with client(timeout=0.4, retries=3) as c:
        t = time.monotonic()
        with pytest.raises(FetchError) as e:
            c.get(slow.url("/stall.html"))
        took = time.monotonic() - t
    assert took < CAP + SLACK, took  # four attempts on their own would take ~6 s
    assert e.value.kind == "timeout" and e.value.reason == f"the download took longer than {CAP:g} s; stopped"


def test_a_normal_download_is_untouched_by_the_watchdog(slow):
    big = b"<html><body>" + "某县实施方案。".encode() * 40_000 + b"</body></html>"  # > 800 KB, many reads
    slow.routes["/big.html"] = ("fast", big, 0.0)
    slow.routes["/a-bit-slow.html"] = ("length", PAGE, 0.002)  # about a second, under the cap
    with client() as c:
        assert c.get(slow.url("/big.html")).content == big
        assert c.get(slow.url("/a-bit-slow.html")).content == PAGE
        assert c.get(slow.url("/big.html")).content == big  # a kept-alive connection is not shut afterwards


def test_a_slow_page_fails_clearly_and_the_batch_goes_on(slow, tmp_path):
    from kb.corpus import Corpus
    from kb.scrape.fetcher import Fetcher, FetchOptions

    slow.routes["/slow.html"] = ("length", BODY_420, 0.05)
    slow.routes["/plan.html"] = ("fast", PAGE, 0.0)
    lines = []
    t = time.monotonic()
    with client() as c:
        report = Fetcher(Corpus(tmp_path / "corpus"), c, FetchOptions(), on_outcome=lines.append).run(
            [slow.url("/slow.html"), slow.url("/plan.html")])
    assert time.monotonic() - t < CAP + SLACK + 2
    first, second = report.outcomes
    assert first.status == "failed" and first.message == f"the download took longer than {CAP:g} s; stopped"
    assert second.status == "added"


# --- pages that are slow to read ----------------------------------------------------------------

BODY = ("为推进义务教育优质均衡发展，根据上级文件精神，结合我县实际，制定本方案。"
        "一、总体要求。到2025年，全县义务教育学校办学条件全面达标，校际差异系数小学不高于0.50。")
DEEP_WORDS = "最深处的文字：各乡镇人民政府要落实主体责任。"
TAGS = ("div", "span", "font")


def nested(depth: int, inner: str) -> bytes:
    opened = "".join(f"<{TAGS[i % 3]}>" for i in range(depth))
    closed = "".join(f"</{TAGS[i % 3]}>" for i in reversed(range(depth)))
    return ("<html><head><meta charset='utf-8'><title>某县义务教育优质均衡发展实施方案</title></head><body>"
            f"{opened}<p>{BODY}</p>{inner}{closed}</body></html>").encode()


def timed(fn, *args):
    t = time.monotonic()
    out = fn(*args)
    return out, time.monotonic() - t


@pytest.mark.parametrize("depth", [10_000, 20_000])
def test_a_page_nested_thousands_deep_is_read_in_seconds_and_keeps_its_text(depth):
    data = nested(depth, DEEP_WORDS)
    text, took = timed(page_text, data)  # what the build reads
    assert BODY in text and DEEP_WORDS in text
    assert took < 15, took  # quadratic before: ~48 s at 10,000 levels
    (page, _), took = timed(read_page, data)  # what `policykb page` and the fetcher read
    assert page.has_body and BODY in page.body_text and DEEP_WORDS in page.body_text
    assert took < 15, took


def test_flattened_nesting_keeps_lines_links_and_hides_what_was_hidden():
    inner = ("<p>第一段：加快学校建设。</p><div>第二段：加强教师队伍建设。</div><script>var x = '脚本不应出现';</script>"
             "<span style='display:none'>隐藏的字不应出现</span><br>第三段：完善保障机制。"
             "<a href='/files/P0202303.docx'>附件1.义务教育学校建设项目表.docx</a>"
             "<input type='password' name='pwd'>")
    page, _ = read_page(nested(MAX_DEPTH + 300, inner), "http://127.0.0.1/x/t1.html")
    lines = page.body_text.splitlines()
    assert "第一段：加快学校建设。" in lines and "第二段：加强教师队伍建设。" in lines
    assert any(ln.startswith("第三段") for ln in lines)
    assert "脚本不应出现" not in page.body_text and "隐藏的字不应出现" not in page.body_text
    assert [a.url for a in page.attachments] == ["http://127.0.0.1/files/P0202303.docx"]
    assert page.dom.has_password
    text = html_to_text(nested(MAX_DEPTH + 300, inner).decode("utf-8"))
    assert "第二段：加强教师队伍建设。" in text.splitlines() and "脚本不应出现" not in text


def test_nesting_within_the_cap_is_left_as_it_is():
    shallow, _ = read_page(nested(MAX_DEPTH - 10, "<p>尾段。</p>"))
    assert shallow.body_text.splitlines()[-1] == "尾段。"


def test_a_page_of_many_small_hostile_shapes_is_read_in_seconds():
    n = 10_000
    parts = ["<div class='content'>"]
    parts += [f"<!-- 注释{i} -->第{i}句。<span style='display:none'>x</span><script>var a{i}=1;</script><br>"
              for i in range(n)]
    parts.append("</p>" * n)  # stray end tags
    parts.append(f"<p>{BODY}</p></div>")
    data = ("<html><head><meta charset='utf-8'><title>某县实施方案</title></head><body>" + "".join(parts)
            + "</body></html>").encode()
    (page, _), took = timed(read_page, data)
    assert BODY in page.body_text and f"第{n - 1}句。" in page.body_text and "var a1=1" not in page.body_text
    assert took < 15, took  # each of these shapes was quadratic before: ~45 s for this page


def test_a_page_without_an_article_of_many_siblings_is_read_in_seconds():
    # No article body: the build reads the whole page's text (kb.htmltext.html_to_text).
    data = ("<html><head><meta charset='utf-8'><title>栏目</title></head><body>"
            + "".join(f"<div>item {i}</div>" for i in range(20_000)) + "</body></html>").encode()
    text, took = timed(page_text, data)
    assert text.splitlines()[-1] == "item 19999" and "item 0" in text
    assert took < 20, took  # quadratic before (bs4 looks each inserted line break up among its siblings): ~54 s
