"""Document metadata of a plan page: title, notice, 文号, issuers, dates, region, citations.

:func:`extract_metadata` reads the *normalised* text (``kb.normalise``) with
regular expressions only, and every fact keeps character offsets into that
text.  What the page reader (:mod:`kb.scrape.pages`) found — passed as
:class:`PageFields` — and the metadata lines a page or an imported file shows
(``标题:``, ``文号:``, ``发布机构:``, ``成文日期:``, ``【字号】`` …) are kept as
they are; the text heuristics only fill what they leave missing.  The rules
are written for the genre of Chinese government documents:

* **Notice** (``notice_title``): a ``[issuer]关于印发X的通知`` line (also
  下发/发布/公布/颁发), the page-title line when complete, else rejoined from
  up to four lines.  A 转发/批转 notice forwards another body's text: it is
  the document's own title and no notice.
* **Title**: the X of the notice, or the 《X》 the text says it issues
  (现将《X》印发, 《X》已经…同意/通过,现印发/现予公布, 制定了《X》,现印发,
  《X》全文如下) — ``印发《X》,`` alone is a citation; else the first
  heading-like line(s) of the front matter ending in a genre word (通知, 意见,
  方案, 规划, 计划, 批复, 复函, 答复, 通报, 决定, 条例, 办法, 规定, 细则 …),
  an issuer line joined to a following ``关于…`` line.  Markdown marks,
  site-name suffixes (``_某某网``, ``-某某人民政府``) and a 文号 glued before
  or after the title are not part of it; signature, date, 文号, 红头 (``X文件``)
  and chapter lines never are.
* **文号**: a label (``文号:``, ``发文字号:``, ``【字号】`` …; ``索引号`` is
  not one), else a front-matter line that is a 文号 (also in parentheses), a
  文号 glued before or after the title line, ``…的通知(文号)``; brackets
  ``[] 【】 () 〔〕`` are stored as 〔〕 with the printed form kept.  Orders
  (``国令第712号``, ``X府令第N号``, a ``X人民政府令`` / ``第N号`` header) and
  people's-congress announcements (``X公告`` / ``(第四十七号)``) have no year.
  Cited numbers ``《…》(文号)`` and numbers inside sentences are never the
  document's own.
* **Issuers**: label lines (发布机构, 发文机关, 发布部门, 发文单位, 制定机关 …)
  and the page reader, completed by the text: ``A、B印发《title》`` >
  ``A关于印发…`` > a title ``中共X委 X人民政府关于…`` > an order's
  ``X人民政府令`` > signature lines above the date line > ``来源:``; joint
  issuers are split on 、, spaces, stray ``?`` and where a second organisation
  name begins.
* **Dates** (:class:`~kb.models.DatedField`, one per kind): ``signed``
  (成文日期/发文时间 label, or the date line under the signature — an
  organisation's or a person's (省长 某某) — Arabic or Chinese numerals with 〇
  or ○), ``published`` (发布时间/发布日期/发文日期/公布日期 …, time kept),
  ``generated`` (公文生成日期), ``printed`` (…年…月…日印发 / 印发日期),
  ``effective`` (施行日期/生效日期).
* **Region**: from the issuers, else a title that starts with a region name,
  else the national region (code ``100000``) for central organs (国务院,
  教育部, 国家…委 …) and their 文号 prefixes (国办发, 教督…).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import NamedTuple, TypeVar

from . import regions
from .citations import find_citations, title_key
from .models import Citation, DatedField, DocNumber, Metadata, Region

__all__ = ["PageFields", "extract_metadata", "parse_date", "parse_doc_number"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_CJK = "\u4e00-\u9fff"
_SP = r"[ \t\u3000]"
FRONT = 20000  # characters searched for the notice, title, own 文号 and signature
SELF_REF_SPAN = 6000  # characters searched for the sentence that says which text the document issues
FRONT_LINES = 60  # lines of front matter at most
HEAD_CHARS = 3000  # title and issuer labels are read in the front matter or this many first characters


class PageFields(NamedTuple):
    """What the page reader (:func:`kb.scrape.pages.extract_page`) read from a page's
    metadata table, ``<meta>`` tags, headings and ``<title>``; ``None`` where it read nothing."""

    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    signed_date: str | None = None  # ISO
    published_date: str | None = None  # ISO, possibly with the time


# --- dates ---------------------------------------------------------------------------------

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "0": 0, "两": 2, "Ｏ": 0}
_CN_Y = "[〇零○O0一二三四五六七八九]"
_CN_MD = "[一二三四五六七八九十廿卅]{1,3}"
_ARABIC = rf"(?:19|20)\d{{2}}{_SP}*年{_SP}*\d{{1,2}}{_SP}*月{_SP}*\d{{1,2}}{_SP}*日"
_CHINESE = rf"{_CN_Y}{{4}}{_SP}*年{_SP}*{_CN_MD}{_SP}*月{_SP}*{_CN_MD}{_SP}*日"
_DATE_WORDS = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|{_CN_Y}{{4}}){_SP}*年{_SP}*(?P<m>\d{{1,2}}|{_CN_MD}){_SP}*月{_SP}*(?P<d>\d{{1,2}}|{_CN_MD}){_SP}*日"
)
_NUM_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}){_SP}*(?:年|[-/.]){_SP}*(?P<m>\d{{1,2}}){_SP}*(?:月|[-/.]){_SP}*(?P<d>\d{{1,2}})"
    rf"(?:{_SP}*日)?(?:{_SP}*(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}}))?)?"
)
_PRINTED = re.compile(rf"(?P<date>{_ARABIC}|{_CHINESE}){_SP}*印发$")
_PRINTED_HINT = re.compile(rf"(?m)日{_SP}*印发{_SP}*$")
_DATE_LINE = re.compile(rf"(?:(?P<org>.+?){_SP}+)?(?P<date>{_ARABIC}|{_CHINESE})")
_PAREN_DATE = re.compile(rf"\({_SP}*(?P<date>{_ARABIC}|{_CHINESE}){_SP}*\)")
_PERSON_SIGN = re.compile(
    rf"(?:国务院)?(?:总理|副总理|省长|代省长|市长|代市长|县长|代县长|区长|代区长|州长|旗长|盟长|主席|主任|部长|厅长|局长|书记)"
    rf"{_SP}*[{_CJK}×X某○〇]{{1,4}}"
)


def _cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21, 廿三 → 23, 12 → 12."""
    if s.isdigit():
        return int(s)
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return _CN_DIGIT.get(s, -1)


