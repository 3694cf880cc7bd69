"""Reading a request's query parameters, with a Chinese message when one is wrong."""
from __future__ import annotations

import re

from flask import request

# Names in one parameter may be separated by commas, 、, semicolons or spaces, ASCII or full-width.
SPLIT = re.compile(r"[,\uff0c、;\uff1b\s]+")


class BadRequest(ValueError):
    """A parameter the user must fix; ``suggestions`` are close matches ({label, url})."""

    def __init__(self, message: str, suggestions: list[dict] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


def int_arg(name: str, lo: int, hi: int) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise BadRequest(f"参数 {name} 应为 {lo} 到 {hi} 之间的整数,收到的是“{raw}”。")
    return int(raw)


def names_arg(name: str) -> tuple[str, ...]:
    """Every name given in a repeatable parameter (region=普宁市&region=郫都区, or region=普宁市,郫都区)."""
    out: list[str] = []
    for raw in request.args.getlist(name):
        out += [x for x in SPLIT.split(raw) if x]
    return tuple(dict.fromkeys(out))
