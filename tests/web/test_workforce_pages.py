"""The workforce board and recording movements from the web: who may, what the pages show
(suppressed below 5), the download's content, and the forms' refusals (on both engines)."""

import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from pathways import clock
from pathways.models import Person, RoleSpell
from tests.querycount import counting
from tests.recipes import TOY_PATHWAY, ids_of, world_fixtures, world_on
from tests.web.sessions import start_session

TODAY = clock.today()
SUMMARY = "There is a problem"
CARERS = 12
STARTERS = 5
#: Carers 0 to 5 left a month ago: five elsewhere in social care, one to the NHS.
LEAVERS = {number: ("social_care" if number < 5 else "nhs") for number in range(6)}


def text_of(page) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def date_parts(name: str, day: date | None = None) -> dict:
    """A GOV.UK date input's three boxes (all empty for None)."""
    return {name: [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]}


def figure(page, name: str) -> str:
    """The value of one of the board's headline figures."""
    found = re.search(rf'data-figure="{name}"><th[^>]*>[^<]*</th><td[^>]*data-value="([^"]*)"',
                      page.text)
    assert found, name
    return found.group(1)


def build_world(session, people: dict) -> dict:
    """Twelve care workers in the council for two years (six left a month ago), five starters
    from the NHS two months ago, two vacant care worker posts; staff a care worker too; two
    senior care workers."""
    from pathways.apprenticeships.posts import create_post
    from pathways.people.accounts import create_person
    from pathways.workforce.movements import record_leaver, record_role_change
    from pathways.workforce.summary import refresh_workforce_summary

    council = people["staff"].organisation
    carers = []
    for number in range(CARERS):
        carer = create_person(session, email=f"carer{number}@example.org",
                              name=f"carer {number}", organisation=council, roles=["staff"])
        carer.current_role_id, carer.role_start_date = "care-worker", TODAY - timedelta(days=730)
        carers.append(carer)
    for number in range(2):
        senior = create_person(session, email=f"senior{number}@example.org",
                               name=f"senior {number}", organisation=council, roles=["staff"])
        senior.current_role_id = "senior-care-worker"
        senior.role_start_date = TODAY - timedelta(days=900)
    staff = people["staff"]
    staff.current_role_id, staff.role_start_date = "care-worker", TODAY - timedelta(days=400)
    session.flush()
    for number, destination in LEAVERS.items():
        record_leaver(session, carers[number], TODAY - timedelta(days=30), reason="pay",
                      destination=destination, today=TODAY)
    for number in range(STARTERS):
        starter = create_person(session, email=f"starter{number}@example.org",
                                name=f"starter {number}", organisation=council,
                                roles=["staff"])
        record_role_change(session, starter, "care-worker", TODAY - timedelta(days=60),
                           previous_sector="nhs", today=TODAY)
    for reference in ("CW-1", "CW-2"):
        create_post(session, council, reference=reference, role_id="care-worker")
    session.flush()
    refresh_workforce_summary(session, council.partnership_id, TODAY)  # the nightly run
    return {**ids_of(people), "carer": carers[CARERS - 1].id,
            "partner_org": people["partner_staff"].organisation_id,
            "outsider_org": people["outsider"].organisation_id}


WORLD = world_on(TOY_PATHWAY, "workforce_pages", build_world)
database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    """Sign in by short name."""
    return lambda key: start_session(app, client, world[key])


# The board ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("lnd", 200), ("admin", 200), ("partnership_lnd", 200), ("manager", 403),
    ("staff", 403), ("champion", 403), ("outsider", 403)])
def test_who_may_open_the_board(client, as_person, who, status):
    as_person(who)
    assert client.get("/workforce").status_code == status


def test_another_organisation_needs_partnership_scope(client, as_person, world):
    as_person("lnd")
    assert client.get(f"/workforce?organisation={world['partner_org']}").status_code == 404
    assert client.get("/workforce/partnership").status_code == 403
    as_person("partnership_lnd")
    page = client.get(f"/workforce?organisation={world['partner_org']}")
    assert page.status_code == 200 and "Sunrise Care" in page.text
    assert client.get(f"/workforce?organisation={world['outsider_org']}").status_code == 404
    assert client.get("/workforce?organisation=99999999999999999999").status_code == 200
    partnership = client.get("/workforce/partnership")
    assert partnership.status_code == 200 and "Testshire (the partnership)" in text_of(partnership)


