"""HTML to plain text with one block per line: the only module that imports BeautifulSoup.

Scripts, styles, forms and obvious navigation containers are dropped; block
elements and table cells end a line, as a saved page's text would read.

Every page goes through :func:`parse_html`, which bounds the work a hostile or
broken page can cause: elements nested deeper than :data:`MAX_DEPTH` are
flattened while parsing (their text stays, their tags go), so walks that look
at an element's ancestors or its whole subtree stay linear in the page; and
many elements are taken out of the tree in one pass per parent (bs4's
``extract()`` looks each element up among all its siblings).
"""
from __future__ import annotations

import inspect
import re
from collections import Counter

from bs4 import BeautifulSoup, CData, Comment, NavigableString, Tag
from bs4.builder import HTMLParserTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "select", "input", "head", "nav")
_DROP_ATTR = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|footer|share|sidebar|toolbar|topbar|header-nav)([\s_-]|$)", re.I)
_BLOCKS = (
    "p", "div", "br", "tr", "td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
    "section", "article", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "title", "hr",
)
_BLOCKS_SET = frozenset(_BLOCKS)

# --- parsing with bounded nesting ------------------------------------------------------------

MAX_DEPTH = 200  # elements deeper than this are flattened into their ancestor at this depth
# Tags whose content no reader shows: beyond MAX_DEPTH their content goes with them.
_HIDE_DEEP = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "canvas", "button", "select",
                        "textarea", "object", "head"})
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


class _ClosedVoids(Counter):
    """bs4's list of void elements (``<br>``, ``<img>``) that a later ``</br>`` may close, as a multiset:
    the list is searched on every end tag, which made a page of many ``<br>`` quadratic."""

    def append(self, name: str) -> None:
        self[name] += 1

    def remove(self, name: str) -> None:
        if self[name] <= 1:
            del self[name]
        else:
            self[name] -= 1

    def __contains__(self, name) -> bool:
        return self[name] > 0


class _Parser(BeautifulSoupHTMLParser):
    @property
    def already_closed_empty_element(self):  # bs4 assigns a list here: keep a multiset
        return self.__dict__.setdefault("_closed_voids", _ClosedVoids())

    @already_closed_empty_element.setter
    def already_closed_empty_element(self, value) -> None:
        self.__dict__["_closed_voids"] = _ClosedVoids(value)


class _Builder(HTMLParserTreeBuilder):
    # bs4 ≥ 4.13 lets a builder choose its parser class; an older bs4 keeps its own (correct, only slower).
    _takes_parser = "_parser_class" in inspect.signature(HTMLParserTreeBuilder.feed).parameters

    def feed(self, markup) -> None:
        if self._takes_parser:
            super().feed(markup, _parser_class=_Parser)
        else:
            super().feed(markup)


