"""Administrative divisions (GB/T 2260 codes): lookup and issuer → region.

The tables are the vendored ``kb/data/regions-2024.txt`` (codes in use at the
end of 2024) and ``kb/data/regions-history.csv`` (every code since 1980 with
its replacement codes); see ``kb/data/SOURCES.md``.  They are read once, on
first use, and cached.

* :func:`by_code` — the :class:`~kb.models.Region` of a code, with its
  prefecture and province filled in (``None`` where the parent prefecture does
  not exist: districts of 直辖市 and 省直辖县级 units such as 429004 仙桃市).
  Retired codes are answered from the history table.
* :func:`lookup` — regions by full name (current names first, then short
  forms of 自治州/自治县/自治区 names, then historic names mapped to the
  current regions that replaced them).
* :func:`find_region` — the most specific region named by a document's issuers.
* :func:`all_regions` — every current region (e.g. for synthetic corpora).
* :data:`NATIONAL` — the region of central documents (国务院, 教育部 …): code
  ``100000``, name 全国, level ``national``; :func:`by_code` and :func:`lookup`
  (全国, 中华人民共和国, 中国) answer it too, :func:`all_regions` leaves it out.

A historic name (a county renamed or merged since, e.g. 吴江市 → 吴江区) is
resolved to the current code(s) that replaced it; when a name was split
among several codes the common parent of those codes is returned.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .models import Region

__all__ = ["NATIONAL", "all_regions", "by_code", "lookup", "find_region", "mentions", "short_name"]

NATIONAL = Region(code="100000", name="全国", level="national")
_NATIONAL_NAMES = frozenset({"全国", "中华人民共和国", "中国"})

# Names of ethnic groups as they occur inside 自治区/州/县/旗 names, longest first
# so that 土家 is stripped before 土.
_ETHNIC = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水
    东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
    乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各族""".split(),
    key=len,
    reverse=True,
)
_AUTONOMOUS = re.compile(r"(自治区|自治州|自治县|自治旗)$")
# Names too generic to be taken on their own: only accepted right after the
# name of their prefecture (阳泉市城区), never alone.
_GENERIC_EXTRA = frozenset({"市中区", "新城区", "老城区", "城关区", "东郊区", "西郊区", "南郊区", "北郊区", "新市区"})


def _is_generic(name: str) -> bool:
    """城区, 郊区, 市区, 新区, 市中区 …: common words as well as region names."""
    return (len(name) == 2 and name.endswith("区")) or name in _GENERIC_EXTRA

_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|地区|省|市|盟)$")


@dataclass(frozen=True)
class _HistRow:
    code: str
    province: str
    prefecture: str
    name: str
    level: str
    status: str
    start: int
    end: int | None
    successors: tuple[str, ...]  # plain replacement codes
    partial: tuple[str, ...]  # codes that took over a part ("130102[2001]")


@dataclass(frozen=True)
class _Table:
    names: dict[str, str]  # current code -> name
    by_name: dict[str, tuple[str, ...]]  # current full name -> codes
    aliases: dict[str, tuple[str, ...]]  # short form -> codes (no clash with a full name)
    historic: dict[str, tuple[str, ...]]  # retired name -> current codes (or common parent)
    history: dict[str, tuple[_HistRow, ...]]  # code -> rows, oldest first
    max_len: int
    first_chars: frozenset[str]


def _read(name: str) -> str:
    return (resources.files("kb") / "data" / name).read_text(encoding="utf-8-sig")


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def _ethnic_stem(name: str) -> str:
    """黔东南苗族侗族自治州 → 黔东南; 宁夏回族自治区 → 宁夏; '' when not autonomous."""
    m = _AUTONOMOUS.search(name)
    if not m:
        return ""
    stem = name[: m.start()]
    changed = True
    while changed:
        changed = False
        for e in _ETHNIC:
            for tail in (e + "族", e):
                if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    stem = stem[: -len(tail)]
                    changed = True
                    break
            if changed:
                break
    return stem if stem != name[: m.start()] else ""


