"""Setting up apprenticeships: programmes, cohorts, and enrolling people on them.

Services flush and record an audit event; the caller commits. Bad input raises
:class:`~pathways.errors.InvalidInput` naming each field, and nothing is written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import networkx as nx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..csv_input import whole_number
from ..db import lock_for_update
from ..errors import InvalidInput, Problem
from ..models import (
    BUDGET_KINDS,
    PROVIDER_KINDS,
    Apprenticeship,
    Cohort,
    Node,
    Organisation,
    Person,
    Post,
    Programme,
    Qualification,
    Role,
    StatusChange,
)
from . import posts
from .programmes import COURSE_STATUSES, is_apprenticeship
from .rules import STATUSES, funding_rule_year, required_otj_hours

_N = TypeVar("_N", bound=Node)


def _node(session: Session, node_id: str | None, kind: type[_N]) -> _N | None:
    node = session.get(Node, node_id) if node_id else None
    return node if isinstance(node, kind) and not node.retired else None


def create_programme(session: Session, organisation: Organisation, *, name: str,
                     qualification_id: str, provider_name: str, leads_to_role_id: str,
                     provider_kind: str = "university", G: nx.DiGraph | None = None,
                     actor: Person | None = None) -> Programme:
    """Create a programme: a qualification, its provider and the role it leads to.

    Parameters
    ----------
    qualification_id : str
        A qualification of the graph: an apprenticeship standard (its funding rules then
        apply) or any other course, such as the ASYE, PEPS or a diploma (``programmes``).
    leads_to_role_id : str
        The role of the guaranteed job; the graph must hold a move from the
        qualification to it (when ``G`` is given).
    G : networkx.DiGraph, optional
        The graph snapshot the move is checked in.

    Raises
    ------
    InvalidInput
        Naming each field that is wrong.
    """
    name, provider_name = (name or "").strip(), (provider_name or "").strip()
    problems = []
    if not name:
        problems.append(Problem("name", "enter the programme's name"))
    elif session.scalar(select(Programme.id).filter_by(organisation_id=organisation.id,
                                                       name=name)):
        problems.append(Problem("name", f"{organisation.name} already has a programme "
                                f"called {name!r}"))
    qualification = _node(session, qualification_id, Qualification)
    if qualification is None:
        problems.append(Problem("qualification_id", f"{qualification_id!r} is not a "
                                "qualification in the career pathway"))
    role = _node(session, leads_to_role_id, Role)
    if role is None:
        problems.append(Problem("leads_to_role_id", f"{leads_to_role_id!r} is not a role in "
                                "the career pathway"))
    elif qualification is not None and G is not None and not G.has_edge(qualification.id,
                                                                          role.id):
        problems.append(Problem("leads_to_role_id", f"the career pathway has no move from "
                                f"{qualification.title} to {role.title}"))
    if not provider_name:
        problems.append(Problem("provider_name", "enter the training provider"))
    if provider_kind not in PROVIDER_KINDS:
        problems.append(Problem("provider_kind", f"must be one of {', '.join(PROVIDER_KINDS)}"))
    if problems:
        raise InvalidInput(problems, "The programme was not saved")
    programme = Programme(organisation=organisation, name=name, qualification=qualification,
                          provider_name=provider_name, provider_kind=provider_kind,
                          leads_to=role)
    session.add(programme)
    session.flush()
    audit.record(session, actor, "create", "programme", programme.id, name,
                 concerns=organisation)
    return programme


def parse_money(value: str | Decimal | None, field: str, problems: list[Problem]
                ) -> Decimal | None:
    """Read an amount of pounds (blank for none), adding a problem when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        problems.append(Problem(field, f"{value!r} is not an amount of money"))
        return None
    if not amount.is_finite() or amount < 0:
        problems.append(Problem(field, "must be 0 or more"))
        return None
    return amount


def create_cohort(session: Session, programme: Programme, *, name: str, start_date: date,
                  planned_end_date: date, provider_contact: str = "",
                  budget_kind: str = "levy", budget_gbp: Decimal | str | None = None,
                  actor: Person | None = None) -> Cohort:
    """Create a cohort of the programme's organisation.

    Raises
    ------
    InvalidInput
        When the name is empty or taken, the end is not after the start, or the budget is
        not a kind in ``BUDGET_KINDS`` with an amount of 0 or more.
    """
    name = (name or "").strip()
    problems = []
    if not name:
        problems.append(Problem("name", "enter the cohort's name"))
    elif find_cohort(session, programme.organisation_id, name) is not None:
        problems.append(Problem("name", f"there is already a cohort called {name!r}"))
    if start_date and planned_end_date and planned_end_date <= start_date:
        problems.append(Problem("planned_end_date", "must be after the start date"))
    if budget_kind not in BUDGET_KINDS:
        problems.append(Problem("budget_kind", f"must be one of {', '.join(BUDGET_KINDS)}"))
    amount = parse_money(budget_gbp, "budget_gbp", problems)
    if problems:
        raise InvalidInput(problems, "The cohort was not saved")
    cohort = Cohort(organisation_id=programme.organisation_id, programme=programme, name=name,
                    start_date=start_date, planned_end_date=planned_end_date,
                    provider_contact=(provider_contact or "").strip(),
                    budget_kind=budget_kind, budget_gbp=amount)
    session.add(cohort)
    session.flush()
    audit.record(session, actor, "create", "cohort", cohort.id, name,
                 concerns=programme.organisation)
    return cohort


