"""Unit lists: the core every form of :mod:`kb.extract.units` reads its units with.

A unit list (the inside of a parenthetical, the text after a line label, a
table cell, the subject or object of a prose sentence) is split into comma
groups (:class:`Seg`): a label (牵头单位: / 责任单位: / 配合单位: …) opens a
group, a 排名第一位为牵头单位 / 下同 phrase is a rule group, a closing verb
(牵头, 负责, 配合 …) is the group's tail (:func:`segments`, checked by
:func:`valid`).  :func:`roles` gives every item its role and ``lead_rule``
(``x_牵头``, ``x_负责``, ``label_…``, the first-is-lead rule it is given, else
``not_declared``); :func:`records` makes the Responsibility records.

Central organs (教育部, 国家发展改革委 …) are named by their official short
names without a region; within a 、-group an abbreviated name inherits the
prefix of the unit before it, a comma starts a new group
(:func:`kb.extract.unitnames.canonical_unit`).  :class:`State` is what the
reading of one document carries from list to list (a 下同 declaration, the
issuers).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ..models import Region, Responsibility, Span
from .unitnames import (canonical_unit, clean_name, has_prefix, is_anchored, item_names, list_items, looks_like_unit,
                        ministry_of, split_top, trim)

log = logging.getLogger("kb.extract.units")  # unit extraction logs under its public module's name

NOT_DECLARED = "not_declared"

LABEL_WORDS = r"(?:牵头|责任|配合|协办|协同|参与|主责|主办|承办)(?:单位|部门|股室|科室|处室)(?:[、和及](?:单位|部门))?"
#: 责任处室、单位(按处室、单位顺序排列,下同): a note on the list's order may sit before the colon
LABEL = re.compile(rf"\s*({LABEL_WORDS})\s*(?:[((][^()()::]{{1,20}}[))])?\s*[::]\s*")
FIRST_LEAD = re.compile(r"(?:第一|首)(?:位|个|家|名)?的?(?:单位|部门)?(?:为|是)牵头")
SAME_BELOW = re.compile(r"^(?:以下同|下同|后同|下文同)$")
_TAIL = re.compile(
    r"(?:牵头(?:负责)?|(?:按照?|根据)?(?:各自)?职责(?:分工)?(?:负责|落实)?|分工负责|共同负责|配合(?:落实)?|协助|协办|参与|负责)$"
)
CO_LABELS = ("配合", "协办", "协同", "参与")
#: a unit of a list marked as its lead: 县教育局(牵头)
MARKED_LEAD = re.compile(r"[((]\s*牵头(?:单位)?\s*[))]\s*$")


_Role = tuple[tuple[int, int], str | None, str]  # (item span, role, lead_rule)


@dataclass
class Seg:
    """One comma group of a unit list: its item spans, label, closing verb, or a first-is-lead / 下同 rule."""

    items: list[tuple[int, int]]
    label: str | None
    tail: str | None
    rule: bool = False
    after: int | None = None  # where the list ends, when a shared 等部门 may follow it


@dataclass
class State:
    """What the reading of one document carries from list to list."""

    text: str = ""
    first_is_lead: bool = False  # a 排名第一位为牵头单位,下同 declaration has been read
    issuers: tuple[str, ...] | None = None  # the document's issuers, read when 我厅/我局 … is met
    standing: "Responsibility | None" = None  # 以下各项均需各市县政府落实,不再列出: a unit of every later list

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


_SPACED_LABEL = re.compile(rf"[ \t\u3000]+(?={LABEL_WORDS}\s*[::])")


def _label_parts(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Comma groups of a unit list; a label after a space also opens one (牵头单位:X 责任单位:Y)."""
    out = []
    for a, b in split_top(text, s, e, ",,;;"):
        cuts = [m.start() for m in _SPACED_LABEL.finditer(text, a, b)]
        for x, y in zip([a] + cuts, cuts + [b]):
            out.append((x, y))
    return out


