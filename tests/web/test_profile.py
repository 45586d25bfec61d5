"""The profile pages: what they show, edits through their forms, and the personalised planner."""

import re
from html import unescape

import pytest

from pathways.models import AuditEvent, EqualityRecord, Person
from tests.factories import GOOD_PASSWORD
from tests.web.apps import running_app
from tests.web.sessions import start_session

EARN_WHILE_LEARNING = "care-worker,diploma-l3,practitioner,sw-apprenticeship,social-worker"


@pytest.fixture
def staff(enter):
    enter("staff")


def read(app, model, key):
    from webapp.extensions import db

    with app.app_context():
        found = db.session.get(model, key)
        if found is not None:
            db.session.refresh(found)
            db.session.expunge(found)
        return found


def audit_details(app) -> list:
    from webapp.extensions import db

    with app.app_context():
        return [(e.action, e.entity_type, e.summary, e.details)
                for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def text_of(page) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def date_parts(name: str, day="", month="", year="") -> dict:
    return {name: [day, month, year]}


def set_up_care_worker(client):
    client.post("/profile/role", data={"role": "care-worker",
                                       **date_parts("started_on", "27", "3", "2021")})
    client.post("/profile/qualifications", data={
        "qualification": "diploma-l3", **date_parts("achieved_on", "14", "7", "2019"),
        "evidence": "Certificate 12345 <checked>"})


def test_the_profile_shows_role_qualifications_target_and_route(client, staff):
    set_up_care_worker(client)
    client.post("/profile/target", data={"target": "social-worker"})
    client.post("/profile/route", data={"route": EARN_WHILE_LEARNING})
    page = client.get("/profile")
    assert page.status_code == 200
    words = text_of(page)
    assert 'href="/roles/care-worker"' in page.text and "Started 27 March 2021" in words
    assert "Level 3 Diploma in Adult Care 14 July 2019 Certificate 12345 <checked>" in words
    assert "&lt;checked&gt;" in page.text  # escaped
    assert 'href="/roles/social-worker"' in page.text
    assert "My route: 3 years 4 months, £0, 4 steps" in words
    assert "Already held: Level 3 Diploma in Adult Care" in words
    assert "Study Social worker (integrated degree) (ST0510)" in words
    assert "Equality information (optional)" in words and "You do not have to answer" in words


def test_edits_redirect_back_and_are_audited(app, client, people, staff):
    answer = client.post("/profile/role", data={"role": "senior-care-worker",
                                                **date_parts("started_on")})
    assert answer.status_code == 303 and answer.location.endswith("/profile")
    assert "Current role saved" in client.get("/profile").text
    person = read(app, Person, people["staff"])
    assert person.current_role_id == "senior-care-worker" and person.role_start_date is None
    assert audit_details(app)[-1][3] == {"fields": ["current_role_id", "role_start_date"],
                                         "current_role_id": "senior-care-worker"}


def test_adding_and_removing_a_qualification(app, client, people, staff):
    set_up_care_worker(client)
    assert "Qualification added" in client.get("/profile").text
    asked = client.post("/profile/qualifications/diploma-l3/remove")  # "Are you sure?" first
    assert asked.status_code == 200 and "data-confirm" in asked.text
    assert "Remove Level 3 Diploma" in asked.text and "Yes, remove it" in asked.text
    assert 'data-qualification="diploma-l3"' in client.get("/profile").text  # still held
    answer = client.post("/profile/qualifications/diploma-l3/remove", data={"confirm": "yes"})
    assert answer.status_code == 303
    page = client.get("/profile")
    assert "Qualification removed" in page.text and "No qualifications recorded yet" in page.text
    assert 'data-removed-qualification="diploma-l3"' in page.text  # kept, as removed
    assert client.post("/profile/qualifications/diploma-l3/remove",
                       data={"confirm": "yes"}).status_code == 404
    assert client.post("/profile/qualifications/diploma-l3/remove").status_code == 404


@pytest.mark.parametrize("path, data, message", [
    ("/profile/role", {"role": ""}, "Choose the current role"),
    ("/profile/role", {"role": "nobody"}, "Not a valid choice"),
    ("/profile/role", {"role": "care-cert"}, "Not a valid choice"),
    ("/profile/role", {"role": "care-worker", **date_parts("started_on", "31", "2", "2020")},
     "The start date must be a real date"),
    ("/profile/role", {"role": "care-worker", **date_parts("started_on", "", "2", "2020")},
     "The start date must be a real date"),
    ("/profile/role", {"role": "care-worker", "started_on": ["1", "2"]},
     "The start date must be a real date"),
    ("/profile/role", {"role": "care-worker", **date_parts("started_on", "1", "1", "2999")},
     "The start date must be today or in the past"),
    ("/profile/qualifications", {"qualification": ""}, "Choose the qualification held"),
    ("/profile/qualifications", {"qualification": "care-cert", "evidence": "x" * 501},
     "Evidence must be 500 characters or fewer"),
    ("/profile/qualifications", {"qualification": "care-cert",
                                 **date_parts("achieved_on", "1", "13", "2020")},
     "The date achieved must be a real date"),
    ("/profile/target", {"target": "sw-degree"}, "Not a valid choice"),
    ("/profile/route", {"route": ""}, "Choose a route"),
    ("/profile/route", {"route": " , ,"}, "Choose a route"),
    ("/profile/route", {"route": "care-worker,nowhere"}, "Choose a role from the career map"),
    ("/profile/route", {"route": "care-worker,social-worker"}, "Set your current role"),
    ("/profile/route", {"route": ",".join(["care-worker"] * 400)}, "Field cannot be longer"),
    ("/profile/equality", {"sex": "sometimes"}, "Not a valid choice"),
])
def test_bad_input_shows_the_page_again_with_errors(client, staff, path, data, message):
    answer = client.post(path, data=data)
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text
    assert message in unescape(answer.text)


def test_a_qualification_held_twice_and_a_target_that_is_the_current_role(client, staff):
    set_up_care_worker(client)
    again = client.post("/profile/qualifications", data={"qualification": "diploma-l3"})
    assert again.status_code == 400 and "is already recorded" in again.text
    same = client.post("/profile/target", data={"target": "care-worker"})
    assert same.status_code == 400 and "different role from the current one" in same.text


def test_the_planner_is_personalised_after_adding_a_qualification(client, staff):
    client.post("/profile/role", data={"role": "care-worker"})
    before = client.get("/routes?to=social-worker&earn_while_learning=y")
    assert "Personalised for you: using 0 qualifications you hold" in text_of(before)
    assert "Route 1: 5 years 2 months" in before.text
    client.post("/profile/qualifications", data={"qualification": "diploma-l3"})
    page = client.get("/routes?to=social-worker&earn_while_learning=y")
    assert page.status_code == 200
    words = text_of(page)
    assert "1 route from Care worker to Social worker" in words  # from: the current role
    assert ("Personalised for you: using 1 qualification you hold "
            "(Level 3 Diploma in Adult Care)") in words
    assert "Route 1: 3 years 4 months, £0, 4 steps" in words
    assert "Already held: Level 3 Diploma in Adult Care" in words
    assert f'name="route" value="{EARN_WHILE_LEARNING}"' in page.text
    assert "Choose this route" in words
    ignored = client.get("/routes?to=social-worker&earn_while_learning=y&mine=no")
    assert "Route 1: 5 years 2 months" in ignored.text
    assert "Not using the qualifications" in ignored.text


def test_months_in_the_current_role_come_from_the_profile(client, staff):
    from pathways import clock
    from pathways.dates import add_months

    started = add_months(clock.today(), -30)
    client.post("/profile/role", data={"role": "care-worker", **date_parts(
        "started_on", str(started.day), str(started.month), str(started.year))})
    page = client.get("/routes?to=senior-care-worker")
    assert 'name="months_in_role"' in page.text and 'value="30"' in page.text
    assert "From your profile's start date in your current role" in text_of(page)
    given = client.get("/routes?to=senior-care-worker&months_in_role=3")
    assert 'value="3"' in given.text and "From your profile" not in text_of(given)
    elsewhere = client.get("/routes?from=volunteer&to=senior-care-worker")
    assert 'value="30"' not in elsewhere.text  # not from their own role


def test_choosing_a_route_in_the_planner_makes_it_mine(app, client, people, staff):
    set_up_care_worker(client)
    answer = client.post("/profile/route", data={"route": EARN_WHILE_LEARNING})
    assert answer.status_code == 303 and answer.location.endswith("/profile#my-route")
    person = read(app, Person, people["staff"])
    assert person.target_role_id == "social-worker"
    assert person.chosen_route == EARN_WHILE_LEARNING.split(",")
    # with a target, the planner opens on it: from the current role, routes shown
    page = client.get("/routes")
    assert page.status_code == 200 and "routes from Care worker to Social worker" in page.text


def test_routes_not_from_the_current_role_cannot_be_chosen(client, staff):
    client.post("/profile/role", data={"role": "volunteer"})
    page = client.get("/routes?from=care-worker&to=social-worker")
    assert "Choose this route" not in page.text
    assert "start from your current role" in page.text
    refused = client.post("/profile/route", data={"route": "care-worker,sw-degree,social-worker"})
    assert refused.status_code == 400
    assert "from the current role to the target role" in refused.text


def test_the_planner_is_not_personalised_for_anonymous_visitors(client):
    page = client.get("/routes?from=care-worker&to=social-worker")
    assert "Personalised for you" not in page.text and "Choose this route" not in page.text
    assert "no-store" not in page.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/profile", "/people/{staff}", "/routes"])
def test_personal_pages_are_never_stored(client, people, staff, path):
    page = client.get(path.format(**people))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"


def test_equality_data_stays_out_of_urls_pages_of_others_and_the_audit(app, client, enter,
                                                                      people, staff):
    answer = client.post("/profile/equality", data={
        "age_band": "25-34", "sex": "female", "ethnic_group": "mixed", "disability": "no"})
    assert answer.status_code == 303 and answer.location.endswith("/profile")
    secrets = ("25-34", "female", "mixed")
    assert not any(secret in answer.location for secret in secrets)
    record = read(app, EqualityRecord, people["staff"])
    assert (record.age_band, record.sex, record.ethnic_group, record.disability) == (
        "25-34", "female", "mixed", "no")
    events = audit_details(app)
    assert events[-1] == ("update", "equality", "equality data saved", None)
    assert not any(secret in repr(events) for secret in secrets)
    own = client.get("/profile")
    assert 'value="female" checked' in own.text  # the person sees their own answers
    assert 'action="/profile/equality"' in own.text and 'method="post"' in own.text
    enter("lnd")
    theirs = client.get(f"/people/{people['staff']}")
    assert theirs.status_code == 200
    assert "Equality" not in theirs.text and "female" not in theirs.text.lower()


def test_others_profiles_have_edit_forms_only_where_the_policy_allows(client, enter, people):
    enter("lnd")
    page = client.get(f"/people/{people['staff']}")
    assert page.status_code == 200 and "<h1 class=\"govuk-heading-l\">staff</h1>" in page.text
    assert f'action="/people/{people["staff"]}/role"' in page.text
    answer = client.post(f"/people/{people['staff']}/role", data={"role": "care-worker"})
    assert answer.status_code == 303 and answer.location.endswith(f"/people/{people['staff']}")
    enter("manager")
    page = client.get(f"/people/{people['staff']}")
    assert page.status_code == 200 and 'href="/roles/care-worker"' in page.text
    assert "<form" not in page.text.split('id="main-content"')[1]
    assert client.post(f"/people/{people['staff']}/role",
                       data={"role": "volunteer"}).status_code == 403


def test_someone_who_does_not_exist_is_not_found(client, staff):
    assert client.get("/people/999999").status_code == 404
    assert client.get("/people/99999999999999999999999").status_code == 404
    assert client.get("/people/-1").status_code == 404
    assert client.post("/people/999999/target", data={"target": "social-worker"}).status_code \
        == 404


def test_signing_in_through_the_login_form_opens_the_profile(app, client, people):
    answer = client.post("/login", data={"email": "staff@example.org",
                                         "password": GOOD_PASSWORD})
    assert answer.status_code in (302, 303)
    assert client.get("/profile").status_code == 200


@pytest.fixture
def csrf_app(database_url):
    """The app with CSRF protection on, as in production, and the toy pathway and people."""
    with running_app(database_url, with_people=True) as app:
        yield app


def test_every_profile_form_carries_a_csrf_token(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        from webapp.extensions import db

        staff_id = db.session.query(Person.id).filter_by(email="staff@example.org").scalar()
    start_session(csrf_app, client, staff_id)
    page = client.get("/profile")
    forms = page.text.count("<form")
    assert forms >= 4 and page.text.count('name="csrf_token"') == forms
    assert client.post("/profile/target", data={"target": "social-worker"}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    answer = client.post("/profile/target", data={"target": "social-worker", "csrf_token": token})
    assert answer.status_code == 303
    client.post("/profile/role", data={"role": "care-worker", "csrf_token": token})
    planner = client.get("/routes?to=social-worker").text.split('id="main-content"')[1]
    assert planner.count('name="csrf_token"') == planner.count('name="route"') > 0


@pytest.mark.parametrize("who, shown, hidden", [
    ("staff", ["/champions", "/shadowing", "/stories"], ["/cohorts", "/stories/review"]),
    ("lnd", ["/champions", "/shadowing", "/stories", "/cohorts", "/stories/review"], []),
])
def test_the_menu_offers_each_area_to_those_who_may_use_it(client, enter, who, shown, hidden):
    enter(who)
    page = client.get("/profile").get_data(as_text=True)
    start = page.index('aria-label="Menu"')
    menu = page[start:page.index("</nav>", start)]
    links = set(re.findall(r'href="([^"]+)"', menu))
    assert set(shown) <= links and not links & set(hidden)
    assert 'href="/stories/mine"' in page  # the own profile invites a career story


def test_the_manager_sees_that_a_pairing_exists_and_can_follow_it(app, client, enter, people):
    from pathways.models import ChampionPairing
    from webapp.extensions import db

    enter("manager")
    page = client.get(f"/people/{people['staff']}").get_data(as_text=True)
    with app.app_context():
        pairing = db.session.query(ChampionPairing).filter_by(person_id=people["staff"]).one()
    assert f'href="/pairings/{pairing.id}"' in page and ">champion</a>" in page
    assert client.get(f"/pairings/{pairing.id}").status_code == 200
