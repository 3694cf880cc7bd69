"""Import survives kill -9; import refuses what can never build; `policykb remove`.

The kill tests run the real command (`python -m kb import --no-build`) with
POLICYKB_TEST_PAUSE=<point> (kb/corpus.py), which makes it stop at a named
point of its write; the test kills it there with SIGKILL and imports again.
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.decode import DecodeError, decode_bytes

POLICYKB = [sys.executable, "-m", "kb"]

PLAN_A = """关于印发《青田县推进义务教育优质均衡发展实施方案》的通知
青政办发〔2023〕17号
各乡镇人民政府、街道办事处，县政府直属各单位：
现将《青田县推进义务教育优质均衡发展实施方案》印发给你们，请认真贯彻执行。
青田县推进义务教育优质均衡发展实施方案
一、工作目标
到2025年，全县义务教育巩固率达到99%以上，进城务工人员随迁子女在公办学校就读比例不低于90%。
二、主要任务
（一）优化学校布局。根据人口变化调整中小学布局，县教育局牵头，县财政局、县自然资源局配合。
（二）加强教师队伍建设。小学、初中每百名学生拥有县级以上骨干教师数分别达到1人以上。
三、保障措施
（一）加强组织领导。建立县政府主导、部门协同的工作机制。
青田县人民政府办公室
2023年4月12日
"""

PLAN_B = """缙云县学前教育普及普惠发展实施方案
缙政办发〔2022〕9号
一、总体目标
到2025年，全县学前三年毛入园率保持在98%以上，普惠性幼儿园覆盖率达到95%以上。
二、重点任务
1.扩大普惠性资源供给。县教育局牵头，各乡镇（街道）配合。
2.健全经费投入机制。县财政局牵头。
缙云县人民政府办公室
2022年8月30日
"""

PLAN_C = """松阳县基础教育高质量发展行动方案
松政发〔2024〕3号
一、发展目标
到2027年，全县高中阶段毛入学率达到98%以上。
二、主要举措
（一）推进集团化办学。县教育局牵头。
"""


def env_for(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKB_")}
    env.update(extra)
    return env


def run(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(POLICYKB + list(args), capture_output=True, env=env_for(**env), timeout=300)


def invoke(*args: str):
    """The command in this process (faster than a subprocess where no kill is needed)."""
    return CliRunner().invoke(main, list(args))


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def manifest(corpus: Path) -> list[dict]:
    return json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]


def temp_files(corpus: Path) -> list[str]:
    return sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")
                  if p.name.endswith(".part") or (p.name.startswith(".manifest.") and p.name.endswith(".tmp")))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Paused:
    """`policykb ARGS` started with POLICYKB_TEST_PAUSE=point, waited for until it stops there."""

    def __init__(self, point: str, *args: str):
        self.proc = subprocess.Popen(POLICYKB + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env_for(POLICYKB_TEST_PAUSE=point))
        watchdog = threading.Timer(120, self.proc.kill)  # never hang the suite
        watchdog.start()
        seen = []
        try:
            for raw in iter(self.proc.stderr.readline, b""):
                seen.append(raw.decode("utf-8", "replace"))
                if f"test pause at {point}" in seen[-1]:
                    break
        finally:
            watchdog.cancel()
        assert seen and f"test pause at {point}" in seen[-1], f"the command did not stop at {point}: {seen!r}"

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()
        assert self.proc.returncode == -signal.SIGKILL


@pytest.fixture()
def corpus_with_one(tmp_path):
    """A corpus holding one plan (so the killed import has a manifest to update), and a second plan to import."""
    corpus = tmp_path / "corpus"
    r = invoke("import", "--no-build", "--corpus", str(corpus), str(write(tmp_path / "in" / "缙云学前.txt", PLAN_B)))
    assert r.exit_code == 0, r.stderr
    return corpus, write(tmp_path / "in" / "青田县实施方案.txt", PLAN_A)


# -- point 2: kill -9 -----------------------------------------------------------------

@pytest.mark.parametrize("point", ["part_written", "raw_written", "manifest_tmp_written", "manifest_written"])
def test_import_killed_at_any_point_then_imported_again(corpus_with_one, point):
    corpus, plan = corpus_with_one
    data = plan.read_bytes()
    before = manifest(corpus)
    paused = Paused(point, "import", "--no-build", "--corpus", str(corpus), str(plan))
    raw_now = sorted(p.name for p in (corpus / "raw").iterdir())
    paused.kill()

    # the state the kill left is the one each point names
    if point == "part_written":
        assert any(n.endswith(".part") for n in raw_now) and manifest(corpus) == before
    elif point == "raw_written":
        assert len(raw_now) == 2 and not temp_files(corpus) and manifest(corpus) == before  # an orphan
    elif point == "manifest_tmp_written":
        assert temp_files(corpus) and manifest(corpus) == before
    else:
        assert len(manifest(corpus)) == 2

    r = run("import", "--no-build", "--corpus", str(corpus), str(plan))
    out, err = r.stdout.decode(), r.stderr.decode()
    assert r.returncode == 0, err
    assert "refusing to overwrite" not in err and "Traceback" not in err
    docs = manifest(corpus)
    assert len(docs) == 2 and [d["sha256"] for d in docs].count(sha(data)) == 1
    new = next(d for d in docs if d["sha256"] == sha(data))
    assert new["id"].startswith("001_") and new["source_name"] == "青田县实施方案.txt"
    assert (f"added {plan} as {new['id']}" in out) if point != "manifest_written" else ("already in the corpus" in out)
    files = sorted(p.name for p in (corpus / "raw").iterdir())
    assert files == sorted(Path(d["file"]).name for d in docs)  # one raw file per document, nothing else
    assert (corpus / new["file"]).read_bytes() == data
    assert temp_files(corpus) == []

    again = invoke("import", "--no-build", "--corpus", str(corpus), str(plan))
    assert again.exit_code == 0 and "already in the corpus" in again.stdout and len(manifest(corpus)) == 2


def test_a_second_import_waits_for_the_lock_and_adopts_the_killed_ones_file(corpus_with_one):
    """Two imports of the same plan at once: the second waits while the first holds the corpus lock,
    and once the first is killed with its raw file written, adopts that file."""
    corpus, plan = corpus_with_one
    first = Paused("raw_written", "import", "--no-build", "--corpus", str(corpus), str(plan))
    second = subprocess.Popen(POLICYKB + ["import", "--no-build", "--corpus", str(corpus), str(plan)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for())
    time.sleep(3)
    assert second.poll() is None, "the second import did not wait for the corpus lock"
    first.kill()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    assert "added" in out.decode()
    docs = manifest(corpus)
    assert len(docs) == 2 and len(list((corpus / "raw").iterdir())) == 2 and temp_files(corpus) == []


def test_concurrent_imports_of_overlapping_files(tmp_path):
    corpus = tmp_path / "corpus"
    a, b, c = (write(tmp_path / "in" / n, t) for n, t in (("a.txt", PLAN_A), ("b.txt", PLAN_B), ("c.txt", PLAN_C)))
    procs = [subprocess.Popen(POLICYKB + ["import", "--no-build", "--corpus", str(corpus), str(x), str(y)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for()) for x, y in ((a, b), (b, c), (c, a))]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    docs = manifest(corpus)
    assert len(docs) == 3 and sorted(d["id"][:3] for d in docs) == ["000", "001", "002"]
    assert len(list((corpus / "raw").iterdir())) == 3 and temp_files(corpus) == []


def test_an_orphan_with_other_bytes_is_kept_and_the_plan_takes_the_next_id(corpus_with_one):
    corpus, plan = corpus_with_one
    data = plan.read_bytes()
    orphan = corpus / "raw" / f"001_{sha(data)[:16]}.txt"
    orphan.write_bytes(data[: len(data) // 2])  # e.g. a torn copy: not these bytes
    r = run("import", "--no-build", "--corpus", str(corpus), str(plan))
    assert r.returncode == 0, r.stderr.decode()
    new = next(d for d in manifest(corpus) if d["sha256"] == sha(data))
    assert new["id"] == f"002_{sha(data)[:16]}" and (corpus / new["file"]).read_bytes() == data
    assert orphan.read_bytes() == data[: len(data) // 2]  # never overwritten, moved or deleted


def test_temporary_files_of_a_live_process_are_kept(corpus_with_one):
    corpus, plan = corpus_with_one
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = corpus / f".manifest.{sleeper.pid}.abc123.tmp"
        live_part = corpus / "raw" / f"009_0123456789abcdef.txt.{sleeper.pid}.part"
        dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                                  text=True).stdout.strip()
        dead = corpus / f".manifest.{dead_pid}.zz9.tmp"
        for p in (live, live_part, dead):
            p.write_text("{}", encoding="utf-8")
        r = run("import", "--no-build", "--corpus", str(corpus), str(plan))
        assert r.returncode == 0, r.stderr.decode()
        assert live.exists() and live_part.exists() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


# -- point 7: refuse what can never build ----------------------------------------------------

CHROME_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>
<div class="pos">当前位置：首页 > 政务公开 > 政策文件</div>
<div class="footer"><p>主办：青田县人民政府办公室</p><p>版权所有：青田县人民政府</p>
<p>网站标识码：3311210001 浙ICP备05012345号</p><p><a href="/map">网站地图</a> | <a href="/lxwm">联系我们</a></p></div>
</body></html>"""

