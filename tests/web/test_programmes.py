"""Programmes beyond apprenticeships, student placements and educator supply on the web.

The world: ``make_cohort_world`` (the council's social work apprenticeship, cohort SWDA 2025,
where ``colleague`` is an apprentice with a placement in the current term (``PLACED``) and
no educator; ``educator`` holds PEPS stage 1, capacity 1) and an ASYE programme of the
council with the cohort "ASYE 2026" (5 January 2026 to 4 January 2027), where ``staff`` is a
learner; a social work student, Priya Shah, placed at the same dates with ``educator``; and
a student placed with the outsider's organisation (Sam Elsewhere).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.apprenticeships.supply import term_of, terms_from
from pathways.models import Programme
from tests.recipes import SEED_PATHWAY, seed_world, world_fixtures
from tests.web.sessions import start_session

#: The world's placements: from a month into the term of the (frozen) day to two weeks before
#: its end, so the supply page counts them in its first term whatever the day.
_TERM = term_of(clock.today())
PLACED = (_TERM.start + timedelta(days=30), _TERM.end - timedelta(days=16))


def programmes_world(session, people: dict) -> dict:
    """Build the world of the module's docstring; return ids by name."""
    from pathways.apprenticeships.placements import add_placement
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
    from pathways.apprenticeships.students import add_student_placement
    from tests.factories import make_cohort_world

    world = make_cohort_world(session, people=people)
    asye = create_programme(session, world["staff"].organisation, name="ASYE",
                            qualification_id="asye", provider_name="Northshire Council",
                            provider_kind="training_provider",
                            leads_to_role_id="social-worker", G=world["G"])
    cohort = create_cohort(session, asye, name="ASYE 2026", start_date=date(2026, 1, 5),
                           planned_end_date=date(2027, 1, 4))
    learner = enrol(session, cohort, world["staff"], start_date=date(2026, 1, 5),
                    planned_end_date=date(2027, 1, 4), weekly_hours=37)
    swda = enrol(session, world["cohort"], world["colleague"], start_date=date(2025, 9, 1),
                 planned_end_date=date(2028, 8, 31), weekly_hours=37)
    add_placement(session, swda, setting="Hospital team", start_date=PLACED[0],
                  end_date=PLACED[1])
    add_student_placement(session, world["staff"].organisation, name="Priya Shah",
                          university="University of Somerset",
                          qualification_id="social-work-degree-university",
                          setting="Adult social care, Taunton", start_date=PLACED[0],
                          end_date=PLACED[1], educator=world["educator"])
    elsewhere = add_student_placement(
        session, world["outsider"].organisation, name="Sam Elsewhere", university="Uni",
        qualification_id="ot-degree-university", setting="OT team",
        start_date=PLACED[0], end_date=PLACED[1])
    session.flush()
    return {**{key: person.id for key, person in people.items()}, "asye_cohort": cohort.id,
            "elsewhere": elsewhere.id,
            "educator": world["educator"].id,
            "learner": learner.id, "swda_cohort": world["cohort"].id, "apprentice": swda.id}


PROGRAMMES_WORLD = seed_world("programmes_world", programmes_world)


