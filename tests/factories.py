"""Factory helpers with good defaults, so each test sets up only what it is about."""

from __future__ import annotations

import functools

from pathways.document import GraphDocument, complete_document
from pathways.interchange.fields import EDGE_FIELDS, NODE_FIELDS, parse_item
from pathways.snapshot import graph_from_document


def _record(raw: dict, fields) -> dict:
    record, problems = parse_item(raw, fields, "factory", text=False)
    assert not problems, problems
    return record


def make_role(node_id: str, title: str | None = None, **attrs) -> dict:
    """A role record; the title defaults from the id."""
    return _record({"id": node_id, "kind": "role",
                    "title": title or node_id.replace("-", " ").capitalize(), **attrs},
                   NODE_FIELDS)


def make_qualification(node_id: str, title: str | None = None, **attrs) -> dict:
    """A qualification record; the title defaults from the id."""
    return _record({"id": node_id, "kind": "qualification",
                    "title": title or node_id.replace("-", " ").capitalize(), **attrs},
                   NODE_FIELDS)


def make_edge(source: str, target: str, months: float = 1, **attrs) -> dict:
    """An edge record."""
    return _record({"source": source, "target": target, "months": months, **attrs},
                   EDGE_FIELDS)


def make_document(nodes, edges) -> GraphDocument:
    """A completed document from node and edge records."""
    return complete_document(GraphDocument(
        {n["id"]: n for n in nodes}, {(e["source"], e["target"]): e for e in edges}))


def toy_document() -> GraphDocument:
    """A small, valid pathway from volunteering to social worker with two ways to qualify.

    Best by months from care worker to social worker: the self-funded university degree
    (38 months). Earning while learning: the apprenticeship route (62 months).
    """
    nodes = [
        make_role("volunteer", family="entry_routes"),
        make_role("care-worker", family="care_and_support", cwp_category="care_or_support_worker"),
        make_role("senior-care-worker", family="care_and_support"),
        make_role("practitioner", "Adult social care practitioner", family="social_work"),
        make_role("social-worker", family="social_work", registration_body="Social Work England",
                  top_of_ladder=True),
        make_qualification("care-cert", "Care Certificate", family="care_and_support"),
        make_qualification("diploma-l3", "Level 3 Diploma in Adult Care", level=3),
        make_qualification("sw-apprenticeship", "Social worker (integrated degree)", level=6,
                           standard_code="ST0510", duration_months=36, funding_band_gbp=24000),
        make_qualification("sw-degree", "Social work degree", level=6),
    ]
    edges = [
        make_edge("volunteer", "care-worker", 1),
        make_edge("care-worker", "care-cert", 3, funding="employer", earn_while_learning=True),
        make_edge("care-cert", "senior-care-worker", 1),
        make_edge("care-worker", "senior-care-worker", 2, min_experience_months=12,
                  requires=["care-cert"]),
        make_edge("senior-care-worker", "diploma-l3", 18, earn_while_learning=True),
        make_edge("diploma-l3", "practitioner", 2),
        make_edge("practitioner", "sw-apprenticeship", 36, funding="levy",
                  requires=["diploma-l3"]),
        make_edge("care-worker", "sw-degree", 36, cost_gbp=9250, funding="self_funded"),
        make_edge("sw-apprenticeship", "social-worker", 2),
        make_edge("sw-degree", "social-worker", 2),
    ]
    return make_document(nodes, edges)


def toy_graph():
    """The toy document as a frozen snapshot."""
    return graph_from_document(toy_document(), version=1)


#: A password that meets the policy, for test accounts.
GOOD_PASSWORD = "correct-horse-battery-staple-42"


@functools.cache
def good_password_hash() -> str:
    """The Argon2 hash of ``GOOD_PASSWORD``, computed once per test run."""
    from pathways.people.accounts import hash_password

    return hash_password(GOOD_PASSWORD)


