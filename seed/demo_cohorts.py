"""The demo council's two apprenticeship cohorts, part-way through, made through the services.

Northshire council runs a social work degree apprenticeship (started 14 months before the day
the demo is loaded, for three years; one apprentice transferred in with a pre-August 2025 start
so the old 20% rule shows its working) and a Lead practitioner in adult care Level 4 cohort
(ST0007, live with a funding band; the Level 3 standard ST0006 is in revision; started
10 months before, for 18 months). Every date is relative to the load day (``seed.demo_dates``:
offsets such as ``-14m`` or ``+22m-1d``), so the cohorts are always at the same point, whatever
the day; names and post references carry their years as ``{-14m:%Y}``. The files in
``demo/`` say who is on which cohort and what their record should look like:

``programmes.csv``, ``cohorts.csv``
    The programmes and their cohorts (``start`` and ``planned_end``).
``posts.csv``
    The establishment lines; ``apprentices.csv`` reserves some of them for apprentices.
``apprentices.csv``
    One row an apprentice: hours, ``start`` and ``planned_end`` (empty for the cohort's),
    post or guaranteed role, and a **profile** that decides the activity made up for them:
    ``on_track``, ``otj_behind`` (logs about ``pace`` of the expected hours),
    ``review_overdue`` (no review for more than 84 days), ``behind_and_overdue`` (both: red),
    ``break_in_learning`` and ``withdrawn`` (that status on ``event_on``, with
    ``event_reason``). ``pace`` is the share of the expected off-the-job hours they log;
    ``query_an_entry`` has L&D query one entry.
``educators.csv``
    Practice educators and their capacity.
``placements.csv``
    Placements from ``start`` to ``end``. Rows starting before the apprenticeship are left
    out.
``student_placements.csv``
    University students placed with the council (``name``, ``university``, ``course``), from
    ``start`` to ``end``, with their practice educator if any: a social work student now,
    and an OT student to come with no educator (no one in the demo holds APPLE), so the
    practice educator supply page shows a shortfall.

**The one fixed date.** Kieran Doyle shows the funding rules for starts before 1 August 2025
(off-the-job hours as 20% of weekly hours, a 12-month minimum duration), and those rules go by
the start date. An offset would move his start past 1 August 2025 as the load day moves on, so
his start stays fixed on 3 March 2025: he transferred in from another council's programme with
his original start date kept (as the funding rules require), and his earlier placement there
is fixed in 2025 too. His planned end moves with the load day (six months before the cohort's),
so he is always part-way through; the later the demo is loaded, the longer his planned
duration and so his required hours, which the 20% working shows.

The activity (off-the-job entries, their approval, progress reviews, status moves) is made
relative to the day the demo is loaded, so the dashboard always looks part-way through, and
is the same every time for a given day (a fixed seed an apprentice). Everything goes through
the services, so status history, the audit log and post states are as the app would leave
them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.apprenticeships import lifecycle, placements, posts, records, students
from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
from pathways.errors import InvalidInput, Problem
from pathways.models import Apprenticeship, Organisation, Person, Programme
from pathways.notifications import approvers_of
from pathways.people.accounts import find_person, team_named

from .demo_dates import dated_rows, on, on_or_none

#: The apprentice profiles ``apprentices.csv`` may name.
PROFILES = ("on_track", "otj_behind", "review_overdue", "behind_and_overdue",
            "break_in_learning", "withdrawn")
#: Profiles that log less than the expected hours, never more than ``pace`` of them.
BEHIND = frozenset({"otj_behind", "behind_and_overdue"})
#: Profiles whose last review is more than 84 days before the load.
OVERDUE = frozenset({"review_overdue", "behind_and_overdue"})
#: Profiles that end in a status move on ``event_on``, before the load.
EVENTS = frozenset({"break_in_learning", "withdrawn"})
#: Entries this many days old or more have been approved by L&D; newer ones are submitted.
APPROVED_AFTER_DAYS = 21
#: The queried entry is the first one logged at most this many days before the load.
QUERIED_WITHIN_DAYS = 35
#: Hours of one off-the-job entry: 3 to 7.5 in half hours.
ENTRY_HOURS = tuple(h / 2 for h in range(6, 16))

#: What apprentices log, by programme family: (activity, note).
ACTIVITIES = {
    "social_work": (
        ("taught", "University teaching day: law and social work"),
        ("taught", "University teaching day: human growth and development"),
        ("taught", "University teaching day: safeguarding adults"),
        ("taught", "University: research methods workshop"),
        ("shadowing", "Shadowed a Care Act assessment with a senior practitioner"),
        ("shadowing", "Shadowed a best interests meeting"),
        ("mentoring", "Supervision with the practice educator"),
        ("practice_placement", "Placement learning day: direct work with a family"),
        ("self_study", "Reading and notes for the ethics essay"),
        ("self_study", "Reflective log write-up"),
    ),
    "care_and_support": (
        ("taught", "College day: leading person-centred practice"),
        ("taught", "College: dementia care specialism workshop"),
        ("taught", "College: coaching and mentoring colleagues"),
        ("taught", "Online module: safeguarding adults level 3"),
        ("shadowing", "Shadowed the lead practitioner on a practice audit"),
        ("shadowing", "Shadowed a care plan review with a family"),
        ("mentoring", "Mentoring session with a lead practitioner"),
        ("self_study", "Workbook: duty of care and candour"),
        ("self_study", "Portfolio evidence write-up"),
    ),
}
QUERY_NOTE = "This looks like a team meeting rather than training: say what you learnt from it."
REVIEW_NOTES = (
    "Good progress on the taught modules; assignments in on time.",
    "Progressing well; the workplace evidence is strong.",
    "On track; agreed the next assignment and who will observe practice.",
)
SLIPPAGE = "Off-the-job hours are behind: agreed protected learning time each week."


@dataclass(frozen=True)
class Plan:
    """How one demo apprentice's record is made up (a row of ``apprentices.csv``)."""

    profile: str
    pace: float
    event_on: date | None
    event_reason: str
    query_an_entry: bool


