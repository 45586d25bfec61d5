"""The L&D cohort pages: the cohorts list, programmes, cohorts, the dashboard, enrolment, posts.

The world (``cohort_world``): the seed pathway and ``make_people``; the council's social work
programme and cohort SWDA 2025 (1 September 2025 to 31 August 2028, 187 hours off the job
each); post SW-101. Enrolled: ``staff`` (post SW-101 reserved; 10 h on 15 September and
20 h on 15-16 December 2025; reviewed 20 November 2025; a placement from 5 January to
30 April 2026 with no practice educator), ``colleague`` (a guaranteed role; 5 h on
20 September 2025; never reviewed), ``other_team`` (planned end 30 June 2028; 30 h on
10-11 December 2025; never reviewed) and ``manager`` (withdrawn on 1 December 2025). All
the hours are approved (only approved hours count).

On 31 January 2026 (152 days in) staff is on track (green), colleague is behind with a
review overdue (red), other_team has hours but no review (amber) and manager is withdrawn
(grey). On 15 October 2025 (44 days in) nobody's review is overdue yet: staff is green and
the other three are behind on hours (amber).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.models import (
    Apprenticeship,
    Cohort,
    Organisation,
    Post,
    Programme,
    Team,
)
from tests.recipes import SEED_PATHWAY, seed_world, world_fixtures
from tests.web.sessions import start_session

AS_OF, EARLY = date(2026, 1, 31), date(2025, 10, 15)
ERROR_SUMMARY = "govuk-error-summary"
LOGIN = 302


def cohort_world(session, people: dict) -> dict:
    """Build the world of this module's docstring on ``make_people``'s ``people``; return ids
    by name."""
    from pathways.apprenticeships.lifecycle import move_status
    from pathways.apprenticeships.placements import add_placement
    from pathways.apprenticeships.records import log_hours, record_review, review_entry
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
    from pathways.people.accounts import create_person
    from tests.factories import make_cohort_world

    world = make_cohort_world(session, people=people)
    cohort = world["cohort"]

    def join(key, end=cohort.planned_end_date, **job):
        return enrol(session, cohort, world[key], start_date=cohort.start_date,
                     planned_end_date=end, weekly_hours=37.5, actor=world["lnd"], **job)

    staff = join("staff", post=world["post"])
    colleague = join("colleague", guaranteed_role_id="newly-qualified-social-worker")
    other = join("other_team", end=date(2028, 6, 30))
    leaver = join("manager")
    for apprenticeship, day, hours in [(staff, date(2025, 9, 15), 10),
                                       (staff, date(2025, 12, 15), 10),
                                       (staff, date(2025, 12, 16), 10),
                                       (colleague, date(2025, 9, 20), 5),
                                       (other, date(2025, 12, 10), 15),
                                       (other, date(2025, 12, 11), 15)]:
        review_entry(session, log_hours(session, apprenticeship, worked_on=day, hours=hours,
                                        activity="taught", today=AS_OF), "approved")
    record_review(session, staff, held_on=date(2025, 11, 20), today=AS_OF)
    move_status(session, leaver, "withdrawn", effective_on=date(2025, 12, 1),
                reason="Left the council", today=AS_OF)
    add_placement(session, staff, setting="Hospital discharge team",
                  start_date=date(2026, 1, 5), end_date=date(2026, 4, 30))
    # A cohort of the partner organisation (same partnership), and L&D elsewhere.
    partner = world["partner_staff"].organisation
    partner_programme = create_programme(
        session, partner, name="Partner SWDA", G=world["G"],
        qualification_id="social-work-degree-apprenticeship", provider_name="Uni",
        leads_to_role_id="newly-qualified-social-worker")
    partner_cohort = create_cohort(session, partner_programme, name="Partner 2025",
                                   start_date=date(2025, 9, 1),
                                   planned_end_date=date(2028, 8, 31))
    far_lnd = create_person(session, email="far_lnd@example.org", name="Far LND",
                            organisation=world["outsider"].organisation, roles=["lnd"])
    partner_lnd = create_person(session, email="partner_lnd@example.org",
                                name="Partner LND", organisation=partner, roles=["lnd"])
    session.flush()
    return {**{key: person.id for key, person in people.items()}, "cohort": cohort.id,
            "programme": world["programme"].id, "post": world["post"].id,
            "partner_cohort": partner_cohort.id, "partner_programme": partner_programme.id,
            "far_lnd": far_lnd.id, "partner_lnd": partner_lnd.id, "council": cohort.organisation_id,
            "partner": partner.id,
            "apprenticeships": {"staff": staff.id, "colleague": colleague.id,
                                "other_team": other.id, "manager": leaver.id}}


#: The seed pathway, the people and the world above, built once per process and engine.
COHORT_WORLD = seed_world("cohort_world", cohort_world)


database_url, world = world_fixtures(COHORT_WORLD, SEED_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    """Sign in by short name, including ``far_lnd`` and ``partner_lnd``."""
    return lambda key: start_session(app, client, world[key])


def summary_of(app, cohort_id: int, as_of: date | None = None):
    """The domain's summary of a cohort (what the page must show)."""
    from pathways.apprenticeships.progress import Thresholds, cohort_summary
    from webapp.extensions import db

    with app.app_context():
        return cohort_summary(db.session, db.session.get(Cohort, cohort_id), as_of,
                              Thresholds.from_mapping(app.config))


def chart_points(app, cohort_id: int, as_of: date):
    """The domain's two chart series of a cohort."""
    from pathways.apprenticeships.progress import otj_over_time, qualifiers_by_month
    from webapp.extensions import db

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        return otj_over_time(db.session, cohort, as_of), qualifiers_by_month(db.session, cohort)


def count(app, model, **where) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def scalar(app, statement):
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(statement)


def section(text: str, element_id: str) -> str:
    """The HTML of the element with this id, up to its closing tag of the same name."""
    start = text.index(f'id="{element_id}"')
    tag = text.rfind("<", 0, start)
    name = re.match(r"<(\w+)", text[tag:]).group(1)
    return text[tag:text.index(f"</{name}>", start) + len(name) + 3]


def table_counts(text: str, table_id: str, key: str) -> dict[str, int]:
    """``data-<key>`` -> count of a counts table."""
    html = section(text, table_id)
    return {name: int(number) for name, number in re.findall(
        rf'data-{key}="(\w+)">.*?data-count="(\d+)"', html, re.S)}


