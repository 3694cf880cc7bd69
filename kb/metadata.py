"""Document metadata of a plan page: title, notice, 文号, issuers, dates, region, citations.

:func:`extract_metadata` reads the *normalised* text (``kb.normalise``) with
regular expressions only, and every fact keeps character offsets into that
text.  The rules are written for the genre of Chinese government pages:

* **Notice** (``notice_title``): a ``[issuer]关于印发X的通知`` line — the
  page-title line when complete, else rejoined from up to four lines.
* **Title**: the X of the notice, or the 《X》 the notice text hands out
  (现将《X》印发 / 《X》业经… / 印发《X》并 / 《X》全文如下), located as a
  stand-alone heading (possibly split over lines, possibly behind a tag such
  as ``(受权发布)``); without either, the first heading-like line(s) ending in
  a genre word (方案, 规划, 意见 …).
* **文号**: a ``文号:``/``发文字号:`` field, else a line of the front matter
  that *starts* with a 文号; cited numbers ``《…》(文号)`` are never the
  document's own.
* **Issuers**: ``A、B印发《title》`` > ``A关于印发…`` > signature lines above
  the date line > ``发布机构:`` > ``来源:``; joint issuers are kept apart.
* **Dates** (:class:`~kb.models.DatedField`, one per kind): ``signed``
  (成文日期 field or the date line under the signature, Arabic or Chinese
  numerals), ``published`` (发布时间/发布日期/发文日期/时间 …, time kept),
  ``generated`` (公文生成日期), ``printed`` (…年…月…日印发 / 印发日期).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple, TypeVar

from . import regions
from .citations import DOC_NUMBER, doc_number, find_citations, title_key
from .models import Citation, DatedField, DocNumber, Metadata, Region

__all__ = ["extract_metadata", "parse_date"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_CJK = "\u4e00-\u9fff"
_SP = r"[ \t\u3000]"
FRONT = 20000  # characters searched for the notice, title, own 文号 and signature

# --- dates ---------------------------------------------------------------------------------

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "0": 0, "两": 2}
_CN_Y = "[〇零○O0一二三四五六七八九]"
_CN_MD = "[一二三四五六七八九十廿卅]{1,3}"
_ARABIC = rf"(?:19|20)\d{{2}}{_SP}*年{_SP}*\d{{1,2}}{_SP}*月{_SP}*\d{{1,2}}{_SP}*日"
_CHINESE = rf"{_CN_Y}{{4}}年{_CN_MD}月{_CN_MD}日"
_DATE_WORDS = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|{_CN_Y}{{4}}){_SP}*年{_SP}*(?P<m>\d{{1,2}}|{_CN_MD}){_SP}*月{_SP}*(?P<d>\d{{1,2}}|{_CN_MD}){_SP}*日"
)
_NUM_DATE = (
    rf"(?P<y>(?:19|20)\d{{2}}){_SP}*(?:年|[-/.]){_SP}*(?P<m>\d{{1,2}}){_SP}*(?:月|[-/.]){_SP}*(?P<d>\d{{1,2}})"
    rf"(?:{_SP}*日)?(?:{_SP}*(?P<H>\d{{1,2}}):(?P<M>\d{{2}})(?::(?P<S>\d{{2}}))?)?"
)


def _spaced(word: str) -> str:
    return f"{_SP}*".join(map(re.escape, word))


_LABEL_KIND = {
    "成文日期": "signed", "成文时间": "signed", "签发日期": "signed", "签署日期": "signed",
    "公文生成日期": "generated", "生成日期": "generated", "印发日期": "printed",
    "发布时间": "published", "发布日期": "published", "发文日期": "published", "发表时间": "published",
    "公开日期": "published", "公开时间": "published", "上网时间": "published", "上网日期": "published",
    "时间": "published", "日期": "published",
}  # fmt: skip
_FIELD_DATE = re.compile(
    "(?P<label>"
    + "|".join(_spaced(w) for w in sorted(_LABEL_KIND, key=len, reverse=True) if len(w) > 2)
    + rf"|(?<![{_CJK}])(?:时间|日期))(?:[(][^)\n]{{0,6}}[)])?{_SP}*[::]{_SP}*"
    + _NUM_DATE
)
_PRINTED = re.compile(rf"(?P<date>{_ARABIC}|{_CHINESE}){_SP}*印发$")
_PRINTED_HINT = re.compile(rf"(?m)日{_SP}*印发{_SP}*$")
_FIELD_HINT = re.compile(rf"[期间](?:[(][^)\n]{{0,6}}[)])?{_SP}*[::]")
_DATE_LINE = re.compile(rf"(?:(?P<org>.+?){_SP}+)?(?P<date>{_ARABIC}|{_CHINESE})")


def _cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21, 廿三 → 23, 12 → 12."""
    if s.isdigit():
        return int(s)
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return _CN_DIGIT.get(s, -1)


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


