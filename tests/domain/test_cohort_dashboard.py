"""The cohort dashboard in SQL (``standing.cohort_dashboard``) against the Python rules
(``progress.cohort_summary``) on a varied cohort, on SQLite and PostgreSQL.

The varied cohort (``varied_cohort``): 70 apprentices of one cohort, beside 10 of another
that must be left out, with random starts (some in the future), histories (breaks, returns,
withdrawals, gateway and beyond, moves dated after some of the days asked about), approved,
submitted and queried hours, reviews or none, placements without an educator, posts and
guaranteed roles, and names that differ only in case. Every count, every row and every
order must be the summary's, on days before, during and after the cohort, with the default
thresholds and others.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pathways.apprenticeships.progress import (
    RAG_ORDER,
    ApprenticeProgress,
    Thresholds,
    cohort_summary,
    urgency,
)
from pathways.apprenticeships.rules import funding_rule_year
from pathways.apprenticeships.standing import cohort_dashboard, missing_educators
from pathways.models import (
    Apprenticeship,
    Cohort,
    OtjEntry,
    Person,
    Placement,
    Post,
    ProgressReview,
    StatusChange,
)
from tests.recipes import SEED_PATHWAY, world_fixtures, world_on

START, END = date(2025, 9, 1), date(2028, 8, 31)
DAYS = [date(2025, 8, 1), date(2025, 9, 20), date(2026, 1, 31), date(2026, 11, 24),
        date(2028, 9, 30)]
#: Histories an apprentice may have: (status moved to, days after the start).
HISTORIES = [
    [], [], [], [("break_in_learning", 200)], [("break_in_learning", 120), ("active", 300)],
    [("withdrawn", 90)], [("gateway", 500), ("epa", 560)],
    [("gateway", 400), ("epa", 450), ("completed", 520), ("qualified", 540)],
    [("gateway", 420), ("epa", 470), ("failed", 500)],
]


def varied_cohort(session, people: dict) -> dict:
    """Build the module's varied cohort; return the cohort ids."""
    from tests.factories import make_cohort_world

    rng = random.Random(14)
    world = make_cohort_world(session, people=people)
    council = world["staff"].organisation
    other = Cohort(organisation_id=council.id, programme_id=world["programme"].id,
                   name="Another cohort", start_date=START, planned_end_date=END)
    session.add(other)
    session.flush()
    first_names = ["ann lee", "Ann Lee", "Bob", "bob", "Carla", "dev", "Eve", "Zoë", "Ömer"]
    for number in range(80):
        cohort = world["cohort"] if number < 70 else other
        person = Person(email=f"varied{number}@example.org",
                        name=f"{rng.choice(first_names)} {rng.randrange(5)}",
                        organisation_id=council.id, active=True)
        session.add(person)
        start = START + timedelta(days=rng.choice([0, 0, 14, 60, 200]))
        end = rng.choice([END, END, date(2026, 8, 31), start + timedelta(days=400)])
        history = rng.choice(HISTORIES)
        apprenticeship = Apprenticeship(
            cohort=cohort, person=person, start_date=start, planned_end_date=end,
            weekly_hours=Decimal("37.5"), funding_year=funding_rule_year(start),
            otj_required_hours=rng.choice([0, 187, 280, 400]),
            status=history[-1][0] if history else "active",
            guaranteed_role_id="newly-qualified-social-worker" if rng.random() < 0.3
            else None)
        session.add(apprenticeship)
        moves = [(None, "active", start)] + [
            (None, status, start + timedelta(days=after)) for status, after in history]
        for index, (_, status, on) in enumerate(moves):
            session.add(StatusChange(apprenticeship=apprenticeship, to_status=status,
                                     from_status=moves[index - 1][1] if index else None,
                                     effective_on=on, reason="Test"))
        for _ in range(rng.randrange(0, 12)):
            session.add(OtjEntry(
                apprenticeship=apprenticeship,
                worked_on=start + timedelta(days=rng.randrange(0, 700)),
                hours=Decimal(rng.choice(["0.25", "0.5", "1.1", "3.3", "7.5", "8"])),
                activity="taught", state=rng.choice(["approved"] * 6 + ["submitted",
                                                                        "queried"])))
        held = start + timedelta(days=rng.randrange(20, 120))
        while rng.random() < 0.7 and held < END:
            session.add(ProgressReview(apprenticeship=apprenticeship, held_on=held,
                                       next_review_on=held + timedelta(days=84)))
            held += timedelta(days=rng.randrange(40, 140))
        if rng.random() < 0.3:
            placed = start + timedelta(days=rng.randrange(0, 500))
            session.add(Placement(apprenticeship=apprenticeship, setting="Team",
                                  start_date=placed, end_date=placed + timedelta(days=90),
                                  educator_id=None if rng.random() < 0.6
                                  else world["educator"].id))
        if rng.random() < 0.4:
            session.add(Post(organisation_id=council.id, reference=f"V-{number:03}",
                             role_id="newly-qualified-social-worker", state="reserved",
                             apprenticeship=apprenticeship))
    session.flush()
    return {"cohort": world["cohort"].id, "other": other.id}