def _cn_int(s: str) -> int | None:
    """Chinese or Arabic numerals of a number below 10,000: 四十七 → 47, 一百零二 → 102, 541 → 541."""
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGIT:
            cur = _CN_DIGIT[ch]
        elif ch in "十百千":
            total += (cur or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            cur = 0
        else:
            return None
    return total + cur or None


def parse_date(y: str, m: str, d: str, hh: str | None = None, mm: str | None = None, ss: str | None = None) -> str | None:
    """ISO date (or datetime) from numeral strings, Arabic or Chinese; None when invalid."""
    try:
        year = int(y) if y.isdigit() else int("".join(str(_CN_DIGIT[c]) for c in y))
        value = date(year, _cn_number(m), _cn_number(d)).isoformat()
    except (KeyError, ValueError):
        return None
    if hh is not None and mm is not None:
        if not (0 <= int(hh) < 24 and 0 <= int(mm) < 60 and (ss is None or 0 <= int(ss) < 60)):
            return value
        value += f"T{int(hh):02d}:{mm}" + (f":{ss}" if ss is not None else "")
    return value


def _date_words(s: str) -> str | None:
    m = _DATE_WORDS.search(s)
    return parse_date(m["y"], m["m"], m["d"]) if m else None


def _date_value(s: str) -> tuple[str, int, int] | None:
    """The date at the start of a field value (Arabic, dotted or Chinese numerals): (ISO, start, end)."""
    m = _NUM_DATE.match(s)
    if m:
        value = parse_date(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"])
        return (value, m.start(), m.end()) if value else None
    m = _DATE_WORDS.match(s)
    if m:
        value = parse_date(m["y"], m["m"], m["d"])
        return (value, m.start(), m.end()) if value else None
    return None


# --- labelled fields -------------------------------------------------------------------------

_FIELD_KIND = {
    "标题": "title", "名称": "title", "文件名称": "title", "信息名称": "title", "文章标题": "title",
    "公文标题": "title", "文件标题": "title", "政策名称": "title",
    "文号": "number", "发文字号": "number", "字号": "number", "发布文号": "number", "文件编号": "number",
    "发文编号": "number", "文件字号": "number", "发文文号": "number", "公文字号": "number",
    "发布机构": "issuer", "发文机关": "issuer", "发文机构": "issuer", "发布部门": "issuer", "发文单位": "issuer",
    "发文部门": "issuer", "制定机关": "issuer", "成文机关": "issuer", "印发机关": "issuer", "发布单位": "issuer",
    "颁布机关": "issuer", "制发机关": "issuer", "发布机关": "issuer",
    "来源": "source", "信息来源": "source", "文章来源": "source", "稿件来源": "source",
    "索引号": "index", "信息索引": "index",
    "成文日期": "signed", "成文时间": "signed", "签发日期": "signed", "签署日期": "signed", "发文时间": "signed",
    "签发时间": "signed",
    "公文生成日期": "generated", "生成日期": "generated", "印发日期": "printed", "印发时间": "printed",
    "发布时间": "published", "发布日期": "published", "发文日期": "published", "发表时间": "published",
    "公布日期": "published", "公布时间": "published", "公开日期": "published", "公开时间": "published",
    "上网时间": "published", "上网日期": "published", "时间": "published", "日期": "published",
    "施行日期": "effective", "实施日期": "effective", "生效日期": "effective", "生效时间": "effective",
}  # fmt: skip
_DATE_KINDS = ("signed", "generated", "printed", "published", "effective")


def _spaced(word: str) -> str:
    return f"{_SP}*".join(map(re.escape, word))


_LABEL_ALT = "|".join(_spaced(w) for w in sorted(_FIELD_KIND, key=len, reverse=True))
# ``label:`` after the start of a line, a space, a bullet or a separator; or ``【label】`` anywhere.
_FIELD = re.compile(
    rf"【{_SP}*(?P<b>{_LABEL_ALT}){_SP}*】"
    rf"|(?<![^\s•·|/】\]>\-*])(?P<c>{_LABEL_ALT})(?:{_SP}*\([^()\n]{{0,8}}\))?{_SP}*:"
)
_NEXT_LINE = re.compile(r"\n[ \t\u3000]*\n?[ \t\u3000]*(?P<v>[^\n]+)")  # after at most one blank line
_VALUE_STOP = re.compile(rf"[•【]|{_SP}+(?=[{_CJK}]{{1,8}}{_SP}*:)")  # a bullet, a 【label】 or another label: (作者:)


class _Field(NamedTuple):
    kind: str
    label: str
    value: str
    start: int  # of the value
    end: int


def _fields(text: str) -> list[_Field]:
    """Every ``label:value`` / ``【label】value`` field; the value ends at the next label, a
    bullet or the end of the line.  An empty title, 文号 or issuer takes the next line when
    that line is no field itself."""
    out: list[_Field] = []
    found = list(_FIELD.finditer(text))
    for k, m in enumerate(found):
        label = re.sub(r"\s+", "", m["b"] or m["c"])
        kind = _FIELD_KIND.get(label)
        if kind is None:
            continue
        vs = m.end()
        line_end = text.find("\n", vs)
        line_end = len(text) if line_end < 0 else line_end
        stop = found[k + 1].start() if k + 1 < len(found) and found[k + 1].start() < line_end else line_end
        seg = text[vs:stop]
        cut = _VALUE_STOP.search(seg)
        if cut and kind not in _DATE_KINDS:
            seg = seg[: cut.start()]
        value = seg.strip(" \t\u3000")
        start = vs + len(seg) - len(seg.lstrip(" \t\u3000"))
        if not value and kind in ("title", "number", "issuer") and stop == line_end:
            nxt = _NEXT_LINE.match(text, line_end)
            if nxt and not _FIELD.match(text, nxt.start("v")):
                value = nxt["v"].rstrip(" \t\u3000")
                start = nxt.start("v")
        if value:
            out.append(_Field(kind, label, value, start, start + len(value)))
    return out


# --- 文号 ------------------------------------------------------------------------------------

_OPEN, _CLOSE = r"[〔\[【(〖［]", r"[〕\]】)〗］]"
_NO_STD = (
    rf"(?P<prefix>[{_CJK}]{{1,12}}){_SP}*{_OPEN}{_SP}*(?P<year>(?:19|20)\d{{2}}){_SP}*{_CLOSE}"
    rf"{_SP}*第?{_SP}*(?P<seq>\d{{1,6}}){_SP}*号"
)
_CN_NUM = "[〇零○一二三四五六七八九十百千]"
_NO_ORDER = (
    rf"(?P<oprefix>[{_CJK}]{{0,24}}令){_SP}*\(?{_SP}*第{_SP}*(?P<oseq>\d{{1,6}}|{_CN_NUM}{{1,8}}){_SP}*号{_SP}*\)?"
)
_NO_ANNOUNCE = (
    rf"(?P<aprefix>[{_CJK}]{{2,30}}公告){_SP}*\(?{_SP}*第{_SP}*(?P<aseq>\d{{1,6}}|{_CN_NUM}{{1,8}}){_SP}*号{_SP}*\)?"
)
_NUMBER = re.compile(rf"{_NO_STD}|{_NO_ORDER}|{_NO_ANNOUNCE}")
_STD_TAIL = re.compile(
    rf"(?P<pre>[{_CJK}]{{1,12}}){_SP}*{_OPEN}{_SP}*(?:19|20)\d{{2}}{_SP}*{_CLOSE}{_SP}*第?{_SP}*\d{{1,6}}{_SP}*号{_SP}*$"
)
_PAREN_TAIL = re.compile(rf"{_SP}*\({_SP}*(?:{_NO_STD}|{_NO_ORDER}){_SP}*\){_SP}*$")
_AFTER_NOTICE = re.compile(rf"{_SP}*\({_SP}*(?:{_NO_STD}){_SP}*\)")  # 关于印发…的通知(文号)
_ONLY_NUMBER = re.compile(rf"{_SP}*\(?{_SP}*(?:{_NO_STD}|{_NO_ORDER}|{_NO_ANNOUNCE}){_SP}*\)?{_SP}*")
_ORDER_HEAD = re.compile(rf"(?P<org>[{_CJK}]{{2,30}}?)令")
_ANNOUNCE_HEAD = re.compile(rf"(?P<org>[{_CJK}]{{2,40}}?)公告")
_SEQ_LINE = re.compile(rf"\(?{_SP}*第{_SP}*(?P<seq>\d{{1,6}}|{_CN_NUM}{{1,8}}){_SP}*号{_SP}*\)?")
_STATE_ORDER = re.compile(r"^(?:中华人民共和国)?国务院令$")
_OPEN_PAREN = re.compile(rf"{_SP}*\(?{_SP}*")
_NOT_PREFIX = re.compile(r"[的之和与及在]|关于|印发|通知|根据|按照")


def _number_from_match(m: re.Match[str], offset: int = 0) -> DocNumber | None:
    if m.group("prefix") is not None:
        prefix, year, seq = m["prefix"], int(m["year"]), int(m["seq"])
        return DocNumber(f"{prefix}〔{year}〕{seq}号", prefix, year, seq, m.start() + offset, m.end() + offset,
                         m.group(), "doc_number")
    if m.group("oprefix") is not None:
        seq = _cn_int(m["oseq"])
        if not seq:
            return None
        prefix = "国令" if _STATE_ORDER.match(m["oprefix"]) else m["oprefix"]
        if len(prefix) < 2:
            return None
        return DocNumber(f"{prefix}第{seq}号", prefix, None, seq, m.start() + offset, m.end() + offset,
                         m.group(), "order_number")
    seq = _cn_int(m["aseq"])
    if not seq:
        return None
    return DocNumber(f"{m['aprefix']}第{seq}号", m["aprefix"], None, seq, m.start() + offset, m.end() + offset,
                     m.group(), "announcement_number")


def parse_doc_number(value: str, offset: int = 0) -> DocNumber | None:
    """The 文号 at the start of a label's value (``柳府令第21号``, ``川教[2023]45号``), offsets shifted."""
    m = _OPEN_PAREN.match(value)
    hit = _NUMBER.match(value, m.end() if m else 0)
    return _number_from_match(hit, offset) if hit else None


# --- lines, organisations, titles ------------------------------------------------------------

_ORG = re.compile(
    rf"(?:中共)?[{_CJK}()]{{1,40}}?(?:办公室|办公厅|人民政府|政府|委员会|局|厅|委|办|院|会|中心|部|处|署|社|所|站|联)"
    r"|中共中央|共青团中央|团中央|国务院"
)
_NOT_ORG = ("各", "有关", "市有关", "县有关", "区有关", "抄送", "附件", "主送", "此件", "印发", "关于", "根据", "按照")
_ORG_START = re.compile(r"中共|国家|国务院|中央|全国|共青团|省|市|县|区|州|旗|盟")
_GENRE = (
    r"(?:方案|规划|计划|意见|办法|细则|纲要|措施|规定|要点|决定|指南|标准|条例|指引|通知|若干政策|通报|批复|复函|"
    r"答复|决议|纪要|章程|规则|守则|制度|规程|实施意见|的(?:函|报告|请示|公告|通告))"
)
_QUAL = (
    rf"(?:\((?:\d{{4}}{_SP}*[—\-–~至－―]+{_SP}*\d{{4}}{_SP}*年?|\d{{4}}{_SP}*年(?:修订|修正|版)?|试行|暂行|修订|修订稿|"
    r"修正|征求意见稿|草案|送审稿|试行稿)\))"
)
_TITLE_END = re.compile(rf"{_GENRE}{_QUAL}{{0,2}}$")
_QUAL_LINE = re.compile(rf"{_QUAL}+$")
_TAG = re.compile(r"^(?:\([^()\n]{1,8}\)|【[^】\n]{1,8}】|\[[^\]\n]{1,8}\])")
_NOT_TITLE = re.compile(
    rf"[。;:!>|»\\]|\?(?![{_CJK}])|(?<![{_CJK}])\?|^[《各(]|^[一二三四五六七八九十]+、|^\d+[.、]|^附件|^第[一二三四五六七八九十百零〇\d]+[章节条号]"
)
_BODY_HEAD = re.compile(
    r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十百零〇]+[章节条]|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d))"
)
_SALUTATION = re.compile(r"^[^\n。;:]{1,120}:$")
_RED_HEADER = re.compile(rf"^[{_CJK}()、 ]{{2,60}}文件$")
_MD = re.compile(r"(?:#{1,6}[ \t]+|#{1,6}(?=[^#\s])|>[ \t]*|[•·▪◆■●][ \t]*)+")
_SITE_PART = re.compile(r"[ \t]*[_|｜][ \t]*")
_SITE_TAIL = re.compile(r"(?P<t>.*?\S)[ \t]*[-—–－]{1,2}[ \t]*(?P<site>[^-—–－\n]{2,40})$")
_SITE_HEAD = re.compile(r"(?P<site>[^-—–－\n]{2,20}(?:网|网站|门户|平台))[ \t]*[-—–－]{1,2}[ \t]*(?=\S)")
_SITE_WORDS = re.compile(r"(?:网|网站|门户|门户网站|政府|人民政府|平台|首页|频道|栏目|部|厅|局|委|办|中心)$")
_NOTICE = re.compile(
    r"(?P<issuer>[^《》。;:,\n]*?)"
    r"(?P<verb>关于(?:重新|修订)?(?:印发|下发|发布|公布|颁发|颁布)|(?<!关于)(?:印发|颁发))"
    r"(?P<inner>[^。\n]+?)的(?:补充|紧急)?通知"
)
_SELF_REF = re.compile(
    r"(?:现将|现予|特将|兹将|今将)《(?P<a>[^《》\n]{4,150})》(?:予以)?(?:印发|下发|发布|公布|颁布)"
    r"|《(?P<b>[^《》\n]{4,150})》(?:(?:业经|已经|已由|经|已于)[^。《》\n]{0,120}?(?:现|特|并)?(?:予以|予)?"
    r"(?:印发|公布|发布|颁布|下发)(?!.{0,3}《)|全文如下|现印发|现予印发|现予公布|现予发布|印发给|现发布|现公布)"
    r"|(?:制定|研究制定|联合制定|修订|起草|编制|拟定)了?《(?P<c>[^《》\n]{4,150})》[,]?(?:现|并)(?:予以|予|将其)?(?:印发|下发|发布)"
    r"|印发了?《(?P<d>[^《》\n]{4,150})》并(?:发出|下发)了?通知"
)
_JOINT = re.compile(r"印发了?《(?P<t>[^《》\n]{2,150})》")
_JOINT_STOP = re.compile(r"[,。;:!?\n《》]")
_LEAD_WORDS = re.compile(r"^(?:近日|近期|日前|最近|今天|今日|目前|近来|此前|日前,)+")
_SPLIT_ORGS = re.compile(rf"{_SP}+|[、,?/]")
_INDEX_NO = re.compile(rf"索{_SP}*引{_SP}*号{_SP}*[::]{_SP}*(?P<v>[0-9A-Za-z][0-9A-Za-z\-_/.]*)")
# Central organs: their documents get the national region.
_NATIONAL_ORG = re.compile(
    r"^(?:中共中央|中央|国务院|全国|国家|中华人民共和国|共青团中央|团中央|中国(?:残疾人联合会|残联|科协|科学技术协会)|"
    r"(?:教育|财政|民政|公安|司法|科技|科学技术|工业和信息化|自然资源|生态环境|交通运输|水利|农业农村|商务|文化和旅游|"
    r"外交|国防|人力资源(?:和)?社会保障|住房(?:和)?城乡建设|退役军人事务|应急管理|审计|监察)部)"
)
_NATIONAL_NUMBER = re.compile(r"^(?:国|中发|中办|教|财教|人社部|发改社会|国教督|国发|国办)")
_PROVINCE_ABBR = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000", "吉": "220000",
    "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000", "闽": "350000", "赣": "360000",
    "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000", "粤": "440000", "桂": "450000", "琼": "460000",
    "渝": "500000", "川": "510000", "黔": "520000", "滇": "530000", "云": "530000", "藏": "540000", "陕": "610000",
    "甘": "620000", "青": "630000", "宁": "640000", "新": "650000",
}  # fmt: skip


