"""Notifications: made at each event that needs someone, email preferences, the stored email
sent once and retried while the mail server fails, and the scheduled reminders sent once
under a double run (both engines)."""

from __future__ import annotations

import socket
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.apprenticeships import records
from pathways.apprenticeships.setup import enrol
from pathways.db import make_session_factory
from pathways.mentoring import pairings, shadowing, stories
from pathways.mentoring.champions import ChampionDetails, save_profile
from pathways.mentoring.conversations import record_conversation
from pathways.models import (
    Notification,
    OutgoingEmail,
    Person,
    ProgressReview,
    SentReminder,
)
from pathways.notifications import delivery, notify, service
from pathways.notifications.kinds import KINDS, kinds_for
from pathways.notifications.reminders import send_reminders
from pathways.notifications.transport import (
    Email,
    MailSettingsError,
    NotifyTransport,
    OutboxTransport,
    SmtpTransport,
    transport_from,
)
from pathways.people.accounts import create_person
from pathways.snapshot import build_graph
from tests.concurrency import Act, done, race
from tests.factories import make_cohort_world, make_people
from tests.recipes import SEED_WITH_PEOPLE

TODAY = clock.today()


@pytest.fixture
def database_url(database_for):
    """The seed pathway and ``make_people``'s people."""
    return database_for(SEED_WITH_PEOPLE)


def told(session, person: Person, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.recipient_id == person.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query.order_by(Notification.id)))


