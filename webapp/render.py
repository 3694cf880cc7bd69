"""Document text as HTML with its facts marked: escaped first, then marked by offsets."""
from __future__ import annotations

from markupsafe import Markup, escape

TARGET, UNIT, CORRUPT = 1, 2, 4
CLASSES = {TARGET: "fact-target", UNIT: "fact-unit", CORRUPT: "fact-corrupt"}


def _describe_target(t: dict) -> str:
    value = ":".join(str(v) for v in t["value"]) if isinstance(t["value"], list) else ("" if t["value"] is None else t["value"])
    deadline = f",期限 {t['deadline']['text']}" if t.get("deadline") else ""
    return f"目标:{t['indicator']} {t['comparator']} {value}{t['unit'] or ''}{deadline}"


def annotated(text: str, start: int, end: int, targets: list[dict], units: list[dict], corrupt: list[dict]) -> Markup:
    """HTML of ``text[start:end]`` with targets, responsible units and corrupted spans marked."""
    n = end - start
    if n <= 0:
        return Markup("")
    masks = [0] * n
    tips: list[str | None] = [None] * n

    def paint(a: int, b: int, bit: int, tip: str | None) -> None:
        for i in range(max(a, start) - start, min(b, end) - start):
            masks[i] |= bit
            if tip and tips[i] is None:
                tips[i] = tip

    for t in targets:
        paint(t["span"]["start"], t["span"]["end"], TARGET, _describe_target(t))
    for u in units:
        role = {"lead": "牵头", "co": "配合"}.get(u["role"] or "", "责任")
        paint(u["span"]["start"], u["span"]["end"], UNIT, f"{role}单位:{u['unit']}")
    for c in corrupt:
        paint(c["start"], c["end"], CORRUPT, "疑似乱码" + ("(已修复)" if c.get("repaired") else "(未修复)"))

    out: list[str] = []
    i = 0
    while i < n:
        j = i
        while j < n and masks[j] == masks[i] and tips[j] == tips[i]:
            j += 1
        chunk = escape(text[start + i : start + j])
        if masks[i]:
            classes = " ".join(c for bit, c in CLASSES.items() if masks[i] & bit)
            tip = escape(tips[i] or "")
            out.append(f'<mark class="{classes}" title="{tip}">{chunk}</mark>')
        else:
            out.append(str(chunk))
        i = j
    return Markup("".join(out).replace("\n", "<br>\n"))
