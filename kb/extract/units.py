"""Responsible units: who is responsible for each task of a plan.

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
* ``x_牵头`` — "X牵头, Y按职责分工负责/配合": X lead, Y co;
* ``label_牵头单位`` (lead); ``label_配合单位``, ``label_协办单位`` … (co);
  ``label_责任单位`` (co, beside a 牵头 label of the same block);
* ``prose_负责`` / ``prose_牵头`` (lead); ``prose_会同`` (X lead, Y co);
  ``prose_配合`` / ``prose_协助`` (subject co, object lead); ``prose_subject``
  (subject of 将…/共同…: lead);
* ``not_declared`` — role ``None``, order kept (001's 责任单位, 003's table).

Not read: clauses of kind ``back`` and 抄送/主送 lines, 领导小组 member lists
("成  员:余海波(市府办)"), ordinary parentheticals ("(2023—2025年)", "(市、区)",
"(含民办)"): an unlabelled parenthetical is a unit list only when it closes a
task sentence and every item reads as an organisation, the first of each
、-group with a level or region prefix.  Parentheses are matched
bracket-balanced ("各镇(街道)" stays inside its list); within a 、-group an
abbreviated name inherits the prefix of the unit before it, a comma starts a
new group (:func:`kb.extract.unitnames.canonical_unit`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Sequence

from ..models import Clause, Region, Responsibility, Span
from .unitnames import (canonical_unit, clean_name, has_prefix, is_anchored, is_collective, list_items, looks_like_unit,
                        split_top, top_parens, trim)

__all__ = ["extract_responsibilities", "canonical_unit"]

log = logging.getLogger(__name__)

DECLARED = "declared_first_is_lead"
INHERITED = "inherited_first_is_lead (下同)"
NOT_DECLARED = "not_declared"

_LABEL_WORDS = r"(?:牵头|责任|配合|协办|协同|参与|主责|主办|承办)(?:单位|部门)"
_LABEL = re.compile(rf"\s*({_LABEL_WORDS})\s*[::]\s*")
_LINE_LABEL = re.compile(rf"(?:^|(?<=[。;;]))[ \t\u3000]*({_LABEL_WORDS})[ \t\u3000]*[::]", re.M)
_FIRST_LEAD = re.compile(r"(?:第一|首)(?:位|个|家|名)?的?(?:单位|部门)?(?:为|是)牵头")
_SAME_BELOW = re.compile(r"^(?:以下同|下同|后同|下文同)$")
_TAIL = re.compile(
    r"(?:牵头(?:负责)?|(?:按照?|根据)?(?:各自)?职责(?:分工)?(?:负责|落实)?|分工负责|共同负责|配合(?:落实)?|协助|协办|参与)$"
)
_LINE = re.compile(r"[^\n]+")
_SENT_END = "。;;!?!?:"
_SENT_END_RE = re.compile("[。;;!?!?::]")
_CUE_CHARS = re.compile("负责|牵头|会同|配合|协助|将|共同")
_HEAD_NUM = re.compile(r"[ \t\u3000]*(?:[((][一二三四五六七八九十\d]{1,3}[))]|[一二三四五六七八九十]{1,3}[、是]|\d{1,2}[.、.](?!\d))?[ \t\u3000]*")
_PROSE = re.compile(
    r"由?(?P<subj>[^,,;;。:!?\n]{2,80}?)(?:(?:具体|统一|分别|要|应|应当|积极|主动|切实)?"
    r"(?P<cue>负责(?!同志|人)|牵头|会同|配合|协助)|(?P<cue2>将|共同))"
)
_OBJECT = re.compile(r"(?P<obj>[^,,;;。]{2,60}?)(?=共同|一起|负责|做好|开展|研究|制定|抓好|推进|落实|实施|组织|建立|完善|加强|,|,|;|;|$)")
_AFTER_LEAD = re.compile(r"(?P<units>[^,,;;。]{2,80}?)(?:等(?:部门|单位))?(?:要|应)?(?:按照?(?:各自)?职责(?:分工)?)?(?P<verb>配合|协助|参与|分工负责|负责|落实)")
_MEMBER_LIST = re.compile(r"组\s*长|成\s*员|副组长|主\s*任\s*[::]")
_MEMBER_START = re.compile(r"[ \t\u3000]*(?:组\s*长|副组长|成\s*员|主\s*任|副主任)\s*[::]")
_SKIP_LINE = re.compile(r"^[ \t\u3000]*(?:抄送|主送|分送|抄报|发送|印送|[省市县区]有关单位)[::]", re.M)
_CO_LABELS = ("配合", "协办", "协同", "参与")


_Role = tuple[tuple[int, int], str | None, str]  # (item span, role, lead_rule)


@dataclass
class _Seg:
    items: list[tuple[int, int]]
    label: str | None
    tail: str | None
    rule: bool = False


@dataclass
class _State:
    first_is_lead: bool = False  # a 排名第一位为牵头单位,下同 declaration has been read


def _segments(text: str, s: int, e: int) -> list[_Seg]:
    """A unit list split into comma groups, with labels, rule phrases and verbs."""
    out: list[_Seg] = []
    label = None
    for a, b in split_top(text, s, e, ",,;;"):
        m = _LABEL.match(text, a, b)
        if m:
            label, a = m.group(1), m.end()
        a, b = trim(text, a, b)
        if a >= b:
            continue
        words = text[a:b]
        if _FIRST_LEAD.search(words) or _SAME_BELOW.match(words):
            out.append(_Seg([], label, None, rule=True))
            continue
        if words[0] == "由":
            a += 1
        tail = _TAIL.search(text, a, b)
        if tail and tail.start() > a:
            b = tail.start()
        out.append(_Seg(list_items(text, a, b), label, tail.group() if tail and tail.start() > a else None))
    return out


def _valid(text: str, segs: list[_Seg], strict: bool) -> bool:
    """Every item reads as a unit; in strict mode each group opens with an anchored name."""
    units = [seg for seg in segs if not seg.rule]
    if not units or not any(seg.items for seg in units):
        return False
    for seg in units:
        if not seg.items:
            return False
        names = [clean_name(text[a:b]) for a, b in seg.items]
        if not all(looks_like_unit(n) for n in names):
            return False
        if strict and seg.label is None and not is_anchored(names[0]):
            return False
    return True


def _roles(segs: list[_Seg], first_rule: str | None) -> list[_Role]:
    """(item span, role, lead_rule) for every item, in order."""
    flat = [(seg, it) for seg in segs if not seg.rule for it in seg.items]
    if any(seg.tail and seg.tail.startswith("牵头") for seg, _ in flat):
        return [(it, "lead" if seg.tail and seg.tail.startswith("牵头") else "co", "x_牵头") for seg, it in flat]
    has_lead_label = any(seg.label and seg.label.startswith("牵头") for seg, _ in flat)
    out = []
    for i, (seg, it) in enumerate(flat):
        lab = seg.label or ""
        if lab.startswith("牵头"):
            out.append((it, "lead", "label_" + lab))
        elif lab.startswith(_CO_LABELS) or (lab and has_lead_label):
            out.append((it, "co", "label_" + lab))
        elif first_rule:
            out.append((it, "lead" if i == 0 else "co", first_rule))
        else:
            out.append((it, None, NOT_DECLARED))
    return out


def _records(text: str, segs: list[_Seg], roles: list[_Role], region: Region | None, form: str,
             task: tuple[int, int] | None) -> list[Responsibility]:
    """Responsibility records, names inheriting the prefix within each 、-group."""
    role_of = {it: (role, rule) for it, role, rule in roles}
    out = []
    for seg in segs:
        anchor: str | None = None
        for a, b in seg.items:
            raw = text[a:b]
            unit, collective = canonical_unit(raw, region, anchor)
            if has_prefix(clean_name(raw)):
                anchor = raw
            if not unit or (a, b) not in role_of:
                continue
            role, rule = role_of[(a, b)]
            written = " ".join(raw.replace("\r", "").replace("\n", "").split())
            out.append(Responsibility(unit, written, role, rule, Span(a, b, raw), form, task, collective))
    return out


def _paren_units(text: str, ls: int, le: int, o: int, c: int, prev_task: tuple[int, int] | None,
                 region: Region | None, state: _State) -> list[Responsibility]:
    """The units of the parenthetical text[o:c+1] on the line [ls, le), if it is a unit list."""
    segs = _segments(text, o + 1, c)
    labelled = any(seg.label for seg in segs)
    if not labelled:
        after = text[c + 1:le].strip()
        before_s, before_e = trim(text, ls, o, " \t\u3000")
        if after and after[0] not in "。;;":
            return []
        if before_e > before_s and text[before_e - 1] not in _SENT_END and before_e - before_s < 8:
            return []
        if _MEMBER_START.match(text, ls, o):
            return []
    if not _valid(text, segs, strict=not labelled):
        return []
    declares = any(seg.rule for seg in segs) and bool(_FIRST_LEAD.search(text, o, c))
    first_rule = DECLARED if declares else INHERITED if state.first_is_lead else None
    state.first_is_lead |= declares and any(_SAME_BELOW.match(text[a:b].strip()) for a, b in split_top(text, o + 1, c, ",,;;"))
    ts, te = trim(text, ls, o, " \t\u3000")
    task = (ts, te) if te > ts else prev_task
    form = "zeren_danwei_paren" if labelled else "trailing_paren"
    return _records(text, segs, _roles(segs, first_rule), region, form, task)


def _prose(text: str, s: int, e: int, region: Region | None) -> list[Responsibility]:
    """A sentence text[s:e] opening with units and a responsibility verb."""
    m = _PROSE.match(text, s, e)
    if not m or _MEMBER_LIST.search(text, s, e):
        return []
    subj = list_items(text, m.start("subj"), m.end("subj"))
    names = [clean_name(text[a:b]) for a, b in subj]
    if not names or not all(looks_like_unit(n) for n in names) or not is_anchored(names[0]):
        return []
    if m.group("cue2") and any(is_collective(n) for n in names):
        return []  # "各地、各学校要将…": an exhortation, not an assignment
    cue = m.group("cue") or m.group("cue2")
    task = trim(text, s, e)
    subject_role = "co" if cue in ("配合", "协助") else "lead"
    rule = f"prose_{cue}" if m.group("cue") else "prose_subject"
    segs = [_Seg(subj, None, None)]
    roles = [(it, subject_role, rule) for it in subj]
    if cue in ("会同", "配合", "协助"):
        o = _OBJECT.match(text, m.end(), e)
        if o:
            obj = list_items(text, o.start("obj"), o.end("obj"))
            if obj and all(looks_like_unit(clean_name(text[a:b])) for a, b in obj) and is_anchored(clean_name(text[obj[0][0]:obj[0][1]])):
                segs.append(_Seg(obj, None, None))
                roles += [(it, "co" if cue == "会同" else "lead", rule) for it in obj]
    elif cue == "牵头":
        for a, b in split_top(text, m.end(), e, ",,")[1:]:
            f = _AFTER_LEAD.match(text, *trim(text, a, b))
            if not f:
                break
            its = list_items(text, f.start("units"), f.end("units"))
            if not its or not all(looks_like_unit(clean_name(text[x:y])) for x, y in its):
                break
            segs.append(_Seg(its, None, None))
            roles += [(it, "co", rule) for it in its]
    return _records(text, segs, roles, region, "prose", task)


def _prose_line(text: str, ls: int, le: int, parens: list[tuple[int, int]],
                region: Region | None) -> list[Responsibility]:
    """Prose responsibilities of every sentence of one line (outside parentheses).

    A sentence may assign several units in comma clauses ("市教育局负责统筹,
    市财政局负责保障"); each clause's task then ends where the next one starts.
    """
    out: list[Responsibility] = []
    ends = [m.start() for m in _SENT_END_RE.finditer(text, ls, le)]
    starts = [_HEAD_NUM.match(text, ls, le).end()] + [i + 1 for i in ends]
    stops = [i for i in ends if text[i] != ":" and text[i] != ":"] + [le]
    j = 0
    for st in starts:
        while stops[j] < st:
            j += 1
        stop = stops[j]
        if st >= le or not _CUE_CHARS.search(text, st, stop) or _MEMBER_LIST.search(text, st, stop):
            continue
        if any(o < st <= cl for o, cl in parens):
            continue
        found: list[tuple[int, list[Responsibility]]] = []
        consumed = st
        for sub, _ in split_top(text, st, stop, ",,"):
            sub = trim(text, sub, stop, " \t\u3000")[0]
            if sub < consumed or not _CUE_CHARS.search(text, sub, min(stop, sub + 90)):
                continue
            recs = _prose(text, sub, stop, region)
            if recs:
                found.append((sub, recs))
                consumed = max(r.span.end for r in recs)
        for k, (sub, recs) in enumerate(found):
            if k + 1 < len(found):
                task = trim(text, sub, found[k + 1][0])
                recs = [replace(r, task_span=task) for r in recs]
            out += recs
    return out


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
    units = [cell for cell in cells if re.search(_LABEL_WORDS + "|责任", cell[0])]
    tasks = [(s, e) for col, s, e in cells if re.search("任务|工作|内容|措施|事项|指标|目标", col) and not re.search("单位|部门", col)]
    if not units:
        return []
    task = (min(s for s, _ in tasks), max(e for _, e in tasks)) if tasks else trim(text, c.start, units[0][1])
    has_lead = any(col.startswith("牵头") for col, _, _ in units)
    out: list[Responsibility] = []
    for col, s, e in units:
        role, rule = (("lead", "label_" + col) if col.startswith("牵头") else ("co", "label_" + col)
                      if col.startswith(_CO_LABELS) or has_lead else (None, NOT_DECLARED))
        items = _cell_items(text, s, e)
        out += _records(text, [_Seg(items, col, None)], [(it, role, rule) for it in items], region, "appendix_table", task)
    return out


def _clause_units(text: str, c: Clause, region: Region | None, state: _State) -> list[Responsibility]:
    """Line labels, unit parentheticals and prose responsibilities of one clause, line by line."""
    out: list[Responsibility] = []
    prev_task: tuple[int, int] | None = None
    block: list[tuple[_Seg, ...]] = []  # pending label segments of one block
    block_task: tuple[int, int] | None = None

    def flush() -> None:
        segs = [seg for group in block for seg in group]
        if segs:
            out.extend(_records(text, segs, _roles(segs, None), region, "label", block_task))
        block.clear()

    for line in _LINE.finditer(text, c.start, c.end):
        ls, le = line.span()
        if line.group().isspace():
            continue
        if _SKIP_LINE.match(text, ls, le):
            flush()
            continue
        parens = top_parens(text, ls, le)
        labels = [m for m in _LINE_LABEL.finditer(text, ls, le) if not any(o < m.start(1) < cl for o, cl in parens)]
        if labels:
            ts, te = trim(text, ls, labels[0].start())
            if te > ts:
                flush()
                block_task = (ts, te)
            elif not block:
                block_task = prev_task
            for i, m in enumerate(labels):
                end = labels[i + 1].start() if i + 1 < len(labels) else le
                segs = _segments(text, m.start(1), end)
                if _valid(text, segs, strict=False):
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
            out += _prose_line(text, ls, le, parens, region)
        if task_end > ls:
            prev_task = trim(text, ls, task_end, " \t\u3000")
    flush()
    return out


def extract_responsibilities(text: str, clauses: Sequence[Clause], region: Region | None) -> list[Responsibility]:
    """Every responsible unit of a plan, in document order (never raises)."""
    n = len(text)
    parts = sorted((c for c in clauses if 0 <= c.start < c.end <= n), key=lambda c: c.start)
    if not parts:
        parts = [Clause((), "", 0, n, "item", text)] if n else []
    state = _State()
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
    seen: set[tuple[int, int]] = set()
    unique = []
    for r in sorted(out, key=lambda r: r.span.start):
        if (r.span.start, r.span.end) not in seen:
            seen.add((r.span.start, r.span.end))
            unique.append(r)
    return unique