VARIED = world_on(SEED_PATHWAY, "varied_cohort", varied_cohort)
database_url, world = world_fixtures(VARIED, SEED_PATHWAY)


def half_away(value: float) -> int:
    """Round to a whole number, halves away from zero (as SQL's ``round``)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def expected_unrounded(row: ApprenticeProgress, as_of: date) -> float:
    """The hours expected by ``as_of``, before the summary rounds them."""
    elapsed = max(0, (as_of - row.start_date).days)
    planned = max(1, (row.planned_end_date - row.start_date).days)
    return row.otj_required * min(1.0, elapsed / planned)


def python_order(rows: list[ApprenticeProgress], order: str, as_of: date
                 ) -> list[ApprenticeProgress]:
    """The rows in one of the dashboard's orders, by the Python rules."""
    def name(row):
        return row.name.lower()
    keys = {
        "urgency": urgency,
        "name": lambda row: (name(row), row.apprenticeship_id),
        "rag": lambda row: (RAG_ORDER.index(row.rag), name(row), row.apprenticeship_id),
        "otj": lambda row: (half_away((row.otj_logged - expected_unrounded(row, as_of)) * 100),
                            name(row), row.apprenticeship_id),
    }
    return sorted(rows, key=keys[order])


def every_page(session, cohort, as_of, thresholds, per_page=20, **asked):
    """Walk the dashboard's pages forward, then back; return the rows and the first page."""
    first = cohort_dashboard(session, cohort, as_of, thresholds, per_page=per_page, **asked)
    pages, page = [first.page], first.page
    while page.after:
        assert len(pages) < 50, "the pages never end"
        page = cohort_dashboard(session, cohort, as_of, thresholds, per_page=per_page,
                                after=page.after, number=page.number + 1, **asked).page
        pages.append(page)
    backwards = [pages[-1]]
    while backwards[-1].before:
        assert len(backwards) < 50, "the pages never end"
        backwards.append(cohort_dashboard(session, cohort, as_of, thresholds,
                                          per_page=per_page, before=backwards[-1].before,
                                          **asked).page)
    assert [p.rows for p in reversed(backwards)] == [p.rows for p in pages]
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    return [row for p in pages for row in p.rows], first


@pytest.mark.parametrize("thresholds", [Thresholds(), Thresholds(0.5, 0, 30),
                                        Thresholds(1.0, 60, 200)])
def test_the_counts_and_every_row_are_the_summarys(session, world, thresholds):
    cohort = session.get(Cohort, world["cohort"])
    for as_of in DAYS:
        summary = cohort_summary(session, cohort, as_of, thresholds)
        rows, first = every_page(session, cohort, as_of, thresholds)
        assert first.counts == summary.counts, as_of
        assert first.status_counts == summary.status_counts, as_of
        assert first.page.total == len(summary.apprentices) == 70
        assert rows == summary.apprentices, as_of  # every field, urgent first


@pytest.mark.parametrize("order", ["urgency", "name", "rag", "otj"])
def test_each_order_is_the_python_rules_order(session, world, order):
    cohort = session.get(Cohort, world["cohort"])
    for as_of in DAYS[1:4]:
        summary = cohort_summary(session, cohort, as_of)
        rows, _ = every_page(session, cohort, as_of, Thresholds(), order=order, per_page=11)
        assert rows == python_order(summary.apprentices, order, as_of), (order, as_of)


def test_the_filters_keep_the_rag_or_status_the_rules_give(session, world):
    cohort = session.get(Cohort, world["cohort"])
    as_of = date(2026, 11, 24)
    summary = cohort_summary(session, cohort, as_of)
    assert len(set(summary.status_counts)) >= 4 and all(summary.counts.values())
    for rag in RAG_ORDER:
        rows, first = every_page(session, cohort, as_of, Thresholds(), rag=rag, per_page=5)
        assert rows == [row for row in summary.apprentices if row.rag == rag]
        assert first.page.total == summary.counts[rag] and first.counts == summary.counts
    for status in summary.status_counts:
        rows, first = every_page(session, cohort, as_of, Thresholds(), status=status,
                                 order="name")
        assert rows == python_order([row for row in summary.apprentices
                                     if row.status == status], "name", as_of)
        assert first.page.total == summary.status_counts[status]
    found = cohort_dashboard(session, cohort, as_of, rag="red", status="qualified")
    assert found.page.rows == [] and found.page.total == 0 and found.counts == summary.counts


