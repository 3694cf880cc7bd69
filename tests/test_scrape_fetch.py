"""policykb fetch end to end against a government site on 127.0.0.1: corpus, sidecars, crawl,
versions, mirrors, attachments, bad input (no internet)."""
import hashlib
import json
import sqlite3

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.corpus import Corpus, CorpusError
from kb.pipeline import build
from kb.scrape.fetcher import Fetcher, FetchOptions
from kb.scrape.http import FetchConfig, HttpClient
from kb.scrape.sources import SourceError, load_sources
from scrape_support import (EMPTY, ENPING, GOVCN, HANWEB_LISTING, HOME, JIASHAN, LONGCHUAN, LUFENG, MIRROR, PROTECTED,
                            REDIRECTED, SCRIPTED, TAISHAN, TRS_LISTING, XINXING, Reply, SiteServer, fixture, free_port,
                            government_site)

CONFIG = FetchConfig(delay=0.02, timeout=0.5, retries=1, backoff=0.02)


@pytest.fixture(scope="module")
def site():
    s = government_site(SiteServer())
    yield s
    s.close()


@pytest.fixture()
def corpus(tmp_path):
    return Corpus(tmp_path / "corpus")


def fetch(corpus, urls, **options):
    lines = []
    with HttpClient(CONFIG) as client:
        report = Fetcher(corpus, client, FetchOptions(**options), on_outcome=lines.append).run(urls)
    return report


def manifest(corpus) -> list[dict]:
    return json.loads(corpus.manifest_path.read_text(encoding="utf-8"))["documents"]


def cli(corpus_dir, *args):
    env = {"POLICYKB_CORPUS": str(corpus_dir), "POLICYKB_DB": str(corpus_dir.parent / "instance" / "kb.sqlite")}
    return CliRunner().invoke(main, ["fetch", "--delay", "0.02", "--timeout", "0.5", "--retries", "1", *args], env=env)


def test_a_fetched_page_is_kept_byte_for_byte_with_its_sidecar(site, corpus):
    report = fetch(corpus, [site.url(ENPING)])
    assert [o.status for o in report.outcomes] == ["added"] and not report.failures
    [entry] = corpus.entries()
    raw = corpus.read(entry)
    assert raw == fixture("trs_xxgk_gbk.html")  # GBK bytes untouched
    assert entry.origin == "fetched" and entry.url == site.url(ENPING) and entry.encoding == "gb18030"
    assert entry.site == "恩平市人民政府" and entry.sha256 == hashlib.sha256(raw).hexdigest()
    side = json.loads((corpus.root / entry.extra["sidecar"]).read_text(encoding="utf-8"))
    assert side["url"] == side["final_url"] == site.url(ENPING) and side["status"] == 200
    assert side["sha256"] == entry.sha256 and side["bytes"] == len(raw) and side["fetched_at"].endswith("+00:00")
    assert side["headers"]["etag"] == '"5e1a-2861234"' and side["headers"]["content-type"] == "text/html"
    assert side["encoding"] == {"name": "gb18030", "decided_by": "meta", "http_charset": None, "meta_charset": "gb2312",
                                "declared_charset_wrong": False}
    assert side["page"]["doc_number"] == "恩府办〔2023〕5号" and side["user_agent"].startswith("policykb/")
    assert [a["name"][:2] for a in entry.extra["attachments"]] == ["1.", "2.", "3.", "4.", "5."]


def test_redirects_and_a_wrong_charset_are_recorded(site, corpus):
    fetch(corpus, [site.url(REDIRECTED), site.url(XINXING)])
    first, second = corpus.entries()
    side = json.loads((corpus.root / first.extra["sidecar"]).read_text(encoding="utf-8"))
    assert side["url"] == site.url(REDIRECTED) and side["final_url"] == site.url(ENPING) == first.url
    assert side["redirects"] == [[301, site.url("/go/next")], [302, site.url(ENPING)]]
    assert corpus.find_url(site.url(REDIRECTED)).id == first.id  # asked for again: known
    side = json.loads((corpus.root / second.extra["sidecar"]).read_text(encoding="utf-8"))
    assert side["encoding"]["declared_charset_wrong"] and side["encoding"]["name"] == "utf-8"
    assert side["encoding"]["http_charset"] == side["encoding"]["meta_charset"] == "gb2312"


