"""Clause structure of a plan: headings, inline enumerations, appendices, tables.

:func:`parse_clauses` cuts the normalised text of a plan into
:class:`~kb.models.Clause` records that are non-overlapping, in document order
and together cover every non-whitespace character, so everything stays
searchable.  It is one linear pass of one regular expression per line:

* **front** — everything before the first level-1/level-2 heading (page
  metadata, 文号, notice, signature, title, preamble): path ``()``, one clause
  per paragraph;
* **heading** — line-initial headings of the GB/T 9704 levels and their real
  deviations: ``第一章/第一节/第一条``, ``一、``, ``(一)``, ``1.``/``1、``/``1．``,
  ``(1)``/``⑴``, ``①``.  Levels may be skipped (``一、`` → ``1.`` gives
  ``("一", "1")``), level-3 numbers may run on across sections (004: 1–26),
  and a number must follow its predecessor (1, previous + 1, or + 2 with a
  title), which with the shape rules rejects ``1.5倍``, ``1、6、20个`` …;
* **item** — ``一是…二是…`` enumerations in sequence, path + ``("一是",)``;
* **appendix** — a line that is just ``附件``/``附件2``/``附件2:`` starts a new
  root path ``("附件2",)``; a flattened table inside becomes **table_row**
  clauses (:mod:`kb.tables`);
* **back** — the 版记 at the end (抄送, 印发, distribution lists): ``("版记",)``.
"""
from __future__ import annotations

import logging
import re
from typing import NamedTuple, Sequence

from .models import Clause
from .phasetables import find_group_tables, find_phase_tables
from .tables import Line, Table, find_delimited_tables, find_flat_task_tables, find_table, find_year_tables

log = logging.getLogger(__name__)

_CN = "一二三四五六七八九十百零〇两"
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}

_HEAD = re.compile(
    rf"(?:第(?P<zh>[{_CN}\d]{{1,5}})(?P<zk>[章节条]|部分)"
    rf"|(?P<l1>[{_CN}]{{1,4}})、"
    rf"|[(\uff08](?P<l2>[{_CN}]{{1,4}})[)\uff09]"
    r"|(?P<l3>\d{1,2})(?P<l3p>[.．、])"
    r"|(?P<l3c>[\u2488-\u249b])"
    r"|[(\uff08](?P<l4>\d{1,2})[)\uff09]"
    r"|(?P<l4c>[\u2474-\u2487])"
    r"|(?P<l5>[\u2460-\u2473])"
    r")[ \t\u3000\xa0]*"
)
_L1_LIST = re.compile(rf"[{_CN}]+(?:、|年级|类|级|至|到|等|个)")  # 一、二年级 / 一、二类学校 …
_YEAR = re.compile(r"\d{4}年")
_TERM = re.compile(r"[。;!?;!?]|(?<!\d)[::]|[::](?!\d)")
_ATTACH = re.compile(r"附\s*[件表]\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*[::]?")
_ATTACH_LIST = re.compile(r"附\s*件\s*[::]")
_ATTACH_LIST_NUMBERED = re.compile(r"附\s*件\s*[::]\s*1\s*[.．、]")
_GLUED_ITEM = re.compile(r"(\d{1,2})[.．](?=\d+(?:\.\d+)?\s*%)")
_LIST_ITEM = re.compile(r"\d{1,2}\s*[.．、]")
_BACK = re.compile(
    r"(?:抄\s*送|抄\s*报|分\s*送|报|送|印发日期|发文日期)\s*[::]"
    r"|(?:[市县区省州旗]|各)?有关单位[::]"
    r"|.{0,60}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发$"
)
_MARKDOWN = re.compile(r"#{1,6}[ \t]*")  # ## 一、… headings of pages written in markdown
_BOX = re.compile(r"专栏\s*(\d{1,2})(?![\d.．、])[ \t\u3000:：]*")
_ARTICLE_MIDLINE = re.compile(rf"(?<=[。;!?])[ \t\u3000]*(?=第[{_CN}\d]{{1,5}}条)")
_ITEM = re.compile(r"(?:^|(?<=[。;:,!?;:,\s]))([一二三四五六七八九十]{1,3})是")

# Ranks: 章 1, 节 2, 条 3, 一、 4, (一) 5, 专栏N 5.5, 1. 6, (1) 7, ① 8.
_BODY_RANKS = 5


class _Head(NamedTuple):
    rank: float
    number: int
    token: str
    title: str


def _cn_int(s: str) -> int:
    """Value of a Chinese (or Arabic) numeral up to 999; 0 when unreadable."""
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch == "百":
            total += (cur or 1) * 100
            cur = 0
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch in _CN_VALUE:
            cur = cur * 10 + _CN_VALUE[ch] if cur else _CN_VALUE[ch]
        else:
            return 0
    return total + cur