def test_the_board_shows_the_skills_for_care_figures(client, as_person):
    as_person("lnd")
    page = client.get("/workforce")
    assert page.status_code == 200
    # 12 care workers now (6 carers, 5 starters, staff); 13 a year ago (12 - 5 + 6); and
    # 2 seniors throughout: 14 filled posts now, 15 a year ago.
    assert figure(page, "filled") == "14"
    assert figure(page, "vacancies") == "2"
    assert figure(page, "vacancy_rate") == "12.5%"  # 2 / (14 + 2)
    assert figure(page, "starters") == "5"
    assert figure(page, "leavers") == "6"
    assert figure(page, "turnover_rate") == "41.4%"  # 6 / ((15 + 14) / 2)
    assert figure(page, "starters_rate") == "34.5%"  # 5 / 14.5
    role = page.text[page.text.index('data-role="care-worker"'):]
    assert 'data-filled="12"' in role[:600] and 'data-leavers="6"' in role[:900]
    assert re.search(r'data-role="senior-care-worker">.*?data-filled="fewer than 5"', page.text,
                     re.S)
    assert 'id="roles-chart"' in page.text and 'role="img"' in page.text


def test_counts_of_fewer_than_5_people_are_suppressed(client, as_person):
    as_person("lnd")
    page = client.get("/workforce").text
    assert re.search(r'data-destination="social_care">.*?data-leavers="5"', page)
    assert re.search(r'data-destination="nhs">.*?data-leavers="fewer than 5"', page)
    assert re.search(r'data-sector="nhs">.*?data-starters="5"', page)
    # Nobody answered the age question: every age group is suppressed.
    assert re.search(r'data-age="under-25">.*?data-people="fewer than 5"', page)
    assert not re.search(r'data-leavers="[1-4]"', page)


def test_the_board_shows_where_the_workforce_gets_stuck(client, as_person):
    as_person("lnd")
    page = client.get("/workforce").text
    # Care workers: 2 vacant posts and no apprentice training into the role.
    assert 'data-bottleneck="care-worker"' in page
    # Months in role now: 5 starters at 1, staff at 13, 6 carers at 23: median (13 + 23) / 2.
    assert re.search(r'data-stall="care-worker"[^>]*>.*?data-median="18"', page, re.S)
    assert 'data-stall="senior-care-worker"' not in page  # 2 people: left out
    assert 'id="stalls-chart"' in page
    assert "No move between roles was made by 5 or more people" in page
    assert 'data-untaken="care-worker-senior-care-worker"' in page


def test_a_year_with_no_one_suppresses_the_figures_and_rates(client, as_person):
    as_person("lnd")
    page = client.get(f"/workforce?year={TODAY.year - 5}")
    assert page.status_code == 200
    assert figure(page, "leavers") == "fewer than 5"
    assert figure(page, "turnover_rate") == "not known"
    for hostile in ("year=1066", "year=%00", "year=99999999999999999999", "organisation=x"):
        assert client.get(f"/workforce?{hostile}").status_code == 200


def test_the_download_holds_the_board_as_shown(client, as_person):
    as_person("lnd")
    answer = client.get("/workforce/board.xlsx")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Section", "Measure", "Value")
    assert ("Movements", "Leavers", 6) in rows
    assert ("Movements", "Turnover rate", "41.4%") in rows
    assert ("Role: Senior care worker", "Filled posts", "fewer than 5") in rows
    assert ("Leavers by destination", "The NHS", "fewer than 5") in rows
    assert ("Leavers by destination", "Elsewhere in social care", 5) in rows
    assert ("Bottleneck: vacancies and no one training", "Care worker", 2) in rows
    assert ("Time in role: Care worker", "Median months", 18) in rows
    as_person("staff")
    assert client.get("/workforce/board.xlsx").status_code == 403
    as_person("partnership_lnd")
    assert client.get("/workforce/partnership.csv").status_code == 200


def test_the_board_runs_a_fixed_number_of_queries(app, client, as_person, world):
    from webapp.extensions import db

    as_person("lnd")
    client.get("/workforce")
    with app.app_context():
        engine = db.engine
    with counting(engine) as small:
        client.get("/workforce")
    with app.app_context():
        council = db.session.get(Person, world["staff"]).organisation
        from pathways.people.accounts import create_person
        from pathways.workforce.movements import record_leaver
        for number in range(8):
            extra = create_person(db.session, email=f"extra{number}@example.org",
                                  name=f"extra {number}", organisation=council, roles=["staff"])
            extra.current_role_id = "senior-care-worker" if number % 2 else "practitioner"
            extra.role_start_date = TODAY - timedelta(days=500)
            db.session.flush()
            if number < 3:
                record_leaver(db.session, extra, TODAY - timedelta(days=10), reason="pay",
                              destination="retired", today=TODAY)
        db.session.commit()
    with counting(engine) as large:
        client.get("/workforce")
    assert large.count == small.count, large.statements


