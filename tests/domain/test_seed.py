"""The seed: the real pathway of English adult social care, valid and true to the reference data."""

import csv
from pathlib import Path

import pytest

import seed
from pathways.document import complete_document
from pathways.interchange.readers import read_graph
from pathways.options import make_options
from pathways.routes import routes_between
from pathways.snapshot import graph_from_document
from pathways.validation import validate_document
from pathways.vocabulary import CWP_CATEGORIES

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "domain" / "reference"


@pytest.fixture(scope="module")
def document():
    return complete_document(read_graph(seed.PATHWAY_DIR))


@pytest.fixture(scope="module")
def G(document):
    return graph_from_document(document)


def test_the_seed_has_no_errors_and_no_warnings(document):
    report = validate_document(document)
    assert report.errors == [] and report.warnings == []


def test_the_seed_is_big_enough_and_covers_the_care_workforce_pathway(document):
    roles = [n for n in document.nodes.values() if n["kind"] == "role"]
    qualifications = [n for n in document.nodes.values() if n["kind"] == "qualification"]
    assert len(roles) >= 40 and len(qualifications) >= 25
    assert {r["cwp_category"] for r in roles} >= set(CWP_CATEGORIES)
    entry = {r["id"] for r in roles if r["family"] == "entry_routes"}
    assert {"volunteer", "work-experience-placement", "supported-internship",
            "care-leaver"} <= entry


def test_every_figure_says_where_it_comes_from(document):
    for node in document.nodes.values():
        assert node["citation"], node["id"]
        if node.get("pay_min_gbp"):
            assert "typical" in node["note"].lower(), node["id"]


@pytest.mark.parametrize("source, target, through", [
    ("care-worker", "social-worker", "social-work-degree-apprenticeship"),
    ("ot-support-worker", "occupational-therapist", "ot-degree-apprenticeship"),
    ("healthcare-support-worker", "registered-nurse-care-home",
     "registered-nurse-degree-apprenticeship"),
    ("care-worker", "registered-manager", None),
    ("volunteer", "principal-social-worker", None),
])
def test_the_real_routes_exist(G, source, target, through):
    routes = routes_between(G, source, target, make_options(G, k=5, earn_while_learning=True))
    assert routes
    if through:
        assert any(through in r.path for r in routes)


@pytest.mark.skipif(not (REFERENCE / "apprenticeship_standards.csv").is_file(),
                    reason="the shared reference data is not beside the checkout")
def test_apprenticeships_match_the_published_standards(document):
    with (REFERENCE / "apprenticeship_standards.csv").open(newline="") as handle:
        standards = {row["referenceCode"]: row for row in csv.DictReader(handle)}
    apprenticeships = [n for n in document.nodes.values() if n.get("standard_code")]
    assert len(apprenticeships) >= 10
    for node in apprenticeships:
        standard = standards[node["standard_code"]]
        assert node["level"] == int(standard["level"]), node["id"]
        assert standard["status"] != "Retired", node["id"]
        band = standard["fundingBand_gbp"]
        assert node["funding_band_gbp"] == (int(band) if band else None), node["id"]
        assert node["duration_months"] == int(standard["typicalDuration"].split()[0]), node["id"]


def test_seed_loads_into_the_database_and_reloads_without_changes(session):
    first = seed.load_pathway(session)
    session.commit()
    assert first.created > 300 and not first.warnings
    again = seed.load_pathway(session)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert not seed.graph_is_empty(session)