REFUSED = [
    ("全角空格.txt", "\u3000\u3000\r\n\u3000\u3000\u3000\n".encode("utf-8"), "empty"),
    ("全角空格gbk.txt", "\u3000\u3000\r\n\u3000\u3000\r\n".encode("gb18030"), "empty"),
    ("nbsp.txt", "\u00a0 \u00a0\n\t\u2003\n".encode("utf-8"), "empty"),
    ("零宽.txt", "\u200b\u200c\u200d\u2060\ufeff\n\u200b\n".encode("utf-8"), "empty"),
    ("bom.txt", b"\xef\xbb\xbf", "empty"),
    ("bom_utf16.txt", b"\xff\xfe", "empty"),
    ("script.html", "<html><head><meta charset='utf-8'><script>var t='关于印发实施方案的通知';</script></head>"
                    "<body><script>document.write('青田县教育局');</script><style>p{color:red}</style></body></html>"
                    .encode("utf-8"), "no text, only markup or scripts"),
    ("chrome.html", CHROME_PAGE.encode("utf-8"), "site chrome"),
    ("chrome.txt", "首页 > 政务公开 > 政策文件\n当前位置：首页 > 政策文件\n【打印本页】【关闭窗口】\n"
                   "版权所有：青田县人民政府\n浙ICP备05012345号\n网站地图 | 联系我们\n".encode("utf-8"), "site chrome"),
]


