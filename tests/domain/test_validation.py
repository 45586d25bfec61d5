"""Every validation rule: errors refuse, warnings inform; the toy pathway has neither."""

import pytest

from pathways.validation import validate_document
from tests.factories import make_document, make_edge, make_qualification, make_role, toy_document


def codes(findings):
    return sorted({f.code for f in findings})


def entry():
    return make_role("volunteer", family="entry_routes")


def test_the_toy_pathway_is_clean():
    report = validate_document(toy_document())
    assert report.ok and not report.errors and not report.warnings


@pytest.mark.parametrize("edge, code", [
    (make_edge("volunteer", "ghost"), "dangling"),
    (make_edge("ghost", "volunteer"), "dangling"),
    (make_edge("volunteer", "top", requires=["ghost"]), "dangling"),
    (make_edge("volunteer", "top", requires=["volunteer"]), "impossible-prerequisite"),
    (make_edge("volunteer", "top", cost_gbp=100), "funding"),
    (make_edge("volunteer", "top", kind="study"), "kind"),
    (make_edge("volunteer", "volunteer"), "self-loop"),
])
def test_edge_errors(edge, code):
    doc = make_document([entry(), make_role("top", top_of_ladder=True)], [edge])
    report = validate_document(doc)
    assert code in codes(report.errors)
    assert not report.ok


def test_a_qualification_cannot_lead_to_a_qualification():
    doc = make_document(
        [entry(), make_qualification("a"), make_qualification("b"),
         make_role("top", top_of_ladder=True)],
        [make_edge("volunteer", "a"), make_edge("a", "b"), make_edge("b", "top")])
    assert "shape" in codes(validate_document(doc).errors)


def test_a_requirement_nobody_can_earn_is_impossible():
    doc = make_document(
        [entry(), make_qualification("unobtainable"), make_role("top", top_of_ladder=True)],
        [make_edge("volunteer", "top", requires=["unobtainable"])])
    errors = validate_document(doc).errors
    assert [f.code for f in errors] == ["impossible-prerequisite"]
    assert "nobody can earn it" in errors[0].message


def test_a_qualification_that_needs_itself_is_impossible():
    doc = make_document(
        [entry(), make_qualification("q"), make_role("top", top_of_ladder=True)],
        [make_edge("volunteer", "q", requires=["q"]), make_edge("q", "top")])
    assert "impossible-prerequisite" in codes(validate_document(doc).errors)


def test_cycles_among_qualification_prerequisites_are_errors():
    doc = make_document(
        [entry(), make_qualification("a"), make_qualification("b"),
         make_role("top", top_of_ladder=True)],
        [make_edge("volunteer", "a", requires=["b"]), make_edge("volunteer", "b", requires=["a"]),
         make_edge("a", "top"), make_edge("b", "top")])
    errors = validate_document(doc).errors
    assert codes(errors) == ["prerequisite-cycle"]
    assert "a -> b" in errors[0].where


def test_an_alternative_way_in_breaks_a_prerequisite_cycle():
    doc = make_document(
        [entry(), make_role("worker"), make_qualification("a"), make_qualification("b"),
         make_role("top", top_of_ladder=True)],
        [make_edge("volunteer", "a", requires=["b"]), make_edge("volunteer", "b", requires=["a"]),
         make_edge("volunteer", "worker"), make_edge("worker", "a"),
         make_edge("a", "top"), make_edge("b", "top")])
    assert validate_document(doc).ok


def test_pay_range_must_be_in_order():
    doc = make_document([make_role("volunteer", family="entry_routes", pay_min_gbp=30000,
                                   pay_max_gbp=20000, top_of_ladder=True)], [])
    assert codes(validate_document(doc).errors) == ["pay-range"]


def test_moves_between_roles_may_form_cycles():
    doc = make_document(
        [entry(), make_role("a", top_of_ladder=True), make_role("b")],
        [make_edge("volunteer", "a"), make_edge("a", "b", kind="sideways"),
         make_edge("b", "a", kind="sideways")])
    assert validate_document(doc).ok


def test_quality_warnings_do_not_refuse():
    doc = make_document(
        [entry(), make_role("island", top_of_ladder=True), make_role("stuck"),
         make_qualification("lonely")],
        [make_edge("volunteer", "stuck")])
    report = validate_document(doc)
    assert report.ok
    assert codes(report.warnings) == ["cannot-start", "dead-end", "leads-nowhere", "unreachable"]
    assert {f.where for f in report.warnings if f.code == "unreachable"} == {"role island"}
    assert {f.where for f in report.warnings if f.code == "dead-end"} == {"role stuck"}


def test_a_graph_without_entry_routes_is_warned_about():
    doc = make_document([make_role("a", top_of_ladder=True)], [])
    assert codes(validate_document(doc).warnings) == ["no-entry-routes"]
