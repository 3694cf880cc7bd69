"""Counting tier 1 by document (no search library here).

A term is satisfied by a clause's text or by the words its document lends it
(:func:`kb.search.plan.document_words`).  Which documents lend which terms is known before the index is
touched (:class:`kb.search.plan.LentWords`), so the documents fall into a few classes, by the set of
terms they lend; within one class, a clause is in tier 1 when its text holds the terms the class does
not lend — and every clause of a class that lends all the terms is, which the per-document clause
counts tell without the index.

So an engine counts tier 1, its facets and its clauses per document with one text-driven query per
class instead of enumerating every clause of every document that lends a common term (half of all
clauses, for 优质均衡).  The page of hits in date or region order comes from the same per-document
counts: walk the documents in that order and fetch hits from the few that the page reaches.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .plan import Filters, LentWords, Plan
from .records import date_number

__all__ = ["Class", "DocumentFacts", "MAX_CLASSES", "Tally"]

#: beyond this many classes an engine counts with its whole query instead
MAX_CLASSES = 16


@dataclass(frozen=True)
class Class:
    """Documents that lend the same terms of a plan (indices into ``plan.terms``)."""

    docs: frozenset[str]
    lent: frozenset[int]

    def unlent(self, n_terms: int) -> tuple[int, ...]:
        return tuple(i for i in range(n_terms) if i not in self.lent)



@dataclass
class Tally:
    """A tier's size and its clauses per facet value, summed over the parts it is counted in."""

    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {"province": {}, "level": {}, "year": {}, "kind": {}})

    def add(self, other: "Tally") -> None:
        """Add another part's counts."""
        for name, counts in other.facets.items():
            into = self.facets[name]
            for key, n in counts.items():
                into[key] = into.get(key, 0) + n
        self.total += other.total

    def add_buckets(self, buckets: dict[str, list[dict]]) -> None:
        """Add an engine's facet buckets (``{"province": [{"key": …, "doc_count": …}, …], …}``); ``kind``,
        which every clause has, gives the size."""
        for name, rows in buckets.items():
            into = self.facets[name]
            for b in rows:
                key = b["key"]
                key = str(int(key)) if isinstance(key, float) else str(key)
                if key:
                    into[key] = into.get(key, 0) + b["doc_count"]
        self.total += sum(b["doc_count"] for b in buckets.get("kind", ()))

    def add_per_doc(self, per_doc: dict[str, int], facts: "DocumentFacts") -> None:
        """Add clauses counted per document."""
        for name, counts in facts.facets(per_doc).items():
            into = self.facets[name]
            for key, n in counts.items():
                into[key] = into.get(key, 0) + n
        self.total += sum(per_doc.values())


