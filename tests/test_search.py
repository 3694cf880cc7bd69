"""kb.search: substring recall, query syntax, filters, paging, errors, highlighting."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kb.search import engines as kbindex
from kb.normalise import normalise_query, to_traditional
from kb.pipeline import build
from kb.search import SearchError, SearchQuery, explain, highlight, search
from kb.search.plan import document_words
from kb.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=kbindex.ENGINES)
def kb(request, tmp_path_factory):
    """The seed knowledge base indexed by each engine: every test below is the engines' conformance
    suite (the same match sets: substring truth over the clause and its document's words)."""
    tmp = tmp_path_factory.mktemp(f"search-{request.param}")
    db = tmp / "kb.sqlite"
    build(ROOT / "corpus", db)
    kbindex.build_index(db, tmp / "index", processes=1, engine=request.param)
    store = Store(db)
    lent = {d: document_words(store.document(d)) for d in store.document_ids()}
    clauses = {(d, i): c["text"] + "\n" + lent[d] for d in store.document_ids() for i, c in enumerate(store.clauses(d))}
    return tmp / "index", store, clauses


def _all(index_dir, store, q, **filters) -> dict:
    """Every tier-1 hit of ``q`` (tier 2 follows on the last page and is left out)."""
    first = search(index_dir, store, SearchQuery(q, per_page=100, **filters))
    hits = [h for h in first["hits"] if h["tier"] == 1]
    page = 2
    while len(hits) < first["total"]:
        hits += [h for h in search(index_dir, store, SearchQuery(q, per_page=100, page=page, **filters))["hits"]
                 if h["tier"] == 1]
        page += 1
    return {"total": first["total"], "keys": [(h["doc_id"], h["clause_seq"]) for h in hits], "hits": hits}


RECALL_QUERIES = [
    "师生比", "控辍保学", "送教上门", "县管校聘", "集团化办学", "随迁子女", "大班额", "普及普惠",
    "教师", "均衡", "园", "率", "%",  # 2-char and 1-char terms
    "随迁子女 公办学校", "交流轮岗 骨干教师", "义务教育 优质 均衡", "学前教育 毛入园率", "教师 编制 县管校聘",
    "生均 经费", "1:16", "2025年", "义务教育优质均衡", "优质均衡发展", "特殊教育 送教上门", "心理健康 教育", "课后服务 双减",
    "學前教育", "義務教育優質均衡", "師生比", "控輟保學 鄉村",  # traditional script
]


@pytest.mark.parametrize("q", RECALL_QUERIES)
def test_result_set_equals_substring_truth(kb, q):
    index_dir, store, clauses = kb
    terms = normalise_query(q).split()
    truth = {k for k, text in clauses.items() if all(t in text for t in terms)}
    got = _all(index_dir, store, q)
    assert got["total"] == len(got["keys"]) == len(set(got["keys"]))
    assert set(got["keys"]) == truth  # recall 1.0 and precision 1.0
    if len(terms) == 1 and truth:
        assert got["total"] > 0


def test_traditional_and_simplified_give_the_same_results(kb):
    index_dir, store, _ = kb
    a = _all(index_dir, store, "義務教育優質均衡")
    b = _all(index_dir, store, "义务教育优质均衡")
    assert a["keys"] == b["keys"] and a["total"] > 10
    assert _all(index_dir, store, to_traditional("随迁子女 公办学校"))["keys"] == _all(index_dir, store, "随迁子女 公办学校")["keys"]
    assert search(index_dir, store, SearchQuery("義務教育"))["normalised_query"] == "义务教育"


def test_quoted_phrase_and_exclusion(kb):
    index_dir, store, clauses = kb
    phrase = _all(index_dir, store, '"优质均衡发展"')
    assert set(phrase["keys"]) == {k for k, t in clauses.items() if "优质均衡发展" in t}
    excl = _all(index_dir, store, "优质均衡 -义务教育")
    assert set(excl["keys"]) == {k for k, t in clauses.items() if "优质均衡" in t and "义务教育" not in t}
    assert excl["keys"]
    spaced = _all(index_dir, store, "“教育 集团”")  # a quoted phrase keeps its space
    assert set(spaced["keys"]) == {k for k, t in clauses.items() if "教育 集团" in t}
    neg_phrase = _all(index_dir, store, '教师 -"交流轮岗"')
    assert set(neg_phrase["keys"]) == {k for k, t in clauses.items() if "教师" in t and "交流轮岗" not in t}


def test_explain():
    e = explain('義務教育優質均衡 "县管校聘" -送教上门')
    assert e["normalised_query"] == '义务教育优质均衡 "县管校聘" -送教上门'
    assert e["normalisations"] == ["t2s"]
    assert [(t["text"], t["negated"], t["phrase"]) for t in e["terms"]] == [
        ("义务教育优质均衡", False, False), ("县管校聘", False, True), ("送教上门", True, False)]
    assert "县管校聘" in e["terms"][1]["tokens"]
    assert explain("ＡＢＣ　师生比")["normalisations"] == ["nfkc"]


def test_filters(kb):
    index_dir, store, clauses = kb
    docs = {r["id"]: r for r in store.documents()}

    def docs_of(**f):
        return {d[:3] for d, _ in _all(index_dir, store, "教育", **f)["keys"]}

    assert docs_of(province="广东省") == {"000", "002"}
    assert docs_of(province="440000") == {"000", "002"}
    assert docs_of(region="445281") == {"000"}
    assert docs_of(region="普宁市") == {"000"}
    assert docs_of(region="揭阳市") == {"000"}
    assert docs_of(region="青海省") == {"004"}
    assert docs_of(level="county") == {"000", "001", "002", "003"}
    assert docs_of(level="province") == {"004"}
    assert docs_of(year_from=2023) == {"002", "004"}
    assert docs_of(year_to=2020) == {"003"}
    assert docs_of(year_from=2022, year_to=2022) == {"000", "001"}
    assert docs_of(doc_id="001") == {"001"}
    with_target = _all(index_dir, store, "教育", has_target=True)
    assert with_target["keys"] and all(h["has_target"] for h in with_target["hits"])
    without = _all(index_dir, store, "教育", has_target=False)
    assert with_target["total"] + without["total"] == _all(index_dir, store, "教育")["total"]
    assert {d for d in docs} >= {d for d, _ in with_target["keys"]}


def test_paging(kb):
    index_dir, store, _ = kb
    full = _all(index_dir, store, "教育")
    p1 = search(index_dir, store, SearchQuery("教育", per_page=7))
    p2 = search(index_dir, store, SearchQuery("教育", per_page=7, page=2))
    keys = [(h["doc_id"], h["clause_seq"]) for h in p1["hits"] + p2["hits"]]
    assert keys == full["keys"][:14]
    assert p1["total"] == p2["total"] == full["total"]
    scores = [h["score"] for h in full["hits"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query, fragment", [
    (SearchQuery(""), "empty"),
    (SearchQuery("   "), "empty"),
    (SearchQuery("教" * 201), "at most 200"),
    (SearchQuery("-教师"), "only excludes"),
    (SearchQuery("教育", region="不存在市"), "unknown region"),
    (SearchQuery("教育", province="火星省"), "Unknown province"),
    (SearchQuery("教育", province="普宁市"), "not a province"),
    (SearchQuery("教育", level="village"), "Unknown level"),
    (SearchQuery("教育", page=0), "pages start at 1"),
    (SearchQuery("教育", page=999), "does not exist"),
    (SearchQuery("教育", per_page=0), "per page"),
    (SearchQuery("教育", year_from=2025, year_to=2020), "year range"),
    (SearchQuery("教育", doc_id="zzz"), "Unknown document"),
])
def test_search_errors(kb, query, fragment):
    index_dir, store, _ = kb
    with pytest.raises(SearchError) as exc:
        search(index_dir, store, query)
    assert fragment.lower() in str(exc.value).lower()


def test_hit_structure(kb):
    index_dir, store, _ = kb
    r = search(index_dir, store, SearchQuery("师生比", per_page=1))
    assert set(r) == {"query", "normalised_query", "total", "total_partial", "page", "per_page", "sort", "hits",
                      "facets", "stale_index", "engine"}
    h = r["hits"][0]
    assert {"doc_id", "title", "doc_number", "region", "clause_path", "text", "highlight_html", "score", "url",
            "start", "end", "level", "date", "tier", "matched_terms", "missing_terms"} <= set(h)
    assert (h["tier"], h["matched_terms"], h["missing_terms"]) == (1, ["师生比"], [])
    assert h["url"] == f"/documents/{h['doc_id']}#clause-{h['clause_seq']}"
    assert "<mark>师生比</mark>" in h["highlight_html"]
    assert set(h["region"]) == {"code", "name"}
    json.dumps(r, ensure_ascii=False)


def test_highlight_escapes_and_trims():
    assert highlight("a<b & 师生比>", ["师生比"]) == "a&lt;b &amp; <mark>师生比</mark>&gt;"
    assert highlight("x&amp;y", ["amp"]) == "x&amp;<mark>amp</mark>;y"
    assert highlight("师生比，师生比", ["师生", "生比"]) == "<mark>师生比</mark>，<mark>师生比</mark>"
    long = "甲" * 500 + "控辍保学" + "乙" * 500
    out = highlight(long, ["控辍保学"])
    assert out.startswith("…") and out.endswith("…") and "<mark>控辍保学</mark>" in out and len(out) < 300


def test_highlight_on_an_imported_clause_with_markup(tmp_path):
    raw = (ROOT / "corpus" / "raw" / "003_66ff4e83a62757c1.txt").read_text(encoding="utf-8")
    assert "交流轮岗" in raw
    raw = raw.replace("交流轮岗", "交流轮岗<script>&", 1)
    corpus = tmp_path / "corpus"
    (corpus / "raw").mkdir(parents=True)
    data = raw.encode("utf-8")
    (corpus / "raw" / "x.txt").write_bytes(data)
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    entry = dict(next(e for e in manifest["documents"] if e["id"].startswith("003")))
    entry.update(id="900_markup", file="raw/x.txt", sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    (corpus / "manifest.json").write_text(json.dumps({**manifest, "documents": [entry]}, ensure_ascii=False), encoding="utf-8")
    build(corpus, tmp_path / "kb.sqlite")
    kbindex.build_index(tmp_path / "kb.sqlite", tmp_path / "index", processes=1)
    store = Store(tmp_path / "kb.sqlite")
    r = search(tmp_path / "index", store, SearchQuery("交流轮岗 script"))
    assert r["total"] >= 1
    h = r["hits"][0]["highlight_html"]
    assert "<script>" not in h and "&lt;<mark>script</mark>&gt;&amp;" in h
    shutil.rmtree(tmp_path / "index")


def test_sort_orders_and_kind_filter(kb):
    index_dir, store, _ = kb
    dates = {d["id"]: (d["signed_date"] or d["published_date"] or "")[:10] for d in store.documents()}
    newest = _all(index_dir, store, "义务教育", sort="newest")
    seen = [dates[h["doc_id"]] or "" for h in newest["hits"]]
    dated = [d for d in seen if d]
    assert dated == sorted(dated, reverse=True) and seen[:len(dated)] == dated  # undated documents last
    oldest = _all(index_dir, store, "义务教育", sort="oldest")
    assert [dates[h["doc_id"]] for h in oldest["hits"] if dates[h["doc_id"]]] == sorted(dated)
    by_region = [h["region"]["code"] or "999999" for h in _all(index_dir, store, "义务教育", sort="region")["hits"]]
    assert by_region == sorted(by_region)
    assert set(h["doc_id"] for h in newest["hits"]) == set(h["doc_id"] for h in oldest["hits"])
    assert _all(index_dir, store, "义务教育", kind="法规规章")["total"] == 0
    assert _all(index_dir, store, "义务教育", kind="方案计划")["total"] == newest["total"]
    with pytest.raises(SearchError, match="Unknown order"):
        search(index_dir, store, SearchQuery("教育", sort="random"))
    with pytest.raises(SearchError, match="Unknown kind"):
        search(index_dir, store, SearchQuery("教育", kind="小说"))


def test_facets_count_the_tier_one_clauses(kb):
    index_dir, store, _ = kb
    r = search(index_dir, store, SearchQuery("随迁子女"))
    hits = _all(index_dir, store, "随迁子女")["hits"]
    f = r["facets"]
    assert sum(x["count"] for x in f["province"]) == sum(x["count"] for x in f["level"]) == r["total"] == len(hits)
    by_province = {x["value"]: x["count"] for x in f["province"]}
    assert by_province == {p: sum(1 for h in hits if h["region"]["code"][:2] == p) for p in by_province}
    assert {x["name"] for x in f["province"]} <= {"广东省", "福建省", "浙江省", "青海省"}
    assert [x["value"] for x in f["year"]] == sorted((x["value"] for x in f["year"]), reverse=True)
    assert search(index_dir, store, SearchQuery("不存在的词语组合"))["facets"] == {}


def test_a_hit_carries_its_formatted_reference(kb):
    from kb.search import reference

    index_dir, store, _ = kb
    h = next(h for h in _all(index_dir, store, "随迁子女 公办学校")["hits"] if h["doc_id"].startswith("000"))
    assert h["clause_label"] == h["clause_path"].replace("/", " ")
    assert reference(h, "http://kb.example/") == (
        f"《普宁市推动义务教育优质均衡发展行动方案》(普府办〔2022〕22号),普宁市人民政府办公室,{h['date']},"
        f"{h['clause_label']},http://kb.example{h['url']}")
    assert h["issuers"] == ["普宁市人民政府办公室"] and h["kind"] == "方案计划"


def test_the_plans_view_groups_the_tier_one_clauses_by_document(kb):
    from kb.search import search_plans

    index_dir, store, _ = kb
    hits = _all(index_dir, store, "随迁子女 公办学校")["hits"]
    r = search_plans(index_dir, store, SearchQuery("随迁子女 公办学校"))
    per_doc = {}
    for h in hits:
        per_doc[h["doc_id"]] = per_doc.get(h["doc_id"], 0) + 1
    assert r["total"] == len(hits) and r["total_plans"] == len(per_doc)
    assert {p["doc_id"]: p["clauses"] for p in r["plans"]} == per_doc
    assert [p["clauses"] for p in r["plans"]] == sorted(per_doc.values(), reverse=True)
    for p in r["plans"]:
        best = next(h for h in hits if h["doc_id"] == p["doc_id"])  # the document's first clause in rank order
        assert (p["best"]["doc_id"], p["best"]["tier"]) == (p["doc_id"], 1) and p["best"]["score"] == best["score"]
    with pytest.raises(SearchError, match="does not exist"):
        search_plans(index_dir, store, SearchQuery("随迁子女 公办学校", page=9))


def test_province_and_region_filters_take_short_names_and_suggest_for_ambiguous_ones(kb):
    index_dir, store, _ = kb
    docs_of = lambda **f: {d[:3] for d, _ in _all(index_dir, store, "教育", **f)["keys"]}  # noqa: E731
    assert docs_of(province="广东") == docs_of(province="广东省") == docs_of(province="44") == {"000", "002"}
    assert docs_of(region="江门") == docs_of(region="恩平") == {"002"}
    assert docs_of(region="揭阳") == {"000"}
    with pytest.raises(SearchError) as exc:
        search(index_dir, store, SearchQuery("教育", region="朝阳"))
    assert exc.value.code == "region" and len(exc.value.suggestions) >= 3
    from kb.search import message_zh
    assert "可能是:" in message_zh(exc.value) and "朝阳市 211300" in message_zh(exc.value)


COUNTING_QUERIES = [
    "普宁 教育",  # a term some documents lend (their region) and others hold in clauses
    "普宁 随迁子女 公办学校",  # tier 2 leans on the lent term
    "优质均衡 食堂",  # a title term with a term of the articles
    "教育 -乡村",  # an excluded term in texts
    "教师 -普宁",  # an excluded term a document lends: all its clauses are out
    "青海 学前教育 普及普惠 幼儿园",  # four terms: classes by the subset lent
    "普宁 揭阳 青海",  # two terms one document lends: tier 2 still needs one of them in the clause's text
    "义务教育",  # in every seed title
]


@pytest.mark.parametrize("q", COUNTING_QUERIES)
@pytest.mark.parametrize("filters", [{}, {"province": "广东省"}, {"year_from": 2023}, {"level": "county"}])
def test_counts_facets_and_orders_agree_with_the_clauses_themselves(kb, q, filters):
    """The totals, per-document counts, facets and date-ordered pages equal what the clauses and their
    documents' words say (engines may count by document, never approximately)."""
    from kb.search import search_plans
    from search_truth import truth_tiers

    index_dir, store, _ = kb
    pos = [t for t in normalise_query(q).split() if not t.startswith("-")]
    scope = {d["id"] for d in store.documents() if _admits(d, filters)}
    tier1, tier2 = truth_tiers(store, q, scope)
    r = search(index_dir, store, SearchQuery(q, per_page=10, **filters))
    assert (r["total"], r["total_partial"]) == (len(tier1), len(tier2))
    if tier1:
        assert sum(x["count"] for x in r["facets"]["province"]) <= len(tier1)
        assert sum(x["count"] for x in r["facets"]["kind"]) == len(tier1)
        plans = search_plans(index_dir, store, SearchQuery(q, per_page=100, **filters))
        want = {}
        for d, _ in tier1:
            want[d] = want.get(d, 0) + 1
        assert {p["doc_id"]: p["clauses"] for p in plans["plans"]} == want
    newest = _all(index_dir, store, q, sort="newest", **filters)
    assert set(newest["keys"]) == tier1 and len(newest["keys"]) == len(tier1)
    ranked = _all(index_dir, store, q, **filters)
    assert set(ranked["keys"]) == tier1
    own = [h for h in ranked["hits"] if all(t in h["text"] for t in pos)]
    assert ranked["hits"][:len(own)] == own  # clauses whose own text holds every term come first
    first = [(h["doc_id"], h["clause_seq"], h["score"]) for h in r["hits"] if h["tier"] == 1]
    assert first == [(h["doc_id"], h["clause_seq"], h["score"]) for h in ranked["hits"][:len(first)]]


def _admits(doc: dict, filters: dict) -> bool:
    code = doc.get("region_code") or ""
    if "province" in filters and code[:2] != "44":
        return False
    if "year_from" in filters and (doc.get("year") is None or doc["year"] < filters["year_from"]):
        return False
    if "level" in filters and (doc.get("region") or {}).get("level") != filters["level"]:
        return False
    return True


@pytest.mark.parametrize("q", COUNTING_QUERIES + ["控辍保学 残疾儿童", "教师 编制", "随迁子女 公办学校 比例", "学前教育 毛入园率"])
def test_a_first_page_from_the_best_clauses_by_words_is_the_whole_query_s_first_page(kb, q):
    """The tantivy engine looks for a first page among the best clauses by BM25 of the words alone; when it
    finds one, it is the page the whole query of the tier gives (same clauses, order and scores)."""
    from kb.search import plan_for

    index_dir, store, _ = kb
    reader = kbindex.open_index(index_dir).reader
    if not hasattr(reader, "_first_hits"):
        pytest.skip("an engine without the shortcut")
    plan = plan_for(store, SearchQuery(q))
    tried = 0
    for tier in (1, 2):
        for limit, offset in ((10, 0), (5, 5), (1, 0)):
            quick = reader._first_hits(plan, limit, offset, tier=tier)
            if quick is None:
                continue
            tried += 1
            whole = reader._search(reader._query(plan, tier), limit, offset) if tier == 2 else \
                reader.count_and_page(plan, 1, limit, offset)[1]
            assert [(r["doc_id"], r["seq"]) for r, _ in quick] == [(r["doc_id"], r["seq"]) for r, _ in whole]
            assert [s for _, s in quick] == pytest.approx([s for _, s in whole], rel=1e-5)
    assert tried or q in COUNTING_QUERIES