def apprentice_rows(text: str) -> list[int]:
    """The apprenticeship ids of the apprentices table, in order."""
    if 'id="apprentice-table"' not in text:
        return []
    return [int(i) for i in re.findall(r'data-apprenticeship="(\d+)" data-rag',
                                       section(text, "apprentice-table"))]


def chart_table(text: str, chart_id: str) -> list[tuple[str, float, float]]:
    """(month, first, second) of a chart's table of numbers."""
    html = section(text, f"{chart_id}-numbers")
    return [(month, float(first), float(second)) for month, first, second in re.findall(
        r'data-month="([\d-]+)">.*?data-first="([\d.]+)".*?data-second="([\d.]+)"', html, re.S)]


def linked(text: str, field: str) -> bool:
    """Whether the error summary links to the field (a date input's day box)."""
    return re.search(rf'govuk-error-summary.*href="#{field}(-day)?"', text, re.S) is not None


def has_menu_item(text: str) -> bool:
    """Whether the header's menu links to the cohorts."""
    return re.search(r'govuk-service-navigation__link" href="/cohorts"[^>]*>\s*'
                     r'(<strong[^>]*>)?Cohorts\s*<', text) is not None


def date_parts(name: str, day: date | None = None, raw: tuple[str, str, str] | None = None
               ) -> dict:
    """The three boxes of a GOV.UK date input."""
    if raw is None:
        raw = (str(day.day), str(day.month), str(day.year)) if day else ("", "", "")
    return {name: list(raw)}


# The cohorts list


def test_the_cohorts_list_shows_todays_rag_counts_and_the_programmes(app, client, world,
                                                                      as_person):
    as_person("lnd")
    page = client.get("/cohorts")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    today = summary_of(app, world["cohort"]).counts
    row = section(text, "cohorts")
    assert f'data-cohort="{world["cohort"]}"' in row and "SWDA 2025" in row
    assert "Partner 2025" not in text  # another organisation's cohort
    shown = dict(re.findall(r'data-count="(\w+)">(\d+)<', row))
    assert {rag: int(shown[rag]) for rag in today} == today
    assert int(shown["apprentices"]) == 4
    programmes = section(text, "programmes")
    assert "Social work degree apprenticeship" in programmes
    assert "Northshire University" in programmes
    assert "Newly qualified social worker" in programmes
    for link in ("/cohorts/programmes/new", "/cohorts/new", "/cohorts/posts", "/cohorts/import"):
        assert f'href="{link}"' in text
    assert has_menu_item(text)


def test_an_organisation_with_nothing_yet_is_told_what_to_do_first(app, client, people,
                                                                   enter):
    enter("lnd")
    text = client.get("/cohorts").get_data(as_text=True)
    assert "No cohorts yet" in text and "No programmes yet" in text
    assert client.get("/cohorts/new").status_code == 200
    assert "set up a programme</a> first" in client.get("/cohorts/new").get_data(as_text=True)


def test_the_cohorts_menu_item_is_for_lnd_and_admins_only(client, people, enter):
    enter("staff")
    assert not has_menu_item(client.get("/profile").get_data(as_text=True))
    enter("admin")
    assert has_menu_item(client.get("/profile").get_data(as_text=True))


# Programmes


def programme_form(**changes) -> dict:
    return {"name": "OT degree apprenticeship", "qualification_id": "ot-degree-apprenticeship",
            "provider_name": "Southshire University", "provider_kind": "university",
            "leads_to_role_id": "occupational-therapist", **changes}


def test_a_programme_is_set_up(app, client, world, as_person):
    as_person("lnd")
    page = client.get("/cohorts/programmes/new")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'value="ot-degree-apprenticeship"' in text and "(ST0517)" in text
    assert "Care Certificate (not an apprenticeship)" in text  # any qualification may be one
    answer = client.post("/cohorts/programmes/new", data=programme_form())
    assert answer.status_code == 303 and answer.location.endswith("/cohorts")
    programme = scalar(app, select(Programme).filter_by(name="OT degree apprenticeship"))
    assert (programme.organisation_id, programme.qualification_id, programme.provider_name,
            programme.leads_to_role_id) == (world["council"], "ot-degree-apprenticeship",
                                            "Southshire University", "occupational-therapist")
    assert "Programme OT degree apprenticeship set up" in client.get("/cohorts").get_data(
        as_text=True)


@pytest.mark.parametrize("changes, field, words", [
    ({"name": ""}, "name", "Enter the programme&#39;s name"),
    ({"name": "Social work degree apprenticeship"}, "name", "already has a programme"),
    ({"name": "x" * 201}, "name", "200 characters or fewer"),
    ({"qualification_id": "nonsense"}, "qualification_id", "Choose the qualification"),
    ({"qualification_id": "care-worker"}, "qualification_id", "Choose the qualification"),
    ({"leads_to_role_id": "care-worker"}, "leads_to_role_id", "has no move from"),
    ({"leads_to_role_id": ""}, "leads_to_role_id", "Choose the role it leads to"),
    ({"provider_name": "  "}, "provider_name", "Enter the training provider"),
    ({"provider_kind": "hedge_school"}, "provider_kind", "Choose the kind of provider"),
])
def test_a_bad_programme_is_refused_and_nothing_written(app, client, world, as_person,
                                                         changes, field, words):
    as_person("lnd")
    before = count(app, Programme)
    answer = client.post("/cohorts/programmes/new", data=programme_form(**changes))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert ERROR_SUMMARY in text and words in text and linked(text, field)
    assert count(app, Programme) == before


# Cohorts


def cohort_form(programme: int, **changes) -> dict:
    form = {"programme_id": str(programme), "name": "SWDA 2026",
            **date_parts("start_date", date(2026, 9, 1)),
            **date_parts("planned_end_date", date(2029, 8, 31)),
            "provider_contact": "Jo Lee, jo@uni.example", "budget_kind": "co_investment",
            "budget_gbp": "£50,000.50"}
    return {**form, **changes}


