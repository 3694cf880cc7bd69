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
