"""Numbers as written in Chinese plans: Arabic, Chinese numerals, 万/亿, ratios, Roman.

:func:`parse_number` reads one numeral span that a caller's regular
expression has already matched ("3万", "11200万元", "4.5", "百分之八十五",
"两千", "二〇二五", "III").  cn2an is used only on the Chinese-numeral part
of such a span — never on running text (``cn2an.transform`` rewrites names
such as 三名工作室 and 九年义务教育).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Sequence

import cn2an

from . import lexicon as L

__all__ = ["parse_number", "parse_ratio", "fraction_percent", "roman_to_int", "CN_DIGITS", "MULTIPLIERS", "chinese_year",
           "Mention", "find_values", "group_values", "glued", "window_after_item_number"]

#: characters of a Chinese numeral
CN_DIGITS = "零〇○一二两三四五六七八九十百千万亿点"

#: written multiplier → factor
MULTIPLIERS = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "十万": 100_000, "百万": 1_000_000,
               "千万": 10_000_000, "亿": 100_000_000, "万亿": 10 ** 12}

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
          "XI": 11, "XII": 12}

_ARABIC = re.compile(r"^([+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(.*)$")
_CN = re.compile(rf"^([{CN_DIGITS}]+)(.*)$")
_MULT_TAIL = re.compile(r"^(万亿|千万|百万|十万|万|亿|千|百)")
_YEAR_DIGITS = str.maketrans({"〇": "0", "零": "0", "○": "0", "O": "0", "一": "1", "二": "2", "三": "3",
                              "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"})


def _finite(x: float | None) -> float | None:
    """``x`` when it is a finite number of sane size, else None."""
    if x is None or not math.isfinite(x) or abs(x) > 1e16:
        return None
    return float(x)


def roman_to_int(words: str) -> int | None:
    """III → 3 (I–XII, as used for 学业水平 levels); anything else → None."""
    return _ROMAN.get(unicodedata.normalize("NFKC", words or "").strip().upper())


def chinese_year(words: str) -> int | None:
    """A year written digit by digit in Chinese numerals: 二〇二五 → 2025."""
    s = (words or "").strip()
    if len(s) != 4:
        return None
    digits = s.translate(_YEAR_DIGITS)
    return int(digits) if digits.isdigit() else None


def _cn_value(part: str) -> float | None:
    """A Chinese numeral (already isolated) through cn2an's smart mode."""
    if not part or part == "点" or part.startswith("点") or part.endswith("点"):
        return None
    year = chinese_year(part)
    if year is not None and "十" not in part and "百" not in part and "千" not in part:
        return float(year)
    try:
        value = cn2an.cn2an(part, "smart")
    except Exception:  # cn2an raises ValueError and friends on malformed numerals
        return None
    try:
        return _finite(float(value))
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=8192)  # the same numerals recur across a plan and a corpus
def parse_number(words: str) -> float | None:
    """The value of one numeral span, with 万/亿 multipliers applied.

    ``"3万"`` → 30000, ``"11200万元"`` → 112000000, ``"4.5"`` → 4.5,
    ``"百分之八十五"`` → 85, ``"两千"`` → 2000, ``"二〇二五"`` → 2025,
    ``"III"`` → 3.  Trailing unit words after the numeral and its multiplier
    are ignored ("3万个" → 30000).  Returns None when no number can be read;
    never raises.
    """
    if not isinstance(words, str):
        return None
    s = unicodedata.normalize("NFKC", words).strip().replace(" ", "")
    if not s:
        return None
    if s.startswith("百分之"):
        s = s[3:]
        if s == "百":  # 百分之百: one hundred per cent
            s = "一百"
    roman = roman_to_int(re.sub(r"级.*$", "", s))
    if roman is not None:
        return float(roman)
    m = _ARABIC.match(s)
    if m:
        try:
            exact = Decimal(m.group(1).replace(",", ""))
        except (InvalidOperation, ValueError):
            return None
        rest = m.group(2)
        mm = _MULT_TAIL.match(rest)
        if mm:  # decimal arithmetic: 3.03万 is 30300, never 30299.999999999996
            exact *= MULTIPLIERS[mm.group(1)]
        return _finite(float(exact))
    if s[:1] in ("百", "千"):  # 不少于百名, 千人: a bare 百/千 is one hundred / one thousand
        s = "一" + s
    m = _CN.match(s)
    if m:
        return _cn_value(m.group(1))
    return None