def make_people(session):
    """A partnership of two organisations (plus one outside it), with one person per role.

    Returns a dict of ``Person`` by short name: ``staff`` and ``colleague`` (same team),
    ``other_team`` (same organisation, another team), ``manager`` (of the staff's team),
    ``champion`` (paired with ``staff``), ``lnd`` (who also edits the shared map),
    ``admin``, ``partner_staff`` (the other
    organisation in the partnership), ``outsider`` (an organisation outside it), and
    ``partnership_lnd`` (L&D with partnership scope, in the first organisation).
    When the database already holds them (``tests.recipes.*_WITH_PEOPLE``), returns those.
    """
    from pathways.models import ChampionPairing
    from pathways.people.accounts import create_organisation, create_person, team_named

    existing = people_of(session)
    if existing:  # the test's database was copied from a recipe that made them
        return existing
    council = create_organisation(session, "Testshire Council", partnership="Testshire")
    provider = create_organisation(session, "Sunrise Care", partnership="Testshire")
    elsewhere = create_organisation(session, "Far Away Care")
    home_care = team_named(session, council, "Home care")
    reablement = team_named(session, council, "Reablement")

    def person(key, roles, organisation=council, team=None, scope="organisation"):
        created = create_person(session, email=f"{key}@example.org", name=key.replace("_", " "),
                                organisation=organisation, roles=roles, team=team, scope=scope)
        created.password_hash = good_password_hash()  # hashed once: Argon2 is slow on purpose
        return created

    people = {
        "staff": person("staff", ["staff"], team=home_care),
        "colleague": person("colleague", ["staff"], team=home_care),
        "other_team": person("other_team", ["staff"], team=reablement),
        "manager": person("manager", ["staff", "manager"], team=home_care),
        "champion": person("champion", ["staff", "champion"], team=reablement),
        "lnd": person("lnd", ["lnd", "map_editor"]),
        "admin": person("admin", ["admin"]),
        "partnership_lnd": person("partnership_lnd", ["lnd"], scope="partnership"),
        "partner_staff": person("partner_staff", ["staff"], organisation=provider),
        "outsider": person("outsider", ["staff"], organisation=elsewhere),
    }
    session.add(ChampionPairing(champion_id=people["champion"].id, person_id=people["staff"].id))
    session.flush()
    return people


#: The short names of ``make_people``, each the local part of the person's email.
PEOPLE = ("staff", "colleague", "other_team", "manager", "champion", "lnd", "admin",
          "partnership_lnd", "partner_staff", "outsider")


def people_of(session) -> dict:
    """The people ``make_people`` made in this database, by short name (empty if none)."""
    from sqlalchemy import select

    from pathways.models import Person

    found = {person.email.split("@")[0]: person for person in session.scalars(
        select(Person).where(Person.email.in_([f"{key}@example.org" for key in PEOPLE])))}
    return found if len(found) == len(PEOPLE) else {}


def make_cohort_world(session, people=None):
    """The seed pathway, ``make_people``, a social work programme and cohort, and a post.

    Returns a dict with everything in ``make_people`` (or ``people``, such a dict already
    made) plus ``G`` (the seed graph), ``programme``, ``cohort`` (SWDA 2025, starting
    1 September 2025 for 36 months), ``post`` (SW-101, a vacant newly qualified social
    worker post) and ``educator`` (in the council, holding PEPS stage 1). Flushes.
    """
    from datetime import date

    from pathways.apprenticeships.posts import create_post
    from pathways.apprenticeships.setup import create_cohort, create_programme
    from pathways.models import HeldQualification, Node
    from pathways.people.accounts import create_person
    from pathways.snapshot import build_graph
    from seed import load_pathway

    if session.get(Node, "social-work-degree-apprenticeship") is None:  # not a seed database
        load_pathway(session)
    world = dict(people) if people is not None else make_people(session)
    council = world["staff"].organisation
    world["G"] = build_graph(session)
    world["programme"] = create_programme(
        session, council, name="Social work degree apprenticeship",
        qualification_id="social-work-degree-apprenticeship",
        provider_name="Northshire University", leads_to_role_id="newly-qualified-social-worker",
        G=world["G"])
    world["cohort"] = create_cohort(
        session, world["programme"], name="SWDA 2025", start_date=date(2025, 9, 1),
        planned_end_date=date(2028, 8, 31), budget_kind="levy", budget_gbp="72000")
    world["post"] = create_post(session, council, reference="SW-101",
                                role_id="newly-qualified-social-worker")
    educator = create_person(session, email="educator@example.org", name="Eddie Educator",
                             organisation=council, roles=["staff"])
    educator.qualifications.append(HeldQualification(qualification_id="peps-stage-1"))
    world["educator"] = educator
    session.flush()
    return world
