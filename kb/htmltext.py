"""HTML to plain text with one block per line: the only module that imports BeautifulSoup.

Scripts, styles, forms and obvious navigation containers are dropped; block
elements and table cells end a line, as a saved page's text would read.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "select", "input", "head", "nav")
_DROP_ATTR = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|footer|share|sidebar|toolbar|topbar|header-nav)([\s_-]|$)", re.I)
_BLOCKS = (
    "p", "div", "br", "tr", "td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "section", "article", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "title", "hr",
)


def html_to_text(html: str) -> str:
    """The visible text of a page, a line per block, title first."""
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if getattr(tag, "decomposed", False):
            continue
        attrs = " ".join([tag.get("id") or "", " ".join(tag.get("class") or [])])
        if attrs.strip() and _DROP_ATTR.search(attrs) and tag.name not in ("body", "html"):
            tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_after("\n")
        if tag.name == "br":
            tag.replace_with("\n")
    body = soup.body or soup
    text = body.get_text()
    lines = [ln.strip() for ln in text.splitlines()]
    out = "\n".join(ln for ln in lines if ln)
    if title and title not in out[:500]:
        out = title + "\n" + out
    return out