def _org_like(s: str) -> bool:
    return 2 <= len(s) <= 45 and not s.startswith(_NOT_ORG) and _ORG.fullmatch(s) is not None


def _segment(s: str, depth: int = 0) -> list[tuple[int, int]] | None:
    """Spans of the organisations a run of names without separators holds
    (中共同心县委同心县人民政府 → 中共同心县委, 同心县人民政府), or None."""
    if depth < 6:
        starts = {a for a, _, _ in regions.mentions(s) if a > 0} | {m.start() for m in _ORG_START.finditer(s) if m.start() > 0}
        stem = s[2:4] if s.startswith("中共") else s[:2]  # 中共北岭省委北岭省人民政府: the place name comes again
        if len(stem) == 2:
            starts |= {m.start() for m in re.finditer(re.escape(stem), s) if m.start() > 1}
        for p in sorted(starts):
            if _org_like(s[:p]):
                rest = _segment(s[p:], depth + 1)
                if rest:
                    return [(0, p)] + [(a + p, b + p) for a, b in rest]
    return [(0, len(s))] if _org_like(s) else None


_TERM = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,4}届(?=[\u4e00-\u9fff]*(?:代表大会|委员会|政府))")


def _orgs(who: str, start: int) -> list[tuple[str, int, int]]:
    """Issuers 'A' / 'A、B' / 'A B' / 'A?B' / 'AB' at ``start`` → [(name, start, end)], or []."""
    cuts = [0] + [x for m in _SPLIT_ORGS.finditer(who) for x in m.span()] + [len(who)]
    out: list[tuple[str, int, int]] = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        if b <= a:
            continue
        parts = _segment(who[a:b])
        if not parts:
            return []
        out += [(who[a + x : a + y], start + a + x, start + a + y) for x, y in parts]
    return out


