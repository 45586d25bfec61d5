"""Notification pages: the header's count, the list (newest first, a page at a time, marked
read), email preferences, someone else's notification (404), and the email of an event sent
after the page, through a mail server that fails and is tried again (both engines)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways import clock
from pathways.models import Notification, OutgoingEmail, Person, ShadowingPlace
from pathways.notifications import notify
from tests.domain.test_notifications import fake_smtp_server, refusing_port

TODAY = clock.today()


def text_of(page) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def tell(app, person_id: int, *texts: str) -> list[int]:
    """Give the person notifications (oldest first); return their ids."""
    from webapp.extensions import db

    with app.app_context():
        person = db.session.get(Person, person_id)
        made = [notify(db.session, person, "shadowing_decision", person, text=text,
                       link="/shadowing").id for text in texts]
        db.session.commit()
        return made


def unread(app, person_id: int) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id)).where(
            Notification.recipient_id == person_id, Notification.read_at.is_(None)))


def test_the_header_counts_the_unread(app, client, people, enter):
    enter("staff")
    assert 'data-unread="0"' in client.get("/profile").text
    tell(app, people["staff"], "One", "Two")
    page = client.get("/profile")
    assert 'data-unread="2"' in page.text
    assert 'Notifications (2<span class="govuk-visually-hidden"> unread</span>)' in page.text
    client.post("/logout")
    assert "data-unread" not in client.get("/").text  # signed out: no count, no query


def test_the_list_shows_the_newest_first_a_page_at_a_time_and_marks_read(app, client,
                                                                         people, enter):
    ids = tell(app, people["staff"], *(f"Notice {n}" for n in range(1, 24)))
    tell(app, people["colleague"], "Not yours")
    enter("staff")
    first = client.get("/notifications")
    assert first.status_code == 200
    words = text_of(first)
    assert "You have 23 unread notifications" in words and "Not yours" not in words
    assert words.index("Notice 23") < words.index("Notice 22")
    assert first.text.count('data-notification="') == 20
    assert 'rel="prev"' not in first.text
    second = client.get(unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"',
                                           first.text)[1]))
    assert second.text.count('data-notification="') == 3 and "Notice 1" in text_of(second)
    assert 'rel="next"' not in second.text and 'rel="prev"' in second.text
    back = client.get(unescape(re.search(r'href="([^"]*)" rel="prev"', second.text)[1]))
    assert back.text == first.text  # the second page's "previous" is the first page
    edited = client.get("/notifications?after=%00edited&page=99")  # not a cursor: page 1
    assert edited.status_code == 200 and edited.text.count('data-notification="') == 20

    answer = client.post(f"/notifications/{ids[0]}/read")
    assert answer.status_code == 303 and answer.location.endswith("/notifications")
    assert unread(app, people["staff"]) == 22
    answer = client.post("/notifications/read")
    assert answer.status_code == 303 and unread(app, people["staff"]) == 0
    assert "You have no unread notifications" in text_of(client.get("/notifications"))
    assert unread(app, people["colleague"]) == 1


def test_the_list_costs_the_same_queries_for_few_and_many_deep_in_it(app, client, people,
                                                                       enter):
    """Two queries for the list (the counts, a page by keyset) at 3 and at 63 notifications,
    on the first page and the third."""
    from tests.querycount import counting
    from webapp.extensions import db

    enter("staff")
    with app.app_context():
        engine = db.engine
    tell(app, people["staff"], *(f"Early {n}" for n in range(3)))
    client.get("/notifications")  # warm the templates
    with counting(engine) as few:
        assert client.get("/notifications").status_code == 200
    tell(app, people["staff"], *(f"Later {n}" for n in range(60)))
    with counting(engine) as many:
        first = client.get("/notifications")
    assert many.count == few.count, many.statements
    following = unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"', first.text)[1])
    following = unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"',
                                   client.get(following).text)[1])
    with counting(engine) as deep:
        third = client.get(following)
    assert deep.count == few.count, deep.statements
    assert "Later 19" in text_of(third) and "Later 20" not in text_of(third)
    assert any("notifications.id) < (" in statement for statement in deep.statements), \
        deep.statements  # by keyset, not OFFSET


@pytest.mark.parametrize("actor", ["colleague", "manager", "admin", "outsider"])
def test_someone_elses_notification_is_not_found(app, client, people, enter, actor):
    [mine] = tell(app, people["staff"], "Private")
    enter(actor)
    assert client.post(f"/notifications/{mine}/read").status_code == 404
    assert client.post("/notifications/99999999999/read").status_code == 404
    assert unread(app, people["staff"]) == 1
    assert "Private" not in client.get("/notifications").text


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/notifications/preferences").status_code == 302


def test_the_preferences_page_offers_the_kinds_for_the_roles_and_saves_them(app, client,
                                                                            people, enter):
    from pathways.notifications.service import email_preferences
    from webapp.extensions import db

    enter("staff")
    page = client.get("/notifications/preferences")
    assert page.status_code == 200
    assert 'value="shadowing_decision" checked' in page.text
    assert "champion_request\"" not in page.text  # staff are not champions
    answer = client.post("/notifications/preferences", data={"email": ["champion_answer"]})
    assert answer.status_code == 303
    with app.app_context():
        chosen = email_preferences(db.session, db.session.get(Person, people["staff"]))
    assert chosen["champion_answer"] and not chosen["shadowing_decision"]
    assert not chosen["story_decision"]
    assert chosen["champion_request"]  # not offered to staff: left at its default

    refused = client.post("/notifications/preferences", data={"email": ["champion_request"]})
    assert refused.status_code == 400 and "There is a problem" in refused.text

    enter("lnd")
    assert 'value="otj_waiting"' in client.get("/notifications/preferences").text


def _place(app, people) -> int:
    from webapp.extensions import db

    with app.app_context():
        host = db.session.get(Person, people["other_team"])
        place = ShadowingPlace(organisation_id=host.organisation_id, host=host,
                               role_id="social-worker", starts_on=TODAY,
                               ends_on=TODAY + timedelta(days=5), capacity=1)
        db.session.add(place)
        db.session.commit()
        return place.id


def _emails(app) -> list[OutgoingEmail]:
    from webapp.extensions import db

    with app.app_context():
        return list(db.session.scalars(select(OutgoingEmail)))


def test_the_email_of_an_event_goes_to_the_outbox_after_the_page(app, client, people,
                                                                  enter):
    place = _place(app, people)
    enter("staff")
    answer = client.post(f"/shadowing/{place}/request")
    assert answer.status_code == 303
    outbox = app.config["OUTBOX_DIR"]
    from pathlib import Path

    assert list(Path(outbox).glob("*.eml")) == []  # not before the page has gone
    answer.close()  # the server closes the response once it has sent it
    [written] = Path(outbox).glob("*.eml")
    text = written.read_text()
    assert "To: manager@example.org" in text and "asks to shadow the role of" in text
    assert "/shadowing/approvals" in text
    [email] = _emails(app)
    assert email.state == "sent"


def test_a_failing_smtp_server_neither_loses_the_email_nor_blocks_the_page(
        app, client, people, enter, database_url, monkeypatch, time_machine):
    app.config.update(MAIL_TRANSPORT="smtp", SMTP_HOST="127.0.0.1",
                      SMTP_PORT=str(refusing_port()), SMTP_TLS="none")
    place = _place(app, people)
    enter("staff")
    answer = client.post(f"/shadowing/{place}/request")
    assert answer.status_code == 303  # the page answers before any sending
    answer.close()  # sent after the page: the server refuses
    [email] = _emails(app)
    assert (email.state, email.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in email.last_error

    from pathways.cli import cli

    with fake_smtp_server() as (port, received):
        env = {"DATABASE_URL": database_url, "MAIL_TRANSPORT": "smtp",
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_TLS": "none",
               "SERVICE_URL": "https://pathways.example.org"}
        runner = CliRunner()
        printed = runner.invoke(cli, ["send-email"], env=env)
        assert printed.exit_code == 0 and "0 sent" in printed.output  # not due yet
        time_machine.move_to(clock.now() + timedelta(minutes=2))
        printed = runner.invoke(cli, ["send-email"], env=env)
        assert printed.exit_code == 0 and "1 sent" in printed.output, printed.output
    [(_sender, recipients, data)] = received
    assert recipients == ["manager@example.org"]
    assert b"https://pathways.example.org/shadowing/approvals" in data
    [email] = _emails(app)
    assert (email.state, email.attempts) == ("sent", 2)


def test_with_redis_the_emails_are_queued(app, client, people, enter, monkeypatch):
    queued = []
    monkeypatch.setattr("webapp.mail.enqueue", lambda url, ids: queued.append((url, ids)))
    app.config["REDIS_URL"] = "redis://queue.invalid:6379/0"
    place = _place(app, people)
    enter("staff")
    answer = client.post(f"/shadowing/{place}/request")
    assert answer.status_code == 303
    answer.close()
    [email] = _emails(app)
    assert queued == [("redis://queue.invalid:6379/0", [email.id])]
    assert email.state == "pending" and email.attempts == 0  # the worker sends it


def test_send_reminders_runs_from_the_command_line(database_url):
    from pathways.cli import cli

    printed = CliRunner().invoke(cli, ["send-reminders"], env={"DATABASE_URL": database_url})
    assert printed.exit_code == 0, printed.output
    assert "Sent 0 reminder(s)." in printed.output and "0 sent" in printed.output


@pytest.mark.parametrize("settings, named", [
    ({"MAIL_TRANSPORT": "pigeon"}, "MAIL_TRANSPORT"),
    ({"MAIL_TRANSPORT": "notify"}, "NOTIFY_API_KEY"),
    ({"MAIL_TRANSPORT": "smtp", "SMTP_TLS": "maybe"}, "SMTP_TLS"),
])
def test_the_app_will_not_start_with_mail_settings_that_cannot_work(database_url, settings,
                                                                    named):
    from webapp import create_app

    with pytest.raises(RuntimeError, match=named):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, **settings})
