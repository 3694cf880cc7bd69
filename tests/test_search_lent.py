"""Terms lent by a document's words, where other documents' words hold the same characters apart.

An engine may find the documents lending a term by pieces of it (the tantivy engine: the bigrams of
each clause's document words) and must then leave out the documents whose words hold the pieces but
not the term.  Three small plans, written for this test: one whose title holds 学前教育, one whose
title holds 学前、前教 and 教育 apart (学前教研 … 教育), one with none of them.  Counts, tiers and
per-document counts must equal substring truth on every engine.
"""
from __future__ import annotations

import shutil

import pytest

from kb.corpus import Corpus
from kb.pipeline import build
from kb.search import SearchQuery, search, search_plans
from kb.search.engines import ENGINES, build_index
from kb.search.plan import document_words
from kb.store import Store
from search_truth import truth_tiers

PLANS = {
    "lends.txt": """丰源县推进学前教育普及普惠发展实施方案

一、总体目标
到2025年，全县学前三年毛入园率达到92%以上，普惠性幼儿园覆盖率达到85%以上。
二、主要任务
（一）扩大普惠性资源。新建改扩建公办幼儿园6所，新增学位1800个。
（二）加强教师队伍建设。按标准配足配齐幼儿园教职工，保教人员持证上岗率达到100%。
三、保障措施
县财政局负责落实生均公用经费，县教育局负责督导评估。
""",
    "apart.txt": """临川区学前教研与教育质量提升行动方案

一、工作目标
到2026年，建成覆盖全区幼儿园的教研指导网络，园本教研参与率达到100%。
二、重点任务
（一）健全学前教育教研制度。区教研室配备专职学前教研员不少于2名。
（二）推进教育质量评估。每年开展一次幼儿园保育教育质量自评。
三、组织保障
区教育局牵头，区财政局配合保障教研经费。
""",
    "neither.txt": """石门县义务教育薄弱环节改善实施方案

一、目标任务
到2025年，全县义务教育学校办学条件全部达到省定标准，大班额全面消除。
二、主要措施
（一）改善乡村学校寄宿条件，新建学生宿舍3栋。
（二）补充配备教学仪器设备，生均教学仪器设备值达到2000元。
三、责任分工
县教育局牵头，县发展改革局、县财政局配合。
""",
}

QUERIES = ["学前教育", "学前教育 幼儿园", "学前教育 教研", "学前教育 教研 经费", "教育 -学前教育",
           "幼儿园 -学前教育", "前教 教研"]


@pytest.fixture(scope="module", params=ENGINES)
def kb(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"lent-{request.param}")
    corpus = Corpus(tmp / "corpus")
    for name, text in PLANS.items():
        corpus.add_bytes(text.encode("utf-8"), source_name=name)
    build(tmp / "corpus", tmp / "kb.sqlite")
    build_index(tmp / "kb.sqlite", tmp / "kb.index", processes=1, engine=request.param)
    yield tmp / "kb.index", Store(tmp / "kb.sqlite")
    shutil.rmtree(tmp, ignore_errors=True)


def test_the_documents_are_as_written(kb):
    _, store = kb
    words = {d: document_words(store.document(d)) for d in store.document_ids()}
    assert sum("学前教育" in w for w in words.values()) == 1
    apart = [w for w in words.values() if "学前教育" not in w and all(g in w for g in ("学前", "前教", "教育"))]
    assert len(apart) == 1


@pytest.mark.parametrize("q", QUERIES)
def test_tiers_and_counts_equal_substring_truth(kb, q):
    index_dir, store = kb
    tier1, tier2 = truth_tiers(store, q)
    per_doc = {}
    for d, _ in tier1:
        per_doc[d] = per_doc.get(d, 0) + 1
    r = search(index_dir, store, SearchQuery(q, per_page=100))
    assert (r["total"], r["total_partial"]) == (len(tier1), len(tier2))
    assert {(h["doc_id"], h["clause_seq"]) for h in r["hits"] if h["tier"] == 1} == tier1
    assert {(h["doc_id"], h["clause_seq"]) for h in r["hits"] if h["tier"] == 2} == tier2
    plans = search_plans(index_dir, store, SearchQuery(q, per_page=100))
    assert {p["doc_id"]: p["clauses"] for p in plans["plans"]} == per_doc
    newest = search(index_dir, store, SearchQuery(q, per_page=100, sort="newest"))
    assert {(h["doc_id"], h["clause_seq"]) for h in newest["hits"] if h["tier"] == 1} == tier1
