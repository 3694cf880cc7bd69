"""Canonical names of responsible units: region name + full department name.

``canonical_unit("市发改局", 普宁市)`` → ``("普宁市发展和改革局", False)``.

Rules, in order:

* whitespace and line breaks inside a name are removed ("市 残 联",
  "人\\n力资源和社会保障局");
* collectives (各镇(街道), 相关镇(街道), 各县(市、区)人民政府, 县级各有关部门 …)
  are kept whole and flagged;
* development zones (经济开发区, 东部新区 …) become ``<region short name> +
  zone + 管委会`` (晋江经济开发区管委会, as in the gold) and are flagged as
  collectives too (a zone administers several towns);
* 团市委/团县委 … become 共青团<region>委 (共青团温岭市委);
* central organs (教育部, 国家发展和改革委员会, 人社部 …) become their official
  short name (国家发展改革委, 人力资源社会保障部) without any region prefix;
* a name written with an explicit region keeps it (揭阳市生态环境局普宁分局,
  泉州市政府办公室 → 泉州市人民政府办公室); only the department part is
  mapped through the alias table, and only when it is a known alias;
* a level prefix (省/市/县/区/州/旗/盟) is replaced by the region of that
  level — the document's region when its name ends with the level character,
  else its prefecture or province; Party organs keep 委 (市委编办 →
  普宁市委编办, never 市委财政局: a government bureau never takes 委);
* a name without a prefix takes the one of ``inherit`` (the unit written
  before it in the same 、-group), else the document's region;
* the department words go through ``kb/data/unit_aliases.json``
  (市人社局 = 市人力社保局 = 市人力资源社会保障局 → 人力资源和社会保障局).

Without a region, the level character stays (市教育局 → 市教育局).

The module also holds the bracket-balanced span helpers the unit-list parser
uses (:func:`split_top`, :func:`list_items`, :func:`top_parens`): separators
inside nested parentheses ("各县(市、区)人民政府") never split a name.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..models import Region
from ..regions import lookup

__all__ = ["canonical_unit", "central_unit", "clean_name", "department_type", "has_prefix", "is_collective", "item_names",
           "looks_like_unit", "is_anchored", "region_short", "list_items", "split_top", "top_parens", "trim"]

LEVELS = "省市县区州旗盟"
_WS = re.compile(r"\s+")
_EDGE = "、,,;;::。.·  \t\r\n"
_COLLECTIVE = re.compile(
    r"^(?:各|相关|有关|其他|其它|所属|全[省市县区州旗盟])"
    r"|^[省市县区州旗盟](?:级|直)(?:各|有关|相关)"
    r"|[((][省市县区州旗盟](?:、[省市县区州旗盟])+[))]"
    r"|(?:有关|相关)(?:部门|单位)$|各成员单位|等部门$|等单位$"
)
_PAREN_TAIL = re.compile(r"(?:[((][^()()]*[))])+$")
_UNIT_SUFFIX = re.compile(
    r"(?:局|委|办|院|会|中心|政府|部门|单位|部|厅|联|协|街道|镇|乡|处|室|署|队|所|站|校|社|集团|公司|团|区|场|馆|台|行|机构"
    r"|(?<![公上])司"  # a ministry's divisions: 基础教育一司, 教师工作司, 财务司
    r"|股|(?<![学本专文理工医农外内儿眼])科)$"  # a bureau's sections: 基教股, 人事科
)
_LEAGUE = re.compile(r"^团([省市县区州旗盟])委$")
_JUNK = re.compile(r"[0-9%%。“”\"《》]")
_BRACKETS = re.compile(r"[()()]")
_BRANCH = re.compile(r"^(.{2,12}?[局委])(.{2,8}分局)$")  # 规划资源局 + 武清分局
# a department named by its type, not by its name (教育行政部门, 财政部门, 县级以上人民政府教育行政部门)
_DEPT_TYPE = re.compile(r"(?P<field>[\u4e00-\u9fff]{2,14}?)(?:等)?部门$")
# the words before 部门 that name no field of work (有关部门, 职能部门, 成员部门 …)
_NOT_A_FIELD = re.compile(r"(?:有关|相关|其他|其它|职能|成员|责任|牵头|配合|协办|参与|业务|主管|行政|各|所属|直属|下属|上级|同级|政府)$")
# a bare level or area word of a list that shares the name after it (各设区市、县(市、区)教育行政部门)
# or before it (各乡(镇)、街道)
_LEVEL_ONLY = re.compile(r"^(?:各|全)?(?:设区的?)?[省市县区州旗盟](?:[((][^()()]{1,8}[))])?(?:级)?$")
_GENERIC_ORGAN = re.compile(r"^(?:街道办事处|街道|乡镇人民政府|乡人民政府|镇人民政府|社区居委会|村委会|村民委员会|居委会|中小学校?|幼儿园|学校)$")
_AREA_ONLY = re.compile(r"^(?:街道|社区|乡镇|乡|镇|场|农场|林场)(?:[((][^()()]{1,8}[))])?$")
# field words of a shared-suffix list of department types (发展改革、自然资源、住房和城乡建设等部门)
_FIELD_WORD = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


@dataclass(frozen=True)
class _Aliases:
    departments: dict[str, str]
    party: dict[str, str]
    party_bare: frozenset[str]  # party organs recognisable without 委 (编办, 宣传部 …)
    zones: tuple[str, ...]
    central: dict[str, str]  # central organs, any written form -> official short name


@lru_cache(maxsize=1)
def _aliases() -> _Aliases:
    raw = json.loads(resources.files("kb").joinpath("data/unit_aliases.json").read_text(encoding="utf-8"))
    party = dict(raw.get("party", {}))
    bare = frozenset(k for k in party if k not in {"办", "办公室", "办公厅", "外办", "台办"})
    zones = tuple(sorted(raw.get("zones", []), key=len, reverse=True))
    return _Aliases(dict(raw.get("departments", {})), party, bare, zones, dict(raw.get("central", {})))


def central_unit(name: str) -> str | None:
    """The official short name of a central organ written as cleaned ``name``
    (国家发展和改革委员会 → 国家发展改革委), else None.  Central organs take no
    region prefix whatever the document's region."""
    return _aliases().central.get(name)


