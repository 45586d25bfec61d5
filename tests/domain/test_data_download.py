"""The personal data download holds what is about the person, not what their role lets them
see (SQLite and PostgreSQL).

Regression (issue 11, item 2): an L&D lead's download held the audit events of everything
they had done: the apprentices they enrolled (their email addresses), the breaks in learning
and withdrawals they recorded with the reasons, the off-the-job entries they queried.
"""

import json
import re

import pytest
from sqlalchemy import select

from pathways.models import Person
from pathways.people.data_download import everything_about
from seed.demo import LND_EMAIL
from seed.demo_cohorts import QUERY_NOTE
from tests.recipes import DEMO


@pytest.fixture
def database_url(database_for):
    return database_for(DEMO)


def by_email(session, email: str) -> Person:
    return session.scalars(select(Person).where(Person.email == email)).one()


def test_an_lnd_leads_download_holds_no_one_elses_email_or_circumstances(session):
    lead = by_email(session, LND_EMAIL)
    text = json.dumps(everything_about(session, lead), default=str)
    assert set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)) == {LND_EMAIL}
    for circumstance in ("Maternity leave", "Left the council", QUERY_NOTE[:30],
                         "break_in_learning", "withdrawn"):
        assert circumstance not in text
    data = json.loads(text)
    assert data["person"]["email"] == LND_EMAIL
    assert all((event["entity_type"] in ("person", "equality") and
               event["entity_id"] == str(lead.id)) or event["by"] == "you"
               for event in data["audit_events_about_you"])


def test_an_apprentice_download_holds_their_own_apprenticeship_and_its_events(session):
    apprentice = by_email(session, "bethany.shaw@northshire.example")
    data = json.loads(json.dumps(everything_about(session, apprentice), default=str))
    [apprenticeship] = data["apprenticeships"]
    assert apprenticeship["status"] == "break_in_learning"
    events = data["audit_events_about_you"]
    assert any(e["action"] == "status" and "Maternity leave" in e["summary"] for e in events)
    assert {e["by"] for e in events if e["action"] == "status"} == {"Helen Okafor"}
    assert all(email.endswith(("bethany.shaw@northshire.example",)) for email in re.findall(
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", json.dumps(data)))
