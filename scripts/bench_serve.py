"""Web server benchmark: `policykb serve` on 127.0.0.1 under a realistic mix of requests.

    python scripts/bench_serve.py [--db instance/kb.sqlite] [--threads 2,4,8] [--clients 8,32]
                                  [--seconds 10] [--max-requests 5000]

For each thread setting, starts `policykb serve --threads N` in a subprocess on a free loopback
port against an already built knowledge base (builds instance/kb.sqlite first when it is missing),
then for each number of concurrent clients (keep-alive connections, one thread each) sends the mix
below for a bounded time (at most --max-requests requests per level) and prints requests/s and the
p50/p95/max latency per level; then stops the server.  Only 127.0.0.1 is ever contacted.

The clients run on the same machine as the server: on a small machine they take part of its CPU,
and anything else running at the same time shows in the figures.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent

QUERIES = ["义务教育 优质均衡", "随迁子女 公办学校", "交流轮岗", "集团化办学", "师生比", "普及普惠", "课后服务",
           "县管校聘", "大班额", "特殊教育 送教上门", "教师 编制", "學前教育", "控辍保学", "心理健康"]
UNITS = ["教育局", "财政局", "人力资源和社会保障局", "发展和改革", "自然资源"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))] if values else float("nan")


class Server:
    """`policykb serve` in a subprocess on 127.0.0.1; stopped on exit (and by the context manager)."""

    def __init__(self, db: Path, threads: int):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--threads", str(threads), "--db", str(db)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def __enter__(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("policykb serve stopped: " + self.proc.stderr.read().decode()[-2000:])
            try:
                status, _ = fetch(self.port, "/static/style.css")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit("policykb serve did not start within 60 s")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def fetch(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        if own:
            conn.close()


def request_mix(port: int, indicator: str) -> list[tuple[float, str, object]]:
    """(weight, kind, path or a function of the random source giving one)."""
    status, body = fetch(port, "/api/search?" + urlencode({"q": "教育"}))
    if status != 200:
        raise SystemExit(f"/api/search answered {status}: is the search index built? ({body[:200]!r})")
    hits = json.loads(body)["hits"]
    docs = sorted({h["doc_id"] for h in hits}) or ["000"]
    province = next((h["region"]["province"] for h in hits if (h.get("region") or {}).get("province")), None)
    filters = {"level": "county", "year_from": "2021", "has_target": "1"}
    if province:
        filters["province"] = province

    return [
        (20, "search page", lambda r: "/?" + urlencode({"q": r.choice(QUERIES)})),
        (12, "search page, filters", lambda r: "/?" + urlencode({"q": r.choice(QUERIES), **filters})),
        (15, "/api/search", lambda r: "/api/search?" + urlencode({"q": r.choice(QUERIES)})),
        (15, "document page", lambda r: f"/documents/{r.choice(docs)}"),
        (15, "compare", lambda r: "/compare?" + urlencode({"indicator": indicator})),
        (8, "units", lambda r: "/units?" + urlencode({"unit": r.choice(UNITS)})),
        (5, "citations", "/citations"),
        (10, "xlsx download", "/compare/download?" + urlencode({"indicator": indicator, "format": "xlsx"})),
    ]


def run_level(port: int, mix, clients: int, seconds: float, cap: int, seed: int) -> dict:
    weights = [w for w, _, _ in mix]
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    errors: list[str] = []
    sent = [0]

    def client(n: int):
        rnd = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.perf_counter() < stop_at:
                with lock:
                    if sent[0] >= cap:
                        return
                    sent[0] += 1
                _, kind, path = rnd.choices(mix, weights)[0]
                path = path(rnd) if callable(path) else path
                t0 = time.perf_counter()
                try:
                    status, _ = fetch(port, path, conn)
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status = f"{type(exc).__name__}"
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    by_kind.setdefault(kind, []).append(dt)
                    if status != 200:
                        errors.append(f"{status} {path}")
        finally:
            conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "seconds": elapsed,
            "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50_ms": pct(latencies, 0.50) * 1000, "p95_ms": pct(latencies, 0.95) * 1000,
            "max_ms": max(latencies, default=float("nan")) * 1000, "errors": errors,
            "kinds": {k: (len(v), pct(v, 0.5) * 1000, pct(v, 0.95) * 1000) for k, v in sorted(by_kind.items())}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=str(ROOT / "instance" / "kb.sqlite"), help="knowledge base (built when missing)")
    ap.add_argument("--threads", default="8", help="server thread settings to compare, e.g. 2,4,8,16")
    ap.add_argument("--clients", default="8,32", help="concurrency levels, e.g. 8,32")
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of each level (bounded: at most 120)")
    ap.add_argument("--max-requests", type=int, default=5000, help="requests per level at most")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of requests before measuring, per server")
    ap.add_argument("--indicator", default="YJ-G5", help="indicator compared and exported")
    ap.add_argument("--by-kind", action="store_true", help="also print p50/p95 per kind of request")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    threads = [int(x) for x in args.threads.split(",") if x.strip()]
    levels = [int(x) for x in args.clients.split(",") if x.strip()]
    seconds = min(max(args.seconds, 0.5), 120.0)
    if not threads or not levels or min(threads + levels) < 1 or max(levels) > 256:
        ap.error("--threads and --clients take positive integers (at most 256 clients)")

    db = Path(args.db)
    index = db.parent / "index"
    if not db.exists() or not index.exists():
        print(f"building {db} from the bundled corpus …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "kb", "build", "--db", str(db)], cwd=ROOT, check=True)

    print(f"knowledge base {db}; {os.cpu_count()} CPUs; clients on the same machine; "
          f"{seconds:g} s or {args.max_requests} requests per level")
    print(f"{'threads':>7} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}")
    results = []
    for n in threads:
        with Server(db, n) as server:
            mix = request_mix(server.port, args.indicator)
            run_level(server.port, mix, max(levels), min(args.warmup, seconds), args.max_requests, args.seed)
            for clients in levels:
                r = run_level(server.port, mix, clients, seconds, args.max_requests, args.seed + clients)
                r["threads"] = n
                results.append(r)
                print(f"{n:>7} {clients:>7} {r['requests']:>8} {r['rps']:>7.1f} {r['p50_ms']:>7.0f} "
                      f"{r['p95_ms']:>7.0f} {r['max_ms']:>7.0f} {len(r['errors']):>6}", flush=True)
                if args.by_kind:
                    for kind, (count, p50, p95) in r["kinds"].items():
                        print(f"{'':>16}{kind:<22} {count:>6} p50 {p50:>6.0f} ms  p95 {p95:>6.0f} ms")
                for e in r["errors"][:5]:
                    print(f"{'':>16}error: {e}")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
