"""The prose form of responsible units: a sentence or comma clause opening with
units and a verb ("市财政局负责…", "市委编办、市人社局会同市教育局共同做好…",
"市发改局、市住建局将…"), read in every sentence of a line outside its
parentheses, and in a parenthetical written like prose ("(财政部会同教育部负责)").

Its ``lead_rule`` values are the ``prose_*`` ones listed in
:mod:`kb.extract.units`.  我厅/我局 … become the issuing organ of that kind
when the document's issuers name exactly one (else the record is dropped).  A
"由X牵头, Y配合。" sentence that closes an item (nothing after the units) is
the assignment of the whole item: its task runs from the line start.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..models import Region, Responsibility
from .unitlists import NOT_DECLARED, Seg, State, records
from .unitnames import (clean_name, department_type, has_prefix, is_anchored, is_collective, item_names, list_items,
                        looks_like_unit, split_top, trim)

_SENT_END_RE = re.compile("[。;;!?!?::]")
_CUE_CHARS = re.compile("负责|牵头|会同|配合|协助|将|共同|每年|每学年|每学期|每两年|每三年|定期|及时|统一")
_HEAD_NUM = re.compile(r"[ \t\u3000]*(?:第[一二三四五六七八九十百零〇\d]{1,5}条[ \t\u3000]*|[((][一二三四五六七八九十\d]{1,3}[))]|[一二三四五六七八九十]{1,3}[、是]|\d{1,2}[.、.](?!\d))?[ \t\u3000]*")
_PROSE = re.compile(
    r"由?(?P<subj>[^,,;;。:!?\n]{2,80}?)(?P<duty>按照?(?:各自)?职责(?:分工)?)?"
    r"(?:(?:具体|统一|分别|要|应|应当|积极|主动|切实|将)?"
    r"(?P<cue>负责(?!同志|人)|牵头|会同|配合|协助|为牵头(?:单位|部门))|(?P<cue2>将|共同))"
)
# the object of 会同/配合/协助: a unit list up to the verb or preposition that follows it
_OBJECT = re.compile(
    r"(?P<obj>[^,,;;。]{2,60}?)(?<!、)(?:等(?:部门|单位)|(?=(?:共同|一起|负责|做好|开展|研究|制定|编制(?!部门|委员会|办)|抓好|推进|落实|实施|组织|建立|完善|加强|"
    r"加大|对|在|向|就|将|把|予以|争取|组建|统筹|指导|督促|印发|出台|设立|发布|每年|每学年|每学期|每季度|每半年|每月|定期"
    r"|根据|依据|按照?|结合|足额|及时|于(?=\d|[一二〇]{4})"
    r"|,|,|;|;|$)(?!等(?:部门|单位))))"
)
_AFTER_LEAD = re.compile(
    r"(?P<units>[^,,;;。]{2,80}?)(?:等(?:部门|单位))?(?:要|应)?(?:按照?(?:各自)?职责(?:分工)?)?"
    r"(?P<verb>配合|协助|参与|分工负责|负责|落实|为(?:成员|配合|责任|参与)(?:单位|部门))"
)
# after "X负责…": "Y、Z按照各自职责做好…" names co-operating units
_AFTER_DUTY = re.compile(
    r"(?P<units>[^,,;;。]{2,80}?)(?:等(?:部门|单位))?(?:要|应)?按照?(?:各自)?(?:职责|职能)(?:分工)?"
    r"(?:做好|负责|落实|配合|抓好|协同|共同)"
)
WITH = re.compile(r"会同")
_DRAFTED = re.compile(r"(?:研究)?(?:制定|起草|编制|修订|印发|发布|出台)了?《")
# "县委编办每年核定…": a named unit as the subject of an administrative action
_ACTION = re.compile(
    r"(?P<subj>[^,,;;。:!?\n、]{2,24}?)(?:每年|每学年|每学期|每两年|每三年|每季度|每半年|每月|定期|及时|统一)"
    r"(?:对[^,,;;。]{1,24}?)?(?:进行|开展|组织)?(?:一次|1次)?"
    r"(?:核定|核拨|拨付|审核|审批|编制|制定|组织|安排|开展|督导|评估|通报|公布|选派|招聘|培训|监测|核查|检查|考核)"
)
# what may follow the last unit of a sentence that only assigns units ("…,Y、Z配合。")
# (a closing "X会同Y负责落实。" or "…按年度足额安排资金。" funds or carries out the item itself)
_CLOSING = re.compile(
    r"(?:等(?:部门|单位)?)?(?:要|应)?(?:按照?(?:各自)?职责(?:分工)?)?"
    r"(?:牵头|配合|参与|协助|分工负责|负责|落实|抓好|组织实施|按年度|足额|及时|安排|拨付|保障|所需|资金|经费)*[ \t\u3000]*$"
)
# "我厅/我局/我委": the issuing organ speaking of itself
_SELF = re.compile(r"^我(?:厅|局|委|办|部)$")
_MEMBER_LIST = re.compile(r"组\s*长|成\s*员(?!单位)|副组长|主\s*任\s*[::]")


def _subject_ok(names: list[str]) -> bool:
    return bool(names) and all(looks_like_unit(n) or _SELF.match(n) for n in names) and (
        is_anchored(names[0]) or bool(_SELF.match(names[0])))


def _unit_list(text: str, s: int, e: int) -> list[tuple[int, int]] | None:
    """The items of text[s:e] when it is a unit list opening with an anchored name
    (a 等部门 right after it is shared by its field words)."""
    items = list_items(text, s, e)
    names = item_names(text, items, e)
    if not items or not all(looks_like_unit(n) for n in names) or not is_anchored(names[0]):
        return None
    return items


def prose(text: str, s: int, e: int, region: Region | None, ctx: State) -> list[Responsibility]:
    """A sentence text[s:e] opening with units and a responsibility verb."""
    if _MEMBER_LIST.search(text, s, e):
        return []
    m = _PROSE.match(text, s, e)
    if not m:
        return _action(text, s, e, region, ctx)
    sub_s = m.start("subj")
    by = text.rfind("由", sub_s, m.end("subj"))
    if 0 < by - sub_s <= 12:  # 此项工作由X会同Y负责 / 所需资金由X、Y负责: the topic before 由 is no unit
        sub_s = by + 1
    subj = list_items(text, sub_s, m.end("subj"))
    names = item_names(text, subj)
    if not _subject_ok(names):
        return _action(text, s, e, region, ctx)
    if m.group("cue2") and any(is_collective(n) for n in names):
        return []  # "各地、各学校要将…": an exhortation, not an assignment
    if m.group("cue2") == "共同" and _DRAFTED.match(text, m.end(), e):
        return []  # "X、Y、Z共同研究制定了《…》": the plan's co-issuers, not responsibilities
    cue = m.group("cue") or m.group("cue2")
    if cue.startswith("为牵头"):
        cue = "牵头"
    task = trim(text, s, e)
    if m.group("duty") and cue == "负责":
        # "X、Y按职责分工负责": joint duty, no lead named
        subject_role, rule = None, NOT_DECLARED
    else:
        subject_role = "co" if cue in ("配合", "协助") else "lead"
        rule = f"prose_{cue}" if m.group("cue") else "prose_subject"
    segs = [Seg(subj, None, None)]
    roles = [(it, subject_role, rule) for it in subj]
    if cue in ("会同", "配合", "协助"):
        o = _OBJECT.match(text, m.end(), e)
        obj = _unit_list(text, o.start("obj"), o.end("obj")) if o else None
        if obj:
            segs.append(Seg(obj, None, None, after=o.end("obj")))
            roles += [(it, "co" if cue == "会同" else "lead", rule) for it in obj]
    elif cue == "牵头" or (cue == "负责" and subject_role == "lead"):
        after = _AFTER_LEAD if cue == "牵头" else _AFTER_DUTY
        parts = split_top(text, m.end(), e, ",,")
        if cue == "牵头" and text.startswith("、", m.end()):  # "由X牵头、Y、Z配合": the co list follows the 、
            parts[0] = (m.end() + 1, parts[0][1])
        else:
            parts = parts[1:]
        for a, b in parts:
            a, b = trim(text, a, b)
            if cue == "牵头" and WITH.match(text, a, b):  # "X为牵头单位,会同Y…"
                o = _OBJECT.match(text, a + 2, b)
                obj = _unit_list(text, o.start("obj"), o.end("obj")) if o else None
                if not obj:
                    break
                segs.append(Seg(obj, None, None, after=o.end("obj")))
                roles += [(it, "co", rule) for it in obj]
                continue
            f = after.match(text, a, b)
            its = _unit_list(text, f.start("units"), f.end("units")) if f else None
            if not its:
                break
            segs.append(Seg(its, None, None, after=f.end("units")))
            roles += [(it, "co", rule) for it in its]
    return _resolve_self(records(text, segs, roles, region, "prose", task), ctx)


def _action(text: str, s: int, e: int, region: Region | None, ctx: State) -> list[Responsibility]:
    """"县委编办每年核定…": one named unit (with its level or region prefix) as the
    subject of a routine administrative action is the unit responsible for it."""
    m = _ACTION.match(text, s, e)
    if not m:
        return []
    a, b = m.span("subj")
    with_co = WITH.search(text, a, b)  # 市教委会同市财政局每年…: the partner is co
    co = _unit_list(text, with_co.end(), b) if with_co else None
    if with_co and co:
        b = with_co.start()
    name = clean_name(text[a:b])
    named = looks_like_unit(name) and not is_collective(name) and has_prefix(name) and is_anchored(name)
    if not named and not department_type(name):  # "各设区市教育行政部门每年选派…": a department type
        return []
    it = (a, b)
    segs, roles = [Seg([it], None, None)], [(it, "lead", "prose_subject")]
    if with_co and co:
        segs.append(Seg(co, None, None))
        roles += [(x, "co", "prose_subject") for x in co]
    return records(text, segs, roles, region, "prose", trim(text, s, e))


def _resolve_self(recs: list[Responsibility], ctx: State) -> list[Responsibility]:
    """我厅/我局 … become the issuing organ of that kind; dropped when the issuer is unknown."""
    out = []
    for r in recs:
        if _SELF.match(clean_name(r.unit_raw)):
            organ = ctx.issuer(clean_name(r.unit_raw)[-1])
            if not organ:
                continue
            r = replace(r, unit=organ)
        out.append(r)
    return out


def prose_line(text: str, ls: int, le: int, parens: list[tuple[int, int]],
               region: Region | None, state: State) -> list[Responsibility]:
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
            recs = prose(text, sub, stop, region, state)
            if recs:
                found.append((sub, recs))
                consumed = max(r.span.end for r in recs)
        for k, (sub, recs) in enumerate(found):
            if k + 1 < len(found):
                task = trim(text, sub, found[k + 1][0])
                recs = [replace(r, task_span=task) for r in recs]
            elif (sub == st and st > starts[0] and _CLOSING.match(text, consumed, stop)
                  and not text[stop + 1:le].strip(" \t\u3000\r")):
                # "…。由X牵头,Y配合。" closing an item: the assignment of the item's tasks
                task = trim(text, ls, stop, " \t\u3000")
                recs = [replace(r, task_span=task) for r in recs]
            out += recs
    return out