def rows(name: str, today: date | None = None) -> list[dict[str, str]]:
    """The rows of a file in ``demo/``, its ``{OFFSET:FORMAT}`` cells rendered for ``today``.

    Without ``today`` (for files that hold no dates) the day of loading is ``clock.today()``.
    """
    return dated_rows(name, today or clock.today())


def demo_cohorts_loaded(session: Session, organisation: Organisation) -> bool:
    """Whether the council already has any of the demo's programmes."""
    names = [row["name"] for row in rows("programmes.csv")]
    return session.scalar(select(Programme.id).where(
        Programme.organisation_id == organisation.id, Programme.name.in_(names))) is not None


def load_demo_cohorts(session: Session, organisation: Organisation, G: nx.DiGraph, *,
                      actor: Person, today: date | None = None) -> bool:
    """Load the demo programmes, cohorts, posts and apprentices, with activity up to ``today``.

    Returns whether anything was loaded (False when the programmes exist already).
    ``actor`` (the L&D lead) enrols, reviews and approves; apprentices log their own hours.
    Flushes; the caller commits.

    Raises
    ------
    InvalidInput
        When a demo file names someone or something that is not there.
    """
    today = today or clock.today()
    if demo_cohorts_loaded(session, organisation):
        return False
    programmes = {row["name"]: create_programme(
        session, organisation, name=row["name"], qualification_id=row["qualification"],
        provider_name=row["provider"], provider_kind=row["provider_kind"],
        leads_to_role_id=row["leads_to"], G=G, actor=actor)
        for row in rows("programmes.csv", today)}
    cohorts = {row["name"]: create_cohort(
        session, programmes[row["programme"]], name=row["name"],
        start_date=on(row["start"], today), planned_end_date=on(row["planned_end"], today),
        provider_contact=row["provider_contact"], budget_kind=row["budget_kind"],
        budget_gbp=row["budget_gbp"], actor=actor)
        for row in rows("cohorts.csv", today)}
    post_of = {row["reference"]: posts.create_post(
        session, organisation, reference=row["reference"], role_id=row["role"],
        team=team_named(session, organisation, row["team"]), actor=actor)
        for row in rows("posts.csv", today)}
    for row in rows("educators.csv", today):
        placements.set_capacity(session, person(session, row["email"]), int(row["capacity"]),
                                actor=actor)
    enrolled: dict[str, Apprenticeship] = {}
    approvers = approvers_of(session, organisation)  # told of each entry logged below
    for row in rows("apprentices.csv", today):
        cohort = cohorts[row["cohort"]]
        apprenticeship = enrol(
            session, cohort, person(session, row["email"]),
            start_date=on_or_none(row["start"], today) or cohort.start_date,
            planned_end_date=on_or_none(row["planned_end"], today) or cohort.planned_end_date,
            weekly_hours=Decimal(row["weekly_hours"]),
            post=post_of[row["post"]] if row["post"] else None,
            guaranteed_role_id=row["guaranteed_role"] or None,
            reason=row["enrolment_reason"] or "Enrolled", actor=actor)
        enrolled[row["email"]] = apprenticeship
        if apprenticeship.start_date <= today:
            make_activity(session, apprenticeship, plan_of(row, today), actor, today,
                          approvers=approvers)
    for row in rows("placements.csv", today):
        add_placement(session, enrolled[row["email"]], row, today, actor)
    for row in rows("student_placements.csv", today):  # university students placed here
        students.add_student_placement(
            session, organisation, name=row["name"], university=row["university"],
            qualification_id=row["course"], setting=row["setting"],
            start_date=on(row["start"], today), end_date=on(row["end"], today),
            educator=person(session, row["educator"]) if row["educator"] else None,
            actor=actor)
    session.flush()
    return True


