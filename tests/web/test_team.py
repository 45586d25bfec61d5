"""A manager's team page: who is on it, what it shows of each person, what needs the
manager, who may open it, and that it costs the same number of queries whatever the team's
size (on both engines)."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import event

from pathways import clock
from pathways.dates import format_day
from pathways.models import Person
from tests.recipes import TOY_PATHWAY, world_fixtures, world_on
from tests.web.sessions import start_session

TODAY = clock.today()


def text_of(page) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def add_team_member(session, manager: Person, number: int, cohort=None, place=None) -> Person:
    """Add someone to the manager's team with a conversation, a waiting shadowing request
    (on ``place``) and an apprenticeship (on ``cohort``)."""
    from pathways.apprenticeships.setup import enrol
    from pathways.models import DevelopmentConversation, ShadowingRequest
    from pathways.people.accounts import create_person

    person = create_person(session, email=f"member{number}@example.org",
                           name=f"Member {number:03}", organisation=manager.organisation,
                           roles=["staff"], team=manager.team)
    person.current_role_id, person.target_role_id = "care-worker", "senior-care-worker"
    session.add(DevelopmentConversation(person=person, manager=manager, held_on=TODAY,
                                        review_on=TODAY + timedelta(days=number)))
    if place is not None:
        session.add(ShadowingRequest(place=place, person=person, preferred_from=TODAY,
                                     preferred_to=TODAY))
    if cohort is not None:
        enrol(session, cohort, person, start_date=TODAY - timedelta(days=30),
              planned_end_date=TODAY + timedelta(days=700), weekly_hours=37)
    session.flush()
    return person


def make_cohort(session, organisation):
    from pathways.apprenticeships.setup import create_cohort, create_programme
    from pathways.snapshot import build_graph

    programme = create_programme(session, organisation, name="SWDA",
                                 qualification_id="sw-apprenticeship", provider_name="Uni",
                                 leads_to_role_id="social-worker", G=build_graph(session))
    return create_cohort(session, programme, name="SWDA now", start_date=TODAY - timedelta(
        days=30), planned_end_date=TODAY + timedelta(days=700))


def build_world(session, people: dict) -> dict:
    """Staff (an apprentice with hours waiting, review overdue), colleague (no conversation,
    a shadowing request waiting) in the manager's team; other_team elsewhere."""
    from pathways.apprenticeships.records import log_hours
    from pathways.apprenticeships.setup import enrol
    from pathways.mentoring import shadowing
    from pathways.models import DevelopmentConversation

    staff, colleague, manager = people["staff"], people["colleague"], people["manager"]
    staff.current_role_id, staff.target_role_id = "care-worker", "social-worker"
    staff.chosen_route = ["care-worker", "sw-degree", "social-worker"]
    staff.role_start_date = date(2021, 4, 1)
    session.add(DevelopmentConversation(person=staff, manager=manager,
                                        held_on=TODAY - timedelta(days=200),
                                        review_on=TODAY - timedelta(days=10)))
    session.add(DevelopmentConversation(person=people["other_team"], manager=manager,
                                        held_on=TODAY, review_on=TODAY - timedelta(days=1)))
    cohort = make_cohort(session, staff.organisation)
    apprenticeship = enrol(session, cohort, staff, start_date=TODAY - timedelta(days=60),
                           planned_end_date=TODAY + timedelta(days=1000), weekly_hours=37)
    log_hours(session, apprenticeship, worked_on=TODAY - timedelta(days=2), hours=6,
              activity="taught", actor=staff, today=TODAY)
    place = shadowing.publish_place(session, people["other_team"], role_id="social-worker",
                                    starts_on=TODAY + timedelta(days=3),
                                    ends_on=TODAY + timedelta(days=8), capacity=5, today=TODAY)
    request = shadowing.request_place(session, place, colleague,
                                      preferred_from=TODAY + timedelta(days=4),
                                      preferred_to=TODAY + timedelta(days=5), today=TODAY)
    session.flush()
    return {key: person.id for key, person in people.items()} | {
        "request": request.id, "place": place.id, "cohort": cohort.id,
        "apprenticeship": apprenticeship.id}


WORLD = world_on(TOY_PATHWAY, "team_page", build_world)


database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    return lambda key: start_session(app, client, world[key])