# Recording a leaver --------------------------------------------------------------------------


def test_l_and_d_record_a_leaver_and_the_board_counts_them(app, client, as_person, world):
    as_person("lnd")
    address = f"/workforce/people/{world['carer']}/leaver"
    form = client.get(address)
    assert form.status_code == 200 and 'name="destination"' in form.text
    answer = client.post(address, data={**date_parts("left_on", TODAY - timedelta(days=1)),
                                        "reason": "career", "destination": "nhs"})
    assert answer.status_code == 302, text_of(answer)
    assert answer.location.endswith(f"/admin/users/{world['carer']}")
    from webapp.extensions import db
    with app.app_context():
        carer = db.session.get(Person, world["carer"])
        assert carer.active is False
        spell = db.session.scalars(select(RoleSpell).filter_by(person_id=carer.id)).one()
        assert (spell.ended_on, spell.destination, spell.leave_reason) == (
            TODAY - timedelta(days=1), "nhs", "career")
    assert figure(client.get("/workforce"), "leavers") == "7"
    again = client.post(address, data={**date_parts("left_on", TODAY), "reason": "career",
                                       "destination": "nhs"})
    assert again.status_code == 400 and "has already left" in text_of(again)


def test_a_leaver_form_with_problems_says_so_and_changes_nothing(app, client, as_person,
                                                                  world):
    as_person("lnd")
    address = f"/workforce/people/{world['carer']}/leaver"
    empty = client.post(address, data={})
    assert empty.status_code == 400 and SUMMARY in empty.text
    assert "Enter the day they left" in text_of(empty)
    assert "Choose why they left" in text_of(empty)
    future = client.post(address, data={**date_parts("left_on", TODAY + timedelta(days=3)),
                                        "reason": "pay", "destination": "nhs"})
    assert future.status_code == 400 and "Must be today or in the past" in text_of(future)
    no_role = client.post(f"/workforce/people/{world['colleague']}/leaver",
                          data={**date_parts("left_on", TODAY), "reason": "pay",
                                "destination": "nhs"})
    assert no_role.status_code == 400 and "Record colleague's role first" in text_of(no_role)
    from webapp.extensions import db
    with app.app_context():
        assert db.session.get(Person, world["carer"]).active is True


@pytest.mark.parametrize(("who", "whom", "status"), [
    ("lnd", "carer", 200), ("admin", "carer", 200), ("partnership_lnd", "partner_staff", 200),
    ("lnd", "partner_staff", 404), ("lnd", "outsider", 404), ("lnd", "lnd", 403),
    ("manager", "staff", 403), ("staff", "colleague", 404), ("staff", "staff", 403)])
def test_who_may_record_a_movement(client, as_person, world, who, whom, status):
    as_person(who)
    assert client.get(f"/workforce/people/{world[whom]}/leaver").status_code == status
    assert client.get(f"/workforce/people/{world[whom]}/role").status_code == status
    assert client.get("/workforce/people/99999999/leaver").status_code in (403, 404)


def test_the_account_page_links_to_the_movements(client, as_person, world):
    as_person("lnd")
    page = client.get(f"/admin/users/{world['carer']}").text
    assert f"/workforce/people/{world['carer']}/leaver" in page
    assert f"/workforce/people/{world['carer']}/role" in page


# Recording a change of role ------------------------------------------------------------------


def test_l_and_d_record_a_promotion(app, client, as_person, world):
    as_person("lnd")
    address = f"/workforce/people/{world['carer']}/role"
    assert "No change of role is recorded yet: carer 11 has been a Care worker since" in \
        text_of(client.get(address))
    answer = client.post(address, data={"role_id": "senior-care-worker",
                                        **date_parts("started_on", TODAY - timedelta(days=2))})
    assert answer.status_code == 302, text_of(answer)
    from webapp.extensions import db
    with app.app_context():
        spells = db.session.scalars(select(RoleSpell).filter_by(person_id=world["carer"])
                                    .order_by(RoleSpell.started_on)).all()
        assert [(spell.role_id, str(spell.move)) for spell in spells] == [
            ("care-worker", "joined"), ("senior-care-worker", "promotion")]
    history = client.get(address).text
    assert 'data-spell="senior-care-worker"' in history and "Promotion" in history


