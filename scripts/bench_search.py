"""Search benchmark: kb.search on each engine (tantivy, Whoosh) against SQLite FTS5 trigram on a
synthetic corpus, at one size or several (the growth between them).

    python scripts/bench_search.py [--count 1000] [--count 8000 …] [--work /tmp/policykb-bench] [--reuse]
                                   [--engine tantivy] [--runs 3]

For each ``--count`` (synthetic documents; 1000 give ~126k clauses, 8000 ~1M): builds a corpus by
recombining the seed plans (regions varied, every document labelled ``synthetic``), the knowledge
base, the search index of each engine and an FTS5 trigram table.  Then, **one fresh process per
engine**, so that each one's memory is its own: opens the index (timed), runs every query of
``QUERIES`` once in a row with the engine's caches emptied before each (``first``: what a new query
costs), then ``--runs`` more times (``repeat``), each a page of 10 hits through ``kb.search.search``
with highlighting, facets and both tiers; every fourth query also carries a filter (a province or a
year range), as researchers narrow searches.  Printed per engine: build time, index size, open time,
p50/p95 of first and repeated queries, the peak resident memory of the searching process, and
recall/precision of tier 1 against substring truth over each clause and its document's words.
FTS5 matches clause text only (its truth is ``instr()`` on the text), with the same filters, and
returns a page of 10 without counting the whole result or its facets (kb.search does both): the
reference is the cheaper of the two.

With several counts, a growth table compares the largest size with the smallest: clauses, p95, and
memory.  The Whoosh engine is built only up to ``--whoosh-max`` clauses (it takes hours at 1M; it is
the fallback for platforms without tantivy, not the engine for the national corpus).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "师生比", "控辍保学", "送教上门", "县管校聘", "集团化办学", "交流轮岗", "随迁子女", "大班额", "普及普惠", "公办园",
    "普惠性民办园", "双减", "课后服务", "五育并举", "优质均衡", "义务教育优质均衡", "學前教育 普及普惠", "義務教育優質均衡",
    "師生比", "教師 交流輪崗", "随迁子女 公办学校 比例", "交流轮岗 骨干教师", "控辍保学 残疾儿童", "特殊教育 送教上门",
    "学前教育 毛入园率", "教师 编制", "县管校聘 管理体制", "生均 经费", "生均公用经费", "大班额 消除", "课后服务 全覆盖",
    "心理健康", "近视", "体质健康 合格", "劳动教育", "家校共育", "教育信息化 智慧校园", "集团化办学 紧密型",
    "乡村教师 待遇", "寄宿制学校", "小规模学校", "留守儿童", "校外培训", "作业负担", "教育督导 责任督学", "1:16",
    "2025年", "%", "园", "率", '"优质均衡发展"', "教师 -乡村", "高中 -职业", "学位 供给 扩容", "普通高中 多样化",
]
#: the filters of every fourth query, in turn
FILTERS = [{"province": "广东"}, {"year_from": 2022, "year_to": 2024}, {"province": "浙江"}, {"level": "county"}]


def _filters(i: int) -> dict:
    return FILTERS[(i // 4) % len(FILTERS)] if i % 4 == 3 else {}


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def _terms(q: str) -> tuple[list[str], list[str]]:
    from kb import search as kbsearch
    from kb.normalise import normalise_query

    parsed = kbsearch.parse(normalise_query(q))
    return [t.text for t in parsed if not t.negated], [t.text for t in parsed if t.negated]


def _rss_mib() -> float:
    """The peak resident memory of this process (VmHWM: unlike getrusage's maxrss, not inherited from
    the parent that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- measuring, in a process of its own --------------------------------------------------------


def measure_engine(work: Path, engine: str, runs: int) -> dict:
    """Open the engine's index, time the queries, note the peak memory; then check tier 1's recall."""
    from kb import search as kbsearch
    from kb.search import engines as kbindex
    from kb.search.plan import document_words
    from kb.store import Store

    index_dir = work / f"{engine}.index"
    store = Store(work / "kb.sqlite")
    t = time.perf_counter()
    ix = kbindex.open_index(index_dir)
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    kbsearch.warm()  # what a server loads while it starts: the query segmenter, the short region names
    first_query_s = time.perf_counter() - t
    kbsearch.search(index_dir, store, kbsearch.SearchQuery("师生比", per_page=10))  # the process's first search
    queries = [kbsearch.SearchQuery(q, per_page=10, **_filters(i)) for i, q in enumerate(QUERIES)]
    first, repeat = [], []
    for q in queries:
        getattr(ix.reader, "forget", lambda: None)()  # an engine's answers remembered from earlier queries
        t = time.perf_counter()
        kbsearch.search(index_dir, store, q)
        first.append((time.perf_counter() - t) * 1000)
    for _ in range(runs):
        for q in queries:
            t = time.perf_counter()
            kbsearch.search(index_dir, store, q)
            repeat.append((time.perf_counter() - t) * 1000)
    rss = _rss_mib()
    slowest = sorted(zip(first, QUERIES), reverse=True)[:5]
    # tier 1 against substring truth over the clause and its document's words (unfiltered queries)
    lent = {d["id"]: document_words(d) for d in store.document_headers()}
    clauses = [(d, seq, text + "\n" + lent[d]) for d, seq, text in
               store.conn.execute("SELECT doc_id, seq, text FROM clauses")]
    tp = fp = fn = 0
    for q in QUERIES:
        pos, neg = _terms(q)
        want = {(d, s) for d, s, text in clauses if all(x in text for x in pos) and not any(x in text for x in neg)}
        got = {(d, int(s)) for d, s in (k.split("\t") for k in ix.keys(kbsearch.plan_for(store, kbsearch.SearchQuery(q)), 1))}
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return {"open_s": open_s, "first_query_s": first_query_s, "first": first, "repeat": repeat, "rss_mib": rss,
            "slowest": slowest, "tp": tp, "fp": fp, "fn": fn}


def measure_fts(work: Path, runs: int) -> dict:
    conn = sqlite3.connect(work / "fts.sqlite")
    kb = sqlite3.connect(work / "kb.sqlite")
    first, repeat = [], []
    for i, q in enumerate(QUERIES):
        t = time.perf_counter()
        fts_query(conn, q, 10, _filters(i))
        first.append((time.perf_counter() - t) * 1000)
    for _ in range(runs):
        for i, q in enumerate(QUERIES):
            t = time.perf_counter()
            fts_query(conn, q, 10, _filters(i))
            repeat.append((time.perf_counter() - t) * 1000)
    rss = _rss_mib()
    tp = fp = fn = 0
    for q in QUERIES:
        got = {(r[0], r[1]) for r in fts_query(conn, q, None, {})}
        pos, neg = _terms(q)
        where = " AND ".join(["instr(text, ?) > 0"] * len(pos) + ["instr(text, ?) = 0"] * len(neg))
        want = {(r[0], r[1]) for r in kb.execute(f"SELECT doc_id, seq FROM clauses WHERE {where}", pos + neg)}
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return {"open_s": 0.0, "first_query_s": 0.0, "first": first, "repeat": repeat, "rss_mib": rss, "slowest": [],
            "tp": tp, "fp": fp, "fn": fn}


# --- FTS5 -------------------------------------------------------------------------------------


def build_fts(db: Path, fts: Path) -> tuple[float, int]:
    if fts.exists():
        fts.unlink()
    t = time.perf_counter()
    conn = sqlite3.connect(fts)
    conn.execute(f"ATTACH DATABASE '{db}' AS kb")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(text, doc_id UNINDEXED, seq UNINDEXED, tokenize='trigram')")
    conn.execute("INSERT INTO f (text, doc_id, seq) SELECT text, doc_id, seq FROM kb.clauses")
    conn.execute("CREATE TABLE docs AS SELECT id, region_code, year, json_extract(region, '$.level') AS level "
                 "FROM kb.documents")
    conn.execute("CREATE INDEX docs_id ON docs(id)")
    conn.commit()
    conn.execute("DETACH DATABASE kb")
    conn.execute("INSERT INTO f(f) VALUES ('optimize')")
    conn.commit()
    conn.close()
    return time.perf_counter() - t, fts.stat().st_size


_PROVINCES = {"广东": "44", "浙江": "33"}


def fts_query(conn: sqlite3.Connection, q: str, limit: int | None, filters: dict) -> list[tuple]:
    """MATCH for terms of 3+ characters (all FTS5 trigram can match), instr() for shorter ones; the
    filters through the documents' table."""
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
    if "province" in filters:
        where.append("doc_id IN (SELECT id FROM docs WHERE substr(region_code, 1, 2) = ?)")
        args.append(_PROVINCES[filters["province"]])
    if "year_from" in filters:
        where.append("doc_id IN (SELECT id FROM docs WHERE year BETWEEN ? AND ?)")
        args += [filters["year_from"], filters["year_to"]]
    if "level" in filters:
        where.append("doc_id IN (SELECT id FROM docs WHERE level = ?)")
        args.append(filters["level"])
    if long_pos:
        sql = (f"SELECT doc_id, seq, highlight(f, 0, '<mark>', '</mark>') FROM f WHERE {' AND '.join(where)} "
               "ORDER BY bm25(f)")
    else:
        sql = f"SELECT doc_id, seq, text FROM f WHERE {' AND '.join(where)}"
    if limit:
        sql += f" LIMIT {limit}"
    return conn.execute(sql, args).fetchall()  # a page only: no count of the whole result, no facets


# --- driving ----------------------------------------------------------------------------------


def _child(work: Path, what: str, runs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", what, "--work", str(work), "--runs", str(runs)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"measuring {what} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(name: str, build_s: float | None, size: int, r: dict) -> str:
    recall = r["tp"] / max(1, r["tp"] + r["fn"])
    precision = r["tp"] / max(1, r["tp"] + r["fp"])
    built = f"{build_s:6.1f} s" if build_s is not None else "   (kept)"
    return (f"{name:<20} build {built}  size {size / 2**20:7.1f} MiB  open {r['open_s']:5.2f} s  "
            f"first p50 {statistics.median(r['first']):6.2f} p95 {_pct(r['first'], 0.95):7.2f} ms  "
            f"repeat p50 {statistics.median(r['repeat']):6.2f} p95 {_pct(r['repeat'], 0.95):7.2f} ms  "
            f"RSS {r['rss_mib']:6.0f} MiB  recall {recall:.3f}  precision {precision:.3f}")


def bench_size(count: int, work: Path, args) -> dict:
    from kb.pipeline import build
    from kb.search import engines as kbindex
    from kb.synthetic import generate

    work.mkdir(parents=True, exist_ok=True)
    db = work / "kb.sqlite"
    if not (args.reuse and db.exists()):
        t = time.perf_counter()
        generate(ROOT / "corpus", work / "corpus", count)
        build(work / "corpus", db)
        print(f"corpus + knowledge base: {time.perf_counter() - t:.1f} s", flush=True)
    conn = sqlite3.connect(db)
    clauses, docs = conn.execute("SELECT count(*), count(DISTINCT doc_id) FROM clauses").fetchone()
    conn.close()
    print(f"\n== {clauses} clauses in {docs} synthetic documents; {len(QUERIES)} queries (every fourth filtered), "
          f"first + {args.runs} repeats; {os.cpu_count()} CPUs", flush=True)
    results = {"clauses": clauses}
    for engine in args.engine or kbindex.ENGINES:
        if engine == "whoosh" and clauses > args.whoosh_max and not args.engine:
            print(f"{'kb.search (whoosh)':<20} not built: {clauses} clauses > --whoosh-max {args.whoosh_max}")
            continue
        index_dir = work / f"{engine}.index"
        build_s = None
        if not (args.reuse_index and (index_dir / "engine").exists()):
            report = kbindex.build_index(db, index_dir, processes=args.processes, engine=engine)
            build_s = report.seconds
        size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
        r = _child(work, engine, args.runs)
        print(_line(f"kb.search ({engine})", build_s, size, r), flush=True)
        print(f"{'':<20} warm-up of a new process (query segmenter, short region names) {r['first_query_s']:.2f} s; "
              "slowest first runs: " + ", ".join(f"{q} {ms:.0f} ms" for ms, q in r["slowest"]), flush=True)
        results[engine] = r
    fts_s, fts_size = build_fts(db, work / "fts.sqlite")
    r = _child(work, "fts5", args.runs)
    print(_line("SQLite FTS5 trigram", fts_s, fts_size, r), flush=True)
    results["fts5"] = r
    if "tantivy" in results:
        ratios = [_pct(results["tantivy"][k], 0.95) / max(1e-9, _pct(r[k], 0.95)) for k in ("first", "repeat")]
        print(f"tantivy p95 / FTS5 p95: {ratios[0]:.2f} (new queries), {ratios[1]:.2f} (repeated)")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, action="append", help="synthetic documents (1000 ≈ 126k clauses); repeatable")
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykb-bench"))
    ap.add_argument("--reuse", action="store_true", help="reuse the corpus and knowledge base of an earlier run")
    ap.add_argument("--reuse-index", action="store_true", help="reuse the indexes of an earlier run too")
    ap.add_argument("--runs", type=int, default=3, help="repeated runs of every query")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--engine", action="append", help="engine(s) to measure [default: all]")
    ap.add_argument("--whoosh-max", type=int, default=20_000, help="build Whoosh only up to this many clauses")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:  # a child: one engine in a process of its own
        r = measure_fts(args.work, args.runs) if args.measure == "fts5" else measure_engine(args.work, args.measure, args.runs)
        print(json.dumps(r))
        return
    counts = args.count or [1000]
    sizes = [(n, bench_size(n, args.work if len(counts) == 1 else args.work / f"n{n}", args)) for n in counts]
    if len(sizes) > 1:
        a, b = sizes[0][1], sizes[-1][1]
        grow = b["clauses"] / a["clauses"]
        print(f"\n== growth from {a['clauses']} to {b['clauses']} clauses (×{grow:.1f})")
        for name in [k for k in b if k != "clauses" and k in a]:
            p_a, p_b = _pct(a[name]["repeat"], 0.95), _pct(b[name]["repeat"], 0.95)
            f_a, f_b = _pct(a[name]["first"], 0.95), _pct(b[name]["first"], 0.95)
            print(f"{name:<8} p95 repeat {p_a:6.2f} → {p_b:6.2f} ms (×{p_b / max(p_a, 1e-9):.1f})  "
                  f"p95 first {f_a:6.2f} → {f_b:6.2f} ms (×{f_b / max(f_a, 1e-9):.1f})  "
                  f"RSS {a[name]['rss_mib']:.0f} → {b[name]['rss_mib']:.0f} MiB "
                  f"(×{b[name]['rss_mib'] / max(a[name]['rss_mib'], 1e-9):.1f})")


if __name__ == "__main__":
    main()