def test_crawl_follows_listing_pages_up_to_max_pages(site, corpus):
    report = fetch(corpus, [site.url(TRS_LISTING)], crawl=True, max_pages=1)
    assert [o.status for o in report.outcomes] == ["listing", "added"]
    assert site.hits("/enping/zwgk/zfwj/index_1.html") == []  # enough articles on the first page
    report = fetch(corpus, [site.url(TRS_LISTING)], crawl=True, max_pages=5)
    assert [o.status for o in report.outcomes] == ["listing", "listing", "added"]  # index_1.html via createPageHTML
    assert "1 already in the corpus" in report.outcomes[0].message
    assert {e.url for e in corpus.entries()} == {site.url(ENPING), site.url(XINXING)}


def test_crawl_a_hanweb_column(site, corpus):
    report = fetch(corpus, [site.url(HANWEB_LISTING)], crawl=True, max_pages=5)
    assert [o.status for o in report.outcomes] == ["listing", "listing", "added", "added"]
    assert {e.url for e in corpus.entries()} == {site.url(JIASHAN), site.url(LONGCHUAN)}
    assert any("pageNum=2" in r.path for r in site.log)


def test_known_urls_are_not_asked_for_again(site, corpus):
    fetch(corpus, [site.url(GOVCN)])
    before = len(site.hits(GOVCN))
    report = fetch(corpus, [site.url(GOVCN)])
    assert report.outcomes[0].status == "skipped" and "--refresh" in report.outcomes[0].message
    assert len(site.hits(GOVCN)) == before and not report.changed


def test_refresh_uses_a_conditional_request_and_keeps_old_versions(tmp_path):
    s = SiteServer()
    s.page("/robots.txt", b"", "text/plain")
    versions = {"body": fixture("hanweb_zoom.html"), "etag": '"a"'}

    def page(req):
        if req.headers.get("if-none-match") == versions["etag"]:
            return Reply(304, b"", {"ETag": versions["etag"]})
        return Reply(200, versions["body"], {"Content-Type": "text/html; charset=utf-8", "ETag": versions["etag"]})

    s.add(JIASHAN, page)
    corpus = Corpus(tmp_path / "corpus")
    try:
        url = s.url(JIASHAN)
        fetch(corpus, [url])
        first = corpus.entries()[0]
        assert fetch(corpus, [url], refresh=True).outcomes[0].status == "unchanged"  # 304
        assert s.hits(JIASHAN)[-1].headers["if-none-match"] == '"a"'
        # only the page around the plan changed (a counter): not a new version
        versions.update(body=versions["body"].replace("浏览次数".encode(), "浏览次数：1024 ".encode()), etag='"b"')
        out = fetch(corpus, [url], refresh=True).outcomes[0]
        assert out.status == "unchanged" and "around the plan" in out.message
        # the plan changed: a new version, the old bytes kept
        versions.update(body=versions["body"].replace("新增学位9000个".encode(), "新增学位12000个".encode()), etag='"c"')
        out = fetch(corpus, [url], refresh=True).outcomes[0]
        assert out.status == "new_version" and "version 2" in out.message
        [entry] = corpus.entries()
        assert entry.id == first.id and entry.file != first.file and b"12000" in corpus.read(entry)
        assert (corpus.root / first.file).read_bytes() == fixture("hanweb_zoom.html")
        assert entry.extra["versions"][0]["sha256"] == first.sha256
        report = build(corpus.root, tmp_path / "kb.sqlite")
        assert report.documents == 1 and not report.failures
        text = sqlite3.connect(tmp_path / "kb.sqlite").execute("SELECT text FROM documents").fetchone()[0]
        assert "新增学位12000个" in text and "新增学位9000个" not in text
    finally:
        s.close()


def test_a_mirror_and_the_official_page_are_one_document(site, corpus, tmp_path):
    mirror, official = site.url(MIRROR, host="localhost"), site.url(TAISHAN)
    report = fetch(corpus, [mirror, official], official_hosts=("127.0.0.1",))
    assert [o.status for o in report.outcomes] == ["added", "second_source"]
    assert "now the one displayed" in report.outcomes[1].message
    [entry] = corpus.entries()
    assert entry.url == official and entry.extra["official"] is True  # the official copy is displayed
    [other] = entry.extra["sources"]
    assert other["final_url"] == mirror and other["official"] is False
    assert (corpus.root / other["file"]).read_bytes() == fixture("mirror_wenku.html")  # both kept
    assert corpus.read(entry) == fixture("trs_ueditor_utf8.html")
    assert corpus.find_url(mirror).id == entry.id
    build(corpus.root, tmp_path / "kb.sqlite")
    row = sqlite3.connect(tmp_path / "kb.sqlite").execute("SELECT url, sources FROM documents").fetchall()
    assert len(row) == 1 and row[0][0] == official
    assert [s["url"] for s in json.loads(row[0][1])] == [official, mirror]
    from kb.documents import show_document
    from kb.store import Store

    shown = show_document(Store(tmp_path / "kb.sqlite"), entry.id)
    assert shown["url"] == official and [(s["url"], s["displayed"]) for s in shown["sources"]] == [
        (official, True), (mirror, False)]


