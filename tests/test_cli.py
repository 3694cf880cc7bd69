"""The policykb command as a user runs it: build, import, docs, show, bad input."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from conftest import CORPUS, SEEDS

POLICYKB = [sys.executable, "-m", "kb"]


@pytest.fixture()
def workdir(tmp_path):
    """A copy of the bundled corpus and an empty instance directory."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path


def run(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, POLICYKB_CORPUS=str(workdir / "corpus"), POLICYKB_DB=str(workdir / "instance" / "kb.sqlite"))
    return subprocess.run(POLICYKB + list(args), capture_output=True, env=env, cwd=workdir, timeout=300)


def invoke(workdir: Path, *args: str):
    env = {"POLICYKB_CORPUS": str(workdir / "corpus"), "POLICYKB_DB": str(workdir / "instance" / "kb.sqlite")}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def table_dump(db: Path) -> list:
    conn = sqlite3.connect(db)
    out = []
    for table in ("documents", "clauses", "citations", "failures"):
        out.append(conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall())
    conn.close()
    return out


def test_build_twice_gives_identical_content(workdir):
    r = invoke(workdir, "build")
    assert r.exit_code == 0, r.output
    db = workdir / "instance" / "kb.sqlite"
    first = table_dump(db)
    r = invoke(workdir, "build")
    assert r.exit_code == 0
    assert table_dump(db) == first
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    assert conn.execute("SELECT count(*) FROM (SELECT doc_id, path, start FROM clauses GROUP BY 1, 2, 3 HAVING count(*) > 1)").fetchone()[0] == 0


def test_docs_json_fields(workdir):
    r = run(workdir, "docs", "--json")
    assert r.returncode == 0, r.stderr.decode()
    docs = json.loads(r.stdout.decode("utf-8"))
    assert [d["id"] for d in docs] == list(SEEDS.values())
    for d in docs:
        assert set(d) >= {"id", "title", "doc_number", "issuers", "signed_date", "published_date", "region", "script", "flags"}
        assert set(d["region"]) >= {"code", "name", "level", "prefecture", "province"}
    by = {d["id"][:3]: d for d in docs}
    assert by["000"]["doc_number"] == "普府办〔2022〕22号"
    assert by["000"]["region"]["code"] == "445281" and by["000"]["region"]["prefecture"] == "揭阳市"
    assert by["004"]["script"] == "traditional" and "mirror_suspect" in by["004"]["flags"]
    assert by["004"]["region"] == {**by["004"]["region"], "code": "630000", "level": "province"}


def test_show_json(workdir):
    r = run(workdir, "show", "004", "--json")
    assert r.returncode == 0, r.stderr.decode()
    doc = json.loads(r.stdout.decode("utf-8"))
    for key in ("text", "clauses", "citations", "normalisation"):
        assert key in doc
    norm = doc["normalisation"]
    assert norm["pinyin_removed"] == 467 and norm["converted_from_traditional"] is True
    assert len(norm["corrupted_spans"]) == 7
    for c in norm["corrupted_spans"]:
        assert set(c) >= {"start", "end", "raw", "repaired"}
    text = doc["text"]
    for c in doc["clauses"]:
        assert set(c) >= {"path", "heading", "text", "start", "end"}
        assert text[c["start"]:c["end"]] == c["text"]
    assert any(c["path"] == "四/16" for c in doc["clauses"])


def test_unknown_document_is_one_line_and_nonzero(workdir):
    run(workdir, "build")
    r = run(workdir, "show", "nope")
    assert r.returncode != 0
    err = r.stderr.decode().strip()
    assert err.count("\n") == 0 and "unknown document id: nope" in err and "Traceback" not in err