def clean_name(raw: str) -> str:
    """The name without whitespace, line breaks or edge punctuation."""
    name = "".join((raw or "").split()).strip(_EDGE)  # = _WS.sub("", raw): split() drops the same \s runs, faster
    return name[:-4] if name.endswith(("(牵头)", "(牵头)")) else name  # 县教育局(牵头): the marker is no part of it


def region_short(name: str) -> str:
    """普宁市 → 普宁, 某某县 → 某某, 青海省 → 青海 (kept whole when that leaves one character)."""
    for suffix in ("自治县", "自治旗", "自治州", "自治区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    if len(name) > 2 and name[-1] in LEVELS:
        return name[:-1]
    return name


def _level_region(level: str, region: Region | None) -> str:
    """The region a level character refers to in a document of ``region``."""
    if region is None:
        return level
    if level == "省":
        if region.level == "province":
            return region.name
        return region.province or level
    for name in (region.name, region.prefecture, region.province):
        if name and name.endswith(level):
            return name
    return level


@lru_cache(maxsize=4096)
def _explicit_region(name: str) -> tuple[str, str] | None:
    """(region, rest) when ``name`` starts with a real region name (揭阳市…)."""
    for i in range(1, min(len(name) - 1, 10)):
        if name[i] in LEVELS and lookup(name[: i + 1]):
            return name[: i + 1], name[i + 1:]
    return None


def _department(rest: str) -> str:
    """The full name of a department; a branch office (规划资源局武清分局) names its parent in full."""
    departments = _aliases().departments
    if rest in departments:
        return departments[rest]
    m = _BRANCH.match(rest)
    if m and m.group(1) in departments:
        return departments[m.group(1)] + m.group(2)
    return rest


def _party(rest: str) -> str:
    return _aliases().party.get(rest, rest)


_ZONE_BOARD = re.compile(r"(?:管委会|管理委员会)$")


def _zone(name: str) -> str | None:
    """The zone words (东部新区, 经济开发区) when ``name`` names a development zone."""
    body = _ZONE_BOARD.sub("", name)
    for z in _aliases().zones:
        if body.endswith(z):
            return body
    return None


def department_type(name: str) -> str | None:
    """The name of a department named by its type (教育行政部门, 住房和城乡建设等部门 →
    住房和城乡建设部门; 各设区市教育行政部门 → 设区市教育行政部门: the scope words stay,
    the quantifier 各 goes), else None."""
    if not name.endswith("部门") or "等部门" in name[:-3]:
        return None
    m = _DEPT_TYPE.search(name)
    if not m:
        return None
    field = re.sub(r"(?:行政|主管)$", "", m.group("field"))
    if len(field) < 2 or _NOT_A_FIELD.search(field):
        return None
    name = name[1:] if name.startswith("各") else name
    return name.replace("等部门", "部门") if name.endswith("等部门") else name


def is_collective(name: str) -> bool:
    """Whether cleaned ``name`` names several units (各镇(街道), 县级各有关部门 …)."""
    return bool(_COLLECTIVE.search(name))


def _is_department(name: str) -> bool:
    """A department written without any prefix (市场监管局 is not 市 + 场监管局)."""
    a = _aliases()
    return name in a.departments or name.startswith("市场") or name in a.party_bare


def _split_prefix(name: str) -> tuple[str | None, str | None, str]:
    """(explicit region, level character, rest) of a name."""
    if len(name) > 1 and name[0] in LEVELS and not _is_department(name):
        return None, name[0], name[1:]
    explicit = _explicit_region(name)
    if explicit:
        return explicit[0], None, explicit[1]
    return None, None, name


def ministry_of(name: str) -> str | None:
    """The central ministry a division's name opens with (教育部基础教育一司 → 教育部), else None."""
    for i in range(min(len(name) - 1, 12), 1, -1):
        if central_unit(name[:i]):
            return name[:i]
    return None


def has_prefix(name: str) -> bool:
    """Whether cleaned ``name`` carries its own level or region prefix (市教育局, 泉州市政府办公室)."""
    explicit, level, _ = _split_prefix(name)
    return bool(explicit or level)


def _national(region: Region | None, inherit: str | None) -> bool:
    """Whether a name without prefix stands among central organs: a national document,
    or the unit written before it is a ministry."""
    if region is not None:
        return region.level == "national"
    return bool(inherit) and central_unit(clean_name(inherit)) is not None


def _inherited_prefix(inherit: str | None, region: Region | None) -> str:
    """The region an unprefixed name takes: that of ``inherit``, else the document's."""
    if inherit:
        explicit, level, _ = _split_prefix(clean_name(inherit))
        if explicit:
            return explicit
        if level:
            return _level_region(level, region)
    return region.name if region and region.level != "national" else ""


def _compose(prefix: str, rest: str) -> str:
    """Prefix + department, with 委 for Party organs."""
    if rest.startswith("委") and len(rest) > 1:
        return prefix + "委" + _party(rest[1:])
    if rest in _aliases().party_bare:
        return prefix + "委" + _party(rest)
    if rest == "团委":
        return "共青团" + prefix + "委"
    return prefix + _department(rest)


@lru_cache(maxsize=16384)  # plans name the same bureaus again and again
def canonical_unit(raw: str, region: Region | None, inherit: str | None = None) -> tuple[str, bool]:
    """(canonical name, is_collective) of a unit as written.

    ``inherit`` is the unit written before it in the same 、-group (as written,
    e.g. "市教育局" or "泉州市政府办公室"); an abbreviated name without a level
    or region prefix takes that unit's prefix (财政局 after 市教育局 → 晋江市财政局).
    """
    name = clean_name(raw)
    if not name:
        return "", False
    dept = department_type(name)
    if dept:  # a class of organs named by type (财政部门): no one named unit, so collective
        return dept, True
    if is_collective(name):
        return name, True
    if inherit and is_collective(clean_name(inherit)) and _GENERIC_ORGAN.match(name):
        return name, True  # 各镇人民政府、街道办事处: the 各 is shared by the second organ type
    central = central_unit(name) or (central_unit("国家" + name) if _national(region, inherit) else None)
    if central:  # 发展改革委 among ministries is 国家发展改革委
        return central, False
    m = _LEAGUE.match(name)
    if m:
        return "共青团" + _level_region(m.group(1), region) + "委", False
    if name.endswith("司") and inherit and (ministry := ministry_of(clean_name(inherit))) \
            and not name.startswith(ministry):
        return ministry + name, False  # 教育部基础教育一司、发展规划司: a division of the same ministry
    if _LEVEL_GOVERNMENT.match(name):
        return name, False  # 省级人民政府教育督导机构: the organ of every province, as written
    explicit, level, rest = _split_prefix(name)
    own = [n for n in (region.name, region.prefecture, region.province) if n] if region else []
    for n in own:  # the document's own region, even when the gazetteer does not know it
        if not explicit and name.startswith(n) and len(name) > len(n):
            explicit, level, rest = n, None, name[len(n):]
    zone = _zone(rest) if rest else None
    if zone is not None:
        owner = explicit or (_level_region(level, region) if level else _inherited_prefix(inherit, region))
        short = region_short(owner) if owner and owner not in LEVELS else owner
        if short and zone.startswith(short):
            short = ""
        return short + zone + "管委会", True
    if explicit:
        if rest.startswith("委") or rest in _aliases().departments or rest in _aliases().party_bare:
            return _compose(explicit, rest), False
        return name, False
    if level:
        return _compose(_level_region(level, region), rest), False
    return _compose(_inherited_prefix(inherit, region), rest), False


@lru_cache(maxsize=16384)
def looks_like_unit(name: str) -> bool:
    """Whether cleaned ``name`` reads as an organisation (suffix 局/委/办/政府/街道 …)."""
    if not 2 <= len(name) <= 40 or _JUNK.search(name):
        return False
    if _LEAGUE.match(name) or _is_department(name) or central_unit(name) or department_type(name):
        return True
    core = _PAREN_TAIL.sub("", name)
    return len(core) >= 2 and bool(_UNIT_SUFFIX.search(core))


def is_anchored(name: str) -> bool:
    """Whether a name can open a unit list on its own: it carries a level or
    region prefix, or is a collective, a zone, 团市委 or a known department."""
    if not looks_like_unit(name):
        return False
    if is_collective(name) or _LEAGUE.match(name) or _zone(name) or central_unit(name) or department_type(name):
        return True
    if name[0] in LEVELS and len(name) > 2 and (name[1] not in "级直" or _LEVEL_GOVERNMENT.match(name)):
        return True  # 市教育局; 省级人民政府教育督导机构 (not 省级示范园)
    return _explicit_region(name) is not None or name in _aliases().departments or (
        name.endswith("司") and ministry_of(name) is not None)  # 教育部基础教育一司


# --- unit lists: bracket-balanced spans ---------------------------------------


def trim(text: str, s: int, e: int, chars: str = " \t\r\n\u3000、,,;;::。.") -> tuple[int, int]:
    """[s, e) without the edge characters ``chars``."""
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


@lru_cache(maxsize=32)
def _split_marks(seps: str) -> re.Pattern:
    return re.compile("[" + re.escape("()" + seps) + "]")


def split_top(text: str, s: int, e: int, seps: str) -> list[tuple[int, int]]:
    """Pieces of text[s:e] between separators at bracket depth 0 (only brackets and separators are visited)."""
    out, depth, start = [], 0, s
    for m in _split_marks(seps).finditer(text, s, e):
        ch, i = m.group(), m.start()
        if ch in "((":
            depth += 1
        elif ch in "))":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, e))
    return out


