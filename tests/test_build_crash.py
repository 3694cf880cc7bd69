"""A `policykb build` killed at any point never leaves search silently out of step.

Each test kills a real `policykb build` process with SIGKILL at a test hook
(POLICYKB_TEST_PAUSE=<point>: the build writes POLICYKB_TEST_PAUSE_MARKER and
sleeps there), then checks what the next commands see, and that the next build
cleans up and puts the knowledge base and its index back in step.

The corpus: two seed plans, built, and a third (short) plan imported without
building, so a killed build is always one that would have added a document.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, SEEDS

POLICYKB = [sys.executable, "-m", "kb"]
WORD = "晨曦幼教联盟"  # only in the third plan
COMMON = "教育"
STALE_LINE = "earlier build than the knowledge base"
NEW_PLAN = """某某县教育局关于印发某某县学前教育普及普惠行动方案的通知
某教〔2024〕9号
各乡镇中心学校、县直各学校:
现将《某某县学前教育普及普惠行动方案》印发给你们,请认真贯彻执行。
某某县教育局
2024年3月1日
某某县学前教育普及普惠行动方案
一、总体目标
到2025年,全县学前三年毛入园率达到95%以上,普惠性幼儿园覆盖率达到90%以上。
二、主要任务
(一)扩大普惠性资源。新建公办幼儿园3所,组建晨曦幼教联盟,由县教育局牵头,县财政局配合。
(二)加强教师队伍建设。按标准配足配齐幼儿园教职工。
三、保障措施
县财政局负责落实经费保障。
"""


def _env(work: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKB_")}
    env.update(POLICYKB_CORPUS=str(work / "corpus"), POLICYKB_DB=str(work / "instance" / "kb.sqlite"), **extra)
    return env


def run(work: Path, *args: str) -> subprocess.CompletedProcess:
    r = subprocess.run(POLICYKB + list(args), capture_output=True, env=_env(work), cwd=work, timeout=300)
    assert "Traceback" not in r.stderr.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    return r


def start_paused(work: Path, point: str, *args: str) -> subprocess.Popen:
    """`policykb build` (or ``args``) started and stopped at the test hook ``point``."""
    marker = work / f"paused-{point}"
    marker.unlink(missing_ok=True)
    env = _env(work, POLICYKB_TEST_PAUSE=point, POLICYKB_TEST_PAUSE_MARKER=str(marker))
    proc = subprocess.Popen(POLICYKB + list(args or ("build",)), env=env, cwd=work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the build ended before {point}: {proc.stderr.read().decode('utf-8', 'replace')}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"the build did not reach {point}")
        time.sleep(0.05)
    assert marker.read_text() == str(proc.pid)
    return proc


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stderr.close()


def search(work: Path, words: str) -> tuple[dict, str]:
    r = run(work, "search", words, "--json", "--limit", "100")
    err = r.stderr.decode("utf-8")
    assert r.returncode == 0, err
    return json.loads(r.stdout.decode("utf-8")), err


def docs(work: Path) -> tuple[list[dict], str]:
    r = run(work, "docs", "--json")
    err = r.stderr.decode("utf-8")
    assert r.returncode == 0, err
    return json.loads(r.stdout.decode("utf-8")), err


def leftovers(work: Path) -> list[str]:
    return sorted(p.name for p in (work / "instance").iterdir()
                  if ".building-" in p.name or p.name.startswith(("kb.index.new-", "kb.index.old-")))


def kb_generation(work: Path) -> str:
    conn = sqlite3.connect(work / "instance" / "kb.sqlite")
    try:
        return conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
    finally:
        conn.close()


def index_generation(directory: Path) -> list[str]:
    return (directory / "generation").read_text(encoding="ascii").split("\n")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Two seed plans built; a third plan in the corpus but not yet in the knowledge base."""
    work = tmp_path_factory.mktemp("crash")
    seeds = [CORPUS / "raw" / f"{SEEDS[s]}.txt" for s in ("000", "001")]
    r = run(work, "import", "--no-build", *map(str, seeds))
    assert r.returncode == 0, r.stderr.decode()
    r = run(work, "build")
    assert r.returncode == 0, r.stderr.decode()
    plan = work / "新方案.txt"
    plan.write_text(NEW_PLAN, encoding="utf-8")
    r = run(work, "import", "--no-build", str(plan))
    assert r.returncode == 0, r.stderr.decode()
    return work


@pytest.fixture()
def work(template: Path, tmp_path: Path) -> Path:
    for name in ("corpus", "instance"):
        shutil.copytree(template / name, tmp_path / name)
    return tmp_path


