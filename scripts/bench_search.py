"""Search benchmark: kb.search on each engine (tantivy, Whoosh) against SQLite FTS5 trigram on a
synthetic corpus.

    python scripts/bench_search.py [--count 1000] [--work /tmp/policykb-bench] [--reuse] [--engine tantivy]

Builds a synthetic corpus by recombining the seed plans (regions varied, every document labelled
``synthetic``), the knowledge base, the search index of each engine and an FTS5 trigram table; then
runs the queries below and prints build time and size, p50/p95 latency of a page of 10 hits with
highlighting (both tiers), and recall/precision of tier 1 against substring truth over the clause and
its document's words.  FTS5 matches clause text only (its own truth: ``instr()`` on the text).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import search as kbsearch  # noqa: E402
from kb.search import engines as kbindex  # noqa: E402
from kb.search.plan import document_words  # noqa: E402
from kb.normalise import normalise_query  # noqa: E402
from kb.pipeline import build  # noqa: E402
from kb.store import Store  # noqa: E402
from kb.synthetic import generate  # noqa: E402

QUERIES = [
    "师生比", "控辍保学", "送教上门", "县管校聘", "集团化办学", "交流轮岗", "随迁子女", "大班额", "普及普惠", "公办园",
    "普惠性民办园", "双减", "课后服务", "五育并举", "优质均衡", "义务教育优质均衡", "學前教育 普及普惠", "義務教育優質均衡",
    "師生比", "教師 交流輪崗", "随迁子女 公办学校 比例", "交流轮岗 骨干教师", "控辍保学 残疾儿童", "特殊教育 送教上门",
    "学前教育 毛入园率", "教师 编制", "县管校聘 管理体制", "生均 经费", "生均公用经费", "大班额 消除", "课后服务 全覆盖",
    "心理健康", "近视", "体质健康 合格", "劳动教育", "家校共育", "教育信息化 智慧校园", "集团化办学 紧密型",
    "乡村教师 待遇", "寄宿制学校", "小规模学校", "留守儿童", "校外培训", "作业负担", "教育督导 责任督学", "1:16",
    "2025年", "%", "园", "率", '"优质均衡发展"', "教师 -乡村", "高中 -职业", "学位 供给 扩容", "普通高中 多样化",
]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def _terms(q: str) -> tuple[list[str], list[str]]:
    parsed = kbsearch.parse(normalise_query(q))
    return [t.text for t in parsed if not t.negated], [t.text for t in parsed if t.negated]


def truth(conn: sqlite3.Connection, q: str) -> set[tuple[str, int]]:
    pos, neg = _terms(q)
    where = " AND ".join(["instr(text, ?) > 0"] * len(pos) + ["instr(text, ?) = 0"] * len(neg))
    return {(r[0], r[1]) for r in conn.execute(f"SELECT doc_id, seq FROM clauses WHERE {where}", pos + neg)}


def kb_truth(clauses: list[tuple[str, int, str]], q: str) -> set[tuple[str, int]]:
    """Tier 1's truth: every positive term in the clause text or its document's words, no negated one."""
    pos, neg = _terms(q)
    return {(d, seq) for d, seq, text in clauses if all(t in text for t in pos) and not any(t in text for t in neg)}


def bench_kb(index_dir: Path, store: Store, clauses: list[tuple[str, int, str]], runs: int) -> dict:
    kbindex.open_index(index_dir)  # load once, as a running server would
    lat: list[float] = []
    tp = fp = fn = 0
    for q in QUERIES:
        for _ in range(runs):
            t = time.perf_counter()
            kbsearch.search(index_dir, store, kbsearch.SearchQuery(q, per_page=10))
            lat.append((time.perf_counter() - t) * 1000)
        ix = kbindex.open_index(index_dir)
        got = {tuple(k.split("\t")) for k in ix.keys(kbsearch.plan_for(store, kbsearch.SearchQuery(q)), 1)}
        got = {(d, int(seq)) for d, seq in got}
        want = kb_truth(clauses, q)
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return {"lat": lat, "tp": tp, "fp": fp, "fn": fn}


def build_fts(db: Path, fts: Path) -> tuple[float, int]:
    if fts.exists():
        fts.unlink()
    t = time.perf_counter()
    conn = sqlite3.connect(fts)
    conn.execute(f"ATTACH DATABASE '{db}' AS kb")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(text, doc_id UNINDEXED, seq UNINDEXED, tokenize='trigram')")
    conn.execute("INSERT INTO f (text, doc_id, seq) SELECT text, doc_id, seq FROM kb.clauses")
    conn.commit()
    conn.execute("DETACH DATABASE kb")
    conn.execute("INSERT INTO f(f) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return time.perf_counter() - t, fts.stat().st_size


def fts_query(conn: sqlite3.Connection, q: str, limit: int | None) -> list[tuple]:
    """MATCH for terms of 3+ characters (all FTS5 trigram can match), instr() for shorter ones."""
    pos, neg = _terms(q)
    long_pos = [t for t in pos if len(t) >= 3]
    where, args = [], []
    if long_pos:
        where.append("f MATCH ?")
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_pos)
        match += "".join(' NOT "' + t.replace('"', '""') + '"' for t in neg if len(t) >= 3)
        args.append(match)
    for t in pos:
        if len(t) < 3:
            where.append("instr(text, ?) > 0")
            args.append(t)
    for t in neg:
        if len(t) < 3 or not long_pos:
            where.append("instr(text, ?) = 0")
            args.append(t)
    if long_pos:
        sql = (f"SELECT doc_id, seq, highlight(f, 0, '<mark>', '</mark>') FROM f WHERE {' AND '.join(where)} "
               "ORDER BY bm25(f)")
    else:
        sql = f"SELECT doc_id, seq, text FROM f WHERE {' AND '.join(where)}"
    if limit:
        sql += f" LIMIT {limit}"
    return conn.execute(sql, args).fetchall()


def bench_fts(fts: Path, conn_kb: sqlite3.Connection, runs: int) -> dict:
    conn = sqlite3.connect(fts)
    lat: list[float] = []
    tp = fp = fn = 0
    for q in QUERIES:
        for _ in range(runs):
            t = time.perf_counter()
            fts_query(conn, q, 10)
            conn.execute("SELECT 1").fetchall()
            lat.append((time.perf_counter() - t) * 1000)
        got = {(r[0], r[1]) for r in fts_query(conn, q, None)}
        want = truth(conn_kb, q)
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return {"lat": lat, "tp": tp, "fp": fp, "fn": fn}


def _report(name: str, build_s: float, size: int, r: dict) -> None:
    recall = r["tp"] / max(1, r["tp"] + r["fn"])
    precision = r["tp"] / max(1, r["tp"] + r["fp"])
    print(f"{name:<22} build {build_s:7.1f} s  size {size / 2**20:8.1f} MiB  "
          f"p50 {statistics.median(r['lat']):7.2f} ms  p95 {_pct(r['lat'], 0.95):7.2f} ms  "
          f"recall {recall:.3f}  precision {precision:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000, help="synthetic documents (1000 gives ~126k clauses)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykb-bench"))
    ap.add_argument("--reuse", action="store_true", help="reuse the corpus and knowledge base of an earlier run")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per query")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--engine", choices=kbindex.ENGINES, action="append", help="engine(s) to measure [default: all]")
    args = ap.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    db = work / "kb.sqlite"
    if not (args.reuse and db.exists()):
        t = time.perf_counter()
        generate(ROOT / "corpus", work / "corpus", args.count)
        build(work / "corpus", db)
        print(f"corpus + knowledge base: {time.perf_counter() - t:.1f} s")
    conn = sqlite3.connect(db)
    clauses, docs = conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM clauses").fetchone()
    print(f"{clauses} clauses in {docs} synthetic documents; {len(QUERIES)} queries x {args.runs} runs; "
          f"{os.cpu_count()} CPUs")
    store = Store(db)
    lent = {d["id"]: document_words(d) for d in store.documents()}
    clauses_ = [(d, seq, text + "\n" + lent[d]) for d, seq, text in conn.execute("SELECT doc_id, seq, text FROM clauses")]
    for engine in args.engine or kbindex.ENGINES:
        index_dir = work / f"{engine}.index"
        report = kbindex.build_index(db, index_dir, processes=args.processes, engine=engine)
        _report(f"kb.search ({engine})", report.seconds, report.bytes, bench_kb(index_dir, store, clauses_, args.runs))
    fts_s, fts_size = build_fts(db, work / "fts.sqlite")
    _report("SQLite FTS5 trigram", fts_s, fts_size, bench_fts(work / "fts.sqlite", conn, args.runs))
    print("FTS5: MATCH for terms of 3+ characters, instr() for shorter ones (trigram cannot match them)")


if __name__ == "__main__":
    main()