def test_a_cohort_is_started(app, client, world, as_person):
    as_person("lnd")
    page = client.get("/cohorts/new")
    assert page.status_code == 200
    assert f'value="{world["programme"]}"' in page.get_data(as_text=True)
    assert f'value="{world["partner_programme"]}"' not in page.get_data(as_text=True)
    answer = client.post("/cohorts/new", data=cohort_form(world["programme"]))
    assert answer.status_code == 303
    cohort = scalar(app, select(Cohort).filter_by(name="SWDA 2026"))
    assert answer.location.endswith(f"/cohorts/{cohort.id}")
    assert (cohort.organisation_id, cohort.programme_id, cohort.start_date,
            cohort.planned_end_date, cohort.provider_contact, cohort.budget_kind,
            cohort.budget_gbp) == (world["council"], world["programme"], date(2026, 9, 1),
                                   date(2029, 8, 31), "Jo Lee, jo@uni.example",
                                   "co_investment", Decimal("50000.50"))
    text = client.get(answer.location).get_data(as_text=True)
    assert "Cohort SWDA 2026 started" in text and "Nobody is enrolled yet" in text


@pytest.mark.parametrize("changes, field, words", [
    ({"name": ""}, "name", "Enter the cohort&#39;s name"),
    ({"name": "swda 2025"}, "name", "already a cohort called"),
    ({"programme_id": ""}, "programme_id", "Choose the programme"),
    ({"programme_id": "999999"}, "programme_id", "Choose the programme"),
    ({"programme_id": "99999999999999999999"}, "programme_id", "Choose the programme"),
    ({"programme_id": "partner"}, "programme_id", "Choose the programme"),
    (date_parts("start_date", raw=("31", "2", "2026")), "start_date", "must be a real date"),
    (date_parts("start_date", raw=("", "", "")), "start_date", "Enter the start date"),
    (date_parts("start_date", raw=("1", "9", "1")), "start_date", "must be a real date"),
    (date_parts("start_date", raw=("1", "9", "1999")), "start_date", "from 2000 to 2099"),
    (date_parts("start_date", raw=("1", "9", "99999")), "start_date", "must be a real date"),
    ({"start_date": ["1", "9"]}, "start_date", "must be a real date"),
    (date_parts("planned_end_date", date(2026, 8, 31)), "planned_end_date",
     "Must be after the start date"),
    ({"budget_kind": "lottery"}, "budget_kind", "Choose how the cohort is paid for"),
    ({"budget_gbp": "-5"}, "budget_gbp", "Must be 0 or more"),
    ({"budget_gbp": "lots"}, "budget_gbp", "is not an amount of money"),
    ({"budget_gbp": "1e20"}, "budget_gbp", "less than £10,000,000,000"),
    ({"budget_gbp": "NaN"}, "budget_gbp", "Must be 0 or more"),
    ({"provider_contact": "x" * 301}, "provider_contact", "300 characters or fewer"),
])
def test_a_bad_cohort_is_refused_and_nothing_written(app, client, world, as_person, changes,
                                                      field, words):
    as_person("lnd")
    if changes.get("programme_id") == "partner":
        changes = {"programme_id": str(world["partner_programme"])}
    before = count(app, Cohort)
    answer = client.post("/cohorts/new", data=cohort_form(world["programme"], **changes))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert ERROR_SUMMARY in text and words in text and linked(text, field)
    assert count(app, Cohort) == before


def test_a_date_problem_links_to_its_day_box(client, world, as_person):
    as_person("lnd")
    answer = client.post("/cohorts/new", data=cohort_form(
        world["programme"], **date_parts("start_date", raw=("31", "2", "2026"))))
    assert answer.status_code == 400
    assert 'href="#start_date-day"' in answer.get_data(as_text=True)


# The dashboard


def test_the_dashboard_shows_the_summarys_numbers(app, client, world, as_person):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF.isoformat()}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    summary = summary_of(app, world["cohort"], AS_OF)
    assert table_counts(text, "rag-counts", "rag") == summary.counts == {
        "red": 1, "amber": 1, "green": 1, "grey": 1}
    assert table_counts(text, "status-counts", "status") == summary.status_counts == {
        "active": 3, "withdrawn": 1}
    ids = world["apprenticeships"]
    rags = dict(re.findall(r'data-apprenticeship="(\d+)" data-rag="(\w+)"', text))
    assert rags == {str(ids["staff"]): "green", str(ids["colleague"]): "red",
                    str(ids["other_team"]): "amber", str(ids["manager"]): "grey"}
    staff_row = re.search(rf'data-apprenticeship="{ids["staff"]}" data-rag.*?</tr>', text,
                          re.S).group(0)
    expected = 187 * (AS_OF - date(2025, 9, 1)).days / (date(2028, 8, 31) - date(2025, 9, 1)).days
    assert 'data-otj-logged="30.0"' in staff_row and 'data-otj-required="187"' in staff_row
    assert f'data-otj-expected="{round(expected, 2)}"' in staff_row
    assert 'data-missing-educator="yes"' in staff_row and "SW-101" in staff_row
    assert f'href="/apprenticeships/{ids["staff"]}"' in staff_row
    colleague_row = re.search(rf'data-apprenticeship="{ids["colleague"]}" data-rag.*?</tr>',
                              text, re.S).group(0)
    assert 'data-review-overdue="yes"' in colleague_row and "(no post yet)" in colleague_row
    unallocated = section(text, "unallocated")
    assert f'data-apprenticeship="{ids["staff"]}"' in unallocated
    assert "1 current or future placement with no practice educator" in unallocated
    assert f'data-apprenticeship="{ids["colleague"]}"' not in unallocated
    assert f'href="/cohorts/{world["cohort"]}/apprentices.csv?as_of=2026-01-31"' in text
    assert f'href="/cohorts/{world["cohort"]}/apprentices.xlsx?as_of=2026-01-31"' in text
    assert f'href="/cohorts/{world["cohort"]}/enrol"' in text
    assert "data-otj-pending" not in text  # every hour of the world is approved


def test_hours_waiting_for_approval_show_beside_the_logged_hours(app, client, world,
                                                                 as_person):
    from pathways.apprenticeships.records import log_hours
    from webapp.extensions import db

    ids = world["apprenticeships"]
    with app.app_context():
        log_hours(db.session, db.session.get(Apprenticeship, ids["colleague"]),
                  worked_on=date(2026, 1, 12), hours="24", activity="taught", today=AS_OF)
        db.session.commit()
    as_person("lnd")
    text = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}").get_data(as_text=True)
    colleague_row = re.search(rf'data-apprenticeship="{ids["colleague"]}" data-rag.*?</tr>',
                              text, re.S).group(0)
    # 5 + 24 would be on track (25.9 expected), but the 24 are not approved: still red
    assert 'data-otj-logged="5.0"' in colleague_row and 'data-rag="red"' in colleague_row
    assert 'data-otj-pending="24.0"' in colleague_row and "(+24 pending)" in colleague_row