def new_plan_id(work: Path) -> str:
    manifest = json.loads((work / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    return manifest["documents"][-1]["id"]


def in_process_search(work: Path, words: str) -> dict:
    """kb.search itself, as the web server calls it (it loads jieba once per test session)."""
    from kb.search import SearchQuery, search as kb_search
    from kb.store import Store

    store = Store(work / "instance" / "kb.sqlite")
    try:
        return kb_search(work / "instance" / "kb.index", store, SearchQuery(words, per_page=100))
    finally:
        store.close()


def rebuild_and_check(work: Path) -> None:
    """The next build succeeds, leaves nothing of the killed one, and search is in step."""
    r = run(work, "build")
    assert r.returncode == 0, r.stderr.decode()
    assert leftovers(work) == []
    assert index_generation(work / "instance" / "kb.index")[1] == kb_generation(work)
    found = in_process_search(work, WORD)
    assert found["stale_index"] is False and found["total"] >= 1
    assert len(docs(work)[0]) == 3


# point -> documents the knowledge base holds after the kill, whether the index is stale then
CASES = {
    "start": (2, False),  # nothing written yet
    "extract": (2, False),  # a half-written kb.sqlite.building-PID
    "index": (3, True),  # new knowledge base in place, its index half written: the old index answers
    "swap": (3, False),  # killed between the renames: no kb.index/, a complete kb.index.new-PID is swapped in
}


def web_search(work: Path, words: str) -> tuple[dict, str]:
    """/api/search and the search page."""
    from webapp import create_app

    instance = work / "instance"
    app = create_app({"DB_PATH": str(instance / "kb.sqlite"), "INDEX_DIR": str(instance / "kb.index"), "TESTING": True})
    with app.test_client() as client:
        r = client.get("/api/search", query_string={"q": words})
        assert r.status_code == 200, r.get_data(as_text=True)
        page = client.get("/", query_string={"q": words})
        assert page.status_code == 200
        return r.get_json(), page.get_data(as_text=True)


@pytest.mark.parametrize("point", list(CASES))
def test_killed_build(work: Path, point: str) -> None:
    before = kb_generation(work)
    new_id = new_plan_id(work)
    kill(start_paused(work, point))
    instance = work / "instance"
    if point == "extract":
        assert any(".building-" in name for name in leftovers(work))
    if point == "index":
        assert kb_generation(work) != before and any(n.startswith("kb.index.new-") for n in leftovers(work))
        # the web UI answers from the last complete index and says so
        found, page = web_search(work, "幼儿园")
        assert found["stale_index"] is True and found["total"] > 0
        assert "检索索引与知识库不一致" in page and 'class="stale-index"' in page
    if point == "swap":
        assert not (instance / "kb.index").exists()
        assert any(n.startswith("kb.index.new-") for n in leftovers(work))

    n_docs, stale = CASES[point]
    listed, err = docs(work)
    assert len(listed) == n_docs
    assert "no knowledge base" not in err and "building" not in err, err  # nothing is rebuilt
    if point == "swap":  # the complete index of the killed build was swapped in, not rebuilt
        assert (instance / "kb.index").is_dir()
        assert index_generation(instance / "kb.index")[1] == kb_generation(work)
    found, err = search(work, "幼儿园")
    assert found["stale_index"] is stale and found["total"] > 0
    assert (STALE_LINE in err) is stale, err
    # the new plan is found only when its index is in place
    assert (new_id in {h["doc_id"] for h in found["hits"]}) is (n_docs == 3 and not stale)

    rebuild_and_check(work)
    if point == "index":
        found, page = web_search(work, "幼儿园")
        assert found["stale_index"] is False and new_id in {h["doc_id"] for h in found["hits"]}
        assert "检索索引与知识库不一致" not in page


def test_kb_search_finishes_a_killed_swap(work: Path) -> None:
    """kb.search (what the web server calls) swaps in the complete index a build killed between
    the renames left, with no CLI involved."""
    kill(start_paused(work, "swap"))
    assert not (work / "instance" / "kb.index").exists()
    r = in_process_search(work, WORD)
    assert r["stale_index"] is False and r["total"] >= 1
    assert index_generation(work / "instance" / "kb.index")[1] == kb_generation(work)


def test_a_running_build_is_left_alone(work: Path) -> None:
    """While one build runs, commands answer (stale) without touching its files; a second build waits."""
    first = start_paused(work, "index")
    second = None
    try:
        ours = [n for n in leftovers(work) if n.startswith("kb.index.new-")]
        assert ours == [f"kb.index.new-{first.pid}"]
        found, err = search(work, COMMON)
        assert found["stale_index"] is True and STALE_LINE in err
        second = subprocess.Popen(POLICYKB + ["build"], env=_env(work), cwd=work,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = second.stderr.readline().decode("utf-8")  # blocks until the second build says something
        assert "waiting for it to finish" in line, line
        assert second.poll() is None
        assert [n for n in leftovers(work) if n.startswith("kb.index.new-")] == ours
        kill(first)
        _, err = second.communicate(timeout=300)
        err = err.decode("utf-8")
        assert second.returncode == 0 and "Traceback" not in err, err
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert leftovers(work) == []
    found = in_process_search(work, WORD)
    assert found["stale_index"] is False and found["total"] >= 1


def test_missing_index_is_built_alone(work: Path) -> None:
    """A knowledge base without an index gets its index built, not the whole knowledge base."""
    shutil.rmtree(work / "instance" / "kb.index")
    before = kb_generation(work)
    listed, err = docs(work)
    assert len(listed) == 2
    assert "no knowledge base" not in err and "building the index" in err and err.count("\n") == 1, err
    assert kb_generation(work) == before
    assert index_generation(work / "instance" / "kb.index")[1] == before
    found = in_process_search(work, COMMON)
    assert found["stale_index"] is False and found["total"] > 0


def test_failure_lines_name_the_file(work: Path) -> None:
    manifest = json.loads((work / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["documents"][-1]
    (work / "corpus" / entry["file"]).write_bytes(b"\x00\x01 tampered")
    r = run(work, "build")
    assert r.returncode == 1
    assert f"policykb: {entry['id']} ({entry['file']}) failed in read: " in r.stderr.decode("utf-8")


def test_lock_and_recovery_rules(tmp_path: Path) -> None:
    """kb.store's engine-independent rules, without a search engine: the lock is re-entrant in a
    thread and exclusive across threads; a complete new index of the knowledge base's generation
    wins; an incomplete one never counts; with no index, the newest complete leftover answers."""
    import threading

    from kb import generations as kbgen

    db, index = tmp_path / "kb.sqlite", tmp_path / "index"

    def index_dir(path: Path, kb: str | None, complete: bool = True) -> Path:
        path.mkdir()
        (path / "data").write_text("x")
        if complete:
            kbgen.write_index_generation(path, kb)
        return path

    with kbgen.build_lock(db) as outer:
        with kbgen.build_lock(db, blocking=False) as inner:
            assert outer and inner
        got: list[bool] = []
        t = threading.Thread(target=lambda: got.append(kbgen.build_lock(db, blocking=False).__enter__()))
        t.start()
        t.join()
        assert got == [False]
    assert kbgen.reconcile_index(db, index, "B") == "missing"

    index_dir(index, "A")
    index_dir(tmp_path / "index.new-1", "B", complete=False)
    assert kbgen.reconcile_index(db, index, "B") == "stale"
    index_dir(tmp_path / "index.new-2", "B")
    assert kbgen.reconcile_index(db, index, "B") == "current"
    assert kbgen.read_index_generation(index).kb == "B"
    assert [p.name for p in kbgen.index_leftovers(index)] == ["index.new-1"]

    kbgen.discard_index(index)
    index_dir(tmp_path / "index.old-3-ab", "A")
    assert kbgen.reconcile_index(db, index, "C") == "stale"  # the last complete index answers
    assert kbgen.read_index_generation(index).kb == "A"
    with kbgen.build_lock(db):
        kbgen.remove_dead_index_leftovers(index)
    assert kbgen.index_leftovers(index) == []
    # an index of a build older than generations, beside a knowledge base as old: in step
    (index / "generation").write_text("0123abcd", encoding="ascii")
    assert kbgen.read_index_generation(index) == kbgen.IndexGeneration("0123abcd", None)
    assert kbgen.reconcile_index(db, index, None) == "current"


def test_the_generation_file_reaches_the_disk_before_it_counts(tmp_path, monkeypatch):
    import os as _os
    from kb import generations
    synced = []
    real = _os.fsync
    monkeypatch.setattr(generations.os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    gen = generations.write_index_generation(tmp_path, "kb-1")
    assert len(synced) >= 2  # the file's bytes, then the directory entry of the rename
    assert generations.read_index_generation(tmp_path) == gen
    assert not list(tmp_path.glob("*.part"))
