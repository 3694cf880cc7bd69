"""The national indicator taxonomy, and mapping of local phrasings to canonical ids.

``kb/data/indicators.json`` holds 教督〔2017〕6号 (义务教育优质均衡, ids ``YJ-…``),
教督〔2020〕1号 (学前教育普及普惠, ``XQ-…``) and a few common indicators outside
both schemes (scheme ``common``, ``CM-…``, never with thresholds).

* A scheme row holding two measurable things is split into sub-ids that keep the
  row id as ``group`` (YJ-G11a/b → YJ-G11; YJ-G3a/b/c; YJ-Q9a/b; YJ-B1/B2 → YJ-B,
  the 校际差异系数 by stage).  Every id argument also accepts a group id.
* Thresholds are rows (stage, comparator, value, unit).  A ratio a:b is a pair
  and its comparator applies to the quotient a/b as written (XQ-Q3 不低于1:15 is
  ``>= (1, 15)``); :meth:`Threshold.per_first` gives "≤ 15 children per teacher".
  Qualitative indicators have no thresholds.  ``verified=False`` marks wording
  that rests on a mirrored local structure (see ``source_note``).
* ``stage_aliases`` name an indicator only for a compatible stage (巩固率 is
  YJ-Q1 for 初中, CM-GGL for 义务教育, and None alone).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

COMPARATORS = (">=", ">", "<=", "<", "=")
DIRECTIONS = ("higher_better", "lower_better", "qualitative")
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "="}


@dataclass(frozen=True)
class Threshold:
    """A national threshold for one stage (None: the indicator as a whole)."""

    stage: str | None
    comparator: str
    value: float | tuple[float, float]
    unit: str | None

    def per_first(self) -> Threshold:
        """A ratio a:b restated as b per one a, comparator flipped (>= 1:15 → <= 15); other values unchanged."""
        if not isinstance(self.value, tuple):
            return self
        a, b = self.value
        return Threshold(self.stage, _FLIP[self.comparator], b / a, None)


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator."""

    id: str
    scheme: str  # 教督〔2017〕6号 | 教督〔2020〕1号 | common
    group: str  # the scheme's row id; equals ``id`` unless the row was split
    dimension: str
    name: str  # official wording, short form
    aliases: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    direction: str  # higher_better | lower_better | qualitative
    unit: str | None
    qualitative: bool
    verified: bool
    stages: tuple[str, ...] = ()
    stage_aliases: tuple[str, ...] = ()
    source_note: str = ""
    ratio_terms: tuple[str, str] | None = None  # (a, b) of an a:b ratio


# --- normalisation ------------------------------------------------------------

_NOISE = re.compile(
    r"[\s\"'“”‘’《》〈〉「」『』()()\[\]【】、,,。.;;::!!??·•…—~～-]"
    r"|(?<![安健完齐])全(?:市|县|区|省|镇|州|旗)|(?:我|本)(?:市|县|区|省|镇)|[县市区]域内|[县市]域"
    r"|所有|确保|力争|争取|的|各|(?<![生平人户])均(?![衡等值匀])"
)