def _national(name: str) -> bool:
    return bool(_NATIONAL_ORG.match(name)) and not regions.mentions(name)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stripped non-blank lines."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        left = len(raw) - len(raw.lstrip())
        right = len(raw.rstrip())
        if right > left:
            out.append((m.start() + left, m.start() + right))
    return out


def _content(text: str, a: int, b: int) -> int:
    """Start of a line's words after markdown marks (``#``, ``>``) and bullets."""
    m = _MD.match(text, a, b)
    return m.end() if m and m.end() < b else a


def _windows(text: str, lines: list[tuple[int, int]], i: int, size: int) -> list[tuple[int, int, str]]:
    """Joined text of lines i..i+k (k < size) while lines follow with at most one blank line."""
    out = []
    parts = []
    for k in range(i, min(len(lines), i + size)):
        if k > i and text[lines[k - 1][1] : lines[k][0]].count("\n") > 2:
            break
        a = _content(text, *lines[k])
        parts.append(text[a : lines[k][1]])
        out.append((_content(text, *lines[i]), lines[k][1], "".join(parts)))
    return out


def _title_end(s: str) -> bool:
    return len(s) >= 4 and _TITLE_END.search(s) is not None


def _core(s: str) -> tuple[int, int, DocNumber | None]:
    """The title words of a line: (start, end) without a 文号 glued before or after it,
    a 《》 around it or a site name after it; and the glued 文号, if any."""
    lo, hi, number = 0, len(s), None
    m = _NUMBER.match(s)
    if m and m.end() < len(s) and re.match(rf"{_SP}*[{_CJK}《]", s[m.end() :]):
        number = _number_from_match(m)
        lo = m.end() + len(s[m.end() :]) - len(s[m.end() :].lstrip(" \t\u3000"))
    part = _SITE_PART.search(s, lo)
    if part and re.search(rf"[{_CJK}]", s[part.end() :]):
        hi = part.start()
    else:
        tail = _SITE_TAIL.match(s, lo, hi)
        if tail and _SITE_WORDS.search(tail["site"]) and (_title_end(tail["t"]) or tail["t"].endswith(")")):
            hi = tail.end("t")
    head = _SITE_HEAD.match(s, lo, hi)
    if head:
        lo = head.end()
    m = _PAREN_TAIL.search(s, lo, hi)
    if m and m.start() > lo:
        found = _NUMBER.search(s, m.start(), m.end())
        number = number or (_number_from_match(found) if found else None)
        hi = m.start()
    else:
        m = _STD_TAIL.search(s, lo, hi)
        if m:
            pre_start = m.start("pre")
            for j in range(pre_start, m.end("pre")):
                head = s[lo:j].rstrip(" \t\u3000")
                if _title_end(head) and not _NOT_PREFIX.search(s[j : m.end("pre")]):
                    found = _NUMBER.match(s, j, hi)
                    if found:
                        number = number or _number_from_match(found)
                        hi = lo + len(head)
                    break
    if hi - lo >= 2 and s[lo] == "《" and s[hi - 1] == "》":
        lo, hi = lo + 1, hi - 1
    return lo, hi, number


