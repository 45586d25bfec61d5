"""The demo partnership: a fictional council and three providers, with staff and sign-in accounts.

Everything here is made up, for trying the app in development. ``demo/organisations.csv``
names the organisations and their staff files (HR exports in the staff import format, loaded
with ``pathways.people.staff_import``); ``demo/accounts.csv`` names one sign-in account per
kind of user, all with :data:`DEMO_PASSWORD`; ``demo/pairings.csv`` pairs career champions
with the people they support; ``seed.demo_cohorts`` adds the council's two apprenticeship
cohorts, part-way through; ``seed.demo_training`` what each role must train in, everyone's
training records (up to date, expiring soon, expired, missing) and course sessions ahead.
Never load it in production (``pathways seed --demo`` refuses).

The demo is dated relative to the day it is loaded (``seed.demo_dates``): the staff files
give ``role_start`` as an offset such as ``-4y2m``, written into the import format's
``role_start_date`` before the import, and everything else moves with the load day too.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways import clock
from pathways.errors import InvalidInput, Problem
from pathways.models import ChampionPairing, Organisation, Person
from pathways.people.access import grant_role
from pathways.people.accounts import (
    create_organisation,
    find_person,
    hash_password,
    set_password,
)
from pathways.people.staff_import import import_staff
from pathways.snapshot import build_graph
from pathways.training.summary import refresh_summary
from pathways.workforce.summary import refresh_workforce_summary

from .demo_cohorts import load_demo_cohorts
from .demo_dates import DEMO_DIR, dated_rows, on
from .demo_mentoring import load_demo_mentoring
from .demo_training import load_demo_training
from .training import load_subjects

COUNCIL = "Northshire County Council Adult Social Care"
#: The password of every demo account: for development only, and published on purpose.
DEMO_PASSWORD = "demo-kettle-harbour-73"  # nosec B105
#: The L&D lead, who sets up the demo cohorts.
LND_EMAIL = "lnd@northshire.example"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in account: who, and which kind of user they show."""

    email: str
    role: str
    name: str


def _rows(name: str) -> list[dict[str, str]]:
    with (DEMO_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def demo_is_loaded(session: Session) -> bool:
    """Whether the demo council is already in the database."""
    return bool(session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.name == COUNCIL)))


def load_demo(session: Session, today: date | None = None) -> bool:
    """Load the demo partnership unless its council exists; return whether it was loaded.

    Needs the pathway (``seed.load_pathway``) first: staff hold real roles and
    qualifications. Every date is relative to ``today`` (default ``pathways.clock.today()``):
    role starts, cohorts, their activity up to ``today``, mentoring, shadowing and stories.
    Flushes; the caller commits.

    Raises
    ------
    InvalidInput
        When the graph is empty, or a demo file does not import cleanly.
    """
    today = today or clock.today()
    if demo_is_loaded(session):
        return False
    G = build_graph(session)
    if not len(G):
        raise InvalidInput([Problem("graph", "load the pathway first (pathways seed)")],
                           "The demo was not loaded")
    for row in _rows("organisations.csv"):
        organisation = create_organisation(session, row["name"], row["partnership"])
        import_staff(session, staff_file(row["staff_file"], today), organisation, actor=None,
                     G=G, today=today)
    for row in _rows("pairings.csv"):
        session.add(ChampionPairing(champion_id=_person(session, row["champion"]).id,
                                    person_id=_person(session, row["person"]).id))
    for row in _rows("accounts.csv"):
        person = _person(session, row["email"])
        set_password(session, person, DEMO_PASSWORD, hashed=demo_password_hash())
        for role in ("lnd", "admin"):
            if person.has_role(role) and person.scope_of(role) != row["scope"]:
                grant_role(session, person, role, row["scope"])
    council = session.scalars(select(Organisation).where(Organisation.name == COUNCIL)).one()
    load_demo_cohorts(session, council, G, actor=_person(session, LND_EMAIL), today=today)
    load_demo_mentoring(session, G, lnd=_person(session, LND_EMAIL), today=today)
    load_subjects(session)  # the shared standard's training subjects, if not loaded yet
    load_demo_training(session, _person(session, LND_EMAIL), today=today)
    session.flush()
    # The partnership summary page reads a snapshot worked out nightly; the demo works out
    # its first so the page shows figures from the start (`make run`).
    if council.partnership_id is not None:
        refresh_summary(session, council.partnership_id, today)
        refresh_workforce_summary(session, council.partnership_id, today)  # the same for
        # the partnership's workforce board and forecast
    return True


@functools.cache
def demo_password_hash() -> str:
    """An Argon2 hash of :data:`DEMO_PASSWORD`, made once a process (it is slow on purpose) for
    every demo account of every demo loaded (the tests load it on several days)."""
    return hash_password(DEMO_PASSWORD)


def staff_file(name: str, today: date) -> str:
    """A demo staff file in the staff import format, its role starts dated from ``today``."""
    rows = dated_rows(name, today)
    columns = [column if column != "role_start" else "role_start_date"
               for column in rows[0]] if rows else []
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        started = row.pop("role_start")
        row["role_start_date"] = on(started, today).isoformat() if started.strip() else ""
        writer.writerow(row)
    return out.getvalue()


def demo_accounts(session: Session) -> list[DemoAccount]:
    """Return the demo's sign-in accounts that exist in the database."""
    found = []
    for row in _rows("accounts.csv"):
        person = find_person(session, row["email"])
        if person is not None:
            found.append(DemoAccount(person.email, row["account"], person.name))
    return found


def _person(session: Session, email: str) -> Person:
    person = find_person(session, email)
    if person is None:
        raise InvalidInput([Problem(email, "is not among the demo staff")],
                           "The demo was not loaded")
    return person