def test_a_change_of_role_with_problems_says_so(client, as_person, world):
    as_person("lnd")
    address = f"/workforce/people/{world['carer']}/role"
    same = client.post(address, data={"role_id": "care-worker",
                                      **date_parts("started_on", TODAY)})
    assert same.status_code == 400 and "They are already a" in text_of(same)
    employer = client.post(address, data={"role_id": "senior-care-worker",
                                          **date_parts("started_on", TODAY),
                                          "employer": "Nowhere Ltd"})
    assert employer.status_code == 400 and "No organisation called" in text_of(employer)
    outside = client.post(address, data={"role_id": "care-worker",
                                         **date_parts("started_on", TODAY),
                                         "employer": "Far Away Care"})
    assert outside.status_code == 400 and "is not in carer 11's partnership" in text_of(outside)
    hostile = client.post(address, data={"role_id": "<b>", **date_parts("started_on", TODAY)})
    assert hostile.status_code == 400 and "Choose a role of the career pathway" in text_of(hostile)
    garbled = client.post(address, data={"role_id": "care-worker", "started_on": ["x", "y", "z"]})
    assert garbled.status_code == 400 and "must be a real date" in text_of(garbled)



# The forecast -----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "address", "status"), [
    ("lnd", "/workforce/forecast", 200), ("admin", "/workforce/forecast", 200),
    ("manager", "/workforce/forecast", 403), ("staff", "/workforce/forecast.xlsx", 403),
    ("partnership_lnd", "/workforce/partnership/forecast", 200),
    ("lnd", "/workforce/partnership/forecast", 403),
    ("lnd", "/workforce/partnership/forecast.csv", 403)])
def test_who_may_open_the_forecast(client, as_person, who, address, status):
    as_person(who)
    assert client.get(address).status_code == status


def test_the_forecast_answers_in_words_with_scenarios_side_by_side(client, as_person):
    as_person("lnd")
    page = client.get("/workforce/forecast")
    assert page.status_code == 200
    words = text_of(page)
    assert re.search(r"The care worker gap (closes in \d{4}|does not close by \d{4}) with the "
                     r"current pipeline\.", words), words
    # Senior care workers (2 in post) are left out: fewer than 5.
    assert "1 role with fewer than 5 people in post is left out" in words
    assert 'data-role="senior-care-worker"' not in page.text
    assert 'id="forecast-chart"' in page.text and 'data-year="2036"' in page.text
    more = client.get("/workforce/forecast?recruits=20&recruit_role=care-worker&turnover_cut=50"
                      "&years=5")
    assert more.status_code == 200
    words = text_of(more)
    assert "with +20 care worker recruits a year, in" in words
    assert "with turnover 50% lower" in words
    assert "Scenario 2: with +20 care worker recruits a year" in words
    row = more.text[more.text.index('<tr class="govuk-table__row" data-role="care-worker">'):]
    closes = re.findall(r'data-closes="(\d*)"', row[:1500])
    assert len(closes) == 3
    # More recruits close the gap no later than the current pipeline does.
    assert closes[2] and (not closes[0] or int(closes[2]) <= int(closes[0]))


def test_a_scenario_with_problems_is_refused_with_the_error_summary(client, as_person):
    as_person("lnd")
    for query, message in (
            ("years=99", "The years ahead must be from 1 to 30"),
            ("apprentices=5", "Choose the role the apprentices qualify into"),
            ("apprentices=nan&apprentice_role=care-worker", "must be a number"),
            ("recruits=-3&recruit_role=care-worker", "More recruits a year must be from 0"),
            ("recruits=3&recruit_role=%3Cb%3E", "is not a role of the career pathway"),
            ("turnover_cut=abc", "Lower turnover (per cent lower, every role) must be a number")):
        answer = client.get(f"/workforce/forecast?{query}")
        assert answer.status_code == 400, query
        assert SUMMARY in answer.text and message in text_of(answer), query
    assert client.get("/workforce/forecast.xlsx?years=99").status_code == 400


def test_the_forecast_download_holds_every_scenario(client, as_person):
    as_person("lnd")
    answer = client.get("/workforce/forecast.xlsx?years=3&apprentices=4"
                        "&apprentice_role=senior-care-worker&apprentice_from=care-worker")
    assert answer.status_code == 200
    rows = [tuple(row) for row in load_workbook(io.BytesIO(answer.data)).active.iter_rows(
        values_only=True)]
    assert rows[0] == ("Scenario", "Role", "Year", "Demand", "Supply", "Gap")
    scenarios = {row[0] for row in rows[1:]}
    assert scenarios == {"Current pipeline", "with +4 senior care worker apprentices a year"}
    assert {row[1] for row in rows[1:]} == {"Care worker"}  # seniors: fewer than 5
    first = next(row for row in rows[1:] if row[2] == TODAY.year)
    assert first[4] == 12 and first[3] == 14  # people now; posts filled and vacant
    assert first[5] == first[3] - first[4]


