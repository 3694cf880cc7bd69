"""Extracted facts: run the extractors on a document, and shape their records
for the knowledge base and for JSON.

Targets get their indicator id here (the extractor reads words; the taxonomy
knows the national indicator set and the local families: a national id when the
target measures a national indicator, else an LF-* family id), and every fact gets the path of
the clause its evidence lies in.
"""
from __future__ import annotations

import bisect
import re
from typing import Sequence

from . import families
from .extract.targets import extract_targets
from .extract.units import extract_responsibilities
from .models import Clause, Region, Responsibility, Target


def extract_facts(text: str, clauses: Sequence[Clause], region: Region | None,
                  issuers: Sequence[str] | None = None) -> tuple[list[Target], list[Responsibility]]:
    """Targets (with indicator ids) and responsible units of a document; ``issuers`` are the ones its
    metadata names, when already read (else the unit reader reads them itself when it needs them)."""
    targets = [  # a baseline (the situation before the plan) is never compared: it gets no indicator id
        t if t.kind == "baseline" or t.indicator_id else _with_id(t, _classify(text, t))
        for t in extract_targets(text, clauses)
    ]
    return targets, extract_responsibilities(text, clauses, region, issuers)


#: a measure that names no subject (学生参与率, 受益面, 补助标准, 毕业生就业率): the sentence before it does
_BARE = re.compile(r"(?:[\u4e00-\u9fff]{0,8}(?:率|面|标准|规模|人次)|惠及[\u4e00-\u9fff]{1,3})")
_WHOLE_MEASURE = re.compile(r"(?:满意度|认可度|满意率)$")
_SENTENCE_END = re.compile(r"[。;!?\n]")


def _classify(text: str, t: Target) -> str | None:
    """The id of what the target measures; a bare measure is read with the words of its sentence before it
    (课后服务全覆盖,学生自愿参加率… is the 课后服务 family)."""
    if t.kind == "milestone":
        return None  # an end state to reach (通过…评估, 建成…投入使用) measures no indicator (gold convention)
    found = families.classify(t.indicator, t.stage, t.unit)
    if found is None and (t.unit or "").startswith("元/(人") and t.indicator_span:
        found = _grant_of_paragraph(text, t)  # 村小和教学点任教的教师…每人每月再增加100元: the grant named before
    short = len(t.indicator) <= 6 and not families.match_measure(t.indicator, t.stage, t.unit) \
        and not _WHOLE_MEASURE.search(t.indicator)  # 家长满意度 is a measure of its own, not a context's
    if found is not None or not t.indicator_span or not (_BARE.fullmatch(t.indicator) or short):
        return found  # …生活补助分三档:一类地区每人每月300元…: a short item name is read with its sentence too
    start = t.indicator_span[0]
    head = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 60), start)), default=max(0, start - 60))
    context = text[head:start].strip(" ,,、")
    got = families.classify(context + t.indicator, t.stage, t.unit) if context else None
    return got if got and got.startswith("LF-") else None  # a national row needs its own words


#: a grant named in the words before a per-head rate (乡村教师生活补助, 交通补贴, 特殊教育津贴)
_GRANT = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:生活补助|交通补助|补助|补贴|津贴)")


def _grant_of_paragraph(text: str, t: Target) -> str | None:
    """The family of a per-head rate whose own words name no grant, read with the last grant its paragraph
    (this line and the one before) names up to its name's end; only a local family, never a national row."""
    start, end = t.indicator_span
    line = text.rfind("\n", 0, start)
    before = text[text.rfind("\n", 0, max(line, 0)) + 1:end] if line > 0 else text[:end]
    for grant in reversed(_GRANT.findall(before[-300:])[-3:]):
        got = families.classify(grant + t.indicator, t.stage, t.unit)
        if got and got.startswith("LF-"):
            return got
    return None


def _with_id(t: Target, indicator_id: str | None) -> Target:
    return t if indicator_id is None else t.with_indicator_id(indicator_id)


class ClauseLocator:
    """Which clause holds an offset (clauses are ordered and non-overlapping)."""

    def __init__(self, clauses: Sequence[Clause]):
        self.clauses = list(clauses)
        self.starts = [c.start for c in self.clauses]

    def path(self, pos: int) -> str:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.clauses[i].path_str if i >= 0 else ""


def _value_pair(value) -> tuple[float | None, float | None]:
    if isinstance(value, (tuple, list)):
        return float(value[0]), float(value[1])
    return (float(value) if value is not None else None), None


def target_row(t: Target, path: str) -> dict:
    v1, v2 = _value_pair(t.value)
    d = t.deadline
    return {
        "clause_path": path, "indicator": t.indicator, "indicator_id": t.indicator_id, "stage": t.stage,
        "comparator": t.comparator, "value": v1, "value2": v2, "unit": t.unit, "raw_value": t.raw_value,
        "raw_unit": t.raw_unit,
        "deadline": None if d is None else {
            "end": d.end, "text": d.text, "kind": d.kind, "start": d.start, "inferred": d.inferred,
            "span": list(d.span) if d.span else None,
        },
        "deadline_end": d.end if d else None, "kind": t.kind, "modality": t.modality, "cue": t.cue,
        "period": t.period, "flags": list(t.flags), "start": t.span.start, "end": t.span.end, "span_text": t.span.text,
    }


def responsibility_row(r: Responsibility, path: str) -> dict:
    return {
        "clause_path": path, "unit": r.unit, "unit_raw": r.unit_raw, "role": r.role, "lead_rule": r.lead_rule,
        "form": r.form, "collective": int(r.collective), "start": r.span.start, "end": r.span.end,
        "span_text": r.span.text, "task_start": r.task_span[0] if r.task_span else None,
        "task_end": r.task_span[1] if r.task_span else None,
    }


def _number(x: float | None):
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def target_json(row: dict) -> dict:
    """The public JSON of a target (``policykb targets --json``)."""
    value = [_number(row["value"]), _number(row["value2"])] if row["value2"] is not None else _number(row["value"])
    d = row["deadline"]
    return {
        "doc_id": row["doc_id"], "clause_path": row["clause_path"], "indicator": row["indicator"],
        "indicator_id": row["indicator_id"], "stage": row["stage"], "comparator": row["comparator"],
        "value": value, "unit": row["unit"], "raw_value": row["raw_value"], "raw_unit": row["raw_unit"],
        "deadline": None if d is None else {k: d[k] for k in ("end", "text", "kind", "start", "inferred")},
        "kind": row["kind"], "modality": row["modality"], "cue": row["cue"], "period": row["period"],
        "flags": row["flags"], "span": {"start": row["start"], "end": row["end"], "text": row["span_text"]},
    }


def responsibility_json(row: dict) -> dict:
    """The public JSON of a responsible unit (``policykb units --json``)."""
    return {
        "doc_id": row["doc_id"], "clause_path": row["clause_path"], "unit": row["unit"], "unit_raw": row["unit_raw"],
        "role": row["role"], "lead_rule": row["lead_rule"], "form": row["form"], "collective": bool(row["collective"]),
        "span": {"start": row["start"], "end": row["end"], "text": row["span_text"]},
        "task_span": None if row["task_start"] is None else {"start": row["task_start"], "end": row["task_end"]},
    }
