"""The training pages ask the same SQL statements however many people, records and
requirements the organisation holds (issue 14): the matrix for L&D and for a manager (with
its filters and a second page), what each role requires, a person's training and one's own."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.models import Person, Role, TrainingRequirement, TrainingSubject
from pathways.people.accounts import create_person
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from tests.querycount import counting
from webapp.extensions import db

TODAY = clock.today()
#: Subjects each role requires, more of them at the larger size.
SMALL = ("fire-safety", "safeguarding-adults")
LARGE = ("basic-life-support", "medication", "infection-prevention-and-control")


def require(app, people, subjects):
    with app.app_context():
        council = db.session.get(Person, people["staff"]).organisation
        for role in ("care-worker", "senior-care-worker"):
            for subject in subjects:
                add_requirement(db.session, None, council, db.session.get(Role, role),
                                db.session.get(TrainingSubject, subject))
        db.session.commit()


def carers(app, people, count, start=0):
    """``count`` more people in the staff's team, care workers and seniors, each with records
    of every state: up to date, expiring soon, expired, none."""
    with app.app_context():
        staff = db.session.get(Person, people["staff"])
        subjects = [db.session.get(TrainingSubject, s) for s in SMALL + LARGE]
        for number in range(start, start + count):
            person = create_person(db.session, email=f"carer{number}@example.org",
                                   name=f"Carer {number:03d}", organisation=staff.organisation,
                                   roles=["staff"], team=staff.team)
            person.current_role_id = ("care-worker", "senior-care-worker")[number % 2]
            for index, subject in enumerate(subjects):
                ago = (number * 37 + index * 101) % 900
                if ago % 5:
                    record_training(db.session, None, person, subject,
                                    TODAY - timedelta(days=ago), today=TODAY)
        db.session.commit()


@pytest.fixture
def small(app, people):
    with app.app_context():
        load_subjects(db.session)
        for key in ("staff", "colleague", "manager", "other_team"):
            db.session.get(Person, people[key]).current_role_id = "care-worker"
        record_training(db.session, None, db.session.get(Person, people["staff"]),
                        db.session.get(TrainingSubject, "fire-safety"),
                        TODAY - timedelta(days=800), today=TODAY)  # expired
        db.session.commit()
    require(app, people, SMALL)
    carers(app, people, 3)
    return people


PAGES = [("lnd", "/training"), ("lnd", "/training?status=expired"),
         ("lnd", "/training?status=missing&within=30"), ("manager", "/training"),
         ("lnd", "/training/requirements"), ("lnd", "/training/people/{staff}"),
         ("manager", "/training/people/{colleague}"), ("staff", "/training/mine")]


def test_the_training_pages_ask_the_same_queries_at_two_sizes(app, client, enter, small):
    with app.app_context():
        engine = db.engine
    counts = {}
    for who, page in PAGES:
        enter(who)
        path = page.format(**small)
        assert client.get(path).status_code == 200  # warm: the graph, caches
        with counting(engine) as seen:
            assert client.get(path).status_code == 200
        counts[who, page] = seen
    require(app, small, LARGE)
    carers(app, small, 60, start=3)
    for who, page in PAGES:
        enter(who)
        path = page.format(**small)
        client.get(path)
        with counting(engine) as large:
            answer = client.get(path)
        assert answer.status_code == 200
        assert large.count == counts[who, page].count, (page, large.statements)
        if page == "/training":
            assert answer.text.count("data-person=") == 25  # a page of the 60 and more


def test_the_second_page_asks_what_the_first_does(app, client, enter, small):
    carers(app, small, 40, start=3)
    enter("lnd")
    with app.app_context():
        engine = db.engine
    client.get("/training")
    with counting(engine) as first:
        page = client.get("/training").text
    after = html.unescape(re.search(r'href="([^"]*after=[^"]*)"', page)[1])
    with counting(engine) as second:
        then = client.get(after).text
    assert second.count == first.count, second.statements
    shown = set(re.findall(r'data-person="(\d+)"', page))
    assert shown and not shown & set(re.findall(r'data-person="(\d+)"', then))
    assert "People (" in then and re.search(r"People \((\d+)\)", then)[1] == re.search(
        r"People \((\d+)\)", page)[1]


def test_each_requirement_is_removed_by_its_own_form(app, client, enter, small):
    enter("lnd")
    page = client.get("/training/requirements").text
    with app.app_context():
        council = db.session.get(Person, small["staff"]).organisation
        ids = db.session.scalars(select(TrainingRequirement.id).where(
            TrainingRequirement.organisation_id == council.id)).all()
    assert len(ids) == 4
    actions = re.findall(r'<form method="post" action="/training/requirements/(\d+)/remove"',
                         page)
    assert sorted(map(int, actions)) == sorted(ids)
