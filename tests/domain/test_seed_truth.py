"""The seed's facts, each pinned with its source (issue 12: "The seed has errors")."""

import re
from pathlib import Path

import pytest

import seed
from pathways.document import complete_document
from pathways.interchange.readers import read_graph
from pathways.options import make_options
from pathways.routes import routes_between
from pathways.snapshot import graph_from_document

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "domain" / "reference"
SOURCES = (Path(seed.PATHWAY_DIR).parent / "SOURCES.md").read_text()


@pytest.fixture(scope="module")
def document():
    return complete_document(read_graph(seed.PATHWAY_DIR))


@pytest.fixture(scope="module")
def nodes(document):
    return document.nodes


@pytest.fixture(scope="module")
def edges(document):
    return document.edges


@pytest.fixture(scope="module")
def G(document):
    return graph_from_document(document)


def test_the_care_certificate_has_16_standards_since_march_2025(nodes):
    care_certificate = nodes["care-certificate"]
    assert "16 standards" in care_certificate["description"]
    assert "15 standards" not in care_certificate["description"].replace("15 before", "")
    assert "2025" in care_certificate["citation"]
    assert "16 standards since March 2025" in SOURCES


@pytest.mark.skipif(not (REFERENCE / "care_certificate_standards.md").is_file(),
                    reason="the shared reference data is not beside the checkout")
def test_the_reference_lists_16_care_certificate_standards():
    text = (REFERENCE / "care_certificate_standards.md").read_text()
    assert len(re.findall(r"^\d+\. ", text, flags=re.MULTILINE)) == 16


def test_only_somerset_is_cited_for_the_adult_social_care_practitioner(nodes):
    citation = nodes["adult-social-care-practitioner"]["citation"]
    assert "Somerset" in citation and "Stockport" not in citation


@pytest.mark.parametrize("node_id", ["quality-monitoring-officer", "commissioning-officer",
                                     "commissioning-manager", "head-of-commissioning"])
def test_commissioning_roles_do_not_cite_stockport(nodes, node_id):
    assert "Stockport" not in nodes[node_id]["citation"]
    assert "Care Act 2014" in nodes[node_id]["citation"]


def test_no_node_cites_vague_council_workforce_strategies(nodes):
    assert not [n for n, node in nodes.items()
                if "Council workforce strategies" in node["citation"]]


def test_volunteering_is_cited_to_stoke(nodes):
    assert "Stoke-on-Trent" in nodes["volunteer"]["citation"]
    assert "Stockport" not in nodes["volunteer"]["citation"]


def test_stockport_is_cited_for_its_guaranteed_job_apprenticeships(nodes):
    for node_id in ("social-work-degree-apprenticeship", "ot-degree-apprenticeship"):
        assert "Stockport" in nodes[node_id]["citation"], node_id


def test_every_strategy_cited_is_one_of_the_five_and_explained_in_sources(nodes, edges):
    cited = " ".join(n["citation"] for n in nodes.values())
    cited += " ".join(e["citation"] for e in edges.values())
    for place in ("Stockport", "Somerset", "Stoke-on-Trent", "Staffordshire", "North West"):
        assert place in cited, place
        assert place in SOURCES, place


def test_the_level_2_diploma_does_not_qualify_you_for_senior_care_worker(edges):
    assert ("diploma-care-l2", "senior-care-worker") not in edges
    into_senior = {s for (s, t), e in edges.items()
                   if t == "senior-care-worker" and e["kind"] == "qualifies"}
    assert into_senior == {"diploma-adult-care-l3", "lead-adult-care-worker-apprenticeship"}


def test_the_social_work_masters_shows_the_fee_the_capped_bursary_does_not_cover(edges):
    masters = edges[("career-changer", "social-work-masters")]
    assert masters["funding"] == "self_funded" and masters["cost_gbp"] == 16000
    assert "capped" in masters["note"] and "4,052" in masters["note"]


@pytest.mark.parametrize("role", ["amhp", "best-interests-assessor"])
def test_amhp_and_bia_name_every_regulator_of_those_who_take_them(nodes, role):
    body = nodes[role]["registration_body"]
    assert all(regulator in body for regulator in ("Social Work England", "HCPC", "NMC"))


@pytest.mark.parametrize("training", ["amhp-training", "bia-training"])
def test_nurses_and_occupational_therapists_can_train_as_amhp_and_bia(edges, training):
    starts = {s for (s, t) in edges if t == training}
    assert {"social-worker", "occupational-therapist", "registered-nurse-care-home"} <= starts


def test_apprenticeships_say_apprenticeship_funding_not_only_the_levy(nodes, edges):
    into_apprenticeships = [e for (s, t), e in edges.items() if nodes[t].get("standard_code")
                            and nodes[t]["kind"] == "qualification"]
    assert len(into_apprenticeships) > 30
    for edge in into_apprenticeships:
        assert edge["funding"] == "apprenticeship", edge
        assert edge["cost_gbp"] == 0 and edge["earn_while_learning"]
        assert "co-investment" in edge["note"] and "levy transfer" in edge["note"]
    assert "co-investment" in SOURCES and "levy transfer" in SOURCES


