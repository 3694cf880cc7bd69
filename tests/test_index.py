"""The search index: one entry per clause in either engine, atomic rebuild; the Whoosh engine's postings."""
from __future__ import annotations

import threading
import time
from math import log
from pathlib import Path

import pytest

from kb import segment
from kb.search import engines as kbindex
from kb.search import whoosh_engine
from kb.pipeline import build
from kb.search import SearchQuery, search
from kb.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The seed knowledge base indexed by the Whoosh engine (whose postings the tests below read)."""
    tmp = tmp_path_factory.mktemp("idx")
    db = tmp / "kb.sqlite"
    build(ROOT / "corpus", db)
    report = kbindex.build_index(db, tmp / "index", processes=2, engine="whoosh")
    return db, tmp / "index", report


@pytest.mark.parametrize("engine", kbindex.ENGINES)
def test_one_entry_per_clause(built, tmp_path, engine):
    db = built[0]
    report = kbindex.build_index(db, tmp_path / "kb.index", processes=2, engine=engine)
    store = Store(db)
    clauses = [(d, i) for d in store.document_ids() for i, _ in enumerate(store.clauses(d))]
    ix = kbindex.open_index(tmp_path / "kb.index")
    assert report.clauses == len(clauses) == len(ix) and ix.engine == report.engine == engine
    assert report.documents == len(store.document_ids())
    assert report.bytes > 0 and not list(tmp_path.glob("kb.index.new-*"))
    assert (tmp_path / "kb.index" / "engine").read_text().strip() == engine


def test_the_index_lives_beside_its_knowledge_base(tmp_path):
    assert kbindex.index_dir_for(tmp_path / "kb.sqlite") == tmp_path / "kb.index"
    assert kbindex.index_dir_for(tmp_path / "other.sqlite") == tmp_path / "other.index"


def test_an_unknown_engine_is_a_clear_error(built, tmp_path):
    with pytest.raises(kbindex.UnknownEngine, match="unknown search engine"):
        kbindex.build_index(built[0], tmp_path / "x", engine="lucene")


def test_whoosh_records(built):
    db, index_dir, _ = built
    ix = kbindex.open_index(index_dir)
    store = Store(db)
    clauses = [(d, i) for d in store.document_ids() for i, _ in enumerate(store.clauses(d))]
    assert sorted((r["doc_id"], r["seq"]) for r in ix.records) == sorted(clauses) and ix.searcher.doc_count() == len(ix)


def test_stored_records(built):
    db, index_dir, _ = built
    store = Store(db)
    ix = kbindex.open_index(index_dir)
    rec = ix._record(next(d for d, r in enumerate(ix.records)
                          if r["doc_id"].startswith("000") and r["clause_path"] == "二/(三)/3"))
    clause = store.clauses(rec["doc_id"])[rec["seq"]]
    assert rec["text"] == clause["text"] and (rec["start"], rec["end"]) == (clause["start"], clause["end"])
    assert rec["region"] == {"code": "445281", "name": "普宁市", "level": "county"}
    assert rec["doc_number"] == "普府办〔2022〕22号"
    assert rec["title"] == "普宁市推动义务教育优质均衡发展行动方案"
    # has_target: a clause holds a target when a target starts inside it
    targets = store.targets()
    with_target = {(t["doc_id"], t["clause_path"]) for t in targets}
    flagged = {(r["doc_id"], r["clause_path"]) for r in ix.records if r["has_target"]}
    assert flagged and flagged <= with_target


def test_filter_fields(built):
    _, index_dir, _ = built
    ix = kbindex.open_index(index_dir)
    n = len(ix)
    assert ix.filter_docs({}) is None
    prov = ix.filter_docs({"province": "44"})
    assert prov and all(ix._record(d)["region"]["code"].startswith("44") for d in prov)
    assert ix.filter_docs({"level": "province"}) == {d for d in range(n) if ix.records[d]["doc_id"].startswith("004")}
    years = ix.filter_docs({"year_from": 2023, "year_to": 2024})
    assert {ix.records[d]["doc_id"][:3] for d in years} == {"002", "004"}
    assert ix.filter_docs({"has_target": True}) == {d for d in range(n) if ix.records[d]["has_target"]}


def test_term_docs_is_substring_truth(built):
    _, index_dir, _ = built
    ix = kbindex.open_index(index_dir)
    for term in ("师", "师生比", "控辍保学", "1:16", "义务教育优质均衡", "(二)", "不存在的词语"):
        assert ix.term_docs(term) == {d for d, r in enumerate(ix.records) if term in r["text"]}


def test_rank_is_bm25_over_the_match_set(built):
    _, index_dir, _ = built
    ix = kbindex.open_index(index_dir)
    words = segment.index_words("义务教育优质均衡 师生比")
    allowed = set(ix.term_docs("教育"))
    doc_words = [segment.index_words(t) for t in ix.texts]
    n, avg = len(doc_words), sum(map(len, doc_words)) / len(doc_words)
    df = {w: sum(1 for dw in doc_words if w in dw) for w in words}

    def bm25(d: int) -> float:
        fl, out = len(doc_words[d]), 0.0
        for w in dict.fromkeys(words):
            tf = doc_words[d].count(w)
            if tf:
                out += (log(n / (df[w] + 1)) + 1) * tf * (whoosh_engine.K1 + 1) / (
                    tf + whoosh_engine.K1 * ((1 - whoosh_engine.B) + whoosh_engine.B * fl / avg))
        return out

    expected = sorted(((d, bm25(d)) for d in allowed), key=lambda x: (-x[1], x[0]))
    got = ix.rank(words, allowed, 20)
    assert len(got) == 20 and expected[0][1] > 0
    assert [round(s, 9) for _, s in got] == [round(s, 9) for _, s in expected[:20]]
    assert all(abs(s - bm25(d)) < 1e-9 and d in allowed for d, s in got)
    # documents that do not score come last, in document order
    assert ix.rank(["不存在的词语"], allowed, 5) == [(d, 0.0) for d in sorted(allowed)[:5]]
    assert ix.rank(words, set(), 5) == []


def test_grams():
    assert whoosh_engine.grams("师生比") == {"师", "生", "比", "师生", "生比"}


def test_tokenizer_positions_and_offsets():
    text = "推进县管校聘改革"
    toks = [(t.text, t.pos, t.startchar, t.endchar) for t in whoosh_engine.WordTokenizer()(text, positions=True, chars=True)]
    assert [p for _, p, _, _ in toks] == list(range(len(toks)))
    assert all(text[s:e] == w for w, _, s, e in toks)


@pytest.mark.parametrize("engine", kbindex.ENGINES)
def test_rebuild_swaps_atomically_and_searches_keep_working(built, tmp_path, engine):
    db = built[0]
    index_dir = tmp_path / "index"
    kbindex.build_index(db, index_dir, processes=1, engine=engine)
    store = Store(db)
    q = SearchQuery("控辍保学")
    expected = search(index_dir, store, q)["total"]
    old_generation = kbindex.open_index(index_dir).generation
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()

    def searching():
        while not stop.is_set():
            try:
                totals.append(search(index_dir, store, q)["total"])
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                errors.append(exc)
            time.sleep(0.002)

    threads = [threading.Thread(target=searching) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        kbindex.build_index(db, index_dir, processes=2, engine=engine)
        kbindex.build_index(db, index_dir, processes=1, engine=engine)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert totals and set(totals) == {expected}
    assert kbindex.open_index(index_dir).generation != old_generation
    leftovers = [p.name for p in index_dir.parent.iterdir() if p.name.startswith("index.")]
    assert leftovers == []


def test_missing_index(tmp_path):
    with pytest.raises(kbindex.IndexMissing):
        kbindex.open_index(tmp_path / "nothing")


@pytest.mark.parametrize("library, owner", [("whoosh", "whoosh_engine.py"), ("tantivy", "tantivy_engine.py")])
def test_each_engine_library_is_imported_by_its_engine_module_only(library, owner):
    root = Path(kbindex.__file__).parent.parent
    users = sorted(p.name for p in root.rglob("*.py")
                   if f"from {library}" in p.read_text(encoding="utf-8") or f"import {library}" in p.read_text(encoding="utf-8"))
    assert users == [owner]