def segments(text: str, s: int, e: int) -> list[Seg]:
    """A unit list split into comma groups, with labels, rule phrases and verbs."""
    out: list[Seg] = []
    label = None
    for a, b in _label_parts(text, s, e):
        m = LABEL.match(text, a, b)
        if m:
            label, a = m.group(1), m.end()
        a, b = trim(text, a, b)
        if a >= b:
            continue
        words = text[a:b]
        if FIRST_LEAD.search(words) or SAME_BELOW.match(words):
            out.append(Seg([], label, None, rule=True))
            continue
        if words[0] == "由":
            a += 1
        tail = _TAIL.search(text, a, b)
        if tail and tail.start() > a:
            b = tail.start()
        out.append(Seg(list_items(text, a, b), label, tail.group() if tail and tail.start() > a else None))
    return out


def valid(text: str, segs: list[Seg], strict: bool) -> bool:
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


def roles(segs: list[Seg], first_rule: str | None, text: str | None = None) -> list[_Role]:
    """(item span, role, lead_rule) for every item, in order.  With ``text``, a unit marked (牵头) in the
    list leads and the others co-operate; a 责任单位: label paired with a 配合单位: label leads."""
    flat = [(seg, it) for seg in segs if not seg.rule for it in seg.items]
    marked = {it for seg, it in flat if text is not None and MARKED_LEAD.search(text, it[0], it[1])}
    if marked:  # 责任单位:县教育局(牵头)、县发改局、县财政局
        return [(it, "lead" if it in marked else "co", "marker_牵头") for _, it in flat]
    if any(seg.tail and seg.tail.startswith("牵头") for seg, _ in flat):
        return [(it, "lead" if seg.tail and seg.tail.startswith("牵头") else "co", "x_牵头") for seg, it in flat]
    if flat and all(seg.tail == "负责" and not seg.label for seg, _ in flat):
        return [(it, "lead", "x_负责") for seg, it in flat]  # "(县教育局负责)"
    if any(seg.tail == "负责" for seg, _ in flat) and all(
            (seg.tail == "负责" or (seg.tail or "").startswith((*CO_LABELS, "协助"))) and not seg.label for seg, _ in flat):
        # "(市教育局负责,市残联配合)": the unit in charge leads, the others assist
        return [(it, "lead" if seg.tail == "负责" else "co", "x_负责") for seg, it in flat]
    has_lead_label = any(seg.label and seg.label.startswith("牵头") for seg, _ in flat)
    paired = not has_lead_label and any(seg.label and seg.label.startswith(CO_LABELS) for seg, _ in flat)
    out = []
    for i, (seg, it) in enumerate(flat):
        lab = seg.label or ""
        if lab.startswith("牵头") or paired and lab.startswith(("责任", "主责", "主办")):
            out.append((it, "lead", "label_" + lab))  # (责任单位:X;配合单位:Y): X is in charge
        elif lab.startswith(CO_LABELS) or (lab and has_lead_label):
            out.append((it, "co", "label_" + lab))
        elif first_rule:
            out.append((it, "lead" if i == 0 else "co", first_rule))
        else:
            out.append((it, None, NOT_DECLARED))
    return out


def records(text: str, segs: list[Seg], roles: list[_Role], region: Region | None, form: str,
            task: tuple[int, int] | None) -> list[Responsibility]:
    """Responsibility records, names inheriting the prefix within each 、-group."""
    role_of = {it: (role, rule) for it, role, rule in roles}
    out = []
    for seg in segs:
        anchor: str | None = None
        for (a, b), name in zip(seg.items, item_names(text, seg.items, seg.after)):
            raw = text[a:b]
            unit, collective = canonical_unit(name, region, anchor)
            # a prefix, a collective (各镇… lends its 各 to the next organ type) or a ministry (教育部…一司) is lent on
            if has_prefix(cleaned := clean_name(raw)) or collective or ministry_of(cleaned):
                anchor = raw
            if not unit or (a, b) not in role_of:
                continue
            role, rule = role_of[(a, b)]
            written = " ".join(raw.replace("\r", "").replace("\n", "").split())
            out.append(Responsibility(unit, written, role, rule, Span(a, b, raw), form, task, collective))
    return out