def test_the_apprentices_are_urgent_first_by_default(app, client, world, as_person):
    as_person("lnd")
    text = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}").get_data(as_text=True)
    ids = world["apprenticeships"]
    order = [row.apprenticeship_id for row in summary_of(app, world["cohort"], AS_OF).apprentices]
    # Overdue reviews first (red before amber), then the missing educator, then the rest.
    assert apprentice_rows(text) == order == [ids["colleague"], ids["other_team"], ids["staff"],
                                              ids["manager"]]


@pytest.mark.parametrize("sort, names", [
    ("name", ["colleague", "manager", "other_team", "staff"]),
    ("rag", ["colleague", "other_team", "staff", "manager"]),
    # Logged minus expected, lowest first: the leaver logged nothing.
    ("otj", ["manager", "colleague", "other_team", "staff"]),
    ("urgency", ["colleague", "other_team", "staff", "manager"]),
])
def test_the_apprentices_can_be_sorted(client, world, as_person, sort, names):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}&sort={sort}")
    assert page.status_code == 200
    ids = world["apprenticeships"]
    assert apprentice_rows(page.get_data(as_text=True)) == [ids[name] for name in names]


@pytest.mark.parametrize("rag, names", [
    ("red", ["colleague"]), ("amber", ["other_team"]), ("green", ["staff"]),
    ("grey", ["manager"]), ("", ["colleague", "other_team", "staff", "manager"]),
])
def test_the_apprentices_can_be_filtered_by_rag(client, world, as_person, rag, names):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}&rag={rag}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    ids = world["apprenticeships"]
    assert apprentice_rows(text) == [ids[name] for name in names]
    # The counts stay the whole cohort's.
    assert sum(table_counts(text, "rag-counts", "rag").values()) == 4


def test_a_filter_nobody_matches_says_so(app, client, world, as_person):
    as_person("lnd")
    text = client.get(f"/cohorts/{world['cohort']}?as_of={EARLY}&rag=red").get_data(
        as_text=True)
    assert apprentice_rows(text) == [] and "No apprentices with RAG red" in text


def test_the_date_changes_the_counts(app, client, world, as_person):
    as_person("lnd")
    early = client.get(f"/cohorts/{world['cohort']}?as_of={EARLY}").get_data(as_text=True)
    late = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}").get_data(as_text=True)
    assert table_counts(early, "rag-counts", "rag") == summary_of(
        app, world["cohort"], EARLY).counts == {"red": 0, "amber": 3, "green": 1, "grey": 0}
    assert table_counts(late, "rag-counts", "rag") != table_counts(early, "rag-counts", "rag")
    # The leaver had not left yet in October.
    assert table_counts(early, "status-counts", "status") == {"active": 4}
    assert "On 15 October 2025" in early and "On 31 January 2026" in late


def test_the_default_date_is_today(app, client, world, as_person):
    as_person("lnd")
    text = client.get(f"/cohorts/{world['cohort']}").get_data(as_text=True)
    today = clock.today()
    assert f"On {today.day} {today.strftime('%B %Y')}" in text
    assert f'href="/cohorts/{world["cohort"]}/apprentices.csv"' in text
    assert table_counts(text, "rag-counts", "rag") == summary_of(app, world["cohort"]).counts


def test_the_charts_are_images_with_their_numbers_in_tables(app, client, world, as_person):
    as_person("lnd")
    text = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}").get_data(as_text=True)
    otj, qualifiers = chart_points(app, world["cohort"], AS_OF)
    assert chart_table(text, "otj-chart") == [
        (point.month.strftime("%Y-%m"), point.first, point.second) for point in otj]
    months = [row[0] for row in chart_table(text, "otj-chart")]
    assert months == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
    # Counted hours by each month end (the leaver's history left out: they logged nothing).
    assert [row[1] for row in chart_table(text, "otj-chart")] == [15, 15, 15, 65, 65]
    assert chart_table(text, "qualifiers-chart") == [
        (point.month.strftime("%Y-%m"), point.first, point.second) for point in qualifiers]
    # other_team finishes in June 2028; staff (holding SW-101) and colleague in August.
    assert chart_table(text, "qualifiers-chart") == [("2028-06", 1, 0), ("2028-08", 2, 1)]
    for chart_id, title in [
            ("otj-chart", "Off-the-job hours logged against expected"),
            ("qualifiers-chart", "Expected qualifiers by month against posts held")]:
        svg = section(text, chart_id)
        assert svg.startswith("<svg") and 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">{title}</title>' in svg
        assert "style=" not in svg and "<script" not in svg
    assert text.count("Show the numbers") == 2
    assert len(re.findall(r"<rect ", section(text, "qualifiers-chart"))) == 4


def test_the_last_day_allowed_shows_everyone_past_their_end(app, client, world, as_person):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}?as_of=2099-12-31")
    assert page.status_code == 200
    counts = table_counts(page.get_data(as_text=True), "rag-counts", "rag")
    assert counts == summary_of(app, world["cohort"], date(2099, 12, 31)).counts == {
        "red": 3, "amber": 0, "green": 0, "grey": 1}