def test_attachments_join_the_plan(site, corpus, tmp_path):
    report = fetch(corpus, [site.url(ENPING)], attachments=True)
    statuses = [o.status for o in report.outcomes]
    assert statuses == ["added", "attachment", "attachment", "attachment", "attachment_skipped", "attachment_skipped"]
    assert not report.failures
    [entry] = corpus.entries()
    kept = [a for a in entry.extra["attachments"] if a.get("file")]
    assert [a["kind"] for a in kept] == ["docx", "xlsx", "pdf"]
    for a in kept:
        assert hashlib.sha256((corpus.root / a["file"]).read_bytes()).hexdigest() == a["sha256"]
    assert "file" not in entry.extra["attachments"][3]  # .doc: link recorded, not read
    db = tmp_path / "kb.sqlite"
    assert not build(corpus.root, db).failures
    conn = sqlite3.connect(db)
    text = conn.execute("SELECT text FROM documents").fetchone()[0]
    assert "附件1\n恩平市义务教育优质均衡发展职责分解表\n序号" in text and "恩平市第三中学扩建工程" in text
    rows = conn.execute("SELECT path, cells FROM clauses WHERE kind = 'table_row' ORDER BY seq").fetchall()
    assert [p for p, _ in rows] == ["附件1/1", "附件1/2", "附件1/3", "附件2/1", "附件2/2"]
    units = conn.execute("SELECT unit, unit_raw FROM responsibilities WHERE clause_path = '附件1/1'").fetchall()
    assert units == [("恩平市教育局", "市教育局"), ("恩平市发展和改革局", "市发展改革局")]  # the 职责分解表 reached the extractor
    lead = conn.execute("SELECT unit, role FROM responsibilities WHERE clause_path = '附件2/1'").fetchall()
    assert lead == [("恩平市教育局", "lead")]  # the 牵头单位 column of the .xlsx 工作清单
    # asked again with --attachments: nothing new is fetched
    again = fetch(corpus, [site.url(ENPING)], attachments=True)
    assert [o.status for o in again.outcomes] == ["skipped", "attachment_skipped", "attachment_skipped"]


def test_every_template_and_encoding_is_built(site, corpus, tmp_path):
    paths = [ENPING, XINXING, TAISHAN, JIASHAN, LONGCHUAN, GOVCN, LUFENG]
    report = fetch(corpus, [site.url(p) for p in paths])
    assert report.count("added") == len(paths) and not report.failures
    db = tmp_path / "kb.sqlite"
    assert not build(corpus.root, db).failures
    rows = dict(sqlite3.connect(db).execute("SELECT url, doc_number FROM documents").fetchall())
    assert rows[site.url(LONGCHUAN)] == "龙府办函〔2023〕17号"  # GBK without any charset
    assert rows[site.url(GOVCN)] == "国办函〔2023〕99号"  # from the UCAP table
    titles = [r[0] for r in sqlite3.connect(db).execute("SELECT title FROM documents")]
    assert "陆丰市推进义务教育优质均衡发展工作方案" in titles  # Big5, converted to simplified