# --- lines, organisations, titles ------------------------------------------------------------

_ORG = re.compile(
    rf"(?:中共)?[{_CJK}()]{{1,40}}?(?:办公室|办公厅|人民政府|政府|委员会|局|厅|委|办|院|会|中心|部|处|署|社|所|站)"
)
_NOT_ORG = ("各", "有关", "市有关", "县有关", "区有关", "抄送", "附件", "主送", "此件", "印发", "关于")
_GENRE = r"(?:方案|规划|计划|意见|办法|细则|纲要|措施|规定|要点|决定|指南|标准|条例|指引|通知|若干政策)"
_QUAL = rf"(?:\((?:\d{{4}}{_SP}*[—\-–~至－]+{_SP}*\d{{4}}{_SP}*年?|\d{{4}}{_SP}*年|试行|暂行|修订|修订稿|征求意见稿|草案|送审稿)\))"
_TITLE_END = re.compile(rf"{_GENRE}{_QUAL}?$")
_QUAL_LINE = re.compile(rf"{_QUAL}$")
_TAG = re.compile(r"^(?:\([^()\n]{1,8}\)|【[^】\n]{1,8}】|\[[^\]\n]{1,8}\])")
_NOT_TITLE = re.compile(rf"[。;:!?>|»/\\]|^[《各(]|^[一二三四五六七八九十]+、|^\d+[.、]|^附件|{DOC_NUMBER}")
_HEADING1 = re.compile(r"^[一二三四五六七八九十]+、")
_NOTICE = re.compile(
    r"(?P<issuer>[^《》。;:,\n]*?)(?P<verb>关于(?:印发|转发|下发|批转|公布|发布)|(?<!关于)(?:印发|转发))"
    r"(?P<inner>[^。\n]+?)的通知"
)
_NOTICE_TAIL = re.compile(rf"$|{_SP}*[_|]")
_SELF_REF = re.compile(
    r"(?:现将|现予|特将|印发了?|制定了?|出台了?)《(?P<a>[^《》\n]{4,150})》(?:印发|并|,|。|全文)"
    r"|《(?P<b>[^《》\n]{4,150})》(?:业经|已经|经|全文如下|现印发|印发给)"
)
_JOINT = re.compile(r"印发了?《(?P<t>[^《》\n]{2,150})》")
_JOINT_STOP = re.compile(r"[,。;:!?\n《》]")
_LEAD_WORDS = re.compile(r"^(?:近日|近期|日前|最近|今天|今日|目前|近来|此前|日前,)+")
_SPLIT_ORGS = re.compile(rf"{_SP}+|[、,]|(?<=办公室)(?=[{_CJK}]{{4}})|(?<=办公厅)(?=[{_CJK}]{{4}})")
_FIELD_ORG = re.compile(rf"(?P<label>发布机构|发文机关|发文单位|成文机关|来{_SP}*源|信息来源){_SP}*[::]{_SP}*(?P<v>[^\s:]+)")
_FIELD_NO = re.compile(rf"(?:发文字号|文{_SP}*号){_SP}*[::]\s*" + DOC_NUMBER)
_LINE_NO = re.compile(rf"(?m)^{_SP}*" + DOC_NUMBER + rf"(?={_SP}|$)")
_NOTICE_NO = re.compile(rf"的通知{_SP}*\({_SP}*" + DOC_NUMBER + r"[ \t]*\)")
_INDEX_NO = re.compile(rf"索{_SP}*引{_SP}*号{_SP}*[::]{_SP}*(?P<v>[0-9A-Za-z][0-9A-Za-z\-_/.]*)")


def _org_like(s: str) -> bool:
    return 3 <= len(s) <= 45 and not s.startswith(_NOT_ORG) and _ORG.fullmatch(s) is not None


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


def _windows(text: str, lines: list[tuple[int, int]], i: int, size: int) -> list[tuple[int, int, str]]:
    """Joined text of lines i..i+k (k < size) while lines follow with at most one blank line."""
    out = []
    parts = []
    for k in range(i, min(len(lines), i + size)):
        if k > i and text[lines[k - 1][1] : lines[k][0]].count("\n") > 2:
            break
        parts.append(text[lines[k][0] : lines[k][1]])
        out.append((lines[i][0], lines[k][1], "".join(parts)))
    return out