class _Soup(BeautifulSoup):
    """html.parser's tree with nesting capped at :data:`MAX_DEPTH`.

    A start tag that would go deeper is dropped and its end tag consumed; its
    text joins the element at the cap (a block tag leaves a line break).  Void
    elements (``<br>``, ``<img>``, ``<input>``) are kept, and one ``<a>`` (links
    and attachments stay links); the content of a script, style, hidden element
    … goes with its tag.
    """

    def reset(self) -> None:
        super().reset()
        self._deep: list[tuple[str, str]] = []  # (name, "drop" | "hide" | "keep") of each tag opened beyond the cap
        self._deep_names: Counter = Counter()
        self._hiding = 0
        self._keeping = 0

    def handle_starttag(self, name, namespace, nsprefix, attrs, *args, **kwargs):
        if len(self.tagStack) <= MAX_DEPTH:  # the stack holds the document itself too
            return super().handle_starttag(name, namespace, nsprefix, attrs, *args, **kwargs)
        if self.builder.can_be_empty_element(name):
            return None if self._hiding else super().handle_starttag(name, namespace, nsprefix, attrs, *args, **kwargs)
        if name in _HIDE_DEEP or _HIDDEN.search(str((attrs or {}).get("style") or "")):
            kind = "hide"
            self._hiding += 1
        elif name == "a" and not self._keeping and not self._hiding:
            kind = "keep"
            self._keeping += 1
        else:
            kind = "drop"
        self._deep.append((name, kind))
        self._deep_names[name] += 1
        if kind == "keep":
            return super().handle_starttag(name, namespace, nsprefix, attrs, *args, **kwargs)
        if name in _BLOCKS_SET and not self._hiding:
            super().handle_data("\n")
        return None

    def handle_endtag(self, name, nsprefix=None) -> None:
        if not self._deep:
            return super().handle_endtag(name, nsprefix)
        if self.builder.can_be_empty_element(name):
            if self.currentTag is not None and self.currentTag.name == name and not self.currentTag.contents:
                super().handle_endtag(name, nsprefix)  # the void element just opened (bs4 closes it at once)
            return  # a stray </br>: nothing to close
        if not self._deep_names[name]:
            self._close_deep(None)  # closes an element opened above the cap: everything opened since closes too
            return super().handle_endtag(name, nsprefix)
        self._close_deep(name)

    def _close_deep(self, name: str | None) -> None:
        """Close the tags opened beyond the cap down to the last ``name`` (all when None)."""
        while self._deep:
            tag, kind = self._deep.pop()
            self._deep_names[tag] -= 1
            if kind == "hide":
                self._hiding -= 1
            elif kind == "keep":
                self._keeping -= 1
                super().handle_endtag(tag)
            elif tag in _BLOCKS_SET and not self._hiding:
                super().handle_data("\n")
            if tag == name:
                return

    def handle_data(self, data: str) -> None:
        if not self._hiding:
            super().handle_data(data)


def parse_html(html: str) -> BeautifulSoup:
    """The page's tree (html.parser), nesting capped at :data:`MAX_DEPTH`."""
    return _Soup(html, builder=_Builder)


def _remove(nodes) -> None:
    """Take nodes out of the tree, each with its subtree, in one pass over each parent's children."""
    by_parent: dict[int, tuple[object, set[int]]] = {}
    for node in nodes:
        if node.parent is not None:
            by_parent.setdefault(id(node.parent), (node.parent, set()))[1].add(id(node))
    for parent, ids in by_parent.values():
        at = [i for i, child in enumerate(parent.contents) if id(child) in ids]
        for i in reversed(at):
            parent.contents[i].extract(_self_index=i)


def html_to_text(html: str) -> str:
    """The visible text of a page, a line per block, title first."""
    soup = parse_html(html)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    # One walk, the tree unchanged: dropped tags, comments and navigation containers are skipped
    # with their subtree; a block element ends a line; only the text of the first <body> counts.
    parts: list[str] = []
    body_span: list[int] = []  # [start, end) in parts of the first <body>
    stack = [iter(soup.contents)]
    after: list[str | None] = [None]  # what to add when the element on the stack closes
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            end = after.pop()
            if end == "body":
                body_span.append(len(parts))
            elif end:
                parts.append(end)
            continue
        name = getattr(child, "name", None)
        if name is None:
            if type(child) in (NavigableString, CData):
                parts.append(str(child))
            continue
        if name in _DROP_TAGS:
            continue
        if name not in ("body", "html"):
            attrs = " ".join([child.get("id") or "", " ".join(child.get("class") or [])])
            if attrs.strip() and _DROP_ATTR.search(attrs):
                continue
        if name == "br":
            parts.append("\n")
            continue
        if name == "body" and not body_span:
            body_span.append(len(parts))
            after.append("body")
        else:
            after.append("\n" if name in _BLOCKS_SET else None)
        stack.append(iter(child.children))
    if body_span:
        parts = parts[body_span[0] : body_span[1] if len(body_span) > 1 else len(parts)]
    lines = [ln.strip() for ln in "".join(parts).splitlines()]
    out = "\n".join(ln for ln in lines if ln)
    if title and title not in out[:500]:
        out = title + "\n" + out
    return out