def test_bad_input_gives_one_line_each_and_the_run_goes_on(site, tmp_path):
    corpus_dir = tmp_path / "corpus"
    urls = {
        f"http://127.0.0.1:{free_port()}/a.html": "cannot connect to 127.0.0.1",
        "http://www.policykb-test.invalid/zwgk/t1.html": "cannot resolve the host name www.policykb-test.invalid",
        site.url("/zwgk/missing.html"): "the page does not exist (HTTP 404 Not Found)",
        site.url(PROTECTED): "the page is a login form, not a plan",
        site.url(EMPTY): "the page is empty",
        site.url(HOME): "not an article; use --crawl",
        site.url(SCRIPTED): "no article body found on the page",
        site.url("/private/plan.html"): "robots.txt of",
        "ftp://example.gov.cn/a.html": None,
    }
    r = cli(corpus_dir, "--no-build", *[u for u in urls if u.startswith("http")], site.url(TAISHAN))
    assert r.exit_code == 1 and "Traceback" not in r.output
    err = [ln for ln in r.stderr.splitlines() if ln.startswith("policykb: ")]
    assert len(err) == 8
    for url, words in urls.items():
        if words:
            [line] = [ln for ln in err if ln.startswith(f"policykb: {url}: ")]
            assert words in line, line
    assert f"{site.url(TAISHAN)}: added as 000_" in r.stdout
    assert "fetch: 1 added; 8 failed" in r.stderr
    # nothing half-written: one document, its page and its sidecar
    corpus = Corpus(corpus_dir)
    [entry] = corpus.entries()
    assert sorted(p.name for p in (corpus_dir / "raw").iterdir()) == [f"{entry.id}.html", f"{entry.id}.json"]
    r = cli(corpus_dir, "ftp://example.gov.cn/a.html")
    assert r.exit_code == 1 and "is not an http:// or https:// URL" in r.stderr
    r = cli(corpus_dir)
    assert r.exit_code == 1 and "give the URLs" in r.stderr


def test_a_listing_given_without_crawl_says_so(site, corpus):
    html = "".join(f'<li><a href="/art/2023/1/{i}/art_1_{i}.html">某县关于印发第{i}号工作方案的通知</a></li>' for i in range(1, 9))
    site.page("/col/col99/index.html", f"<html><head><meta charset='utf-8'></head><body><ul>{html}</ul></body></html>".encode())
    out = fetch(corpus, [site.url("/col/col99/index.html")]).outcomes[0]
    assert out.failed and "listing page with 8 article links" in out.message and "--crawl" in out.message


def test_a_failed_manifest_write_leaves_no_files(site, corpus, monkeypatch):
    def broken(self, entries):
        raise OSError("disk full")

    monkeypatch.setattr(Corpus, "save", broken)
    with pytest.raises(OSError):
        fetch(corpus, [site.url(GOVCN)])
    assert not (corpus.root / "raw").exists() or list((corpus.root / "raw").iterdir()) == []


def test_commit_never_overwrites_raw_bytes(corpus):
    corpus.root.joinpath("raw").mkdir(parents=True)
    corpus.root.joinpath("raw", "x.html").write_bytes(b"old")
    with pytest.raises(CorpusError, match="refusing to overwrite"):
        corpus.commit({"raw/y.json": b"{}", "raw/x.html": b"new"}, corpus_entry())
    assert corpus.root.joinpath("raw", "x.html").read_bytes() == b"old"
    assert not corpus.root.joinpath("raw", "y.json").exists()


def corpus_entry():
    from kb.corpus import Entry

    return Entry("000_x", "raw/x.html", "0", 3, "fetched", "text/html", "utf-8")


def test_sources_file_and_fetch_by_source(site, tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "sources.toml").write_text(f"""
[sources.jiashan]
site = "嘉善县人民政府"
region = "嘉善县"
listings = ["{site.url(HANWEB_LISTING)}"]
match = ["教育"]
max_pages = 1
""", encoding="utf-8")
    r = cli(corpus_dir, "--no-build", "--source", "jiashan")
    assert r.exit_code == 0, r.output
    [entry] = Corpus(corpus_dir).entries()
    assert entry.url == site.url(JIASHAN) and (entry.region, entry.region_code) == ("嘉善县", "330421")
    assert entry.extra["source"] == "jiashan"
    r = cli(corpus_dir, "--source", "nowhere")
    assert r.exit_code == 1 and "no source named 'nowhere'" in r.stderr and "known: jiashan" in r.stderr
    (tmp_path / "bad.toml").write_text('[sources.x]\nlistings = ["a"]\n', encoding="utf-8")
    with pytest.raises(SourceError, match="listings must be a list of http"):
        load_sources(tmp_path / "bad.toml")
    for region, words in (("朝阳区", "several regions are called 朝阳区: 110105"), ("不存在县", "no region called 不存在县")):
        (tmp_path / "bad.toml").write_text(f'[sources.x]\nlistings = ["http://a.gov.cn/"]\nregion = "{region}"\n',
                                           encoding="utf-8")
        with pytest.raises(SourceError, match=words):
            load_sources(tmp_path / "bad.toml")


def test_the_bundled_sources_file_is_valid():
    from conftest import CORPUS

    sources = load_sources(CORPUS / "sources.toml")
    assert all(s.listings for s in sources.values())