def row_of(page, person_id: int) -> str:
    """The words of one person's row."""
    found = re.search(rf'<tr[^>]*data-person="{person_id}".*?</tr>', page.text, re.S)
    assert found, f"no row for person {person_id}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_the_manager_sees_their_people_and_what_needs_them(app, client, world, as_person):
    as_person("manager")
    page = client.get("/team")
    assert page.status_code == 200
    shown = set(int(found) for found in re.findall(r'data-person="(\d+)"', page.text))
    assert shown == {world["staff"], world["colleague"]}  # not the manager, not other teams

    staff = row_of(page, world["staff"])
    assert "Care worker" in staff and "since 1 April 2021" in staff
    assert "Social worker" in staff and "Social work degree" in staff  # target and route
    assert "Review overdue" in staff and format_day(TODAY - timedelta(days=10)) in staff
    assert re.search(r"Amber|Green|Red", staff)
    assert "6.0 hours waiting for L&D to approve" in staff
    assert f'/apprenticeships/{world["apprenticeship"]}' in page.text

    colleague = row_of(page, world["colleague"])
    assert "No conversation yet" in colleague
    days = f"{format_day(TODAY + timedelta(days=4))} to {format_day(TODAY + timedelta(days=5))}"
    assert "Social worker" in colleague and days in colleague
    assert f'href="/shadowing/approvals#request-{world["request"]}"' in page.text

    needs = re.search(r"<ul[^>]*data-needs-you.*?</ul>", page.text, re.S).group(0)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', needs))
    assert counts == {"overdue": "1", "due": "0", "without": "1", "waiting": "1"}


def test_a_decided_request_leaves_the_team_page(app, client, world, as_person):
    as_person("manager")
    answer = client.post(f"/shadowing/requests/{world['request']}/decide",
                         data={"decision": "approve", "note": "Enjoy it"})
    assert answer.status_code == 303
    page = client.get("/team")
    assert f'data-waiting="{world["request"]}"' not in page.text
    assert "None" in row_of(page, world["colleague"])


def test_the_menu_offers_the_team_page_to_managers_only(client, world, as_person):
    as_person("manager")
    assert 'href="/team"' in client.get("/shadowing").text
    for key in ("staff", "champion", "lnd", "admin"):
        as_person(key)
        assert 'href="/team"' not in client.get("/shadowing").text
        assert client.get("/team").status_code == 403, key


def test_signed_out_the_team_page_sends_to_sign_in(app, world):
    answer = app.test_client().get("/team")
    assert answer.status_code == 302 and "/login" in answer.location


def test_a_manager_without_a_team_is_told_so(app, client, world, as_person):
    from webapp.extensions import db

    with app.app_context():
        db.session.get(Person, world["manager"]).team_id = None
        db.session.commit()
    as_person("manager")
    page = client.get("/team")
    assert page.status_code == 200 and "You are not in a team" in text_of(page)


def statements_for(app, client, path: str) -> tuple[int, str]:
    from webapp.extensions import db

    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert answer.status_code == 200
    return len(statements), answer.text


def test_the_page_costs_the_same_queries_for_a_small_and_a_large_team(app, client, world,
                                                                     as_person):
    """Each member has a conversation, a waiting request and an apprenticeship; 2 members
    more, then 40 (two pages of 25)."""
    from pathways.models import Cohort, ShadowingPlace
    from webapp.extensions import db

    def grow(first: int, last: int) -> None:
        with app.app_context():
            manager = db.session.get(Person, world["manager"])
            cohort = db.session.get(Cohort, world["cohort"])
            place = db.session.get(ShadowingPlace, world["place"])
            for number in range(first, last):
                add_team_member(db.session, manager, number, cohort, place)
            db.session.commit()

    as_person("manager")
    client.get("/team")  # warm the snapshot and the templates
    grow(0, 2)
    small, small_page = statements_for(app, client, "/team")
    assert small_page.count("data-person=") == 4
    grow(2, 40)
    large, large_page = statements_for(app, client, "/team")
    assert large_page.count("data-person=") == 25
    assert large == small
    following = unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"', large_page)[1])
    deep, second = statements_for(app, client, following)
    assert second.count("data-person=") == 42 - 25 and 'rel="next"' not in second
    assert deep == small  # the second page by keyset costs what the first does
    names = re.findall(r'data-person="[^"]*"', large_page + second)
    assert len(set(names)) == 42
    edited = text_of(client.get("/team?after=edited&page=99"))  # not a cursor: the first page
    assert "People (42)" in edited
