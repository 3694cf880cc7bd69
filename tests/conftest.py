import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"

SEEDS = {
    "000": "000_e4a5ec15abd1b800",
    "001": "001_91afd17e9ab3f615",
    "002": "002_e274b2bdfab407bc",
    "003": "003_66ff4e83a62757c1",
    "004": "004_c81074ac4f7e7545",
}


def seed_raw(short: str) -> str:
    return (CORPUS / "raw" / f"{SEEDS[short]}.txt").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def seed_norm(short: str):
    from kb.normalise import normalise

    return normalise(seed_raw(short))


@pytest.fixture(scope="session")
def norm():
    return seed_norm


@pytest.fixture(scope="session")
def compare_kb_dir(tmp_path_factory):
    """The seed corpus plus the two constructed plans of tests/data/compare/ (四川, 浙江), built and
    indexed once: the comparisons and exports of test_compare.py and test_export_safety.py."""
    import shutil

    from kb.corpus import Corpus
    from kb.search.engines import build_index
    from kb.pipeline import build

    tmp = tmp_path_factory.mktemp("compare")
    shutil.copytree(CORPUS, tmp / "corpus")
    corpus = Corpus(tmp / "corpus")
    for name in ("pidu.txt", "anji.txt"):
        corpus.add_bytes((DATA / "compare" / name).read_bytes(), source_name=name)
    db = tmp / "instance" / "kb.sqlite"
    build(tmp / "corpus", db)
    build_index(db, tmp / "instance" / "index")
    return tmp
