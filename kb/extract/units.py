"""Responsible units: who is responsible for each task of a plan
(:func:`extract_responsibilities`, the public entry).

Forms (``Responsibility.form``): ``trailing_paren`` — a unit list in
parentheses closing a task paragraph ("…。(市教育局、市发展改革局,排名第一位为
牵头单位,下同)", "(市政府办公室、市教育局牵头,市级各有关部门按职责分工负责)");
``zeren_danwei_paren`` — "(责任单位:…)" and other labels inside parentheses;
``label`` — line labels "牵头单位:区发改局" / "责任单位:…" / "配合单位:…";
``prose`` — a sentence or comma clause opening with units and a verb
("市财政局负责…", "市委编办、市人社局会同市教育局共同做好…", "市发改局、
市住建局将…"); ``appendix_table`` — the 责任单位 column of a table row.

``lead_rule`` vocabulary (the rule that decided ``role``):

* ``declared_first_is_lead`` — this parenthetical says 排名第一位为牵头单位:
  first unit lead, the others co; ``inherited_first_is_lead (下同)`` — a later
  list of a document whose declaration said 下同;
* ``x_牵头`` — "X牵头, Y按职责分工负责/配合": X lead, Y co; ``x_负责`` —
  "(X负责)": X lead;
* ``label_牵头单位`` (lead); ``label_配合单位``, ``label_协办单位`` … (co);
  ``label_责任单位`` (co, beside a 牵头 label of the same block);
* ``prose_负责`` / ``prose_牵头`` (lead; also "X为牵头单位, Y为成员单位" and
  "X为牵头单位, 会同Y": Y co; "X负责…, Y按照各自职责做好…": Y co);
  ``prose_会同`` (X lead, Y co; "X将会同Y" too, the object ending at the verb
  or preposition that follows it: 对/在/向/加大 …);
  ``prose_配合`` / ``prose_协助`` (subject co, object lead); ``prose_subject``
  (subject of 将…/共同…, or a prefixed unit as the subject of a routine
  administrative action, "县委编办每年核定…": lead);
* ``not_declared`` — role ``None``, order kept (001's 责任单位, 003's table,
  "X、Y按职责分工负责" without any 牵头).

Not read: clauses of kind ``back`` and 抄送/主送 lines, 领导小组 member lists
("成  员:余海波(市府办)"), ordinary parentheticals ("(2023—2025年)", "(市、区)",
"(含民办)"): an unlabelled parenthetical is a unit list only when it closes a
task sentence and every item reads as an organisation, the first of each
、-group with a level or region prefix.  Parentheses are matched
bracket-balanced ("各镇(街道)" stays inside its list).

This module reads a document clause by clause — line labels, unit
parentheticals, the 责任单位 columns of table rows — and makes the
document-wide passes (the region the issuers are named after, a parenthesis
closing the last sub-item, a bureau's own sections).  The unit-list core
(comma groups, labels, roles, records) is :mod:`kb.extract.unitlists`; the
prose form, with 我厅/我局 and the "由X牵头, Y配合。" sentence closing an item,
is :mod:`kb.extract.unitprose`.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import replace
from typing import Sequence

from ..models import Clause, Region, Responsibility
from .unitlists import (CO_LABELS, FIRST_LEAD, LABEL, LABEL_WORDS, NOT_DECLARED, SAME_BELOW, Seg, State, records, roles,
                        segments, valid)
from .unitnames import canonical_unit, clean_name, list_items, looks_like_unit, split_top, top_parens, trim
from .unitprose import WITH, prose, prose_line

__all__ = ["extract_responsibilities", "canonical_unit"]

log = logging.getLogger(__name__)

DECLARED = "declared_first_is_lead"
INHERITED = "inherited_first_is_lead (下同)"

_LINE_LABEL = re.compile(rf"(?:^|(?<=[。;;]))[ \t\u3000]*({LABEL_WORDS})[ \t\u3000]*(?:[((][^()()::\n]{{1,20}}[))])?"
                         r"[ \t\u3000]*[::]", re.M)
_COLON = re.compile("[:\uff1a]")
_LINE = re.compile(r"[^\n]+")
_SENT_END = "。;;!?!?:"
_MEMBER_START = re.compile(r"[ \t\u3000]*(?:组\s*长|副组长|成\s*员|主\s*任|副主任)\s*[::]")
_SKIP_LINE = re.compile(r"^[ \t\u3000]*(?:抄送|主送|分送|抄报|发送|印送|[省市县区]有关单位)[::]", re.M)


def _bare_paren_placed(text: str, ls: int, le: int, o: int, c: int) -> bool:
    """An unlabelled unit parenthetical ends its sentence and follows a task, not a short word or a member list."""
    after = text[c + 1:le].strip()
    before_s, before_e = trim(text, ls, o, " \t\u3000")
    if after and after[0] not in "。;;":
        return False
    if before_e > before_s and text[before_e - 1] not in _SENT_END and before_e - before_s < 8:
        return False
    return not _MEMBER_START.match(text, ls, o)


_PAREN_NOTE = re.compile(r"[。;;]\s*(?=[^。]*(?:以下|下同|不再列出|不再一一列出))")
_STANDING = re.compile(r"以下各项(?:工作)?(?:均|都)?(?:需|须|由)?(?P<unit>[^,,。;;]{2,20}?)(?:负责)?落实")


def _paren_units(text: str, ls: int, le: int, o: int, c: int, prev_task: tuple[int, int] | None,
                 region: Region | None, state: State) -> list[Responsibility]:
    """The units of the parenthetical text[o:c+1] on the line [ls, le), if it is a unit list."""
    may_be_labelled = LABEL.search(text, o + 1, c) is not None
    if not may_be_labelled and not _bare_paren_placed(text, ls, le, o, c):
        return []  # decided before splitting the parenthetical, which most lines never need
    if WITH.search(text, o + 1, c) and not may_be_labelled:  # (财政部会同教育部负责): read like the prose form
        ts, te = trim(text, ls, o, " \t\u3000")
        task = (ts, te) if te > ts else prev_task
        return [replace(r, form="trailing_paren", task_span=task) for r in prose(text, o + 1, c, region, state)]
    note = _PAREN_NOTE.search(text, o + 1, c)  # (责任单位:X、Y。以下各项均需各市县政府落实,不再列出)
    segs = segments(text, o + 1, note.start() if note else c)
    labelled = any(seg.label for seg in segs)
    if not labelled and may_be_labelled and not _bare_paren_placed(text, ls, le, o, c):
        return []
    if not valid(text, segs, strict=not labelled):
        return []
    declares = any(seg.rule for seg in segs) and bool(FIRST_LEAD.search(text, o, c))
    first_rule = DECLARED if declares else INHERITED if state.first_is_lead else None
    state.first_is_lead |= declares and any(SAME_BELOW.match(text[a:b].strip()) for a, b in split_top(text, o + 1, c, ",,;;"))
    ts, te = trim(text, ls, o, " \t\u3000")
    task = (ts, te) if te > ts else prev_task
    form = "zeren_danwei_paren" if labelled else "trailing_paren"
    recs = records(text, segs, roles(segs, first_rule, text), region, form, task)
    standing = _STANDING.search(text, note.start(), c) if note else None
    if standing and recs:  # (…,各市县政府。以下各项均需各市县政府落实,不再列出): named once, meant for every item
        name = clean_name(standing.group("unit"))
        state.standing = next((r for r in recs if clean_name(r.unit_raw) == name), None)
    elif recs and state.standing is not None and all(r.unit != state.standing.unit for r in recs):
        recs.append(replace(state.standing, form=form, task_span=task, role=None, lead_rule=recs[-1].lead_rule))
    return recs


#: a section of the issuing bureau itself (责任股室:基教股、计财股、办公室)
_SECTION = re.compile(r"^(?:[\u4e00-\u9fff]{1,6}[股科]|(?!.*办事处)[\u4e00-\u9fff]{2,10}处|办公室|规划办|项目办|督导室|教研室|招生办)$")


def _own_sections(recs: list[Responsibility], ctx: State) -> list[Responsibility]:
    """基教股 in a bureau's own plan is that bureau's section: 长汀县教育局基教股 (kept as written when the
    issuer is not one bureau)."""
    organs = [clean_name(i) for i in ctx.issuers_read()]
    organ = organs[0] if len(organs) == 1 and re.search(r"[局委厅]$", organs[0]) else None
    if organ is None:
        return recs
    return [replace(r, unit=organ + clean_name(r.unit_raw)) if _SECTION.match(clean_name(r.unit_raw)) else r
            for r in recs]


def _cell_items(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Units of one table cell: split at 、,; and at runs of spaces between units."""
    out = []
    for x, y in (it for a, b in split_top(text, s, e, ",,;;") for it in list_items(text, a, b)):
        parts = list(re.finditer(r"\S+(?: \S+)*", text[x:y])) if "  " in text[x:y] else []
        if len(parts) > 1 and all(looks_like_unit(clean_name(p.group())) for p in parts):
            out += [(x + p.start(), x + p.end()) for p in parts]
        elif 2 <= len(clean_name(text[x:y])) <= 40 and not re.search(r"[0-9%。]", text[x:y]):
            out.append((x, y))
    return out


