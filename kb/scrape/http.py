"""The polite HTTP client: the only module that imports requests.

A good citizen on government servers:

* a User-Agent that names the tool, its version and its project URL;
* robots.txt honoured for every URL, redirects included (:mod:`kb.scrape.robots`),
  and its Crawl-delay when longer than ours;
* at most one request at a time per host, and a delay (default 1 s) between
  the end of one request and the start of the next to the same host;
* connect and read timeouts, and a cap on the time a whole download may take
  (``total_timeout``: the exchanges with the server for one URL, its redirects and
  retries included, whatever the server does — a watchdog shuts the connection
  when the time is up, so a body sent a byte at a time cannot outlast it);
* retries with exponential backoff on timeouts, dropped connections, 429 and
  5xx, waiting as long as ``Retry-After`` asks (up to a limit);
* a size cap, announced (Content-Length) or counted while reading;
* only HTML pages and documents (PDF, Word, Excel, WPS, OFD …) are read,
  anything else is refused with a clear message;
* conditional requests (``If-None-Match`` / ``If-Modified-Since``).

Errors are :class:`FetchError` with one sentence for the user and a ``kind``
(dns, connect, timeout, http, login, robots, type, size, redirect, url).
"""
from __future__ import annotations

import datetime as _dt
import email.utils
import ipaddress
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as _FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.connection import HTTPConnection as _HTTPConnection
from urllib3.connection import HTTPSConnection as _HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger(__name__)

PROJECT_URL = "https://pypi.org/project/policykb/"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("policykb")
    except Exception:
        return "0"


def _project_url() -> str:
    """The project URL from the installed package's metadata, else its PyPI page."""
    try:
        from importlib.metadata import metadata

        for value in metadata("policykb").get_all("Project-URL") or []:
            return value.split(",", 1)[-1].strip()
        home = metadata("policykb").get("Home-page")
        if home and home != "UNKNOWN":
            return home
    except Exception:
        pass
    return PROJECT_URL


USER_AGENT = f"policykb/{_version()} (+{_project_url()}; knowledge base of education policy plans)"
ROBOTS_AGENT = "policykb"  # the token robots.txt rules are matched against

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
LISTING_TYPES = PAGE_TYPES | {"text/xml", "application/xml"}  # Hanweb's jpage data proxy answers XML
DOCUMENT_TYPES = frozenset({
    "application/pdf", "application/x-pdf", "application/msword", "application/vnd.ms-word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/wps-office.doc", "application/wps-office.docx", "application/wps-office.xls",
    "application/wps-office.xlsx", "application/kswps", "application/vnd.ms-works", "application/ofd",
    "application/zip", "application/x-zip-compressed", "application/x-rar-compressed", "application/octet-stream",
    "binary/octet-stream", "application/x-download", "application/force-download", "application/download",
    "application/x-msdownload", "application/unknown",
})  # fmt: skip
RETRY_STATUS = frozenset({429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524})
KEPT_HEADERS = ("content-type", "content-length", "content-encoding", "content-disposition", "last-modified",
                "etag", "date", "server", "cache-control", "expires")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 16 * 1024  # read size; the deadline is checked after each read


class FetchError(Exception):
    """A URL could not be fetched: ``reason`` is one sentence for the user."""

    def __init__(self, url: str, reason: str, kind: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class FetchConfig:
    delay: float = 1.0  # seconds between requests to one host
    timeout: float = 20.0  # connect and read timeout, seconds
    total_timeout: float = 300.0  # a whole download (one URL: its requests, redirects and retries), seconds
    retries: int = 3  # further attempts after a timeout, a dropped connection, 429 or 5xx
    backoff: float | None = None  # first backoff, seconds (default: twice the delay); doubles each retry
    max_retry_after: float = 120.0  # a longer Retry-After gives up (try again later)
    max_bytes: int = 20 * 1024 * 1024  # pages
    max_attachment_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 10
    obey_robots: bool = True
    user_agent: str = USER_AGENT

    @property
    def backoff_base(self) -> float:
        return self.backoff if self.backoff is not None else 2 * self.delay


@dataclass(frozen=True)
class Response:
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]  # the headers that matter (KEPT_HEADERS), lower-cased names
    content: bytes
    redirects: tuple[tuple[int, str], ...] = ()  # (status, location) per hop
    fetched_at: str = ""  # ISO 8601, UTC
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def media_type(self) -> str | None:
        ct = self.headers.get("content-type")
        return ct.split(";", 1)[0].strip().lower() if ct else None

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type"))


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0  # monotonic time of the earliest next request
    delay: float = 0.0


