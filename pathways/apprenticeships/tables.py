"""The apprenticeship lists as tables ``(headers, rows)``, for CSV and XLSX downloads.

Values stay typed (numbers, dates, ``bool`` for yes/no, None for empty) and are not made
safe here: ``pathways.exports`` neutralises text and writes numbers as numbers. Statuses and
states are shown by their labels, as on the pages.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..models import (
    OTJ_ACTIVITIES,
    OTJ_STATES,
    POST_STATES,
    Apprenticeship,
    Cohort,
    Node,
    Organisation,
    Person,
    Post,
    Team,
)
from .progress import STATUS_WORDS, CohortSummary

Table = tuple[list[str], list[list[object]]]

COHORT_HEADERS = ["Email", "Name", "Status", "RAG", "Start date", "Planned end date",
                  "OTJ hours logged", "OTJ hours expected by now", "OTJ hours required",
                  "OTJ behind", "Last review", "Days since review", "Review overdue",
                  "Past planned end", "Post", "Guaranteed role", "Placements without educator"]
POST_HEADERS = ["Reference", "Role", "Role id", "Team", "State", "Apprentice email",
                "Apprentice name", "Cohort", "Planned end date"]
OTJ_HEADERS = ["Date", "Hours", "Activity", "State", "Note", "Query", "Recorded by"]


def cohort_table(summary: CohortSummary) -> Table:
    """Return a cohort summary's apprentices, urgent first, one row each.

    A cohort of a programme that is not an apprenticeship standard has no OTJ columns.

    Parameters
    ----------
    summary : CohortSummary
        From ``progress.cohort_summary`` (the cohort page and the API give the same).
    """
    rows: list[list[object]] = [
        [row.email, row.name, STATUS_WORDS.get(row.status, row.status), row.rag, row.start_date,
         row.planned_end_date, row.otj_logged, row.otj_expected, row.otj_required,
         row.otj_behind, row.last_review, row.days_since_review, row.review_overdue,
         row.past_end, row.post, row.guaranteed_role_id, row.placements_without_educator]
        for row in summary.apprentices]
    if not summary.apprenticeship:  # no off-the-job hours outside apprenticeship standards
        kept = [i for i, header in enumerate(COHORT_HEADERS) if not header.startswith("OTJ")]
        return [COHORT_HEADERS[i] for i in kept], [[row[i] for i in kept] for row in rows]
    return list(COHORT_HEADERS), rows


def posts_table(session: Session, organisation: Organisation) -> Table:
    """Return the organisation's posts by reference, with who holds each and their cohort."""
    role = aliased(Node)
    found = session.execute(
        select(Post.reference, role.title, Post.role_id, Team.name, Post.state, Person.email,
               Person.name, Cohort.name, Apprenticeship.planned_end_date)
        .join(role, role.id == Post.role_id)
        .outerjoin(Team, Team.id == Post.team_id)
        .outerjoin(Apprenticeship, Apprenticeship.id == Post.apprenticeship_id)
        .outerjoin(Person, Person.id == Apprenticeship.person_id)
        .outerjoin(Cohort, Cohort.id == Apprenticeship.cohort_id)
        .where(Post.organisation_id == organisation.id)).all()
    rows: list[list[object]] = [
        [reference, title, role_id, team, POST_STATES.get(state, state), email, name, cohort,
         planned_end]
        for reference, title, role_id, team, state, email, name, cohort, planned_end
        in sorted(found, key=lambda row: (row[0].casefold(), row[0]))]
    return list(POST_HEADERS), rows


def otj_table(apprenticeship: Apprenticeship) -> Table:
    """Return an apprenticeship's off-the-job log, oldest first."""
    rows: list[list[object]] = [
        [entry.worked_on, entry.hours, OTJ_ACTIVITIES.get(entry.activity, entry.activity),
         OTJ_STATES.get(entry.state, entry.state), entry.note or None, entry.query_note or None,
         entry.recorded_by.name if entry.recorded_by is not None else None]
        for entry in apprenticeship.otj_entries]
    return list(OTJ_HEADERS), rows
