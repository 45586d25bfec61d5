"""Compliance reports: an organisation's every status, who expires soon, the partnership's
summary.

- ``compliance_report``: every person and required subject of an organisation on a day,
  with status and expiry, and the totals per subject (``pathways compliance``);
- ``expiring_within``: who expires in the next 30, 60 or 90 days, soonest first;
- ``partnership_summary``: per organisation and subject, the share compliant, each
  organisation at its own intervals, with groups under 5 people suppressed, worked out now
  (the page reads the nightly copy, ``pathways.training.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from ..models import (
    Node,
    Organisation,
    Person,
    Team,
    TrainingSubject,
)
from .matrix import (
    SOON,
    URGENCY,
    Compliance,
    Setting,
    cells_query,
    compliance_by_subject,
    latest_cells,
    setting_for,
    without_jit,
)
from .status import TrainingStatus, expiry_date
from .summary import SummaryCell, counts_query, shown_cell

#: The choices of the expiring list, in days.
EXPIRING_CHOICES = (30, 60, 90)


@dataclass(frozen=True)
class PersonCompliance:
    """One person's required subjects with their statuses."""

    email: str
    name: str
    team: str
    role: str
    subjects: list[tuple[TrainingSubject, TrainingStatus, date | None, date | None]]


@dataclass(frozen=True)
class ComplianceReport:
    """Every required subject of every person of an organisation, and totals per subject."""

    setting: Setting
    people: list[PersonCompliance]
    totals: list[Compliance]

    def as_json(self) -> dict:
        """Return the report as ``pathways compliance --json`` prints it."""
        return {
            "organisation": self.setting.organisation.name,
            "as_of": self.setting.today.isoformat(),
            "expiring_window_days": self.setting.window,
            "subjects": [{"id": total.key, "title": total.label, "required": total.required,
                          "compliant": total.compliant, "percent": total.percent}
                         for total in self.totals],
            "people": [{"email": person.email, "name": person.name, "team": person.team,
                        "role": person.role,
                        "subjects": [{"subject": subject.id, "status": str(status),
                                      "completed_on": _iso(completed),
                                      "expires_on": _iso(expires)}
                                     for subject, status, completed, expires in person.subjects]}
                       for person in self.people],
        }


def compliance_report(session: Session, organisation: Organisation, today: date
                      ) -> ComplianceReport:
    """Return every person's required subjects at ``organisation`` on ``today``, by name.

    Examples
    --------
    >>> report = compliance_report(session, council, date(2026, 6, 1))
    >>> report.people, report.totals
    ([], [])
    """
    setting = setting_for(session, organisation, today)
    everyone = Person.active.is_not(False)
    cells = cells_query(setting, everyone).subquery("cells")
    by_id = {subject.id: subject for subject in setting.subjects}
    people: dict[int, PersonCompliance] = {}
    for person_id, email, name, team, role, subject_id, last, urgency in session.execute(
            select(cells.c.person_id, Person.email, Person.name, Team.name, Node.title,
                   cells.c.subject_id, cells.c.last, cells.c.urgency)
            .join(Person, Person.id == cells.c.person_id)
            .outerjoin(Team, Team.id == Person.team_id)
            .outerjoin(Node, Node.id == Person.current_role_id)
            .order_by(Person.name, Person.id)):
        subject = by_id[subject_id]
        held = people.setdefault(person_id, PersonCompliance(email, name, team or "", role or "",
                                                             []))
        expires = None if last is None else expiry_date(last, setting.intervals[subject_id])
        held.subjects.append((subject, URGENCY[urgency], last, expires))
    for person in people.values():
        person.subjects.sort(key=lambda held: held[0].title)
    return ComplianceReport(setting, list(people.values()),
                            compliance_by_subject(session, setting, cells))


@dataclass(frozen=True)
class Expiring:
    """A subject of a person that expires within the days asked."""

    person_id: int
    name: str
    subject: TrainingSubject
    completed_on: date
    expires_on: date


def expiring_within(session: Session, organisation: Organisation,
                    people: ColumnElement[bool], today: date, days: int,
                    setting: Setting | None = None) -> list[Expiring]:
    """Return the required subjects that expire from ``today`` to ``days`` days on, soonest
    first (those already expired are the matrix's).

    One query (with ``setting``, the matrix's of the same day, given; three more without),
    from each person's latest completion as kept (``matrix.latest_cells``); an
    organisation's list is short enough to sort by expiry here (subjects of different
    intervals expire in a different order from their completions).
    """
    without_jit(session)
    if setting is None or setting.today != today:
        setting = setting_for(session, organisation, today)
    window = Setting(organisation, today, days, setting.subjects, setting.intervals)
    cells = latest_cells(window, and_(people, Person.active.is_not(False))).subquery("cells")
    by_id = {subject.id: subject for subject in setting.subjects}
    found = [Expiring(person_id, name, by_id[subject_id], last,
                      expiry_date(last, setting.intervals[subject_id]) or today)
             for person_id, name, subject_id, last in session.execute(
                 select(cells.c.person_id, Person.name, cells.c.subject_id, cells.c.last)
                 .join(Person, Person.id == cells.c.person_id)
                 .where(cells.c.urgency == SOON))]
    return sorted(found, key=lambda row: (row.expires_on, row.name, row.subject.title))


@dataclass(frozen=True)
class PartnershipSummary:
    """Per organisation and subject of a partnership: the share compliant, suppressed."""

    as_of: date
    organisations: list[Organisation]
    subjects: list[TrainingSubject]
    cells: dict[tuple[int, str], SummaryCell]


def partnership_summary(session: Session, partnership_id: int, today: date
                        ) -> PartnershipSummary:
    """Return each organisation's compliance per subject across a partnership on ``today``,
    worked out now (the page reads the nightly copy: ``pathways.training.summary``).

    Each organisation counts at its own intervals, from each person's latest completion
    (``training_latest``; one later than ``today`` counts as none). A cell of fewer than 5
    people required shows no counts; the compliant and the others add up to the people
    required, so they are suppressed together (``pathways.suppression.suppress_group``:
    fewer than 5 either way and neither is shown), and the share only with them.
    """
    organisations = list(session.scalars(select(Organisation).where(
        Organisation.partnership_id == partnership_id).order_by(Organisation.name)))
    counted = session.execute(counts_query(session, partnership_id, today)).all()
    subject_ids = {subject_id for _org, subject_id, _n, _c in counted}
    subjects = list(session.scalars(select(TrainingSubject).where(
        TrainingSubject.id.in_(subject_ids)).order_by(TrainingSubject.title)))
    cells = {(organisation_id, subject_id): shown_cell(total, held)
             for organisation_id, subject_id, total, held in counted}
    return PartnershipSummary(today, organisations, subjects, cells)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
