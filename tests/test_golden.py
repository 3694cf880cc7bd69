"""The seed plans against their golden files (regenerate: scripts/update_golden.py)."""
import pytest

from kb.corpus import Corpus
from kb.golden import GOLDEN_DIR, render_golden
from conftest import CORPUS, ROOT, SEEDS


@pytest.mark.parametrize("doc_id", list(SEEDS.values()))
def test_seed_matches_golden_files(doc_id):
    corpus = Corpus(CORPUS)
    entry = next(e for e in corpus.entries() if e.id == doc_id)
    rendered = render_golden(entry, corpus.read(entry))
    assert len(rendered) == 3
    for name, content in rendered.items():
        golden = (ROOT / GOLDEN_DIR / name).read_text(encoding="utf-8")
        assert content == golden, f"{name} differs from its golden file; if intended, run scripts/update_golden.py and review the diff"