def test_chart_words_are_escaped_and_counts_keep_whole_gridlines():
    from webapp.charts import Series, bar_chart

    svg = str(bar_chart("c", 'Posts <script>"x"</script>', "A & B", ["<b>Jun</b>"],
                        [Series("Expected", [3]), Series("Held", [1])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;Jun" in svg
    assert "A &amp; B" in svg and "style=" not in svg
    assert re.findall(r'text-anchor="end">([\d.]+)<', svg) == ["0", "1", "2", "3"]


def test_a_cohort_without_placements_says_nothing_of_practice_educators(app, client, world,
                                                                         as_person):
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
    from pathways.models import Organisation, Person
    from webapp.extensions import current_graph, db

    with app.app_context():
        council = db.session.get(Organisation, world["council"])
        programme = create_programme(
            db.session, council, name="Lead adult care worker", G=current_graph(),
            qualification_id="lead-adult-care-worker-apprenticeship", provider_name="College",
            leads_to_role_id="senior-care-worker")
        cohort = create_cohort(db.session, programme, name="Level 3 2025",
                               start_date=date(2025, 9, 1), planned_end_date=date(2027, 2, 28))
        enrol(db.session, cohort, db.session.get(Person, world["champion"]),
              start_date=date(2025, 9, 1), planned_end_date=date(2027, 2, 28),
              weekly_hours=37.5)
        db.session.commit()
        level_3 = cohort.id
    as_person("lnd")
    text = client.get(f"/cohorts/{level_3}").get_data(as_text=True)
    assert "data-apprenticeship=" in text
    assert "Practice educator" not in text and "None missing" not in text
    assert "Placements without a practice educator" not in text
    social_work = client.get(f"/cohorts/{world['cohort']}").get_data(as_text=True)
    assert "Practice educator" in social_work and "None missing" in social_work


def test_a_day_before_the_start_has_no_chart_yet(client, world, as_person):
    as_person("lnd")
    text = client.get(f"/cohorts/{world['cohort']}?as_of=2025-08-01").get_data(as_text=True)
    assert "No off-the-job hours are expected yet" in text
    # Nobody has started: not active and green, but not started yet, nothing to track.
    assert table_counts(text, "rag-counts", "rag")["grey"] == 4
    assert text.count('data-status="not_started">Not started yet<') == 4


@pytest.mark.parametrize("query, field, words", [
    ("as_of=2026-02-30", "as_of", "YYYY-MM-DD"),
    ("as_of=yesterday", "as_of", "YYYY-MM-DD"),
    ("as_of=31/01/2026", "as_of", "YYYY-MM-DD"),
    ("as_of=9999-12-31", "as_of", "from 2000-01-01 to 2099-12-31"),
    ("as_of=0001-01-01", "as_of", "from 2000-01-01 to 2099-12-31"),
    ("as_of=" + "9" * 5000, "as_of", "YYYY-MM-DD"),
    ("as_of=%00", "as_of", "YYYY-MM-DD"),
    ("rag=purple", "rag", "Choose red, amber, green or grey"),
    ("sort=random", "sort", "Choose one of urgency, name, rag, otj"),
])
def test_a_bad_query_shows_the_page_with_its_problem(client, world, as_person, query, field,
                                                      words):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}?{query}")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert ERROR_SUMMARY in text and words in text and linked(text, field)
    assert 'id="rag-counts"' in text  # the page is still shown, for today or unfiltered


# Enrolment


def enrol_form(person_id, **changes) -> dict:
    return {"person_id": str(person_id), **date_parts("start_date", date(2025, 9, 1)),
            **date_parts("planned_end_date", date(2028, 8, 31)), "weekly_hours": "37.5",
            "guaranteed_post": "", "guaranteed_role_id": "", **changes}


def add_post(app, world, reference="SW-102", state_for=None) -> int:
    """A vacant post of the council (reserved for ``state_for``'s apprenticeship if given)."""
    from pathways.apprenticeships.posts import create_post
    from webapp.extensions import db

    with app.app_context():
        post = create_post(db.session, db.session.get(Organisation, world["council"]),
                           reference=reference, role_id="newly-qualified-social-worker")
        db.session.commit()
        return post.id


def test_the_enrol_form_offers_the_organisations_people_not_yet_enrolled(app, client, world,
                                                                         as_person):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}/enrol")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    offered = set(re.findall(r'<option value="(\d+)"', section(text, "person_id")))
    assert str(world["champion"]) in offered and str(world["lnd"]) in offered
    assert str(world["staff"]) not in offered  # already enrolled
    assert str(world["partner_staff"]) not in offered and str(world["outsider"]) not in offered
    assert 'value="01"' in text and 'value="09"' in text and 'value="2025"' in text  # default start
    vacant = section(text, "guaranteed_post")
    assert "SW-101" not in vacant  # reserved for staff


def test_the_enrol_form_offers_a_few_people_and_finds_the_others(app, client, world,
                                                                  as_person):
    """A large organisation's people are not all in the select box: the first by name, the
    others found by a search (a GET form, no JavaScript needed) or the JSON endpoint."""
    from pathways.models import Person
    from pathways.people.accounts import create_person
    from webapp.extensions import db

    with app.app_context():
        council = db.session.get(Person, world["staff"]).organisation
        for number in range(30):
            create_person(db.session, email=f"yy{number:02}@example.org",
                          name=f"Yolanda {number:02}", organisation=council, roles=["staff"])
        db.session.commit()
        far = db.session.scalars(select(Person).where(Person.name == "Yolanda 29")).one().id
    as_person("lnd")
    address = f"/cohorts/{world['cohort']}/enrol"
    page = client.get(address).text
    offered = re.findall(r'<option value="(\d+)"', section(page, "person_id"))
    assert len(offered) == 20 and str(far) not in offered and "search to find others" in page
    found = client.get(f"{address}?person_q=YOLANDA 2").text
    names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', section(found, "person_id"))
    assert names == [f"Yolanda 2{n} (yy2{n}@example.org)" for n in range(10)]
    assert f'action="{address}?person_q=YOLANDA+2"' in found
    answer = client.post(address, data=enrol_form(far))  # not among the first offered
    assert answer.status_code == 303
    assert scalar(app, select(Apprenticeship).filter_by(person_id=far)).cohort_id == world[
        "cohort"]
    # The JSON search: a page at a time, within the organisation, never the enrolled.
    first = client.get(f"{address}/people.json?q=yolanda").get_json()
    assert len(first["people"]) == 20 and first["next"]
    rest = client.get(first["next"]).get_json()
    emails = [p["email"] for p in first["people"] + rest["people"]]
    assert len(emails) == 29 and "yy29@example.org" not in emails and rest["next"] is None
    assert client.get(f"{address}/people.json?q=%00").status_code == 400
    assert client.get(f"{address}/people.json?after=nonsense").status_code == 200
    partner = f"/cohorts/{world['partner_cohort']}/enrol/people.json"
    assert client.get(partner).status_code == 404
    as_person("staff")
    assert client.get(f"{address}/people.json").status_code == 403


def test_the_enrol_form_offers_a_few_vacant_posts_and_finds_the_others(app, client, world,
                                                                       as_person):
    """A large organisation's vacant posts are not all in the guaranteed post's select box:
    the first by reference, the others found by a search (a GET form, no JavaScript needed)
    or the JSON endpoint; the page takes the same queries with 3 posts or 40."""
    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    as_person("lnd")
    address = f"/cohorts/{world['cohort']}/enrol"
    for number in range(3):
        add_post(app, world, f"PX-{number:03}")
    client.get(address)
    with counting(engine) as small:
        client.get(address)
    ids = [add_post(app, world, f"PX-{number:03}") for number in range(3, 40)]
    with counting(engine) as large:
        page = client.get(address).text
    assert large.count == small.count, large.statements
    offered = re.findall(r'<option value="(\d+)"', section(page, "guaranteed_post"))
    assert len(offered) == 20 and str(ids[-1]) not in offered
    assert "the first 20; search to find others" in page
    assert 'data-search-url="' + address + '/posts.json"' in page
    found = client.get(f"{address}?post_q=px-03").text
    references = re.findall(r'<option value="\d+"[^>]*>(PX-[^ ]+) ', section(found,
                                                                          "guaranteed_post"))
    assert references == [f"PX-03{n}" for n in range(10)]
    assert f'action="{address}?post_q=px-03"' in found
    by_role = client.get(f"{address}?post_q=Newly qualified").text
    assert len(re.findall(r'<option value="(\d+)"', section(by_role, "guaranteed_post"))) == 20
    assert "SW-101" not in section(by_role, "guaranteed_post")  # reserved, not vacant
    answer = client.post(address, data=enrol_form(world["champion"],
                                                  guaranteed_post=str(ids[-1])))
    assert answer.status_code == 303  # not among the first offered
    assert scalar(app, select(Post.state).filter_by(id=ids[-1])) == "reserved"
    first = client.get(f"{address}/posts.json?q=px").get_json()
    assert len(first["posts"]) == 20 and first["next"]
    assert first["posts"][0] == {"id": scalar(app, select(Post.id).filter_by(
        reference="PX-000")), "reference": "PX-000", "role": "newly-qualified-social-worker",
        "role_title": "Newly qualified social worker (ASYE)"}
    rest = client.get(first["next"]).get_json()
    assert [p["reference"] for p in first["posts"] + rest["posts"]] == [
        f"PX-{n:03}" for n in range(39)] and rest["next"] is None  # PX-039 is reserved now
    assert client.get(f"{address}/posts.json?q=%00").status_code == 400
    assert "The search" in client.get(f"{address}?post_q=%00").text
    assert client.get(f"{address}/posts.json?after=nonsense").status_code == 200
    assert client.get(f"/cohorts/{world['partner_cohort']}/enrol/posts.json").status_code == 404
    as_person("staff")
    assert client.get(f"{address}/posts.json").status_code == 403


def test_an_apprentice_is_enrolled_with_a_vacant_post(app, client, world, as_person):
    as_person("lnd")
    post_id = add_post(app, world)
    answer = client.post(f"/cohorts/{world['cohort']}/enrol", data=enrol_form(
        world["champion"], guaranteed_post=str(post_id)))
    assert answer.status_code == 303 and answer.location.endswith(f"/cohorts/{world['cohort']}")
    apprenticeship = scalar(app, select(Apprenticeship).filter_by(person_id=world["champion"]))
    assert (apprenticeship.cohort_id, apprenticeship.start_date, apprenticeship.weekly_hours,
            apprenticeship.funding_year, apprenticeship.otj_required_hours,
            apprenticeship.guaranteed_role_id) == (
        world["cohort"], date(2025, 9, 1), Decimal("37.5"), "2025/26", 187,
        "newly-qualified-social-worker")
    post = scalar(app, select(Post).filter_by(id=post_id))
    assert (post.state, post.apprenticeship_id) == ("reserved", apprenticeship.id)
    text = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}").get_data(as_text=True)
    assert "champion enrolled on SWDA 2025: 187 hours off the job required" in text
    assert apprenticeship.id in apprentice_rows(text)