@pytest.mark.parametrize("name, data, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_import_refuses_what_can_never_build(tmp_path, name, data, words):
    corpus = tmp_path / "corpus"
    bad = tmp_path / "in" / name
    bad.parent.mkdir(parents=True)
    bad.write_bytes(data)
    good = write(tmp_path / "in" / "青田县实施方案.txt", PLAN_A)
    r = invoke("import", "--no-build", "--corpus", str(corpus), str(bad), str(good))
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"policykb: {name}: ") and words in lines[0], r.stderr
    assert "binary" not in lines[0] and "Traceback" not in r.stderr
    assert f"added {good}" in r.stdout
    docs = manifest(corpus)
    assert len(docs) == 1 and docs[0]["source_name"] == "青田县实施方案.txt"
    assert len(list((corpus / "raw").iterdir())) == 1


def test_a_bom_only_file_is_empty_not_binary():
    for data in (b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\xfe\xff", "\ufeff\u3000".encode("utf-8")):
        with pytest.raises(DecodeError, match="empty"):
            decode_bytes(data)
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(b"\x00\x00\x00\x00")  # NULs show nothing either, but are binary


def test_a_plan_with_a_little_chrome_is_still_imported(tmp_path):
    page = CHROME_PAGE.replace('<div class="footer">', "<div class='content'>" + "".join(
        f"<p>{line}</p>" for line in PLAN_A.splitlines()) + "</div><div class=\"footer\">")
    r = invoke("import", "--no-build", "--corpus", str(tmp_path / "c"), str(write(tmp_path / "qingtian.html", page)))
    assert r.exit_code == 0, r.stderr
    assert len(manifest(tmp_path / "c")) == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_broken_symlink_in_a_folder_gets_its_own_line(tmp_path):
    folder = tmp_path / "saved"
    write(folder / "青田.txt", PLAN_A)
    write(folder / "sub" / "缙云.txt", PLAN_B)
    (folder / "sub" / "松阳.html").symlink_to(tmp_path / "moved-away" / "松阳.html")
    (folder / "notes").symlink_to(tmp_path / "nowhere")  # not a page: skipped like any other non-page file
    corpus = tmp_path / "corpus"
    r = invoke("import", "--no-build", "--corpus", str(corpus), str(folder))
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines == [f"policykb: {folder / 'sub' / '松阳.html'}: a broken symbolic link "
                     f"(its target {tmp_path / 'moved-away' / '松阳.html'} does not exist)"]
    assert len(manifest(corpus)) == 2 and r.stdout.count("added") == 2


# -- policykb remove -----------------------------------------------------------------------

def test_remove_manifest_first_then_files_killed_in_between(corpus_with_one):
    """A remove killed after its manifest write leaves orphans, which a later import of the same bytes adopts."""
    corpus, plan = corpus_with_one
    assert invoke("import", "--no-build", "--corpus", str(corpus), str(plan)).exit_code == 0
    doc = next(d for d in manifest(corpus) if d["source_name"] == plan.name)
    paused = Paused("removed_from_manifest", "remove", "--no-build", "--corpus", str(corpus), doc["id"][:3])
    paused.kill()
    assert len(manifest(corpus)) == 1 and doc["id"] not in {d["id"] for d in manifest(corpus)}
    assert (corpus / doc["file"]).exists()  # the kill came before the files were deleted: an orphan
    r = run("import", "--no-build", "--corpus", str(corpus), str(plan))
    assert r.returncode == 0 and f"as {doc['id']}" in r.stdout.decode(), r.stderr.decode()
    assert len(list((corpus / "raw").iterdir())) == 2 and temp_files(corpus) == []


def _fetched_like(corpus: Path, doc: dict) -> list[str]:
    """Give a document the files a fetched page keeps (kb/scrape/archive.py): sidecar, version, second source,
    attachment, each with a sidecar; returns their paths."""
    stem = f"raw/{doc['id']}"
    files = {f"{stem}.json": "{}", f"{stem}.v2.html": "<p>旧版本</p>", f"{stem}.v2.json": "{}",
             f"{stem}.s2.html": "<p>转载</p>", f"{stem}.s2.json": "{}", f"{stem}.a1.txt": "附件1 指标表",
             f"{stem}.a1.json": "{}"}
    for rel, text in files.items():
        (corpus / rel).write_text(text, encoding="utf-8")
    data = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    for d in data["documents"]:
        if d["id"] == doc["id"]:
            d["extra"] = {
                "sidecar": f"{stem}.json",
                "versions": [{"file": f"{stem}.v2.html", "sidecar": f"{stem}.v2.json", "sha256": "0" * 64}],
                "sources": [{"file": f"{stem}.s2.html", "sidecar": f"{stem}.s2.json", "sha256": "1" * 64}],
                "attachments": [{"name": "附件1", "url": "http://x.gov.cn/a.txt", "file": f"{stem}.a1.txt",
                                 "sidecar": f"{stem}.a1.json", "sha256": "2" * 64}],
            }
    (corpus / "manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return [doc["file"], *files]


def test_remove_unknown_ids_and_prefixes_without_build(tmp_path):
    corpus = tmp_path / "corpus"
    plans = [write(tmp_path / "in" / n, t) for n, t in (("a.txt", PLAN_A), ("b.txt", PLAN_B), ("c.txt", PLAN_C))]
    assert invoke("import", "--no-build", "--corpus", str(corpus), *map(str, plans)).exit_code == 0
    docs = manifest(corpus)
    victim = docs[1]
    files = _fetched_like(corpus, victim)
    r = invoke("remove", "--no-build", "--corpus", str(corpus), "007", victim["id"][:3], "0", "")
    err = r.stderr
    assert r.exit_code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in err
    assert lines[0].startswith("policykb: unknown document id: 007") and docs[0]["id"] in lines[0]  # close ids named
    assert "0 matches 3 documents" in lines[1] and "give more of the id" in lines[1]
    assert "empty document id" in lines[2]
    assert f"removed {victim['id']} (b.txt; 8 files deleted)" in r.stdout
    assert [d["id"] for d in manifest(corpus)] == [docs[0]["id"], docs[2]["id"]]
    for rel in files:
        assert not (corpus / rel).exists(), rel
    assert sorted(p.name for p in (corpus / "raw").iterdir()) == sorted(Path(d["file"]).name for d in manifest(corpus))
    # a second remove of the same id: unknown now
    r = invoke("remove", "--no-build", "--corpus", str(corpus), victim["id"])
    assert r.exit_code == 1 and "unknown document id" in r.stderr


def test_remove_then_rebuild_the_document_page_is_404(tmp_path):
    from webapp import create_app

    corpus, db = tmp_path / "corpus", tmp_path / "instance" / "kb.sqlite"
    plans = [write(tmp_path / "in" / n, t) for n, t in (("a.txt", PLAN_A), ("b.txt", PLAN_B))]
    r = run("import", "--corpus", str(corpus), "--db", str(db), *map(str, plans))
    assert r.returncode == 0, r.stderr.decode()
    keep, gone = manifest(corpus)
    config = {"DB_PATH": str(db), "INDEX_DIR": str(db.parent / "kb.index"), "TESTING": True}
    client = create_app(config).test_client()
    assert client.get(f"/documents/{gone['id']}").status_code == 200

    r = run("remove", "--corpus", str(corpus), "--db", str(db), gone["id"][:5], "nope")
    assert r.returncode == 1 and "unknown document id: nope" in r.stderr.decode()
    assert f"removed {gone['id']}" in r.stdout.decode() and "built" in r.stderr.decode()
    assert [d["id"] for d in manifest(corpus)] == [keep["id"]] and not (corpus / gone["file"]).exists()
    client = create_app(config).test_client()
    assert client.get(f"/documents/{gone['id']}").status_code == 404
    assert client.get(f"/documents/{keep['id']}").status_code == 200
    assert client.get("/api/search?q=普惠性幼儿园").get_json()["total"] == 0
    assert client.get("/api/search?q=巩固率").get_json()["total"] >= 1


def test_two_fetchers_holding_the_same_entry_both_keep_their_version(corpus_with_one):
    """A new version (or second source) is named and recorded from the manifest as it stands under the lock:
    a fetcher holding a stale entry neither collides with nor drops the version another one just added."""
    from types import SimpleNamespace

    from kb.corpus import Corpus
    from kb.scrape import archive
    corpus = Corpus(corpus_with_one[0])
    (stale,) = corpus.entries()
    for k in (1, 2):
        body = f"<html><body><p>第{k}版 全县学前三年毛入园率达到9{k}%。</p></body></html>".encode()
        resp = SimpleNamespace(content=body, url=f"http://127.0.0.1/p{k}.html", final_url=f"http://127.0.0.1/p{k}.html",
                               fetched_at="2026-12-03T08:00:00", status=200)
        side = {"sha256": hashlib.sha256(body).hexdigest()}
        archive.add_version(corpus, stale, resp, side, media_type="text/html", encoding="utf-8", extra={})
    (now,) = corpus.entries()
    assert [v["file"] for v in now.extra["versions"]][-1].endswith(".v2.html") and now.file.endswith(".v3.html")
    assert len(now.extra["versions"]) == 2  # the original copy and the first new version, none lost
    src = SimpleNamespace(content=b"<p>another</p>", url="http://127.0.0.1/s.html", final_url="http://127.0.0.1/s.html",
                          fetched_at="2026-12-03T08:01:00", status=200)
    updated, shown = archive.add_source(corpus, stale, src, {"sha256": hashlib.sha256(b"<p>another</p>").hexdigest()},
                                        media_type="text/html", encoding="utf-8", site=None, official=False, extra={})
    assert not shown and len(updated.extra["versions"]) == 2 and updated.extra["sources"][-1]["file"].endswith(".s2.html")
