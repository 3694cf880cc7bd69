"""Search intentions: a researcher's query and a clause that must be in the top 5.

Written from reading the seed plans (000 普宁, 001 晋江, 002 恩平, 003 温岭,
004 青海), not from the ranking.  Each case: query, document prefix, clause path.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.search import engines as kbindex
from kb.pipeline import build
from kb.search import SearchQuery, search
from kb.store import Store

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    ("随迁子女 公办学校 比例", "000", "二/(三)/1"),
    ("师生比", "002", "二/(二)/1/(2)"),
    ("交流轮岗 骨干教师", "003", "五/(一)/2/(2)"),
    ("控辍保学", "000", "二/(三)/3"),
    ("控辍保学 长效机制", "000", "二/(三)/3"),
    ("残疾儿童少年 义务教育 入学率", "002", "三/(二)/3"),
    ("集团化办学 教育集团", "000", "二/(四)/1"),
    ("大班额 消除", "000", "二/(一)/3"),
    ("千人学位数", "000", "二/(一)/1"),
    ("学校用地 国土空间规划", "000", "二/(一)/2"),
    ("五育并举", "000", "二/(五)/1"),
    ("体育锻炼 1小时", "000", "二/(五)/1/三是"),
    ("劳动教育 实施方案", "000", "二/(五)/1/五是"),
    ("责任督学 挂牌督导", "000", "二/(四)/3/七是"),
    ("作业负担 校外培训", "000", "二/(四)/3/六是"),
    ("民办 招生 公办学校同步", "000", "二/(四)/3/三是"),
    ("教研 三级 联动", "000", "二/(五)/2"),
    ("县管校聘", "001", "二/(三)/2"),
    ("学前教育 公益普惠 覆盖城乡", "001", "二/(一)/2"),
    ("特殊教育 随班就读", "001", "二/(一)/6"),
    ("双减 五项管理", "001", "二/(二)/2"),
    ("家庭教育促进法 家校", "001", "二/(二)/4"),
    ("师德师风", "001", "二/(三)/1"),
    ("中职 搬迁", "001", "二/(一)/5"),
    ("普通高中 扩容", "001", "二/(一)/4"),
    ("公办学校建设 5:3:2 分担", "001", "三/(三)/一是"),
    ("普惠性民办园", "002", "四/(三)"),
    ("公办园 新增人口", "002", "四/(二)"),
    ("公办幼儿园 生均公用经费", "002", "四/(五)"),
    ("小区配套幼儿园", "002", "四/(四)"),
    ("幼儿园 收费", "002", "三/(一)/2/(6)"),
    ("幼儿园 班额", "002", "三/(一)/3/(2)"),
    ("幼儿园教师 工资待遇", "002", "三/(一)/2/(7)"),
    ("心理健康 筛查", "002", "四/(十七)"),
    ("社会认可度 85%", "002", "三/(一)/4"),
    ("教职工编制 统筹", "003", "五/(一)/2/(1)"),
    ("教师 工资 不低于 公务员", "003", "五/(一)/2/(4)"),
    ("学校布局 规划", "003", "五/(一)/1"),
    ("农村学校 标准化建设", "003", "五/(一)/3/(2)"),
    ("义務教育 優質均衡 首要目標", "003", "三/(三)"),
    ("县中 普通高中 多样化", "002", "三/(二)/2"),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("intents")
    db = tmp / "kb.sqlite"
    build(ROOT / "corpus", db)
    kbindex.build_index(db, tmp / "index", processes=1)
    return tmp / "index", Store(db)


def test_enough_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("q, doc, path", CASES)
def test_intent_in_top_5(kb, q, doc, path):
    index_dir, store = kb
    hits = search(index_dir, store, SearchQuery(q, per_page=5))["hits"]
    top = [(h["doc_id"][:3], h["clause_path"]) for h in hits]
    assert (doc, path) in top, top