def person(session: Session, email: str) -> Person:
    """The demo person with this email address."""
    found = find_person(session, email)
    if found is None:
        raise InvalidInput([Problem(email, "is not among the demo staff")],
                           "The demo cohorts were not loaded")
    return found


def plan_of(row: dict[str, str], today: date) -> Plan:
    """Read an apprentice's plan from their row of ``apprentices.csv``."""
    if row["profile"] not in PROFILES:
        raise InvalidInput([Problem(row["email"], f"profile must be one of "
                                    f"{', '.join(PROFILES)}")], "The demo cohorts were not loaded")
    return Plan(row["profile"], float(row["pace"]), on_or_none(row["event_on"], today),
                row["event_reason"], row["query_an_entry"].strip().lower() == "yes")


def make_activity(session: Session, apprenticeship: Apprenticeship, plan: Plan,
                  lnd: Person, today: date, *, approvers: list[Person] | None = None) -> None:
    """Log hours, hold reviews and make the plan's status move, up to ``today``.

    ``approvers``: who approves for the cohort's organisation (``approvers_of``), when known.
    """
    rng = random.Random(f"demo-cohorts:{apprenticeship.person.email}")  # nosec B311
    until, event_on = today, None
    if plan.profile in EVENTS and plan.event_on is not None:
        event_on = plan.event_on
        if event_on < apprenticeship.start_date + timedelta(days=14):
            event_on = None  # loaded too early in the cohort for this to have happened yet
        else:
            until = event_on
    log_entries(session, apprenticeship, plan, lnd, until, today, rng, approvers)
    hold_reviews(session, apprenticeship, plan, lnd, until, today, rng)
    if event_on is not None:
        lifecycle.move_status(session, apprenticeship, plan.profile, effective_on=event_on,
                              reason=plan.event_reason, actor=lnd, today=today)