# --- the extractor -------------------------------------------------------------------------------


def _safe(fn: Callable[..., T], default: T, *args: object) -> T:
    try:
        return fn(*args)
    except Exception:  # a malformed page must never stop the pipeline
        log.exception("metadata: %s failed", getattr(fn, "__name__", fn))
        return default


class _Notice(NamedTuple):
    title: str  # rejoined when split over lines
    span: tuple[int, int] | None  # None for a notice the page reader gave that the text does not show
    issuer: str  # the words before 关于印发, '' when none
    inner: tuple[int, int] | None  # offsets of X in 关于印发X的通知 (one-line hits only)


def _parse_notice(s: str) -> re.Match[str] | None:
    m = _NOTICE.fullmatch(s)
    if not m:
        return None
    who = m["issuer"].strip()
    if who and not _orgs(who, 0):
        return None
    if not who and not m["verb"].startswith("关于"):
        return None
    return m


def _notice(text: str, lines: list[tuple[int, int]], upto: int) -> _Notice | None:
    """The 关于印发…的通知 title: a complete line first, else rejoined from 2–4 lines."""
    for a, b in lines[:upto]:
        a = _content(text, a, b)
        lo, hi, _ = _core(text[a:b])
        m = _parse_notice(text[a + lo : a + hi])
        if m:
            base = a + lo
            return _Notice(m.group(), (base, base + m.end()), m["issuer"].strip(),
                           (base + m.start("inner"), base + m.end("inner")))
    for i, (a, b) in enumerate(lines[:upto]):
        if not re.search("关于|印发", text[a:b]):
            continue
        starts = [i - 1, i] if i > 0 and _orgs(text[lines[i - 1][0] : lines[i - 1][1]], 0) else [i]
        for s in starts:
            for wa, wb, joined in _windows(text, lines, s, 4)[1:]:
                lo, hi, _ = _core(joined)
                m = _parse_notice(joined[lo:hi])
                if m and lo == 0:
                    return _Notice(m.group(), (wa, wb - (len(joined) - hi)), m["issuer"].strip(), None)
    return None


def _standalone(text: str, lines: list[tuple[int, int]], want: str, skip: tuple[int, int] | None) -> tuple[int, int] | None:
    """Span of the line(s) whose joined text (a leading tag stripped) equals ``want``."""
    key = re.sub(r"\s+", "", want)
    if not key:
        return None
    for i, (a, b) in enumerate(lines):
        a = _content(text, a, b)
        first = text[a:b]
        tag = _TAG.match(first)
        off = tag.end() if tag and tag.end() < len(first) and not key.startswith(first[: tag.end()]) else 0
        head = re.sub(r"\s+", "", first[off:])[:4]
        if not head or not key.startswith(head):
            continue
        for wa, wb, joined in _windows(text, lines, i, 4):
            if skip and wa < skip[1] and wb > skip[0]:
                break
            j = re.sub(r"\s+", "", joined[off:])
            if j == key:
                return (wa + off, wb)
            if not key.startswith(j):
                break
    return None


def _find_line(text: str, lines: list[tuple[int, int]], want: str) -> tuple[int, int] | None:
    """Span of ``want`` in the text: a line (or lines) equal to it, else any occurrence."""
    span = _standalone(text, lines, want, None)
    if span:
        return span
    at = text.find(want)
    return (at, at + len(want)) if at >= 0 and want else None


def _skip_line(s: str) -> bool:
    """Front-matter lines that are never (part of) a title: fields, 文号, dates, 红头, order headers."""
    return bool(
        _FIELD.search(s) or _ONLY_NUMBER.fullmatch(s) or _SEQ_LINE.fullmatch(s) or _DATE_LINE.fullmatch(s)
        or _PAREN_DATE.fullmatch(s) or _RED_HEADER.match(s) or _head_org(s) is not None
        or _PERSON_SIGN.fullmatch(s) or _INDEX_NO.search(s)
    )