def _table_row(text: str, c: Clause, region: Region | None) -> list[Responsibility]:
    """The units of a table row's 责任单位 (牵头单位, 配合单位 …) columns."""
    cells = [(col, max(s, c.start), min(e, c.end)) for col, s, e in c.cells if max(s, c.start) < min(e, c.end)]
    units = [cell for cell in cells if re.search(LABEL_WORDS + "|责任", cell[0])]
    tasks = [(s, e) for col, s, e in cells if re.search("任务|工作|内容|措施|事项|指标|目标", col) and not re.search("单位|部门", col)]
    if not units:
        return []
    task = (min(s for s, _ in tasks), max(e for _, e in tasks)) if tasks else trim(text, c.start, units[0][1])
    has_lead = any(col.startswith("牵头") for col, _, _ in units)
    out: list[Responsibility] = []
    for col, s, e in units:
        role, rule = (("lead", "label_" + col) if col.startswith("牵头") else ("co", "label_" + col)
                      if col.startswith(CO_LABELS) or has_lead else (None, NOT_DECLARED))
        items = _cell_items(text, s, e)
        out += records(text, [Seg(items, col, None)], [(it, role, rule) for it in items], region, "appendix_table", task)
    return out


def _clause_units(text: str, c: Clause, region: Region | None, state: State) -> list[Responsibility]:
    """Line labels, unit parentheticals and prose responsibilities of one clause, line by line."""
    out: list[Responsibility] = []
    prev_task: tuple[int, int] | None = None
    block: list[tuple[Seg, ...]] = []  # pending label segments of one block
    block_task: tuple[int, int] | None = None

    def flush() -> None:
        segs = [seg for group in block for seg in group]
        if segs:
            out.extend(records(text, segs, roles(segs, None, text), region, "label", block_task))
        block.clear()

    for line in _LINE.finditer(text, c.start, c.end):
        ls, le = line.span()
        if line.group().isspace():
            continue
        if _SKIP_LINE.match(text, ls, le):
            flush()
            continue
        parens = top_parens(text, ls, le)
        labels = [m for m in _LINE_LABEL.finditer(text, ls, le) if not any(o < m.start(1) < cl for o, cl in parens)] \
            if _COLON.search(text, ls, le) else []  # a label needs its colon
        if labels:
            ts, te = trim(text, ls, labels[0].start())
            if te > ts:
                flush()
                block_task = (ts, te)
            elif not block:
                block_task = prev_task
            for i, m in enumerate(labels):
                end = labels[i + 1].start() if i + 1 < len(labels) else le
                segs = segments(text, m.start(1), end)
                if valid(text, segs, strict=False):
                    block.append(tuple(segs))
            continue
        flush()
        task_end = le
        for o, cl in parens:
            found = _paren_units(text, ls, le, o, cl, prev_task, region, state)
            if found:
                task_end = min(task_end, o)
                out += found
        if c.kind in ("heading", "item", "appendix", "front"):
            out += prose_line(text, ls, le, parens, region, state)
        if task_end > ls:
            prev_task = trim(text, ls, task_end, " \t\u3000")
    flush()
    return out