def log_entries(session: Session, apprenticeship: Apprenticeship, plan: Plan, lnd: Person,
                until: date, today: date, rng: random.Random,
                approvers: list[Person] | None = None) -> None:
    """Log off-the-job hours on weekdays from the start to ``until``, keeping to the plan's pace.

    On track, an apprentice logs (up to three entries a week) until their counted hours reach
    ``pace`` times the hours expected a week ahead; behind, they log only while staying at or
    under ``pace`` times the hours expected that day, so they are behind whenever the summary
    is worked out. Entries older than three weeks are approved; one may be queried.
    """
    start, required = apprenticeship.start_date, apprenticeship.otj_required_hours
    planned = max(1, (apprenticeship.planned_end_date - start).days)
    family = apprenticeship.cohort.programme.qualification.family
    choices = ACTIVITIES.get(family or "", ACTIVITIES["care_and_support"])
    cohort_start = apprenticeship.cohort.start_date
    learner = apprenticeship.person

    def expected(day: date) -> float:
        return required * min(1.0, max(0, (day - start).days) / planned)

    counted, to_query = 0.0, plan.query_an_entry
    monday = start - timedelta(days=start.weekday())
    while monday <= until:
        weekdays = [monday + timedelta(days=offset) for offset in range(5)]
        rng.shuffle(weekdays)
        for day in sorted(weekdays[:3]):
            hours = rng.choice(ENTRY_HOURS)
            activity, note = rng.choice(choices)
            if not start <= day <= until:
                continue
            if plan.profile in BEHIND:
                if counted + hours > plan.pace * expected(day):
                    continue
            elif counted >= plan.pace * expected(monday + timedelta(days=7)):
                break
            query = to_query and day >= today - timedelta(days=QUERIED_WITHIN_DAYS)
            if query:
                activity, note = "other", "Team meeting"
            elif day < cohort_start:
                note = f"{note} (logged with the previous employer; carried over on transfer)"
            entry = records.log_hours(session, apprenticeship, worked_on=day, hours=hours,
                                      activity=activity, note=note, actor=learner, today=today,
                                      approvers=approvers)
            if query:
                records.review_entry(session, entry, "queried", note=QUERY_NOTE, actor=lnd)
                to_query = False
                continue
            counted += hours
            if day <= today - timedelta(days=APPROVED_AFTER_DAYS):
                records.review_entry(session, entry, "approved", actor=lnd)
        monday += timedelta(days=7)


def hold_reviews(session: Session, apprenticeship: Apprenticeship, plan: Plan, lnd: Person,
                 until: date, today: date, rng: random.Random) -> None:
    """Hold a progress review every 10 to 12 weeks up to ``until``.

    For an overdue profile the reviews stop 95 to 110 days before ``today``.
    """
    last = until
    if plan.profile in OVERDUE:
        last = min(until, today - timedelta(days=rng.randint(95, 110)))
    held = weekday_on_or_before(apprenticeship.start_date + timedelta(days=rng.randint(70, 84)))
    behind = plan.profile in BEHIND
    while held <= last:
        records.record_review(session, apprenticeship, held_on=held,
                              notes=rng.choice(REVIEW_NOTES), slippage=SLIPPAGE if behind else "",
                              actor=lnd, today=today)
        held = weekday_on_or_before(held + timedelta(days=rng.randint(70, 84)))


def weekday_on_or_before(day: date) -> date:
    """The day itself, or the Friday before when it falls at a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def add_placement(session: Session, apprenticeship: Apprenticeship, row: dict[str, str],
                  today: date, lnd: Person) -> None:
    """Add a placement row, from a Monday to a Friday, unless it starts before the start."""
    start = on(row["start"], today)
    start -= timedelta(days=start.weekday())
    end = on(row["end"], today)
    end += timedelta(days=(4 - end.weekday()) % 7)
    if start < apprenticeship.start_date:
        return
    educator = person(session, row["educator"]) if row["educator"] else None
    placements.add_placement(session, apprenticeship, setting=row["setting"], start_date=start,
                             end_date=end, educator=educator, actor=lnd)
