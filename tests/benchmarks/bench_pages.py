"""Every signed-in page at region size (issue 14): p50 / p95 of each, and its growth.

On PostgreSQL (``TEST_DATABASE_URL``, default the local server; skipped with a note when
unreachable) two databases of their own are created, migrated and given the seed pathway,
the training subjects and a generated region (``pathways.demo_region``): a tenth of the
North West (500 organisations, 25,000 staff, 2,000 apprentices, 10,000 sessions) and the
whole of it (5,000, 250,000, 20,000, 100,000). Beside the region each gets what the
generator does not make: audit events (312,000 at full size, spread over the organisations
and two years), a notification for everyone and 60 more for the staff member measured, and
the training matrix of the L&D's organisation (10 subjects required of each of its roles,
a record for about 85% of people and subjects, and each person's latest kept in
``training_latest`` as every writer of records keeps it); and each time it is run, the
partnership's workforce summary for the day (``pathways workforce-summary``, as the nightly
run would have made it). Then ``ANALYZE``.

Every signed-in page is requested with Flask's test client (CPU time in one process, no
network; the page cache as in production) as the role it is for: a staff member who is an
apprentice with a target role, a manager of the largest team, a champion with the most
pairings, the L&D lead of the largest organisation, and the partnership's administrator. Each page
is asked ``PAGES_RUNS`` (15) times after 2 warm-ups, the two sizes interleaved request by request
(two apps in one process, so the machine's load falls on both alike) and ``/livez`` after
each (the baseline in the same run). It prints p50 / p95 per page and size, and the growth
(full / tenth, by the median); the targets are p95 <= 300 ms at full size and growth < 1.5x.

Run: ``.venv/bin/python tests/benchmarks/bench_pages.py [tenth|full]`` (both by default;
part of ``make bench``). ``PAGES_SAVE=file.json`` writes the timings too. ``PAGES_KEEP=1``
keeps the databases (``bench_pages_tenth``, ``bench_pages_full``) and uses them again next
time instead of generating (the schema is migrated to head first); ``PAGES_PREFIX=name`` keeps
them under another name (``name_tenth``, ``name_full``; e.g. copies made with ``CREATE DATABASE
name_full TEMPLATE bench_pages_full`` for a branch with a migration of its own).
``PAGES_ONLY=/champions,/training`` measures only the pages whose path starts with one of these.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import seed
from pathways import bulk, clock
from pathways.db import make_engine, make_session_factory, normalise_url, upgrade_schema
from pathways.demo_region import RegionSize, generate_region
from pathways.models import (
    Apprenticeship,
    AuditEvent,
    ChampionPairing,
    Cohort,
    Notification,
    Organisation,
    Person,
    PersonRole,
    TrainingLatest,
    TrainingRecord,
    TrainingRequirement,
    TrainingSubject,
)
from pathways.training.latest import refill_latest
from pathways.workforce.summary import refresh_workforce_summaries
from seed.training import load_subjects
from tests.benchmarks.bench_cohorts import DEFAULT_POSTGRES
from tests.benchmarks.timing import p50, p95

SIZES = {"tenth": RegionSize(500, 25_000, 2_000, 10_000), "full": RegionSize()}
AUDIT_EVENTS = {"tenth": 31_200, "full": 312_000}
RUNS = int(os.environ.get("PAGES_RUNS", "15"))
KEEP = bool(os.environ.get("PAGES_KEEP"))
PREFIX = os.environ.get("PAGES_PREFIX", "bench_pages")
ONLY = tuple(start for start in os.environ.get("PAGES_ONLY", "").split(",") if start)
SUBJECTS = 10
TARGET_P95 = 300.0
TARGET_GROWTH = 1.5
ACTIONS = ("update", "create", "enrol", "log_otj", "mentoring_session", "status", "export")
KINDS = ("person", "apprenticeship", "cohort", "pairing", "post", "organisation")


def populate(engine, size: RegionSize, events: int) -> None:
    """Fill a migrated, empty database: the pathway, subjects, region and the rest."""
    with make_session_factory(engine)() as session:
        seed.load_pathway(session)
        load_subjects(session)
        session.commit()
    started = time.perf_counter()
    with engine.begin() as connection:
        generate_region(connection, size, seed=14, today=clock.today(), now=clock.now())
    print(f"  region generated in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    rng = random.Random(14)
    now = clock.now()
    with engine.begin() as connection:
        people = connection.execute(select(func.min(Person.id), func.max(Person.id))).one()
        organisations = connection.execute(
            select(func.min(Organisation.id), func.max(Organisation.id))).one()
        first, last = people
        organisation_of = dict(connection.execute(select(Person.id, Person.organisation_id)).all())
        bulk.write_rows(connection, AuditEvent.__table__, (
            {"at": now - timedelta(seconds=rng.randrange(2 * 365 * 86_400)),
             "actor_id": rng.randint(first, last), "organisation_id": organisation_of[about]
             if kind == "person" else rng.randint(*organisations), "action": rng.choice(ACTIONS),
             "entity_type": kind, "entity_id": str(about), "summary": f"Bench event {number}",
             "details": None}
            for number in range(events)
            for kind, about in [(rng.choice(KINDS), rng.randint(first, last))]))
        bulk.write_rows(connection, Notification.__table__, (
            {"recipient_id": person, "kind": "shadowing_decision", "text": "A bench notice",
             "link": "/shadowing", "about_type": "", "about_id": None,
             "created_at": now - timedelta(hours=person % 5000),
             "read_at": None if person % 3 else now}
            for person in range(first, last + 1)))
    print(f"  {events:,} audit events and {last - first + 1:,} notifications in "
          f"{time.perf_counter() - started:.0f} s")


def actors(engine) -> dict[str, int]:
    """Pick the people measured, by role; give the staff member notifications and the L&D's
    organisation a training matrix (both once)."""
    with engine.begin() as connection:
        led = (select(Person.organisation_id).join(PersonRole, PersonRole.person_id == Person.id)
               .where(PersonRole.role == "lnd", PersonRole.scope == "organisation"))
        largest = connection.execute(  # the largest with an L&D lead of its own
            select(Person.organisation_id).where(Person.organisation_id.in_(led))
            .group_by(Person.organisation_id)
            .order_by(func.count().desc(), Person.organisation_id).limit(1)).scalar_one()
        lnd = connection.execute(
            select(PersonRole.person_id).join(Person, Person.id == PersonRole.person_id)
            .where(PersonRole.role == "lnd", PersonRole.scope == "organisation",
                   Person.organisation_id == largest).order_by(PersonRole.person_id)
            .limit(1)).scalar_one()
        team = connection.execute(
            select(Person.team_id).join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == "manager", Person.team_id.is_not(None))
            .group_by(Person.team_id).order_by(func.count().desc(), Person.team_id)
            .limit(1)).scalar_one()
        manager = connection.execute(
            select(PersonRole.person_id).join(Person, Person.id == PersonRole.person_id)
            .where(PersonRole.role == "manager", Person.team_id == team)
            .order_by(PersonRole.person_id).limit(1)).scalar_one()
        champion = connection.execute(
            select(ChampionPairing.champion_id).group_by(ChampionPairing.champion_id)
            .order_by(func.count().desc(), ChampionPairing.champion_id).limit(1)).scalar_one()
        staff = connection.execute(  # with a target role, so /champions has matching to do
            select(Apprenticeship.person_id).join(Person, Person.id == Apprenticeship.person_id)
            .where(Person.organisation_id == largest, Person.target_role_id.is_not(None))
            .order_by(Apprenticeship.id).limit(1)).scalar_one()
        admin = connection.execute(
            select(PersonRole.person_id).where(PersonRole.role == "admin")
            .order_by(PersonRole.person_id).limit(1)).scalar_one()
        found = {"staff": staff, "manager": manager, "champion": champion, "lnd": lnd,
                 "admin": admin}
        if not connection.scalar(select(func.count()).select_from(TrainingRequirement)):
            _training(connection, largest)
        if not connection.scalar(select(func.count()).select_from(TrainingLatest)):
            # each person's latest completion, kept as every writer of records keeps it (a
            # database made before the matrix read it had none)
            refill_latest(Session(bind=connection))
            now = clock.now()
            bulk.write_rows(connection, Notification.__table__, (
                {"recipient_id": staff, "kind": "shadowing_decision",
                 "text": f"Bench notice {n}", "link": "/shadowing", "about_type": "",
                 "about_id": None, "created_at": now - timedelta(minutes=n),
                 "read_at": None} for n in range(60)))
        found["apprenticeship"] = connection.scalar(
            select(Apprenticeship.id).where(Apprenticeship.person_id == staff)
            .order_by(Apprenticeship.id).limit(1))
        found["cohort"] = connection.scalar(
            select(Cohort.id).where(Cohort.organisation_id == largest).order_by(Cohort.id)
            .limit(1))
        found["pairing"] = connection.scalar(
            select(ChampionPairing.id).where(ChampionPairing.champion_id == champion)
            .order_by(ChampionPairing.id).limit(1))
        found["email_start"] = connection.scalar(
            select(Person.email).where(Person.id == staff)).split("@")[0]
    return found


def _training(connection, organisation_id: int) -> None:
    """Require ``SUBJECTS`` subjects of every role held at the organisation; record them."""
    rng = random.Random(15)
    now, today = clock.now(), clock.today()
    subjects = list(connection.scalars(select(TrainingSubject.id).order_by(
        TrainingSubject.refresh_months.is_(None), TrainingSubject.id).limit(SUBJECTS)))
    people = connection.execute(select(Person.id, Person.current_role_id).where(
        Person.organisation_id == organisation_id)).all()
    roles = sorted({role for _, role in people if role})
    bulk.write_rows(connection, TrainingRequirement.__table__, (
        {"organisation_id": organisation_id, "role_id": role, "subject_id": subject,
         "created_at": now} for role in roles for subject in subjects))
    bulk.write_rows(connection, TrainingRecord.__table__, (
        {"person_id": person, "subject_id": subject,
         "completed_on": today - timedelta(days=rng.randrange(1, 4 * 365)), "provider": "",
         "evidence": "", "organisation_id": organisation_id, "source": "imported",
         "recorded_at": now}
        for person, _role in people for subject in subjects if rng.random() < 0.85))


#: The pages measured: (role, address), ``{name}`` filled from ``actors``' ids.
PAGES = [
    ("staff", "/profile"), ("staff", "/profile/conversations"), ("staff", "/notifications"),
    ("staff", "/notifications/preferences"), ("staff", "/champions"), ("staff", "/shadowing"),
    ("staff", "/stories/mine"), ("staff", "/training/mine"), ("staff", "/training/courses"),
    ("staff", "/training/courses/mine"), ("staff", "/passport"),
    ("staff", "/apprenticeships/{apprenticeship}"),
    ("manager", "/team"), ("manager", "/shadowing/approvals"), ("manager", "/training"),
    ("champion", "/champions/caseload"), ("champion", "/champions/requests"),
    ("champion", "/champions/profile"), ("champion", "/pairings/{pairing}"),
    ("lnd", "/training"), ("lnd", "/training/requirements"),
    ("lnd", "/training/people/{staff}"), ("lnd", "/cohorts"), ("lnd", "/cohorts/{cohort}"),
    ("lnd", "/cohorts/posts"), ("lnd", "/cohorts/educators"), ("lnd", "/cohorts/students"),
    ("lnd", "/champions/report"), ("lnd", "/reports/equality"), ("lnd", "/workforce"),
    ("lnd", "/workforce/forecast"), ("lnd", "/people/{staff}"), ("lnd", "/passport/issued"),
    ("lnd", "/stories/review"),
    ("admin", "/admin/users"), ("admin", "/admin/users/{staff}"), ("admin", "/admin/audit"),
    ("admin", "/admin/audit?person={email_start}"),
    ("admin", "/admin/audit?entity_type=person"), ("admin", "/workforce/partnership"),
    ("admin", "/workforce/partnership/forecast"), ("admin", "/cohorts"),
    ("admin", "/admin/import-staff"),
]


def measure(prepared: dict[str, tuple[str, dict]]) -> dict[str, dict]:
    """Time every page as its role on each size, the sizes interleaved request by request
    (so a change of load on the machine falls on both alike) and ``/livez`` after each;
    return the timings by size and page."""
    from tests.web.sessions import start_session
    from webapp import create_app

    apps, clients = {}, {}
    for name, (url, ids) in prepared.items():
        apps[name] = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                                 "REDIS_URL": None, "WTF_CSRF_ENABLED": False,
                                 "SECRET_KEY": uuid.uuid4().hex * 2})
        for role in ("staff", "manager", "champion", "lnd", "admin"):
            clients[name, role] = apps[name].test_client()
            start_session(apps[name], clients[name, role], ids[role])
        clients[name, ""] = apps[name].test_client()
    timings: dict[str, dict] = {name: {("", "/livez"): []} for name in prepared}

    def timed(client, path: str) -> tuple[float, int]:
        started = time.perf_counter()
        status = client.get(path).status_code
        return (time.perf_counter() - started) * 1000, status

    for role, page in PAGES:
        if ONLY and not page.startswith(ONLY):
            continue
        paths = {name: page.format(**ids) for name, (_url, ids) in prepared.items()}
        for name in prepared:
            for _ in range(2):  # warm-up: the graph, templates and caches
                timed(clients[name, role], paths[name])
        statuses: dict[str, int] = {}
        for name in prepared:
            timings[name][role, page] = []
        for _ in range(RUNS):
            for name in prepared:
                taken, statuses[name] = timed(clients[name, role], paths[name])
                timings[name][role, page].append(taken)
                timings[name]["", "/livez"].append(timed(clients[name, ""], "/livez")[0])
        print(f"  {role:<9} {page:<44} " + "  ".join(
            f"{name} {statuses[name]} p50 {p50(timings[name][role, page]):7.1f} "
            f"p95 {p95(timings[name][role, page]):7.1f}" for name in prepared) + " ms",
            flush=True)
    for app in apps.values():
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()
    return timings


def report(results: dict[str, dict]) -> None:
    """Print the table: p50 / p95 per size, growth, and which pages miss the targets."""
    sizes = [size for size in ("tenth", "full") if size in results]
    keys = list(next(iter(results.values())).keys())
    print("\n| Role | Page | " + " | ".join(f"{s} p50 / p95 (ms)" for s in sizes)
          + (" | Growth (p50) |" if len(sizes) == 2 else " |"))
    print("|---" * (2 + len(sizes) + (len(sizes) == 2)) + "|")
    missed = []
    for key in keys:
        if not all(results[s][key] for s in sizes):  # /livez when PAGES_ONLY matched nothing
            continue
        cells = [f"{p50(results[s][key]):.1f} / {p95(results[s][key]):.1f}" for s in sizes]
        line = f"| {key[0] or 'anyone'} | `{key[1]}` | " + " | ".join(cells)
        if len(sizes) == 2:
            growth = p50(results["full"][key]) / max(p50(results["tenth"][key]), 1e-9)
            line += f" | {growth:.2f}x"
            if key[0] and growth >= TARGET_GROWTH:
                missed.append(f"{key[1]} ({key[0]}): grows {growth:.2f}x")
        print(line + " |")
        last = sizes[-1]
        if key[0] and p95(results[last][key]) > TARGET_P95:
            missed.append(f"{key[1]} ({key[0]}): p95 {p95(results[last][key]):.0f} ms at {last}")
    print(f"\nTargets: p95 <= {TARGET_P95:.0f} ms, growth < {TARGET_GROWTH}x. "
          f"Missed: {len(missed)}")
    for line in missed:
        print(f"  {line}")


def prepare(base: str, admin_url: str, name: str) -> tuple[str, str, dict]:
    """Create (or reuse) and fill one size; return its database, address and people."""
    database = f"{PREFIX}_{name}" if KEEP else f"pages_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = make_url(base).set(database=database).render_as_string(hide_password=False)
    size = SIZES[name]
    print(f"\n== {name}: {size.organisations:,} organisations, {size.staff:,} staff "
          f"({'kept: ' + database if KEEP else 'a fresh database'}) ==", flush=True)
    engine = make_engine(url)
    upgrade_schema(engine)
    with engine.connect() as connection:
        empty = not connection.scalar(select(func.count()).select_from(Person))
    if empty:
        populate(engine, size, AUDIT_EVENTS[name])
    ids = actors(engine)
    with make_session_factory(engine)() as session:  # the nightly run the partnership's
        refresh_workforce_summaries(session, clock.today())  # workforce pages read
        session.commit()
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    return database, url, ids


def drop(admin_url: str, database: str) -> None:
    """Drop a database made for the run."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                " WHERE datname = :name"), {"name": database})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
    admin.dispose()


def main(argv: list[str]) -> int:
    base = normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES)
    admin_url = make_url(base).render_as_string(hide_password=False)
    try:
        create_engine(admin_url).connect().close()
    except Exception as error:
        print(f"\nEvery signed-in page at region size: skipped (PostgreSQL unreachable: "
              f"{type(error).__name__})")
        return 0
    print("\n== Every signed-in page at region size (issue 14), PostgreSQL, "
          f"{RUNS} runs a page, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
          f"{os.getloadavg()[0]:.1f} ==")
    made: list[str] = []
    try:
        prepared = {}
        for name in [arg for arg in argv if arg in SIZES] or list(SIZES):
            database, url, ids = prepare(base, admin_url, name)
            made.append(database)
            prepared[name] = (url, ids)
        print(f"\nmeasuring, load average {os.getloadavg()[0]:.1f}", flush=True)
        results = measure(prepared)
    finally:
        for database in made if not KEEP else []:
            drop(admin_url, database)
    report(results)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if os.environ.get("PAGES_SAVE"):  # the timings, to print the table again
        Path(os.environ["PAGES_SAVE"]).write_text(json.dumps(
            {size: [[*key, times] for key, times in found.items()]
             for size, found in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