class HttpClient:
    """Fetches URLs politely (see the module docstring).  Thread-safe."""

    def __init__(self, config: FetchConfig | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.config = config or FetchConfig()
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._resolved: dict[str, bool] = {}
        self.session = requests.Session()
        self.session.mount("http://", _WatchedAdapter())
        self.session.mount("https://", _WatchedAdapter())
        self.session.headers.update({
            "User-Agent": self.config.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf,application/msword,"
                      "application/vnd.openxmlformats-officedocument.*,application/vnd.ms-excel,*/*;q=0.5",
            "Accept-Language": "zh-CN,zh;q=0.9",
        })
        self.robots = None
        if self.config.obey_robots:
            from .robots import Robots

            self.robots = Robots(self._fetch_robots, ROBOTS_AGENT)
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public -------------------------------------------------------------------------

    def get(self, url: str, *, kind: str = "page", etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """Fetch ``url`` (kind: "page", "listing" or "attachment"), following redirects."""
        cap = self.config.max_attachment_bytes if kind == "attachment" else self.config.max_bytes
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        redirects: list[tuple[int, str]] = []
        current = url
        seen = {url}
        attempts = 0
        budget = _Budget(self.config.total_timeout)
        for _ in range(self.config.max_redirects + 1):
            self._check_url(current)
            if self.robots is not None:
                self.robots.check(current)
            status, headers, content, n = self._attempts(current, kind, cap, conditional, budget)
            attempts += n
            if status in _REDIRECTS and headers.get("location"):
                nxt = urljoin(current, headers["location"].strip())
                redirects.append((status, nxt))
                if nxt in seen:
                    raise FetchError(url, f"the server redirects in a loop (back to {nxt})", "redirect")
                seen.add(nxt)
                current = nxt
                continue
            break
        else:
            raise FetchError(url, f"more than {self.config.max_redirects} redirects", "redirect")
        kept = {k: headers[k] for k in KEPT_HEADERS if k in headers}
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        return Response(url, current, status, kept, content, tuple(redirects), now, attempts)

    # -- internals ----------------------------------------------------------------------------

    def _fetch_robots(self, robots_url: str) -> tuple[int, bytes]:
        """(status, body) of a robots.txt; FetchError when the host cannot be reached."""
        url = robots_url
        for _ in range(5):  # RFC 9309: follow at least five redirects
            self._check_url(url)
            try:
                status, headers, content, _ = self._attempts(url, "robots", 512 * 1024, {},
                                                             _Budget(self.config.total_timeout))
            except FetchError as exc:
                if exc.kind in ("http", "timeout"):
                    return 503, b""  # unavailable: the site counts as closed (RFC 9309)
                if exc.kind in ("size", "type"):
                    return 404, b""  # not a robots.txt: no rules
                raise
            if status in _REDIRECTS and headers.get("location"):
                url = urljoin(url, headers["location"].strip())
                continue
            return status, content
        return 404, b""

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "not an http(s) URL", "url")
        self._resolve(url, parts.hostname)

    def _resolve(self, url: str, host: str) -> None:
        """Fail fast and clearly when a host name does not resolve (no request is made)."""
        if host in self._resolved:
            return
        try:
            ipaddress.ip_address(host)
            self._resolved[host] = True
            return
        except ValueError:
            pass
        if requests.utils.get_environ_proxies(url):
            self._resolved[host] = True  # the proxy resolves names
            return
        if host.rstrip(".").lower().endswith(".invalid") or host.rstrip(".").lower() == "invalid":
            # RFC 6761: names under .invalid never resolve; answer without asking a resolver
            raise FetchError(url, f"cannot resolve the host name {host} (DNS lookup failed)", "dns")
        pool = ThreadPoolExecutor(max_workers=1)
        future = pool.submit(socket.getaddrinfo, host, None)
        try:
            future.result(timeout=self.config.timeout)
        except _FutureTimeout:
            raise FetchError(url, f"the DNS lookup of {host} took longer than {self.config.timeout:g} s", "dns") from None
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise FetchError(url, f"cannot resolve the host name {host} (DNS lookup failed)", "dns") from exc
        finally:
            pool.shutdown(wait=False)
        self._resolved[host] = True

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            h = self._hosts.get(key)
            if h is None:
                h = self._hosts[key] = _Host(delay=self.config.delay)
            return h

    @contextmanager
    def _turn(self, url: str) -> Iterator[None]:
        """One request at a time per host, ``delay`` seconds apart (longer if robots.txt asks)."""
        h = self._host(url)
        with h.lock:
            delay = h.delay
            if self.robots is not None:
                delay = max(delay, self.robots.crawl_delay(url) or 0.0)
            wait = h.next_at - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                h.next_at = self._clock() + delay

    def _attempts(self, url: str, kind: str, cap: int, extra: dict, budget: _Budget) -> tuple[int, dict, bytes, int]:
        """One request with retries: (status, lower-cased headers, body, attempts made)."""
        cfg = self.config
        last = ""
        for attempt in range(cfg.retries + 1):
            wait = 0.0
            try:
                with self._turn(url):
                    status, headers, content = self._once(url, kind, cap, extra, budget)
            except _Retry as exc:
                last = exc.reason
                wait = exc.wait
            else:
                if status in RETRY_STATUS:
                    last = f"HTTP {status} {_reason(status)}"
                    after = _retry_after(headers.get("retry-after"))
                    if after is not None and after > cfg.max_retry_after:
                        raise FetchError(url, f"the server answered HTTP {status} and asks to wait {after:.0f} s "
                                              f"(more than {cfg.max_retry_after:g} s); try again later", "http")
                    wait = after or 0.0
                else:
                    return status, headers, content, attempt + 1
            if attempt == cfg.retries:
                break
            backoff = cfg.backoff_base * (2 ** attempt)
            log.info("%s: %s; retrying in %.2f s", url, last, max(wait, backoff))
            self._sleep(max(wait, backoff))
        kind_of = "timeout" if "within" in last or "longer than" in last else ("http" if last.startswith("HTTP") else "connect")
        raise FetchError(url, f"{last} (gave up after {cfg.retries + 1} attempts)", kind_of)

    def _once(self, url: str, kind: str, cap: int, extra: dict, budget: _Budget) -> tuple[int, dict, bytes]:
        """One exchange: the request, the headers and the body, within what is left of the budget."""
        start = self._clock()
        try:
            return self._exchange(url, kind, cap, extra, budget, start + budget.left)
        finally:
            budget.left -= self._clock() - start

    def _exchange(self, url: str, kind: str, cap: int, extra: dict, budget: _Budget,
                  deadline: float) -> tuple[int, dict, bytes]:
        cfg = self.config
        too_slow = FetchError(url, f"the download took longer than {budget.total:g} s; stopped", "timeout")
        if deadline <= self._clock():
            raise too_slow
        self.requests_made += 1
        watch = _Watch(deadline - self._clock())
        _local.watch = watch
        r = None
        try:
            try:
                r = self.session.get(url, headers=extra, timeout=(cfg.timeout, cfg.timeout), stream=True,
                                     allow_redirects=False)
            except requests.exceptions.RequestException:
                if watch.expired:
                    raise too_slow from None
                raise
            if watch.expired:  # headers cut short by the watchdog read as if they had ended
                raise too_slow
            headers = {k.lower(): v for k, v in r.headers.items()}
            status = r.status_code
            if status in _REDIRECTS or status in RETRY_STATUS or status == 304:
                return status, headers, b""
            if kind == "robots" and status >= 400:
                return status, headers, b""
            if status in (401, 407):
                raise FetchError(url, f"the page asks for a login (HTTP {status} {_reason(status)})", "login")
            if status == 403:
                raise FetchError(url, "the server refused access (HTTP 403 Forbidden); the page may need a login "
                                      "or the site blocks crawlers", "login")
            if status in (404, 410):
                raise FetchError(url, f"the page does not exist (HTTP {status} {_reason(status)})", "http")
            if status >= 400:
                raise FetchError(url, f"the server answered HTTP {status} {_reason(status)}", "http")
            if kind != "robots":
                _check_type(url, kind, headers.get("content-type"))
            announced = headers.get("content-length", "")
            if announced.isdigit() and int(announced) > cap:
                raise FetchError(url, f"the response is larger than the {_mb(cap)} cap ({int(announced):,} bytes "
                                      "announced); not downloaded", "size")
            body = bytearray()
            try:
                for chunk in r.iter_content(_CHUNK):
                    body += chunk
                    if len(body) > cap:
                        raise FetchError(url, f"the response is larger than the {_mb(cap)} cap; stopped reading",
                                         "size")
                    if self._clock() > deadline:
                        raise too_slow
            except requests.exceptions.RequestException:
                if watch.expired:
                    raise too_slow from None
                raise
            if watch.expired:  # the watchdog shut the connection: what was read may be cut short
                raise too_slow
            return status, headers, bytes(body)
        except requests.exceptions.ConnectTimeout:
            raise _Retry(f"the server did not answer within {cfg.timeout:g} s") from None
        except requests.exceptions.ReadTimeout:
            raise _Retry(f"the server did not answer within {cfg.timeout:g} s") from None
        except requests.exceptions.SSLError as exc:
            raise FetchError(url, f"the TLS (https) connection failed ({_short(exc)})", "connect") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if r is not None:  # the connection broke while the body was read
                if "timed out" in str(exc).lower():
                    raise _Retry(f"the server did not answer within {cfg.timeout:g} s") from None
                raise _Retry(f"the connection broke while reading ({_short(exc)})") from None
            if "Name or service not known" in str(exc) or "NameResolution" in str(exc) or "getaddrinfo" in str(exc):
                host = urlsplit(url).hostname
                raise FetchError(url, f"cannot resolve the host name {host} (DNS lookup failed)", "dns") from None
            raise _Retry(f"cannot connect to {urlsplit(url).netloc} ({_short(exc)})") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, f"the request failed ({_short(exc)})", "connect") from None
        finally:
            _local.watch = None
            watch.finish()  # before the connection goes back to the pool
            if r is not None:
                r.close()


