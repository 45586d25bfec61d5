"""Apprenticeship services on real rows: enrolment, status moves, posts, the log, reviews,
placements and the guaranteed job (SQLite and PostgreSQL)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from pathways.apprenticeships import lifecycle, placements, posts, records
from pathways.apprenticeships.progress import (
    apprenticeship_progress,
    cohort_summary,
    otj_over_time,
    qualifiers_by_month,
)
from pathways.apprenticeships.rules import MOVES, STATUSES, StatusMoveRefused
from pathways.apprenticeships.setup import create_cohort, create_programme, enrol, find_cohort
from pathways.errors import InvalidInput
from pathways.models import AuditEvent, OtjEntry, Person
from pathways.people.accounts import create_person
from tests.recipes import COHORT_OBJECTS, SEED_PATHWAY, attached_world, world_or_pathway

TODAY = date(2026, 11, 24)


@pytest.fixture
def database_url(request, database_for):
    """The cohort world for a test that asks for it, else the seed pathway (and people)."""
    return world_or_pathway(request, database_for, COHORT_OBJECTS, SEED_PATHWAY)


@pytest.fixture
def world(session, recipe_made):
    return attached_world(recipe_made(COHORT_OBJECTS), session)


def _enrol(session, world, key="staff", start=date(2025, 9, 1), end=date(2028, 8, 31),
           hours=37.5, **kwargs):
    return enrol(session, world["cohort"], world[key], start_date=start, planned_end_date=end,
                 weekly_hours=hours, actor=world["lnd"], **kwargs)


# Setting up ---------------------------------------------------------------------------


def test_a_programme_must_be_a_qualification_leading_to_a_role_by_a_move(session, world):
    council = world["staff"].organisation
    with pytest.raises(InvalidInput) as refused:
        create_programme(session, council, name="", qualification_id="care-worker",
                         provider_name="", leads_to_role_id="no-such-role", G=world["G"])
    fields = {problem.where for problem in refused.value.problems}
    assert fields == {"name", "qualification_id", "leads_to_role_id", "provider_name"}
    with pytest.raises(InvalidInput, match="no move from"):
        create_programme(session, council, name="OT", qualification_id="ot-degree-apprenticeship",
                         provider_name="Uni", leads_to_role_id="care-worker", G=world["G"])


def test_a_cohort_needs_a_unique_name_and_an_end_after_its_start(session, world):
    with pytest.raises(InvalidInput) as refused:
        create_cohort(session, world["programme"], name="swda 2025", start_date=date(2026, 1, 1),
                      planned_end_date=date(2026, 1, 1), budget_gbp="-5")
    assert {p.where for p in refused.value.problems} == {"name", "planned_end_date",
                                                          "budget_gbp"}
    assert find_cohort(session, world["cohort"].organisation_id, "SWDA 2025") is world["cohort"]
    assert find_cohort(session, world["cohort"].organisation_id,
                       str(world["cohort"].id)) is world["cohort"]


def test_enrolment_works_out_the_funding_year_and_off_the_job_hours(session, world):
    new_rules = _enrol(session, world)
    assert new_rules.funding_year == "2025/26"
    assert new_rules.otj_required_hours == 187  # no published minimum: the floor
    old_rules = _enrol(session, world, key="colleague", start=date(2024, 9, 2),
                       end=date(2027, 8, 30), hours=20)
    assert old_rules.funding_year == "2024/25"
    days = (date(2027, 8, 30) - date(2024, 9, 2)).days
    assert old_rules.otj_required_hours == int(0.2 * 20 * (days / 7 - 5.6 * days / 365) + 0.5)
    assert [c.to_status for c in new_rules.status_changes] == ["active"]
    assert new_rules.status_changes[0].actor_id == world["lnd"].id


def test_enrolment_refuses_bad_input_naming_each_field(session, world):
    with pytest.raises(InvalidInput) as refused:
        _enrol(session, world, key="outsider", hours=0, end=date(2025, 9, 1),
               guaranteed_role_id="nope")
    assert {p.where for p in refused.value.problems} == {
        "email", "weekly_hours", "planned_end_date", "guaranteed_role_id"}
    _enrol(session, world)
    with pytest.raises(InvalidInput, match="already in SWDA 2025"):
        _enrol(session, world)


def test_enrolling_with_a_post_reserves_it_and_guarantees_its_role(session, world):
    apprenticeship = _enrol(session, world, post=world["post"])
    assert world["post"].state == "reserved"
    assert world["post"].apprenticeship is apprenticeship
    assert apprenticeship.guaranteed_role_id == "newly-qualified-social-worker"
    with pytest.raises(InvalidInput, match="SW-101 is reserved, not vacant"):
        _enrol(session, world, key="colleague", post=world["post"])


# Status moves -------------------------------------------------------------------------


def _meet_hours(session, apprenticeship, by, hours=None, state="approved"):
    """Give the apprenticeship entries of 20 hours (one a day, before ``by``) up to ``hours``.

    ``hours`` defaults to the required hours still missing.
    """
    left = Decimal(str(apprenticeship.otj_required_hours if hours is None else hours))
    left -= Decimal(str(lifecycle.approved_hours(session, apprenticeship, by)))
    day = by
    while left > 0:
        day -= timedelta(days=1)
        amount = min(Decimal(20), left)
        apprenticeship.otj_entries.append(OtjEntry(worked_on=day, hours=amount,
                                                   activity="taught", state=state))
        left -= amount
    session.flush()


def _walk(session, apprenticeship, world, *statuses, on=TODAY):
    for status in statuses:
        if status == "gateway":  # gateway needs the required hours approved
            _meet_hours(session, apprenticeship, on)
        lifecycle.move_status(session, apprenticeship, status, effective_on=on,
                              reason=f"to {status}", actor=world["lnd"], today=TODAY)


VALID = [(current, new) for current, targets in MOVES.items() for new in targets]
#: The shortest walk from active to each status.
REACH = {"active": (), "break_in_learning": ("break_in_learning",), "gateway": ("gateway",),
         "epa": ("gateway", "epa"), "failed": ("gateway", "epa", "failed"),
         "completed": ("gateway", "epa", "completed"),
         "qualified": ("gateway", "epa", "completed", "qualified"),
         "withdrawn": ("withdrawn",)}


@pytest.mark.parametrize("current, new", VALID)
def test_every_valid_move_is_recorded_with_who_when_and_why(session, world, current, new):
    apprenticeship = _enrol(session, world)
    _walk(session, apprenticeship, world, *REACH[current])
    _walk(session, apprenticeship, world, new)
    assert apprenticeship.status == new
    last = apprenticeship.status_changes[-1]
    assert (last.from_status, last.to_status, last.effective_on, last.reason,
            last.actor_id) == (current, new, TODAY, f"to {new}", world["lnd"].id)


INVALID = [(current, new) for current in STATUSES for new in STATUSES
           if new not in MOVES[current]]


@pytest.mark.parametrize("current, new", INVALID)
def test_every_other_move_is_refused_and_changes_nothing(session, world, current, new):
    apprenticeship = _enrol(session, world)
    _walk(session, apprenticeship, world, *REACH[current])
    before = len(apprenticeship.status_changes)
    with pytest.raises(StatusMoveRefused):
        _walk(session, apprenticeship, world, new)
    assert apprenticeship.status == current
    assert len(apprenticeship.status_changes) == before


def test_gateway_waits_for_the_minimum_duration(session, world):
    apprenticeship = _enrol(session, world, start=date(2026, 3, 31), end=date(2029, 3, 31))
    with pytest.raises(StatusMoveRefused, match="earliest is 2026-11-30"):
        _walk(session, apprenticeship, world, "gateway", on=date(2026, 11, 24))


def test_gateway_waits_for_the_required_hours_approved(session, world):
    apprenticeship = _enrol(session, world, post=world["post"])
    _meet_hours(session, apprenticeship, TODAY, hours=159.5)
    _meet_hours(session, apprenticeship, TODAY - timedelta(days=30), hours=50,
                state="submitted")  # waiting for approval: does not count
    with pytest.raises(StatusMoveRefused, match=r"only 159\.5 of the 187 required off-the-job "
                       r"hours are approved \(27\.5 short\)"):
        lifecycle.move_status(session, apprenticeship, "gateway", effective_on=TODAY,
                              reason="Ready", actor=world["lnd"], today=TODAY)
    assert apprenticeship.status == "active" and len(apprenticeship.status_changes) == 1
    _meet_hours(session, apprenticeship, TODAY)  # the rest approved
    lifecycle.move_status(session, apprenticeship, "gateway", effective_on=TODAY,
                          reason="Ready", actor=world["lnd"], today=TODAY,
                          otj_override="not needed")
    assert apprenticeship.status == "gateway"
    assert apprenticeship.status_changes[-1].otj_override is None  # no override was needed


def test_hours_approved_after_the_gateway_date_do_not_count(session, world):
    apprenticeship = _enrol(session, world)
    _meet_hours(session, apprenticeship, TODAY)  # all of them in the days before TODAY
    with pytest.raises(StatusMoveRefused, match="only 0 of the 187"):
        lifecycle.move_status(session, apprenticeship, "gateway",
                              effective_on=TODAY - timedelta(days=30), reason="Ready",
                              actor=world["lnd"], today=TODAY)


def test_an_override_lets_gateway_go_ahead_and_stays_in_the_history(session, world):
    apprenticeship = _enrol(session, world)
    _meet_hours(session, apprenticeship, TODAY, hours=159.5)
    lifecycle.move_status(session, apprenticeship, "gateway", effective_on=TODAY,
                          reason="Ready", actor=world["lnd"], today=TODAY,
                          otj_override="  Hours recorded on paper, audited by the provider ")
    change = apprenticeship.status_changes[-1]
    assert change.otj_override == ("Gateway with 159.5 of 187 required off-the-job hours "
                                   "approved, by override: Hours recorded on paper, audited "
                                   "by the provider")
    event = session.query(AuditEvent).filter_by(action="status").order_by(
        AuditEvent.id.desc()).first()
    assert event.details["otj_override"] == change.otj_override


@pytest.mark.parametrize("status, words", [
    ("break_in_learning", ["staff is on a break in learning", "SW-101 stays reserved"]),
    ("withdrawn", ["staff has left the apprenticeship",
                   "Post SW-101 is released: it is vacant again"]),
])
def test_each_move_says_what_it_means_for_the_apprentice_and_the_post(session, world, status,
                                                                     words):
    apprenticeship = _enrol(session, world, post=world["post"])
    held = apprenticeship.post.reference
    _walk(session, apprenticeship, world, status)
    meaning = lifecycle.meaning_of_move(
        apprenticeship, released=None if apprenticeship.post else held)
    assert all(word in meaning for word in words), meaning


def test_a_move_needs_a_reason_and_a_date_in_range(session, world):
    apprenticeship = _enrol(session, world)
    with pytest.raises(InvalidInput) as refused:
        lifecycle.move_status(session, apprenticeship, "withdrawn", effective_on=TODAY
                              + timedelta(days=1), reason=" ", today=TODAY)
    assert {p.where for p in refused.value.problems} == {"reason", "effective_on"}
    with pytest.raises(InvalidInput, match="cannot be before 2025-09-01"):
        lifecycle.move_status(session, apprenticeship, "withdrawn",
                              effective_on=date(2025, 8, 1), reason="left", today=TODAY)


def test_withdrawing_releases_the_reserved_post(session, world):
    apprenticeship = _enrol(session, world, post=world["post"])
    _walk(session, apprenticeship, world, "withdrawn")
    assert world["post"].state == "vacant" and world["post"].apprenticeship is None


def test_status_on_a_date_follows_the_history(session, world):
    apprenticeship = _enrol(session, world)
    _walk(session, apprenticeship, world, "break_in_learning", on=date(2026, 1, 5))
    _walk(session, apprenticeship, world, "active", on=date(2026, 3, 2))
    assert lifecycle.status_on(apprenticeship, date(2026, 1, 4)) == "active"
    assert lifecycle.status_on(apprenticeship, date(2026, 2, 1)) == "break_in_learning"
    assert lifecycle.status_on(apprenticeship, date(2026, 3, 2)) == "active"
    summary = cohort_summary(session, world["cohort"], date(2026, 2, 1))
    assert summary.apprentices[0].status == "break_in_learning"


# Posts --------------------------------------------------------------------------------


@pytest.mark.parametrize("path, refused_at", [
    (("reserved", "offered", "filled", "vacant"), None),
    (("reserved", "vacant"), None),
    (("reserved", "offered", "vacant"), None),
    (("offered",), 0),
    (("filled",), 0),
    (("reserved", "filled"), 1),
    (("reserved", "reserved"), 1),
    (("reserved", "offered", "filled", "offered"), 3),
])
def test_the_post_lifecycle(session, world, path, refused_at):
    apprenticeship = _enrol(session, world)
    post = world["post"]
    for index, state in enumerate(path):
        if index == refused_at:
            before = post.state
            with pytest.raises(posts.PostMoveRefused, match=f"from {before} to {state}"):
                posts.move_post(session, post, state, apprenticeship=apprenticeship)
            assert post.state == before
            return
        posts.move_post(session, post, state, apprenticeship=apprenticeship)
        assert post.state == state
    assert post.apprenticeship is None  # every valid path here ends vacant


def test_a_post_cannot_be_reserved_without_an_apprenticeship_or_twice(session, world):
    with pytest.raises(posts.PostMoveRefused, match="which apprenticeship"):
        posts.move_post(session, world["post"], "reserved")
    apprenticeship = _enrol(session, world, post=world["post"])
    other = posts.create_post(session, world["staff"].organisation, reference="SW-102",
                              role_id="newly-qualified-social-worker")
    with pytest.raises(posts.PostMoveRefused, match="already holds post SW-101"):
        posts.move_post(session, other, "reserved", apprenticeship=apprenticeship)


def test_post_references_are_unique_and_roles_real(session, world):
    with pytest.raises(InvalidInput) as refused:
        posts.create_post(session, world["staff"].organisation, reference="sw-101",
                          role_id="peps-stage-1")
    assert {p.where for p in refused.value.problems} == {"reference", "role_id"}


# The off-the-job log and reviews -------------------------------------------------------


def test_logging_hours_checks_the_day_hours_and_activity(session, world):
    apprenticeship = _enrol(session, world)
    with pytest.raises(InvalidInput) as refused:
        records.log_hours(session, apprenticeship, worked_on=date(2025, 8, 31), hours="24.5",
                          activity="napping", today=TODAY)
    assert {p.where for p in refused.value.problems} == {"hours", "worked_on", "activity"}
    with pytest.raises(InvalidInput, match="in the future"):
        records.log_hours(session, apprenticeship, worked_on=TODAY + timedelta(days=1),
                          hours=1, activity="taught", today=TODAY)
    entry = records.log_hours(session, apprenticeship, worked_on=TODAY, hours="7.5",
                              activity="taught", actor=world["staff"], today=TODAY)
    assert entry.state == "submitted" and entry.recorded_by_id == world["staff"].id


def _logged(session, apprenticeship) -> tuple[float, float]:
    progress = apprenticeship_progress(session, apprenticeship, TODAY)
    return progress.otj_logged, progress.otj_pending


def test_queried_hours_do_not_count_until_approved(session, world):
    apprenticeship = _enrol(session, world)
    entry = records.log_hours(session, apprenticeship, worked_on=date(2026, 1, 5), hours=10,
                              activity="taught", today=TODAY)
    assert _logged(session, apprenticeship) == (0, 10)  # submitted: pending, not counted
    with pytest.raises(InvalidInput, match="query_note"):
        records.review_entry(session, entry, "queried")
    records.review_entry(session, entry, "queried", note="No evidence")
    assert _logged(session, apprenticeship) == (0, 0)
    records.review_entry(session, entry, "approved")
    assert _logged(session, apprenticeship) == (10, 0)


def test_pending_hours_are_shown_but_do_not_put_anyone_on_track(session, world):
    # Started 1 October 2026: by 24 November 187 x 54/1095 = 9.2 hours are expected.
    apprenticeship = _enrol(session, world, start=date(2026, 10, 1), end=date(2029, 9, 30))
    records.record_review(session, apprenticeship, held_on=date(2026, 11, 1), today=TODAY)
    entries = [records.log_hours(session, apprenticeship, worked_on=day, hours=7,
                                 activity="taught", today=TODAY)
               for day in (date(2026, 11, 2), date(2026, 11, 9))]
    progress = apprenticeship_progress(session, apprenticeship, TODAY)
    assert (progress.otj_logged, progress.otj_pending) == (0, 14)
    assert progress.otj_behind and progress.rag == "amber"
    records.review_entry(session, entries[0], "approved")
    progress = apprenticeship_progress(session, apprenticeship, TODAY)
    assert (progress.otj_logged, progress.otj_pending) == (7, 7)
    assert progress.otj_behind  # 7 approved is under 90% of 9.2
    records.review_entry(session, entries[1], "approved")
    progress = apprenticeship_progress(session, apprenticeship, TODAY)
    assert (progress.otj_logged, progress.otj_pending, progress.rag) == (14, 0, "green")
    row = cohort_summary(session, world["cohort"], TODAY).to_json()["apprentices"][0]
    assert (row["otj_logged"], row["otj_pending"]) == (14, 0)


def test_a_day_holds_at_most_24_hours_across_its_entries(session, world):
    apprenticeship = _enrol(session, world, hours=60)
    monday = date(2026, 11, 2)
    for hours in ("20", "4"):  # exactly 24 in the day: accepted
        records.log_hours(session, apprenticeship, worked_on=monday, hours=hours,
                          activity="taught", today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        records.log_hours(session, apprenticeship, worked_on=monday, hours="0.5",
                          activity="taught", today=TODAY)
    [problem] = refused.value.problems
    assert (problem.where, problem.message) == (
        "hours", "Monday 2 November 2026 already has 24 hours logged: with these 0.5 it would "
        "be 24.5, more than the 24 hours in a day")
    assert sum(entry.hours for entry in apprenticeship.otj_entries) == 24


def test_a_queried_entry_frees_its_hours_until_it_is_approved(session, world):
    apprenticeship = _enrol(session, world, hours=60)
    monday = date(2026, 11, 2)
    wrong = records.log_hours(session, apprenticeship, worked_on=monday, hours="20",
                              activity="taught", today=TODAY)
    records.review_entry(session, wrong, "queried", note="Twenty hours on one day?")
    records.log_hours(session, apprenticeship, worked_on=monday, hours="7.5",
                      activity="taught", today=TODAY)  # the corrected entry fits
    with pytest.raises(InvalidInput, match=r"Monday 2 November 2026 already has 7\.5 hours"):
        records.review_entry(session, wrong, "approved")
    assert wrong.state == "queried"


@pytest.mark.parametrize("tuesday, accepted", [("13.5", True), ("13.75", False)])
def test_a_week_holds_at_most_the_contracted_weekly_hours(session, world, tuesday, accepted):
    apprenticeship = _enrol(session, world, hours=37.5)
    records.log_hours(session, apprenticeship, worked_on=date(2026, 11, 2), hours="24",
                      activity="taught", today=TODAY)
    log = lambda day, hours: records.log_hours(  # noqa: E731
        session, apprenticeship, worked_on=day, hours=hours, activity="taught", today=TODAY)
    if accepted:
        log(date(2026, 11, 3), tuesday)  # 37.5 in the week of Monday 2 November
    else:
        with pytest.raises(InvalidInput) as refused:
            log(date(2026, 11, 3), tuesday)
        assert [p.message for p in refused.value.problems] == [
            "the week of Monday 2 November 2026 already has 24 hours logged: with these 13.75 "
            "it would be 37.75, more than the 37.5 contracted hours a week"]
    log(date(2026, 11, 9), "24")  # the next week starts afresh


@pytest.mark.parametrize("gap, accepted", [(84, True), (85, False), (0, False)])
def test_the_next_review_is_due_within_84_days(session, world, gap, accepted):
    apprenticeship = _enrol(session, world)
    held = date(2026, 6, 1)
    kwargs = dict(held_on=held, next_review_on=held + timedelta(days=gap), today=TODAY)
    if accepted:
        review = records.record_review(session, apprenticeship, **kwargs)
        assert review.next_review_on == held + timedelta(days=gap)
    else:
        with pytest.raises(InvalidInput, match="next_review_on"):
            records.record_review(session, apprenticeship, **kwargs)


def test_a_review_needs_someone_present_and_a_past_date(session, world):
    apprenticeship = _enrol(session, world)
    with pytest.raises(InvalidInput) as refused:
        records.record_review(session, apprenticeship, held_on=TODAY + timedelta(days=1),
                              apprentice_present=False, employer_present=False,
                              provider_present=False, today=TODAY)
    assert {p.where for p in refused.value.problems} == {"held_on", "present"}


# Placements and educators -------------------------------------------------------------


def test_an_educator_needs_peps_and_room(session, world):
    first = _enrol(session, world)
    second = _enrol(session, world, key="colleague")
    with pytest.raises(placements.EducatorRefused, match="holds none of peps-stage-1"):
        placements.add_placement(session, first, setting="Hospital team",
                                 start_date=date(2026, 1, 5), end_date=date(2026, 6, 5),
                                 educator=world["other_team"])
    placements.add_placement(session, first, setting="Hospital team",
                             start_date=date(2026, 1, 5), end_date=date(2026, 6, 5),
                             educator=world["educator"])
    with pytest.raises(placements.EducatorRefused, match="capacity is 1"):
        placements.add_placement(session, second, setting="Duty team",
                                 start_date=date(2026, 6, 1), end_date=date(2026, 9, 1),
                                 educator=world["educator"])
    assert len(second.placements) == 0
    # the day the first ends, the educator is free again
    placements.add_placement(session, second, setting="Duty team",
                             start_date=date(2026, 6, 5), end_date=date(2026, 9, 1),
                             educator=world["educator"])
    placements.set_capacity(session, world["educator"], 2)
    late = placements.add_placement(session, second, setting="Locality team",
                                    start_date=date(2026, 7, 1), end_date=date(2026, 12, 1))
    placements.allocate(session, late, world["educator"])
    assert late.educator is world["educator"]


def test_placements_without_an_educator_are_counted(session, world):
    apprenticeship = _enrol(session, world)
    placements.add_placement(session, apprenticeship, setting="Hospital team",
                             start_date=date(2026, 9, 1), end_date=date(2027, 1, 31))
    row = cohort_summary(session, world["cohort"], TODAY).apprentices[0]
    assert row.missing_educator
    assert not cohort_summary(session, world["cohort"], date(2027, 2, 1)).apprentices[0] \
        .missing_educator


def test_only_social_work_and_ot_have_placements(session, world):
    care = create_programme(session, world["staff"].organisation, name="Lead adult care",
                            qualification_id="lead-adult-care-worker-apprenticeship",
                            provider_name="Northshire College",
                            leads_to_role_id="senior-care-worker", provider_kind="college",
                            G=world["G"])
    cohort = create_cohort(session, care, name="L3", start_date=date(2026, 2, 2),
                           planned_end_date=date(2027, 8, 2))
    apprenticeship = enrol(session, cohort, world["staff"], start_date=date(2026, 2, 2),
                           planned_end_date=date(2027, 8, 2), weekly_hours=30)
    assert not placements.needs_placements(apprenticeship)
    with pytest.raises(InvalidInput, match="only social work and occupational therapy"):
        placements.add_placement(session, apprenticeship, setting="Home",
                                 start_date=date(2026, 3, 1), end_date=date(2026, 4, 1))


# The guaranteed job -------------------------------------------------------------------


def test_qualifying_and_starting_in_post_moves_the_person_along_the_graph(session, world):
    apprenticeship = _enrol(session, world, post=world["post"])
    person = world["staff"]
    with pytest.raises(lifecycle.JobStepRefused, match="once the apprentice is qualified"):
        lifecycle.record_job_step(session, apprenticeship, "standards_met_on", TODAY,
                                  today=TODAY)
    _walk(session, apprenticeship, world, "gateway", "epa", "completed", "qualified",
          on=date(2026, 11, 2))
    with pytest.raises(lifecycle.JobStepRefused, match="next step is standards met"):
        lifecycle.record_job_step(session, apprenticeship, "offer_made_on", TODAY, today=TODAY)
    for step, state in [("standards_met_on", "reserved"), ("offer_made_on", "offered"),
                        ("offer_accepted_on", "offered"), ("started_in_post_on", "filled")]:
        lifecycle.record_job_step(session, apprenticeship, step, TODAY, G=world["G"],
                                  actor=world["lnd"], today=TODAY)
        assert world["post"].state == state
    assert person.current_role_id == "newly-qualified-social-worker"
    assert person.role_start_date == TODAY
    held = {q.qualification_id: q.achieved_on for q in person.qualifications}
    assert held["social-work-degree-apprenticeship"] == date(2026, 11, 2)
    assert lifecycle.next_job_step(apprenticeship) is None
    assert apprenticeship.status == "qualified"  # the history keeps the apprenticeship


def test_a_job_step_needs_a_guaranteed_job_and_a_date_in_order(session, world):
    apprenticeship = _enrol(session, world)
    _walk(session, apprenticeship, world, "gateway", "epa", "completed", "qualified",
          on=date(2026, 11, 2))
    with pytest.raises(InvalidInput, match="from 2026-11-02"):
        lifecycle.record_job_step(session, apprenticeship, "standards_met_on",
                                  date(2026, 11, 1), today=TODAY)
    lifecycle.record_job_step(session, apprenticeship, "standards_met_on", TODAY, today=TODAY)
    with pytest.raises(lifecycle.JobStepRefused, match="no guaranteed job"):
        lifecycle.record_job_step(session, apprenticeship, "offer_made_on", TODAY, today=TODAY)


# The cohort summary -------------------------------------------------------------------


def test_the_summary_puts_overdue_reviews_and_missing_educators_first(session, world):
    overdue = _enrol(session, world, key="staff")  # no review since 2025-09-01
    on_track = _enrol(session, world, key="colleague", start=date(2026, 10, 1),
                      end=date(2029, 9, 30))
    records.record_review(session, on_track, held_on=date(2026, 11, 1), today=TODAY)
    entry = records.log_hours(session, on_track, worked_on=date(2026, 11, 2), hours=10,
                              activity="taught", today=TODAY)  # expected: 187 x 54/1095 = 9.2
    records.review_entry(session, entry, "approved")
    summary = cohort_summary(session, world["cohort"], TODAY)
    assert [row.email for row in summary.apprentices] == [world["staff"].email,
                                                          world["colleague"].email]
    first = summary.apprentices[0]
    assert first.review_overdue and first.otj_behind and first.rag == "red"
    assert summary.apprentices[1].rag == "green"
    assert summary.counts == {"red": 1, "amber": 0, "green": 1, "grey": 0}
    data = summary.to_json()
    assert data["as_of"] == "2026-11-24" and data["cohort"]["name"] == "SWDA 2025"
    assert data["apprentices"][0]["otj_required"] == overdue.otj_required_hours


def test_the_summary_counts_only_what_happened_by_its_date(session, world):
    apprenticeship = _enrol(session, world)
    for day in (date(2026, 1, 5), date(2026, 6, 1)):
        records.review_entry(session, records.log_hours(
            session, apprenticeship, worked_on=day, hours=7, activity="taught", today=TODAY),
            "approved")
    records.record_review(session, apprenticeship, held_on=date(2026, 6, 1), today=TODAY)
    early = cohort_summary(session, world["cohort"], date(2026, 2, 1)).apprentices[0]
    late = cohort_summary(session, world["cohort"], date(2026, 6, 1)).apprentices[0]
    assert (early.otj_logged, early.last_review) == (7, None)
    assert (late.otj_logged, late.last_review) == (14, date(2026, 6, 1))


def test_an_apprentice_starting_tomorrow_is_not_started_not_active_and_green(session, world):
    _enrol(session, world, start=TODAY + timedelta(days=1), end=date(2029, 11, 24))
    [row] = cohort_summary(session, world["cohort"], TODAY).apprentices
    assert (row.status, row.rag) == ("not_started", "grey")
    [row] = cohort_summary(session, world["cohort"], TODAY + timedelta(days=1)).apprentices
    assert (row.status, row.rag) == ("active", "green")


def test_the_summary_takes_a_fixed_number_of_queries(session, world):
    for key in ("staff", "colleague", "other_team"):
        apprenticeship = _enrol(session, world, key=key)
        records.log_hours(session, apprenticeship, worked_on=TODAY, hours=2, activity="taught",
                          today=TODAY)
    session.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.bind, "before_cursor_execute", listener)
    try:
        summary = cohort_summary(session, world["cohort"], TODAY)
    finally:
        event.remove(session.bind, "before_cursor_execute", listener)
    assert len(summary.apprentices) == 3
    assert len(statements) == 5


def test_the_charts_add_up(session, world):
    apprenticeship = _enrol(session, world, post=world["post"])
    _enrol(session, world, key="colleague", end=date(2028, 9, 30))
    for day, hours in ((date(2025, 9, 15), 6), (date(2025, 10, 15), 4),
                       (date(2025, 10, 16), 5)):
        entry = records.log_hours(session, apprenticeship, worked_on=day, hours=hours,
                                  activity="taught", today=TODAY)
        if hours != 5:  # the 5 hours are not approved yet: not on the chart
            records.review_entry(session, entry, "approved")
    points = otj_over_time(session, world["cohort"], date(2025, 10, 31))
    assert [p.month for p in points] == [date(2025, 9, 30), date(2025, 10, 31)]
    assert [p.first for p in points] == [6, 10]
    planned = (date(2028, 8, 31) - date(2025, 9, 1)).days
    expected_sep = 187 * 29 / planned + 187 * 29 / (date(2028, 9, 30) - date(2025, 9, 1)).days
    assert points[0].second == round(expected_sep, 1)
    months = qualifiers_by_month(session, world["cohort"])
    assert [(m.month, m.first, m.second) for m in months] == [
        (date(2028, 8, 1), 1, 1), (date(2028, 9, 1), 1, 0)]


def test_expected_qualifiers_leave_out_those_already_qualified(session, world):
    qualified = _enrol(session, world, post=world["post"])
    _enrol(session, world, key="colleague")
    _walk(session, qualified, world, "gateway", "epa", "completed", "qualified",
          on=date(2026, 11, 2))
    months = qualifiers_by_month(session, world["cohort"])
    assert [(m.month, m.first, m.second) for m in months] == [(date(2028, 8, 1), 1, 0)]


def test_every_service_leaves_an_audit_trail(session, world):
    apprenticeship = _enrol(session, world, post=world["post"])
    records.log_hours(session, apprenticeship, worked_on=TODAY, hours=1, activity="taught",
                      actor=world["staff"], today=TODAY)
    actions = {e.action for e in session.query(AuditEvent)}
    assert {"create", "enrol", "post_reserved", "log_otj"} <= actions


def test_an_apprentice_from_another_organisation_cannot_enrol(session, world):
    stranger = create_person(session, email="x@elsewhere.example", name="X",
                             organisation=world["outsider"].organisation, roles=["staff"])
    with pytest.raises(InvalidInput, match="does not work for Testshire Council"):
        enrol(session, world["cohort"], stranger, start_date=date(2025, 9, 1),
              planned_end_date=date(2028, 8, 31), weekly_hours=37.5)
    assert isinstance(stranger, Person)


def test_thresholds_come_from_settings_with_defaults():
    from pathways.apprenticeships.progress import Thresholds

    assert Thresholds.from_mapping({}) == Thresholds(0.9, 28, 84)
    assert Thresholds.from_mapping({"OTJ_BEHIND_SHARE": "0.8", "REVIEW_EVERY_DAYS": "60"}) \
        == Thresholds(0.8, 28, 60)
    with pytest.raises(ValueError):
        Thresholds.from_mapping({"OTJ_BEHIND_SHARE": "1.5"})