def test_an_apprentice_is_enrolled_with_a_guaranteed_role(app, client, world, as_person):
    as_person("lnd")
    answer = client.post(f"/cohorts/{world['cohort']}/enrol", data=enrol_form(
        world["champion"], guaranteed_role_id="social-worker"))
    assert answer.status_code == 303
    apprenticeship = scalar(app, select(Apprenticeship).filter_by(person_id=world["champion"]))
    assert apprenticeship.guaranteed_role_id == "social-worker"


@pytest.mark.parametrize("changes, field, words", [
    ({"person_id": ""}, "person_id", "Choose who to enrol"),
    ({"person_id": "staff"}, "person_id", "Choose who to enrol"),  # already enrolled
    ({"person_id": "partner_staff"}, "person_id", "Choose who to enrol"),
    ({"person_id": "99999999999999"}, "person_id", "Choose who to enrol"),
    ({"weekly_hours": "-3"}, "weekly_hours", "Must be more than 0 and at most 60"),
    ({"weekly_hours": "0"}, "weekly_hours", "Must be more than 0 and at most 60"),
    ({"weekly_hours": "61"}, "weekly_hours", "Must be more than 0 and at most 60"),
    ({"weekly_hours": "1e9"}, "weekly_hours", "Must be more than 0 and at most 60"),
    ({"weekly_hours": "lots"}, "weekly_hours", "Weekly hours must be a number"),
    ({"weekly_hours": "0.001"}, "weekly_hours", "Weekly hours must be a number"),
    ({"weekly_hours": "Infinity"}, "weekly_hours", "Weekly hours must be a number"),
    ({"weekly_hours": ""}, "weekly_hours", "Enter the contracted hours a week"),
    (date_parts("start_date", raw=("30", "2", "2026")), "start_date", "must be a real date"),
    (date_parts("planned_end_date", date(2025, 8, 1)), "planned_end_date",
     "Must be after the start date"),
    (date_parts("planned_end_date", raw=("1", "1", "3000")), "planned_end_date",
     "from 2000 to 2099"),
    ({"guaranteed_post": "reserved"}, "guaranteed_post", "Choose a vacant post"),
    ({"guaranteed_post": "99999999999999"}, "guaranteed_post", "Choose a vacant post"),
    ({"guaranteed_role_id": "nonsense"}, "guaranteed_role_id", "Choose a role"),
    ({"guaranteed_post": "vacant", "guaranteed_role_id": "social-worker"},
     "guaranteed_role_id", "not both"),
])
def test_a_bad_enrolment_is_refused_and_nothing_written(app, client, world, as_person,
                                                         changes, field, words):
    as_person("lnd")
    vacant = add_post(app, world)
    names = {"staff": world["staff"], "partner_staff": world["partner_staff"],
             "reserved": world["post"], "vacant": vacant}
    changes = {key: str(names.get(value, value)) if isinstance(value, str) else value
               for key, value in changes.items()}
    person = changes.pop("person_id", world["champion"])
    before = count(app, Apprenticeship)
    answer = client.post(f"/cohorts/{world['cohort']}/enrol",
                         data=enrol_form(person, **changes))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert ERROR_SUMMARY in text and words in text and linked(text, field)
    assert count(app, Apprenticeship) == before
    assert scalar(app, select(Post.state).filter_by(id=vacant)) == "vacant"


