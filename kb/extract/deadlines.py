"""Deadline expressions of Chinese plans (DOMAIN §5.13): a small grammar.

Rules, tried longest first at each position (whitespace may sit between any
two tokens: "到 2022 年9月"; years may be written 二〇二五):

==========================================  ======================  ====================
written                                     kind                    end (start)
==========================================  ======================  ====================
2023年1月-2023年3月, 2020年10月—2022年9月   period                  end of last month
2025年1月-12月 (the year distributes)       period                  2025-12-31
2021—2025年, 2023年—2025年                  period                  2025-12-31
到/至/截至 2025年 [M月] [底/末] [前]         by                      end of year / month
2025年[M月][底/末]前, 2025年以前             by                      end of year / month
2023年起, 自2023年9月起, 2023年开始          start                   None (2023-01-01)
“十四五”期间 / 十四五时期                    period                  2025-12-31 (2021-01-01)
“十四五”末 / 到十四五期末                    by                      2025-12-31
2022年 [M月 [D日]] [秋季/上半年/年内]        in_year                 end of year/month/day
每年 / 每学年 / 每学期 / 每5年一周期 / 3年1个周期   period            None
4月底前 / 到10月 (year from the text before) by                      end of month
==========================================  ======================  ====================

"2017年后", "2020年以来" are neither (after / since) and give nothing.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import replace
from typing import Sequence

from ..models import Clause, Deadline, Target
from .numbers import chinese_year, glued, window_after_item_number

__all__ = ["find_deadlines", "parse_deadline", "period_label", "heading_deadline", "governing_line", "label_deadline_in", "deadline_at", "plan_period", "with_plan_period",
           "as_recurring"]

_S = r"[ \t\u3000\xa0]*"
_YEAR = r"(?<![\d.])(?:19|20)\d{2}(?!\d)|二[〇零○][〇零○一二三四五六七八九]{2}"
_MONTH = r"1[0-2](?!\d)|0?[1-9](?!\d)|十[一二]?|[一二三四五六七八九]"
_DAY = r"3[01]|[12]\d|0?[1-9]"
_DASH = r"[-—–~～至到]"
_FIVE_YEAR = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}


def _y(n: str) -> str:
    return rf"(?P<{n}>{_YEAR}){_S}年"


def _m(n: str) -> str:
    return rf"(?P<{n}>{_MONTH}){_S}月"


_PATTERNS: list[tuple[str, str]] = [
    ("range_ym", rf"{_y('y1')}{_S}(?:{_m('m1')})?{_S}{_DASH}{_S}(?:{_y('y2')}{_S})?{_m('m2')}(?:{_S}(?:底|末))?"),
    ("range_y", rf"(?P<y1>{_YEAR}){_S}(?:年{_S})?{_DASH}{_S}{_y('y2')}"),
    ("by_pre", rf"(?:到|至|截至|截止到|截止|截止至)(?:了)?{_S}{_y('y')}(?:{_S}{_m('m')}|{_S}(?P<term>秋季|春季)(?:学期)?(?!{_S}(?:起|开始)))?"
               rf"(?:{_S}(?P<eom>底|末|年底|年末))?(?:{_S}(?:前|以前|之前))?"),
    ("by_post", rf"{_y('y')}(?:{_S}{_m('m')}(?:{_S}(?P<d>{_DAY}){_S}[日号])?)?{_S}(?:底|末)?{_S}(?:前|以前|之前)"),
    ("start", rf"(?:自|从)?{_S}{_y('y')}(?:{_S}{_m('m')}(?:{_S}(?P<d>{_DAY}){_S}[日号])?|{_S}(?P<term>秋季|春季)(?:学期)?)?"
              rf"{_S}(?:起|开始)"),
    ("fyp", r"(?P<pre>到|至)?[“\"]?(?P<fyp>十[一二三四五六]五)[”\"]?(?:{S})(?P<fk>期间|时期|期末|末)".replace("{S}", _S)),
    ("in_year", rf"(?<![比较])(?<!相比)(?<!同比){_y('y')}(?:{_S}{_m('m')}(?:{_S}(?P<d>{_DAY}){_S}[日号])?)?"
                rf"(?:{_S}(?P<part>上半年|下半年|秋季|春季|年内|内|底|末))?"
                rf"(?!{_S}(?:后|以后|之后|以来|至今|度?以前|(?:的)?(?:基础上|基数|水平上)))"),  # not 2017年后 / 2020年以来 / 比2020年 / 在2022年基础上
    ("periodic", r"(?<![生人])每(?P<pw>学年|年度|年|学期|季度|月|周|半年|两年|三年|天|日|(?P<pn>\d{1,2}|[二两三四五六七八九十])年)(?:一个?周期|一轮)?"
                 r"|(?P<cn>\d{1,2}|[一二两三四五六七八九十])年(?:一个?|1个?)周期"),
    ("rel_month", rf"(?:到|至)?{_S}(?<![\d年]){_m('m')}(?:{_S}(?:底|末|中旬|上旬|下旬))?{_S}(?:前|以前|之前)"),
]


def _prefixed(name: str, pat: str) -> str:
    """Group names are made unique per rule: ``y`` of rule ``by_pre`` becomes ``by_pre_y``."""
    return re.sub(r"\(\?P<(\w+)>", lambda g: f"(?P<{name}_{g.group(1)}>", pat)


# Every rule starts with one of these characters (a year or month digit, 到/至/截/自/从, 每, a quote before
# 十X五, or the spacing a rule allows first): the lookahead lets the scan skip every other position at
# once instead of trying each alternative there (about 15 times faster on plan text).
_FIRST = r"(?=[\d〇零○一二两三四五六七八九十到至截自从每“\" \t\u3000\xa0])"
_MASTER = re.compile(_FIRST + "(?:" + "|".join(f"(?P<_{name}>{_prefixed(name, pat)})" for name, pat in _PATTERNS) + ")")
# Whether a range may hold a deadline at all: \d{4} | 二〇 | 十X五 | 每 | \d{1,2}年 | 月底/末/前.  Written to open
# with a character class (the branch is picked by a one-character lookbehind) so that the scan jumps from
# candidate character to candidate character in C instead of trying a match at every position.
_PREFILTER = re.compile(r"[\d二十每月](?:(?<=\d)(?:\d{3}|\d?\s*年)|(?<=二)[〇零○]|(?<=十)[一二三四五六]五|(?<=每)"
                        r"|(?<=月)\s*(?:底|末|前))")

_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_PERIOD_WORD = {"学年": "per_school_year", "年度": "annual", "年": "annual", "学期": "per_semester",
                "季度": "quarterly", "月": "monthly", "周": "weekly", "半年": "semiannual",
                "两年": "every_2_years", "三年": "every_3_years", "天": "daily", "日": "daily"}
_PART_MONTH = {"上半年": 6, "下半年": 12, "秋季": 9, "春季": 3}
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _year(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        y = int(s)
    else:
        y = chinese_year(s)
    return y if y is not None and 1949 <= y <= 2100 else None


def _month(s: str | None) -> int | None:
    if not s:
        return None
    m = int(s) if s.isdigit() else _CN_MONTH.get(s)
    return m if m is not None and 1 <= m <= 12 else None


def _end(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}-12-31"
    last = calendar.monthrange(year, month)[1]
    if day is None or day > last:
        day = last
    return f"{year:04d}-{month:02d}-{day:02d}"


def _start(year: int, month: int | None = None) -> str:
    return f"{year:04d}-{(month or 1):02d}-01"


def period_label(words: str) -> str | None:
    """"annual" for 每年, "per_semester" for 每学期, "every_5_years" for 每5年一周期 …"""
    m = _MASTER.fullmatch(words.strip()) if isinstance(words, str) else None
    if m is None or m.lastgroup != "_periodic":
        return None
    return _periodic_label(m)


def _periodic_label(m: re.Match) -> str | None:
    n = m.group("periodic_pn") or m.group("periodic_cn")
    if n:
        k = int(n) if n.isdigit() else _CN_SMALL.get(n)
        return f"every_{k}_years" if k else None
    return _PERIOD_WORD.get(m.group("periodic_pw") or "")


def _build(m: re.Match, text: str, last_year: int | None) -> Deadline | None:
    """The Deadline of one grammar match (None when its year or month is out of range)."""
    kind = m.lastgroup[1:] if m.lastgroup else ""
    words = text[m.start():m.end()]
    span = (m.start(), m.end())

    def g(name: str) -> str | None:
        return m.group(f"{kind}_{name}") if f"{kind}_{name}" in m.re.groupindex else None
    if kind == "range_ym":
        y1, y2 = _year(g("y1")), _year(g("y2")) or _year(g("y1"))
        m1, m2 = _month(g("m1")), _month(g("m2"))
        if y1 is None or y2 is None or m2 is None or y2 < y1:
            return None
        return Deadline(_end(y2, m2), words, "period", _start(y1, m1), span)
    if kind == "range_y":
        y1, y2 = _year(g("y1")), _year(g("y2"))
        if y1 is None or y2 is None or not (0 <= y2 - y1 <= 30):
            return None
        return Deadline(_end(y2), words, "period", _start(y1), span)
    if kind in ("by_pre", "by_post"):
        y, mo = _year(g("y")), _month(g("m")) or _PART_MONTH.get(g("term") or "")  # 到2022年秋季 → 2022-09-30
        if y is None or (g("m") and mo is None):
            return None
        day = int(g("d")) if kind == "by_post" and g("d") and g("d").isdigit() and 1 <= int(g("d")) <= 31 else None
        return Deadline(_end(y, mo, day), words, "by", None, span)  # 2024年9月30日前: by that day
    if kind == "start":
        y, mo = _year(g("y")), _month(g("m")) or {"秋季": 9, "春季": 3}.get(g("term") or "")
        if y is None:
            return None
        day = int(g("d")) if g("d") and g("d").isdigit() and 1 <= int(g("d")) <= 31 else 1  # 自2008年9月1日起
        return Deadline(None, words, "start", f"{y:04d}-{(mo or 1):02d}-{day:02d}", span)
    if kind == "fyp":
        first = _FIVE_YEAR[g("fyp")]
        if g("fk") in ("期末", "末") or g("pre"):
            return Deadline(_end(first + 4), words, "by", None, span)
        return Deadline(_end(first + 4), words, "period", _start(first), span)
    if kind == "in_year":
        y, mo = _year(g("y")), _month(g("m"))
        if y is None or (g("m") and mo is None):
            return None
        day = int(g("d")) if g("d") else None
        part = g("part")
        if mo is None and part in _PART_MONTH:  # 秋季 → the autumn term opens in September
            return Deadline(_end(y, _PART_MONTH[part]), words, "by", None, span)
        if part in ("底", "末"):
            return Deadline(_end(y, mo), words, "by", None, span)
        return Deadline(_end(y, mo, day), words, "in_year", None, span)
    if kind == "periodic":
        if _periodic_label(m) is None:
            return None
        return Deadline(None, words, "period", None, span)
    if kind == "rel_month":
        mo = _month(g("m"))
        if mo is None:
            return None
        return Deadline(_end(last_year, mo) if last_year else None, words, "by", None, span)
    return None


_YEAR_GOAL_REST = re.compile(r"^[\s()().。、::]*(?:[\u4e00-\u9fff]{0,8}(?:目标|任务|阶段|计划|安排))?[\s()().。、::]*$")


_GOVERNING = re.compile(
    rf"^[ \t\u3000\xa0]*((?:到|至){_S}(?:{_YEAR}){_S}年(?:{_S}(?:{_MONTH}){_S}月)?(?:{_S}(?:底|末))?)"
    rf"{_S}[,,::]?{_S}$", re.M)


#: a label line closing a task item: 完成时限:2025年10月 (牵头单位/责任单位 lines beside it)
_LABEL_LINE = re.compile(rf"^[ \t\u3000\xa0]*(?P<label>完成时限|完成时间|完成期限|时间节点|时限要求|时限){_S}[::]{_S}(?P<v>[^\n]{{1,24}}?){_S}$",
                         re.M)
_SCHEDULE = re.compile(r"每|长期|持续|常态|定期|逐年")


def _label_deadline(text: str, c: Clause) -> Deadline | None:
    """The date of a 完成时限 label line inside the item: by the end of that month (schedules give none)."""
    return label_deadline_in(text, c.start, c.end)


def label_deadline_in(text: str, s: int, e: int, only: bool = False) -> Deadline | None:
    """The first 完成时限 label line in ``text[s:e]`` as a deadline; with ``only``, None unless it is the
    range's one label line (a section whose sub-items carry labels of their own gives none)."""
    m = _LABEL_LINE.search(text, s, e)
    if m is not None and only and _LABEL_LINE.search(text, m.end(), e):
        return None
    if m is None or _SCHEDULE.search(m.group("v")):
        return None
    ds = [d for d in find_deadlines(text, m.start("v"), m.end("v")) if d.end]
    if len(ds) != 1 or ds[0].kind not in ("by", "in_year"):
        return None
    return Deadline(ds[0].end, m.group().strip(), "by", None, (m.start("label"), m.end("v")), True)


