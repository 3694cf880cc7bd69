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

Central organs (教育部, 国家发展改革委 …) are named by their official short
names without a region; 我厅/我局 … become the issuing organ of that kind when
the document's issuers name exactly one (else the record is dropped).  A
"由X牵头, Y配合。" sentence that closes an item (nothing after the units) is
the assignment of the whole item: its task runs from the line start.

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
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Sequence

from ..models import Clause, Region, Responsibility, Span
from .unitnames import (canonical_unit, clean_name, department_type, has_prefix, is_anchored, is_collective, item_names,
                        list_items, looks_like_unit, split_top, top_parens, trim)

__all__ = ["extract_responsibilities", "canonical_unit"]

log = logging.getLogger(__name__)

DECLARED = "declared_first_is_lead"
INHERITED = "inherited_first_is_lead (下同)"
NOT_DECLARED = "not_declared"

_LABEL_WORDS = r"(?:牵头|责任|配合|协办|协同|参与|主责|主办|承办)(?:单位|部门|股室|科室|处室)"
_LABEL = re.compile(rf"\s*({_LABEL_WORDS})\s*[::]\s*")
_LINE_LABEL = re.compile(rf"(?:^|(?<=[。;;]))[ \t\u3000]*({_LABEL_WORDS})[ \t\u3000]*[::]", re.M)
_COLON = re.compile("[:\uff1a]")
_FIRST_LEAD = re.compile(r"(?:第一|首)(?:位|个|家|名)?的?(?:单位|部门)?(?:为|是)牵头")
_SAME_BELOW = re.compile(r"^(?:以下同|下同|后同|下文同)$")
_TAIL = re.compile(
    r"(?:牵头(?:负责)?|(?:按照?|根据)?(?:各自)?职责(?:分工)?(?:负责|落实)?|分工负责|共同负责|配合(?:落实)?|协助|协办|参与|负责)$"
)
_LINE = re.compile(r"[^\n]+")
_SENT_END = "。;;!?!?:"
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
_WITH = re.compile(r"会同")
_DRAFTED = re.compile(r"(?:研究)?(?:制定|起草|编制|修订|印发|发布|出台)了?《")
# "县委编办每年核定…": a named unit as the subject of an administrative action
_ACTION = re.compile(
    r"(?P<subj>[^,,;;。:!?\n、]{2,24}?)(?:每年|每学年|每学期|每两年|每三年|每季度|每半年|每月|定期|及时|统一)"
    r"(?:对[^,,;;。]{1,24}?)?(?:进行|开展|组织)?(?:一次|1次)?"
    r"(?:核定|核拨|拨付|审核|审批|编制|制定|组织|安排|开展|督导|评估|通报|公布|选派|招聘|培训|监测|核查|检查|考核)"
)
# what may follow the last unit of a sentence that only assigns units ("…,Y、Z配合。")
_CLOSING = re.compile(
    r"(?:等(?:部门|单位)?)?(?:要|应)?(?:按照?(?:各自)?职责(?:分工)?)?(?:牵头|配合|参与|协助|分工负责|负责|落实)?[ \t\u3000]*$"
)
# "我厅/我局/我委": the issuing organ speaking of itself
_SELF = re.compile(r"^我(?:厅|局|委|办|部)$")
_MEMBER_LIST = re.compile(r"组\s*长|成\s*员(?!单位)|副组长|主\s*任\s*[::]")
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
    after: int | None = None  # where the list ends, when a shared 等部门 may follow it


@dataclass
class _State:
    text: str = ""
    first_is_lead: bool = False  # a 排名第一位为牵头单位,下同 declaration has been read
    issuers: tuple[str, ...] | None = None  # the document's issuers, read when 我厅/我局 … is met

    def issuer(self, kind: str) -> str | None:
        """The issuing organ whose name ends with ``kind`` (厅, 局 …), if exactly one does."""
        found = [i for i in self.issuers_read() if clean_name(i).endswith(kind)]
        return clean_name(found[0]) if len(found) == 1 else None

    def issuers_read(self) -> tuple[str, ...]:
        if self.issuers is None:
            from ..metadata import extract_metadata  # only for documents that speak of themselves
            try:
                self.issuers = tuple(extract_metadata(self.text).issuers)
            except Exception:  # metadata trouble must not stop unit extraction
                log.debug("units: issuers not read", exc_info=True)
                self.issuers = ()
        return self.issuers


