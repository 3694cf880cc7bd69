"""Statute-style questions (a region word plus topic words) over regulations whose articles say 本市/本省
and never their region: the region lives in the title, so tier 1 lets the document's words satisfy it.

The six regulations in tests/data/statutes/ are written for these tests in the shapes of real
条例/办法/规定 (real region names, invented wording).  Each case: query, title prefix, clause path that
must be in the top 5.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.corpus import Corpus
from kb.pipeline import build
from kb.search import SearchQuery, search
from kb.search.engines import ENGINES, build_index
from kb.store import Store

STATUTES = Path(__file__).parent / "data" / "statutes"

CASES = [
    ("成都 校车 照管", "成都", "第三章/第六条"),
    ("成都 校车 超员", "成都", "第三章/第七条"),
    ("成都 校车驾驶人 资格", "成都", "第二章/第五条"),
    ("成都 校车 恶劣天气", "成都", "第三章/第八条"),
    ("江苏 小区配套幼儿园 移交", "江苏", "第二章/第三条"),
    ("江苏 普惠性民办幼儿园 收费", "江苏", "第四章/第七条"),
    ("江苏 幼儿园 保育员 配备", "江苏", "第三章/第五条"),
    ("江苏 幼儿园 安全 第一责任人", "江苏", "第五章/第九条"),
    ("南宁 随迁子女 居住证", "南宁", "第四条"),
    ("南宁 民办 摇号录取", "南宁", "第三条"),
    ("南宁 划片招生 片区", "南宁", "第二条"),
    ("大连 学校 视频监控", "大连", "第四条"),
    ("大连 学生欺凌 防治", "大连", "第六条"),
    ("大连 食堂 陪餐", "大连", "第五条"),
    ("大连 保安员 配备", "大连", "第三条"),
    ("西宁 课后服务 时长", "西宁", "第三条"),
    ("西宁 课后服务 收费", "西宁", "第四条"),
    ("西宁 课后服务 教师 补助", "西宁", "第五条"),
    ("温州 送教上门", "温州", "第四条"),
    ("温州 资源教室 随班就读", "温州", "第三条"),
    ("温州 特殊教育 津贴", "温州", "第六条"),
]


@pytest.fixture(scope="module", params=ENGINES)
def statutes(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"statutes-{request.param}")
    corpus = Corpus(tmp / "corpus")
    for f in sorted(STATUTES.glob("*.txt")):
        corpus.add_bytes(f.read_bytes(), source_name=f.name)
    build(tmp / "corpus", tmp / "kb.sqlite")
    build_index(tmp / "kb.sqlite", tmp / "kb.index", processes=1, engine=request.param)
    yield tmp / "kb.index", Store(tmp / "kb.sqlite")
    shutil.rmtree(tmp, ignore_errors=True)


def test_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("q, title, path", CASES)
def test_a_region_and_topic_question_finds_the_article(statutes, q, title, path):
    index_dir, store = statutes
    result = search(index_dir, store, SearchQuery(q, per_page=5))
    top = [(h["title"][:2], h["clause_path"]) for h in result["hits"] if h["tier"] == 1]
    assert (title, path) in top, top
    region_word = q.split()[0]
    hit = next(h for h in result["hits"] if h["clause_path"] == path)
    assert region_word not in hit["text"]  # the region is satisfied by the title, not the article
    assert hit["matched_terms"] == q.split() and hit["missing_terms"] == []


def test_a_missing_term_falls_back_to_partial_hits_that_say_what_they_lack(statutes):
    index_dir, store = statutes
    result = search(index_dir, store, SearchQuery("天津 校车 安全", per_page=10))
    assert result["total"] == 0 and result["total_partial"] > 0
    assert all(h["tier"] == 2 and "天津" in h["missing_terms"] for h in result["hits"])
    assert all(h["matched_terms"] and set(h["matched_terms"]) <= {"校车", "安全"} for h in result["hits"])
    first = result["hits"][0]
    assert first["matched_terms"] == ["校车", "安全"]  # most terms first


def test_a_statute_article_is_labelled_by_chapter_and_article(statutes):
    index_dir, store = statutes
    (h,) = [h for h in search(index_dir, store, SearchQuery("成都 校车 照管"))["hits"] if h["clause_path"] == "第三章/第六条"]
    assert h["clause_label"] == "第三章 第六条" and h["kind"] == "法规规章"