def label_flag(d: Deadline) -> str | None:
    """``deadline_from_label:完成时限`` for a deadline read from a label line, else None."""
    m = _LABEL_LINE.match(d.text or "")
    return f"deadline_from_label:{m.group('label')}" if m and d.inferred else None


def governing_line(text: str, c: Clause) -> Deadline | None:
    """A line of the clause holding only a date ("到2025年", "到2025年,"): it governs the lines below it;
    else a 完成时限 label line of the item (it dates the item's task above it)."""
    m = _GOVERNING.search(text, c.start, c.end)
    if m is None:
        return _label_deadline(text, c)
    ds = find_deadlines(text, m.start(1), m.end(1))
    if len(ds) != 1 or ds[0].end is None or ds[0].kind != "by":
        return None
    return ds[0]


def heading_deadline(text: str, c: Clause) -> Deadline | None:
    """A stage heading such as "1.2023年目标" or "工作推进阶段(2020年10月—2022年9月)", else a
    governing line of the clause (see :func:`governing_line`; not inferred, so told apart)."""
    if c.kind != "heading" or not c.heading or len(c.heading) > 40:
        return governing_line(text, c) if c.kind in ("heading", "front", "item") else None
    ds = [d for d in find_deadlines(c.heading) if d.end and d.kind in ("in_year", "by", "period")]
    if len(ds) != 1 or not _YEAR_GOAL_REST.match(c.heading.replace(ds[0].text, "", 1)):
        return governing_line(text, c)
    d = ds[0]
    nl = text.find("\n", c.start, c.end)
    line_end = nl if nl >= 0 else min(c.end, len(text))
    s, e = c.start, line_end
    while e > s and text[e - 1].isspace():
        e -= 1
    kind = "stage_year" if d.kind == "in_year" else d.kind
    return Deadline(d.end, text[s:e], kind, d.start, (s, e), True)