# --- article pages: the DOM side of kb.scrape.pages ------------------------------------------
#
# The rules that know the CMS templates (which selectors find the body, which
# labels name metadata) live in kb.scrape; this module walks the DOM for them
# and hands back plain strings, so BeautifulSoup stays here.

import dataclasses as _dc  # noqa: E402  (kept next to the code that uses it)
from typing import Sequence  # noqa: E402

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_PUNCT = re.compile(r"[,，。;；:：、!！?？]")
_LABEL_SPACE = re.compile(r"[\s\u3000\xa0]+")
# Containers that are never the article: navigation, headers and footers, sidebars, share and print
# widgets, related links, font-size switches, QR codes, search and login boxes (class/id tokens).
_CHROME = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|footer|foot|bottom|header|top|topbar|toolbar|tools|"
    r"sidebar|side|aside|share|bdshare|bdsharebuttonbox|jiathis|print|close|fontsize|font-size|zh-size|"
    r"related|relevant|xglj|xgwj|xgxx|xgwz|xgyd|qrcode|ewm|erweima|search|login|copyright|friendlink|"
    r"yqlj|links|position|location|dqwz|pagebar|pager|pagination)([\s_-]|$)",
    re.I,
)
_INLINE_TAGS = {"a", "span", "b", "strong", "em", "i", "u", "font", "label", "small", "sup", "sub", "br", "img", "s", "abbr"}
_BLOCK_SET = set(_BLOCKS) | {"main", "header", "footer", "aside", "figure", "center"}
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_TOTALPAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)


@_dc.dataclass(frozen=True)
class Link:
    """An ``<a href>`` of a page, with where it stands."""

    text: str
    href: str  # as written (resolve against the page URL)
    title: str = ""
    area: str = "page"  # "body" (the article body) | "chrome" (navigation, footer …) | "page" | "record" (Hanweb)


@_dc.dataclass(frozen=True)
class Datastore:
    """A Hanweb (大汉) jpage listing embedded in ``<script type="text/xml">``."""

    uid: str | None  # id of the element holding it: the jpage module id used by its pagination
    total_pages: int | None
    next_group: str | None  # href in <nextgroup>
    records: tuple[Link, ...]


@_dc.dataclass(frozen=True)
class HtmlPage:
    """What a page holds, as plain strings (see :func:`parse_page`)."""

    title: str  # <title>
    metas: tuple[tuple[str, str], ...]  # (lower-cased name, content) of <meta name=… content=…>
    headings: tuple[str, ...]  # h1–h3 and title-classed elements outside the body, in order
    body: str | None  # the article body, one block per line; None when none was found
    body_rule: str | None  # the selector that found it, or "density" for the generic scorer
    fields: tuple[tuple[str, str], ...]  # (label without spaces and colon, value) outside the body
    links: tuple[Link, ...]
    datastores: tuple[Datastore, ...]
    base_href: str | None
    has_password: bool  # a password box: a login form
    text_chars: int  # CJK characters of the whole page's visible text
    body_chars: int  # CJK characters of the body
    page_text: str = ""  # the whole page's visible text, one block per line (header and footer included)


def cjk_count(s: str) -> int:
    return len(_CJK.findall(s))


def _attrs(tag) -> str:
    cls = tag.get("class") or []
    if isinstance(cls, str):
        cls = [cls]
    return " ".join([tag.get("id") or "", " ".join(cls)]).strip()


def _is_chrome(tag) -> bool:
    attrs = _attrs(tag)
    return bool(attrs) and bool(_CHROME.search(attrs)) and tag.name not in ("body", "html")


def _text(node) -> str:
    return _LABEL_SPACE.sub(" ", node.get_text(" ", strip=True)).strip()


def parse_page(html: str, body_selectors: Sequence[str] = (), field_label: re.Pattern | None = None,
               min_body: int = 40, body_field_label: re.Pattern | None = None) -> HtmlPage:
    """Parse an article or listing page.

    The body is the element matched first by ``body_selectors`` (in order; the
    largest match) that holds at least ``min_body`` CJK characters, else the
    element a text-density scorer prefers.  ``field_label`` matches a label
    (spaces and colon removed) such as 索引号 or 发布机构; labels and their
    values are read from table cells, definition lists and ``label:value``
    elements outside the body, and from the label cells of a table inside the
    body when ``body_field_label`` matches them.
    """
    soup = parse_html(html)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    metas = tuple(
        (str(m.get("name")).strip().lower(), str(m.get("content") or "").strip())
        for m in soup.find_all("meta") if m.get("name")
    )
    base = soup.find("base", href=True)
    datastores = tuple(_datastores(soup))
    has_password = soup.find("input", attrs={"type": re.compile("^password$", re.I)}) is not None
    _remove(soup.find_all(string=lambda s: isinstance(s, Comment)))
    _remove(_outermost(soup.find_all(("script", "style", "noscript", "template", "iframe", "svg", "canvas", "button",
                                      "select", "input", "textarea", "object", "embed"))))
    _remove(_outermost(soup.find_all(style=_HIDDEN)))
    root = soup.body or soup
    page_text = _render(root)
    text_chars = cjk_count(page_text)

    body_el, rule = None, None
    lowered = html.lower()
    for sel in body_selectors:
        if not _may_match(sel, lowered):
            continue  # none of its names occurs in the page: skip the (slow) CSS matching
        try:
            found = soup.select(sel)
        except Exception:  # a selector soupsieve does not know: skip it
            continue
        if found:
            el = max(found, key=lambda e: cjk_count(e.get_text()))
            c = cjk_count(el.get_text())
            linked = sum(cjk_count(a.get_text()) for a in el.find_all("a"))
            if c >= min_body and linked <= c / 2:  # a list of links is not an article
                body_el, rule = el, sel
                break
    if body_el is None:
        body_el = _densest(root)
        rule = "density" if body_el is not None else None

    in_body = set(map(id, body_el.find_all(True))) if body_el is not None else set()
    in_chrome: set[int] = set()
    for tag in soup.find_all(True):
        if id(tag) not in in_chrome and _is_chrome(tag):
            in_chrome.update(map(id, tag.find_all(True)))
    links = []
    for a in soup.find_all("a", href=True):
        area = "body" if id(a) in in_body else ("chrome" if id(a) in in_chrome else "page")
        links.append(Link(_text(a), str(a["href"]).strip(), str(a.get("title") or "").strip(), area))
    headings = tuple(_headings(root, in_body))
    fields = tuple(_fields(root, in_body, field_label, body_field_label)) if field_label is not None else ()

    body, body_chars = None, 0
    if body_el is not None:
        chrome = [t for t in body_el.find_all(True) if t.name not in ("table", "tbody", "tr", "td") and _is_chrome(t)]
        _remove(_outermost(chrome))
        body = _render(body_el)
        body_chars = cjk_count(body)
        if body_chars < min_body:
            body, rule = None, None
    return HtmlPage(title, metas, headings, body, rule, fields, tuple(links), datastores,
                    str(base["href"]).strip() if base else None, has_password, text_chars, body_chars, page_text)


def _outermost(tags: list) -> list:
    """The tags of a list that are not inside another tag of the list (remove those only)."""
    chosen = set(map(id, tags))
    return [t for t in tags if not any(id(p) in chosen for p in t.parents)]


_SELECTOR_NAMES = re.compile(r"[.#]([\w-]+)|\[name=([\w-]+)\]|^([a-z][a-z0-9]*)", re.I)


def _may_match(selector: str, lowered_html: str) -> bool:
    """False when a class, id, tag or attribute value the selector needs is absent from the page."""
    for m in _SELECTOR_NAMES.finditer(selector):
        name = next(g for g in m.groups() if g)
        if name.lower() not in lowered_html:
            return False
    return True


