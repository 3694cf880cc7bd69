"""robots.txt: which URLs of a host the fetcher may ask for, and how slowly.

Rules follow RFC 9309 (read with the standard library's parser): a robots.txt
that does not exist (4xx) allows everything; one the server cannot serve
(5xx, after the client's retries) closes the site for this run; the rules for
our token (``policykb``) apply, else those for ``*``.  ``Crawl-delay`` is
honoured when it is longer than the fetcher's own delay.
"""
from __future__ import annotations

import threading
import urllib.robotparser
from typing import Callable
from urllib.parse import urlsplit, urlunsplit


class Robots:
    """A robots.txt cache per scheme and host; ``fetch(url) -> (status, body)``."""

    def __init__(self, fetch: Callable[[str], tuple[int, bytes]], agent: str):
        self._fetch = fetch
        self.agent = agent
        self._rules: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Raise FetchError (kind "robots") when robots.txt forbids ``url``."""
        from .http import FetchError

        rules = self._for(url)
        if isinstance(rules, str):
            raise FetchError(url, rules, "robots")
        if not rules.can_fetch(self.agent, url):
            raise FetchError(url, f"robots.txt of {urlsplit(url).netloc} does not allow fetching this page", "robots")

    def crawl_delay(self, url: str) -> float | None:
        key = _key(url)
        rules = self._rules.get(key)
        if rules is None or isinstance(rules, str):
            return None
        delay = rules.crawl_delay(self.agent)
        return float(delay) if delay is not None else None

    def _for(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        key = _key(url)
        with self._lock:
            if key in self._rules:
                return self._rules[key]
        status, body = self._fetch(key + "/robots.txt")  # FetchError (DNS, connect) propagates to the caller
        parser = urllib.robotparser.RobotFileParser(key + "/robots.txt")
        if 200 <= status < 300:
            text = body.decode("utf-8", errors="replace")
            if "<html" in text[:500].lower():
                parser.allow_all = True  # a site that answers every path with its home page has no robots.txt
            else:
                parser.parse(text.splitlines())
            result: urllib.robotparser.RobotFileParser | str = parser
        elif 400 <= status < 500:
            parser.allow_all = True
            result = parser
        else:
            result = (f"robots.txt of {urlsplit(url).netloc} could not be read (HTTP {status}); "
                      "the site is treated as closed to crawlers for now")
        with self._lock:
            self._rules[key] = result
        return result


def _key(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc.lower(), "", "", ""))
