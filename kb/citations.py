"""文号 (document numbers) and cited documents 《…》 in normalised plan text.

* :data:`DOC_NUMBER` — the 发文字号 pattern, *unanchored*: callers anchor it
  (line start, after a ``文号:`` label, after ``(``) because the greedy
  prefix would otherwise swallow the words before it ("根据普府办〔…〕").
  Year brackets 〔〕 [] 【】 〖〗 () and a 第 before the number are accepted;
  :func:`doc_number` rewrites the number in the canonical 〔〕 form.
* :func:`find_citations` — every ``《title》`` (with 〈…〉 or 《…》 nested
  inside), with the 文号 when one follows in parentheses, de-duplicated.
"""
from __future__ import annotations

import re

from .models import Citation, DocNumber

__all__ = ["DOC_NUMBER", "doc_number", "find_citations", "title_key"]

_CJK = "\u4e00-\u9fff"
DOC_NUMBER = (
    rf"(?P<prefix>[{_CJK}]{{1,10}})[ \t]*[〔\[【(〖][ \t]*(?P<year>(?:19|20)\d{{2}})[ \t]*[〕\]】)〗]"
    r"[ \t]*第?[ \t]*(?P<seq>\d{1,5})[ \t]*号"
)
_CITED_NUMBER = re.compile(r"[ \t]*\([ \t]*" + DOC_NUMBER + r"[ \t]*(?P<close>\))?")
# Edition qualifiers: 《幼儿园教育指导纲要》 and 《幼儿园教育指导纲要(试行)》 are one document.
_QUALIFIER = re.compile(r"\((?:试行|暂行|修订|修订版|修正|修正案|草案|征求意见稿|送审稿|\d{4}年(?:修订|修正|版))\)$")
_WS = re.compile(r"\s+")
MAX_TITLE = 150


def doc_number(m: re.Match[str], offset: int = 0) -> DocNumber:
    """A :class:`DocNumber` from a match of :data:`DOC_NUMBER` (groups prefix/year/seq).

    The text is rewritten as ``prefix〔year〕seq号`` whatever brackets, spaces,
    第 or leading zeros the page used; start/end cover the number as written.
    """
    prefix, year, seq = m.group("prefix"), int(m.group("year")), int(m.group("seq"))
    return DocNumber(
        text=f"{prefix}〔{year}〕{seq}号",
        prefix=prefix,
        year=year,
        seq=seq,
        start=m.start("prefix") + offset,
        end=m.end() + offset,
    )


def title_key(title: str) -> str:
    """Comparison key of a cited title: no whitespace, no trailing (试行)/(暂行)…"""
    return _QUALIFIER.sub("", _WS.sub("", title))


def _close(text: str, start: int) -> tuple[int, str | None]:
    """Index of the 》 matching the 《 at ``start`` (-1 if none) and the first
    title nested inside it (〈…〉 or 《…》)."""
    depth = 0  # 《》 nesting
    angle = 0  # 〈〉 nesting
    inner_start = -1
    inner: str | None = None
    limit = min(len(text), start + MAX_TITLE + 2)
    for i in range(start, limit):
        c = text[i]
        if c == "《" or c == "〈":
            nested = depth + angle >= 1
            if c == "《":
                depth += 1
            else:
                angle += 1
            if nested and depth + angle == 2 and inner is None:
                inner_start = i + 1
        elif c == "》" or c == "〉":
            if depth + angle == 2 and inner is None and inner_start >= 0:
                inner = _WS.sub("", text[inner_start:i]) or None
            if c == "》":
                depth -= 1
                if depth == 0:
                    return i, inner
            else:
                angle = max(0, angle - 1)
        elif c == "\n" and i + 1 < len(text) and text[i + 1] == "\n":
            return -1, None  # a title never crosses a paragraph break
    return -1, None


def _occurrences(text: str) -> list[Citation]:
    out: list[Citation] = []
    i = text.find("《")
    while i != -1:
        j, inner = _close(text, i)
        if j == -1:
            i = text.find("《", i + 1)
            continue
        title = re.sub(r"[ \t]*\n[ \t]*", "", text[i + 1 : j]).strip()
        if not title:
            i = text.find("《", j + 1)
            continue
        end = j + 1
        number = None
        m = _CITED_NUMBER.match(text, end)
        if m:
            number = doc_number(m).text
            end = m.end()
        out.append(Citation(title=title, doc_number=number, start=i, end=end, inner_title=inner))
        i = text.find("《", j + 1)
    return out


def find_citations(text: str, exclude: tuple[str, ...] | list[str] = ()) -> tuple[Citation, ...]:
    """Cited documents in order of first appearance, one per title.

    Titles equal to one in ``exclude`` (the plan's own title) are dropped.
    Occurrences of one document (same :func:`title_key`) are merged: the kept
    occurrence is the one that carries a 文号, else the longest title (so
    《X(试行)》 wins over an earlier 《X》), else the first; its offsets are
    kept, and its place in the list is that of the first occurrence.
    ``start``/``end`` cover ``《…》`` and the ``(文号)`` after it, if any.
    """
    own = {title_key(t) for t in exclude if t}
    groups: dict[str, list[Citation]] = {}
    for c in _occurrences(text):
        key = title_key(c.title)
        if key in own:
            continue
        groups.setdefault(key, []).append(c)
    best = []
    for occ in groups.values():  # dicts keep first-appearance order
        best.append(max(occ, key=lambda c: (c.doc_number is not None, len(c.title), -c.start)))
    return tuple(best)