def _head_org(s: str) -> str | None:
    """The organisation of an order or announcement header line (山西省人民政府令, 某省人民代表大会常务委员会公告)."""
    m = _ORDER_HEAD.fullmatch(s) or _ANNOUNCE_HEAD.fullmatch(s)
    return m["org"] if m and _org_like(m["org"]) else None


def _titleish(s: str) -> bool:
    return 0 < len(s) <= 120 and not _NOT_TITLE.search(s) and not _skip_line(s)


def _body_start(s: str) -> bool:
    return bool(_BODY_HEAD.match(s) or (_SALUTATION.match(s) and not _FIELD.search(s)))


def _heuristic_title(text: str, lines: list[tuple[int, int]], upto: int) -> tuple[str, tuple[int, int]] | None:
    """First heading-like line(s) ending in a genre word, before the body begins.

    A title may run over up to four lines; a following line that is only a qualifier
    such as ``(2023—2025年)`` is joined to it; an issuer line is joined to a
    ``关于…`` line under it, and skipped above any other title line."""
    for i in range(min(upto, len(lines))):
        a0 = _content(text, *lines[i])
        first = text[a0 : lines[i][1]]
        tag = _TAG.match(first)
        off = tag.end() if tag and tag.end() < len(first) else 0
        parts: list[str] = []
        start = -1
        for k in range(5):
            j = i + k
            if j >= len(lines) or (k > 0 and text[lines[j - 1][1] : lines[j][0]].count("\n") > 2):
                break
            la = _content(text, *lines[j]) + (off if k == 0 else 0)
            line = text[la : lines[j][1]]
            lo, hi, _ = _core(line)
            if k > 0 and lo > 0:
                break
            core = line[lo:hi]
            if k > 0 and core.startswith("关于") and not (k == 1 and _orgs(parts[0], 0)):
                break  # a second title (a list of links), not the rest of this one
            if not _titleish(core) or core[-1] in ",、":
                break
            if k == 0:
                start = la + lo
            if _orgs(core, 0):
                nxt = text[_content(text, *lines[j + 1]) : lines[j + 1][1]] if j + 1 < len(lines) else ""
                if k == 0 and nxt.startswith("关于"):
                    parts.append(core)
                    continue
                break  # an issuer line above the title, or a signature under a title-like line
            parts.append(core)
            body = "".join(parts)
            if len(body) > 120:
                break
            if len(body) >= 6 and _title_end(body):
                if re.search("关于(?:重新|修订)?(?:印发|下发|颁发)", body):
                    break
                end = la + hi
                if hi == len(line) and j + 1 < len(lines) and not _QUAL_LINE.search(body):
                    extra = text[lines[j + 1][0] : lines[j + 1][1]]
                    if _QUAL_LINE.fullmatch(extra) and text[lines[j][1] : lines[j + 1][0]].count("\n") <= 2:
                        return body + extra, (start, lines[j + 1][1])
                return body, (start, end)
            if hi < len(line) or (k == 0 and _QUAL_LINE.fullmatch(body)):
                break
    return None


def _clean_given(s: str | None) -> str | None:
    """A title the page reader or a label gives, without markdown, 文号 or site name."""
    if not s:
        return None
    s = re.sub(r"\s*\n\s*", "", s).strip()
    m = _MD.match(s)
    if m and m.end() < len(s):
        s = s[m.end() :]
    lo, hi, _ = _core(s)
    s = s[lo:hi].strip()
    if _ONLY_NUMBER.fullmatch(s) or _head_org(re.sub(rf"{_SP}*\(?第.*$", "", s)):
        return None  # an order's or announcement's header (某市人民政府令第45号) names no text: read the text
    return s or None


def _title(
    text: str, lines: list[tuple[int, int]], upto: int, notice: _Notice | None, given: str | None
) -> tuple[str, tuple[int, int] | None] | None:
    """The plan's own title and the span of its heading (see module docstring)."""
    cands: list[tuple[str, tuple[int, int] | None]] = []
    if notice:
        m = _NOTICE.match(notice.title)
        if m:
            inner = re.sub(r"^《(.*)》$", r"\1", m["inner"].strip())
            span = notice.inner
            if span and m["inner"].strip() != inner:
                span = (span[0] + 1, span[1] - 1)
            cands.append((inner, span))
    elif given:
        return given, _find_line(text, lines, given)
    for m in _SELF_REF.finditer(text, 0, min(len(text), SELF_REF_SPAN)):
        g = next(x for x in "abcd" if m[x])
        cands.append((m[g], (m.start(g), m.end(g))))
    for want, _ in cands:
        span = _standalone(text, lines, want, notice.span if notice else None)
        if span:
            return want, span
    if cands:
        want, span = cands[0]
        return want, span or (notice.span if notice else None)
    return _heuristic_title(text, lines, upto)


def _signature(text: str, lines: list[tuple[int, int]]) -> tuple[DatedField, list[tuple[str, int, int]]] | None:
    """The first date line with an organisation (or an official: 省长 某某) on it or on the lines just above."""
    for i, (a, b) in enumerate(lines):
        s = text[a:b]
        if len(s) > 80 or "日" not in s:
            continue
        m = _DATE_LINE.fullmatch(s)
        if not m:
            continue
        value = _date_words(m["date"])
        if value is None:
            continue
        orgs: list[tuple[str, int, int]] = []
        person = False
        if m["org"]:
            orgs = _orgs(m["org"].strip(), a + m.start("org"))
            if not orgs:
                continue
        else:
            k = i - 1
            while k >= 0 and i - k <= 6:
                la, lb = lines[k]
                if text[lb : lines[k + 1][0]].count("\n") > 2:
                    break
                found = _orgs(text[la:lb], la)
                if not found:
                    person = not orgs and k == i - 1 and _PERSON_SIGN.fullmatch(text[la:lb]) is not None
                    break
                orgs = found + orgs
                k -= 1
            if not orgs and not person:
                continue
        field = DatedField("signed", value, "落款", a + m.start("date"), a + m.end("date"))
        return field, orgs
    return None