def scale(value: float, factor: int) -> float:
    """``value * factor`` in decimal arithmetic (1.25亿元 → 125000000, 3.03万元 → 30300)."""
    try:
        return float(Decimal(repr(value)) * factor)
    except (InvalidOperation, ValueError):
        return value * factor


def fraction_percent(words: str) -> float | None:
    """A fraction word as a percentage: 三分之二 → 66.67, 一半 → 50, 四分之一 → 25; else None."""
    s = (words or "").strip()
    if s == "一半":
        return 50.0
    tenth = re.fullmatch(r"([一二三四五六七八九])成", s)  # 不低于七成 → 70 %
    if tenth:
        return float(_cn_value(tenth.group(1)) * 10)
    m = re.fullmatch(r"([一二两三四五六七八九十])分之([一二三四五六七八九])", s)
    if m is None:
        return None
    den, num = _cn_value(m.group(1)), _cn_value(m.group(2))
    if not den or num is None or num >= den:
        return None
    return round(num / den * 100, 2)


def parse_ratio(words: str) -> tuple[float, float] | None:
    """``"1:16"`` → (1.0, 16.0); ratios of three or more terms (5:3:2 cost shares) → None."""
    if not isinstance(words, str):
        return None
    parts = re.split(r"\s*[::]\s*", unicodedata.normalize("NFKC", words).strip())
    if len(parts) != 2:
        return None
    a, b = parse_number(parts[0]), parse_number(parts[1])
    if a is None or b is None:
        return None
    return (a, b)


# --------------------------------------------------------------------------
# Values with their units in running text
# --------------------------------------------------------------------------

#: 1,350 and 1 350 (a space between groups of three, as some pages print thousands) read as one number
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u2009]\d{3})+(?![\d.])|\d+)(?:\.\d+)?"
_VALUE = re.compile(
    # every alternative starts with one of these characters: the lookahead lets the scan skip all other
    # positions at once instead of trying each alternative there (same matches, ~8x faster)
    r"(?=[\d百IVX一二两三四五六七八九十至不超达最举开组观参新改扩创打])(?:"
    rf"(?P<ratio>(?<![\d.]){_NUM}\s*[::]\s*{_NUM}(?:\s*[::]\s*{_NUM})*)(?![\d:])"
    r"|(?P<pct>百分之(?:[零〇一二两三四五六七八九十百点]+|\d+(?:\.\d+)?))"
    rf"|(?P<num>(?<![\d.A-Za-z])(?<!\d,){_NUM})(?![\d])(?P<mult>\s*(?:万亿|千万|百万|十万|万|亿))?"
    r"|(?P<roman>(?<![A-Za-z])(?:VIII|VII|VI|IV|IX|XII|XI|X|V|III|II|I)(?=\s*级))"
    # fraction words: 三分之二以上的乡镇, 超过一半, 达到一半以上 (一半 only beside a comparator)
    r"|(?P<frac>(?<![百千万\d])[一二两三四五六七八九十]分之[一二三四五六七八九](?![十百千])"
    r"|(?<=[过到足于])一半|一半(?=\s*(?:以上|以下|左右))"
    r"|(?<=[过到足于])[一二三四五六七八九]成(?![为功长员立绩果型熟])|[一二三四五六七八九]成(?=\s*(?:以上|以下|左右)))"
    r"|(?:至少|不少于|不低于|不超过|不多于|超过|达到|最少|最多|举办|开展|组织|观看|参加|新建|改扩建|扩建|新增|创建|打造)(?:办好|办|建成|建有|有|建设|建|设|配备|开设|组建|举办|开展|观看|培养)?"
    r"\s*(?P<cn>[一二两三四五六七八九十百千]+)(?=\s*(?:个|所|间|名|人|次|项|门|种|家|座|套|节|课时|学时|小时|天|批|支|处|场|年(?![级度底初末前后内])))"
    # 新建学校三所、改扩建学校七所: a count of schools written in words right after the school noun
    r"|(?:(?<=学校)|(?<=中学)|(?<=小学)|(?<=幼儿园))(?P<cnschool>[一二两三四五六七八九十]{1,3})(?=\s*所\s*(?:[、,,;;。]|$))"
    # 建成陶瓷艺术、体育两个特色课程基地: a count in words right after the list it counts (checked in find_values)
    r"|(?<=[\u4e00-\u9fff])(?P<cnlist>[两二三四五六七八九])(?=\s*(?:个|项|所|类|支|门))"
    r")"
)
_NOT_YEARS_LENGTH = re.compile(r"级|度|底|初|末|前|后|以来|起|内|秋季|春季|[上下]半年|\d")
_DAYS_CUE = re.compile(r"(?:不少于|不低于|至少|不超过|最长|保存|保留)\s*$")
_BUILD_VERBS = ("新建", "改扩建", "扩建", "新增", "创建", "打造")
#: the list a cnlist numeral counts: items joined by 、/和, back to the verb or clause start before it
_COUNTED_LIST = re.compile(r"(?:建成|打造|创建|建设|培育|开设|设立|组建|新建|改扩建|实施|开展|推进)([^,,;;。:]{2,60})$")
_UNIT = re.compile(r"\s*(" + "|".join(sorted(map(re.escape, L.UNITS), key=len, reverse=True)) + ")")
# 2万余个, 300多人: 余/多 right after a number and before a unit means "at least"
_APPROX = re.compile(r"[余多](?=\s*(?:" + "|".join(map(re.escape, L.UNITS)) + "))")
_RANGE = re.compile(rf"\s*[至到\-—–~～]\s*{_NUM}(?![\d])")
_SUFFIX = re.compile(r"\s*(" + "|".join(sorted(L.SUFFIX_CUES, key=len, reverse=True)) + ")")