def test_fetch_then_build_from_the_command_line(site, tmp_path):
    corpus_dir = tmp_path / "corpus"
    r = cli(corpus_dir, site.url(GOVCN))
    assert r.exit_code == 0, r.output
    assert "built" in r.stderr
    r = CliRunner().invoke(main, ["docs", "--json"], env={"POLICYKB_CORPUS": str(corpus_dir),
                                                          "POLICYKB_DB": str(tmp_path / "instance" / "kb.sqlite")})
    [doc] = json.loads(r.stdout)
    assert doc["doc_number"] == "国办函〔2023〕99号" and doc["signed_date"] == "2023-05-12"
    assert doc["issuers"] == ["国务院办公厅"]


def test_concurrent_commits_keep_every_entry(corpus):
    import threading
    from dataclasses import replace

    def add(i):
        corpus.commit({f"raw/{i:03d}_x.html": b"<p>x</p>"}, replace(corpus_entry(), id=f"{i:03d}_x", file=f"raw/{i:03d}_x.html"))

    threads = [threading.Thread(target=add, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(e.id for e in corpus.entries()) == [f"{i:03d}_x" for i in range(12)]


def test_the_official_page_first_then_a_mirror(site, corpus):
    report = fetch(corpus, [site.url(TAISHAN), site.url(MIRROR, host="localhost")], official_hosts=("127.0.0.1",))
    assert [o.status for o in report.outcomes] == ["added", "second_source"]
    assert "displayed" not in report.outcomes[1].message
    [entry] = corpus.entries()
    assert entry.url == site.url(TAISHAN) and entry.extra["sources"][0]["final_url"] == site.url(MIRROR, host="localhost")


def test_a_fetched_copy_of_an_imported_plan_is_a_second_source(site, tmp_path):
    import shutil

    from conftest import CORPUS, SEEDS, seed_raw

    shutil.copytree(CORPUS, tmp_path / "corpus")
    corpus = Corpus(tmp_path / "corpus")
    lines = "".join(f"<p>{ln}</p>" for ln in seed_raw("004").splitlines() if ln.strip())
    html = f"<html><head><meta charset='utf-8'></head><body><div class='TRS_Editor'>{lines}</div></body></html>"
    site.page("/copy/t20230101_4.html", html.encode("utf-8"), "text/html; charset=utf-8")
    report = fetch(corpus, [site.url("/copy/t20230101_4.html")], official_hosts=("127.0.0.1",))
    [out] = report.outcomes
    assert out.status == "second_source" and out.doc_id == SEEDS["004"]
    entry = next(e for e in corpus.entries() if e.id == SEEDS["004"])
    assert entry.origin == "fetched" and entry.url == site.url("/copy/t20230101_4.html")  # the official copy is shown
    assert entry.extra["sources"][0]["origin"] == "saved_web_page_text"  # the saved text is kept as a source
    assert len(corpus.entries()) == 5


def test_a_plan_published_as_a_document(site, corpus, tmp_path):
    from kb.worddoc import write_table_document
    from scrape_support import DUTIES_HEADER, DUTIES_ROWS

    plan = write_table_document("恩平市义务教育优质均衡发展工作方案", DUTIES_HEADER, DUTIES_ROWS,
                                notes=["为加快推进我市义务教育优质均衡发展，结合实际，制定本方案。", "一、工作任务"])
    site.page("/enping/zwgk/zfwj/202303/P020230301000001.docx", plan, "application/octet-stream")
    report = fetch(corpus, [site.url("/enping/zwgk/zfwj/202303/P020230301000001.docx"),
                            site.url("/enping/zwgk/zfwj/202303/P020230301556612352233.doc")])
    assert [o.status for o in report.outcomes] == ["added", "failed"]
    assert "a .doc file, which policykb cannot read" in report.outcomes[1].message
    [entry] = corpus.entries()
    assert entry.media_type.endswith("wordprocessingml.document") and entry.file.endswith(".docx")
    assert corpus.read(entry) == plan
    assert not build(corpus.root, tmp_path / "kb.sqlite").failures
    conn = sqlite3.connect(tmp_path / "kb.sqlite")
    title, text = conn.execute("SELECT title, text FROM documents").fetchone()
    assert title == "恩平市义务教育优质均衡发展工作方案"
    assert "一、工作任务\n序号\n工作任务\n责任单位\n完成时限\n1\n新建、改扩建中小学校6所" in text