def _title(rest: str) -> str:
    """Title words of a heading line: the line itself, or its run-in words up to 。 when short."""
    m = _TERM.search(rest)
    if m is None:
        head = rest
    elif not rest[m.end():].strip():
        head = rest[: m.start()]
    else:
        head = rest[: m.start()]
        return head.strip() if len(head) <= 40 else ""
    head = head.strip()
    return head if len(head) <= 80 else ""


def _heading(s: str) -> _Head | None:
    """Parse a (stripped) line as a heading, or None.  Shape rules only; numbering is checked later."""
    if s[:1] == "#":
        s = s[_MARKDOWN.match(s).end():]  # type: ignore[union-attr]
    box = _BOX.match(s)
    if box is not None:
        n = int(box.group(1))
        return _Head(5.5, n, f"专栏{n}", _title(s[box.end():])) if n else None
    m = _HEAD.match(s)
    if m is None:
        return None
    rest = s[m.end():]
    if m.group("zh"):
        n = _cn_int(m.group("zh"))
        kind = m.group("zk")
        rank = {"章": 1, "部分": 1, "节": 2, "条": 3}[kind]
        return _Head(rank, n, f"第{m.group('zh')}{kind}", _title(rest)) if n else None
    if m.group("l1"):
        if _L1_LIST.match(rest):
            return None
        n = _cn_int(m.group("l1"))
        return _Head(4, n, m.group("l1"), _title(rest)) if n else None
    if m.group("l2"):
        n = _cn_int(m.group("l2"))
        return _Head(5, n, f"({m.group('l2')})", _title(rest)) if n else None
    if m.group("l3"):
        if rest[:1].isdigit() and not _YEAR.match(rest):
            return None  # 1.5倍, 2.3间, 1、6、20个
        if rest[:1] in "%‰、,,.。)":
            return None
        n = int(m.group("l3"))
        return _Head(6, n, str(n), _title(rest)) if n else None
    if m.group("l3c"):
        n = ord(m.group("l3c")) - 0x2488 + 1
        return _Head(6, n, str(n), _title(rest))
    if m.group("l4"):
        n = int(m.group("l4"))
        return _Head(7, n, f"({n})", _title(rest)) if n else None
    if m.group("l4c"):
        n = ord(m.group("l4c")) - 0x2474 + 1
        return _Head(7, n, f"({n})", _title(rest))
    n = ord(m.group("l5")) - 0x2460 + 1
    return _Head(8, n, m.group("l5"), _title(rest))


class _Opener(NamedTuple):
    start: int
    path: tuple[str, ...]
    heading: str
    kind: str
    cells: tuple[tuple[str, int, int], ...] = ()


