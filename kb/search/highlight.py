"""Highlighting: the clause text HTML-escaped with every matched term in ``<mark>`` (no engine here)."""
from __future__ import annotations

import html

SNIPPET = 240  # characters of context kept in highlight_html around the first match


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for n in needles:
        if not n:
            continue
        i = text.find(n)
        while i >= 0:
            spans.append((i, i + len(n)))
            i = text.find(n, i + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str, needles: list[str], width: int = SNIPPET) -> str:
    """``text`` HTML-escaped with every occurrence of every needle in
    ``<mark>``; text longer than ``width`` is trimmed around the first match
    with "…".  Escaping is done piecewise, so the markup is always well formed."""
    spans = _spans(text, needles)
    lo, hi = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - width // 4, len(text) - width))
        hi = lo + width
        if spans:  # never cut a mark in two
            for s, e in spans:
                if s < lo < e:
                    lo = s
                if s < hi < e:
                    hi = e
    out: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        out.append(html.escape(text[pos:s], quote=True))
        out.append("<mark>" + html.escape(text[s:e], quote=True) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:hi], quote=True))
    if hi < len(text):
        out.append("…")
    return "".join(out)