_LEVEL_UNIT = re.compile(r"[省市县区州旗盟](?:委|人民政府|政府|教育|财政|发展|人力|住房|自然|卫生)")
_AUTONOMOUS = re.compile(r"自治([县州旗])$")


def _issuer_region(issuers: Sequence[str]) -> Region | None:
    """The one region the issuing organs are named after (威宁自治县人民政府办公室 →
    威宁彝族回族苗族自治县), else None."""
    from ..regions import lookup

    found: dict[str, Region] = {}
    for issuer in issuers:
        name = clean_name(issuer)
        for i in range(min(len(name) - 1, 14), 1, -1):
            if name[i - 1] not in "省市县区州旗盟":
                continue
            head = name[:i]
            hits = lookup(head) or lookup(_AUTONOMOUS.sub(r"\1", head))
            if len(hits) == 1:
                found[hits[0].code] = hits[0]
                break
    return next(iter(found.values())) if len(found) == 1 else None


_PAREN_FORMS = ("trailing_paren", "zeren_danwei_paren")


def _widen_closing_subitem(recs: list[Responsibility], parts: Sequence[Clause]) -> list[Responsibility]:
    """A unit parenthesis closing the last sub-item of an item ("4.提高待遇。(1)…。(2)…。
    (省财政厅…按职责分工负责)") assigns the whole item when no earlier sub-item has
    a unit list of its own: its task then runs from the item's heading."""
    by_path = {c.path: c for c in parts}
    children: dict[tuple[str, ...], list[Clause]] = {}
    for c in parts:
        if c.path:
            children.setdefault(c.path[:-1], []).append(c)
    starts = [c.start for c in parts]

    def clause_of(pos: int) -> Clause | None:
        i = bisect_right(starts, pos) - 1
        return parts[i] if i >= 0 and pos < parts[i].end else None

    owners = [clause_of(r.span.start) for r in recs]
    with_units = {c.path for c in owners if c is not None}
    out = []
    for r, c in zip(recs, owners):
        if r.form in _PAREN_FORMS and r.task_span and c is not None and len(c.path) >= 3:
            parent = by_path.get(c.path[:-1])
            sibs = children.get(c.path[:-1], [])
            if (parent is not None and parent.kind in ("heading", "item") and len(sibs) >= 2 and sibs[-1] is c
                    and not any(s.path in children or (s is not c and s.path in with_units) for s in sibs)):
                r = replace(r, task_span=(parent.start, r.task_span[1]))
        out.append(r)
    return out