def _lines(text: str) -> list[Line]:
    """Non-blank lines with the offsets of their stripped content; blank lines as Line(start, start, "")."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        s = raw.strip()
        if s:
            a = pos + (len(raw) - len(raw.lstrip()))
            out.append(Line(a, a + len(s), s))
        else:
            out.append(Line(pos, pos, ""))
        pos += len(raw) + 1
    return out


class _Sections:
    """Heading state of one region (the body, or one appendix)."""

    def __init__(self, root: tuple[str, ...]) -> None:
        self.root = root
        self.stack: list[tuple[int, str]] = []
        self.local: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.listing = False

    def path(self) -> tuple[str, ...]:
        return self.root + tuple(t for _, t in self.stack)

    def _glued(self, s: str) -> _Head | None:
        """2.70%以上的学校…: an item number glued to a value, accepted only as the next item after 1., …."""
        m = _GLUED_ITEM.match(s)
        if m is None:
            return None
        n, loc = int(m.group(1)), self.local.get(6, 0)
        return _Head(6, n, str(n), _title(s[m.end():])) if loc >= 1 and n == loc + 1 else None

    def feed(self, ln: Line) -> _Opener | None:
        """An opener when the line is an accepted heading."""
        if self.listing and _LIST_ITEM.match(ln.s):
            return None
        self.listing = bool(_ATTACH_LIST.match(ln.s))
        if self.listing:
            return None
        h = _heading(ln.s) or self._glued(ln.s)
        if h is None:
            return None
        if h.rank == 3 and ln.s[:1] != "第":
            return None  # 第X条 is never a markdown heading
        loc, last = self.local.get(h.rank, 0), self.last.get(h.rank, 0)
        ok = h.number in (1, loc + 1, last + 1) or (bool(h.title) and h.number in (loc + 2, last + 2))
        if not ok:
            return None
        while self.stack and self.stack[-1][0] >= h.rank:
            self.stack.pop()
        self.stack.append((h.rank, h.token))
        self.local = {r: v for r, v in self.local.items() if r <= h.rank}
        self.local[h.rank] = h.number
        self.last[h.rank] = h.number
        return _Opener(ln.start, self.root + tuple(t for _, t in self.stack), h.title, "heading")


def _body_start(lines: Sequence[Line]) -> int | None:
    """Index of the line that opens the plan body: the first level-1/2 heading, else the first heading."""
    first_any = None
    for i, ln in enumerate(lines):
        h = _heading(ln.s) if ln.s else None
        if h is None:
            continue
        if h.rank <= _BODY_RANKS and h.number <= 2:
            return i
        if first_any is None and h.number == 1:
            first_any = i
    return first_any


def _appendix_title(lines: Sequence[Line], stop: int) -> str:
    """The title under an appendix marker: up to three short lines before the content or table header."""
    parts: list[str] = []
    for ln in lines[:stop]:
        if len(parts) == 3 or len(ln.s) > 40 or _TERM.search(ln.s) or _heading(ln.s):
            break
        parts.append(ln.s)
    return "".join(parts)


def _region_openers(lines: Sequence[Line], root: tuple[str, ...]) -> list[_Opener]:
    """Openers of the body (``root`` empty) or of one appendix (its first line is the 附件 marker).

    An appendix holding a flattened table gives table rows; otherwise its
    headings nest under the appendix token.
    """
    out: list[_Opener] = []
    body = [ln for ln in lines if ln.s]
    if root:
        rest = body[1:]
        delimited = find_delimited_tables(rest)
        lone = delimited[0] if len(delimited) == 1 and not any(_heading(ln.s) for ln in rest[:delimited[0].header_index]) else None
        table = lone or find_table(rest)
        if table is None:  # an indicator table one cell per line under year columns, or a before/after rate table
            flat = find_year_tables(rest) or find_phase_tables(rest) or find_group_tables(rest)
            table = flat[0] if len(flat) == 1 else None
        stop = table.header_index if table is not None else len(rest)
        out.append(_Opener(body[0].start, root, _appendix_title(rest, stop), "appendix"))
        if table is not None:
            out.extend(_row_openers(table, root))
            if lone is not None:
                last = lone.rows[-1].end
                after = next((ln for ln in rest if ln.start > last), None)
                if after is not None:
                    out.append(_Opener(after.start, root, "", "appendix"))
            return out
        body = rest
    tables = {t.header_index: t for t in find_delimited_tables(body)}
    for t in (*find_year_tables(body), *find_flat_task_tables(body), *find_phase_tables(body), *find_group_tables(body)):
        tables.setdefault(t.header_index, t)
    sections = _Sections(root)
    skip_to = -1
    for k, ln in enumerate(body):
        if ln.start < skip_to:
            continue
        if k in tables:
            t = tables[k]
            out.extend(_row_openers(t, sections.path()))
            skip_to = t.rows[-1].end
            nxt = next((x for x in body[k + 1:] if x.start > skip_to), None)
            if nxt is not None and _heading(nxt.s) is None:
                out.append(_Opener(nxt.start, sections.path(), "", "heading"))
            continue
        for piece in _article_pieces(ln, sections):
            op = sections.feed(piece)
            if op is not None:
                out.append(op)
    return out


def _row_openers(table: Table, path: tuple[str, ...]) -> list[_Opener]:
    return [_Opener(row.start, path + ((row.category,) if row.category else ()) + (row.number,),
                    row.heading, "table_row", row.cells) for row in table.rows]


def _article_pieces(ln: Line, sections: _Sections) -> list[Line]:
    """The line, cut before each 第X条 that begins after a sentence end inside it
    (an article the page ran on into the previous one), when articles are in use."""
    if "条" not in ln.s or not sections.last.get(3):
        return [ln]
    cuts = [m.end() for m in _ARTICLE_MIDLINE.finditer(ln.s)]
    if not cuts:
        return [ln]
    out = []
    prev = 0
    for c in cuts + [len(ln.s)]:
        if c > prev:
            out.append(Line(ln.start + prev, ln.start + c, ln.s[prev:c].strip()))
        prev = c
    return out


def _back_lines(lines: Sequence[Line], start: int, markers: set[int]) -> set[int]:
    """Indices of lines that open a back-matter (版记) block: no level-1/2 heading follows before the next appendix."""
    out = set()
    heading_after = False
    for i in range(len(lines) - 1, start - 1, -1):
        s = lines[i].s
        if i in markers:
            heading_after = False
            continue
        if not s:
            continue
        h = _heading(s)
        if h is not None and h.rank <= _BODY_RANKS:
            heading_after = True
        if not heading_after and _BACK.match(s):
            out.add(i)
    return out


def _openers(text: str) -> list[_Opener]:
    lines = _lines(text)
    begin = _body_start(lines)
    first = 0 if begin is None else begin
    markers = {i for i in range(first, len(lines)) if lines[i].s and _ATTACH.fullmatch(lines[i].s)}
    backs = _back_lines(lines, first, markers)
    # Cut the text into regions: front, body, appendices, back.
    cuts = sorted(markers | backs | ({begin} if begin is not None else set()))
    regions: list[tuple[str, int, int]] = []
    stop = cuts[0] if cuts else len(lines)
    regions.append(("front", 0, stop))
    in_back = False
    for k, c in enumerate(cuts):
        end = cuts[k + 1] if k + 1 < len(cuts) else len(lines)
        if c in markers:
            in_back = False
            regions.append(("appendix", c, end))
        elif c in backs or in_back:
            if not in_back:
                regions.append(("back", c, end))
            else:
                regions[-1] = ("back", regions[-1][1], end)
            in_back = True
        else:
            regions.append(("body", c, end))

    numbered = any(_ATTACH_LIST_NUMBERED.match(ln.s) for ln in lines if ln.s.startswith("附"))
    explicit = [_ATTACH.fullmatch(lines[i].s).group(1) for i in sorted(markers)]  # type: ignore[union-attr]
    out: list[_Opener] = []
    seen = 0
    for kind, a, b in regions:
        part = lines[a:b]
        if kind == "front":
            para = True
            for ln in part:
                if ln.s and para:
                    out.append(_Opener(ln.start, (), "", "front"))
                para = not ln.s
        elif kind == "back":
            out.append(_Opener(lines[a].start, ("版记",), "", "back"))
        elif kind == "body":
            out.extend(_region_openers(part, ()))
        else:
            num = explicit[seen]
            seen += 1
            word = "附表" if "表" in lines[a].s[:3] else "附件"
            if num:
                token = word + num
            elif seen == 1 and (numbered or any(explicit)):
                token = word + "1"
            else:
                token = word if seen == 1 else f"{word}{seen}"
            out.extend(_region_openers(part, (token,)))
    return out


def _items(text: str, op: _Opener, end: int) -> list[_Opener]:
    """Openers for a ``一是…二是…`` enumeration inside a clause (only when in sequence)."""
    region = text[op.start:end]
    if "一是" not in region:
        return []
    out: list[_Opener] = []
    want = 1
    for m in _ITEM.finditer(region):
        if _cn_int(m.group(1)) != want:
            continue
        out.append(_Opener(op.start + m.start(), op.path + (m.group(0),), "", "item"))
        want += 1
    return out if len(out) >= 2 else []


def _tile(text: str, openers: list[_Opener]) -> list[Clause]:
    """Turn ordered openers into clauses that tile the text; whitespace is stripped from each span."""
    ordered: list[_Opener] = []
    for op in openers:
        if ordered and op.start <= ordered[-1].start:
            if op.start == ordered[-1].start:
                ordered[-1] = op
            continue
        ordered.append(op)
    if not ordered or ordered[0].start > 0:  # text before the first opener (or no opener at all) is front matter
        ordered.insert(0, _Opener(0, (), "", "front"))
    with_items: list[_Opener] = []
    for k, op in enumerate(ordered):
        end = ordered[k + 1].start if k + 1 < len(ordered) else len(text)
        with_items.append(op)
        if op.kind in ("heading", "appendix"):
            with_items.extend(_items(text, op, end))
    out = []
    for k, op in enumerate(with_items):
        end = with_items[k + 1].start if k + 1 < len(with_items) else len(text)
        chunk = text[op.start:end]
        s = op.start + (len(chunk) - len(chunk.lstrip()))
        e = end - (len(chunk) - len(chunk.rstrip()))
        if e > s:
            out.append(Clause(op.path, op.heading, s, e, op.kind, text[s:e], op.cells))
    return out


def parse_clauses(text: str) -> list[Clause]:
    """Cut a normalised plan text into clauses (see the module docstring).  Never raises."""
    if not text or not text.strip():
        return []
    try:
        return _tile(text, _openers(text))
    except Exception:  # a parser bug must not lose the document: fall back to one clause
        log.exception("structure parse failed; falling back to a single clause")
        s = len(text) - len(text.lstrip())
        e = len(text.rstrip())
        return [Clause((), "", s, e, "front", text[s:e])]


def outline(clauses: Sequence[Clause], width: int = 30) -> str:
    """A plain-text outline, one clause per line: indented path, kind, heading (debugging aid)."""
    rows = []
    for c in clauses:
        label = "/".join(c.path) or "()"
        head = c.heading or c.text[:width].replace("\n", " ")
        rows.append(f"{'  ' * max(len(c.path) - 1, 0)}{label}  [{c.kind}] {head[:width]}")
    return "\n".join(rows)