def test_the_explanation_says_who_can_pay_for_an_apprenticeship():
    from pathways.explain import PAID_BY
    from pathways.vocabulary import FUNDERS
    assert "co-investment" in FUNDERS["apprenticeship"]
    assert "co-investment" in PAID_BY["apprenticeship"]


NEW_ROLES = ["shared-lives-carer", "trusted-assessor", "rehabilitation-officer-visual-impairment",
             "brokerage-officer", "financial-assessment-officer", "workforce-data-analyst",
             "day-services-officer"]
FAST_TRACKS = ["step-up-to-social-work", "think-ahead-programme", "frontline-programme"]


@pytest.mark.parametrize("node_id", NEW_ROLES + FAST_TRACKS)
def test_the_new_roles_and_fast_tracks_exist_with_a_source_and_moves_in_and_out(
        nodes, edges, node_id):
    node = nodes[node_id]
    assert node["citation"] and node["description"]
    assert any(t == node_id for (_s, t) in edges) and any(s == node_id for (s, _t) in edges)
    for (source, target), edge in edges.items():
        if node_id in (source, target):
            assert edge["citation"] and "typical" in edge["note"].lower(), (source, target)


@pytest.mark.parametrize("fast_track", FAST_TRACKS)
def test_the_fast_tracks_are_for_graduates_funded_by_a_bursary(nodes, edges, fast_track):
    start = edges[("career-changer", fast_track)]
    assert (start["funding"], start["cost_gbp"], start["earn_while_learning"]) == (
        "bursary", 0, False)
    assert "graduate" in start["note"]
    assert ("newly-qualified-social-worker" in
            {t for (s, t) in edges if s == fast_track})


def test_step_up_and_frontline_say_they_are_mainly_childrens_routes(nodes):
    assert "children's" in nodes["step-up-to-social-work"]["note"]
    assert "where it runs" in nodes["frontline-programme"]["title"]


@pytest.mark.parametrize("apprenticeship", ["social-work-degree-apprenticeship",
                                            "ot-degree-apprenticeship"])
def test_external_recruits_can_start_the_degree_apprenticeships_directly(edges, apprenticeship):
    direct = edges[("career-changer", apprenticeship)]
    assert direct["funding"] == "apprenticeship" and direct["earn_while_learning"]
    assert "Stockport" in direct["citation"]


def test_practitioners_can_become_occupational_therapy_apprentices(edges):
    edge = edges[("adult-social-care-practitioner", "ot-degree-apprenticeship")]
    assert "Somerset" in edge["citation"] and edge["funding"] == "apprenticeship"


def test_a_career_changer_earning_while_learning_goes_straight_to_the_apprenticeship(G):
    best = routes_between(G, "career-changer", "social-worker",
                          make_options(G, k=1, earn_while_learning=True))[0]
    assert best.path[:2] == ("career-changer", "social-work-degree-apprenticeship")


def test_a_care_worker_becomes_registered_manager_without_changing_employer_first(G):
    best = routes_between(G, "care-worker", "registered-manager", make_options(G, k=1))[0]
    assert best.path == ("care-worker", "senior-care-worker", "deputy-manager",
                         "registered-manager")


def test_level_5_leads_to_deputy_manager_and_registered_manager_needs_management_experience(
        edges):
    for qualification in ("leader-in-adult-care-apprenticeship", "diploma-leadership-l5"):
        assert (qualification, "registered-manager") not in edges
        assert (qualification, "deputy-manager") in edges


def test_the_demo_cohorts_use_live_standards_with_a_funding_band(nodes):
    import csv
    with (Path(seed.PATHWAY_DIR).parent / "demo" / "programmes.csv").open(newline="") as handle:
        programmes = list(csv.DictReader(handle))
    codes = set()
    for programme in programmes:
        qualification = nodes[programme["qualification"]]
        assert qualification["funding_band_gbp"], programme["name"]
        codes.add(qualification["standard_code"])
    assert "ST0006" not in codes and "ST0007" in codes


@pytest.mark.parametrize("qualification", [
    "social-work-degree-apprenticeship", "ot-degree-apprenticeship",
    "social-work-degree-university", "ot-degree-university", "social-work-masters"])
def test_degrees_say_they_need_english_and_maths_at_level_2(nodes, qualification):
    requirements = nodes[qualification]["entry_requirements"]
    assert "English and maths at Level 2" in requirements and "Functional Skills" in requirements


def test_degree_entry_names_the_access_to_he_diploma(nodes):
    for qualification in ("social-work-degree-apprenticeship", "social-work-degree-university"):
        assert "Access to HE Diploma" in nodes[qualification]["entry_requirements"]


def test_entry_requirements_belong_to_qualifications_only(nodes):
    assert all(not node.get("entry_requirements") for node in nodes.values()
               if node["kind"] == "role")