def _parse_codes(field: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    plain, partial = [], []
    for part in field.split(";"):
        part = part.strip()
        if not part:
            continue
        if "[" in part:
            partial.append(part.split("[", 1)[0])
        else:
            plain.append(part)
    return tuple(plain), tuple(partial)


@lru_cache(maxsize=1)
def _table() -> _Table:
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for line in _read("regions-2024.txt").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            names[parts[0]] = parts[1]
            by_name.setdefault(parts[1], []).append(parts[0])

    history: dict[str, list[_HistRow]] = {}
    reader = csv.reader(io.StringIO(_read("regions-history.csv")))
    next(reader, None)
    for row in reader:
        if len(row) < 9 or not row[0].isdigit():
            continue
        plain, partial = _parse_codes(row[8])
        end = int(row[7]) if row[7].isdigit() else None
        start = int(row[6]) if row[6].isdigit() else 0
        history.setdefault(row[0], []).append(
            _HistRow(row[0], row[1], row[2], row[3], row[4], row[5], start, end, plain, partial)
        )
    for rows in history.values():
        rows.sort(key=lambda r: r.start)

    aliases: dict[str, list[str]] = {}
    for code, name in names.items():
        stem = _ethnic_stem(name)
        if not stem:
            continue
        kind = _AUTONOMOUS.search(name).group(1)  # type: ignore[union-attr]
        short = {"自治区": stem, "自治州": stem + "州", "自治县": stem + "县", "自治旗": stem + "旗"}[kind]
        for alias in (short, stem + kind):  # 威宁县 and 威宁自治县 for 威宁彝族回族苗族自治县
            if alias not in by_name and alias != name:
                aliases.setdefault(alias, []).append(code)

    historic: dict[str, set[str]] = {}
    for rows in history.values():
        for r in rows:
            if r.status == "在用" or r.name in by_name:
                continue
            succ = _resolve(r, history, names, set())
            if succ:
                historic.setdefault(r.name, set()).update(succ)
    hist_final: dict[str, tuple[str, ...]] = {}
    for name, codes in historic.items():
        hist_final[name] = (_common_parent(codes, names),) if len(codes) > 1 else tuple(codes)
        if hist_final[name] == ("",):
            hist_final[name] = tuple(sorted(codes))

    keys = set(by_name) | set(aliases) | set(hist_final)
    return _Table(
        names=names,
        by_name={k: tuple(v) for k, v in by_name.items()},
        aliases={k: tuple(v) for k, v in aliases.items()},
        historic=hist_final,
        history={k: tuple(v) for k, v in history.items()},
        max_len=max(map(len, keys)),
        first_chars=frozenset(k[0] for k in keys),
    )


def _resolve(
    row: _HistRow, history: dict[str, list[_HistRow]], names: dict[str, str], seen: set[tuple[str, int | None]]
) -> set[str]:
    """Current codes that replaced a retired row (following chains of renames)."""
    out: set[str] = set()
    for code in row.successors or row.partial:
        if code == row.code and row.status == "变更" and code in names:
            out.add(code)
            continue
        if (code, row.end) in seen:
            continue
        seen.add((code, row.end))
        later = [r for r in history.get(code, ()) if r.status != "在用" and r.start >= (row.end or 0) - 1]
        if code in names and not later:
            out.add(code)
        elif later:
            out |= _resolve(later[0], history, names, seen)
        elif code in names:
            out.add(code)
    return out


def _common_parent(codes: set[str], names: dict[str, str]) -> str:
    """The lowest existing prefecture/province containing every code, or ''."""
    prefs = {c[:4] + "00" for c in codes}
    if len(prefs) == 1 and (p := prefs.pop()) in names:
        return p
    provs = {c[:2] + "0000" for c in codes}
    if len(provs) == 1 and (p := provs.pop()) in names:
        return p
    return ""


@lru_cache(maxsize=8192)
def by_code(code: str) -> Region | None:
    """The region with this 6-digit code (current, else its last historic form)."""
    t = _table()
    code = str(code).strip()
    if code == NATIONAL.code:
        return NATIONAL
    if code in t.names:
        name, level = t.names[code], _level(code)
        prov_code = code[:2] + "0000"
        province = t.names.get(prov_code)
        pref_code = code[:4] + "00" if level == "county" else None
        prefecture = t.names.get(pref_code) if pref_code else None
        return Region(
            code=code,
            name=name,
            level=level,
            prefecture_code=pref_code if prefecture else None,
            prefecture=prefecture,
            province_code=prov_code if level != "province" and province else None,
            province=province if level != "province" else None,
        )
    rows = t.history.get(code)
    if not rows:
        return None
    r = rows[-1]
    level = {"省级": "province", "地级": "prefecture"}.get(r.level, "county")
    pref = r.prefecture if level == "county" and r.prefecture not in ("", "直辖") else None
    return Region(
        code=code,
        name=r.name,
        level=level,
        prefecture_code=code[:4] + "00" if pref else None,
        prefecture=pref,
        province_code=code[:2] + "0000" if level != "province" else None,
        province=r.province if level != "province" else None,
    )


def all_regions() -> list[Region]:
    """Every region in use at the end of 2024 (3,213), sorted by code."""
    return [r for r in (by_code(c) for c in sorted(_table().names)) if r is not None]


def _codes_for(name: str) -> tuple[str, ...]:
    t = _table()
    return t.by_name.get(name) or t.aliases.get(name) or t.historic.get(name) or ()


def lookup(name: str) -> list[Region]:
    """Regions called ``name``: current full names, else short 自治 forms, else
    the current successors of a historic name.  Sorted by code."""
    name = (name or "").strip()
    if name in _NATIONAL_NAMES:
        return [NATIONAL]
    out = [by_code(c) for c in sorted(_codes_for(name))]
    return [r for r in out if r is not None]


def mentions(text: str) -> list[tuple[int, int, str]]:
    """Region names in ``text``: leftmost-longest, non-overlapping (start, end, name).

    Generic names (城区, 郊区, 市中区 …) are only kept right after another mention.
    """
    t = _table()
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] not in t.first_chars:
            i += 1
            continue
        for L in range(min(t.max_len, n - i), 1, -1):
            cand = text[i : i + L]
            if cand in t.by_name or cand in t.aliases or cand in t.historic:
                if _is_generic(cand) and not (out and out[-1][1] == i):
                    continue
                out.append((i, i + L, cand))
                i += L - 1
                break
        i += 1
    return out