def test_the_forecast_runs_a_fixed_number_of_queries(app, client, as_person, world):
    from pathways.people.accounts import create_person
    from webapp.extensions import db

    as_person("lnd")
    address = ("/workforce/forecast?years=30&recruits=5&recruit_role=care-worker"
               "&apprentices=2&apprentice_role=senior-care-worker&turnover_cut=10")
    client.get(address)
    with app.app_context():
        engine = db.engine
    with counting(engine) as small:
        client.get(address)
    with app.app_context():
        council = db.session.get(Person, world["staff"]).organisation
        for number in range(12):
            extra = create_person(db.session, email=f"extra{number}@example.org",
                                  name=f"extra {number}", organisation=council, roles=["staff"])
            extra.current_role_id = ("practitioner", "social-worker", "volunteer")[number % 3]
            extra.role_start_date = TODAY - timedelta(days=500)
        db.session.commit()
    with counting(engine) as large:
        page = client.get(address)
    assert "4 roles with fewer than 5 people in post are left out" in text_of(page)
    assert large.count == small.count, large.statements


# The partnership's pages, from the nightly summary ------------------------------------------

PARTNERSHIP_PAGES = ("/workforce/partnership", "/workforce/partnership?year=2025",
                     "/workforce/partnership/forecast?years=20&recruits=5"
                     "&recruit_role=care-worker&turnover_cut=10",
                     "/workforce/partnership.csv")


def test_the_partnership_pages_run_the_same_queries_at_two_sizes(app, client, as_person,
                                                                 world):
    from pathways.people.accounts import create_person
    from pathways.workforce.movements import record_leaver, record_role_change
    from pathways.workforce.summary import refresh_workforce_summary
    from webapp.extensions import db

    as_person("partnership_lnd")
    for address in PARTNERSHIP_PAGES:
        assert client.get(address).status_code == 200, address
    with app.app_context():
        engine = db.engine
    with counting(engine) as small:
        before = [client.get(address) for address in PARTNERSHIP_PAGES]
    with app.app_context():
        partner = db.session.get(Person, world["partner_staff"]).organisation
        for number in range(30):
            extra = create_person(db.session, email=f"partner{number}@example.org",
                                  name=f"partner {number}", organisation=partner,
                                  roles=["staff"])
            record_role_change(db.session, extra, ("care-worker", "practitioner")[number % 2],
                               TODAY - timedelta(days=400), previous_sector="nhs",
                               today=TODAY)
            if number < 7:
                record_leaver(db.session, extra, TODAY - timedelta(days=20), reason="pay",
                              destination="retired", today=TODAY)
        refresh_workforce_summary(db.session, partner.partnership_id, TODAY)
        db.session.commit()
    with counting(engine) as large:
        after = [client.get(address) for address in PARTNERSHIP_PAGES]
    assert large.count == small.count, large.statements
    assert figure(before[0], "filled") == "14" and figure(after[0], "filled") == "37"
    assert figure(after[0], "leavers") == "13"  # the council's 6 and the provider's 7
    # One leaver went to the NHS: still "fewer than 5", with the next smallest destination
    assert 'data-destination="nhs"><th scope="row" class="govuk-table__header">The NHS</th>' \
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-leavers="fewer than 5">' \
        in before[0].text


def test_the_partnership_pages_say_the_day_and_wait_for_the_first_summary(app, client,
                                                                         as_person):
    from sqlalchemy import delete

    from pathways.models import WorkforceSummary
    from webapp.extensions import db

    as_person("partnership_lnd")
    page = client.get("/workforce/partnership")
    assert f'data-as-of="{TODAY.isoformat()}"' in page.text
    assert "Figures as of" in text_of(client.get("/workforce/partnership/forecast"))
    assert 'data-as-of="' not in client.get("/workforce").text  # an organisation's is live
    with app.app_context():
        db.session.execute(delete(WorkforceSummary))
        db.session.commit()
    for address in ("/workforce/partnership", "/workforce/partnership/forecast"):
        page = client.get(address)
        assert page.status_code == 200 and "have not been worked out yet" in text_of(page)
        assert "Testshire (the partnership)" in text_of(page)
    assert client.get("/workforce/partnership.csv").status_code == 404
    assert client.get("/workforce/partnership/forecast.csv").status_code == 404