def test_a_cursor_that_is_not_one_starts_again(session, world):
    cohort = session.get(Cohort, world["cohort"])
    as_of = date(2026, 1, 31)
    first = cohort_dashboard(session, cohort, as_of, per_page=10).page
    for cursor in ["nonsense", "WyJ4Il0", first.after + "x"]:
        again = cohort_dashboard(session, cohort, as_of, after=cursor, number=3,
                                 per_page=10).page
        assert again.rows == first.rows and again.number == 1
    # A cursor of another order is not one of this order's.
    by_name = cohort_dashboard(session, cohort, as_of, order="otj", after=first.after,
                               per_page=10).page
    assert by_name.number == 1


def test_the_dashboard_is_one_statement_whatever_the_cohorts_size(session, world):
    from sqlalchemy import event

    cohort = session.get(Cohort, world["cohort"])
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", record)
    try:
        found = cohort_dashboard(session, cohort, date(2026, 1, 31), per_page=10)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", record)
    assert len(seen) == 1 and len(found.page.rows) == 10 and found.page.total == 70


def test_missing_educators_are_named_by_name_with_how_many(session, world):
    cohort = session.get(Cohort, world["cohort"])
    for as_of in DAYS:
        summary = cohort_summary(session, cohort, as_of)
        wanted = sorted(((row.apprenticeship_id, row.name, row.placements_without_educator)
                         for row in summary.apprentices if row.missing_educator),
                        key=lambda row: (row[1].lower(), row[0]))
        found, total = missing_educators(session, cohort, as_of, limit=5)
        assert found == wanted[:5] and total == len(wanted)


def test_the_charts_summed_in_sql_are_the_rows_summed_in_python(session, world):
    """``otj_over_time`` and ``qualifiers_by_month`` add up in SQL what the Python below adds
    up over every apprentice (their code before)."""
    from collections import Counter

    from sqlalchemy import select

    from pathways.apprenticeships.progress import month_ends, otj_over_time, qualifiers_by_month

    cohort = session.get(Cohort, world["cohort"])
    kept = [a for a in session.scalars(select(Apprenticeship).where(
        Apprenticeship.cohort_id == cohort.id)) if a.status != "withdrawn"]
    for as_of in DAYS[1:]:
        points = otj_over_time(session, cohort, as_of)
        ends = month_ends(min(a.start_date for a in kept), as_of)
        assert [point.month for point in points] == ends
        for point in points:
            logged = sum(float(e.hours) for a in kept for e in a.otj_entries
                         if e.worked_on <= point.month and e.state == "approved")
            expected = sum(a.otj_required_hours * min(1.0, max(0, (
                point.month - a.start_date).days) / max(1, (
                    a.planned_end_date - a.start_date).days)) for a in kept)
            # Equal but for float noise in the last place, which may tip a rounding to 0.1.
            assert abs(point.first - logged) <= 0.05 + 1e-6, (as_of, point)
            assert abs(point.second - expected) <= 0.05 + 1e-6, (as_of, point)
    waiting = [a for a in kept if a.status != "qualified"]
    months = Counter(a.planned_end_date.replace(day=1) for a in waiting)
    holding = Counter(a.planned_end_date.replace(day=1) for a in waiting
                      if a.post is not None and a.post.state in ("reserved", "offered",
                                                                 "filled"))
    assert [(p.month, p.first, p.second) for p in qualifiers_by_month(session, cohort)] == [
        (month, months[month], holding[month]) for month in sorted(months)]


def test_the_cohorts_list_counts_each_cohort_by_rag_in_one_query(session, world):
    from pathways.apprenticeships.standing import rag_by_cohort

    cohorts = [session.get(Cohort, world["cohort"]), session.get(Cohort, world["other"])]
    for as_of in DAYS:
        found = rag_by_cohort(session, [cohort.id for cohort in cohorts], as_of)
        for cohort in cohorts:
            wanted = cohort_summary(session, cohort, as_of).counts
            assert found[cohort.id] == {rag: n for rag, n in wanted.items() if n}, as_of
    assert rag_by_cohort(session, [], DAYS[0]) == {}
