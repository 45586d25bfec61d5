"""The apprenticeship import at length: no row limit, every problem of a long file reported
by row with nothing written, a fixed number of statements whatever the file's length, and
imports at the same moment taking turns (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pathways.apprenticeships.importer import import_apprenticeships
from pathways.apprenticeships.setup import enrol
from pathways.errors import InvalidInput
from pathways.models import (
    Apprenticeship,
    AuditEvent,
    Cohort,
    Organisation,
    OtjEntry,
    Person,
    Post,
    ProgressReview,
    StatusChange,
)
from tests.concurrency import Act, done, race
from tests.domain.test_apprenticeship_import import (
    GOOD_FILE,
    TODAY,
    council,
    counts,
    csv_of,
    line,
    refused,
    run,
)
from tests.querycount import counting
from tests.recipes import COHORT_OBJECTS, attached_world


@pytest.fixture
def database_url(database_for):
    return database_for(COHORT_OBJECTS)


@pytest.fixture
def world(session, recipe_made):
    return attached_world(recipe_made(COHORT_OBJECTS), session)


def cohorts_file(rows: int, *, start: int = 0, **changes) -> list[str]:
    """``rows`` lines enrolling the same person on as many new cohorts (a valid file)."""
    cells = {"guaranteed_post": "", "otj_hours_logged": "12", "last_review_date": "2026-10-01"}
    return [line(cohort=f"Cohort {number:05d}", **{**cells, **changes})
            for number in range(start, start + rows)]


def test_a_file_longer_than_the_old_cap_of_2000_rows_is_imported(session, world):
    result = run(session, world, csv_of(*cohorts_file(2100)))
    assert (result.apprenticeships, result.cohorts, result.reviews) == (2100, 2100, 2100)
    staff = world["staff"].id
    assert session.scalar(select(func.count(Apprenticeship.id))
                          .where(Apprenticeship.person_id == staff)) == 2100
    assert session.scalar(select(func.sum(OtjEntry.hours))) == 12 * 2100
    assert session.scalar(select(func.count(StatusChange.id))) == 2100
    last = session.scalar(select(Apprenticeship).join(Cohort)
                          .where(Cohort.name == "Cohort 02099"))
    assert (last.funding_year, last.otj_required_hours, last.status) == ("2025/26", 187,
                                                                         "active")
    assert [(s.to_status, s.reason) for s in last.status_changes] == [("active", "Imported")]
    events = dict(session.execute(select(AuditEvent.action, func.count(AuditEvent.id))
                                  .where(AuditEvent.entity_type != "person")
                                  .group_by(AuditEvent.action, AuditEvent.entity_type)).all())
    assert (events["enrol"], events["review"], events["import"]) == (2100, 2100, 1)
    assert session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "create", AuditEvent.entity_type == "cohort")) == 2101


def written(session) -> dict[str, list[tuple]]:
    """What an import wrote, table by table, without ids and times (sorted)."""
    session.expire_all()
    tables = {
        "cohorts": select(Cohort.name, Cohort.programme_id, Cohort.start_date,
                          Cohort.planned_end_date, Cohort.budget_kind, Cohort.provider_contact,
                          Cohort.budget_gbp),
        "apprenticeships": select(Cohort.name, Person.email, Apprenticeship.start_date,
                                  Apprenticeship.planned_end_date, Apprenticeship.weekly_hours,
                                  Apprenticeship.funding_year,
                                  Apprenticeship.otj_required_hours, Apprenticeship.status,
                                  Apprenticeship.guaranteed_role_id)
        .join(Cohort, Cohort.id == Apprenticeship.cohort_id)
        .join(Person, Person.id == Apprenticeship.person_id),
        "statuses": select(Person.email, StatusChange.from_status, StatusChange.to_status,
                           StatusChange.effective_on, StatusChange.reason,
                           StatusChange.actor_id, StatusChange.otj_override)
        .join(Apprenticeship, Apprenticeship.id == StatusChange.apprenticeship_id)
        .join(Person, Person.id == Apprenticeship.person_id),
        "hours": select(Person.email, OtjEntry.worked_on, OtjEntry.hours, OtjEntry.activity,
                        OtjEntry.note, OtjEntry.state, OtjEntry.query_note,
                        OtjEntry.recorded_by_id, OtjEntry.reviewed_by_id)
        .join(Apprenticeship, Apprenticeship.id == OtjEntry.apprenticeship_id)
        .join(Person, Person.id == Apprenticeship.person_id),
        "reviews": select(Person.email, ProgressReview.held_on, ProgressReview.next_review_on,
                          ProgressReview.notes, ProgressReview.slippage,
                          ProgressReview.apprentice_present, ProgressReview.employer_present,
                          ProgressReview.provider_present, ProgressReview.recorded_by_id)
        .join(Apprenticeship, Apprenticeship.id == ProgressReview.apprenticeship_id)
        .join(Person, Person.id == Apprenticeship.person_id),
        "posts": select(Post.reference, Post.state, Person.email)
        .outerjoin(Apprenticeship, Apprenticeship.id == Post.apprenticeship_id)
        .outerjoin(Person, Person.id == Apprenticeship.person_id),
        "audit": select(AuditEvent.actor_id, AuditEvent.organisation_id, AuditEvent.action,
                        AuditEvent.entity_type, AuditEvent.summary),
    }
    found = {name: sorted((tuple(row) for row in session.execute(query)), key=repr)
             for name, query in tables.items()}
    found["audit details"] = sorted(repr(sorted((details or {}).items())) for details in
                                    session.scalars(select(AuditEvent.details)))
    return found


def test_the_import_writes_what_the_row_by_row_import_wrote(session, world):
    """Every table as the import before issue 14 (kept for the benchmark) left it."""
    from tests.benchmarks import apprentice_import_per_row

    session.commit()
    apprenticeships = apprentice_import_per_row.import_apprenticeships(
        session, GOOD_FILE, council(world), actor=world["lnd"], G=world["G"], today=TODAY)
    old = written(session)
    session.rollback()
    result = run(session, world, GOOD_FILE)
    assert written(session) == old
    assert (result.apprenticeships, result.cohorts, result.posts_reserved, result.reviews,
            result.otj_hours) == (
        apprenticeships.apprenticeships, apprenticeships.cohorts,
        apprenticeships.posts_reserved, apprenticeships.reviews, apprenticeships.otj_hours)


def test_every_bad_row_of_a_long_file_is_reported_and_nothing_is_written(session, world):
    rows = cohorts_file(300)
    rows[48] = line(cohort="Bad 1", email="nobody@example.org", guaranteed_post="")
    rows[148] = line(cohort="Bad 2", weekly_hours="lots", guaranteed_post="")
    rows[248] = line(cohort="Bad 3", guaranteed_post="SW-404")
    rows[298] = rows[0]  # the same person twice in one cohort
    problems = refused(session, world, csv_of(*rows))
    assert problems == [
        "row 50: email: nobody with the email address nobody@example.org works for Testshire "
        "Council: import them as staff first, then import this file again",
        "row 150: weekly_hours: 'lots' is not a number of hours",
        "row 250: guaranteed_post: Testshire Council has no post 'SW-404': add it to the "
        "posts first",
        "row 300: email: staff@example.org is also in Cohort 00000 in row 2",
    ]


def test_rows_clashing_with_the_database_are_named_among_good_ones(session, world):
    enrol(session, world["cohort"], world["colleague"], start_date=date(2025, 9, 1),
          planned_end_date=date(2028, 8, 31), weekly_hours=37.5, post=world["post"])
    rows = cohorts_file(40)
    rows[10] = line(email="colleague@example.org", cohort="swda 2025", guaranteed_post="")
    rows[20] = line(cohort="Another", guaranteed_post="sw-101")
    problems = refused(session, world, csv_of(*rows))
    assert problems == [
        "row 12: email: colleague@example.org is already enrolled in SWDA 2025; change it on "
        "their apprenticeship page (an import only adds)",
        "row 22: guaranteed_post: post SW-101 is reserved, not vacant",
    ]


def test_a_row_repeated_for_a_new_cohort_is_refused(session, world):
    row = line(cohort="SWDA 2027", guaranteed_post="")
    assert refused(session, world, csv_of(row, row)) == [
        "row 3: email: staff@example.org is also in SWDA 2027 in row 2"]


def test_the_statements_do_not_grow_with_the_file(session, world, engine):
    """Set-based: 20 rows and 400 rows run the same statements (batches of 5,000 rows)."""
    session.commit()
    seen = []
    for rows in (cohorts_file(20), cohorts_file(400, start=1000)):
        session.rollback()
        council(world)
        session.expire_all()  # each import starts from the same session state
        with counting(engine) as statements:
            run(session, world, csv_of(*rows))
        seen.append(statements)
    assert seen[1].count == seen[0].count, seen[1].statements


def test_a_refused_file_runs_the_same_statements_whatever_its_length(session, world, engine):
    session.commit()
    statements = []
    for length in (20, 400):
        rows = cohorts_file(length)
        rows[-1] = line(email="nobody@example.org")
        session.rollback()
        council(world)
        session.expire_all()
        with counting(engine) as seen, pytest.raises(InvalidInput):
            run(session, world, csv_of(*rows))
        statements.append(seen.count)
    assert statements[0] == statements[1]


# At the same moment ---------------------------------------------------------------------


def importing(world, text: str):
    """Prepare an import of ``text`` by the world's L&D lead, in a racing thread's session."""
    organisation_id, actor_id, G = council(world).id, world["lnd"].id, world["G"]

    def prepare(session) -> Act:
        organisation = session.get(Organisation, organisation_id)
        actor = session.get(Person, actor_id)
        return lambda: import_apprenticeships(session, text, organisation, actor, G=G,
                                              today=TODAY)
    return prepare


def test_two_imports_of_one_file_at_once_take_turns(session, world, database_url):
    outcomes = race(database_url, [importing(world, GOOD_FILE), importing(world, GOOD_FILE)])
    assert done(outcomes) == 1, outcomes
    [lost] = [outcome for outcome in outcomes if outcome != "done"]
    assert isinstance(lost, InvalidInput)
    assert "row 2: email: staff@example.org is already enrolled in SWDA 2025" in str(lost)
    assert "row 2: guaranteed_post: post SW-101 is reserved, not vacant" in str(lost)
    session.expire_all()
    assert counts(session)["apprenticeships"] == 4
    assert session.scalar(select(func.count(Cohort.id)).where(Cohort.name == "SWDA 2026")) == 1
    assert session.scalar(select(func.count(ProgressReview.id))) == 2


def test_an_import_and_an_enrolment_on_one_post_at_once_reserve_it_once(session, world,
                                                                        database_url):
    cohort_id, colleague_id, post_id = (world["cohort"].id, world["colleague"].id,
                                        world["post"].id)

    def enrolling(session) -> Act:
        cohort, person = session.get(Cohort, cohort_id), session.get(Person, colleague_id)
        post = session.get(Post, post_id)
        return lambda: enrol(session, cohort, person, start_date=date(2025, 9, 1),
                             planned_end_date=date(2028, 8, 31), weekly_hours=37.5, post=post)

    outcomes = race(database_url, [importing(world, csv_of(line())), enrolling])
    assert done(outcomes) == 1, outcomes
    [lost] = [outcome for outcome in outcomes if outcome != "done"]
    assert "not vacant" in str(lost)
    session.expire_all()
    post = session.get(Post, post_id)
    assert post.state == "reserved"
    assert session.scalar(select(func.count(AuditEvent.id))
                          .where(AuditEvent.action == "post_reserved")) == 1


def test_the_quick_bound_on_hours_never_exceeds_what_fits():
    """``_surely_fits`` only spares counting week by week: it never lets more hours in."""
    from datetime import timedelta
    from decimal import Decimal

    from pathways.apprenticeships.importer import _surely_fits
    from pathways.apprenticeships.rules import otj_hours_that_fit

    for offset in range(0, 14):
        start = date(2025, 9, 1) + timedelta(days=offset)
        for length in range(0, 120, 3):
            for hours in (Decimal("0.5"), Decimal("22.5"), Decimal("37.5"), Decimal(60)):
                last = start + timedelta(days=length)
                assert _surely_fits(start, last, hours) <= otj_hours_that_fit(start, last,
                                                                              hours)


def test_an_enrolment_saved_meanwhile_is_the_databases_clash_on_both_engines(session, world,
                                                                           monkeypatch):
    """Had an enrolment slipped in between the checks and the writes, the database refuses
    the row (``COPY`` or ``INSERT`` alike) as an ``IntegrityError``, which the web page
    answers as a clash (409), and nothing is written."""
    from sqlalchemy.exc import IntegrityError

    from pathways.apprenticeships import import_checks

    enrol(session, world["cohort"], world["staff"], start_date=date(2025, 9, 1),
          planned_end_date=date(2028, 8, 31), weekly_hours=37.5)
    session.commit()
    monkeypatch.setattr(import_checks, "_refuse_enrolled", lambda *args: None)
    before = counts(session)
    with pytest.raises(IntegrityError):
        run(session, world, csv_of(line(guaranteed_post=""),
                                   line(email="colleague@example.org", guaranteed_post="")))
    session.rollback()
    assert counts(session) == before