class _Budget:
    """The time a download may still take: the exchanges with the server for one URL count
    (its redirects and retries too); waiting for our turn at the host and backing off do not."""

    def __init__(self, seconds: float):
        self.total = seconds
        self.left = seconds


# -- the watchdog: a download's connections are shut when its time is up ---------------------------
#
# The read timeout bounds each wait for the server, not the whole: a server that sends a byte
# every few seconds would satisfy it for ever.  So each exchange runs under a _Watch: the
# connections urllib3 opens or reuses for it register a duplicate of their socket (the thread's
# current watch), and a timer shuts those sockets down at the deadline; the blocked read then
# fails at once, whether it waits for the TLS handshake, the headers or the body.

_local = threading.local()


class _Watch:
    def __init__(self, seconds: float):
        self.lock = threading.Lock()
        self.socks: list[socket.socket] = []
        self.expired = False
        self.finished = False
        self.timer = threading.Timer(max(seconds, 0.0), self._expire)
        self.timer.daemon = True
        self.timer.start()

    def add(self, sock) -> None:
        try:  # a duplicate: it reaches the connection even once TLS has taken over the socket object
            dup = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        except (OSError, ValueError, AttributeError):
            return
        with self.lock:
            if self.finished:
                dup.close()
                return
            self.socks.append(dup)
            if self.expired:
                _shut(dup)

    def _expire(self) -> None:
        with self.lock:
            if self.finished:
                return
            self.expired = True
            for sock in self.socks:
                _shut(sock)

    def finish(self) -> None:
        """No shutting down after this returns; the duplicates are closed."""
        self.timer.cancel()
        with self.lock:
            self.finished = True
            socks, self.socks = self.socks, []
        for sock in socks:
            try:
                sock.close()
            except OSError:
                pass


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _watched(sock) -> None:
    watch = getattr(_local, "watch", None)
    if watch is not None and sock is not None:
        watch.add(sock)