def find_cohort(session: Session, organisation_id: int, id_or_name: str | int
                ) -> Cohort | None:
    """Return the organisation's cohort with this id or name (names in any case), or None.

    An all-digit name is looked up as an id first, then as a name; one past the largest id
    only as a name.
    """
    text = str(id_or_name).strip()
    number = whole_number(text)
    if number is not None:
        cohort = session.get(Cohort, number)
        if cohort is not None and cohort.organisation_id == organisation_id:
            return cohort
    return session.scalars(select(Cohort).where(
        Cohort.organisation_id == organisation_id,
        func.lower(Cohort.name) == text.lower())).first()


def enrol(session: Session, cohort: Cohort, person: Person, *, start_date: date,
          planned_end_date: date, weekly_hours: float | Decimal, post: Post | None = None,
          guaranteed_role_id: str | None = None, status: str = "active",
          reason: str = "Enrolled", actor: Person | None = None) -> Apprenticeship:
    """Enrol a person on a cohort's programme, working out the funding year and OTJ hours.

    Both only for an apprenticeship standard: a learner on another programme (ASYE, PEPS,
    a diploma...) has no funding year and no off-the-job hours (``programmes``).

    A guaranteed job is a post (reserved for the apprenticeship here) or a role with no
    post yet; a post's role becomes the guaranteed role. The post is locked before it is
    checked (``db.lock_for_update``), so of two enrolments on one vacant post at the same
    moment, one reserves it and the other is refused ("not vacant").

    Parameters
    ----------
    status : str
        ``active`` for a new apprentice; the import may bring one part-way through.

    Raises
    ------
    InvalidInput
        Naming each field that is wrong; nothing is written.
    """
    if post is not None:
        lock_for_update(session, post)  # before reading its state: see the docstring
    problems = []
    if person.organisation_id != cohort.organisation_id:
        problems.append(Problem("email", f"{person.email} does not work for "
                                f"{cohort.organisation.name}"))
    elif session.scalar(select(Apprenticeship.id).filter_by(cohort_id=cohort.id,
                                                            person_id=person.id)):
        problems.append(Problem("email", f"{person.email} is already in {cohort.name}"))
    programme = cohort.programme
    apprentice = is_apprenticeship(programme)
    allowed = STATUSES if apprentice else COURSE_STATUSES
    if status not in allowed:
        problems.append(Problem("status", f"{status!r} is not a status of this programme; use "
                                f"one of {', '.join(STATUSES[name] for name in allowed)}"))
    try:
        hours = Decimal(str(weekly_hours))
    except InvalidOperation:
        hours = Decimal(0)
    if not hours.is_finite() or hours <= 0 or hours > 60:
        problems.append(Problem("weekly_hours", "must be more than 0 and at most 60"))
    if planned_end_date <= start_date:
        problems.append(Problem("planned_end_date", "must be after the start date"))
    role = None
    if guaranteed_role_id:
        role = _node(session, guaranteed_role_id, Role)
        if role is None:
            problems.append(Problem("guaranteed_role_id", f"{guaranteed_role_id!r} is not a "
                                    "role in the career pathway"))
    if post is not None:
        if post.organisation_id != cohort.organisation_id:
            problems.append(Problem("guaranteed_post", f"post {post.reference} belongs to "
                                    "another organisation"))
        elif post.state != "vacant":
            problems.append(Problem("guaranteed_post", f"post {post.reference} is "
                                    f"{post.state}, not vacant"))
    if problems:
        raise InvalidInput(problems, "The apprentice was not enrolled")
    required = required_otj_hours(start_date, planned_end_date, float(hours),
                                  programme.qualification.otj_min_hours).hours \
        if apprentice else 0  # off-the-job hours are a rule of apprenticeships only
    apprenticeship = Apprenticeship(
        cohort=cohort, person=person, start_date=start_date,
        planned_end_date=planned_end_date, weekly_hours=hours,
        funding_year=funding_rule_year(start_date) if apprentice else "",
        otj_required_hours=required,
        status=status, guaranteed_role_id=post.role_id if post is not None else (
            role.id if role is not None else None))
    session.add(apprenticeship)
    apprenticeship.status_changes.append(StatusChange(
        from_status=None, to_status=status, effective_on=start_date, reason=reason,
        actor_id=actor.id if actor else None))
    session.flush()
    if post is not None:
        posts.move_post(session, post, "reserved", apprenticeship=apprenticeship, actor=actor)
    audit.record(session, actor, "enrol", "apprenticeship", apprenticeship.id,
                 f"{person.email} in {cohort.name}",
                 {"otj_required_hours": required,
                  "funding_year": apprenticeship.funding_year}, concerns=cohort.organisation)
    return apprenticeship
