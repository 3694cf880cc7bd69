"""Extraction never crashes and never points outside the text (property-based)."""
from hypothesis import HealthCheck, given, settings, strategies as st

from kb.facts import extract_facts

from kb.structure import parse_clauses
from conftest import seed_norm

REAL_LINES = [ln for short in ("000", "001", "002", "003", "004") for ln in seed_norm(short).text.split("\n") if ln.strip()]
ALPHABET = "0123456789.%:、,;。()年月日到前起以上下不低于超过达到分别均万元人个所平方米生每学期小学初中幼儿园市县区局委办牵头责任单位负责会同一二三四五六七八九十是"


def check(text: str) -> None:
    clauses = parse_clauses(text)
    targets, units = extract_facts(text, clauses, None)
    for t in targets:
        assert 0 <= t.span.start <= t.span.end <= len(text)
        assert text[t.span.start:t.span.end] == t.span.text
        if t.deadline and t.deadline.span:
            assert 0 <= t.deadline.span[0] <= t.deadline.span[1] <= len(text)
        values = t.value if isinstance(t.value, tuple) else (t.value,)
        assert all(v is None or v == v and abs(v) != float("inf") for v in values)
    for u in units:
        assert 0 <= u.span.start <= u.span.end <= len(text)
        assert text[u.span.start:u.span.end] == u.span.text
        if u.task_span:
            assert 0 <= u.task_span[0] <= u.task_span[1] <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_random_text(text):
    check(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REAL_LINES), max_size=12), st.data())
def test_mutated_real_clauses(lines, data):
    text = "\n".join(lines)
    for _ in range(data.draw(st.integers(0, 6))):
        if not text:
            break
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["insert", "delete", "swap"]))
        if op == "insert":
            text = text[:i] + data.draw(st.text(alphabet=ALPHABET, min_size=1, max_size=4)) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + data.draw(st.integers(1, 5)):]
        else:
            text = text[i:] + text[:i]
    check(text)


def test_no_paragraph_of_the_constructed_forms_raises(caplog):
    """Extraction catches an exception per paragraph so that one bad line never stops a document; that must
    not hide a bug. On every constructed document no paragraph, cell or clause may raise."""
    import logging
    from pathlib import Path

    from kb.evaluate import process_file
    forms = sorted((Path(__file__).parent / "data" / "forms").glob("*"))
    assert len(forms) >= 60
    with caplog.at_level(logging.DEBUG, logger="kb"):
        for path in forms:
            process_file(path)
    raised = [(r.name, r.getMessage()[:80]) for r in caplog.records if r.exc_info]
    assert raised == []