database_url, world = world_fixtures(PROGRAMMES_WORLD, SEED_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    return lambda key: start_session(app, client, world[key])


def test_the_programme_form_offers_every_qualification_and_sets_up_an_asye(app, client,
                                                                             as_person):
    as_person("lnd")
    page = client.get("/cohorts/programmes/new").get_data(as_text=True)
    assert "Assessed and Supported Year in Employment (ASYE) (not an apprenticeship)" in page
    assert "Social worker degree apprenticeship (Level 6) (ST0510)" in page
    answer = client.post("/cohorts/programmes/new", data={
        "name": "PEPS 1 2026", "qualification_id": "peps-stage-1",
        "provider_name": "Northshire University", "provider_kind": "university",
        "leads_to_role_id": "practice-educator"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    from webapp.extensions import db

    with app.app_context():
        assert db.session.scalar(select(Programme.qualification_id).where(
            Programme.name == "PEPS 1 2026")) == "peps-stage-1"


def test_the_cohorts_page_says_which_programmes_are_not_apprenticeships(client, as_person,
                                                                        world):
    as_person("lnd")
    text = client.get("/cohorts").get_data(as_text=True)
    asye = re.search(r"<th scope=\"row\" class=\"govuk-table__header\">ASYE</th>(.*?)</tr>",
                     text, re.S).group(1)
    assert "(not an apprenticeship standard)" in asye
    assert text.count("(not an apprenticeship standard)") == 1


def test_a_course_cohort_dashboard_hides_off_the_job_hours_and_says_why(client, as_person,
                                                                         world):
    as_person("lnd")
    course = client.get(f"/cohorts/{world['asye_cohort']}").get_data(as_text=True)
    assert 'id="not-an-apprenticeship"' in course and "is not an apprenticeship standard" \
        in course
    assert 'id="otj-chart"' not in course and "OTJ</abbr> logged" not in course
    assert "data-otj-logged" not in course
    apprenticeship = client.get(f"/cohorts/{world['swda_cohort']}").get_data(as_text=True)
    assert 'id="otj-chart"' in apprenticeship and "OTJ</abbr> logged" in apprenticeship
    assert 'id="not-an-apprenticeship"' not in apprenticeship


def test_a_course_cohorts_download_has_no_off_the_job_columns(client, as_person, world):
    as_person("lnd")
    course = client.get(f"/cohorts/{world['asye_cohort']}/apprentices.csv").get_data(
        as_text=True)
    header = course.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("Email,Name,Status,RAG") and "OTJ" not in header
    assert "OTJ hours required" in client.get(
        f"/cohorts/{world['swda_cohort']}/apprentices.csv").get_data(as_text=True)


def test_the_api_says_whether_a_cohort_is_of_an_apprenticeship(client, as_person, world):
    as_person("lnd")
    course = client.get(f"/api/v1/cohorts/{world['asye_cohort']}/summary").get_json()
    assert course["cohort"]["apprenticeship"] is False
    assert [row["otj_required"] for row in course["apprentices"]] == [0]
    assert client.get(f"/api/v1/cohorts/{world['swda_cohort']}/summary").get_json()[
        "cohort"]["apprenticeship"] is True


def test_a_course_learners_page_has_no_off_the_job_log_or_gateway(client, as_person, world):
    as_person("lnd")
    page = client.get(f"/apprenticeships/{world['learner']}").get_data(as_text=True)
    assert 'id="not-an-apprenticeship"' in page and 'id="off-the-job"' not in page
    assert "Funding year" not in page
    assert 'value="completed"' in page and 'value="gateway"' not in page
    refused = client.post(f"/apprenticeships/{world['learner']}/status", data={
        "status": "gateway", "effective_on": ["1", "11", "2026"], "reason": "Ready"})
    assert refused.status_code in (400, 409)
    assert "only for apprenticeship standards" in refused.get_data(as_text=True)
    apprentice = client.get(f"/apprenticeships/{world['apprentice']}").get_data(as_text=True)
    assert 'id="off-the-job"' in apprentice and 'value="gateway"' in apprentice


# Student placements and the supply page ----------------------------------------------------


def student_form(**changes) -> dict:
    return {"name": "Tom Reed", "university": "Bath Spa University",
            "qualification_id": "social-work-degree-university",
            "setting": "Learning disability team",
            "start_date": ["10", "1", "2027"], "end_date": ["20", "4", "2027"], "educator": "",
            **changes}


def test_lnd_see_and_add_student_placements(client, as_person, world):
    as_person("lnd")
    page = client.get("/cohorts/students").get_data(as_text=True)
    assert "Priya Shah" in page and "University of Somerset" in page and "Eddie Educator" in page
    answer = client.post("/cohorts/students", data=student_form())
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = client.get("/cohorts/students").get_data(as_text=True)
    assert "Student placement added" in page and "Tom Reed" in page


@pytest.mark.parametrize("changes, words", [
    ({"name": ""}, "Enter the student&#39;s name"),
    ({"qualification_id": "care-certificate"}, "Not a valid choice"),
    ({"end_date": ["1", "1", "2027"]}, "Must be after the start date"),
])
def test_a_bad_student_placement_is_refused_with_the_error_summary(client, as_person, world,
                                                                    changes, words):
    as_person("lnd")
    answer = client.post("/cohorts/students", data=student_form(**changes))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "govuk-error-summary" in text and words in text and "Tom Reed" not in text.split(
        'id="add-student"')[0]


def test_an_educator_without_the_courses_accreditation_is_refused(client, as_person, world):
    as_person("lnd")
    answer = client.post("/cohorts/students", data=student_form(
        qualification_id="ot-degree-university", educator=str(world["educator"])))
    assert answer.status_code == 400 and "holds none of rcot-apple" in answer.get_data(
        as_text=True)


def test_the_supply_page_sets_capacity_against_all_placements_per_term(client, as_person,
                                                                        world):
    as_person("lnd")
    page = client.get("/cohorts/educators")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    first, _, third = terms_from(clock.today(), 3)
    autumn = re.search(rf'id="terms-social_work".*?data-term="{first.start.isoformat()}"(.*?)</tr>',
                       text, re.S)
    assert 'data-needed="2"' in autumn.group(1) and 'data-without="1"' in autumn.group(1)
    assert 'data-shortfall="1"' in autumn.group(1)
    assert 'data-capacity="1"' in text and 'data-educators="fewer than 5"' in text
    assert first.name in text and third.name in text
    assert 'id="terms-occupational_therapy"' in text


@pytest.mark.parametrize("path", ["/cohorts/students", "/cohorts/educators"])
def test_only_lnd_and_admins_of_the_organisation_open_the_placement_pages(client, as_person,
                                                                           world, path):
    assert client.get(path).status_code == 302  # not signed in: to sign in
    as_person("staff")
    assert client.get(path).status_code == 403
    as_person("admin")
    assert client.get(path).status_code == 200


def student_placement_id(app) -> int:
    from pathways.models import Placement
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(Placement.id).where(Placement.student_id.is_not(None))
                                 .order_by(Placement.id))


def test_lnd_take_off_and_allocate_a_students_educator(app, client, as_person, world):
    as_person("lnd")
    placement = student_placement_id(app)
    url = f"/cohorts/students/{placement}/educator"
    assert client.post(url, data={"educator": ""}).status_code == 303
    page = client.get("/cohorts/students").get_data(as_text=True)
    assert "Practice educator saved" in page and 'data-educator=""' in page
    assert client.post(url, data={"educator": str(world["educator"])}).status_code == 303
    assert f'data-educator="{world["educator"]}"' in client.get("/cohorts/students").get_data(
        as_text=True)
    refused = client.post(url, data={"educator": "999999"})
    assert refused.status_code == 400 and "govuk-error-summary" in refused.get_data(
        as_text=True)


def test_a_student_placement_elsewhere_is_not_found_and_staff_are_forbidden(app, client,
                                                                            as_person, world):
    placement = student_placement_id(app)
    as_person("staff")
    assert client.post(f"/cohorts/students/{placement}/educator",
                       data={"educator": ""}).status_code == 403
    as_person("lnd")
    for other in (999999, world["elsewhere"]):
        assert client.post(f"/cohorts/students/{other}/educator",
                           data={"educator": ""}).status_code == 404
    assert "Sam Elsewhere" not in client.get("/cohorts/students").get_data(as_text=True)
