"""The apprenticeship import: a good file creates cohorts, apprenticeships, hours, reviews and
post reservations; every kind of bad row is reported by row and column and writes nothing
(SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pathways.apprenticeships import import_writes
from pathways.apprenticeships.importer import (
    COLUMNS,
    import_apprenticeships,
    import_apprenticeships_upload,
    status_named,
)
from pathways.apprenticeships.posts import create_post
from pathways.apprenticeships.setup import create_programme, enrol
from pathways.errors import InvalidInput
from pathways.models import (
    APPRENTICESHIP_MODELS,
    Apprenticeship,
    AuditEvent,
    Cohort,
    Person,
    Post,
)
from tests.recipes import COHORT_OBJECTS, SEED_PATHWAY, attached_world, world_or_pathway

TODAY = date(2026, 11, 24)
HEADER = ",".join(COLUMNS)
GOOD = {"email": "staff@example.org", "cohort": "SWDA 2025", "standard_code": "ST0510",
        "start_date": "2025-09-01", "planned_end_date": "2028-08-31", "weekly_hours": "37.5",
        "otj_hours_logged": "120", "last_review_date": "2026-10-01", "status": "active",
        "guaranteed_post": "SW-101"}


def line(**changes) -> str:
    """One CSV row: the good row with some cells changed."""
    return ",".join(str(changes.get(column, GOOD[column])) for column in COLUMNS)


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_FILE = csv_of(
    line(email="STAFF@Example.org"),
    line(email="colleague@example.org", cohort="SWDA 2026", standard_code="st0510",
         start_date="01/09/2026", planned_end_date="31/08/2029", weekly_hours="22.5",
         otj_hours_logged="", last_review_date="", status="", guaranteed_post=""),
    line(email="other_team@example.org", cohort="swda 2026", start_date="2026-10-05",
         planned_end_date="2029-09-30", weekly_hours="30", otj_hours_logged="10",
         last_review_date="2026-11-01", status="Break in learning", guaranteed_post=""),
    line(email="manager@example.org", cohort="SWDA 2024", start_date="2024-09-02",
         planned_end_date="2027-08-30", weekly_hours="20", otj_hours_logged="300",
         last_review_date="", guaranteed_post=""),
)


@pytest.fixture
def database_url(request, database_for):
    """The cohort world for a test that asks for it, else the seed pathway (and people)."""
    return world_or_pathway(request, database_for, COHORT_OBJECTS, SEED_PATHWAY)


@pytest.fixture
def world(session, recipe_made):
    return attached_world(recipe_made(COHORT_OBJECTS), session)


def council(world):
    return world["staff"].organisation


def run(session, world, text, **kwargs):
    return import_apprenticeships(session, text, council(world), actor=world["lnd"],
                                  G=world["G"], today=TODAY, **kwargs)


def counts(session) -> dict[str, int]:
    """How many rows each apprenticeship table (and people, audit) holds, and vacant posts."""
    session.flush()
    found = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
             for model in (*APPRENTICESHIP_MODELS, AuditEvent, Person)}
    found["vacant posts"] = session.scalar(select(func.count()).select_from(Post)
                                           .where(Post.state == "vacant"))
    return found


def refused(session, world, text) -> list[str]:
    """Import a bad file: return its problems, checking that nothing at all was written."""
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        run(session, world, text)
    assert counts(session) == before
    assert str(error.value).startswith("The apprenticeships were not imported")
    return [str(problem) for problem in error.value.problems]


def apprenticeship_of(session, email, cohort_name) -> Apprenticeship:
    return session.scalar(select(Apprenticeship).join(Person).join(Cohort).where(
        Person.email == email, Cohort.name == cohort_name))


# A good file ---------------------------------------------------------------------------


def test_a_good_file_creates_apprenticeships_and_the_new_cohorts(session, world):
    before = counts(session)
    result = run(session, world, GOOD_FILE)
    assert (result.apprenticeships, result.cohorts, result.posts_reserved,
            result.reviews, result.otj_hours) == (4, 2, 1, 2, Decimal(430))
    after = counts(session)
    assert after["apprenticeships"] == before["apprenticeships"] + 4
    assert after["cohorts"] == before["cohorts"] + 2
    assert after["programmes"] == before["programmes"]
    new = session.scalar(select(Cohort).where(Cohort.name == "SWDA 2026"))
    assert new.programme is world["programme"]
    assert (new.start_date, new.planned_end_date) == (date(2026, 9, 1), date(2029, 9, 30))
    assert new.name == "SWDA 2026" and new.budget_kind == "levy"
    assert {a.person.email for a in new.apprenticeships} == {"colleague@example.org",
                                                            "other_team@example.org"}


def test_the_post_is_reserved_and_the_status_recorded_as_imported(session, world):
    run(session, world, GOOD_FILE)
    staff = apprenticeship_of(session, "staff@example.org", "SWDA 2025")
    assert world["post"].state == "reserved" and world["post"].apprenticeship is staff
    assert staff.guaranteed_role_id == "newly-qualified-social-worker"
    paused = apprenticeship_of(session, "other_team@example.org", "SWDA 2026")
    assert paused.status == "break_in_learning"
    change = paused.status_changes[0]
    assert (change.from_status, change.to_status, change.effective_on, change.reason,
            change.actor_id) == (None, "break_in_learning", date(2026, 10, 5), "Imported",
                                 world["lnd"].id)
    assert apprenticeship_of(session, "colleague@example.org", "SWDA 2026").status == "active"


def test_hours_logged_become_approved_entries_and_the_review_is_recorded(session, world):
    run(session, world, GOOD_FILE)
    staff = apprenticeship_of(session, "staff@example.org", "SWDA 2025")
    entries = staff.otj_entries
    assert sum(entry.hours for entry in entries) == 120
    assert {(e.activity, e.state, e.note) for e in entries} == {
        ("other", "approved", "Hours logged before import")}
    assert max(e.worked_on for e in entries) == TODAY
    assert all(e.hours <= 24 and e.recorded_by_id == world["lnd"].id for e in entries)
    [review] = staff.reviews
    assert (review.held_on, review.next_review_on, review.notes) == (
        date(2026, 10, 1), date(2026, 10, 1) + timedelta(days=84), "Imported")
    assert apprenticeship_of(session, "colleague@example.org", "SWDA 2026").otj_entries == []


def test_hours_of_an_apprenticeship_already_ended_are_dated_on_its_planned_end(session, world):
    text = csv_of(line(start_date="2023-01-02", planned_end_date="2024-06-28",
                       otj_hours_logged="7.25", last_review_date="", guaranteed_post="",
                       cohort="Old cohort", status="completed"))
    run(session, world, text)
    [entry] = apprenticeship_of(session, "staff@example.org", "Old cohort").otj_entries
    assert (entry.worked_on, entry.hours) == (date(2024, 6, 28), Decimal("7.25"))


def test_part_time_and_pre_august_2025_starts_get_their_funding_rules(session, world):
    run(session, world, GOOD_FILE)
    old = apprenticeship_of(session, "manager@example.org", "SWDA 2024")
    days = (date(2027, 8, 30) - date(2024, 9, 2)).days
    assert old.funding_year == "2024/25" and old.weekly_hours == Decimal("20.00")
    assert old.otj_required_hours == int(0.2 * 20 * (days / 7 - 5.6 * days / 365) + 0.5)
    part_time = apprenticeship_of(session, "colleague@example.org", "SWDA 2026")
    assert part_time.weekly_hours == Decimal("22.50") and part_time.funding_year == "2026/27"
    assert part_time.otj_required_hours == 187


def test_the_import_is_audited_once(session, world):
    run(session, world, GOOD_FILE)
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert (event.actor_id, event.entity_type, event.entity_id) == (
        world["lnd"].id, "organisation", str(council(world).id))
    assert event.details["apprenticeships"] == 4 and event.details["cohorts"] == 2
    assert "4 apprenticeships, 2 new cohorts" in event.summary


def test_importing_the_same_file_again_adds_nothing_and_says_why(session, world):
    run(session, world, GOOD_FILE)
    problems = refused(session, world, GOOD_FILE)
    assert len(problems) == 5  # four already enrolled, and the post is now reserved
    assert problems[0] == ("row 2: email: staff@example.org is already enrolled in SWDA 2025; "
                           "change it on their apprenticeship page (an import only adds)")
    assert "row 2: guaranteed_post: post SW-101 is reserved, not vacant" in problems


def test_a_file_path_bytes_with_a_bom_and_an_upload_are_read(session, world, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_of(line()).encode())
    assert run(session, world, path).apprenticeships == 1
    upload = io.BytesIO(csv_of(line(email="colleague@example.org",
                                    guaranteed_post="")).encode())
    result = import_apprenticeships_upload(session, upload, council(world), world["lnd"],
                                           world["G"], today=TODAY)
    assert result.apprenticeships == 1


def test_hours_may_have_commas_between_thousands(session, world):
    text = csv_of(line(otj_hours_logged='"1,250.5"', start_date="2023-01-02",
                       cohort="Long ago", status="completed", guaranteed_post=""))
    assert run(session, world, text).otj_hours == Decimal("1250.50")


def test_only_the_required_columns_are_needed_in_any_case(session, world):
    text = ("Email,Cohort,Standard Code,start-date,PLANNED_END_DATE,weekly hours\n"
            "staff@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5\n\n")
    assert run(session, world, text).apprenticeships == 1


# Bad rows: each reported with its row and column, and nothing written -----------------


BAD_ROWS = [
    ({"email": "nobody@example.org"}, "row 2: email: nobody with the email address "
     "nobody@example.org works for Testshire Council: import them as staff first, then "
     "import this file again"),
    ({"email": "partner_staff@example.org"}, "row 2: email: partner_staff@example.org works "
     "for another organisation"),
    ({"email": "ann"}, "row 2: email: 'ann' is not an email address"),
    ({"email": ""}, "row 2: email: enter the apprentice's email address"),
    ({"cohort": ""}, "row 2: cohort: enter the cohort's name"),
    ({"cohort": "x" * 201}, "row 2: cohort: must be at most 200 characters"),
    ({"standard_code": ""}, "row 2: standard_code: enter the apprenticeship standard's code"),
    ({"standard_code": "ST0517"}, "row 2: standard_code: SWDA 2025 is a cohort of Social work "
     "degree apprenticeship (ST0510), not of ST0517"),
    ({"cohort": "OT 2026", "standard_code": "ST0517", "guaranteed_post": ""},
     "row 2: standard_code: Testshire Council has no programme for the standard ST0517, so "
     "the new cohort 'OT 2026' (rows 2) cannot be created: set up the programme"),
    ({"start_date": "2025-13-01"}, "row 2: start_date: '2025-13-01' is not a date: use "
     "YYYY-MM-DD or DD/MM/YYYY"),
    ({"start_date": ""}, "row 2: start_date: enter the start date"),
    ({"planned_end_date": "01/09/0228"}, "row 2: planned_end_date: 0228-09-01 is not a likely "
     "date: check the year"),
    ({"planned_end_date": "2025-09-01"}, "row 2: planned_end_date: must be after the start date"),
    ({"weekly_hours": "0"}, "row 2: weekly_hours: must be more than 0 and at most 60"),
    ({"weekly_hours": "61"}, "row 2: weekly_hours: must be more than 0 and at most 60"),
    ({"weekly_hours": "0.001"}, "row 2: weekly_hours: must be more than 0 and at most 60"),
    ({"weekly_hours": "full time"}, "row 2: weekly_hours: 'full time' is not a number of hours"),
    ({"weekly_hours": ""}, "row 2: weekly_hours: enter the contracted hours a week"),
    ({"weekly_hours": '"37,5"'}, "row 2: weekly_hours: '37,5' is not a number of hours: write "
     "decimals with a point, e.g. 37.5"),
    ({"otj_hours_logged": "-3"}, "row 2: otj_hours_logged: must be at least 0"),
    ({"otj_hours_logged": "NaN"}, "row 2: otj_hours_logged: 'NaN' is not a number of hours"),
    ({"otj_hours_logged": "100000"}, "row 2: otj_hours_logged: 100000.00 hours is more than fit "
     "from the start on 2025-09-01 to 2026-11-24 at 24 hours a day and 37.50 hours a week (at "
     "most 2437.50)"),
    ({"start_date": "2027-01-04", "planned_end_date": "2029-01-04", "last_review_date": ""},
     "row 2: otj_hours_logged: no hours can be logged yet: the apprenticeship starts on "
     "2027-01-04"),
    ({"last_review_date": "2025-08-31"}, "row 2: last_review_date: cannot be before the start "
     "on 2025-09-01"),
    ({"last_review_date": "2026-11-25"}, "row 2: last_review_date: cannot be in the future"),
    ({"last_review_date": "yesterday"}, "row 2: last_review_date: 'yesterday' is not a date"),
    ({"status": "finished"}, "row 2: status: 'finished' is not a status: use one of active, "
     "break in learning, gateway, end-point assessment"),
    ({"status": "withdrawn"}, "row 2: guaranteed_post: a withdrawn apprenticeship cannot hold "
     "a post"),
    ({"guaranteed_post": "SW-999"}, "row 2: guaranteed_post: Testshire Council has no post "
     "'SW-999': add it to the posts first"),
]


@pytest.mark.parametrize("changes, message", BAD_ROWS,
                         ids=[f"{next(iter(c))}-{i}" for i, (c, _) in enumerate(BAD_ROWS)])
def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(session, world, changes,
                                                                  message):
    problems = refused(session, world, csv_of(line(**changes)))
    assert any(problem.startswith(message) for problem in problems), problems


def test_a_person_already_in_the_cohort_is_refused(session, world):
    enrol(session, world["cohort"], world["staff"], start_date=date(2025, 9, 1),
          planned_end_date=date(2028, 8, 31), weekly_hours=37.5)
    problems = refused(session, world, csv_of(line(guaranteed_post="")))
    assert problems == ["row 2: email: staff@example.org is already enrolled in SWDA 2025; "
                        "change it on their apprenticeship page (an import only adds)"]


def test_a_person_twice_in_one_cohort_and_a_post_twice_are_refused(session, world):
    problems = refused(session, world, csv_of(
        line(), line(cohort="swda 2025"), line(email="colleague@example.org")))
    assert problems == [
        "row 3: email: staff@example.org is also in swda 2025 in row 2",
        "row 3: guaranteed_post: post SW-101 is also in row 2",
        "row 4: guaranteed_post: post SW-101 is also in row 2",
    ]


def test_a_post_that_is_not_vacant_is_refused(session, world):
    enrol(session, world["cohort"], world["colleague"], start_date=date(2025, 9, 1),
          planned_end_date=date(2028, 8, 31), weekly_hours=37.5, post=world["post"])
    problems = refused(session, world, csv_of(line()))
    assert problems == ["row 2: guaranteed_post: post SW-101 is reserved, not vacant"]


def test_a_post_whose_role_cannot_follow_the_qualification_is_refused(session, world):
    create_post(session, council(world), reference="CW-1", role_id="care-worker")
    problems = refused(session, world, csv_of(line(guaranteed_post="cw-1")))
    assert problems == ["row 2: guaranteed_post: the career pathway has no move from Social "
                        "worker degree apprenticeship (Level 6) to Care worker, so post CW-1 "
                        "cannot be the guaranteed job"]


def test_a_new_cohort_needs_one_standard_and_exactly_one_programme(session, world):
    create_programme(session, council(world), name="Social work with another university",
                     qualification_id="social-work-degree-apprenticeship",
                     provider_name="Southshire University",
                     leads_to_role_id="newly-qualified-social-worker", G=world["G"])
    problems = refused(session, world, csv_of(
        line(cohort="SWDA 2026", guaranteed_post=""),
        line(email="colleague@example.org", cohort="SWDA 2026", guaranteed_post="",
             standard_code="ST0517")))
    assert problems == [
        "row 2: standard_code: Testshire Council has 2 programmes for the standard ST0510 "
        "(Social work degree apprenticeship, Social work with another university), so the new "
        "cohort 'SWDA 2026' (rows 2, 3) cannot be placed: create the cohort on the right "
        "programme first",
        "row 3: standard_code: the new cohort 'SWDA 2026' is for ST0510 in row 2",
    ]


def test_every_problem_of_a_file_is_listed_in_row_order(session, world):
    problems = refused(session, world, csv_of(
        line(email="nobody@example.org", guaranteed_post=""),
        line(email="colleague@example.org", weekly_hours="-1", status="asleep"),
        line(email="outsider@example.org", guaranteed_post="")))
    assert [problem.split(":")[0] + ":" + problem.split(":")[1] for problem in problems] == [
        "row 2: email", "row 3: weekly_hours", "row 3: status", "row 4: email"]


@pytest.mark.parametrize("text, message", [
    ("email,cohort\nstaff@example.org,SWDA 2025\n", "row 1: required column 'standard_code' "
     "is missing"),
    (HEADER + ",colour\n", "row 1: unknown column 'colour'"),
    ("", "row 1: the first row must name the columns"),
    (csv_of(line() + ",extra"), "row 2: has 11 values but the header has 10 columns"),
    (csv_of('staff@example.org,"SWDA'), "malformed CSV"),
    (b"email,cohort\n\xff\n", "file: is not UTF-8 text"),
])
def test_unreadable_files_are_refused(session, world, text, message):
    problems = refused(session, world, text)
    assert any(message in problem for problem in problems), problems


def test_an_upload_larger_than_the_limit_is_refused(session, world, monkeypatch):
    from pathways import csv_input

    monkeypatch.setattr(csv_input, "MAX_BYTES", 10)
    with pytest.raises(InvalidInput, match="is larger than"):
        import_apprenticeships_upload(session, io.BytesIO(b"x" * 100), council(world))


# All or nothing, even late --------------------------------------------------------------


def test_a_failure_while_writing_rolls_everything_back(session, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_writes, "_events", broken)  # the last table written
    before = counts(session)
    with pytest.raises(RuntimeError):
        run(session, world, GOOD_FILE)
    assert counts(session) == before
    assert world["post"].state == "vacant"


def test_a_post_taken_while_writing_is_named_by_row_and_rolls_back(session, world,
                                                                    monkeypatch):
    # The posts are locked while they are checked, so this cannot happen; if it did, the
    # import would refuse rather than take a post someone else holds.
    monkeypatch.setattr(import_writes, "_not_vacant", lambda connection, ids: set(ids))
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        run(session, world, GOOD_FILE)
    assert [str(p) for p in error.value.problems] == [
        "row 2: guaranteed_post: the post was taken while the file was imported: import it "
        "again"]
    assert counts(session) == before


def test_the_caller_still_decides_whether_to_commit(session, world):
    session.commit()
    before = counts(session)
    run(session, world, GOOD_FILE)
    session.rollback()  # on SQLite the savepoint must not have committed on its own
    assert counts(session) == before


# Helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hours, accepted", [("75", True), ("75.25", False)])
def test_hours_brought_in_keep_to_the_day_and_week_limits(session, world, hours, accepted):
    # From Monday 16 November to today, Tuesday 24 November, at 37.5 hours a week: two weeks
    # of 37.5 (the second cut to two days, which could hold 48) hold 75 hours at most.
    text = csv_of(line(start_date="2026-11-16", otj_hours_logged=hours, last_review_date=""))
    if not accepted:
        assert refused(session, world, text) == [
            "row 2: otj_hours_logged: 75.25 hours is more than fit from the start on 2026-11-16 "
            "to 2026-11-24 at 24 hours a day and 37.50 hours a week (at most 75.00)"]
        return
    run(session, world, text)
    entries = apprenticeship_of(session, "staff@example.org", "SWDA 2025").otj_entries
    assert [(entry.worked_on, entry.hours) for entry in entries] == [
        (date(2026, 11, 21), Decimal("13.50")), (date(2026, 11, 22), Decimal("24.00")),
        (date(2026, 11, 23), Decimal("13.50")), (date(2026, 11, 24), Decimal("24.00"))]


@pytest.mark.parametrize("text, status", [
    ("active", "active"), ("Break in learning", "break_in_learning"), ("EPA", "epa"),
    ("end-point assessment", "epa"), ("break-in-learning", "break_in_learning"),
    ("asleep", None)])
def test_statuses_are_named_by_name_or_label(text, status):
    assert status_named(text) == status
