"""Programmes of any qualification on the map: apprenticeship rules only for standards."""

from datetime import date, timedelta

import pytest

from pathways.apprenticeships import lifecycle
from pathways.apprenticeships.programmes import is_apprenticeship
from pathways.apprenticeships.progress import apprenticeship_progress
from pathways.apprenticeships.rules import StatusMoveRefused
from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
from pathways.errors import InvalidInput
from tests.factories import make_cohort_world
from tests.recipes import SEED_PATHWAY, holding

TODAY = date(2026, 11, 24)


@pytest.fixture
def database_url(request, database_for):
    return database_for(holding(request, SEED_PATHWAY))


@pytest.fixture
def world(session):
    return make_cohort_world(session)


COURSES = [("asye", "social-worker"), ("peps-stage-1", "practice-educator"),
           ("diploma-adult-care-l3", "senior-care-worker"),
           ("diploma-leadership-l5", "deputy-manager"), ("amhp-training", "amhp"),
           ("bia-training", "best-interests-assessor")]


@pytest.mark.parametrize("qualification, role", COURSES)
def test_lnd_can_run_a_programme_of_any_qualification_on_the_map(session, world,
                                                                 qualification, role):
    programme = create_programme(session, world["staff"].organisation, name="Course",
                                 qualification_id=qualification, provider_name="Provider",
                                 leads_to_role_id=role, G=world["G"])
    assert not is_apprenticeship(programme) and is_apprenticeship(world["programme"])


def asye_learner(session, world, start=date(2026, 1, 5)):
    programme = create_programme(session, world["staff"].organisation, name="ASYE",
                                 qualification_id="asye", provider_name="Northshire Council",
                                 provider_kind="training_provider",
                                 leads_to_role_id="social-worker", G=world["G"])
    cohort = create_cohort(session, programme, name="ASYE 2026", start_date=start,
                           planned_end_date=start + timedelta(days=364))
    return enrol(session, cohort, world["staff"], start_date=start,
                 planned_end_date=start + timedelta(days=364), weekly_hours=37,
                 actor=world["lnd"])


def test_a_course_learner_has_no_off_the_job_hours_or_funding_year(session, world):
    learner = asye_learner(session, world)
    assert learner.otj_required_hours == 0 and learner.funding_year == ""
    standing = apprenticeship_progress(session, learner, TODAY)
    assert standing.otj_required == 0 and not standing.otj_behind  # never behind on hours
    assert standing.review_overdue and standing.rag == "amber"  # reviews still count


def test_a_course_learner_has_no_gateway_and_completes_from_active(session, world):
    learner = asye_learner(session, world)
    with pytest.raises(StatusMoveRefused, match="only for apprenticeship standards"):
        lifecycle.move_status(session, learner, "gateway", effective_on=TODAY,
                              reason="Ready", today=TODAY)
    lifecycle.move_status(session, learner, "completed", effective_on=TODAY,
                          reason="Signed off", today=TODAY)
    lifecycle.move_status(session, learner, "qualified", effective_on=TODAY,
                          reason="Certificate", today=TODAY)
    assert learner.status == "qualified"


def test_an_apprentice_still_cannot_complete_without_end_point_assessment(session, world):
    apprentice = enrol(session, world["cohort"], world["staff"], start_date=date(2025, 9, 1),
                       planned_end_date=date(2028, 8, 31), weekly_hours=37)
    assert apprentice.otj_required_hours == 187 and apprentice.funding_year == "2025/26"
    with pytest.raises(StatusMoveRefused):
        lifecycle.move_status(session, apprentice, "completed", effective_on=TODAY,
                              reason="Done", today=TODAY)


def test_a_course_learner_cannot_be_enrolled_at_end_point_assessment(session, world):
    learner = asye_learner(session, world)
    with pytest.raises(InvalidInput, match="'epa' is not a status of this programme"):
        enrol(session, learner.cohort, world["colleague"], start_date=date(2026, 1, 5),
              planned_end_date=date(2026, 12, 31), weekly_hours=37, status="epa")
