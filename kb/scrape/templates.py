"""The CMS templates of Chinese government sites, as data.

Most county, city and provincial sites run one of a handful of content
management systems; each renders an article the same way everywhere:

* **TRS WCM** (拓尔思): the body in ``div.TRS_Editor`` (older sites, with a
  ``<style>`` inside) or ``div.trs_editor_view`` / ``.TRS_UEDITOR`` (newer),
  template comments such as ``<!--<$[标题名称]>begin-->``, listings paged by
  ``createPageHTML(pages, current, "index", "html")`` → ``index_1.html`` …;
* **大汉 Hanweb**: the body in ``div#zoom`` (Zhejiang and Jiangsu sites mark it
  with ``<meta name="ContentStart">`` … ``<meta name="ContentEnd">``),
  articles at ``/art/YYYY/M/D/art_<column>_<id>.html``, listings as a jpage
  ``<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]></record>``;
* **gov.cn UCAP** (中国政府网 and sites built on it): the body in
  ``div.pages_content#UCAP-CONTENT``, the 索引号/主题分类/发文机关/成文日期/标题/
  发文字号/发布日期 table in ``div.policyLibraryOverview_header`` or ``table.bd1``;
* **政府信息公开** pages (any CMS): a table of 索引号/发布机构/文号/成文日期/发布日期/
  主题分类 above the body.

Every site also carries the national site metadata (政府网站发展指引):
``<meta name="SiteName|ColumnName|ArticleTitle|PubDate|ContentSource">``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str  # "ucap" | "trs" | "hanweb"
    cms: str  # what it is, for people
    markers: tuple[re.Pattern, ...]  # any of these in the raw HTML identifies it
    body: tuple[str, ...]  # CSS selectors of the article body, best first


def _rx(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I) for p in patterns)


TEMPLATES: tuple[Template, ...] = (
    Template(
        "ucap", "中国政府网 UCAP",
        _rx(r"""id=["']?UCAP-CONTENT""", r"policyLibraryOverview", r"""class=["'][^"']*\bpages_content\b"""),
        ("#UCAP-CONTENT", ".pages_content"),
    ),
    Template(
        "trs", "TRS WCM",
        _rx(r"TRS_Editor", r"trs_editor_view", r"TRS_UEDITOR", r"<!--<\$\[", r"createPageHTML\("),
        (".trs_editor_view", ".TRS_Editor", ".TRS_UEDITOR", ".Custom_UnionStyle"),
    ),
    Template(
        "hanweb", "大汉 Hanweb",
        _rx(r"""name=["']?ContentStart""", r"""id=["']?zoom\b""", r"/module/web/jpage", r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+"),
        ("div:has(> meta[name=ContentStart])", "#zoom", ".zoom", "#Zoom", ".main-txt"),
    ),
)

# Bodies of other CMSs and hand-made templates, tried after the known templates
# and before the density scorer: 博达 VSB, WebPlus, and common class names.
GENERIC_BODY: tuple[str, ...] = (
    "#vsb_content", ".v_news_content", ".wp_articlecontent", "#fontzoom", ".article-content",
    ".article_content", ".articleContent", ".detail-content", ".detail_content", ".xxgk_content",
    ".gknr", ".zwgk_content", ".news_content", ".content_text", "#content_text", "article",
)

# Metadata labels on pages (spaces removed) → the field they give.
FIELD_LABELS: dict[str, str] = {
    "索引号": "index_no", "信息索引号": "index_no", "索取号": "index_no", "内容索引号": "index_no",
    "标题": "title", "名称": "title", "文件名称": "title", "信息名称": "title", "公文名称": "title",
    "文号": "doc_number", "发文字号": "doc_number", "发文文号": "doc_number", "文件编号": "doc_number",
    "文件文号": "doc_number", "发文编号": "doc_number",
    "发布机构": "issuer", "发文机关": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "发文机构": "issuer", "成文机关": "issuer", "发布部门": "issuer",
    "来源": "source", "信息来源": "source", "文章来源": "source",
    "成文日期": "signed", "成文时间": "signed", "签发日期": "signed", "公文生成日期": "generated",
    "生成日期": "generated", "发布日期": "published", "发布时间": "published", "公开日期": "published",
    "公开时间": "published", "上网时间": "published", "上网日期": "published",
    "发文日期": "signed",  # the date the document was issued, beside a separate 发布日期 on 江苏/浙江 pages
    "主题分类": "subject", "分类": "subject", "组配分类": "subject", "主题词": "keywords", "有效性": "validity",
}  # fmt: skip
FIELD_LABEL_RE = re.compile("|".join(sorted(map(re.escape, FIELD_LABELS), key=len, reverse=True)))
# Inside the body only unambiguous labels count (a plan's own tables have 名称 and 来源 columns).
BODY_FIELD_LABEL_RE = re.compile("|".join(sorted(
    (re.escape(k) for k, v in FIELD_LABELS.items() if v in ("index_no", "doc_number", "signed", "generated", "subject")
     or k in ("发布机构", "发文机关", "发布日期")), key=len, reverse=True)))

# The national site metadata, lower-cased <meta name>.
META_TITLE = ("articletitle", "title")
META_PUBLISHED = ("pubdate", "firstpublishedtime", "publishdate", "pubtime")
META_SOURCE = ("contentsource", "source")
META_SITE = ("sitename",)
META_URL = ("url",)


def detect(html: str) -> Template | None:
    """The template whose markers the page carries, if any (first 400 KB)."""
    head = html[:400_000]
    for t in TEMPLATES:
        if any(m.search(head) for m in t.markers):
            return t
    return None


def body_selectors(template: Template | None) -> tuple[str, ...]:
    """Selectors to try for a page: its template's first, then the others', then generic ones."""
    out: list[str] = list(template.body) if template else []
    for t in TEMPLATES:
        out += [s for s in t.body if s not in out]
    return tuple(out) + tuple(s for s in GENERIC_BODY if s not in out)