def test_import_gbk_and_big5_files_and_dedupe(workdir, tmp_path):
    gbk = tmp_path / "gbk.txt"
    big5 = tmp_path / "big5.txt"
    plan = "某某县人民政府办公室关于印发某某县义务教育优质均衡发展实施方案的通知\n某府办〔2023〕9号\n一、工作目标\n到2025年,全县九年义务教育巩固率达到97%以上。\n"
    gbk.write_bytes(plan.encode("gbk"))
    big5.write_bytes("關於印發某某縣學前教育實施方案的通知\n一、工作目標\n到2025年,學前三年毛入園率達到95%以上。\n".encode("big5"))
    r = run(workdir, "import", str(gbk), str(big5))
    assert r.returncode == 0, r.stderr.decode()
    manifest = json.loads((workdir / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    added = [d for d in manifest["documents"] if d["source_name"] in ("gbk.txt", "big5.txt")]
    assert {d["encoding"] for d in added} == {"gb18030", "big5"}
    for d in added:
        assert len(d["sha256"]) == 64 and d["origin"] == "imported_file"
    r = run(workdir, "import", str(gbk))
    assert r.returncode == 0 and "already in the corpus" in r.stdout.decode()
    manifest2 = json.loads((workdir / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest2["documents"]) == len(manifest["documents"]) == 7
    docs = json.loads(run(workdir, "docs", "--json").stdout.decode())
    titles = {d["title"] for d in docs}
    assert any(t and "学前教育实施方案" in t for t in titles)  # Big5 traditional came out simplified


@pytest.mark.parametrize("name, data, words", [
    ("empty.txt", b"", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
])
def test_import_refuses_bad_files_but_imports_the_rest(workdir, tmp_path, name, data, words):
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text("关于印发某某县实施方案的通知\n一、工作目标\n到2025年,巩固率达到97%以上。\n", encoding="utf-8")
    r = run(workdir, "import", str(bad), str(tmp_path / "missing.txt"), str(good))
    assert r.returncode != 0
    err = r.stderr.decode()
    assert words in err and "no such file" in err and "Traceback" not in err
    assert "added" in r.stdout.decode()
    manifest = json.loads((workdir / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == 6


def test_html_full_of_scripts_and_styles(workdir, tmp_path):
    page = tmp_path / "page.html"
    filler = "<script>" + "var x = '不该出现';" * 2000 + "</script><style>" + ".a{color:red}" * 2000 + "</style>"
    page.write_text(f"<html><head><meta charset='utf-8'><title>关于印发某某县实施方案的通知</title>{filler}</head>"
                    f"<body>{filler}<div class='nav'>首页</div><p>一、工作目标</p><p>到2025年,巩固率达到97%以上。</p>{filler}</body></html>",
                    encoding="utf-8")
    r = run(workdir, "import", str(page))
    assert r.returncode == 0, r.stderr.decode()
    docs = json.loads(run(workdir, "docs", "--json").stdout.decode())
    new = [d for d in docs if d["id"][:3] == "005"][0]
    shown = json.loads(run(workdir, "show", new["id"], "--json").stdout.decode())
    assert "巩固率达到97%以上" in shown["text"] and "不该出现" not in shown["text"] and "color" not in shown["text"]


def test_a_5mb_file_is_built(workdir, tmp_path):
    body = "\n".join(f"{i}.第{i}项任务。推进义务教育优质均衡发展,确保巩固率达到97%以上。" for i in range(1, 20))
    text = "关于印发某某县实施方案的通知\n" + "\n".join(f"{'一二三四五六七八九'[i % 9]}、工作{i}\n{body}" for i in range(1, 4000))
    data = text.encode("utf-8")
    assert len(data) > 5_000_000
    (tmp_path / "big.txt").write_bytes(data[:5_200_000].rsplit(b"\n", 1)[0])
    r = run(workdir, "import", str(tmp_path / "big.txt"))
    assert r.returncode == 0, r.stderr.decode()


def test_a_failing_document_is_recorded_and_the_rest_are_built(workdir):
    # Corrupt one file after import: its bytes no longer match the manifest.
    target = workdir / "corpus" / "raw" / f"{SEEDS['002']}.txt"
    target.write_bytes(b"\x00\x01 tampered")
    r = run(workdir, "build")
    assert r.returncode == 1
    err = r.stderr.decode()
    assert f"{SEEDS['002']} (raw/{SEEDS['002']}.txt) failed in read" in err and "Traceback" not in err
    docs = json.loads(run(workdir, "docs", "--json").stdout.decode())
    assert len(docs) == 4


def test_missing_corpus_is_a_clear_error(tmp_path):
    r = subprocess.run(POLICYKB + ["build", "--corpus", str(tmp_path / "nothing"), "--db", str(tmp_path / "kb.sqlite")],
                       capture_output=True, timeout=60)
    assert r.returncode != 0 and "no corpus" in r.stderr.decode() and "Traceback" not in r.stderr.decode()


def test_show_span_in_its_original_form(workdir):
    doc = json.loads(run(workdir, "show", "004", "--json").stdout.decode())
    i = doc["text"].index("每个县(市、区)")
    r = run(workdir, "show", "004", "--span", f"{i}:{i + 8}", "--json")
    assert r.returncode == 0, r.stderr.decode()
    found = json.loads(r.stdout.decode())
    assert found["text"] == "每个县(市、区)" and found["raw"] == "每個縣(市、區(qū))"
    bad = run(workdir, "show", "004", "--span", "10:5")
    assert bad.returncode != 0 and "outside" in bad.stderr.decode()


def test_targets_units_indicators_json(workdir):
    r = run(workdir, "targets", "--json", "--indicator", "YJ-G15")
    assert r.returncode == 0, r.stderr.decode()
    rows = json.loads(r.stdout.decode())
    assert rows and all(t["indicator_id"] == "YJ-G15" for t in rows)
    for t in rows:
        assert set(t) >= {"doc_id", "clause_path", "indicator", "indicator_id", "stage", "comparator", "value", "unit",
                          "deadline", "kind", "modality", "span"}
    # the same indicator written two ways in two plans resolves to one id
    assert {t["doc_id"][:3] for t in rows} >= {"000", "002"}
    doc = json.loads(run(workdir, "show", "000", "--json").stdout.decode())
    for t in rows:
        if t["doc_id"] == doc["id"]:
            assert doc["text"][t["span"]["start"]:t["span"]["end"]] == t["span"]["text"]
    guangdong = json.loads(run(workdir, "targets", "--json", "--region", "440000").stdout.decode())
    assert guangdong and {t["doc_id"][:3] for t in guangdong} <= {"000", "002"}
    units = json.loads(run(workdir, "units", "--json", "--unit", "人社局").stdout.decode())
    assert units and all("人力资源和社会保障局" in u["unit"] for u in units)
    for u in units:
        assert set(u) >= {"doc_id", "clause_path", "unit", "unit_raw", "role", "lead_rule", "span"}
    inds = json.loads(run(workdir, "indicators", "--json").stdout.decode())
    g15 = next(i for i in inds if i["id"] == "YJ-G15")
    assert set(g15) >= {"id", "name", "aliases", "dimension", "thresholds"}
    assert any(th["value"] == 85 and th["comparator"] == ">=" for th in g15["thresholds"])
    assert "targets" in doc and "responsibilities" in doc


def test_bad_filters_are_one_line(workdir):
    run(workdir, "build")
    for args, words in ((["targets", "--region", "朝阳区"], "ambiguous"), (["targets", "--region", "不存在县"], "unknown region"),
                        (["targets", "--doc", "zzz"], "unknown document")):
        r = run(workdir, *args)
        err = r.stderr.decode().strip()
        assert r.returncode != 0 and words in err and "\n" not in err and "Traceback" not in err


def test_citation_resolves_to_a_plan_in_the_corpus(workdir, tmp_path):
    cited = tmp_path / "jieyang.txt"
    cited.write_text("揭阳市教育高质量发展三年提升行动方案\n一、工作目标\n到2025年,全市九年义务教育巩固率达到97%以上。\n", encoding="utf-8")
    assert run(workdir, "import", str(cited)).returncode == 0
    doc = json.loads(run(workdir, "show", "000", "--json").stdout.decode())
    c = next(c for c in doc["citations"] if c["title"] == "揭阳市教育高质量发展三年提升行动方案")
    assert c["resolved_doc_id"] and c["resolved_doc_id"].startswith("005")


def test_eval_script_runs_on_another_labelled_set(tmp_path):
    gold = {"clauses": [
        {"id": "X1", "doc": None, "path": [], "text": "到2025年,全县学前三年毛入园率达到92%以上,公办园在园幼儿占比达到55%以上。",
         "span": "到2025年,全县学前三年毛入园率达到92%以上,公办园在园幼儿占比达到55%以上。",
         "targets": [
             {"indicator": "学前三年毛入园率", "stage": "学前", "value": 92, "unit": "%", "comparator": ">=",
              "deadline": {"end": "2025-12-31", "text": "到2025年", "kind": "by"}, "canonical": "XQ-P1"},
             {"indicator": "公办园在园幼儿占比", "stage": "学前", "value": 55, "unit": "%", "comparator": ">=",
              "deadline": {"end": "2025-12-31", "text": "到2025年", "kind": "by"}, "canonical": "XQ-P3"}],
         "responsibility": None},
        {"id": "X2", "doc": None, "path": [], "text": "常住人口规模4000人以上的行政村要举办幼儿园。", "span": "常住人口规模4000人以上的行政村要举办幼儿园。",
         "targets": [], "responsibility": None}]}
    path = tmp_path / "other.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([sys.executable, "scripts/eval_extraction.py", str(path), "--json"], capture_output=True,
                       cwd=CORPUS.parent, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    report = json.loads(r.stdout.decode())
    assert report["clauses"] == 2
    assert report["fields"]["whole_target"]["gold"] == 2
    assert report["fields"]["whole_target"]["f1"] == 1.0
    bad = subprocess.run([sys.executable, "scripts/eval_extraction.py", str(tmp_path / "none.json")], capture_output=True,
                         cwd=CORPUS.parent, timeout=60)
    assert bad.returncode != 0 and "cannot read" in bad.stderr.decode()


@pytest.mark.parametrize("text", ["版权所有：恩平市人民政府", "版权所有:恩平市人民政府", "主办：恩平市人民政府 技术支持"])
def test_site_from_a_footer_with_either_colon(text):
    from kb.corpus import guess_site

    assert guess_site("正文\n" + text) == "恩平市人民政府"


def test_targets_speak_chinese_and_show_a_milestone_as_one(tmp_path):
    plan = tmp_path / "in" / "石门县学前教育行动计划.txt"
    plan.parent.mkdir()
    plan.write_text("石门县学前教育普及普惠行动计划(2024—2026年)\n一、工作目标\n1.到2026年,学前三年毛入园率达到92%。\n"
                    "2.2026年通过国家学前教育普及普惠督导评估认定。\n", encoding="utf-8")
    assert invoke(tmp_path, "import", str(plan)).exit_code == 0
    out = invoke(tmp_path, "targets").output
    line = next(ln for ln in out.splitlines() if "督导评估" in ln)
    assert "(达成事项)" in line and "None" not in line and "2026-12-31" in line
    r = invoke(tmp_path, "targets", "--indicator", "没有这种指标的词")
    assert "没有符合条件的目标" in r.output


def test_search_speaks_chinese_in_tiers_plans_and_errors(workdir):
    assert invoke(workdir, "build").exit_code == 0
    r = invoke(workdir, "search", "恩平 师生比 课后服务")
    assert r.exit_code == 0 and "0 条条款包含全部检索词" in r.output and "以下条款只包含部分检索词" in r.output
    assert "缺:" in r.output
    r = invoke(workdir, "search", "随迁子女", "--by-plan")
    assert r.exit_code == 0 and "份文件的" in r.output and "按方案归并" in r.output
    r = run(workdir, "search", "教育", "--kind", "小说")
    assert r.returncode == 1 and "Traceback" not in r.stderr.decode()
    assert r.stderr.decode().strip() == "policykb: 文件类型只能是 方案计划、规划、意见、法规规章、工作要点、通知 或 其他。"
    out = workdir / "结果.csv"
    r = invoke(workdir, "search", "随迁子女 公办学校", "--format", "csv", "-o", str(out))
    assert r.exit_code == 0 and out.read_bytes().startswith("\ufeff检索式".encode("utf-8"))