def short_name(name: str | None) -> str | None:
    """揭阳市 → 揭阳, 广东省 → 广东, 宁夏回族自治区 → 宁夏 (None when too short)."""
    return _short(name)


def _short(name: str | None) -> str | None:
    """揭阳市 → 揭阳, 广东省 → 广东, 宁夏回族自治区 → 宁夏 (None when too short)."""
    if not name:
        return None
    s = _ethnic_stem(name) or _SUFFIX.sub("", name)
    return s if len(s) >= 2 else None


def _mentioned(region_name: str | None, text: str) -> int:
    """How often a region is named in ``text`` (by its short form when it has one)."""
    if not region_name or not text:
        return 0
    short = _short(region_name)
    return text.count(short) if short else text.count(region_name)


def _is_within(inner: Region, outer: Region) -> bool:
    return outer.code in (inner.code, inner.prefecture_code, inner.province_code)


def _resolve_mention(cands: list[Region], issuers: str, hints: str) -> Region | None:
    """One region for a name: by context in the issuers, then in the hints, else the common parent."""
    if len(cands) <= 1:
        return cands[0] if cands else None

    def score(r: Region) -> tuple[int, int, int]:
        parent = r.prefecture or r.province
        in_issuers = 2 if _mentioned(r.prefecture, issuers) else 1 if _mentioned(r.province, issuers) else 0
        return (in_issuers, _mentioned(parent, hints), _mentioned(r.province, hints))

    scored = sorted(((score(r), r) for r in cands), key=lambda x: x[0], reverse=True)
    best = [r for s, r in scored if s == scored[0][0]]
    if len(best) == 1:
        return best[0]
    parent = _common_parent({r.code for r in best}, _table().names)
    return by_code(parent) if parent else None


_RANK = {"county": 0, "prefecture": 1, "province": 2}


def find_region(texts: list[str], hints: str = "") -> Region | None:
    """The most specific region that issued a document.

    ``texts`` are issuer names (普宁市人民政府办公室, 中共青海省委办公厅 …);
    ``hints`` is the title and body text, used only to choose among regions
    that share a name (朝阳区, 鼓楼区 …): a candidate whose prefecture or
    province occurs in the issuers wins, then the one whose prefecture (or
    province) is mentioned most often in the hints.  A name that stays
    ambiguous resolves to the common parent of its candidates, or to nothing.
    """
    try:
        texts = [t for t in (texts or []) if isinstance(t, str) and t]
        joined = " ".join(texts)
        found: list[Region] = []
        for text in texts:
            for _, _, name in mentions(text):
                r = _resolve_mention(lookup(name), joined, hints or "")
                if r is not None:
                    found.append(r)
        if not found:
            return None

        def key(ir: tuple[int, Region]) -> tuple[int, int, int]:
            i, r = ir
            support = sum(1 for o in found if o is not r and _is_within(r, o))
            return (_RANK.get(r.level, 3), -support, i)

        return min(enumerate(found), key=key)[1]
    except Exception:  # never let a malformed input stop metadata extraction
        return None