@dataclass
class Mention:
    """One value as written: where, the number, its unit, raw words and suffix (以上 …)."""

    start: int
    end: int  # after the unit and suffix
    raw: str
    value: float | tuple[float, float] | None
    unit: str | None
    raw_unit: str | None = None
    suffix: str | None = None
    flags: list[str] = field(default_factory=list)
    cmp: str | None = None  # set by the value itself (a range's lower bound: >=)


def _normal_unit(unit: str | None, per: str | None) -> str | None:
    u = L.UNIT_NORMAL.get(unit, unit) if unit else unit
    if u and per:
        return f"{u}/{per}"
    return u


# --------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------

def glued(text: str, start: int) -> bool:
    """Whether an item number's dot stands right before ``start`` (2.70%…, 2.2026年…): read from there, the
    lookbehinds of the value and year patterns would take the number for the decimals of the item number."""
    return 1 < start <= len(text) and text[start - 1] in ".．" and text[start - 2].isdigit()


def window_after_item_number(text: str, s: int, e: int) -> tuple[str, int]:
    """(a copy of ``text[s:e]`` with a blank where the item number's dot was, plus a little context after it;
    the offset to add to its positions): the pattern scans see no item number, and only the line is copied."""
    return " " + text[s:min(len(text), e + 64)], s - 1


