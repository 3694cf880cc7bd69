"""Serve the web UI with waitress (the only module that imports it)."""
from __future__ import annotations

import logging
import os
import threading
from html import escape

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from kb.search import warm as search_warm

from . import create_app
from .hardening import MAX_HEADER_BYTES, MAX_TARGET_BYTES, SECURITY_HEADERS

log = logging.getLogger(__name__)

# Worker threads (``policykb serve --threads``): scripts/bench_serve.py on 2 shared cores gave
# 8 and 16 the same throughput, above 4 and 2, and 8 the shorter p95 at 32 clients (README).
DEFAULT_THREADS = 8

# waitress reads up to this much of a request's line and headers, more than the app's own limits
# (webapp.hardening), so an over-long URL or header is answered by the app with a Chinese page;
# beyond it waitress refuses the request itself, and ChineseErrorTask words that answer.
MAX_REQUEST_HEADER_BYTES = MAX_TARGET_BYTES + MAX_HEADER_BYTES + 4096

WILDCARD_HOSTS = {"", "0.0.0.0", "::", "*"}

# What waitress refuses before the app sees the request, in the UI's language (title, message).
REFUSALS = {
    400: ("请求有误", "请求格式有误,无法处理。"),
    413: ("请求过大", "请求内容过大,无法处理。"),
    431: ("请求过长", "请求的网址或请求头过长,无法处理;请缩短检索词、减少筛选条件,或清除本站的 Cookie 后重试。"),
    500: ("服务器内部错误", "服务器处理请求时出错,请稍后再试。"),
}


def base_url_for(host: str, port: int) -> str:
    """The URL of the address the server listens on, for links in exports (loopback for a wildcard)."""
    host = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


class ChineseErrorTask(ErrorTask):
    """waitress's answer to a request it cannot pass to the app (too large, malformed): in Chinese,
    as a small HTML page with the app's security headers, instead of waitress's English text."""

    def execute(self):
        error = self.request.error
        code = getattr(error, "code", 400)
        title, message = REFUSALS.get(code) or REFUSALS[500 if code >= 500 else 400]
        body = (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
                f'<link rel="stylesheet" href="/static/style.css"><title>{escape(title)}'
                f' — 教育政策方案知识库</title></head>\n<body><h1>{escape(title)}</h1><p>{escape(message)}</p>'
                f'<p><a href="/">返回检索页</a></p></body></html>\n').encode("utf-8")
        self.status = f"{code} {getattr(error, 'reason', 'Bad Request')}"
        self.response_headers.append(("Content-Type", "text/html; charset=utf-8"))
        self.response_headers.extend(SECURITY_HEADERS.items())
        self.set_close_on_finish()
        self.channel.drain_before_close = True
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    error_task_class = ChineseErrorTask
    drain_before_close = False
    DRAIN_BYTES = 4 * 1024 * 1024

    def handle_close(self):
        # Closing a socket with unread input resets the connection, and the client may lose the
        # answer it was sent; after a refused request, first read (and drop) what has arrived.
        if self.drain_before_close and self.connected:
            drained = 0
            try:
                while drained < self.DRAIN_BYTES:
                    chunk = self.socket.recv(65536)
                    if not chunk:
                        break
                    drained += len(chunk)
            except OSError:  # nothing more to read now (the socket does not block), or already gone
                pass
        super().handle_close()


def create_server(app, host: str, port: int, threads: int = DEFAULT_THREADS):
    """A waitress server for ``app`` on host:port (port 0: a free one), its errors answered in Chinese."""
    sockets: dict = {}
    server = waitress.create_server(app, map=sockets, host=host, port=port, threads=threads, ident="policykb",
                                    max_request_header_size=MAX_REQUEST_HEADER_BYTES)
    # one listener per address the host resolves to (``localhost``: IPv4 and IPv6)
    for listener in list(sockets.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Channel
    return server


def run(host: str, port: int, db_path: str, index_dir: str, threads: int = DEFAULT_THREADS,
        base_url: str | None = None) -> None:
    """Serve until interrupted; called by ``policykb serve`` through the ``policykb.server`` entry point.

    ``base_url`` is where users reach the UI, for the links inside exports; by default the
    address served on (``POLICYKB_BASE_URL`` when set)."""
    base_url = base_url or os.environ.get("POLICYKB_BASE_URL") or base_url_for(host, port)
    app = create_app({"DB_PATH": db_path, "INDEX_DIR": index_dir, "BASE_URL": base_url})
    # every search segments its query and region filters read the short names: load both while the
    # server starts, not on the first searches (opening the index itself does not wait for them)
    threading.Thread(target=search_warm, name="warm-search", daemon=True).start()
    server = create_server(app, host, port, threads)
    server.print_listen("Serving on http://{}:{}")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