def find_deadlines(text: str, start: int = 0, end: int | None = None) -> list[Deadline]:
    """Every deadline expression in ``text[start:end]``, in order, with spans into ``text``.

    A month written without a year ("4月底前") takes the last year written
    before it inside the range; without one its ``end`` is None.
    """
    if not isinstance(text, str):
        return []
    n = len(text)
    start = max(0, min(start, n))
    end = n if end is None else max(start, min(end, n))
    if not _PREFILTER.search(text, start, end):
        return []
    out: list[Deadline] = []
    last_year: int | None = None
    if glued(text, start):  # 2.2026年通过…: item 2. was skipped; read the line on its own
        window, base = window_after_item_number(text, start, end)
        return [replace(d, span=(d.span[0] + base, d.span[1] + base)) if d.span else d
                for d in find_deadlines(window, 1, end - base)]
    for m in _MASTER.finditer(text, start, end):
        if m.end() == m.start():
            continue
        try:
            d = _build(m, text, last_year)
        except (ValueError, KeyError, TypeError, OverflowError):  # defensive: never raise on odd input
            d = None
        if d is None:
            continue
        year = (d.end or d.start or "")[:4]
        if year.isdigit() and d.kind != "period" or d.start and d.end:
            last_year = int((d.end or d.start)[:4])
        out.append(d)
    return out


