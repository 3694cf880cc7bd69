#!/usr/bin/env python3
"""Benchmark the build on a scaled synthetic corpus (seed paragraphs recombined).

Prints MB/s of text for each stage and for normalise + structure + store
together (the issue's goal: ≥ 5 MB/s on one core), and the peak memory.

    .venv/bin/python scripts/bench_build.py [--docs 1000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.pipeline import build  # noqa: E402
from kb.synthetic import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="number of synthetic plans (default 1000)")
    ap.add_argument("--keep", help="write the synthetic corpus and knowledge base here instead of a temp dir")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        corpus = generate(ROOT / "corpus", work / "corpus", args.docs)
        gen_s = time.perf_counter() - t
        raw_mb = sum(e.bytes for e in corpus.entries()) / 1e6
        print(f"synthetic corpus: {args.docs} documents (label: synthetic), {raw_mb:.1f} MB raw, generated in {gen_s:.1f} s")

        t = time.perf_counter()
        report = build(work / "corpus", work / "kb.sqlite")
        total = time.perf_counter() - t
        mb = report.text_bytes / 1e6
        print(f"built {report.documents} documents ({len(report.failures)} failed) from {mb:.1f} MB of text in {total:.1f} s")
        print(f"{'stage':<12}{'seconds':>10}{'MB/s':>10}")
        for stage in ("decode", "normalise", "metadata", "structure", "store", "extract", "store_facts", "resolve"):
            s = report.seconds.get(stage, 0.0)
            print(f"{stage:<12}{s:>10.2f}{(mb / s if s else float('inf')):>10.1f}")
        core = sum(report.seconds.get(s, 0.0) for s in ("normalise", "structure", "store"))
        print(f"{'normalise+structure+store':<26} {mb / core:.1f} MB/s (goal ≥ 5 MB/s on one core)")
        ext = report.seconds.get("extract", 0.0)
        print(f"{'extract':<26} {mb / ext if ext else float('inf'):.1f} MB/s (goal ≥ 2 MB/s on one core)")
        ext += report.seconds.get("store_facts", 0.0)
        print(f"{'extract+store_facts':<26} {mb / ext if ext else float('inf'):.1f} MB/s")
        whole = sum(report.seconds.values())
        print(f"{'all stages':<26} {mb / whole:.1f} MB/s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory: {peak:.0f} MB (max RSS of this process)")
        for f in report.failures[:10]:
            print("failure:", *f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
