"""Measured extraction quality on the project's gold, pinned with floors.

The same numbers are printed by scripts/eval_extraction.py.
"""
import json

import pytest

from kb.evaluate import evaluate
from conftest import CORPUS, DATA

WHOLE_TARGET_F1 = 0.90
UNIT_ASSIGNMENT_F1 = 0.95


@pytest.fixture(scope="module")
def report():
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    return evaluate(gold, CORPUS)


def test_every_gold_span_is_found(report):
    assert report.missing == []
    assert report.clauses >= 100


def test_whole_target_f1_floor(report):
    c = report.fields["whole_target"]
    assert c.n_gold >= 150
    assert c.f1 >= WHOLE_TARGET_F1, f"whole-target F1 {c.f1:.3f} (P {c.precision:.3f}, R {c.recall:.3f})"


def test_unit_assignment_f1_floor(report):
    c = report.fields["unit_assignment"]
    assert c.n_gold >= 100
    assert c.f1 >= UNIT_ASSIGNMENT_F1, f"unit-assignment F1 {c.f1:.3f} (P {c.precision:.3f}, R {c.recall:.3f})"


@pytest.mark.parametrize("field", ["indicator", "value", "unit", "comparator", "stage", "deadline"])
def test_field_floors(report, field):
    assert report.fields[field].f1 >= 0.90, report.fields[field]


def test_negatives_yield_no_targets(report):
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    negatives = {c["id"] for c in gold["clauses"] if not c["targets"]}
    assert len(negatives) >= 20
    bad = [line for cid, line in report.errors if cid in negatives and line.startswith("targets")]
    assert len(bad) <= 1, bad


def test_held_out_set_is_measured_and_does_not_regress():
    """tests/data/gold-heldout.json: 49 clauses in other regions' styles, labelled without looking at the
    extractor.  Its scores are the honest ones (the main gold was used while developing); the floors sit a
    little under the first measurement (whole-target F1 .814, unit assignment .793) to catch regressions."""
    gold = json.loads((DATA / "gold-heldout.json").read_text(encoding="utf-8"))
    held = evaluate(gold, CORPUS)
    assert held.clauses == len(gold["clauses"]) >= 40
    assert held.fields["whole_target"].f1 >= 0.81
    assert held.fields["unit_assignment"].f1 >= 0.75


# (gold set, whole-target floor, unit-assignment floor): a little under what the rules reach now.
# Development sets were each measured once before any rule saw them (blind): forms 2 0.629 / 0.935,
# forms 3 0.741 / 0.944, forms 4 0.712 / 0.930, forms 5 0.641 / 0.895, forms 6 0.613 / 0.798, forms 7 0.816 /
# 0.892 (again 0.816 when measured a second time, before its errors were read), forms 8 0.710 / 0.927,
# forms 9 0.750 / 0.676 (measured twice before its errors were read, at the start and at the end of
# the 2026-12-03 rule round: the same figures both times; then rules were written for it), forms 10 0.496 /
# 0.908 (s documents, measured once before its errors were read).  The held-out set
# was never read while writing rules (0.453 / 0.680 when issue 11 started, 0.615 / 0.949 at the end of that
# session); since then a helper audited its errors into shape categories with fresh examples (no held-out text),
# so it is no longer blind.
FORMS_FLOORS = (("gold-forms.json", 0.95, 0.99), ("gold-forms-2.json", 0.92, 0.99), ("gold-forms-3.json", 0.90, 0.96),
                ("gold-forms-4.json", 0.90, 0.98), ("gold-forms-5.json", 0.87, 0.98), ("gold-forms-6.json", 0.88, 0.97),
                ("gold-forms-7.json", 0.90, 0.97), ("gold-forms-8.json", 0.89, 0.94),
                ("gold-forms-9.json", 0.88, 0.97), ("gold-forms-10.json", 0.78, 0.94),
                ("gold-forms-heldout.json", 0.92, 0.98))
# (gold set, indicator-id floor): of the targets found, the share whose id (national or local family) is the gold's
ID_FLOORS = {"gold-forms.json": 0.95, "gold-forms-2.json": 0.96, "gold-forms-3.json": 0.95, "gold-forms-4.json": 0.95,
             "gold-forms-5.json": 0.95, "gold-forms-6.json": 0.96, "gold-forms-7.json": 0.93, "gold-forms-8.json": 0.93,
             "gold-forms-9.json": 0.93, "gold-forms-10.json": 0.88, "gold-forms-heldout.json": 0.97}