def parse_deadline(words: str) -> Deadline | None:
    """The first deadline expression in ``words`` (without a document span)."""
    found = find_deadlines(words) if isinstance(words, str) else []
    if not found:
        return None
    d = found[0]
    return Deadline(d.end, d.text, d.kind, d.start, None, False)


_CLAUSE_BREAK = re.compile(r"[,,;;]")


def deadline_at(pos: int, sdl: Sequence[Deadline], para: Deadline | None,
                head: Deadline | None, text: str | None = None) -> tuple[Deadline | None, str | None, list[str]]:
    """(deadline, period label, flags) for a value at ``pos``.

    The last deadline of the sentence (``sdl``) written before ``pos`` wins;
    每年/每学期 on the way give the period — within the value's comma clause
    (or a 其中 part of it) when ``text`` is given (每年组织培训,完成率达到100%:
    no period); a start
    (2023年起) is returned as is with an ``effective_from=`` flag.  Without
    one, the paragraph's opening deadline (``para``, when it precedes
    ``pos``), else the stage heading's — neither for a periodic value (每年安排
    不少于5%…: a recurring rule has no end date).
    """
    period = None
    for d in reversed(sdl):
        if d.span is None or d.span[1] > pos:
            continue
        if d.kind == "period" and d.end is None:
            if text is None or all(text.startswith("其中", m.end()) for m in _CLAUSE_BREAK.finditer(text, d.span[1], pos)):
                period = period or period_label(d.text)  # 每年招聘500名,其中…不低于20%: still every year
            continue
        if d.kind == "start":
            return d, period, [f"effective_from={d.start}"]
        if d.end is None:
            continue
        return d, period, []
    if period is not None:
        return None, period, []
    if para is not None and para.span and para.span[0] < pos:
        return para, period, ["deadline_inherited_from_paragraph_start"]
    if head is not None and (head.inferred or head.span is None or head.span[1] <= pos):
        return head, period, [label_flag(head) or ("deadline_from_heading" if head.inferred else "deadline_from_governing_line")]
    return None, period, []


_LINE_RE = re.compile(r"[^\n]+")
_NUMBERED = re.compile(r"\s*(?:第[一二三四五六七八九十]{1,3}[章条]|[一二三四五六七八九十]{1,3}、|[((][一二三四五六七八九十]{1,3}[))])")
_TITLE_PERIOD = re.compile(
    r"[((]\s*((?:19|20)\d{2})\s*(?:年\s*)?[—\-–~～至到]{1,2}\s*((?:19|20)\d{2})\s*年?\s*[))]"
    r"|[“\"]?(十[一二三四五六]五|第十[一二三四五六]个五年)[”\"]?(?=[^\n]{0,12}(?:规划|计划|方案|意见|纲要))")
_TITLE_GENRE = re.compile(r"方案|计划|规划|意见|纲要|工程|通知|要点|清单|安排")
_PERIOD_LINE = re.compile(r"\s*[((]\s*(?:19|20)\d{2}\s*(?:年\s*)?[—\-–~～至到]{1,2}\s*(?:19|20)\d{2}\s*年?\s*[))]\s*")
# the title of a one-year work plan: 某区2025年教育重点工作任务清单, 2024年度教育工作要点
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?(?![底末前内])(?![^\n()()]{0,24}?[两二三四五六七八九十]年)"
                         r"(?=[^\n()()]{0,24}?(?:工作要点|要点|任务清单|清单|工作计划|年度计划|工作安排|重点任务|工作任务"
                         r"|工作方案|民心工程|民生实事|为民办实事))")  # not 实施方案: 某县2021年…实施方案 runs for years
