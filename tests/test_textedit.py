"""The edit log maps normalised spans back to the raw text and forward again."""
from hypothesis import given, strategies as st

from kb.textedit import Edit, EditLog, apply, coalesce


def test_apply_and_map_back_simple():
    log = EditLog()
    raw = "內(nèi)容 and 區(qū)域"
    text = log.run(raw, "pinyin", [Edit(1, 6, "", "pinyin"), Edit(13, 17, "", "pinyin")])
    assert text == "內容 and 區域"
    text2 = log.run(text, "t2s", [Edit(0, 1, "内", "t2s"), Edit(7, 8, "区", "t2s")])
    assert text2 == "内容 and 区域"
    # the span 内容 maps back to 內(nèi)容 in the raw text
    a, b = log.to_raw(0, 2)
    assert raw[a:b] == "內(nèi)容"
    a, b = log.to_raw(7, 9)
    assert raw[a:b] == "區(qū)域"
    # and the raw 容 maps forward to the normalised 容
    assert log.forward(6, 7, since=0) == (1, 2)


def test_coalesce_merges_touching_edits_of_one_reason():
    edits = coalesce([Edit(2, 3, "b", "x"), Edit(0, 1, "a", "x"), Edit(1, 2, "c", "x")])
    assert edits == [Edit(0, 3, "acb", "x")]


def test_json_round_trip():
    log = EditLog()
    log.run("abcdef", "s1", [Edit(1, 3, "X", "r")])
    again = EditLog.from_json(log.to_json())
    assert again.to_raw(0, 3) == log.to_raw(0, 3)


@st.composite
def text_and_edits(draw):
    text = draw(st.text(alphabet="abc內容區域 \n", min_size=0, max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        if edits and a < edits[-1].end:
            continue
        edits.append(Edit(a, b, draw(st.text(alphabet="xyz", max_size=3)), draw(st.sampled_from("pq"))))
    return text, edits


@given(text_and_edits())
def test_mapping_stays_in_bounds_and_unchanged_text_maps_exactly(case):
    raw, edits = case
    log = EditLog()
    out = log.run(raw, "s", edits)
    assert out == apply(raw, coalesce(edits))
    for i in range(len(out) + 1):
        for j in range(i, len(out) + 1):
            a, b = log.to_raw(i, j)
            assert 0 <= a <= b <= len(raw)
    # a character outside every edit maps back to itself
    touched = set()
    for e in coalesce(edits):
        touched.update(range(e.start, e.end))
    for pos in range(len(raw)):
        if pos in touched or any(e.start == pos and e.start == e.end for e in edits):
            continue
        s, e = log.forward(pos, pos + 1, since=0)
        if e - s == 1:
            assert out[s] == raw[pos]
            assert log.to_raw(s, e) == (pos, pos + 1)