def extract_responsibilities(text: str, clauses: Sequence[Clause], region: Region | None,
                             issuers: Sequence[str] | None = None) -> list[Responsibility]:
    """Every responsible unit of a plan, in document order (never raises).

    Without a region, units written with a bare level prefix (县教育局) take the
    region the document's issuers are named after, when they name exactly one.
    """
    n = len(text)
    parts = sorted((c for c in clauses if 0 <= c.start < c.end <= n), key=lambda c: c.start)
    if not parts:
        parts = [Clause((), "", 0, n, "item", text)] if n else []
    state = State(text, issuers=tuple(issuers) if issuers is not None else None)
    if region is None and _LEVEL_UNIT.search(text):
        try:
            region = _issuer_region(state.issuers_read())
        except Exception:  # a region lookup must not stop unit extraction
            log.debug("units: issuer region not read", exc_info=True)
    out: list[Responsibility] = []
    for c in parts:
        if c.kind == "back":
            continue
        try:
            if c.kind == "table_row" and c.cells:
                out += _table_row(text, c, region)
            else:
                out += _clause_units(text, c, region, state)
        except Exception:  # a pathological clause must not stop the document
            log.debug("units: clause %s failed", c.path_str, exc_info=True)
    out = _widen_closing_subitem(out, parts)
    if any(_SECTION.match(clean_name(r.unit_raw)) for r in out):
        out = _own_sections(out, state)
    seen: set[tuple] = set()
    unique = []
    for r in sorted(out, key=lambda r: r.span.start):
        # a unit named once for every later item (以下各项均需…落实) is one record per item it is carried to
        key = (r.span.start, r.span.end) + ((r.task_span,) if r.task_span and r.task_span[0] > r.span.end else ())
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique
