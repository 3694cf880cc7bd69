"""An article page of a government site: body, metadata and attachments (no network).

:func:`extract_page` reads a saved or fetched page.  The body comes from the
page's CMS template (:mod:`kb.scrape.templates`), else from a text-density
scorer; metadata comes, field by field, from the first place that gives it:

* the 信息公开 / UCAP metadata table (索引号, 发布机构, 文号, 成文日期 …),
* the national ``<meta name="ArticleTitle|PubDate|ContentSource">`` tags,
* the page's headings and ``<title>``,
* the body itself (``X府办〔2022〕22号`` lines, the 关于印发…的通知 line, the
  signature and its date line), read by :mod:`kb.metadata`.

:func:`page_text` is what the build pipeline reads for a page: the metadata
lines the page shows (label:value, as on the page), then the body.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from ..citations import DOC_NUMBER, doc_number
from ..decode import Decoded, decode_bytes
from ..htmltext import HtmlPage, cjk_count, parse_page
from ..metadata import extract_metadata, parse_date
from . import templates

MIN_BODY = 40  # CJK characters: less is not an article

ATTACHMENT_EXT = ("doc", "docx", "pdf", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z", "txt")
ATTACHMENT_URL = re.compile(r"\.(" + "|".join(ATTACHMENT_EXT) + r")(?:$|[?#&])", re.I)
_ATTACH_NAME = re.compile(r"\.(" + "|".join(ATTACHMENT_EXT) + r")\s*$", re.I)
_GENERIC_LINK = re.compile(r"^(附件|下载|点击下载|附件下载|点击查看|查看|原文下载|文件下载|\d{1,2})[::]?$")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_EMPTY = re.compile(r"^(无|暂无|空|/|-|—|——|null|none)?$", re.I)
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*")
_SITE_NAME = re.compile(r"(网|网站|门户|政府|平台|局|委|办|厅|院|中心|委员会|办公室)$")
_SITE_SUFFIX = re.compile(r"^(.*?\S)\s*[-—–－]+\s*([^-—–－]{2,30})$")
_SITE_WORDS = re.compile(r"(网|网站|门户|政府|平台|首页|频道|栏目)$")
_LOGIN = re.compile(r"(用户登录|统一身份认证|请登录|登录后|账号登录|扫码登录)")


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str


@dataclass(frozen=True)
class Page:
    template: str  # "ucap" | "trs" | "hanweb" | "xxgk" | "generic" | "none"
    title: str | None
    doc_number: str | None
    issuer: str | None
    signed_date: str | None
    published_date: str | None
    index_no: str | None
    subject: str | None
    site: str | None
    body_text: str  # "" when no body was found
    attachments: tuple[Attachment, ...]
    login_wall: bool
    raw_fields: tuple[tuple[str, str], ...] = ()  # (label, value) as the page shows them, for page_text
    dom: HtmlPage | None = field(default=None, compare=False, repr=False)

    @property
    def has_body(self) -> bool:
        return bool(self.body_text)


def extract_page(html: str, url: str | None = None, body_metadata: bool = True) -> Page:
    """Everything :mod:`kb.scrape` needs from one page (pure; never fetches).

    ``body_metadata=False`` skips reading the body for fields the page does not
    give elsewhere (the build pipeline reads the body itself).
    """
    tmpl = templates.detect(html)
    dom = parse_page(html, templates.body_selectors(tmpl), templates.FIELD_LABEL_RE, MIN_BODY,
                     templates.BODY_FIELD_LABEL_RE)
    metas = dict(reversed(dom.metas))  # the first tag of a name wins
    fields: dict[str, tuple[str, str]] = {}  # field → (label, value)
    for label, value in dom.fields:
        key = templates.FIELD_LABELS.get(label)
        value = _clean(value)
        if key and value and not _EMPTY.match(value) and key not in fields:
            fields[key] = (label, value)
    # Relative links resolve against the address the page was fetched from; a saved page without
    # one uses the address the page states (<meta name="Url">).  <base href> applies on top.
    base = url or _meta(metas, templates.META_URL)
    if dom.base_href:
        base = urljoin(base, dom.base_href) if base else dom.base_href
    body = dom.body or ""

    if dom.body_rule is None:
        name = "none"
    elif dom.body_rule == "density" or tmpl is None or dom.body_rule not in tmpl.body:
        owner = next((t.name for t in templates.TEMPLATES if dom.body_rule in t.body), None)
        name = owner or ("xxgk" if _is_xxgk(fields) else "generic")
    else:
        name = tmpl.name

    title = _field(fields, "title") or _meta(metas, templates.META_TITLE) or _heading(dom, metas) or _title_tag(dom.title)
    number_raw = _field(fields, "doc_number")
    number = _doc_number(number_raw)
    issuer = _field(fields, "issuer")
    signed_raw = _field(fields, "signed")
    published_raw = _field(fields, "published") or _meta(metas, templates.META_PUBLISHED)
    index_no = _field(fields, "index_no")
    subject = _field(fields, "subject")
    source = _field(fields, "source") or _meta(metas, templates.META_SOURCE)
    # The lines the pipeline reads, under the labels kb.metadata knows, values as the page wrote them.
    raw = tuple((label, value) for label, value in (
        ("索引号", index_no), ("主题分类", subject), ("发布机构", issuer), ("发文字号", number_raw),
        ("成文日期", signed_raw), ("公文生成日期", _field(fields, "generated")), ("发布日期", published_raw),
        ("来源", source),
    ) if value)

    signed, published = _iso(signed_raw), _iso(published_raw)
    precise = _iso(_meta(metas, templates.META_PUBLISHED))
    if published and precise and precise.startswith(published):
        published = precise  # the <meta> PubDate often adds the time of day to the date the page shows
    if body_metadata and body and not (number and issuer and signed and title):
        norm = _normalise(((title or "") + "\n" + body) if title else body)
        meta = extract_metadata(norm.text)

        def as_written(span: tuple[int, int] | None, value: str) -> str:
            # Values read from a traditional-script page are given as the page writes them.
            return norm.original(*span).strip() if span and norm.converted_from_traditional else value

        number = number or (meta.doc_number.text if meta.doc_number else None)
        if not issuer and meta.issuers:
            issuer = "、".join(as_written(sp, n) for n, sp in zip(meta.issuers, meta.issuer_spans))
        signed = signed or meta.date("signed")
        published = published or meta.date("published")
        index_no = index_no or meta.index_no
        if not title and (meta.notice_title or meta.title):
            title = (as_written(meta.notice_title_span, meta.notice_title) if meta.notice_title
                     else as_written(meta.title_span, meta.title))
    issuer = issuer or source

    login = bool(dom.has_password and dom.body_chars < 300) or bool(
        _LOGIN.search(dom.title or "") and dom.body_chars < 300)
    return Page(
        template=name, title=title, doc_number=number, issuer=issuer, signed_date=signed,
        published_date=published, index_no=index_no, subject=subject,
        site=_meta(metas, templates.META_SITE), body_text=body,
        attachments=tuple(_attachments(dom, base)), login_wall=login, raw_fields=raw, dom=dom,
    )


def page_json(page: Page) -> dict:
    """The JSON ``policykb page --json`` prints."""
    return {
        "title": page.title,
        "doc_number": page.doc_number,
        "issuer": page.issuer,
        "signed_date": page.signed_date,
        "published_date": page.published_date,
        "index_no": page.index_no,
        "body_text": page.body_text,
        "attachments": [{"name": a.name, "url": a.url} for a in page.attachments],
        "template": page.template,
        "subject": page.subject,
    }


def page_summary(page: Page) -> dict:
    """The page metadata kept in a fetched document's sidecar and manifest entry."""
    out = page_json(page)
    del out["body_text"]
    out["site"] = page.site
    out["body_chars"] = cjk_count(page.body_text)
    return out


def page_text(page: Page) -> str:
    """The text the pipeline reads: the page title, the metadata the page shows
    (one ``label:value`` line each, values as written), then the body."""
    lines = [page.title] if page.title else []
    lines += [f"{label}:{value}" for label, value in page.raw_fields]
    head = "\n".join(lines)
    return (head + "\n\n" + page.body_text) if head else page.body_text


# --- helpers ---------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\u3000", " ")).strip()


def _field(fields: dict[str, tuple[str, str]], key: str) -> str | None:
    hit = fields.get(key)
    return hit[1] if hit else None


def _meta(metas: dict[str, str], names: tuple[str, ...]) -> str | None:
    for n in names:
        v = _clean(metas.get(n, ""))
        if v and not _EMPTY.match(v):
            return v
    return None


def _is_xxgk(fields: dict) -> bool:
    return "index_no" in fields and len(fields) >= 3


def _heading(dom: HtmlPage, metas: dict[str, str]) -> str | None:
    """The first heading that reads like an article title (not the site or column name)."""
    skip = {_clean(metas.get(n, "")) for n in ("sitename", "columnname")}
    for h in dom.headings:
        if h in skip or len(h) < 6 or _SITE_WORDS.search(h) and len(h) < 12:
            continue
        if cjk_count(h) >= 5:
            return h
    return None


def _title_tag(title: str) -> str | None:
    """"关于…的通知_教育_中国政府网" / "…方案（2023—2025年）-台山市人民政府" → the article's title.

    ``_`` and ``|`` always separate; a dash only before a trailing site name, since titles
    hold dashes of their own (2023—2025年).
    """
    for part in _TITLE_SPLIT.split(title or ""):
        m = _SITE_SUFFIX.match(part)
        if m and _SITE_NAME.search(m.group(2)):
            part = m.group(1)
        if cjk_count(part) >= 4 and not (_SITE_WORDS.search(part) and cjk_count(part) < 12):
            return part.strip()
    return None


def _doc_number(value: str | None) -> str | None:
    if not value:
        return None
    v = unicodedata.normalize("NFKC", value)
    m = re.search(DOC_NUMBER, v)
    return doc_number(m).text if m else v


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    m = _DATE.search(unicodedata.normalize("NFKC", value))
    return parse_date(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"]) if m else None


def _normalise(text: str):
    from ..normalise import normalise

    return normalise(text)


def _attachments(dom: HtmlPage, base: str | None):
    seen = set()
    for link in dom.links:
        href = link.href
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = _clean(link.text)
        if not (ATTACHMENT_URL.search(href) or _ATTACH_NAME.search(text) or _ATTACH_NAME.search(link.title)):
            continue
        url = urljoin(base, href) if base else href
        if url in seen:
            continue
        seen.add(url)
        name = text
        if not name or _GENERIC_LINK.match(name):
            name = _clean(link.title) or unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or url
        yield Attachment(name, url)


def read_page(data: bytes, url: str | None = None, http_charset: str | None = None) -> tuple[Page, Decoded]:
    """Decode a page's bytes (HTTP charset, BOM, meta charset, detection) and extract it.

    Raises :class:`kb.decode.DecodeError` for bytes that are not a text page.
    """
    decoded = decode_bytes(data, http_charset)
    if decoded.media_type != "text/html":
        text = decoded.text.strip()
        first = text.split("\n", 1)[0].strip() if text else None
        return Page("none", first, None, None, None, None, None, None, None, text, (), False), decoded
    return extract_page(decoded.text, url), decoded