class _WatchedConnection:
    """Registers the socket of each new or reused connection with the thread's current watch."""

    def _new_conn(self):
        sock = super()._new_conn()  # connected; TLS (https) comes after
        _watched(sock)
        return sock

    def putrequest(self, *args, **kwargs):
        if getattr(self, "sock", None) is not None:  # a kept-alive connection, used again
            _watched(self.sock)
        return super().putrequest(*args, **kwargs)


class _WatchedHTTPConnection(_WatchedConnection, _HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, _HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with watched connections (directly and through an HTTP proxy; a SOCKS
    proxy keeps its own connections: there the deadline is checked after each read only)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager


class _Retry(Exception):
    def __init__(self, reason: str, wait: float = 0.0):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def _check_type(url: str, kind: str, content_type: str | None) -> None:
    if not content_type:
        return  # sniffed by the caller
    media = content_type.split(";", 1)[0].strip().lower()
    if kind == "attachment":
        if media in DOCUMENT_TYPES or media == "text/plain":
            return
        if media in PAGE_TYPES:
            raise FetchError(url, "the server sent an HTML page instead of the attachment (a login or error page?)",
                             "type")
    else:
        allowed = LISTING_TYPES if kind == "listing" else PAGE_TYPES
        if media in allowed or media in DOCUMENT_TYPES:
            return
    raise FetchError(url, f"the server sent {media}, not an HTML page or a document; skipped", "type")


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds())


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _short(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Connection reset", "timed out", "No route to host",
                   "Network is unreachable", "certificate verify failed", "Remote end closed"):
        if marker.lower() in text.lower():
            return marker.lower()
    return type(exc).__name__
