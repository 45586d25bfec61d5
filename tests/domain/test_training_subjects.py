"""The training catalogue and an organisation's own intervals (pathways.training.subjects)."""

import pytest
from sqlalchemy import select

from pathways.models import AuditEvent, TrainingInterval, TrainingSubject
from pathways.people.accounts import create_organisation
from pathways.training.subjects import (
    IntervalRefused,
    expiring_window,
    find_subject,
    intervals_for,
    set_expiring_window,
    set_interval,
    subjects_for,
)
from seed.training import load_subjects, standard_subjects


@pytest.fixture
def council(session):
    load_subjects(session)
    return create_organisation(session, "Testshire Council", partnership="Testshire")


def subject(session, subject_id):
    return session.get(TrainingSubject, subject_id)


def test_the_standard_holds_the_reference_subjects_with_their_intervals():
    subjects = {s.id: s for s in standard_subjects()}
    assert subjects["safeguarding-adults"].refresh_months == 12
    assert subjects["infection-prevention-and-control"].refresh_months == 36
    assert subjects["first-aid"].accredited
    assert subjects["care-certificate"].refresh_months is None
    assert "16 Awareness of learning disability and autism" in subjects[
        "care-certificate"].learning_outcomes
    assert subjects["oliver-mcgowan-tier-1"].level == "Tier 1"
    assert subjects["oliver-mcgowan-tier-2"].level == "Tier 2"
    assert len({s.title for s in subjects.values()}) == len(subjects) == 26


def test_loading_the_standard_twice_adds_nothing_and_keeps_edits(session, council):
    subject(session, "fire-safety").refresh_months = 6
    assert load_subjects(session) == 0
    assert subject(session, "fire-safety").refresh_months == 6


def test_an_organisation_sees_the_standard_and_its_partnerships_own(session, council):
    other = create_organisation(session, "Elsewhere", partnership="Othershire")
    session.add(TrainingSubject(id="dysphagia", title="Dysphagia awareness",
                                partnership_id=other.partnership_id))
    session.flush()
    assert "dysphagia" not in {s.id for s in subjects_for(session, council)}
    assert "dysphagia" in {s.id for s in subjects_for(session, other)}
    assert find_subject(session, council, "  FIRE safety ").id == "fire-safety"
    assert find_subject(session, council, "fire-safety").id == "fire-safety"
    assert find_subject(session, council, "dysphagia") is None


def test_shortening_is_the_organisations_choice(session, council):
    fire = subject(session, "fire-safety")
    set_interval(session, None, council, fire, 6)
    assert intervals_for(session, council.id, [fire]) == {"fire-safety": 6}


def test_lengthening_needs_a_reason_which_is_kept(session, council):
    fire = subject(session, "fire-safety")
    with pytest.raises(IntervalRefused, match="give the reason"):
        set_interval(session, None, council, fire, 24, reason="   ")
    with pytest.raises(IntervalRefused, match="give the reason"):
        set_interval(session, None, council, fire, None)
    assert session.get(TrainingInterval, (council.id, "fire-safety")) is None
    set_interval(session, None, council, fire, 24, reason="Annual drills cover it")
    stored = session.get(TrainingInterval, (council.id, "fire-safety"))
    assert (stored.refresh_months, stored.reason) == (24, "Annual drills cover it")
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "training_interval")).one()
    assert event.details["reason"] == "Annual drills cover it"
    assert event.organisation_id == council.id


def test_a_subject_that_never_expires_may_be_given_an_interval(session, council):
    certificate = subject(session, "care-certificate")
    set_interval(session, None, council, certificate, 36)
    assert intervals_for(session, council.id, [certificate]) == {"care-certificate": 36}


def test_setting_the_standard_again_removes_the_own_interval(session, council):
    fire = subject(session, "fire-safety")
    set_interval(session, None, council, fire, 6)
    assert set_interval(session, None, council, fire, 12) is None
    assert session.get(TrainingInterval, (council.id, "fire-safety")) is None


def test_intervals_are_bounded(session, council):
    fire = subject(session, "fire-safety")
    for months in (0, -1, 121):
        with pytest.raises(IntervalRefused, match="from 1 to 120 months"):
            set_interval(session, None, council, fire, months, reason="why not")


def test_the_expiring_window_is_90_days_unless_set(session, council):
    assert expiring_window(session, council.id) == 90
    set_expiring_window(session, council, 60)
    assert expiring_window(session, council.id) == 60
    for days in (0, 366):
        with pytest.raises(IntervalRefused):
            set_expiring_window(session, council, days)