@pytest.fixture(scope="module")
def forms_reports():
    """Every constructed-forms gold set, evaluated once for the tests below."""
    out = {}
    for name, _, _ in FORMS_FLOORS:
        path = DATA / name
        gold = json.loads(path.read_text(encoding="utf-8"))
        out[name] = (gold, evaluate(gold, CORPUS, path))
    return out


@pytest.mark.parametrize("name, whole, units", FORMS_FLOORS)
def test_constructed_real_forms_are_measured_and_do_not_regress(forms_reports, name, whole, units):
    """Constructed documents in the forms real plans take (tests/data/FORMS.md), labelled blind to the
    rules; see FORMS_FLOORS."""
    gold, report = forms_reports[name]
    assert report.clauses == len(gold["clauses"]), (name, report.missing)
    assert report.fields["whole_target"].f1 >= whole, (name, report.fields["whole_target"])
    assert report.fields["unit_assignment"].f1 >= units, (name, report.fields["unit_assignment"])


def test_indicator_mapping_is_measured(forms_reports):
    for name, floor in ID_FLOORS.items():
        report = forms_reports[name][1]
        assert report.fields["indicator_id"].f1 >= floor, (name, report.fields["indicator_id"])


def test_issue_11_goals_hold_on_the_constructed_forms_as_a_whole(forms_reports):
    """Issue 11: whole-target F1 and unit F1 >= 0.90 on the new forms, indicator ids right for >= 95 % —
    on every forms set pooled (each labelled target weighs the same).  The single blind sets still start
    lower (forms 10 at 0.50 on first sight): see the per-set floors."""
    from kb.evaluate import pooled
    assert set(ID_FLOORS) == {name for name, _, _ in FORMS_FLOORS}
    all_forms = pooled(report for _, report in forms_reports.values())
    assert all_forms.fields["whole_target"].n_gold >= 2000
    assert all_forms.fields["whole_target"].f1 >= 0.90, all_forms.fields["whole_target"]
    assert all_forms.fields["unit_assignment"].f1 >= 0.97, all_forms.fields["unit_assignment"]
    assert all_forms.fields["indicator_id"].f1 >= 0.95, all_forms.fields["indicator_id"]


def test_a_gold_path_may_leave_out_a_table_category():
    from kb.evaluate import _on_path
    assert _on_path(("附件", "资源配置", "1"), ["附件", "1"])
    assert _on_path(("三", "(二)", "1"), ["三", "(二)"])  # under the gold's clause
    assert not _on_path(("附件", "资源配置", "2"), ["附件", "1"])
    assert not _on_path(("二", "1"), ["附件", "1"])


def test_a_gold_span_is_located_on_its_path_then_by_its_last_token():
    from kb.evaluate import _locate
    from kb.models import Clause

    text = "一、基础\n入园率89%。\n二、目标\n入园率\n92\n附件\n入园率\n95"
    prose, row, annex = 5, text.find("入园率", 6), text.rfind("入园率")
    clauses = (Clause(("一",), "基础", 0, 12, "heading"), Clause(("二", "1"), "", row, row + 6, "table_row"),
               Clause(("附件", "1"), "", annex, annex + 6, "table_row"))
    assert _locate(text, "入园率", clauses, ["附件", "1"]) == annex  # on the gold path
    assert _locate(text, "入园率", clauses[:2], ["附件", "1"]) == row  # row 1 of a table filed elsewhere in the tree
    assert _locate(text, "入园率", clauses[:2], ["三"]) == prose  # neither: the first occurrence


def test_most_seed_targets_carry_a_national_or_family_id():
    """Issue 11: at least 90 % of the seed plans' targets and standards carry a taxonomy or family id
    (milestones measure no indicator and baselines are never compared)."""
    from kb.corpus import Corpus
    from kb.pipeline import process

    corpus = Corpus(CORPUS)
    found = [t for e in corpus.entries() for t in process(e, corpus.read(e)).targets if t.kind in ("target", "standard")]
    assert len(found) >= 200
    share = sum(1 for t in found if t.indicator_id) / len(found)
    assert share >= 0.93, share
