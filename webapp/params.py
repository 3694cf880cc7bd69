"""Reading a request's query parameters, with a Chinese message when one is wrong."""
from __future__ import annotations

import re

from flask import request

# Names in one parameter may be separated by commas, 、, semicolons or spaces, ASCII or full-width.
SPLIT = re.compile(r"[,\uff0c、;\uff1b\s]+")

# Full-width digits (０-９, as a Chinese input method types them) read as ASCII digits; no other
# digits count: str.isdigit() also accepts ², ① and ١, which int() then refuses or misreads.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ASCII_INT = re.compile(r"[0-9]{1,9}")


class BadRequest(ValueError):
    """A parameter the user must fix; ``suggestions`` are close matches ({label, url})."""

    def __init__(self, message: str, suggestions: list[dict] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


def shown(value: str, limit: int = 40) -> str:
    """A parameter's value quoted back in a message: control characters dropped, long values cut."""
    value = "".join(ch for ch in value if ch.isprintable())
    return value if len(value) <= limit else value[:limit] + "…"


def int_arg(name: str, lo: int, hi: int) -> int | None:
    """An integer parameter in lo..hi written with ASCII (or full-width) digits; BadRequest otherwise."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    digits = raw.translate(_FULL_WIDTH_DIGITS)
    if not _ASCII_INT.fullmatch(digits) or not lo <= int(digits) <= hi:
        raise BadRequest(f"参数 {name} 应为 {lo} 到 {hi} 之间的整数,收到的是“{shown(raw)}”。")
    return int(digits)


def names_arg(name: str) -> tuple[str, ...]:
    """Every name given in a repeatable parameter (region=普宁市&region=郫都区, or region=普宁市,郫都区)."""
    out: list[str] = []
    for raw in request.args.getlist(name):
        out += [x for x in SPLIT.split(raw) if x]
    return tuple(dict.fromkeys(out))


def export_format(formats) -> str:
    """The ``format`` parameter of a download, or :class:`BadRequest` naming the formats there are."""
    fmt = (request.args.get("format") or "").strip().lower()
    if fmt not in formats:
        given = f"不支持导出格式“{shown(fmt)}”" if fmt else "请用 format 参数指定导出格式"
        raise BadRequest(given + ",可选:" + "、".join(formats) + "。")
    return fmt