class DocumentFacts:
    """What an index knows of each document for counting: clauses, clauses with targets, and the values
    the filters, facets and orders read (from the entries :func:`kb.search.records.display_document`
    makes, with ``clauses`` and ``targets`` counts added at build time)."""

    def __init__(self, documents: dict[str, dict]):
        self.ids = tuple(documents)
        self.clauses = {d: int(doc.get("clauses") or 0) for d, doc in documents.items()}
        self.targets = {d: int(doc.get("targets") or 0) for d, doc in documents.items()}
        self.code = {d: ((doc.get("region") or {}).get("code") or "") for d, doc in documents.items()}
        self.level = {d: ((doc.get("region") or {}).get("level") or "") for d, doc in documents.items()}
        self.year = {d: doc.get("year") for d, doc in documents.items()}
        self.kind = {d: doc.get("kind") or "" for d, doc in documents.items()}
        self.date = {d: date_number(doc.get("date")) for d, doc in documents.items()}
        self._facet_key = {d: (self.code[d][:2], self.level[d], self.year[d], self.kind[d]) for d in self.ids}
        self._facet_keys = list(dict.fromkeys(self._facet_key.values()))
        index = {k: i for i, k in enumerate(self._facet_keys)}
        self._facet_index = {d: index[k] for d, k in self._facet_key.items()}
        self.others = {d: self.clauses[d] - self.targets[d] for d in self.ids}
        self._all = frozenset(self.ids)
        self._pos = {d: i for i, d in enumerate(self.ids)}

    def scope(self, f: Filters) -> frozenset[str]:
        """The documents the document-level filters admit (``has_target`` is the clauses' own)."""
        if f.region_prefix is None and f.province is None and f.level is None and f.kind is None \
                and f.doc_id is None and f.year_from is None and f.year_to is None and not f.any_region:
            return self._all
        ids = [f.doc_id] if f.doc_id is not None else self.ids
        return frozenset(d for d in ids if self.admits(d, f))

    def admits(self, d: str, f: Filters) -> bool:
        """Whether the document-level filters admit document ``d``."""
        code = self.code.get(d)
        if code is None or f.doc_id is not None and d != f.doc_id:
            return False
        if f.region_prefix is not None and not code.startswith(f.region_prefix):
            return False
        if f.province is not None and code[:2] != f.province:
            return False
        if f.level is not None and self.level[d] != f.level or f.kind is not None and self.kind[d] != f.kind:
            return False
        year = self.year[d]
        if f.year_from is not None and (year is None or year < f.year_from):
            return False
        if f.year_to is not None and (year is None or year > f.year_to):
            return False
        return not f.any_region or any(code.startswith(p) for p in f.any_region)

    def classes(self, plan: Plan, lent: LentWords) -> list[Class] | None:
        """The documents in scope of ``plan`` grouped by the terms they lend, without those that lend an
        excluded term (every clause of theirs is out); None when there are more than :data:`MAX_CLASSES`.
        (Set operations in C: a term lent by half of 8,000 documents costs ~0.3 ms.)"""
        docs = self.scope(plan.filters)
        for term in plan.excluded:
            docs = docs - lent.holding(term)
        groups: list[tuple[frozenset[int], frozenset[str]]] = [(frozenset(), docs)] if docs else []
        for i, term in enumerate(plan.terms):
            holding = lent.holding(term)
            if not holding:
                continue
            split = []
            for key, members in groups:
                yes = members & holding
                if yes:
                    split.append((key | {i}, yes))
                    if len(yes) < len(members):
                        split.append((key, members - yes))
                else:
                    split.append((key, members))
            groups = split
            if len(groups) > MAX_CLASSES:
                return None
        return [Class(members, key) for key, members in groups]

    def clause_count(self, docs) -> int:
        """How many clauses ``docs`` hold."""
        clauses = self.clauses
        return sum(clauses[d] for d in docs)

    def whole(self, docs, has_target: bool | None) -> dict[str, int]:
        """Every clause of ``docs`` (those with targets, or without, as ``has_target`` asks), per document."""
        if has_target is None:
            return {d: self.clauses[d] for d in docs if self.clauses[d]}
        if has_target:
            return {d: self.targets[d] for d in docs if self.targets[d]}
        return {d: self.clauses[d] - self.targets[d] for d in docs if self.clauses[d] - self.targets[d]}

    def whole_facets(self, docs, has_target: bool | None) -> tuple[int, dict[str, dict[str, int]]]:
        """The number of clauses of :meth:`whole` and their facets, without the per-document dictionary
        (a class of 4,000 documents in well under a millisecond)."""
        counts = self.clauses if has_target is None else self.targets if has_target else self.others
        key, acc = self._facet_index, [0] * len(self._facet_keys)
        for d in docs:
            acc[key[d]] += counts[d]
        return sum(acc), self._expand({k: n for k, n in zip(self._facet_keys, acc) if n})

    def facets(self, per_doc: dict[str, int]) -> dict[str, dict[str, int]]:
        """Clauses per province code, level, year and kind, from clauses per document."""
        by_key: dict[tuple, int] = {}
        key = self._facet_key
        for d, n in per_doc.items():
            k = key[d]
            by_key[k] = by_key.get(k, 0) + n
        return self._expand(by_key)

    @staticmethod
    def _expand(by_key: dict[tuple, int]) -> dict[str, dict[str, int]]:
        """Clauses per facet value, from clauses per (province, level, year, kind)."""
        out: dict[str, dict[str, int]] = {"province": {}, "level": {}, "year": {}, "kind": {}}
        for (province, level, year, kind), n in by_key.items():
            for name, value in (("province", province), ("level", level), ("year", year), ("kind", kind)):
                if value in (None, ""):
                    continue
                value = str(value)
                out[name][value] = out[name].get(value, 0) + n
        return out

    def sort_key(self, sort: str):
        """The order of documents for a sort other than relevance (ties by document order)."""
        pos = self._pos
        if sort == "newest":
            return lambda d: (-(self.date[d] or 0), pos[d])
        if sort == "oldest":
            return lambda d: (self.date[d] or 99_999_999, pos[d])
        return lambda d: (self.code[d] or "999999", pos[d])
