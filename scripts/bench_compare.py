"""Comparison benchmark: an indicator comparison over all regions and its exports, on a synthetic corpus.

    python scripts/bench_compare.py [--count 1000] [--work /tmp/policykb-bench-compare] [--reuse] [--runs 7]

Builds (unless --reuse) a synthetic corpus of ``--count`` plans recombined
from the seeds with regions drawn from the division table, the knowledge base
and the search index; then, through the web app as a browser would call it,
times the /compare page (query, verdicts, chart and table rendered) and the
XLSX, DOCX and CSV downloads for several indicators over all regions, and a
topic comparison.  Goals (issue 5): page ≤ 200 ms, XLSX ≤ 1 s.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.search.engines import build_index  # noqa: E402
from kb.pipeline import build  # noqa: E402
from kb.store import Store  # noqa: E402
from kb.synthetic import generate  # noqa: E402
from webapp import create_app  # noqa: E402

INDICATORS = ["YJ-G15", "CM-GGL", "YJ-G5", "XQ-Q3", "XQ-P1", "YJ-R4"]
PAGE_GOAL_MS, XLSX_GOAL_MS = 200, 1000


def timed(client, url: str, runs: int) -> tuple[float, float, int, int]:
    """(median ms, max ms, status, bytes) of ``runs`` GETs after one warm-up."""
    r = client.get(url)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times), r.status_code, len(r.data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/policykb-bench-compare"))
    ap.add_argument("--reuse", action="store_true", help="reuse the corpus and knowledge base of an earlier run")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    work = args.work
    db, index_dir = work / "kb.sqlite", work / "index"
    if not (args.reuse and db.exists() and index_dir.exists()):
        t0 = time.perf_counter()
        generate(ROOT / "corpus", work / "corpus", args.count)
        build(work / "corpus", db)
        build_index(db, index_dir)
        print(f"built {args.count} plans in {time.perf_counter() - t0:.0f} s")
    store = Store(db)
    n_docs = len(store.document_ids())
    regions = len({d["region_code"] for d in store.document_summaries()})
    store.close()
    print(f"knowledge base: {n_docs} plans, {regions} regions; median and max of {args.runs} runs after a warm-up\n")
    client = create_app({"DB_PATH": str(db), "INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    worst_page = worst_xlsx = 0.0
    print(f"{'indicator':<8} {'rows':>5} {'page ms':>14} {'xlsx ms':>14} {'docx ms':>14} {'csv ms':>12}  xlsx size")
    for ind in INDICATORS:
        api = client.get(f"/api/compare?indicator={ind}").get_json()
        rows = len(api["rows"])
        page = timed(client, f"/compare?indicator={ind}", args.runs)
        xlsx = timed(client, f"/compare/download?indicator={ind}&format=xlsx", args.runs)
        docx = timed(client, f"/compare/download?indicator={ind}&format=docx", max(3, args.runs // 2))
        csv_ = timed(client, f"/compare/download?indicator={ind}&format=csv", args.runs)
        assert page[2] == xlsx[2] == docx[2] == csv_[2] == 200, (page, xlsx, docx, csv_)
        worst_page, worst_xlsx = max(worst_page, page[0]), max(worst_xlsx, xlsx[0])
        print(f"{ind:<8} {rows:>5} {page[0]:>7.0f} ({page[1]:>4.0f}) {xlsx[0]:>7.0f} ({xlsx[1]:>4.0f}) "
              f"{docx[0]:>7.0f} ({docx[1]:>4.0f}) {csv_[0]:>5.0f} ({csv_[1]:>4.0f})  {xlsx[3] // 1024} KiB")
    topic = timed(client, "/compare?q=" + quote("集团化办学"), args.runs)
    print(f"\ntopic comparison /compare?q=集团化办学: median {topic[0]:.0f} ms (max {topic[1]:.0f})")
    print(f"\nslowest indicator, median: page {worst_page:.0f} ms (goal ≤ {PAGE_GOAL_MS}), "
          f"XLSX {worst_xlsx:.0f} ms (goal ≤ {XLSX_GOAL_MS})")
    ok = worst_page <= PAGE_GOAL_MS and worst_xlsx <= XLSX_GOAL_MS
    print("goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