def _orgs(who: str, start: int) -> list[tuple[str, int, int]]:
    """Issuers 'A' / 'A、B' / 'A B' / 'A办公室B办公室' at ``start`` → [(name, start, end)], or []."""
    cuts = [0] + [x for m in _SPLIT_ORGS.finditer(who) for x in m.span()] + [len(who)]
    parts = [(who[a:b], start + a, start + b) for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
    return parts if parts and all(_org_like(n) for n, _, _ in parts) else []


# --- the extractor -------------------------------------------------------------------------------


def _safe(fn: Callable[..., T], default: T, *args: object) -> T:
    try:
        return fn(*args)
    except Exception:  # a malformed page must never stop the pipeline
        log.exception("metadata: %s failed", getattr(fn, "__name__", fn))
        return default


class _Notice(NamedTuple):
    title: str  # rejoined when split over lines
    span: tuple[int, int]
    issuer: str  # the words before 关于印发, '' when none
    inner: tuple[int, int] | None  # offsets of X in 关于印发X的通知 (one-line hits only)


def _notice(text: str, lines: list[tuple[int, int]]) -> _Notice | None:
    """The 关于印发…的通知 title: a complete line first, else rejoined from 2–4 lines."""

    def parse(s: str) -> re.Match[str] | None:
        m = _NOTICE.match(s)
        if not m or not _NOTICE_TAIL.match(s, m.end()):
            return None
        who = m["issuer"].strip()
        if who and not _orgs(who, 0):
            return None
        if not who and not m["verb"].startswith("关于"):
            return None
        return m

    for a, b in lines:
        m = parse(text[a:b])
        if m:
            return _Notice(m.group(), (a, a + m.end()), m["issuer"].strip(), (a + m.start("inner"), a + m.end("inner")))
    for i, (a, b) in enumerate(lines):
        if not re.search("关于|印发|转发", text[a:b]):
            continue
        starts = [i - 1, i] if i > 0 and _org_like(text[lines[i - 1][0] : lines[i - 1][1]]) else [i]
        for s in starts:
            for wa, wb, joined in _windows(text, lines, s, 4)[1:]:
                m = parse(joined)
                if m and m.end() == len(joined):
                    return _Notice(joined, (wa, wb), m["issuer"].strip(), None)
    return None


def _standalone(text: str, lines: list[tuple[int, int]], want: str, skip: tuple[int, int] | None) -> tuple[int, int] | None:
    """Span of the line(s) whose joined text (a leading tag stripped) equals ``want``."""
    key = re.sub(r"\s+", "", want)
    if not key:
        return None
    for i, (a, b) in enumerate(lines):
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


def _heuristic_title(text: str, lines: list[tuple[int, int]]) -> tuple[str, tuple[int, int]] | None:
    """First heading-like line(s) ending in a genre word, before the first 一、 heading.

    A title may run over up to four lines; a following line that is only a
    qualifier such as ``(2023—2025年)`` is joined to it.
    """
    for i, (a, _) in enumerate(lines):
        if _HEADING1.match(text[a : lines[i][1]]):
            return None
        tag = _TAG.match(text[a : lines[i][1]])
        off = tag.end() if tag else 0
        wins = _windows(text, lines, i, 5)
        for k, (_, wb, joined) in enumerate(wins):
            line = text[lines[i + k][0] + (off if k == 0 else 0) : lines[i + k][1]]
            body = joined[off:]
            if len(body) > 120 or _NOT_TITLE.search(line) or _org_like(line) or re.search("[,、]$", line):
                break
            if len(body) >= 6 and _TITLE_END.search(body):
                if re.search("关于(?:印发|转发)", body):
                    break
                if k + 1 < len(wins) and not _QUAL_LINE.search(body):
                    extra = text[lines[i + k + 1][0] : lines[i + k + 1][1]]
                    if _QUAL_LINE.fullmatch(extra):
                        return body + extra, (a + off, lines[i + k + 1][1])
                return body, (a + off, wb)
    return None


def _title(text: str, lines: list[tuple[int, int]], notice: _Notice | None) -> tuple[str, tuple[int, int] | None] | None:
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
    for m in _SELF_REF.finditer(text, 0, min(len(text), FRONT)):
        g = "a" if m["a"] else "b"
        cands.append((m[g], (m.start(g), m.end(g))))
    for want, _ in cands:
        span = _standalone(text, lines, want, notice.span if notice else None)
        if span:
            return want, span
    if cands:
        want, span = cands[0]
        return want, span or (notice.span if notice else None)
    return _heuristic_title(text, lines)


def _signature(text: str, lines: list[tuple[int, int]]) -> tuple[DatedField, list[tuple[str, int, int]]] | None:
    """The first date line with an organisation on it or on the lines just above."""
    for i, (a, b) in enumerate(lines):
        s = text[a:b]
        if len(s) > 60 or "日" not in s:
            continue
        m = _DATE_LINE.fullmatch(s)
        if not m:
            continue
        value = _date_words(m["date"])
        if value is None:
            continue
        orgs: list[tuple[str, int, int]] = []
        if m["org"]:
            orgs = _orgs(m["org"].strip(), a + m.start("org"))
            if not orgs:
                continue
        else:
            k = i - 1
            while k >= 0 and i - k <= 3:
                la, lb = lines[k]
                if text[lb : lines[k + 1][0]].count("\n") > 2:
                    break
                found = _orgs(text[la:lb], la)
                if not found:
                    break
                orgs = found + orgs
                k -= 1
            if not orgs:
                continue
        field = DatedField("signed", value, "落款", a + m.start("date"), a + m.end("date"))
        return field, orgs
    return None


def _dates(text: str, lines: list[tuple[int, int]]) -> tuple[list[DatedField], list[tuple[str, int, int]]]:
    found: dict[str, DatedField] = {}
    for hint in _FIELD_HINT.finditer(text):
        m = _FIELD_DATE.search(text, max(0, hint.start() - 12), hint.end() + 40)
        if not m or m.end("label") > hint.end():
            continue
        label = re.sub(r"\s+", "", m["label"])
        kind = _LABEL_KIND.get(label)
        value = parse_date(m["y"], m["m"], m["d"], m["H"], m["M"], m["S"])
        if kind and value and kind not in found:
            found[kind] = DatedField(kind, value, label, m.start("y"), m.end())
    sig = _signature(text, lines)
    sig_orgs: list[tuple[str, int, int]] = []
    if sig:
        sig_orgs = sig[1]
        found.setdefault("signed", sig[0])
    if "printed" not in found:
        for hint in _PRINTED_HINT.finditer(text):
            line_start = text.rfind("\n", 0, hint.start()) + 1
            m = _PRINTED.search(text[line_start : hint.end()].rstrip())
            value = _date_words(m["date"]) if m else None
            if m and value:
                found["printed"] = DatedField("printed", value, "印发", line_start + m.start("date"), line_start + m.end())
                break
    return sorted(found.values(), key=lambda d: d.start), sig_orgs


def _own_number(text: str, front_end: int) -> DocNumber | None:
    m = _FIELD_NO.search(text)
    if m:
        return doc_number(m)
    m = _LINE_NO.search(text, 0, max(0, front_end))
    if m:
        return doc_number(m)
    m = _NOTICE_NO.search(text, 0, min(len(text), FRONT))
    return doc_number(m) if m else None


def _issuers(
    text: str, title: str | None, notice: _Notice | None, sig_orgs: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """(name, start, end) of each issuer, from the first source that names any."""
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
            at = text.find(notice.issuer, *notice.span)
            orgs = _orgs(notice.issuer, at) if at >= 0 else []
        if orgs:
            return orgs
    if sig_orgs:
        return sig_orgs
    for label in ("发布机构", "发文机关", "发文单位", "成文机关", "来源", "信息来源"):
        for m in _FIELD_ORG.finditer(text):
            if re.sub(r"\s+", "", m["label"]) == label and _org_like(m["v"]):
                return _orgs(m["v"], m.start("v")) or [(m["v"], m.start("v"), m.end("v"))]
    return []


def _region(text: str, issuers: list[str], title: str | None, notice: str | None) -> Region | None:
    r = regions.find_region(issuers, text) if issuers else None
    if r is None:
        heads = [t for t in (title, notice) if t and (ms := regions.mentions(t)) and ms[0][0] == 0]
        r = regions.find_region(heads, text) if heads else None
    return r


def extract_metadata(text: str) -> Metadata:
    """All metadata of one normalised plan page; never raises."""
    if not isinstance(text, str):
        text = ""
    all_lines = _safe(_lines, [], text)
    lines = [ln for ln in all_lines if ln[0] < FRONT]
    notice = _safe(_notice, None, text, lines)
    title_hit = _safe(_title, None, text, lines, notice)
    title, title_span = title_hit if title_hit else (None, None)
    dates, sig_orgs = _safe(_dates, ([], []), text, all_lines)
    # The own 文号 stands in the front matter, before the plan's heading (when it has one).
    heading = title_span is not None and title_span[0] > 0 and (notice is None or title_span[0] >= notice.span[1])
    front_end = title_span[0] if heading and title_span else min(len(text), FRONT)
    number = _safe(_own_number, None, text, front_end)
    issuers = _safe(_issuers, [], text, title, notice, sig_orgs)
    names = [n for n, _, _ in issuers]
    region = _safe(_region, None, text, names, title, notice.title if notice else None)
    citations: tuple[Citation, ...] = _safe(find_citations, (), text, (title,) if title else ())
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
        notice_title_span=notice.span if notice else None,
        issuer_spans=tuple((a, b) for _, a, b in issuers),
    )
