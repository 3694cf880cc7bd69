"""A listing page (a column of a site): its article links and its next pages (no network).

Article links are links on the same site whose address has the shape of an
article in one of the CMSs (TRS ``t20230301_123.html``, Hanweb
``/art/2023/3/1/art_12_34.html``, UCAP ``content_123.htm``, gkmlpt
``post_123.html``, VSB ``/info/12/34.htm`` …), or whose text reads like a
title, outside navigation, headers and footers.  Pagination comes from
"下一页" links and numbered page links, TRS's ``createPageHTML(n, i, "index",
"html")`` script (pages ``index_1.html`` …), and Hanweb's jpage datastore
(records in ``<script type="text/xml">``, pages ``?uid=<module>&pageNum=<k>``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from ..htmltext import cjk_count, parse_page
from .pages import ATTACHMENT_URL

_ARTICLE_URL = re.compile(
    r"(/t\d{8}_\d+\.s?html?$"  # TRS
    r"|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"  # Hanweb
    r"|content_\d+\.s?html?$"  # gov.cn UCAP
    r"|/post_\d+\.html$"  # Guangdong gkmlpt
    r"|/info/\d+/\d+\.htm$"  # VSB
    r"|/\d{4}-?\d{2}/\d{1,2}/[^/]+\.s?html?$|/\d{6,8}/[^/]+\.s?html?$"  # dated folders
    r"|/[a-z]*\d{6,}\.s?html?$"
    r"|(show|detail|article|content|view|info)[^/]*\.(asp|aspx|jsp|php|do)\?)",
    re.I,
)
_NOT_ARTICLE = re.compile(r"(/index(_\d+)?\.s?html?$|/col/col\d+/|/list[^/]*$|/$|\.(jpg|jpeg|png|gif|css|js|ico)$)", re.I)
_NEXT = re.compile(r"^(下一页|下页|后页|下一頁|next|>|>>|›|»)$", re.I)
_PAGE_NO = re.compile(r"^\d{1,3}$")
_TRS_PAGER = re.compile(r"createPageHTML\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")
_JS_VAR = r"var\s+{name}\s*=\s*(\d+)"


@dataclass(frozen=True)
class Listing:
    articles: tuple[tuple[str, str], ...]  # (absolute URL, link text), in page order
    next_pages: tuple[str, ...]  # absolute URLs of further listing pages, in order


def same_site(a: str, b: str) -> bool:
    """Same registrable site: www.x.gov.cn and xxgk.x.gov.cn are one site; ports must match."""
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.port != pb.port:
        return False
    return _site(pa.hostname or "") == _site(pb.hostname or "")


def _site(host: str) -> str:
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and labels[-2] in ("gov", "edu", "com", "org", "net", "ac") and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    if all(x.isdigit() for x in labels):
        return host  # an IP address
    return ".".join(labels[-2:])


def read_listing(html: str, url: str, match: tuple[str, ...] = ()) -> Listing:
    """Article links and further pages of a listing page at ``url``.

    ``match``: keep only articles whose link text holds one of these words.
    """
    dom = parse_page(html, (), None)
    base = urljoin(url, dom.base_href) if dom.base_href else url
    articles: list[tuple[str, str]] = []
    seen: set[str] = set()
    for link in list(dom.links) + [r for d in dom.datastores for r in d.records]:
        href = link.href
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        target = urljoin(base, href).split("#", 1)[0]
        text = link.title if len(link.title) > len(link.text) else link.text
        if target in seen or target == url or not same_site(target, url) or ATTACHMENT_URL.search(target):
            continue
        path = urlsplit(target).path + ("?" + urlsplit(target).query if urlsplit(target).query else "")
        shaped = bool(_ARTICLE_URL.search(path))
        titled = cjk_count(text) >= 8 and not _NOT_ARTICLE.search(urlsplit(target).path)
        if link.area == "record" or (link.area != "chrome" and (shaped or titled)):
            if match and not any(w in text for w in match):
                continue
            seen.add(target)
            articles.append((target, text))
    return Listing(tuple(articles), tuple(_next_pages(html, dom, url, base)))


def _next_pages(html: str, dom, url: str, base: str) -> list[str]:
    out: list[str] = []

    def add(u: str) -> None:
        u = u.split("#", 1)[0]
        if u != url and u not in out and same_site(u, url):
            out.append(u)

    for link in dom.links:
        text = link.text.strip()
        href = link.href
        if not href or href.startswith(("javascript:", "#")):
            continue
        if _NEXT.match(text) or (_PAGE_NO.match(text) and text != "1"):
            add(urljoin(base, href))
    m = _TRS_PAGER.search(html)
    if m:
        count, current = _js_number(html, m.group(1)), _js_number(html, m.group(2))
        name, ext = m.group(3), m.group(4)
        if count and current is not None:
            for k in range(current + 1, min(count, current + 50)):
                add(urljoin(base, f"{name}_{k}.{ext}"))
    for store in dom.datastores:
        if store.uid and store.total_pages and store.total_pages > 1:
            q = parse_qs(urlsplit(url).query)
            current = int(q.get("pageNum", ["1"])[0]) if q.get("pageNum", ["1"])[0].isdigit() else 1
            if current < store.total_pages:
                p = urlsplit(url)
                query = urlencode({"uid": store.uid, "pageNum": current + 1})
                add(urlunsplit((p.scheme, p.netloc, p.path, query, "")))
    return out


def _js_number(html: str, token: str) -> int | None:
    """A createPageHTML argument: a literal, or a ``var name = N`` the page sets."""
    if token.isdigit():
        return int(token)
    m = re.search(_JS_VAR.format(name=re.escape(token)), html)
    return int(m.group(1)) if m else None