_FIVE_YEAR_END = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}


def plan_period(text: str) -> Deadline | None:
    """The period a plan's title carries — (2023—2025年), “十四五” — as the fallback deadline of its targets.

    Only the opening lines are read (before the first numbered heading or the
    first long paragraph): the title of the plan or of the notice issuing it.
    """
    titled = False  # the line before names a genre: a period alone on the next line is the title's
    for n, m in enumerate(_LINE_RE.finditer(text, 0, min(len(text), 1500))):
        line = m.group()
        if n >= 10 or _NUMBERED.match(line) and not _TITLE_GENRE.search(line):
            break
        after_title, titled = titled and _PERIOD_LINE.fullmatch(line) is not None, bool(_TITLE_GENRE.search(line))
        if len(line) > 90 or not titled and not after_title:
            continue
        pm = _TITLE_PERIOD.search(line)
        if pm is None:
            ym = _TITLE_YEAR.search(line)
            if ym is not None and not re.match(r"\s*(?:到|至)", line[max(0, ym.start() - 1):ym.start()]):
                y = int(ym.group(1))
                words = line[ym.start(1):ym.end()].rstrip()
                return Deadline(end=f"{y}-12-31", text=words, kind="plan_period", start=f"{y}-01-01",
                                span=(m.start() + ym.start(1), m.start() + ym.start(1) + len(words)), inferred=True)
            continue
        if pm.group(1):
            y1, y2 = int(pm.group(1)), int(pm.group(2))
            if not 0 < y2 - y1 <= 15:
                continue
            words = line[pm.start(1):pm.end(2)] + ("年" if line[pm.end(2):pm.end(2) + 1] == "年" else "")
            span = (m.start() + pm.start(1), m.start() + pm.start(1) + len(words))
        else:
            y2, words = _FIVE_YEAR_END[re.sub(r"^第(十.)个五年$", r"\1五", pm.group(3))], pm.group(3)
            y1 = y2 - 4
            span = (m.start() + pm.start(3), m.start() + pm.end(3))
        return Deadline(end=f"{y2}-12-31", text=words, kind="plan_period", start=f"{y1}-01-01",
                        span=span, inferred=True)
    return None


def with_plan_period(t: Target, fallback: Deadline | None) -> Target:
    """A dated commitment without a deadline of its own takes the title's period."""
    if fallback is None or t.deadline is not None or t.kind != "target" or t.period is not None:
        return t
    return replace(t, deadline=fallback, flags=t.flags + ("deadline_plan_period",))


_RECURRING = re.compile(r"每(?:生|人|校|班|所学校)?每?(学年|学期|年度|年|季度|月|周|天|日)")
_DAILY_LENGTH = re.compile(r"(?:时长|完成时间|学习时间|活动时间|锻炼时间|睡眠时间)$")
_FREQUENCY_UNITS = frozenset({"次", "小时", "分钟", "天", "课时", "学时", "节"})


def as_recurring(t: Target) -> Target:
    """普通高中学生每天校内体育活动时间不少于1小时 / 每生每学期送教16次: a frequency or duration named per day,
    term or year is periodic (it takes no plan-period date)."""
    if t.period is not None or t.kind != "target" or t.unit not in _FREQUENCY_UNITS:
        return t
    m = _RECURRING.search(t.indicator)
    label = period_label("每" + m.group(1)) if m else None
    if label is None and t.unit in ("小时", "分钟") and _DAILY_LENGTH.search(t.indicator):
        label = period_label("每天")  # 晚自习时长不超过1.5小时, 书面作业完成时间: the length of one school day's part
    return replace(t, period=label) if label else t