def find_values(text: str, s: int, e: int, masked: Sequence[tuple[int, int]]) -> list[Mention]:
    """Every value with its unit in ``text[s:e]``, skipping masked ranges, dates, ages and codes.

    A range "1至2项" / "1—2个" / "1-3项" becomes one mention: its lower bound
    with comparator >= and flag ``range``; a range of years or ages gives none.
    """
    if glued(text, s):  # 2.70%以上的学校…: the caller skipped item 2.; read the line on its own
        window, base = window_after_item_number(text, s, e)
        found = find_values(window, 1, e - base, [(a - base, b - base) for a, b in masked if b > base])
        for m in found:
            m.start, m.end = m.start + base, m.end + base
        return found
    out: list[Mention] = []
    skip = -1
    for m in _VALUE.finditer(text, s, e):
        kind = m.lastgroup if m.lastgroup != "mult" else "num"
        vs = m.start(kind)
        if kind == "cnlist":  # only when the numeral equals the number of items listed before it
            lm = _COUNTED_LIST.search(text, max(s, vs - 64), vs)
            items = re.split(r"、|和|及|与", lm.group(1)) if lm else []
            cs = max(text.rfind(ch, s, vs) for ch in ",,;;。") + 1
            if len(items) < 2 or len(items) != parse_number(m.group("cnlist")) or out and out[-1].end > cs:
                continue  # (三分之二以上的初中建成理化生、科创两类实验室: the list names what the share reaches)
        if kind == "cn" and m.group("cn") == "一" and m.group().startswith(_BUILD_VERBS):
            continue  # 对新增一个普惠性幼儿班的: "one" after a building verb is "each", a condition
        kind = "cn" if kind in ("cnschool", "cnlist") else kind
        # 13.5年: a decimal number of years (受教育年限) is a length, never a calendar year
        years = kind == "num" and "." in text[vs:m.end()] and text.startswith("年", m.end()) \
            and not text.startswith(("年级", "年度"), m.end())
        # 连续任教不少于3年, 交流期限不少于一年: a few years after a comparator are a length, never a year
        years = years or kind in ("num", "cn") and text.startswith("年", m.end()) \
            and not _NOT_YEARS_LENGTH.match(text, m.end() + 1) and _DAYS_CUE.search(text, max(s, vs - 4), vs) is not None \
            and (parse_number(text[vs:m.end()]) or 99) <= 30
        # 保存时间不少于30日: a number of days after a comparator is a length, never a day of the month
        days = kind == "num" and text.startswith("日", m.end()) and _DAYS_CUE.search(text, max(s, vs - 4), vs) is not None
        if vs < skip or L.inside(vs, masked) or (kind != "cn" and not years and not days
                                                 and L.NOT_UNIT.match(text, m.end())):
            continue
        if text[max(s, vs - 1):vs] in ("+", "-", "—", "–", "~", "～", "/") or text[m.end():m.end() + 1] in ("+", "/"):
            continue  # 1+1+9, 1/3: codes and fractions
        raw, end, flags = text[vs:m.end()], m.end(), []
        unit = raw_unit = cmp = None
        value: float | tuple[float, float] | None
        if kind == "ratio":
            value = parse_ratio(raw)
            if value is None:  # 5:3:2 is a cost share, never a target
                continue
            unit = "ratio"
        elif kind == "frac":
            value, unit = fraction_percent(raw), "%"
            flags.append("fraction_words")
        elif kind == "roman":
            value, unit = float(roman_to_int(raw) or 0) or None, "级"
            end = _UNIT.match(text, end).end()
        else:
            value = parse_number(raw)
            unit = "%" if kind == "pct" else None
            if m.group("mult"):
                flags.append("wan_multiplier")
            rm = _RANGE.match(text, end) if kind == "num" else None
            if rm:
                skip = rm.end()
                if L.NOT_UNIT.match(text, rm.end()):
                    continue  # 2021—2025年, 3-5年: years, not a value
                raw, end, cmp = text[vs:rm.end()], rm.end(), ">="
                flags.append("range")
        if value is None:
            continue
        approx = _APPROX.match(text, end, end + 6) if kind == "num" else None
        if approx:  # 2万余个, 300多人: at least
            end, cmp = end + 1, cmp or ">="
            flags.append("approx")
        if years:
            unit, end = "年", end + 1
        if unit is None:
            um = _UNIT.match(text, end)
            if um:
                unit, end = um.group(1), um.end()
                if unit in L.MONEY_UNITS:
                    unit, factor = L.MONEY_UNITS[unit]
                    raw_unit = um.group(1)
                    value = scale(value, factor)
                    raw = raw + raw_unit
                elif m.group("mult"):  # 3万个, 1.5亿元: the unit joins the raw words
                    raw = text[vs:end]
                    raw_unit = m.group("mult").strip() + unit if unit == "元" else None
        per = L.PER_SUFFIX.match(text, end)
        per_unit = None
        if per and unit and unit not in ("%", "ratio"):
            parts = frozenset(re.split(r"\s*[·.・/]\s*", per.group(1)))
            per_unit = L.PER_NORMAL.get(parts) or (next(iter(parts)) if len(parts) == 1 else None)
            if per_unit:
                end = per.end()
        sm = _SUFFIX.match(text, end)
        suffix = None
        if sm:
            suffix, end = sm.group(1), sm.end()
        rm = _RANGE.match(text, end) if unit and cmp is None and kind in ("num", "pct") else None
        if rm and text.startswith(unit, rm.end()):  # 20%-30%, 45人—50人: the lower bound
            skip, raw, end, cmp = rm.end() + len(unit), text[vs:rm.end() + len(unit)], rm.end() + len(unit), ">="
            flags.append("range")
        out.append(Mention(vs, end, raw, value, _normal_unit(unit, per_unit), raw_unit, suffix, flags, cmp))
    return out


def group_values(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Values joined only by 、/和/及/与 ("4.5平方米以上、5.8平方米以上", "1、6、20个"); the last unit is shared."""
    groups: list[list[Mention]] = []
    for mn in mentions:
        if groups and re.fullmatch(r"\s*[、和及与]\s*", text[groups[-1][-1].end:mn.start]):
            groups[-1].append(mn)
        else:
            groups.append([mn])
    for g in groups:  # 1、6、20个: the last unit is shared
        unit = None
        for mn in reversed(g):
            unit = mn.unit or unit
            if mn.unit is None:
                mn.unit = unit
        last = g[-1].unit
        if last == "个百分点" and len(g) > 1:  # 高出5个、3个百分点: the measure word alone borrows the last unit
            for mn in g[:-1]:
                if mn.unit == "个" and text[mn.end - 1:mn.end] == "个":
                    mn.unit = last
    return groups