def emails(session) -> list[OutgoingEmail]:
    return list(session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def staff(session, world, key: str, **kwargs) -> Person:
    return create_person(session, email=f"{key}@example.org", name=key.title(),
                         organisation=world["staff"].organisation, roles=["staff"], **kwargs)


# At each event ---------------------------------------------------------------------------


def test_a_champion_hears_of_a_request_and_the_person_of_the_answer(session):
    world = make_people(session)
    ace = staff(session, world, "ace")
    save_profile(session, ace, ChampionDetails(roles_held=("social-worker",), capacity=3))
    asking = [staff(session, world, name) for name in ("jo", "sam")]
    for person in asking:
        person.current_role_id, person.target_role_id = "care-worker", "social-worker"
    session.flush()
    G = build_graph(session)
    first, second = (pairings.request_champion(session, G, person, ace) for person in asking)

    requests = told(session, ace, "champion_request")
    assert [n.text for n in requests] == ["Jo asked you to be their career champion",
                                          "Sam asked you to be their career champion"]
    assert {n.link for n in requests} == {"/champions/requests"}
    assert requests[0].about_type == "champion_pairings" and requests[0].about_id == first.id

    pairings.accept(session, first, goals="Qualify", meeting_frequency="Monthly",
                    agreed_until=TODAY + timedelta(days=90), actor=ace)
    pairings.decline(session, second, reason="Full", actor=ace)
    [accepted] = told(session, asking[0], "champion_answer")
    [declined] = told(session, asking[1], "champion_answer")
    assert accepted.text == "Ace accepted your request to be your career champion"
    assert accepted.link == f"/pairings/{first.id}"
    assert "declined" in declined.text
    # every kind emails by default but off-the-job hours: one email per notification
    assert len(emails(session)) == 4


def test_a_request_that_expires_unanswered_tells_the_person_who_asked_once(session):
    world = make_people(session)
    ace = staff(session, world, "ace")
    save_profile(session, ace, ChampionDetails(roles_held=("social-worker",), capacity=3))
    jo = staff(session, world, "jo")
    jo.current_role_id, jo.target_role_id = "care-worker", "social-worker"
    session.flush()
    asked = pairings.request_champion(session, build_graph(session), jo, ace)
    assert pairings.expire_requests(session, today=asked.respond_by) == 0  # still in time
    assert told(session, jo, "champion_answer") == []
    assert pairings.expire_requests(session, today=asked.respond_by + timedelta(days=1)) == 1
    [expired] = told(session, jo, "champion_answer")
    assert expired.text == ("Your request to Ace to be your career champion expired "
                            "unanswered: you can ask another champion")
    assert expired.link == "/champions" and expired.about_id == asked.id
    assert pairings.expire_requests(session, today=asked.respond_by + timedelta(days=2)) == 0
    assert len(told(session, jo, "champion_answer")) == 1  # a second run tells no one again


def test_managers_hear_of_a_shadowing_request_and_the_person_of_the_decision(session):
    world = make_people(session)
    place = shadowing.publish_place(session, world["other_team"], role_id="social-worker",
                                    starts_on=TODAY + timedelta(days=3),
                                    ends_on=TODAY + timedelta(days=10))
    request = shadowing.request_place(session, place, world["staff"])
    [asked] = told(session, world["manager"], "shadowing_request")
    assert asked.text == "staff asks to shadow the role of Social worker"
    assert asked.link == "/shadowing/approvals"
    assert told(session, world["staff"]) == []  # not the person who asked
    assert told(session, world["colleague"]) == []  # not a colleague who manages no one

    shadowing.decide(session, request, True, actor=world["manager"])
    [decision] = told(session, world["staff"], "shadowing_decision")
    assert decision.text == "Your request to shadow the role of Social worker was approved"


def test_l_and_d_hear_of_hours_and_stories_waiting_and_authors_of_decisions(session):
    world = make_cohort_world(session)
    apprenticeship = enrol(session, world["cohort"], world["staff"],
                           start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                           weekly_hours=37.5, post=world["post"])
    records.log_hours(session, apprenticeship, worked_on=TODAY - timedelta(days=1), hours=3,
                      activity="taught", actor=world["staff"])
    # L&D of the council and L&D with partnership scope approve; admins have L&D to do it
    for key in ("lnd", "partnership_lnd"):
        [waiting] = told(session, world[key], "otj_waiting")
        assert waiting.text == "staff logged off-the-job hours for you to approve"
        assert waiting.link == f"/apprenticeships/{apprenticeship.id}"
    assert told(session, world["admin"]) == []
    assert len(emails(session)) == 0  # off-the-job hours are in the app only by default

    records.log_hours(session, apprenticeship, worked_on=TODAY - timedelta(days=2), hours=1,
                      activity="taught", actor=world["staff"])
    assert len(told(session, world["lnd"], "otj_waiting")) == 1  # one until it is read
    service.mark_all_read(session, world["partnership_lnd"])
    records.log_hours(session, apprenticeship, worked_on=TODAY - timedelta(days=3), hours=1,
                      activity="taught", actor=world["lnd"])
    assert len(told(session, world["lnd"], "otj_waiting")) == 1  # not told of their own
    assert len(told(session, world["partnership_lnd"], "otj_waiting")) == 2  # read: again

    story = stories.write_story(session, world["G"], world["staff"], title="My way",
                                body="How I moved on.",
                                steps=[("care-worker", None), ("care-certificate", None)])
    stories.submit(session, story, consent=True)
    [waiting] = told(session, world["lnd"], "story_waiting")
    assert waiting.text == "staff's career story “My way” waits for approval"
    stories.approve(session, story, actor=world["lnd"])
    stories.withdraw(session, story, actor=world["lnd"])
    assert [n.text for n in told(session, world["staff"], "story_decision")] == [
        "Your career story “My way” is published",
        "Your career story “My way” was withdrawn by lnd"]
    stories.submit(session, story, consent=True)
    stories.withdraw(session, story, actor=world["staff"])  # their own doing: not told
    assert len(told(session, world["staff"], "story_decision")) == 2


def test_a_disabled_account_is_not_told(session):
    world = make_people(session)
    world["staff"].active = False
    assert notify(session, world["staff"], "champion_answer", world["staff"], text="x") is None
    assert told(session, world["staff"]) == []
    with pytest.raises(ValueError):
        notify(session, world["colleague"], "no_such_kind", world["staff"], text="x")


def test_people_choose_email_per_kind_and_defaults_stand_for_the_rest(session):
    world = make_people(session)
    lnd = world["lnd"]
    assert service.wants_email(session, lnd, "story_waiting") is True
    assert service.wants_email(session, lnd, "otj_waiting") is False
    service.set_email_preferences(session, lnd, {"story_waiting": False, "otj_waiting": True})
    chosen = service.email_preferences(session, lnd)
    assert chosen["story_waiting"] is False and chosen["otj_waiting"] is True
    assert chosen["review_due"] is True  # never chosen: the default
    notify(session, lnd, "story_waiting", lnd, text="A story")
    notify(session, lnd, "otj_waiting", lnd, text="Hours")
    assert [e.notification.text for e in emails(session)] == ["Hours"]
    with pytest.raises(Exception, match="not saved"):
        service.set_email_preferences(session, lnd, {"nonsense": True})


def test_the_kinds_offered_follow_the_access_roles():
    assert "champion_request" not in {k.name for k in kinds_for(["staff"])}
    assert "champion_request" in {k.name for k in kinds_for(["staff", "champion"])}
    assert {k.name for k in kinds_for(["lnd", "admin", "manager", "champion"])} == set(KINDS)


def test_reading_marks_and_counts(session):
    world = make_people(session)
    staff_ = world["staff"]
    first = notify(session, staff_, "champion_answer", staff_, text="One")
    notify(session, staff_, "champion_answer", staff_, text="Two")
    assert service.unread_count(session, staff_) == 2
    service.mark_read(session, first)
    assert service.unread_count(session, staff_) == 1
    assert service.mark_all_read(session, staff_) == 1
    assert service.unread_count(session, staff_) == 0


# Sending the stored emails ---------------------------------------------------------------


class Recorder:
    """A transport that keeps what it is given, or fails ``failures`` times first."""

    def __init__(self, failures: int = 0):
        self.sent: list[Email] = []
        self.failures = failures

    def send(self, email: Email) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("the mail server is away")
        self.sent.append(email)
        return "ok"


def _stored_email(session) -> int:
    world = make_people(session)
    notify(session, world["staff"], "champion_answer", world["staff"],
           text="Ace accepted your request", link="/champions")
    session.commit()
    [email] = emails(session)
    return email.id


def test_a_stored_email_is_sent_once(session, engine):
    email_id = _stored_email(session)
    sessions, transport = make_session_factory(engine), Recorder()
    assert delivery.deliver(sessions, transport, "https://p.example", email_id).sent == 1
    assert delivery.deliver(sessions, transport, "https://p.example", email_id).sent == 0
    assert delivery.deliver_due(sessions, transport, "https://p.example").sent == 0
    [sent] = transport.sent
    assert sent.to == "staff@example.org" and sent.subject == "Ace accepted your request"
    assert "https://p.example/champions" in sent.body
    assert "https://p.example/notifications/preferences" in sent.body
    session.expire_all()
    [email] = emails(session)
    assert email.state == "sent" and email.attempts == 1 and email.sent_at is not None


def refusing_port() -> int:
    """A local port where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_failing_smtp_server_is_retried_and_the_message_kept(session, engine):
    email_id = _stored_email(session)
    sessions, now = make_session_factory(engine), clock.now()
    down = SmtpTransport(host="127.0.0.1", port=refusing_port(), security="none", timeout=2)
    result = delivery.deliver(sessions, down, "https://p.example", email_id, now=now)
    assert (result.sent, result.failed) == (0, 1)
    session.expire_all()
    [email] = emails(session)
    assert email.state == "pending" and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at.replace(tzinfo=None) == (
        now + timedelta(minutes=1)).replace(tzinfo=None)
    # not due again yet: nothing is tried
    assert delivery.deliver_due(sessions, down, "https://p.example", now=now).failed == 0

    with fake_smtp_server() as (port, received):
        up = SmtpTransport(host="127.0.0.1", port=port, security="none", timeout=5)
        later = now + timedelta(minutes=2)
        assert delivery.deliver_due(sessions, up, "https://p.example", now=later).sent == 1
    [(_sender, recipients, data)] = received
    assert recipients == ["staff@example.org"] and b"Ace accepted your request" in data
    session.expire_all()
    [email] = emails(session)
    assert email.state == "sent" and email.attempts == 2


def test_an_email_is_given_up_after_the_last_attempt(session, engine):
    email_id = _stored_email(session)
    sessions, transport = make_session_factory(engine), Recorder(failures=100)
    moment = clock.now()
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.deliver(sessions, transport, "https://p.example", email_id, now=moment)
        moment += timedelta(days=1)
    session.expire_all()
    [email] = emails(session)
    assert email.state == "failed" and email.attempts == delivery.MAX_ATTEMPTS
    assert delivery.deliver_due(sessions, transport, "https://p.example", now=moment).failed == 0


def test_two_senders_at_once_send_an_email_once(session, engine, database_url):
    email_id = _stored_email(session)
    transport = Recorder()

    def sending(session) -> Act:
        return lambda: delivery.deliver(make_session_factory(session.get_bind()), transport,
                                        "https://p.example", email_id)
    outcomes = race(database_url, [sending, sending])
    assert done(outcomes) == 2 and len(transport.sent) == 1


class fake_smtp_server:  # a context manager, named like open()
    """A local SMTP server (aiosmtpd) that keeps (sender, recipients, data) of each message."""

    def __enter__(self):
        from aiosmtpd.controller import Controller

        received: list = []

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
                return "250 OK"

        port = refusing_port()  # free a moment ago
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()
        return port, received

    def __exit__(self, *exc):
        self.controller.stop()


# Transports ------------------------------------------------------------------------------


def test_the_settings_choose_the_transport(tmp_path):
    assert isinstance(transport_from({"OUTBOX_DIR": str(tmp_path)}), OutboxTransport)
    smtp = transport_from({"PATHWAYS_ENV": "production", "SMTP_HOST": "mail.example.org",
                           "SMTP_TLS": "ssl", "SMTP_USER": "app", "SMTP_PASSWORD": "pw"})
    assert isinstance(smtp, SmtpTransport) and (smtp.port, smtp.security) == (465, "ssl")
    assert "pw" not in repr(smtp)
    notify_ = transport_from({"MAIL_TRANSPORT": "notify", "NOTIFY_API_KEY": "key",
                              "NOTIFY_TEMPLATE_ID": "template"})
    assert isinstance(notify_, NotifyTransport)
    for wrong in ({"MAIL_TRANSPORT": "pigeon"}, {"MAIL_TRANSPORT": "notify"},
                  {"MAIL_TRANSPORT": "smtp", "SMTP_TLS": "maybe"},
                  {"MAIL_TRANSPORT": "smtp", "SMTP_PORT": "twenty"}):
        with pytest.raises(MailSettingsError):
            transport_from(wrong)


def test_the_outbox_writes_a_file(tmp_path):
    path = OutboxTransport(tmp_path / "outbox").send(Email("a@example.org", "Hi", "Body\n"))
    text = Path(path).read_text()
    assert "Subject: Hi" in text and "To: a@example.org" in text and "Body" in text


def test_gov_uk_notify_is_sent_the_generic_template_with_personalisation():
    class FakeClient:
        calls: list = []

        def send_email_notification(self, **kwargs):
            self.calls.append(kwargs)
            return {"id": "notify-1"}

    client = FakeClient()
    transport = NotifyTransport(api_key="key", template_id="generic", client=client)
    email = Email("a@example.org", "Subject", "Body", {"name": "Jo"}, reference="n-1")
    assert transport.send(email) == "notify-1"
    [call] = client.calls
    assert call["template_id"] == "generic" and call["email_address"] == "a@example.org"
    assert call["personalisation"] == {"subject": "Subject", "body": "Body", "name": "Jo"}
    assert call["reference"] == "n-1"


def test_the_official_notify_client_is_used_when_none_is_given():
    from notifications_python_client.notifications import NotificationsAPIClient

    transport = NotifyTransport(api_key="name-" + "0" * 36 + "-" + "1" * 36,
                                template_id="generic")
    with pytest.raises(Exception):  # noqa: B017  (no network here: the client's own error)
        transport.send(Email("a@example.org", "S", "B"))
    assert isinstance(transport.client, NotificationsAPIClient)


# Reminders -------------------------------------------------------------------------------


def _reminder_world(session) -> dict:
    """A champion request expiring tomorrow, an apprentice whose review is due in 3 days,
    and a My Conversation review due in 5 days; returns the people and records."""
    world = make_cohort_world(session)
    ace = staff(session, world, "ace")
    save_profile(session, ace, ChampionDetails(roles_held=("social-worker",), capacity=3))
    jo = staff(session, world, "jo")
    jo.current_role_id, jo.target_role_id = "care-worker", "social-worker"
    session.flush()
    pairing = pairings.request_champion(session, world["G"], jo, ace,
                                        today=TODAY - timedelta(days=9))
    apprenticeship = enrol(session, world["cohort"], world["colleague"],
                           start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                           weekly_hours=37.5, post=world["post"])
    apprenticeship.reviews.append(ProgressReview(
        held_on=TODAY - timedelta(days=81), next_review_on=TODAY + timedelta(days=3)))
    conversation = record_conversation(
        session, world["staff"], held_on=TODAY - timedelta(days=85),
        review_on=TODAY + timedelta(days=5), actor=world["manager"])
    session.query(Notification).delete()  # only what the reminders make is counted
    session.query(OutgoingEmail).delete()
    session.commit()
    return {**world, "ace": ace, "pairing": pairing, "apprenticeship": apprenticeship,
            "conversation": conversation}


def test_reminders_go_to_who_must_act(session):
    world = _reminder_world(session)
    sent = send_reminders(session)
    assert sent == {"champion_request_expiring": 1, "review_due": 2,
                    "conversation_review_due": 2}
    [expiring] = told(session, world["ace"], "champion_request_expiring")
    tomorrow = TODAY + timedelta(days=1)
    assert expiring.text == (f"Jo's request for a career champion expires on "
                             f"{tomorrow.day} {tomorrow:%B %Y} unless you answer it")
    for key in ("lnd", "partnership_lnd"):
        [review] = told(session, world[key], "review_due")
        assert review.text.startswith("colleague's progress review is due on")
    assert told(session, world["staff"], "conversation_review_due")[0].link == (
        "/profile/conversations")
    assert told(session, world["manager"], "conversation_review_due")[0].text.startswith(
        "staff's My Conversation review is due on")

    assert send_reminders(session) == {}  # the next run, or the next day: nothing again
    assert send_reminders(session, today=TODAY + timedelta(days=1)) == {}
    # a review put off to a new date is reminded of again
    world["conversation"].review_on = TODAY + timedelta(days=6)
    assert send_reminders(session) == {"conversation_review_due": 2}


def test_reminders_are_not_sent_too_early_or_for_old_dates(session):
    world = _reminder_world(session)
    world["pairing"].respond_by = TODAY + timedelta(days=5)
    world["conversation"].review_on = TODAY - timedelta(days=60)
    world["apprenticeship"].reviews[0].next_review_on = TODAY + timedelta(days=30)
    session.flush()
    assert send_reminders(session) == {}


def test_a_double_run_of_the_reminders_sends_each_once(session, database_url):
    _reminder_world(session)

    def running(session) -> Act:
        return lambda: send_reminders(session)
    outcomes = race(database_url, [running, running])
    assert done(outcomes) == 2, outcomes
    session.expire_all()
    assert session.scalar(select(func.count(Notification.id))) == 5
    assert session.scalar(select(func.count(SentReminder.id))) == 5
    assert session.scalar(select(func.count(OutgoingEmail.id))) == 5



# The queue on Redis ----------------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway local Redis server (skipped where redis-server is not installed)."""
    import shutil
    import subprocess
    import time

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = refusing_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    from redis import Redis

    for _ in range(50):
        try:
            Redis.from_url(url).ping()
            break
        except Exception:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


def test_an_rq_worker_sends_the_queued_email(session, database_url, redis_url, tmp_path,
                                             monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    email_id = _stored_email(session)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MAIL_TRANSPORT", "outbox")
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("SERVICE_URL", "https://pathways.example.org")
    assert delivery.enqueue(redis_url, [email_id]) == 1
    connection = Redis.from_url(redis_url)
    queue = Queue(delivery.QUEUE_NAME, connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)
    [written] = (tmp_path / "outbox").glob("*.eml")
    assert "https://pathways.example.org/champions" in written.read_text()
    session.expire_all()
    assert emails(session)[0].state == "sent"


def test_the_data_download_holds_the_persons_notifications_and_choices(session):
    from pathways.people.data_download import everything_about

    world = make_people(session)
    notify(session, world["staff"], "champion_answer", world["staff"], text="Yours")
    notify(session, world["colleague"], "champion_answer", world["colleague"], text="Theirs")
    service.set_email_preferences(session, world["staff"], {"story_decision": False})
    data = everything_about(session, world["staff"])
    [mine] = data["notifications"]
    assert mine["text"] == "Yours" and mine["emails"][0]["to"] == "staff@example.org"
    assert data["notification_email_choices"] == {"story_decision": False}