def list_items(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The items of a 、-list in text[s:e], trimmed (a trailing 等 dropped).

    A bare level word joins the item after it ("各设区市、县(市、区)教育行政部门"
    is one department type) and a bare area word the collective before it
    ("各乡(镇)、街道" is one collective): neither names a unit on its own.
    """
    out: list[tuple[int, int]] = []
    pieces: list[list[tuple[int, int]]] = []  # the pieces of each item, to undo a join nothing completes
    join_next = False
    for a, b in split_top(text, s, e, "、"):
        a, b = trim(text, a, b)
        if b > a and text[b - 1] == "等" and b - a > 2:
            b -= 1
        if b <= a:
            continue
        name = clean_name(text[a:b])
        if out and ((join_next and name[:1] in LEVELS) or (_AREA_ONLY.match(name) and is_collective(clean_name(text[out[-1][0]:out[-1][1]])))):
            out[-1] = (out[-1][0], b)
            pieces[-1].append((a, b))
        else:
            out.append((a, b))
            pieces.append([(a, b)])
        join_next = bool(_LEVEL_ONLY.match(name))
    if join_next and len(pieces[-1]) > 1:  # a list ending with a bare level word: nothing shares it
        out[-1:] = pieces[-1]
    return out


_LEVEL_GOVERNMENT = re.compile(r"[省市县区州]级人民政府")
_LEVEL_HEAD = re.compile(r"(?:省|市|县|区|州|盟|旗)级")


def item_names(text: str, items: list[tuple[int, int]], after: int | None = None) -> list[str]:
    """Cleaned names of list items; a shared 部门 is given to each field word before it
    ("发展改革、自然资源、住房和城乡建设等部门" → 发展改革部门, 自然资源部门, 住房和城乡建设部门;
    also when the 等部门 follows the list at ``after``)."""
    names = [clean_name(text[a:b]) for a, b in items]
    if not names:
        return names
    tail = None
    if department_type(names[-1]):
        tail = "部门"
    elif after is not None and not looks_like_unit(names[-1]) and re.match(r"等?部门", text[after:after + 3]):
        tail = "部门"
        names[-1] += tail
    if tail:
        for k, n in enumerate(names[:-1]):
            if _FIELD_WORD.match(n) and not looks_like_unit(n) and department_type(n + tail):
                names[k] = n + tail
        lv = _LEVEL_HEAD.match(names[0])  # 省级教育、财政、编制部门: the level is every type's
        if lv:
            names = [lv.group() + n if k and n.endswith(tail) and not _LEVEL_HEAD.match(n) else n
                     for k, n in enumerate(names)]
    return names


def top_parens(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """(open, close) offsets of the top-level parentheses of one line."""
    out, depth, start = [], 0, -1
    for m in _BRACKETS.finditer(text, s, e):
        if m.group() in "((":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append((start, m.start()))
    return out