_SPACED_LABEL = re.compile(rf"[ \t\u3000]+(?={_LABEL_WORDS}\s*[::])")


def _label_parts(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Comma groups of a unit list; a label after a space also opens one (牵头单位:X 责任单位:Y)."""
    out = []
    for a, b in split_top(text, s, e, ",,;;"):
        cuts = [m.start() for m in _SPACED_LABEL.finditer(text, a, b)]
        for x, y in zip([a] + cuts, cuts + [b]):
            out.append((x, y))
    return out


def _segments(text: str, s: int, e: int) -> list[_Seg]:
    """A unit list split into comma groups, with labels, rule phrases and verbs."""
    out: list[_Seg] = []
    label = None
    for a, b in _label_parts(text, s, e):
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
        names = item_names(text, seg.items)
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
    if flat and all(seg.tail == "负责" and not seg.label for seg, _ in flat):
        return [(it, "lead", "x_负责") for seg, it in flat]  # "(县教育局负责)"
    if any(seg.tail == "负责" for seg, _ in flat) and all(
            (seg.tail == "负责" or (seg.tail or "").startswith((*_CO_LABELS, "协助"))) and not seg.label for seg, _ in flat):
        # "(市教育局负责,市残联配合)": the unit in charge leads, the others assist
        return [(it, "lead" if seg.tail == "负责" else "co", "x_负责") for seg, it in flat]
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
        for (a, b), name in zip(seg.items, item_names(text, seg.items, seg.after)):
            raw = text[a:b]
            unit, collective = canonical_unit(name, region, anchor)
            if has_prefix(clean_name(raw)) or collective:  # a collective (各镇…) lends its 各 to the next organ type
                anchor = raw
            if not unit or (a, b) not in role_of:
                continue
            role, rule = role_of[(a, b)]
            written = " ".join(raw.replace("\r", "").replace("\n", "").split())
            out.append(Responsibility(unit, written, role, rule, Span(a, b, raw), form, task, collective))
    return out


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


def _paren_units(text: str, ls: int, le: int, o: int, c: int, prev_task: tuple[int, int] | None,
                 region: Region | None, state: _State) -> list[Responsibility]:
    """The units of the parenthetical text[o:c+1] on the line [ls, le), if it is a unit list."""
    may_be_labelled = _LABEL.search(text, o + 1, c) is not None
    if not may_be_labelled and not _bare_paren_placed(text, ls, le, o, c):
        return []  # decided before splitting the parenthetical, which most lines never need
    if _WITH.search(text, o + 1, c) and not may_be_labelled:  # (财政部会同教育部负责): read like the prose form
        ts, te = trim(text, ls, o, " \t\u3000")
        task = (ts, te) if te > ts else prev_task
        return [replace(r, form="trailing_paren", task_span=task) for r in _prose(text, o + 1, c, region, state)]
    note = _PAREN_NOTE.search(text, o + 1, c)  # (责任单位:X、Y。以下各项均需各市县政府落实,不再列出)
    segs = _segments(text, o + 1, note.start() if note else c)
    labelled = any(seg.label for seg in segs)
    if not labelled and may_be_labelled and not _bare_paren_placed(text, ls, le, o, c):
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


def _prose(text: str, s: int, e: int, region: Region | None, ctx: _State) -> list[Responsibility]:
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
    segs = [_Seg(subj, None, None)]
    roles = [(it, subject_role, rule) for it in subj]
    if cue in ("会同", "配合", "协助"):
        o = _OBJECT.match(text, m.end(), e)
        obj = _unit_list(text, o.start("obj"), o.end("obj")) if o else None
        if obj:
            segs.append(_Seg(obj, None, None, after=o.end("obj")))
            roles += [(it, "co" if cue == "会同" else "lead", rule) for it in obj]
    elif cue == "牵头" or (cue == "负责" and subject_role == "lead"):
        after = _AFTER_LEAD if cue == "牵头" else _AFTER_DUTY
        for a, b in split_top(text, m.end(), e, ",,")[1:]:
            a, b = trim(text, a, b)
            if cue == "牵头" and _WITH.match(text, a, b):  # "X为牵头单位,会同Y…"
                o = _OBJECT.match(text, a + 2, b)
                obj = _unit_list(text, o.start("obj"), o.end("obj")) if o else None
                if not obj:
                    break
                segs.append(_Seg(obj, None, None, after=o.end("obj")))
                roles += [(it, "co", rule) for it in obj]
                continue
            f = after.match(text, a, b)
            its = _unit_list(text, f.start("units"), f.end("units")) if f else None
            if not its:
                break
            segs.append(_Seg(its, None, None, after=f.end("units")))
            roles += [(it, "co", rule) for it in its]
    return _resolve_self(_records(text, segs, roles, region, "prose", task), ctx)


def _action(text: str, s: int, e: int, region: Region | None, ctx: _State) -> list[Responsibility]:
    """"县委编办每年核定…": one named unit (with its level or region prefix) as the
    subject of a routine administrative action is the unit responsible for it."""
    m = _ACTION.match(text, s, e)
    if not m:
        return []
    a, b = m.span("subj")
    with_co = _WITH.search(text, a, b)  # 市教委会同市财政局每年…: the partner is co
    co = _unit_list(text, with_co.end(), b) if with_co else None
    if with_co and co:
        b = with_co.start()
    name = clean_name(text[a:b])
    named = looks_like_unit(name) and not is_collective(name) and has_prefix(name) and is_anchored(name)
    if not named and not department_type(name):  # "各设区市教育行政部门每年选派…": a department type
        return []
    it = (a, b)
    segs, roles = [_Seg([it], None, None)], [(it, "lead", "prose_subject")]
    if with_co and co:
        segs.append(_Seg(co, None, None))
        roles += [(x, "co", "prose_subject") for x in co]
    return _records(text, segs, roles, region, "prose", trim(text, s, e))


def _resolve_self(recs: list[Responsibility], ctx: _State) -> list[Responsibility]:
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


#: a section of the issuing bureau itself (责任股室:基教股、计财股、办公室)
_SECTION = re.compile(r"^(?:[\u4e00-\u9fff]{1,6}[股科]|办公室|规划办|督导室|教研室|招生办)$")


def _own_sections(recs: list[Responsibility], ctx: _State) -> list[Responsibility]:
    """基教股 in a bureau's own plan is that bureau's section: 长汀县教育局基教股 (kept as written when the
    issuer is not one bureau)."""
    organs = [clean_name(i) for i in ctx.issuers_read()]
    organ = organs[0] if len(organs) == 1 and re.search(r"[局委厅]$", organs[0]) else None
    if organ is None:
        return recs
    return [replace(r, unit=organ + clean_name(r.unit_raw)) if _SECTION.match(clean_name(r.unit_raw)) else r
            for r in recs]


def _prose_line(text: str, ls: int, le: int, parens: list[tuple[int, int]],
                region: Region | None, state: _State) -> list[Responsibility]:
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
            recs = _prose(text, sub, stop, region, state)
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
            out += _prose_line(text, ls, le, parens, region, state)
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


def extract_responsibilities(text: str, clauses: Sequence[Clause], region: Region | None) -> list[Responsibility]:
    """Every responsible unit of a plan, in document order (never raises).

    Without a region, units written with a bare level prefix (县教育局) take the
    region the document's issuers are named after, when they name exactly one.
    """
    n = len(text)
    parts = sorted((c for c in clauses if 0 <= c.start < c.end <= n), key=lambda c: c.start)
    if not parts:
        parts = [Clause((), "", 0, n, "item", text)] if n else []
    state = _State(text)
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
    seen: set[tuple[int, int]] = set()
    unique = []
    for r in sorted(out, key=lambda r: r.span.start):
        if (r.span.start, r.span.end) not in seen:
            seen.add((r.span.start, r.span.end))
            unique.append(r)
    return unique