# Posts


def test_the_posts_page_lists_each_post_with_who_it_is_held_for(app, client, world,
                                                                as_person):
    as_person("lnd")
    add_post(app, world)
    page = client.get("/cohorts/posts")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    held = re.search(r'data-post="SW-101" data-state="reserved".*?</tr>', text, re.S).group(0)
    assert "staff</a>, SW" in held and "Release" in held
    assert f'href="/apprenticeships/{world["apprenticeships"]["staff"]}"' in held
    vacant = re.search(r'data-post="SW-102" data-state="vacant".*?</tr>', text, re.S).group(0)
    assert "Nobody" in vacant and "Release" not in vacant
    assert 'href="/cohorts/posts.csv"' in text and 'href="/cohorts/posts.xlsx"' in text


def test_a_post_is_added(app, client, world, as_person):
    as_person("lnd")
    team = scalar(app, select(Team.id).filter_by(name="Home care"))
    answer = client.post("/cohorts/posts", data={
        "reference": "SW-103", "role_id": "social-worker", "team_id": str(team)})
    assert answer.status_code == 303 and answer.location.endswith("/cohorts/posts")
    post = scalar(app, select(Post).filter_by(reference="SW-103"))
    assert (post.organisation_id, post.role_id, post.team_id, post.state,
            post.apprenticeship_id) == (world["council"], "social-worker", team, "vacant", None)
    assert "Post SW-103 added, vacant" in client.get("/cohorts/posts").get_data(as_text=True)


@pytest.mark.parametrize("form, field, words", [
    ({"reference": "", "role_id": "social-worker"}, "reference", "Enter the post&#39;s reference"),
    ({"reference": "sw-101", "role_id": "social-worker"}, "reference", "already a post"),
    ({"reference": "x" * 51, "role_id": "social-worker"}, "reference", "50 characters or fewer"),
    ({"reference": "SW-9", "role_id": "nonsense"}, "role_id", "Choose the post&#39;s role"),
    ({"reference": "SW-9", "role_id": ""}, "role_id", "Choose the post&#39;s role"),
    ({"reference": "SW-9", "role_id": "social-worker", "team_id": "99999999999"}, "team_id",
     "Choose a team"),
    ({"reference": "SW-9", "role_id": "social-worker", "team_id": "partner"}, "team_id",
     "Choose a team"),
])
def test_a_bad_post_is_refused_and_nothing_written(app, client, world, as_person, form, field,
                                                    words):
    from pathways.people.accounts import team_named
    from webapp.extensions import db

    if form.get("team_id") == "partner":
        with app.app_context():
            team = team_named(db.session, db.session.get(Organisation, world["partner"]),
                              "Partner team")
            db.session.commit()
            form = {**form, "team_id": str(team.id)}
    as_person("lnd")
    before = count(app, Post)
    answer = client.post("/cohorts/posts", data=form)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert ERROR_SUMMARY in text and words in text and linked(text, field)
    assert count(app, Post) == before


def test_a_held_post_is_released_to_vacant(app, client, world, as_person):
    as_person("lnd")
    asked = client.post(f"/cohorts/posts/{world['post']}/release")  # "Are you sure?" first
    assert asked.status_code == 200 and "Release post SW-101?" in asked.text
    assert scalar(app, select(Post.state).filter_by(id=world["post"])) == "reserved"
    answer = client.post(f"/cohorts/posts/{world['post']}/release", data={"confirm": "yes"})
    assert answer.status_code == 303
    post = scalar(app, select(Post).filter_by(id=world["post"]))
    assert (post.state, post.apprenticeship_id) == ("vacant", None)
    assert "Post SW-101 is vacant again (it was reserved)" in client.get(
        "/cohorts/posts").get_data(as_text=True)


def test_releasing_a_vacant_post_is_refused_not_an_error(app, client, world, as_person):
    as_person("lnd")
    vacant = add_post(app, world)
    answer = client.post(f"/cohorts/posts/{vacant}/release")
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert ERROR_SUMMARY in text and "cannot go from vacant to vacant" in text
    assert f'href="#post-{vacant}"' in text
    assert scalar(app, select(Post.state).filter_by(id=vacant)) == "vacant"


# Who may do what


PAGES = ["/cohorts", "/cohorts/programmes/new", "/cohorts/new", "/cohorts/{cohort}",
         "/cohorts/{cohort}/enrol", "/cohorts/posts"]
COHORT_PAGES = ["/cohorts/{cohort}", "/cohorts/{cohort}/enrol"]


@pytest.mark.parametrize("actor, status", [
    ("lnd", 200), ("admin", 200), ("partnership_lnd", 200),
    ("staff", 403), ("manager", 403), ("champion", 403),
])
@pytest.mark.parametrize("path", PAGES)
def test_who_may_see_the_pages(client, world, as_person, actor, status, path):
    as_person(actor)
    assert client.get(path.format(cohort=world["cohort"])).status_code == status


@pytest.mark.parametrize("actor, status", [
    ("partnership_lnd", 200), ("partner_lnd", 200), ("lnd", 404), ("admin", 404),
    ("far_lnd", 404), ("partner_staff", 403), ("outsider", 404),
])
@pytest.mark.parametrize("path", COHORT_PAGES)
def test_another_organisations_cohort_is_hidden_unless_in_partnership_reach(
        client, world, as_person, actor, status, path):
    as_person(actor)
    assert client.get(path.format(cohort=world["partner_cohort"])).status_code == status


@pytest.mark.parametrize("actor", ["far_lnd", "partner_lnd", "outsider"])
@pytest.mark.parametrize("path", COHORT_PAGES)
def test_the_councils_cohort_is_not_found_for_other_organisations(client, world, as_person,
                                                                   actor, path):
    as_person(actor)
    assert client.get(path.format(cohort=world["cohort"])).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, world, path):
    answer = client.get(path.format(cohort=world["cohort"]))
    assert answer.status_code == LOGIN and "/login" in answer.location