def _datastores(soup) -> list[Datastore]:
    out = []
    for script in soup.find_all("script", attrs={"type": re.compile("xml", re.I)}):
        raw = script.string or script.get_text() or ""
        records = []
        for frag in _RECORD.findall(raw):
            part = parse_html(frag)
            for a in part.find_all("a", href=True):
                records.append(Link(_text(a) or str(a.get("title") or ""), str(a["href"]).strip(),
                                    str(a.get("title") or "").strip(), "record"))
        nxt = _NEXTGROUP.search(raw)
        next_href = None
        if nxt:
            a = parse_html(nxt.group(1)).find("a", href=True)
            next_href = str(a["href"]).strip() if a else None
        total = _TOTALPAGE.search(raw)
        holder = script.find_parent(id=True)
        if records or next_href:
            out.append(Datastore(holder.get("id") if holder else None, int(total.group(1)) if total else None,
                                 next_href, tuple(records)))
    return out


_PARA_TAGS = frozenset({"p", "td", "pre", "li", "div", "article", "section", "dd", "font", "span"})
_CONTAINER_TAGS = frozenset({"div", "article", "section", "td", "dd", "span", "font"})
_HOLDS_BLOCKS = frozenset({"p", "div", "table", "ul", "ol", "li", "article", "section"})