def normalise(text: str) -> str:
    """NFKC, then drop whitespace, punctuation, quotes and region/collective noise (全市, 我县, 各, 的, 均 …)."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


_STAGE_NAMES = {w: k for k, ws in {
    "学前": "学前 学前教育 幼儿园", "义务教育": "义务教育 义务教育阶段 九年义务教育 九年一贯制 十二年一贯制",
    "高中": "高中 普通高中 高中阶段 高中阶段教育", "特殊教育": "特殊教育 特教", "职业教育": "职业教育 中职",
}.items() for w in ws.split()}
_LEVEL = {"学前": "pre", "小学": "cmp", "初中": "cmp", "义务教育": "cmp", "特殊教育": "cmp", "中小学": "k12",
          "高中": "sec", "职业教育": "voc"}
_CONTAINS = {"义务教育": {"小学", "初中", "特殊教育"}, "中小学": {"小学", "初中", "义务教育", "特殊教育", "高中"}}
_STAGE_RX = re.compile(  # stage words a phrase may carry; 中小学 before 小学, 小学化 is not a stage
    r"(?P<学前>学前|幼儿|入园|在园|托幼)|(?P<中小学>中小学)|(?P<小学>小学(?!化))|(?P<初中>初中)"
    r"|(?P<义务教育>义务教育|一贯制|九年)|(?P<高中>高中)|(?P<特殊教育>特殊教育|特教)"
)
_UNIT_RX = re.compile(
    r"(?P<pct>%|百分)|(?P<seat>座)|(?P<area>平方米|m2)|(?P<money>元)|(?P<ratio>ratio|:|比)|(?P<room>间)"
    r"|(?P<level>级)|(?P<person>人|名)|(?P<count>个|所|项|次)"
)


def _stage(stage: str | None) -> str | None:
    """Canonical stage word (幼儿园 → 学前, 九年一贯制 → 义务教育); unknown words pass through."""
    s = re.sub(r"\s", "", stage or "")
    return _STAGE_NAMES.get(s, s) or None


def _infer_stage(norm: str) -> str | None:
    """The stage a normalised phrase names by itself, when its stage words agree on one level."""
    found = {m.lastgroup for m in _STAGE_RX.finditer(norm)}
    if len(found) > 1 and found <= {"小学", "初中", "义务教育", "特殊教育"}:
        return "义务教育"
    return found.pop() if len(found) == 1 else None


def _stage_score(req: str | None, stages: tuple[str, ...]) -> int:
    """3 same stage, 2 one contains the other, 1 same level or unknown, 0 another level (a veto)."""
    if req is None or req not in _LEVEL or not stages:
        return 1
    if req in stages:
        return 3
    if any(s in _CONTAINS.get(req, ()) or req in _CONTAINS.get(s, ()) for s in stages):
        return 2
    lv = _LEVEL[req]
    near = {lv, None} | ({"cmp", "sec"} if lv == "k12" else {"k12"} if lv in ("cmp", "sec") else set())
    return 1 if near & {_LEVEL.get(s) for s in stages} else 0


def _unit_class(unit: str | None) -> str | None:
    """A coarse class of a unit (pct, area, money, ratio, person …) for tie-breaking."""
    m = _UNIT_RX.search(unicodedata.normalize("NFKC", unit or ""))
    return m.lastgroup if m else None


# --- loading ------------------------------------------------------------------


class _Index(NamedTuple):
    items: tuple[Indicator, ...]
    by_id: dict[str, Indicator]  # casefolded id or group id → indicator
    exact: dict[str, tuple[tuple[int, bool], ...]]  # normalised alias → (position, stage-only)
    contained: tuple[tuple[str, int, bool], ...]  # (normalised alias, position, stage-only), longest first
    names: tuple[frozenset[str], ...]  # per position: normalised name, aliases and stage aliases
    units: tuple[frozenset[str], ...]  # per position: unit classes of the indicator and its thresholds


def _threshold(row: dict) -> Threshold:
    v = row["value"]
    value = (float(v[0]), float(v[1])) if isinstance(v, list) else float(v)
    return Threshold(row.get("stage"), row["comparator"], value, row.get("unit"))


def _indicator(d: dict) -> Indicator:
    t = d.get("ratio_terms")
    return Indicator(
        d["id"], d["scheme"], d.get("group") or d["id"], d["dimension"], d["name"], tuple(d.get("aliases", ())),
        tuple(map(_threshold, d.get("thresholds", ()))), d["direction"], d.get("unit"), bool(d.get("qualitative")),
        bool(d.get("verified")), tuple(d.get("stages", ())), tuple(d.get("stage_aliases", ())),
        d.get("source_note", ""), (t[0], t[1]) if t else None)


@lru_cache(maxsize=1)
def _index() -> _Index:
    raw = resources.files("kb").joinpath("data/indicators.json").read_text(encoding="utf-8")
    items = tuple(_indicator(d) for d in json.loads(raw))
    by_id: dict[str, Indicator] = {}
    exact: dict[str, list[tuple[int, bool]]] = {}
    contained: list[tuple[str, int, bool]] = []
    for pos, ind in enumerate(items):
        by_id.setdefault(ind.id.casefold(), ind)
        by_id.setdefault(ind.group.casefold(), ind)
        for words, stage_only in (((ind.name, *ind.aliases), False), (ind.stage_aliases, True)):
            for a in dict.fromkeys(normalise(w) for w in words):
                if a:
                    exact.setdefault(a, []).append((pos, stage_only))
                    if len(a) >= 3:
                        contained.append((a, pos, stage_only))
    contained.sort(key=lambda c: (-len(c[0]), c[1]))
    names = tuple(frozenset(filter(None, map(normalise, (i.name, *i.aliases, *i.stage_aliases)))) for i in items)
    units = tuple(frozenset(filter(None, map(_unit_class, (i.unit, *(t.unit for t in i.thresholds))))) for i in items)
    return _Index(items, by_id, {k: tuple(v) for k, v in exact.items()}, tuple(contained), names, units)


# --- API ----------------------------------------------------------------------


def indicators() -> list[Indicator]:
    """Every indicator, in file order (2017 scheme, 2020 scheme, common); loaded once."""
    return list(_index().items)


def get(indicator_id: str) -> Indicator | None:
    """The indicator with this id (case-insensitive); a group id (YJ-G11) gives the group's first member."""
    return _index().by_id.get((indicator_id or "").strip().casefold())


