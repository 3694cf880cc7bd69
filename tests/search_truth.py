"""Substring truth of the two search tiers, computed from the clauses themselves (for the engines'
conformance tests)."""
from __future__ import annotations

from kb.normalise import normalise_query
from kb.search.plan import document_words, partial_threshold


def truth_tiers(store, q: str, docs=None) -> tuple[set, set]:
    """The (doc_id, clause index) keys of tier 1 and tier 2 of query ``q`` over ``docs`` (default: all):
    a term is satisfied by the clause text or its document's words; tier 2 needs at least
    :func:`partial_threshold` of the positive terms, one of them in the clause's own text."""
    terms = normalise_query(q).split()
    pos = [t for t in terms if not t.startswith("-")]
    neg = [t[1:] for t in terms if t.startswith("-")]
    tier1, tier2 = set(), set()
    for d in store.document_ids() if docs is None else docs:
        lent = document_words(store.document(d))
        for i, c in enumerate(store.clauses(d)):
            text = c["text"]
            if any(t in text or t in lent for t in neg):
                continue
            held = sum(1 for t in pos if t in text or t in lent)
            if held == len(pos):
                tier1.add((d, i))
            elif held >= partial_threshold(len(pos)) and any(t in text for t in pos):
                tier2.add((d, i))
    return tier1, tier2
