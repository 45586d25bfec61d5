"""The partnership's training summary page: who may open it, the day it is for, suppression,
paging by keyset and a fixed number of queries at two sizes."""

import html
import re

from pathways import clock
from pathways.models import Organisation, Person, Role, TrainingSubject
from pathways.people.accounts import create_person
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from pathways.training.summary import refresh_summary
from seed.training import load_subjects
from tests.querycount import counting
from webapp.extensions import db

TODAY = clock.today()


def carers(app, people, count, start=0, trained=True):
    """Make ``count`` care workers at the council, each with fire safety done today (or
    never done)."""
    with app.app_context():
        council = db.session.get(Person, people["staff"]).organisation
        fire = db.session.get(TrainingSubject, "fire-safety")
        for number in range(start, start + count):
            person = create_person(db.session, email=f"carer{number}@example.org",
                                   name=f"Carer {number}", organisation=council,
                                   roles=["staff"])
            person.current_role_id = "care-worker"
            if trained:
                record_training(db.session, None, person, fire, TODAY, today=TODAY)
        db.session.commit()


def refresh(app, people):
    with app.app_context():
        partnership_id = db.session.get(Person, people["staff"]).organisation.partnership_id
        refresh_summary(db.session, partnership_id, TODAY)
        db.session.commit()


def require_fire_safety(app, people):
    with app.app_context():
        load_subjects(db.session)
        council = db.session.get(Person, people["staff"]).organisation
        add_requirement(db.session, None, council, db.session.get(Role, "care-worker"),
                        db.session.get(TrainingSubject, "fire-safety"))
        db.session.commit()


def test_only_partnership_scoped_lnd_see_the_summary(client, enter):
    for key in ("staff", "manager", "lnd", "admin", "partner_staff"):
        enter(key)
        assert client.get("/training/partnership").status_code == 403, key
    enter("partnership_lnd")
    page = client.get("/training/partnership")
    assert page.status_code == 200
    assert "has not been worked out yet" in page.text


def test_the_matrix_links_to_it_for_those_who_may_see_it(app, client, enter, people):
    enter("partnership_lnd")
    assert 'href="/training/partnership"' in client.get("/training").text
    enter("lnd")
    assert 'href="/training/partnership"' not in client.get("/training").text


def test_the_summary_shows_its_day_totals_and_suppressed_cells(app, client, enter, people):
    require_fire_safety(app, people)
    carers(app, people, 6)
    carers(app, people, 5, start=6, trained=False)
    refresh(app, people)
    enter("partnership_lnd")
    page = client.get("/training/partnership").text
    assert f'data-as-of="{TODAY.isoformat()}"' in page
    totals = re.search(r'<tr class="govuk-table__row" data-subject="fire-safety">(.*?)</tr>',
                       page, re.S)[1]
    assert ">11<" in totals and ">6<" in totals and ">54%<" in totals
    assert 'role="img"' in page  # the chart above the table
    with app.app_context():
        council = db.session.get(Person, people["staff"]).organisation
        partner = db.session.get(Person, people["partner_staff"]).organisation
    row = re.search(rf'data-organisation="{council.id}">(.*?)</tr>', page, re.S)[1]
    assert "54%" in row and "6 of 11" in row
    assert "Not required" in re.search(rf'data-organisation="{partner.id}">(.*?)</tr>',
                                       page, re.S)[1]
    # fewer than 5 not compliant: the compliant count goes with them, the share too
    with app.app_context():
        fire = db.session.get(TrainingSubject, "fire-safety")
        for number in (6, 7):
            carer = db.session.query(Person).filter_by(email=f"carer{number}@example.org").one()
            record_training(db.session, None, carer, fire, TODAY, today=TODAY)
        db.session.commit()
    refresh(app, people)
    page = client.get("/training/partnership").text
    row = re.search(rf'data-organisation="{council.id}">(.*?)</tr>', page, re.S)[1]
    assert "11 required, compliant suppressed" in row and "%" not in row


def test_organisations_page_by_keyset_with_a_fixed_number_of_queries(
        app, client, enter, people):
    require_fire_safety(app, people)
    carers(app, people, 5)
    refresh(app, people)
    enter("partnership_lnd")
    with app.app_context():
        engine = db.engine
        partnership_id = db.session.get(Person, people["staff"]).organisation.partnership_id
    client.get("/training/partnership")
    with counting(engine) as small:
        client.get("/training/partnership")
    with app.app_context():
        db.session.add_all([Organisation(name=f"Employer {number:02d}",
                                         partnership_id=partnership_id)
                            for number in range(40)])
        db.session.commit()
    carers(app, people, 30, start=5)
    refresh(app, people)
    with counting(engine) as large:
        page = client.get("/training/partnership").text
    assert large.count == small.count, large.statements
    assert page.count("data-organisation=") == 25
    after = html.unescape(re.search(r'href="([^"]*after=[^"]*)"', page)[1])
    second = client.get(after)
    assert second.status_code == 200
    assert second.text.count("data-organisation=") > 0
    assert "Employer 00" not in second.text
    for hostile in ("after=nonsense&page=9", "before=%00&page=-1", "after=&page=99999999999999"):
        assert client.get(f"/training/partnership?{hostile}").status_code == 200, hostile
