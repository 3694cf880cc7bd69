"""kb.segment: the project's own jieba tokenizer and user dictionary."""
from __future__ import annotations

import pytest

from kb import segment


@pytest.mark.parametrize("term", ["控辍保学", "师生比", "送教上门", "县管校聘", "集团化办学", "交流轮岗", "随迁子女",
                                  "大班额", "普惠性民办园", "课后服务", "五育并举"])
def test_policy_terms_come_out_whole(term):
    text = f"各地要进一步做好{term}工作。"
    assert term in segment.words(text)


def test_user_dictionary_has_taxonomy_and_unit_names():
    words = set(segment.user_words())
    assert {"控辍保学", "师生比", "县管校聘"} <= words
    assert "发改局" in words  # a unit alias
    assert all(2 <= len(w) <= 8 for w in words)
    assert segment.userdict_text().splitlines()[0].split()[1].isdigit()


def test_offsets_are_character_offsets():
    text = "全面落实中小学教师“县管校聘”管理体制, 师生比达1:16。"
    toks = segment.tokens(text)
    assert toks, "no tokens"
    for word, start, end in toks:
        assert text[start:end] == word
    assert all(not w.isspace() for w, _, _ in toks)
    assert [w for w, _, _ in toks if w in ("县管校聘", "师生比")] == ["县管校聘", "师生比"]


def test_index_tokens_include_sub_words_with_offsets():
    text = "推进义务教育优质均衡发展"
    toks = segment.index_tokens(text)
    for word, start, end in toks:
        assert text[start:end] == word
    assert {"义务教育", "优质均衡"} <= {w for w, _, _ in toks}


def test_jieba_is_imported_only_here():
    from pathlib import Path

    root = Path(segment.__file__).parent
    for library in ("import jieba", "import rjieba"):
        users = [p.name for p in root.rglob("*.py") if library in p.read_text(encoding="utf-8")]
        assert users == ["segment.py"]


@pytest.mark.parametrize("text", ["推进义务教育优质均衡发展", "全面落实中小学教师“县管校聘”管理体制, 师生比达1:16。",
                                  "  2025年，Ｇ毛入园率达到90%以上；ABC-教育 x_y\t控辍保学。。", "", "，，"])
def test_index_words_match_index_tokens(text):
    expected = [w.lower() for w, _, _ in segment.index_tokens(text)]
    assert segment.index_words(text) == expected
    assert segment.index_words(text) == expected  # memoised


def test_rjieba_cuts_the_seed_plans_as_jieba_does():
    """rjieba indexes by default when installed: with the same user dictionary its cuts (search mode, no
    HMM) must be jieba's, clause for clause, on the seed plans."""
    pytest.importorskip("rjieba")
    from pathlib import Path

    texts = []  # every line of every seed plan (the clauses and more)
    for path in sorted((Path(__file__).resolve().parent.parent / "corpus" / "raw").glob("*.txt")):
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 300
    fast, slow = segment._get("rjieba"), segment._get("jieba")
    differ = [t for t in texts if fast.tokenize(t, mode="search", HMM=False) != list(slow.tokenize(t, mode="search", HMM=False))]
    assert differ == []
