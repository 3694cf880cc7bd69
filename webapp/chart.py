"""Server-rendered SVG charts for an indicator comparison (no script, no external assets).

One panel per stage: each region a row with its targets as points, coloured by
deadline year, and the national threshold for that stage as a dashed line.
Past ``MAX_ROWS`` regions a panel becomes a histogram of the values with the
threshold line, so 2 to 2,000 regions stay readable.
"""
from __future__ import annotations

import math
from html import escape

WIDTH = 760
LEFT = 170  # room for region names
RIGHT = 30
ROW = 20
TOP = 46
BOTTOM = 34
MAX_ROWS = 200
BINS = 24
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#e377c2")
NO_DEADLINE = "#888888"


def _number(value) -> float | None:
    """A target's value on the chart's axis: ratios a:b as b per one a."""
    if isinstance(value, list):
        return value[1] / value[0] if value[0] else None
    return float(value) if value is not None else None


def _threshold_number(th: dict | None) -> float | None:
    if not th:
        return None
    v = th["value"]
    if isinstance(v, list):
        return v[1] / v[0] if v[0] else None
    return float(v)


def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values covering lo..hi."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}"


def _year(row: dict) -> str | None:
    return row["deadline"][:4] if row.get("deadline") else None


def indicator_chart(result: dict) -> dict:
    """{"svg": markup or None, "notes": [sentences for the caption]} for an indicator comparison."""
    rows = [r for r in result["rows"] if r["verdict"] != "not_set"]
    notes: list[str] = []
    if not rows:
        return {"svg": None, "notes": notes}
    years = sorted({y for r in rows if (y := _year(r))})
    colours = {y: PALETTE[i % len(PALETTE)] for i, y in enumerate(years)}
    panels: dict[str, list[dict]] = {}
    for r in rows:
        panels.setdefault(r["stage"] or "未注明学段", []).append(r)
    parts: list[str] = []
    y0 = 0
    skipped = 0
    points = False  # did any panel draw a point per target (then the deadline legend applies)
    for stage, items in panels.items():
        units = [r["unit"] for r in items]
        th = items[0]["national_threshold"]
        unit = th["unit"] if th and th["unit"] else max(set(units), key=units.count)
        plotted = [r for r in items if _number(r["value"]) is not None
                   and (r["unit"] == unit or isinstance(r["value"], list))]
        skipped += len(items) - len(plotted)
        if not plotted:
            continue
        svg, height = _panel(stage, plotted, th, unit, colours, y0)
        parts.append(svg)
        y0 += height
        points = points or len({r["region"]["name"] for r in plotted}) <= MAX_ROWS
    if skipped:
        notes.append(f"另有 {skipped} 条目标的单位与国家标准不同或无数值,未画入图中。")
    not_set = result["summary"].get("regions_not_set") or 0
    if not_set:
        notes.append(f"另有 {not_set} 个地区的方案未设定该指标,见下表。")
    if not parts:
        return {"svg": None, "notes": notes}
    legend, lh = _legend(colours, y0) if points else ("", 0)
    height = y0 + lh
    notes.insert(0, "每个点是一条目标,颜色表示期限年份(空心为未注明期限);红色虚线为国家标准。" if points
                 else "柱高为目标值落在该区间的目标条数;红色虚线为国家标准。")
    title = escape(f"{result['indicator']['id']} {result['indicator']['name']}:各地目标值与国家标准")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" role="img" aria-label="{title}" font-size="12" '
           f'font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif">'
           f"<title>{title}</title>" + "".join(parts) + legend + "</svg>")
    return {"svg": svg, "notes": notes}


def _scale(values: list[float], line: float | None) -> tuple[float, float, list[float]]:
    lo = min(values + ([line] if line is not None else []))
    hi = max(values + ([line] if line is not None else []))
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1)
    ticks = nice_ticks(lo - pad, hi + pad)
    return ticks[0], ticks[-1], ticks