def _dates(
    text: str, lines: list[tuple[int, int]], fields: list[_Field], front_end: int
) -> tuple[list[DatedField], list[tuple[str, int, int]]]:
    found: dict[str, DatedField] = {}
    for f in fields:
        if f.kind not in _DATE_KINDS or f.kind in found:
            continue
        if f.label in ("时间", "日期") and f.start > front_end and f.start > 400:
            continue  # a bare 时间:/日期: deep in the body is some other time
        hit = _date_value(f.value)
        if hit:
            found[f.kind] = DatedField(f.kind, hit[0], f.label, f.start + hit[1], f.start + hit[2])
    sig = _signature(text, lines)
    sig_orgs: list[tuple[str, int, int]] = []
    if sig:
        sig_orgs = sig[1]
        found.setdefault("signed", sig[0])
    if "signed" not in found:
        for a, b in lines[:FRONT_LINES]:
            m = _PAREN_DATE.fullmatch(text, a, b)
            if a >= front_end:
                break
            if m and (value := _date_words(m["date"])):
                found["signed"] = DatedField("signed", value, "题注", m.start("date"), m.end("date"))
                break
    if "printed" not in found:
        for hint in _PRINTED_HINT.finditer(text):
            line_start = text.rfind("\n", 0, hint.start()) + 1
            m = _PRINTED.search(text[line_start : hint.end()].rstrip())
            value = _date_words(m["date"]) if m else None
            if m and value:
                found["printed"] = DatedField("printed", value, "印发", line_start + m.start("date"), line_start + m.end())
                break
    return sorted(found.values(), key=lambda d: d.start), sig_orgs


def _own_number(text: str, lines: list[tuple[int, int]], upto: int, fields: list[_Field]) -> DocNumber | None:
    for f in fields:
        if f.kind == "number":
            n = parse_doc_number(f.value, f.start)
            if n:
                return n
    for i, (a, b) in enumerate(lines[:upto]):
        a = _content(text, a, b)
        s = text[a:b]
        m = _ONLY_NUMBER.fullmatch(s)
        if m:
            hit = _NUMBER.search(s)
            n = _number_from_match(hit, a) if hit else None
            if n:
                return n
        seq = _SEQ_LINE.fullmatch(s)
        if seq and i > 0:  # 山西省人民政府令 / 第231号; 某省人民代表大会常务委员会公告 / (第四十七号)
            pa, pb = lines[i - 1]
            prev = text[_content(text, pa, pb) : pb]
            n = _cn_int(seq["seq"])
            if n and _head_org(prev):
                kind = "order_number" if prev.endswith("令") else "announcement_number"
                prefix = "国令" if _STATE_ORDER.match(prev) else prev
                return DocNumber(f"{prefix}第{n}号", prefix, None, n, a, b, text[pb - len(prev) : b], kind)
        lo, hi, glued = _core(s)
        if glued and _titleish(s[lo:hi]) and _title_end(s[lo:hi]):
            return DocNumber(glued.text, glued.prefix, glued.year, glued.seq, a + glued.start, a + glued.end,
                             glued.printed, glued.kind)
    return None


def _title_issuers(title: str | None, span: tuple[int, int] | None, text: str) -> list[tuple[str, int, int]]:
    """The organisations a title starts with: ``中共X委 X人民政府关于…``, ``X关于…的批复``."""
    if not title or "关于" not in title:
        return []
    who = title[: title.find("关于")].strip()
    if not who:
        return []
    at = text.find(who, *span) if span else -1
    if at < 0:
        # a title joined from lines: find each name on its own
        orgs = _orgs(who, 0)
        out = []
        lo = span[0] if span else 0
        for name, _, _ in orgs:
            j = text.find(name, lo)
            if j < 0:
                return [(n, -1, -1) for n, _, _ in orgs]
            out.append((name, j, j + len(name)))
            lo = j + len(name)
        return out
    return _orgs(who, at)


def _header_issuers(text: str, lines: list[tuple[int, int]], upto: int) -> list[tuple[str, int, int]]:
    """An order's or announcement's issuer (山西省人民政府令 → 山西省人民政府; 国务院令 → 国务院)."""
    for a, b in lines[:upto]:
        a = _content(text, a, b)
        s = text[a:b]
        m = _ORDER_HEAD.match(s) or _ANNOUNCE_HEAD.match(s)
        if not m or not _org_like(m["org"]):
            continue
        rest = s[m.end() :]
        if rest and not _SEQ_LINE.fullmatch(rest.strip()):
            continue
        org = m["org"]
        if org.startswith("中华人民共和国") and org != "中华人民共和国":
            a += len("中华人民共和国")
            org = org[len("中华人民共和国") :]
        found = _orgs(org, a)
        if found:
            return found
    return []


def _issuers(
    text: str, lines: list[tuple[int, int]], upto: int, title: str | None, title_span: tuple[int, int] | None,
    notice: _Notice | None, sig_orgs: list[tuple[str, int, int]], fields: list[_Field], given: str | None,
) -> list[tuple[str, int, int]]:
    """(name, start, end) of each issuer (see module docstring)."""

    def heuristics() -> list[tuple[str, int, int]]:
        if title:
            key = title_key(title)
            for m in _JOINT.finditer(text, 0, min(len(text), FRONT)):
                if title_key(m["t"]) != key:
                    continue
                lo = max(0, m.start() - 80)
                stops = list(_JOINT_STOP.finditer(text, lo, m.start()))
                start = stops[-1].end() if stops else lo
                who = re.sub(r"(?:联合|共同)$", "", text[start : m.start()])
                lead = _LEAD_WORDS.match(who)
                skip = lead.end() if lead else 0
                who = who[skip:]
                orgs = _orgs(who.strip(), start + skip + len(who) - len(who.lstrip()))
                if orgs:
                    return orgs
        if notice and notice.issuer:
            if notice.inner is not None:  # one line: the issuer is at its start
                orgs = _orgs(notice.issuer, notice.span[0] + notice.title.find(notice.issuer))
            else:
                at = text.find(notice.issuer, *notice.span) if notice.span else -1
                orgs = _orgs(notice.issuer, at) if at >= 0 else [(n, -1, -1) for n, _, _ in _orgs(notice.issuer, 0)]
            if orgs:
                return orgs
        if not notice:
            orgs = _title_issuers(title, title_span, text)
            if orgs:
                return orgs
        orgs = _header_issuers(text, lines, upto)
        if orgs:
            return orgs
        if sig_orgs:
            return sig_orgs
        return []

    found = heuristics()
    labelled: list[tuple[str, int, int]] = []
    if given:
        at = text.find(given)
        labelled = _orgs(given, at) if at >= 0 else [(n, -1, -1) for n, _, _ in _orgs(given, 0)]
        if not labelled:
            labelled = [(given, at, at + len(given))] if at >= 0 else [(given, -1, -1)]
    for f in fields:
        if labelled:
            break
        if f.kind == "issuer":
            labelled = _orgs(f.value, f.start)
    if labelled:
        names = [re.sub(r"\s+", "", n) for n, _, _ in found]
        if all(re.sub(r"\s+", "", n) in names for n, _, _ in labelled):
            return found
        return labelled
    if found:
        return found
    if title_span:  # an issuer line above a title that does not name them (会宁县教育局 会宁县财政局)
        before = [ln for ln in lines[:upto] if ln[1] <= title_span[0]]
        if before:
            a, b = before[-1]
            if text[b : title_span[0]].count("\n") <= 2:
                orgs = _orgs(text[a:b], a)
                if orgs:
                    return orgs
    for f in fields:
        if f.kind == "source":
            orgs = _orgs(f.value, f.start)
            if orgs:
                return orgs
    return []