@pytest.mark.parametrize("path", ["/cohorts/99999999", "/cohorts/2147483648",
                                  "/cohorts/99999999999999999999/enrol",
                                  "/cohorts/-1", "/cohorts/abc"])
def test_unknown_and_huge_ids_are_not_found(client, world, as_person, path):
    as_person("lnd")
    assert client.get(path).status_code == 404
    assert client.post("/cohorts/posts/99999999999999/release").status_code == 404


@pytest.mark.parametrize("actor, status", [("staff", 403), ("manager", 403),
                                           ("far_lnd", 404), ("partner_lnd", 404)])
def test_changes_by_people_who_may_not_are_refused_and_nothing_written(
        app, client, world, as_person, actor, status):
    as_person(actor)
    cohort = world["cohort"]
    counts = (count(app, Apprenticeship), count(app, Post))
    assert client.post(f"/cohorts/{cohort}/enrol",
                       data=enrol_form(world["champion"])).status_code == status
    assert client.post(f"/cohorts/posts/{world['post']}/release").status_code == status
    assert (count(app, Apprenticeship), count(app, Post)) == counts
    assert scalar(app, select(Post.state).filter_by(id=world["post"])) == "reserved"
    if actor in ("staff", "manager"):  # their own organisation's forms: forbidden
        assert client.post("/cohorts/programmes/new", data=programme_form()).status_code == 403
        assert client.post("/cohorts/new", data=cohort_form(world["programme"])).status_code == 403
        assert client.post("/cohorts/posts", data={"reference": "X", "role_id": "social-worker"}
                           ).status_code == 403
        assert count(app, Programme) == 2 and count(app, Cohort) == 2


def test_the_partnership_lnd_enrols_on_a_partner_cohort_from_its_people_only(
        app, client, world, as_person):
    as_person("partnership_lnd")
    text = client.get(f"/cohorts/{world['partner_cohort']}/enrol").get_data(as_text=True)
    offered = set(re.findall(r'<option value="(\d+)"', section(text, "person_id")))
    assert str(world["partner_staff"]) in offered and str(world["champion"]) not in offered
    answer = client.post(f"/cohorts/{world['partner_cohort']}/enrol",
                         data=enrol_form(world["partner_staff"]))
    assert answer.status_code == 303
    assert count(app, Apprenticeship, cohort_id=world["partner_cohort"]) == 1


def test_the_posts_page_pages_by_keyset_in_a_fixed_number_of_queries(app, client, world,
                                                                      as_person):
    from html import unescape

    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    as_person("lnd")
    for number in range(3):
        add_post(app, world, f"ZZ-{number:03}")
    client.get("/cohorts/posts")
    with counting(engine) as small:
        client.get("/cohorts/posts")
    for number in range(3, 70):
        add_post(app, world, f"ZZ-{number:03}")
    with counting(engine) as large:
        first = client.get("/cohorts/posts").text
    assert large.count == small.count, large.statements
    shown = re.findall(r'data-post="([^"]+)"', first)
    assert len(shown) == 50 and shown == sorted(shown)
    following = unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)[1])
    second = re.findall(r'data-post="([^"]+)"', client.get(following).text)
    assert second[-1] == "ZZ-069" and not set(shown) & set(second)


def test_the_dashboard_sends_its_apprentices_a_page_at_a_time(app, client, world, as_person,
                                                              monkeypatch):
    from html import unescape

    from webapp.views import cohorts

    as_person("lnd")
    address = f"/cohorts/{world['cohort']}?as_of={AS_OF}"
    everyone = apprentice_rows(client.get(address).text)
    assert len(everyone) >= 2
    monkeypatch.setattr(cohorts, "APPRENTICES_PAGE", 1)
    first = client.get(address).text
    assert apprentice_rows(first) == everyone[:1] and 'rel="next"' in first
    assert f"{len(everyone)} apprentices" in first
    following = unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)[1])
    assert f"as_of={AS_OF}" in following and following.endswith("#apprentices")
    second = client.get(following).text
    assert apprentice_rows(second) == everyone[1:2] and 'rel="prev"' in second
    assert f"as_of={AS_OF}" in re.search(r'href="([^"]*)" rel="prev"', second)[1]
    assert client.get(f"{address}&page=99999999999999999").status_code == 200
    assert apprentice_rows(client.get(f"{address}&after=nonsense&page=7").text) == everyone[:1]


@pytest.mark.parametrize("status, names", [
    ("active", ["colleague", "other_team", "staff"]), ("withdrawn", ["manager"]),
    ("qualified", []),
])
def test_the_apprentices_can_be_filtered_by_status_on_the_day(client, world, as_person,
                                                              status, names):
    as_person("lnd")
    page = client.get(f"/cohorts/{world['cohort']}?as_of={AS_OF}&status={status}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    ids = world["apprenticeships"]
    assert apprentice_rows(text) == [ids[name] for name in names]
    assert sum(table_counts(text, "rag-counts", "rag").values()) == 4
    if not names:
        assert "No apprentices with status qualified on this day" in text
    # Before the leaver left, nobody was withdrawn.
    early = client.get(f"/cohorts/{world['cohort']}?as_of={EARLY}&status=withdrawn").text
    assert apprentice_rows(early) == []


def test_the_dashboard_takes_the_same_queries_whatever_the_cohorts_size(app, client, world,
                                                                        as_person):
    from pathways.apprenticeships.setup import enrol
    from pathways.models import Person
    from pathways.people.accounts import create_person
    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    as_person("lnd")
    address = f"/cohorts/{world['cohort']}?as_of={AS_OF}"
    client.get(address)
    with counting(engine) as small:
        client.get(address)
    with app.app_context():
        cohort = db.session.get(Cohort, world["cohort"])
        council = db.session.get(Person, world["staff"]).organisation
        for number in range(60):
            person = create_person(db.session, email=f"many{number:02}@example.org",
                                   name=f"Many {number:02}", organisation=council,
                                   roles=["staff"])
            enrol(db.session, cohort, person, start_date=cohort.start_date,
                  planned_end_date=cohort.planned_end_date, weekly_hours=37.5)
        db.session.commit()
    with counting(engine) as large:
        text = client.get(address).text
    assert large.count == small.count, large.statements
    assert len(apprentice_rows(text)) == 50 and "64 apprentices" in text
    assert sum(table_counts(text, "rag-counts", "rag").values()) == 64
