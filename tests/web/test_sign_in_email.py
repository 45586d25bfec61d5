"""The email someone signs in with: the staff import never moves an account to another
address, only an administrator does (ending the person's sessions, telling the old address,
auditing both), and the import's confirmation page keeps an organisation's name as text.

Issue 11: an L&D user changed a champion's email to their own through the staff import (a
row with a new email and the champion's staff id), reset the password, signed in as the
champion and read private mentoring notes.
"""

import email
import email.policy
import io

import pytest
from sqlalchemy import select

from pathways.models import AuditEvent, Organisation, Person
from tests.factories import GOOD_PASSWORD
from tests.web.sessions import start_session

SERVICE = "https://pathways.example.org"


@pytest.fixture(autouse=True)
def no_shared_counters(monkeypatch):
    """Count sign-ins in memory, whatever REDIS_URL the shell has."""
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.fixture
def outbox(app, tmp_path):
    """The folder emails are written to, one per test; links built from SERVICE."""
    app.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["SERVICE_URL"] = SERVICE
    return tmp_path / "outbox"


def mails(outbox) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(outbox.glob("*.eml"))]


def in_app(app, work):
    from webapp.extensions import db

    with app.app_context():
        result = work(db.session)
        db.session.commit()
        return result


def email_of(app, person_id: int) -> str:
    return in_app(app, lambda session: session.get(Person, person_id).email)


def upload(client, organisation_id: int, content: bytes):
    return client.post("/admin/import-staff", content_type="multipart/form-data", data={
        "organisation": str(organisation_id), "staff_file": (io.BytesIO(content), "staff.csv")})


def council(app) -> int:
    return in_app(app, lambda session: session.scalar(
        select(Organisation.id).where(Organisation.name == "Testshire Council")))


def signed_in_elsewhere(app, key: str):
    """A second browser, signed in through the form as ``key``."""
    device = app.test_client()
    answer = device.post("/login", data={"email": f"{key}@example.org",
                                         "password": GOOD_PASSWORD})
    assert answer.status_code == 302
    assert device.get("/profile").status_code == 200
    return device


# The staff import


def test_lnd_cannot_take_over_a_champion_through_the_staff_import(app, client, enter, people,
                                                                  outbox):
    in_app(app, lambda session: setattr(session.get(Person, people["champion"]),
                                        "staff_id", "C1"))
    enter("lnd")
    answer = upload(client, council(app), b"email,name,staff_id\nlnd@evil.example,champion,C1\n")
    assert answer.status_code == 400
    assert ("row 2: email: staff id &#39;C1&#39; is champion@example.org, who has a sign-in "
            "account: an import never changes the email address someone signs in with") in (
        answer.text)
    assert email_of(app, people["champion"]) == "champion@example.org"
    client.post("/reset-password", data={"email": "lnd@evil.example"})
    assert "/reset-password/" not in mails(outbox)[0].get_content()  # no account there


def test_an_email_of_another_organisation_is_only_said_to_be_unusable(app, client, enter):
    enter("lnd")
    answer = upload(client, council(app), b"email,name\noutsider@example.org,Out Sider\n")
    assert answer.status_code == 400
    assert "row 2: email: outsider@example.org cannot be used" in answer.text
    assert "Far Away" not in answer.text and "another organisation" not in answer.text


def test_an_organisation_name_is_text_on_the_import_confirmation(app, client, enter):
    name = '<script>alert("owned")</script> & <b>Care</b>'
    organisation_id = council(app)
    in_app(app, lambda session: setattr(session.get(Organisation, organisation_id), "name",
                                        name))
    enter("lnd")
    answer = upload(client, organisation_id, b"email,name\nnew@example.org,New Starter\n")
    assert answer.status_code == 200 and "Staff imported" in answer.text
    assert "<script>alert" not in answer.text and "<b>Care</b>" not in answer.text
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; &lt;b&gt;Care&lt;/b&gt;" \
        "<br>1 created, 0 updated, 0 unchanged" in answer.text


# An administrator changes it


def test_an_admin_changes_the_sign_in_email_ending_sessions_and_telling_the_old_address(
        app, client, enter, people, outbox):
    victim = signed_in_elsewhere(app, "staff")
    enter("admin")
    page = client.get(f"/admin/users/{people['staff']}")
    assert 'id="sign-in-email"' in page.text and "Change sign-in email" in page.text

    answer = client.post(f"/admin/users/{people['staff']}/email",
                         data={"email": " Staff.New@Example.org "})
    assert answer.status_code == 302
    assert "now signs in with staff.new@example.org" in client.get(answer.location).text
    assert email_of(app, people["staff"]) == "staff.new@example.org"
    assert victim.get("/profile").status_code == 302  # every session of theirs ended

    [told] = mails(outbox)
    assert told["To"] == "staff@example.org"
    assert told["Subject"] == "Your Care career pathways sign-in email has changed"
    body = told.get_content()
    assert "to staff.new@example.org" in body and f"{SERVICE}/login" in body

    event = in_app(app, lambda session: session.execute(
        select(AuditEvent.actor_id, AuditEvent.entity_id, AuditEvent.details)
        .where(AuditEvent.action == "change-email")).one())
    assert tuple(event) == (people["admin"], str(people["staff"]), {
        "old_email": "staff@example.org", "new_email": "staff.new@example.org"})
    audit = client.get("/admin/audit").text
    assert "staff@example.org" in audit and "staff.new@example.org" in audit

    again = app.test_client()
    assert again.post("/login", data={"email": "staff.new@example.org",
                                      "password": GOOD_PASSWORD}).status_code == 302


@pytest.mark.parametrize("typed, message", [
    ("colleague@example.org", "colleague@example.org cannot be used"),
    ("outsider@example.org", "outsider@example.org cannot be used"),
    ("not an address", "Enter an email address like name@example.org"),
    ("", "Enter the new email address"),
])
def test_an_email_that_cannot_be_used_is_refused_on_the_page(app, client, enter, people,
                                                             outbox, typed, message):
    enter("admin")
    answer = client.post(f"/admin/users/{people['staff']}/email", data={"email": typed})
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text and message in answer.text
    assert "Far Away" not in answer.text
    assert email_of(app, people["staff"]) == "staff@example.org" and mails(outbox) == []


@pytest.mark.parametrize("actor, subject, status", [
    ("lnd", "champion", 403),  # L&D import staff, but do not move sign-in accounts
    ("manager", "staff", 403),
    ("staff", "staff", 403),
    ("admin", "admin", 403),  # their own: another administrator does it
    ("admin", "outsider", 404),
    ("partnership_lnd", "partner_staff", 403),
])
def test_only_an_admin_changes_someone_elses_sign_in_email(app, client, people, actor,
                                                           subject, status):
    start_session(app, client, people[actor])
    answer = client.post(f"/admin/users/{people[subject]}/email",
                         data={"email": "taken.over@example.org"})
    assert answer.status_code == status
    assert email_of(app, people[subject]) == f"{subject}@example.org"


@pytest.mark.parametrize("actor, subject", [("lnd", "staff"), ("admin", "admin")])
def test_the_form_is_shown_only_to_those_who_may_use_it(client, enter, people, actor, subject):
    enter(actor)
    page = client.get(f"/admin/users/{people[subject]}")
    assert page.status_code == 200 and 'id="sign-in-email"' not in page.text
