"""Measure the extractors against hand-labelled gold (the gold-seeds.json format).

For each gold clause the document is processed from the corpus, the span is
located in its normalised text (the occurrence inside the clause with the
gold path when it occurs more than once), and the extracted facts whose
evidence overlaps the span are compared with the gold:

* targets are paired greedily (same value first, then stage, unit and
  indicator); a field is correct when a pair agrees on it; precision divides
  by the extracted targets, recall by the gold ones, so a missed or an extra
  target counts against every field; the *whole target* is correct when
  indicator, value, unit, comparator, stage and deadline all agree;
* responsible units are compared as (unit, role) pairs — the *unit
  assignment* — and as lead and co sets.

A gold clause whose document is not in the corpus but which carries a
``text`` field (a standalone sentence) is extracted from that text alone; one
with a ``file`` field names a constructed document in the gold's documents
directory (``documents`` at the top of the gold file, relative to it), which
is processed as the build would process it once imported.  Gold records of
kind ``baseline`` (a statement of the past or present) are no targets: an
extractor that reports one as a target is wrong.

:func:`evaluate_headers` measures the metadata (title, 文号, issuers, signed
date, region) against header records of such documents, as exact matches.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable

from . import taxonomy
from .corpus import Corpus, Entry
from .decode import decode_bytes
from .facts import extract_facts
from .models import Clause, Responsibility, Target
from .normalise import fold_lookalikes, normalise
from .pipeline import process

TARGET_FIELDS = ("indicator", "value", "unit", "comparator", "stage", "deadline")


@dataclass
class Counts:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else (1.0 if not self.n_pred else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    per_doc: dict[str, dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counts)))
    clauses: int = 0
    missing: list[str] = field(default_factory=list)  # clause ids whose span was not found
    errors: list[tuple[str, str]] = field(default_factory=list)  # (clause id, what went wrong)

    def add(self, doc: str, name: str, c: Counts) -> None:
        self.fields[name].add(c)
        self.per_doc[doc][name].add(c)

    def as_dict(self) -> dict:
        def row(c: Counts) -> dict:
            return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                    "tp": c.tp, "predicted": c.n_pred, "gold": c.n_gold}

        return {
            "clauses": self.clauses,
            "fields": {k: row(v) for k, v in self.fields.items()},
            "per_document": {d: {k: row(v) for k, v in f.items()} for d, f in sorted(self.per_doc.items())},
            "missing_spans": self.missing,
            "mismatches": [f"{cid}: {msg}" for cid, msg in self.errors],
        }


def pooled(reports: Iterable[Report]) -> Report:
    """One report over several gold sets, their counts summed: every labelled target weighs the same,
    whichever set it is in (issue 11's goals are stated for the constructed forms as a whole)."""
    out = Report()
    for r in reports:
        out.clauses += r.clauses
        out.missing += r.missing
        for name, c in r.fields.items():
            out.fields[name].add(c)
    return out


# --- comparing one field -----------------------------------------------------

_NOISE = re.compile(r"[\s“”\"'‘’《》()()、,,。的]|全市|全县|全区|全省|我市|我县|我区|我省|各|所有")


def _norm_indicator(s: str | None) -> str:
    return _NOISE.sub("", s or "")


def _same_id(want: str | None, got: str | None) -> bool:
    """National ids agree by taxonomy group (YJ-G11a ~ YJ-G11b); family ids exactly."""
    if not want or not got:
        return want == got
    g, p = taxonomy.get(want), taxonomy.get(got)
    if g is not None and p is not None:
        return g.group == p.group
    return want == got


def expected_id(gold: dict) -> str | None:
    return gold.get("canonical") or gold.get("family")


def _comparable_id(gold: dict, got: str | None) -> str | None:
    """The predicted id as the gold set can judge it: a set labelled before the project's common (CM-*)
    and family (LF-*) ids existed (gold.json: national DOMAIN §4 ids only) sees those as no id."""
    if "family" not in gold and got and got.startswith(("LF-", "CM-")):
        return None
    return got


def same_indicator(gold: dict, pred: Target) -> bool:
    """The words name the same measure, or the ids say so (a national indicator or a local family)."""
    if expected_id(gold) and pred.indicator_id and _same_id(expected_id(gold), pred.indicator_id):
        return True
    a, b = _norm_indicator(gold.get("indicator")), _norm_indicator(pred.indicator)
    if not a or not b:
        return a == b
    if a in b or b in a:
        return True
    # gold names write "measure(qualifier)" where plans (and the extractor) write "qualifier + measure"
    fronted = [_norm_indicator(_QUALIFIER.sub(r"\2\1", x)) for x in (gold.get("indicator") or "", pred.indicator or "")]
    return max(SequenceMatcher(None, a, b).ratio(), SequenceMatcher(None, fronted[0], fronted[1]).ratio()) >= 0.6


#: a trailing bracketed qualifier: 心理教师配备数(规模500人以上的学校)
_QUALIFIER = re.compile(r"^(.+?)[((]([^()()]+)[))]$")


def same_value(g, p) -> bool:
    if g is None or p is None:
        return g is None and p is None
    if isinstance(g, list) or isinstance(p, (tuple, list)):
        return isinstance(g, list) and isinstance(p, (tuple, list)) and len(g) == len(p) and all(
            abs(float(x) - float(y)) < 1e-9 for x, y in zip(g, p))
    return abs(float(g) - float(p)) < 1e-9


def _norm_unit(u: str | None) -> str | None:
    if u is None:
        return None
    u = u.replace(" ", "").replace("(", "(").replace(")", ")").replace("·天)", "·日)")  # 每生每天 = 每生每日
    return re.sub(r"\(.*?\)$", "", u) if u.startswith("级") else u


def same_unit(g: str | None, p: str | None) -> bool:
    return _norm_unit(g) == _norm_unit(p)


def same_deadline(gold: dict, pred: Target) -> bool:
    g = gold.get("deadline")
    d = pred.deadline
    if g is None:
        inferred = gold.get("deadline_inferred")
        if d is None:
            return True
        return bool(d.inferred and inferred and inferred.get("end") == d.end)
    if d is None:
        return False
    if g.get("kind") == "start" or g.get("end") is None:
        return d.kind == g.get("kind") or d.end == g.get("end")
    return d.end == g.get("end")


def _field_ok(name: str, gold: dict, pred: Target) -> bool:
    if name == "indicator":
        return same_indicator(gold, pred)
    if name == "value":
        return same_value(gold.get("value"), pred.value)
    if name == "unit":
        return same_unit(gold.get("unit"), pred.unit)
    if name == "comparator":
        return gold.get("comparator") == pred.comparator
    if name == "stage":
        return gold.get("stage") == pred.stage
    if name == "deadline":
        return same_deadline(gold, pred)
    raise KeyError(name)


def _show_gold(g: dict) -> str:
    d = (g.get("deadline") or {}).get("end")
    return f"{g.get('indicator')}|{g.get('comparator')}{g.get('value')}{g.get('unit') or ''}|{g.get('stage')}|{d}"


def _show_pred(p: Target) -> str:
    d = p.deadline.end if p.deadline else None
    return f"{p.indicator}|{p.comparator}{p.value}{p.unit or ''}|{p.stage}|{d}"


def _target_diff(gold: list[dict], pred: list[Target], pairs, whole: int, id_bad=()) -> str:
    """One line per gold/extracted target: which fields differ, what was missed, what is extra,
    and which found targets got another indicator id than the gold gives."""
    lines = [f"targets: gold {len(gold)}, extracted {len(pred)}, whole-correct {whole}"]
    paired_g = {id(g) for g, _ in pairs}
    paired_p = {id(p) for _, p in pairs}
    for g, p in pairs:
        bad = [f for f in TARGET_FIELDS if not _field_ok(f, g, p)]
        if bad:
            lines.append(f"    ~ {','.join(bad)}: gold {_show_gold(g)}  got {_show_pred(p)}")
    lines += [f"    - missed {_show_gold(g)}" for g in gold if id(g) not in paired_g]
    lines += [f"    + extra  {_show_pred(p)}" for p in pred if id(p) not in paired_p]
    lines += [f"    ≠ id: gold {expected_id(g)} got {p.indicator_id}  ({g.get('indicator')} / {p.indicator})"
              for g, p in id_bad]
    return "\n".join(lines)


def pair_targets(gold: list[dict], pred: list[Target]) -> list[tuple[dict, Target]]:
    """Greedy pairing by how many fields agree, value agreement weighing most."""
    scored = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            s = sum(_field_ok(f, g, p) for f in TARGET_FIELDS) + 3 * same_value(g.get("value"), p.value)
            if same_value(g.get("value"), p.value) or _field_ok("indicator", g, p):
                scored.append((s, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in scored:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((gold[i], pred[j]))
    return pairs


# --- units ----------------------------------------------------------------------

def _norm_unit_name(u: str) -> str:
    # the gold marks collectives and department types (教育行政部门) in the name; the extractor flags them
    return re.sub(r"\s+|\((?:collective|department ?type)\)$", "", u)


def gold_assignments(resp: dict | None) -> set[tuple[str, str | None]]:
    if not resp:
        return set()
    if resp.get("items"):  # several prose assignments, each with its own span
        return set().union(*(gold_assignments(item) for item in resp["items"]))
    out: set[tuple[str, str | None]] = set()
    if resp.get("lead") is None and resp.get("units"):
        out |= {(_norm_unit_name(u), None) for u in resp["units"]}
    else:
        out |= {(_norm_unit_name(u), "lead") for u in resp.get("lead") or []}
        out |= {(_norm_unit_name(u), "co") for u in resp.get("co") or []}
        out |= {(_norm_unit_name(u), None) for u in resp.get("units") or []}
    return out


def pred_assignments(resps: Iterable[Responsibility]) -> set[tuple[str, str | None]]:
    return {(_norm_unit_name(r.unit), r.role) for r in resps}


# --- running ---------------------------------------------------------------------

class _Docs:
    """Documents of the corpus, processed once each."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.entries = corpus.entries() if corpus.exists() else []
        self.cache: dict[str, object] = {}

    def get(self, ref: str):
        if ref not in self.cache:
            hits = [e for e in self.entries if e.id == ref] or [e for e in self.entries if e.id.startswith(ref)]
            self.cache[ref] = process(hits[0], self.corpus.read(hits[0])) if len(hits) == 1 else None
        return self.cache[ref]


class _Files:
    """Constructed documents of a gold set, processed once each as if imported."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self.cache: dict[str, object] = {}

    def get(self, name: str):
        if name not in self.cache:
            self.cache[name] = process_file(self.directory / name) if self.directory else None
        return self.cache[name]


def process_file(path: Path):
    """A document file processed as the build processes it after ``policykb import``."""
    import hashlib

    data = path.read_bytes()
    decoded = decode_bytes(data)
    entry = Entry(id=path.stem, file=path.name, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
                  origin="imported_file", media_type=decoded.media_type, encoding=decoded.encoding,
                  source_name=path.name)
    return process(entry, data)


def documents_dir(gold: dict, gold_path: Path | str | None) -> Path | None:
    """The directory of a gold set's constructed documents (its ``documents`` key, relative to the gold file)."""
    if not gold.get("documents") or gold_path is None:
        return None
    return Path(gold_path).resolve().parent / gold["documents"]


def _gold_targets(clause: dict) -> list[dict]:
    return [t for t in clause.get("targets") or [] if t.get("kind") != "baseline"]


def _on_path(have: tuple[str, ...], want: list[str]) -> bool:
    """Whether a clause path is the gold path or under it; a level the gold leaves out (a table's category,
    附件/资源配置/1 for the gold's 附件/1) may sit between its tokens."""
    if list(have[:len(want)]) == want:
        return True
    if not want or not have or have[0] != want[0] or have[-1] != want[-1]:
        return False
    it = iter(have)
    return all(tok in it for tok in want)


def _locate(text: str, span: str, clauses: tuple[Clause, ...], path: list[str]) -> int:
    """Where the gold span is: the occurrence inside a clause on the gold path; else one inside a clause whose
    last path token is the gold's (row 1 of a table the gold files under 附件 and the tree under its section);
    else the first."""
    first = same_leaf = -1
    for m in re.finditer(re.escape(span), text):
        if first < 0:
            first = m.start()
        for c in clauses:
            if c.start <= m.start() < c.end:
                if _on_path(c.path, path):
                    return m.start()
                if same_leaf < 0 and path and c.path[-1:] == (path[-1],):
                    same_leaf = m.start()
    return same_leaf if same_leaf >= 0 else first


def evaluate(gold: dict, corpus_dir: Path | str, gold_path: Path | str | None = None) -> Report:
    docs = _Docs(Corpus(corpus_dir))
    files = _Files(documents_dir(gold, gold_path))
    report = Report()
    for clause in gold["clauses"]:
        cid, doc_ref = clause["id"], clause.get("doc") or ""
        if clause.get("file"):
            doc_ref = clause["file"]
            processed = files.get(doc_ref)
        else:
            processed = docs.get(doc_ref) if doc_ref else None
        if processed is not None:
            text = processed.norm.text
            # A traditional or annotated copy: the span as the normalised text has it (simplified, no pinyin).
            span = fold_lookalikes(clause.get("span_clean") or clause.get("span_simplified") or clause["span"])
            start = _locate(text, span, processed.clauses, clause.get("path") or [])
            if start < 0:
                report.missing.append(cid)
                continue
            end = start + len(span)
            targets = [t for t in processed.targets if t.span.start < end and t.span.end > start]
            regions = [(start, end)]
            for item in (clause.get("responsibility") or {}).get("items") or []:
                if item.get("span") and (i := text.find(item["span"])) >= 0:
                    regions.append((i, i + len(item["span"])))
            resps = [r for r in processed.responsibilities
                     if any((r.task_span and r.task_span[0] < b and r.task_span[1] > a)
                            or (r.span.start < b and r.span.end > a) for a, b in regions)]
        elif clause.get("text"):
            text = normalise(clause["text"]).text
            cl = [Clause((), "", 0, len(text), "front", text)]
            targets, resps = extract_facts(text, cl, None)
        else:
            report.missing.append(cid)
            continue
        report.clauses += 1
        doc = doc_ref or "standalone"
        gold_targets = _gold_targets(clause)
        targets = [t for t in targets if t.kind != "baseline"]
        pairs = pair_targets(gold_targets, list(targets))
        for name in TARGET_FIELDS:
            ok = sum(_field_ok(name, g, p) for g, p in pairs)
            report.add(doc, name, Counts(ok, len(targets), len(gold_targets)))
        whole = sum(all(_field_ok(f, g, p) for f in TARGET_FIELDS) for g, p in pairs)
        # indicator mapping: of the gold targets found, how many got the id the gold gives (national, family or none)
        mapped = sum(_same_id(expected_id(g), _comparable_id(g, p.indicator_id)) for g, p in pairs)
        report.add(doc, "indicator_id", Counts(mapped, len(pairs), len(pairs)))
        report.add(doc, "whole_target", Counts(whole, len(targets), len(gold_targets)))
        id_bad = [(g, p) for g, p in pairs if not _same_id(expected_id(g), _comparable_id(g, p.indicator_id))]
        if whole < max(len(targets), len(gold_targets)) or id_bad:
            report.errors.append((cid, _target_diff(gold_targets, list(targets), pairs, whole, id_bad)))
        resp = clause.get("responsibility")
        if "responsibility" in clause:
            g_as = gold_assignments(resp)
            if resp is None and processed is not None:
                # no unit list labelled here: only units written inside the span are extra
                resps = [r for r in resps if start <= r.span.start and r.span.end <= end]
            p_as = pred_assignments(resps)
            report.add(doc, "unit_assignment", Counts(len(g_as & p_as), len(p_as), len(g_as)))
            for role, name in (("lead", "lead_set"), ("co", "co_set")):
                gs = {u for u, r in g_as if r == role}
                ps = {u for u, r in p_as if r == role}
                report.add(doc, name, Counts(len(gs & ps), len(ps), len(gs)))
            if g_as != p_as:
                report.errors.append((cid, f"units: missing {sorted(g_as - p_as, key=str)}, extra {sorted(p_as - g_as, key=str)}"))
    return report


# --- document headers -------------------------------------------------------------

HEADER_FIELDS = ("title", "doc_number", "issuers", "signed_date", "region")


def _same_header_field(name: str, gold: dict, meta, region) -> bool:
    if name == "title":
        return re.sub(r"\s+", "", gold.get("title") or "") == re.sub(r"\s+", "", meta.title or "")
    if name == "doc_number":
        want = (gold.get("doc_number") or {}).get("normalised")
        return want == (meta.doc_number.text if meta.doc_number else None)
    if name == "issuers":
        return [re.sub(r"\s+", "", x) for x in gold.get("issuers") or []] == [re.sub(r"\s+", "", x) for x in meta.issuers]
    if name == "signed_date":
        return gold.get("signed_date") == meta.date("signed")
    if name == "region":
        return gold.get("region_code") == (region.code if region else None)
    raise KeyError(name)


def evaluate_headers(gold: dict, gold_path: Path | str) -> dict:
    """Exact-match rate of each metadata field over the header records of ``gold``
    ({"documents": dir, "headers": [{file, title, doc_number {normalised}, issuers, signed_date,
    region_code}]}); the mismatches as (file, field, gold, extracted)."""
    from .pipeline import _region

    directory = documents_dir(gold, gold_path)
    counts = {name: 0 for name in HEADER_FIELDS}
    mismatches: list[tuple[str, str, object, object]] = []
    for h in gold["headers"]:
        p = process_file(directory / h["file"])
        region = _region(p.metadata, p.entry)
        for name in HEADER_FIELDS:
            if _same_header_field(name, h, p.metadata, region):
                counts[name] += 1
            else:
                got = {"title": p.metadata.title,
                       "doc_number": p.metadata.doc_number.text if p.metadata.doc_number else None,
                       "issuers": list(p.metadata.issuers), "signed_date": p.metadata.date("signed"),
                       "region": region.code if region else None}[name]
                want = {"title": h.get("title"), "doc_number": (h.get("doc_number") or {}).get("normalised"),
                        "issuers": h.get("issuers"), "signed_date": h.get("signed_date"),
                        "region": h.get("region_code")}[name]
                mismatches.append((h["file"], name, want, got))
    n = len(gold["headers"])
    return {"documents": n, "exact": {k: (v / n if n else 0.0) for k, v in counts.items()},
            "matched": counts, "mismatches": mismatches}
