"""The search index: one entry per clause in either engine, atomic rebuild; the Whoosh engine is a Whoosh index alone."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kb.search import engines as kbindex
from kb.search import whoosh_engine
from kb.pipeline import build
from kb.search import SearchQuery, search
from kb.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The seed knowledge base indexed by the Whoosh engine (whose postings the tests below read)."""
    tmp = tmp_path_factory.mktemp("idx")
    db = tmp / "kb.sqlite"
    build(ROOT / "corpus", db)
    report = kbindex.build_index(db, tmp / "index", processes=2, engine="whoosh")
    return db, tmp / "index", report


@pytest.mark.parametrize("engine", kbindex.ENGINES)
def test_one_entry_per_clause(built, tmp_path, engine):
    db = built[0]
    report = kbindex.build_index(db, tmp_path / "kb.index", processes=2, engine=engine)
    store = Store(db)
    clauses = [(d, i) for d in store.document_ids() for i, _ in enumerate(store.clauses(d))]
    ix = kbindex.open_index(tmp_path / "kb.index")
    assert report.clauses == len(clauses) == len(ix) and ix.engine == report.engine == engine
    assert report.documents == len(store.document_ids())
    assert report.bytes > 0 and not list(tmp_path.glob("kb.index.new-*"))
    assert (tmp_path / "kb.index" / "engine").read_text().strip() == engine


def test_the_index_lives_beside_its_knowledge_base(tmp_path):
    assert kbindex.index_dir_for(tmp_path / "kb.sqlite") == tmp_path / "kb.index"
    assert kbindex.index_dir_for(tmp_path / "other.sqlite") == tmp_path / "other.index"


def test_an_unknown_engine_is_a_clear_error(built, tmp_path):
    with pytest.raises(kbindex.UnknownEngine, match="unknown search engine"):
        kbindex.build_index(built[0], tmp_path / "x", engine="lucene")


def test_the_whoosh_engine_is_a_whoosh_index_alone(built):
    """No side postings: every file of the Whoosh index directory is Whoosh's own, the engine marker,
    the generation file or the documents' display data."""
    _, index_dir, _ = built
    names = {p.name for p in index_dir.iterdir()}
    assert not any(n.endswith(".pickle") for n in names)
    assert {"engine", "generation", "documents.json"} <= names and any(n.endswith(".seg") or n.startswith("MAIN")
                                                                         or n.endswith(".toc") for n in names)


def test_stored_records(built):
    db, index_dir, _ = built
    store = Store(db)
    ix = kbindex.open_index(index_dir)
    from kb.search.plan import Plan
    rec, _ = ix.count_and_page(Plan(terms=("完善控辍保学",)), 1, 1)[1][0]
    clause = store.clauses(rec["doc_id"])[rec["seq"]]
    assert rec["text"] == clause["text"] and (rec["start"], rec["end"]) == (clause["start"], clause["end"])
    assert rec["region"] == {"code": "445281", "name": "普宁市", "level": "county"}
    assert rec["doc_number"] == "普府办〔2022〕22号"
    assert rec["title"] == "普宁市推动义务教育优质均衡发展行动方案"


def test_gram_tokenizer_positions_and_offsets():
    text = "师生 比"
    toks = [(t.text, t.pos, t.startchar, t.endchar)
            for t in whoosh_engine.GramTokenizer(2)(text, positions=True, chars=True)]
    assert toks == [("师生", 0, 0, 2), ("生␣", 1, 1, 3), ("␣比", 2, 2, 4)]
    assert [t.text for t in whoosh_engine.GramTokenizer(1)("师生")] == ["师", "生"]


def test_tokenizer_positions_and_offsets():
    text = "推进县管校聘改革"
    toks = [(t.text, t.pos, t.startchar, t.endchar) for t in whoosh_engine.WordTokenizer()(text, positions=True, chars=True)]
    assert [p for _, p, _, _ in toks] == list(range(len(toks)))
    assert all(text[s:e] == w for w, _, s, e in toks)


@pytest.mark.parametrize("engine", kbindex.ENGINES)
def test_rebuild_swaps_atomically_and_searches_keep_working(built, tmp_path, engine):
    db = built[0]
    index_dir = tmp_path / "index"
    kbindex.build_index(db, index_dir, processes=1, engine=engine)
    store = Store(db)
    q = SearchQuery("控辍保学")
    expected = search(index_dir, store, q)["total"]
    old_generation = kbindex.open_index(index_dir).generation
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()

    def searching():
        while not stop.is_set():
            try:
                totals.append(search(index_dir, store, q)["total"])
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                errors.append(exc)
            time.sleep(0.002)

    threads = [threading.Thread(target=searching) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        kbindex.build_index(db, index_dir, processes=2, engine=engine)
        kbindex.build_index(db, index_dir, processes=1, engine=engine)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert totals and set(totals) == {expected}
    assert kbindex.open_index(index_dir).generation != old_generation
    leftovers = [p.name for p in index_dir.parent.iterdir() if p.name.startswith("index.")]
    assert leftovers == []


def test_missing_index(tmp_path):
    with pytest.raises(kbindex.IndexMissing):
        kbindex.open_index(tmp_path / "nothing")


@pytest.mark.parametrize("library, owner", [("whoosh", "whoosh_engine.py"), ("tantivy", "tantivy_engine.py")])
def test_each_engine_library_is_imported_by_its_engine_module_only(library, owner):
    root = Path(kbindex.__file__).parent.parent
    users = sorted(p.name for p in root.rglob("*.py")
                   if f"from {library}" in p.read_text(encoding="utf-8") or f"import {library}" in p.read_text(encoding="utf-8"))
    assert users == [owner]


def test_an_index_of_another_layout_asks_for_a_rebuild(built, tmp_path):
    """A tantivy index written by another version (its fields mean something else) is refused at once
    with the command that fixes it, by the CLI too; a rebuild answers again."""
    import shutil

    from click.testing import CliRunner

    from kb.cli import main as cli

    db = tmp_path / "kb.sqlite"
    shutil.copy(built[0], db)
    index = kbindex.index_dir_for(db)
    kbindex.build_index(db, index, processes=1, engine="tantivy")
    (index / "format").write_text("1\n", encoding="ascii")
    (index / "generation").write_text((index / "generation").read_text())  # a new token: not the cached reader
    started = time.perf_counter()
    with pytest.raises(kbindex.IndexOutdated, match="policykb build"):
        kbindex.open_index(index)
    assert time.perf_counter() - started < 1.0  # not retried as if a swap were under way
    result = CliRunner().invoke(cli, ["search", "教师", "--db", str(db)])
    assert result.exit_code != 0 and "policykb build" in result.output and "Traceback" not in result.output
    kbindex.build_index(db, index, processes=1, engine="tantivy")
    assert search(index, Store(db), SearchQuery("教师"))["total"] > 0