def _panel(stage: str, rows: list[dict], th: dict | None, unit: str | None, colours: dict, y0: int) -> tuple[str, int]:
    line = _threshold_number(th)
    values = [_number(r["value"]) for r in rows]
    lo, hi, ticks = _scale(values, line)
    plot_w = WIDTH - LEFT - RIGHT

    def x(v: float) -> float:
        return LEFT + (v - lo) / (hi - lo) * plot_w

    by_region: dict[str, list[dict]] = {}  # by code: two 鼓楼区 are two rows
    for r in rows:
        by_region.setdefault(r["region"]["code"] or r["doc_id"], []).append(r)
    names = [items[0]["region"]["name"] or "地区不明" for items in by_region.values()]
    twice = {n for n in names if names.count(n) > 1}
    histogram = len(by_region) > MAX_ROWS
    shown_unit = "" if unit in (None, "ratio") else unit
    ratio = isinstance(rows[0]["value"], list)
    axis_label = "每 1 名教师对应的幼儿/学生数" if ratio else (f"目标值({shown_unit})" if shown_unit else "目标值")
    head = f"{stage}" + (f" — 国家标准 {th['text']}" if th else " — 无国家标准") + f" · {len(by_region)} 个地区"
    if histogram:
        head += "(地区较多,按目标值的分布显示,柱高为目标条数)"
    out = [f'<g class="panel" transform="translate(0,{y0})">',
           f'<text x="8" y="18" font-weight="bold" font-size="13">{escape(head)}</text>']
    if histogram:
        body_h = 160
    else:
        body_h = ROW * len(by_region)
    top = TOP
    bottom = top + body_h
    for t in ticks:
        out.append(f'<line x1="{x(t):.1f}" y1="{top - 6}" x2="{x(t):.1f}" y2="{bottom}" stroke="#e3e3e3"/>'
                   f'<text x="{x(t):.1f}" y="{bottom + 14}" text-anchor="middle" fill="#555">{_fmt(t)}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2:.0f}" y="{bottom + 30}" text-anchor="middle" fill="#555">{escape(axis_label)}</text>')
    if histogram:
        out.append(_histogram(values, lo, hi, x, top, body_h))
    else:
        for i, items in enumerate(by_region.values()):
            reg = items[0]["region"]
            name = reg["name"] or "地区不明"
            if name in twice:
                name = f"{name}({reg.get('province') or reg.get('code') or ''})"
            cy = top + i * ROW + ROW / 2
            if i % 2:
                out.append(f'<rect x="{LEFT}" y="{cy - ROW / 2:.1f}" width="{plot_w}" height="{ROW}" fill="#f7f7f7"/>')
            label = name if len(name) <= 13 else name[:12] + "…"
            out.append(f'<text x="{LEFT - 8}" y="{cy + 4:.1f}" text-anchor="end">{escape(label)}</text>')
            for r in items:
                v = _number(r["value"])
                year = _year(r)
                colour = colours.get(year, NO_DEADLINE)
                tip = f"{name} {r['value_text']}" + (f",期限 {r['deadline']}" if r["deadline"] else ",未注明期限") + f",{r['verdict_label']}"
                fill = colour if year else "white"
                out.append(f'<circle class="point" cx="{x(v):.1f}" cy="{cy:.1f}" r="5" fill="{fill}" stroke="{colour}" '
                           f'stroke-width="2" fill-opacity="0.85"><title>{escape(tip)}</title></circle>')
    if line is not None:
        lx = x(line)
        out.append(f'<line class="threshold" x1="{lx:.1f}" y1="{top - 10}" x2="{lx:.1f}" y2="{bottom}" stroke="#c00" '
                   f'stroke-width="2" stroke-dasharray="6 4"/>'
                   f'<text x="{lx + 4:.1f}" y="{top - 12}" fill="#c00">国家标准 {escape(th["text"])}</text>')
    out.append("</g>")
    return "".join(out), bottom + 44


def _histogram(values: list[float], lo: float, hi: float, x, top: int, height: int) -> str:
    width = (hi - lo) / BINS
    counts = [0] * BINS
    for v in values:
        counts[min(BINS - 1, int((v - lo) / width))] += 1
    peak = max(counts) or 1
    out = []
    for i, c in enumerate(counts):
        if not c:
            continue
        h = c / peak * (height - 16)
        x0, x1 = x(lo + i * width), x(lo + (i + 1) * width)
        out.append(f'<rect x="{x0 + 1:.1f}" y="{top + height - h:.1f}" width="{max(1.0, x1 - x0 - 2):.1f}" '
                   f'height="{h:.1f}" fill="#1f77b4" fill-opacity="0.7"><title>{c} 条目标</title></rect>'
                   f'<text x="{(x0 + x1) / 2:.1f}" y="{top + height - h - 3:.1f}" text-anchor="middle" '
                   f'font-size="10">{c}</text>')
    return "".join(out)


def _legend(colours: dict, y0: int) -> tuple[str, int]:
    """Deadline colours, wrapped onto as many lines as the width needs."""
    items = list(colours.items()) + [("未注明期限", None)]
    out = [f'<g class="legend" transform="translate({LEFT},{y0 + 4})"><text x="0" y="12" fill="#555">期限:</text>']
    xpos, line = 44, 0
    for label, colour in items:
        text = f"{label} 年" if colour else label
        width = 22 + 9 * len(text)
        if xpos + width > WIDTH - LEFT - RIGHT and xpos > 44:
            xpos, line = 44, line + 1
        stroke = colour or NO_DEADLINE
        fill = colour or "white"
        y = 8 + line * 18
        out.append(f'<circle cx="{xpos}" cy="{y}" r="5" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
                   f'<text x="{xpos + 9}" y="{y + 4}">{escape(text)}</text>')
        xpos += width
    out.append("</g>")
    return "".join(out), 26 + line * 18