def _densest(root):
    """The element holding the most prose: paragraphs score for their parent and grandparent
    (readability's rule), a text container also for itself; link-heavy candidates lose.

    One pass over the tree counts, for every element, its CJK characters, those inside links,
    its punctuation and whether it holds block elements; scoring then reads those counts.
    """
    nodes = [root] + list(root.descendants)
    cjk: dict[int, int] = {}
    linked: dict[int, int] = {}
    punct: dict[int, int] = {}
    blocks: dict[int, bool] = {}
    chrome: set[int] = set()
    for node in nodes:  # pre-order: a parent is seen before its children
        if getattr(node, "name", None) is not None and (id(node.parent) in chrome or _is_chrome(node)):
            chrome.add(id(node))
    for node in reversed(nodes):  # post-order sums
        parent = node.parent
        if getattr(node, "name", None) is None:
            if parent is not None and type(node) in (NavigableString, CData):
                text = str(node)
                cjk[id(parent)] = cjk.get(id(parent), 0) + cjk_count(text)
                punct[id(parent)] = punct.get(id(parent), 0) + len(_PUNCT.findall(text))
            continue
        key = id(node)
        if node.name == "a":
            linked[key] = cjk.get(key, 0)
        if parent is not None:
            pk = id(parent)
            cjk[pk] = cjk.get(pk, 0) + cjk.get(key, 0)
            linked[pk] = linked.get(pk, 0) + linked.get(key, 0)
            punct[pk] = punct.get(pk, 0) + punct.get(key, 0)
            if node.name in _HOLDS_BLOCKS or blocks.get(key):
                blocks[pk] = True

    scores: dict[int, float] = {}
    elements: dict[int, object] = {}

    def add(el, s: float) -> None:
        if el is None or getattr(el, "name", None) in (None, "[document]", "html"):
            return
        scores[id(el)] = scores.get(id(el), 0.0) + s
        elements[id(el)] = el

    for el in nodes:
        name = getattr(el, "name", None)
        key = id(el)
        if name not in _PARA_TAGS or key in chrome:
            continue
        if name in _CONTAINER_TAGS and blocks.get(key):
            continue  # a container of paragraphs, not a paragraph
        c = cjk.get(key, 0)
        if c < 10 or linked.get(key, 0) > c / 2:
            continue
        s = 1 + punct.get(key, 0) + min(c // 50, 3)
        if name in ("div", "td", "article", "section", "dd"):
            add(el, s)
        add(el.parent, 0.9 * s)
        add(el.parent.parent if el.parent is not None else None, 0.45 * s)
    best, best_score = None, 0.0
    for key, score in scores.items():
        c = cjk.get(key, 0) or 1
        final = score * (1 - min(linked.get(key, 0) / c, 1.0))
        if final > best_score:
            best, best_score = elements[key], final
    return best


def _headings(root, in_body: set[int]):
    seen = set()
    for el in root.find_all(True):
        if id(el) in in_body:
            continue
        is_heading = el.name in ("h1", "h2", "h3")
        if not is_heading:
            attrs = _attrs(el).lower()
            is_heading = bool(re.search(r"(^|[\s_-])(title|tit|bt|biaoti|wzbt|article-title|detail-title|ti)([\s_-]|$)", attrs))
        if not is_heading and _SHOWN_AS_TITLE.search(_style(el)):
            # Old hand-made pages set the title in big or centred type; only a document's name counts.
            is_heading = bool(_DOC_TITLE.search(_text(el)))
        if not is_heading or el.find(("div", "p", "table", "ul", "li")):
            continue
        if any(_is_chrome(p) for p in el.parents if getattr(p, "name", None) not in (None, "[document]")):
            continue
        t = _text(el)
        if 4 <= len(t) <= 200 and t not in seen:
            seen.add(t)
            yield t


_SHOWN_AS_TITLE = re.compile(r"font-size:\s*(1[89]|[2-9]\d)px|text-align:\s*center|align=center|font-size=[4-7]", re.I)
_DOC_TITLE = re.compile(r"(方案|计划|通知|意见|办法|规定|细则|决定|纲要|规划|要点|措施|批复|公告|通告|标准|指南)"
                        r"(\s*[(\uff08][^()\uff08\uff09]{0,20}[)\uff09])?$")


def _style(el) -> str:
    """An element's presentational attributes in one string: style, align, font size."""
    parts = [el.get("style") or ""]
    if el.get("align"):
        parts.append(f"align={el.get('align')}")
    if el.name == "font" and el.get("size"):
        parts.append(f"font-size={el.get('size')}")
    return ";".join(parts).replace(" ", "") if any(parts) else ""


_FIELD_TAGS = ("td", "th", "dt", "dd", "li", "span", "p", "div", "label", "b", "strong", "em", "font", "i")


def _fields(root, in_body: set[int], field_label: re.Pattern, body_label: re.Pattern | None = None):
    def labeller(pattern: re.Pattern):
        def label_of(s: str) -> str | None:
            key = _LABEL_SPACE.sub("", s).rstrip(":：")
            return key if key and len(key) <= 10 and pattern.fullmatch(key) else None
        return label_of

    label_of = labeller(field_label)
    body_label_of = labeller(body_label) if body_label is not None else None
    used: set[int] = set()
    in_cell = _inside(root, ("td", "th", "dt")) if body_label_of is not None else set()
    for el in root.find_all(_FIELD_TAGS):
        if id(el) in used:
            continue
        if id(el) in in_body:
            # a metadata table printed at the top of the body: label cells only
            if body_label_of is None or (el.name not in ("td", "th", "dt") and id(el) not in in_cell):
                continue
            raw = _short_text(el, 16)
            label = body_label_of(raw) if raw else None
            value = _value_after(el, label_of) if label else None
            if label and value:
                used.update(map(id, el.find_all(True)))
                yield label, _cut_at_label(value, label_of)
            continue
        raw = _short_text(el, 160)
        if not raw:
            continue
        label = label_of(raw)
        if label:  # a label cell: its value is the next cell, or the text after it
            value = _value_after(el, label_of)
            if value:
                used.update(map(id, el.find_all(True)))
                yield label, _cut_at_label(value, label_of)
            continue
        if any(t.name not in _INLINE_TAGS for t in el.descendants if isinstance(t, Tag)):
            continue  # a container: its cells are visited on their own
        pairs = list(_split_pairs(raw, label_of))
        if pairs:
            used.update(map(id, el.find_all(True)))
            yield from pairs


def _inside(root, names: tuple[str, ...]) -> set[int]:
    """ids of the elements under ``root`` that have an ancestor named in ``names`` (one walk)."""
    found = {id(root)} if any(p.name in names for p in root.parents) else set()
    for el in root.descendants:
        parent = el.parent
        if getattr(el, "name", None) is not None and (id(parent) in found or parent.name in names):
            found.add(id(el))
    return found


def _short_text(el, limit: int) -> str | None:
    """``el.get_text(" ", strip=True)`` when it is at most ``limit`` characters long, else None
    (a long element is not read to its end)."""
    parts: list[str] = []
    size = -1
    for s in el.stripped_strings:
        size += len(s) + 1
        if size > limit:
            return None
        parts.append(s)
    return " ".join(parts)


def _cut_at_label(value: str, label_of) -> str:
    """A cell value up to the next "label:" it runs into (成文日期：… 发布日期：… in one cell)."""
    for m in re.finditer(r"[:：]", value):
        before = value[max(0, m.start() - 20) : m.start()]
        for k in range(len(before)):
            if label_of(before[k:]) and (m.start() - len(before) + k == 0 or value[m.start() - len(before) + k - 1].isspace()):
                return value[: m.start() - len(before) + k].strip()
    return value


def _split_pairs(raw: str, label_of):
    """"发布机构:X  成文日期:Y" → [(发布机构, X), (成文日期, Y)] for the labels ``label_of`` knows."""
    hits = []  # (label start, value start, label)
    for m in re.finditer(r"[:：]", raw):
        before = raw[max(0, m.start() - 20) : m.start()]
        for k in range(len(before)):  # the longest label that ends at the colon
            label = label_of(before[k:])
            if label:
                hits.append((m.start() - len(before) + k, m.end(), label))
                break
    for i, (_, vstart, label) in enumerate(hits):
        vend = hits[i + 1][0] if i + 1 < len(hits) else len(raw)
        value = _VALUE_END.split(raw[vstart:vend], 1)[0].strip(" |｜")
        if value:
            yield label, value


# Where a value in a line of fields ends: at another "label:" (浏览次数:, 作者:) or a 【…】 widget.
_VALUE_END = re.compile(r"\s+[^\s:：\d][^\s:：]{1,7}\s*[:：]|\s*[【\[]")


def _value_after(el, label_of) -> str | None:
    """The value that follows a label element: the next cell, or the text after it in its line."""
    node = el
    own = _text(el)
    while node.parent is not None and node.parent.name not in ("[document]", "html", "body") \
            and _text(node.parent) == own:
        node = node.parent  # <td><b>索引号:</b></td>: climb to the cell
    parts: list[str] = []
    for sib in node.next_siblings:
        name = getattr(sib, "name", None)
        if name is None:
            parts.append(str(sib))
            continue
        t = _text(sib)
        if label_of(t):
            break
        if name in _INLINE_TAGS:
            parts.append(t)
            continue
        if not "".join(parts).strip():
            return t or None  # the next cell or block
        break
    value = _LABEL_SPACE.sub(" ", "".join(parts)).strip()
    return value or None


def _render(el) -> str:
    """The visible text of an element, one block per line (as :func:`html_to_text` reads a page).

    Walks the tree without changing it: a block element starts and ends a line, ``<br>`` ends one.
    """
    parts: list[str] = []
    stack = [iter(el.children)]
    closing: list[bool] = [False]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            if closing.pop():
                parts.append("\n")
            continue
        name = getattr(child, "name", None)
        if name is None:
            if type(child) in (NavigableString, CData):
                parts.append(str(child))
            continue
        if name == "br":
            parts.append("\n")
            continue
        block = name in _BLOCK_SET
        if block:
            parts.append("\n")
        stack.append(iter(child.children))
        closing.append(block)
    lines = [ln.strip() for ln in "".join(parts).splitlines()]
    return "\n".join(ln for ln in lines if ln)
