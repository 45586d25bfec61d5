"""Training about to expire: reminders to the person and their managers, once per record and
window (pathways.training.reminders, ``pathways training-reminders``), on both engines."""

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways.cli import cli
from pathways.dates import add_months
from pathways.models import Notification, Person, Role, SentReminder, TrainingSubject
from pathways.training.records import record_training
from pathways.training.reminders import send_training_reminders, window_of
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from tests.concurrency import done, race
from tests.recipes import TOY_PATHWAY, ids_of, world_fixtures, world_on

#: Fire safety is refreshed every 12 months: completed on COMPLETED, it expires on EXPIRES.
COMPLETED = date(2025, 9, 1)
EXPIRES = add_months(COMPLETED, 12)


def _build(session, people):
    load_subjects(session)
    council = people["staff"].organisation
    for key in ("staff", "colleague", "manager"):
        people[key].current_role_id = "care-worker"
    add_requirement(session, None, council, session.get(Role, "care-worker"),
                    session.get(TrainingSubject, "fire-safety"))
    record_training(session, None, people["staff"], session.get(TrainingSubject, "fire-safety"),
                    COMPLETED, today=COMPLETED)
    session.flush()
    return ids_of(people)


WORLD = world_on(TOY_PATHWAY, "training_reminders", _build)
database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


def told(session, kind="training_expiring"):
    return sorted((recipient.split("@")[0], text) for recipient, text in session.execute(
        select(Person.email, Notification.text).join(Person, Person.id
                                                     == Notification.recipient_id)
        .where(Notification.kind == kind)))


def test_the_windows_are_30_60_and_90_days_up_to_the_expiry_day():
    today = date(2026, 1, 1)
    assert [window_of(today, today + timedelta(days=d)) for d in (0, 30, 31, 60, 61, 90, 91,
                                                                  -1)] == [
        30, 30, 60, 60, 90, 90, None, None]


def test_the_person_and_their_manager_are_told_once_per_window(session, world):
    assert send_training_reminders(session, EXPIRES - timedelta(days=91)) == {}
    first = send_training_reminders(session, EXPIRES - timedelta(days=90))
    assert first == {"90 days": 2}
    assert [who for who, _text in told(session)] == ["manager", "staff"]
    assert "Your Fire safety training expires on 1 September 2026" in dict(told(session))[
        "staff"]
    assert send_training_reminders(session, EXPIRES - timedelta(days=61)) == {}
    assert send_training_reminders(session, EXPIRES - timedelta(days=45)) == {"60 days": 2}
    assert send_training_reminders(session, EXPIRES) == {"30 days": 2}
    assert send_training_reminders(session, EXPIRES) == {}
    assert send_training_reminders(session, EXPIRES + timedelta(days=1)) == {}  # expired
    assert len(told(session)) == 6


def test_a_first_run_close_to_expiry_sends_the_smallest_window_only(session, world):
    assert send_training_reminders(session, EXPIRES - timedelta(days=10)) == {"30 days": 2}
    assert send_training_reminders(session, EXPIRES - timedelta(days=5)) == {}


def test_a_new_completion_is_reminded_of_when_it_nears_expiry_in_turn(session, world):
    staff = session.get(Person, world["staff"])
    send_training_reminders(session, EXPIRES - timedelta(days=20))
    record_training(session, None, staff, session.get(TrainingSubject, "fire-safety"),
                    EXPIRES - timedelta(days=10), today=EXPIRES)
    assert send_training_reminders(session, EXPIRES) == {}  # up to date again
    renewed = add_months(EXPIRES - timedelta(days=10), 12)
    assert send_training_reminders(session, renewed - timedelta(days=3)) == {"30 days": 2}


def test_a_disabled_account_is_not_told_and_nobody_outside_the_team(session, world):
    session.get(Person, world["manager"]).active = False
    session.flush()
    assert send_training_reminders(session, EXPIRES - timedelta(days=80)) == {"90 days": 1}
    assert [who for who, _text in told(session)] == ["staff"]


def test_two_runs_at_once_remind_once(session, world, database_url):
    session.commit()

    def running(other):
        return lambda: send_training_reminders(other, EXPIRES - timedelta(days=80))

    assert done(race(database_url, [running, running])) == 2
    session.expire_all()
    assert len(told(session)) == 2
    assert session.scalar(select(func.count(SentReminder.id))) == 2


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": "development",
                                  "MAIL_TRANSPORT": "outbox"})
    return run


def test_the_command_reminds_as_of_a_day_and_says_how_many(run, session, world, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path))
    session.commit()
    as_of = (EXPIRES - timedelta(days=80)).isoformat()
    answer = run("training-reminders", "--as-of", as_of)
    assert answer.exit_code == 0, answer.output
    assert "Sent 2 training reminder(s): 2 at 90 days" in answer.output
    assert "Sent 0 training reminder(s)." in run("training-reminders", "--as-of",
                                                 as_of).output
    bad = run("training-reminders", "--as-of", "31/02/2026")
    assert bad.exit_code != 0 and "--as-of" in bad.output
