"""A form post that creates something is carried out once (``pathways.submissions``), on both
engines: a token is claimed with the change, a retry finds it claimed, a refused change frees
it again, and two posts with one token at the same moment create one thing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pathways import submissions
from pathways.errors import Refused
from pathways.models import Organisation, SentForm
from tests.concurrency import Act, done, race
from tests.recipes import MIGRATED

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


@pytest.fixture
def database_url(database_for):
    return database_for(MIGRATED)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_token_is_claimed_once(session):
    assert submissions.claim(session, "form-1", now=NOW)
    session.commit()
    assert not submissions.claim(session, "form-1", now=NOW)
    assert submissions.claim(session, "form-2", now=NOW)  # another form's post is its own
    session.commit()
    assert count(session, SentForm) == 2


@pytest.mark.parametrize("token", ["", "x" * 65])
def test_a_token_of_the_wrong_shape_is_never_free(session, token):
    assert not submissions.claim(session, token, now=NOW)
    assert count(session, SentForm) == 0


def test_a_refused_change_frees_its_token_for_the_corrected_post(session):
    assert submissions.claim(session, "form-1", now=NOW)
    session.rollback()  # the change was refused: nothing saved, the claim neither
    assert submissions.claim(session, "form-1", now=NOW)
    session.commit()
    assert not submissions.claim(session, "form-1", now=NOW)


def test_where_the_post_led_is_kept_for_its_retries(session):
    submissions.claim(session, "form-1", now=NOW)
    session.commit()
    assert submissions.led_to(session, "form-1") is None  # not known until it redirects
    submissions.note_led_to(session, "form-1", "/cohorts/3")
    session.commit()
    assert submissions.led_to(session, "form-1") == "/cohorts/3"
    assert submissions.led_to(session, "never-sent") is None


def test_old_claims_are_forgotten_and_recent_ones_kept(session):
    keep = timedelta(days=submissions.KEEP_DAYS)
    for token, sent in [("old", NOW - keep - timedelta(seconds=1)), ("edge", NOW - keep),
                        ("new", NOW)]:
        submissions.claim(session, token, now=sent)
    session.commit()
    assert submissions.forget_sent_forms(session, now=NOW) == 1
    session.commit()
    assert set(session.scalars(select(SentForm.token))) == {"edge", "new"}


def test_the_same_post_sent_at_the_same_moment_creates_one_thing(session, database_url):
    def posting(index: int):
        def prepare(session) -> Act:
            def act() -> None:
                if not submissions.claim(session, "same-form"):
                    raise Refused("sent twice")
                session.add(Organisation(name=f"Council {index}"))
                session.flush()
            return act
        return prepare

    outcomes = race(database_url, [posting(index) for index in range(4)])
    assert done(outcomes) == 1, outcomes
    assert count(session, Organisation) == 1 and count(session, SentForm) == 1