@lru_cache(maxsize=8192)
def match(phrase: str, stage: str | None = None, unit: str | None = None) -> str | None:
    """Canonical id for a local indicator phrase as extracted from text, or None.

    The phrase is normalised (noise words dropped), then matched exactly against
    the normalised aliases, else by containment of an alias (at least 3
    characters).  Candidates at another education level than ``stage`` (or the
    stage the phrase itself names) are dropped, and stage aliases need a
    compatible stage.  The longest alias wins; ties go to the better stage fit,
    then to a matching ``unit`` class.  A tie between different groups is None.
    """
    norm = normalise(phrase)
    if not norm:
        return None
    idx = _index()
    req = _stage(stage) or _infer_stage(norm)
    ucls = _unit_class(unit)
    pools = (
        ((pos, so, len(norm)) for pos, so in idx.exact.get(norm, ())),
        ((pos, so, len(a)) for a, pos, so in idx.contained if a in norm),
    )
    for pool in pools:
        cands: list[tuple[tuple[int, int, int], int]] = []
        for pos, stage_only, length in pool:
            fit = _stage_score(req, idx.items[pos].stages)
            if fit == 0 or (stage_only and fit < 2):
                continue
            unit_fit = int(ucls is None or not idx.units[pos] or ucls in idx.units[pos])
            cands.append(((length, fit, unit_fit), pos))
        if cands:
            best = max(k for k, _ in cands)
            top = sorted({pos for k, pos in cands if k == best})
            return None if len({idx.items[p].group for p in top}) > 1 else idx.items[top[0]].id
    return None


def threshold(indicator_id: str, stage: str | None) -> Threshold | None:
    """The national threshold of an indicator for a stage, or None.

    An exact stage row wins, then a row of a containing stage (小学 → 义务教育).
    Without a stage the rows must all agree; 义务教育 and 中小学 fall back to the
    小学/初中 rows only when those agree; another stage the indicator covers
    (初中 for a 高中-招生 row) gets the rows when they all agree.
    """
    ind = get(indicator_id)
    if ind is None or not ind.thresholds:
        return None
    rows, st = ind.thresholds, _stage(stage)

    def agreed(ts: tuple[Threshold, ...]) -> Threshold | None:
        return ts[0] if ts and len({(t.comparator, t.value, t.unit) for t in ts}) == 1 else None

    if st is None:
        return agreed(rows)
    hit = next((t for t in rows if t.stage == st), None) or next(
        (t for t in rows if t.stage in _CONTAINS and st in _CONTAINS[t.stage]), None)
    if hit is not None:
        return hit
    parts = tuple(t for t in rows if t.stage in ("小学", "初中"))
    if st in _CONTAINS and {t.stage for t in parts} == {"小学", "初中"}:
        return agreed(parts)
    return agreed(rows) if _stage_score(st, ind.stages) >= 2 else None


def search(text: str) -> list[Indicator]:
    """Indicators for a user's --indicator argument: id or group id, then exact name/alias, then substring."""
    q = (text or "").strip()
    if not q:
        return []
    idx = _index()
    key, norm = q.casefold(), normalise(q)
    ids = [i for i in idx.items if key in (i.id.casefold(), i.group.casefold())]
    exact = [i for i, names in zip(idx.items, idx.names) if norm in names]
    near = [
        i for i, names in zip(idx.items, idx.names)
        if i.id.casefold().startswith(key) or (norm and any(norm in a or (len(a) >= 3 and a in norm) for a in names))
    ]
    return list(dict.fromkeys(ids + exact + near))


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _threshold_json(t: Threshold, ind: Indicator) -> dict:
    d: dict = {"stage": t.stage, "comparator": t.comparator, "unit": t.unit,
               "value": [_num(x) for x in t.value] if isinstance(t.value, tuple) else _num(t.value)}
    if isinstance(t.value, tuple):
        p = t.per_first()
        per = f"{ind.ratio_terms[1]}/{ind.ratio_terms[0]}" if ind.ratio_terms else None
        d["per_first"] = {"comparator": p.comparator, "value": _num(round(float(p.value), 6)), "unit": per}
    return d


def as_json() -> list[dict]:
    """National indicators (``source: national``), then local families (kb.families), for ``indicators --json``."""
    from .families import families_json
    return [{
        "id": i.id, "name": i.name, "aliases": list(i.aliases), "dimension": i.dimension,
        "thresholds": [_threshold_json(t, i) for t in i.thresholds], "scheme": i.scheme, "group": i.group,
        "direction": i.direction, "qualitative": i.qualitative, "verified": i.verified, "unit": i.unit,
        "stages": list(i.stages), "source_note": i.source_note, "source": "national",
    } for i in _index().items] + families_json()