def _region(
    text: str, issuers: list[str], title: str | None, notice: str | None, number: DocNumber | None
) -> Region | None:
    r = regions.find_region(issuers, text) if issuers else None
    if r is not None:
        return r
    if issuers and all(_national(n) for n in issuers):
        return regions.NATIONAL
    heads = [t for t in (notice, title) if t]
    for t in heads:
        ms = regions.mentions(t)
        if ms and ms[0][0] == 0:
            r = regions.find_region([t], text)
            if r is not None:
                return r
        if not issuers and _national(re.split(r"关于", t)[0] or t) and "关于" in t:
            return regions.NATIONAL
    if number is not None and not issuers:
        if _NATIONAL_NUMBER.match(number.prefix):
            return regions.NATIONAL
        code = _PROVINCE_ABBR.get(number.prefix[:1])
        if code:
            prov = regions.by_code(code)
            short = regions.short_name(prov.name) if prov else None
            if prov and short and short in text[:FRONT]:
                return prov
    return None


def _front(text: str, lines: list[tuple[int, int]]) -> int:
    """How many lines the front matter has: up to the salutation or the first heading
    (at most ``FRONT_LINES``), counting on past a 关于印发 notice's own body."""
    n = 0
    for n, (a, b) in enumerate(lines[:FRONT_LINES]):
        if a >= FRONT:
            return n
        if _body_start(text[_content(text, a, b) : b]):
            return n
    return min(len(lines), FRONT_LINES)


def extract_metadata(text: str, page: PageFields | Mapping[str, str | None] | None = None) -> Metadata:
    """All metadata of one normalised plan page; never raises.

    ``page`` is what the page reader found (:class:`PageFields`); its title, 文号, issuer and
    dates are kept, and the text only fills what it leaves missing."""
    if not isinstance(text, str):
        text = ""
    given = _given(page)
    all_lines = _safe(_lines, [], text)
    lines = [ln for ln in all_lines if ln[0] < FRONT]
    fields = _safe(_fields, [], text)
    upto = _safe(_front, 0, text, lines)
    front_end = lines[upto][0] if upto < len(lines) else len(text)
    # The title and issuer labels of the page's head (a 名称:/来源: deep in the body is something else's).
    head_fields = [f for f in fields if f.start < max(front_end, HEAD_CHARS)]

    given_title = _clean_given(given.title) or next(
        (_clean_given(f.value) for f in head_fields if f.kind == "title" and _clean_given(f.value)), None)
    notice = _safe(_notice, None, text, lines, len(lines))
    if given_title:
        # the title the page states is kept: a 关于印发X的通知 is the notice of X
        m = _parse_notice(given_title)
        if m:
            if notice is None or title_key(notice.title) != title_key(given_title):
                notice = _Notice(given_title, _find_line(text, lines, given_title), m["issuer"].strip(), None)
            given_title = None
    title_hit = _safe(_title, None, text, lines, upto, notice, given_title)
    title, title_span = title_hit if title_hit else (None, None)
    notice_span = notice.span if notice else None

    dates, sig_orgs = _safe(_dates, ([], []), text, all_lines, fields, front_end)
    dates = _given_dates(dates, given)
    number = _safe(_own_number, None, text, lines, upto, fields)
    if number is None and notice_span and notice:
        m = _AFTER_NOTICE.match(text, notice_span[1])
        number = _number_from_match(m) if m else None
    kept = parse_doc_number(given.doc_number) if given.doc_number else None
    if kept is not None and (number is None or number.text != kept.text):
        at = text.find(kept.printed or "\0")
        number = DocNumber(kept.text, kept.prefix, kept.year, kept.seq, at, at + len(kept.printed or "") if at >= 0 else -1,
                           kept.printed, kept.kind)
    issuers = _safe(_issuers, [], text, lines, upto, title, title_span, notice, sig_orgs, head_fields, given.issuer)
    # the organ, not its term: 某省第十二届人民代表大会常务委员会 is 某省人民代表大会常务委员会
    names = list(dict.fromkeys(_TERM.sub("", n) for n, _, _ in issuers))
    region = _safe(_region, None, text, names, title, notice.title if notice else None, number)
    own = tuple(t for t in (title, notice.title if notice else None) if t)
    citations: tuple[Citation, ...] = _safe(find_citations, (), text, own)
    m = _safe(_INDEX_NO.search, None, text)
    return Metadata(
        title=title,
        notice_title=notice.title if notice else None,
        doc_number=number,
        issuers=tuple(names),
        dates=tuple(dates),
        region=region,
        citations=citations,
        index_no=m["v"] if m else None,
        title_span=title_span,
        notice_title_span=notice_span,
        issuer_spans=tuple((a, b) for _, a, b in issuers),
    )


def _given(page: PageFields | Mapping[str, str | None] | None) -> PageFields:
    if page is None:
        return PageFields()
    if isinstance(page, PageFields):
        return page
    return PageFields(**{k: page.get(k) for k in PageFields._fields})


def _given_dates(dates: list[DatedField], given: PageFields) -> list[DatedField]:
    """The page reader's signing and publication dates replace what the text gave for those kinds."""
    out = {d.kind: d for d in dates}
    for kind, value in (("signed", given.signed_date), ("published", given.published_date)):
        if value and (kind not in out or not out[kind].value.startswith(value[:10])):
            out[kind] = DatedField(kind, value, "页面", -1, -1)
    return sorted(out.values(), key=lambda d: (d.start < 0, d.start))
