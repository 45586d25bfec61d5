"""Load and fault test (issue 14): gunicorn on a generated region, one worker killed, the
database's connections terminated, and every acknowledged write accounted for.

On PostgreSQL (``TEST_DATABASE_URL``, default the local server; skipped with a note when
unreachable) a database of its own is created, migrated, given the seed pathway and a
generated region (``LOAD_SIZE``: ``full``, the default, is the North West of
``generate-demo``; ``small`` is 200 organisations and 10,000 staff for a quick run), and
dropped afterwards. ``LOAD_USERS`` (16) champions with a pairing get a password.

gunicorn serves it on loopback with 2 workers; Locust (headless, ``locustfile_load.py``)
runs ``LOAD_USERS`` users for ``LOAD_SECONDS`` (60): route pages with varying pairs, role
pages, the profile, the pairing page, and recording mentoring sessions (each with a marker
of its own; a post that fails is sent again with the same one-time token). A third of the
way in, one gunicorn worker is killed (SIGKILL; the master starts another); two thirds in,
every connection to the database is terminated (``pg_terminate_backend``). Then:

- p50 / p95 / p99 and failures per kind of request (Locust's own figures; the failures are
  what the faults cost: requests cut off with the killed worker, and connections found dead);
- acknowledged writes against rows: every marker the app acknowledged (303) must be stored
  once: **0 lost, 0 duplicated** (stored but never acknowledged is allowed: the answer was
  lost, not the write);
- the workers' memory (largest resident set seen, sampled every second).

Run: ``.venv/bin/python tests/benchmarks/bench_load.py`` (also part of ``make bench``;
needs ``locust``: ``pip install -e '.[bench]'``). Exits 1 if a write was lost or duplicated.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

import seed
from pathways import clock
from pathways.db import make_engine, make_session_factory, normalise_url, upgrade_schema
from pathways.demo_region import RegionSize, generate_region
from pathways.models import ChampionPairing, Node, Person
from pathways.people.accounts import hash_password
from tests.benchmarks.bench_cohorts import DEFAULT_POSTGRES
from tests.benchmarks.bench_web import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile_load.py")
PASSWORD = "load-test-kettle-harbour-91"
SIZES = {"full": RegionSize(), "small": RegionSize(200, 10_000, 800, 4_000)}
USERS = int(os.environ.get("LOAD_USERS", "16"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))


def prepare(url: str, size: RegionSize, folder: Path) -> dict[str, Path]:
    """Fill the database and write the accounts and roles files Locust reads."""
    engine = make_engine(url)
    upgrade_schema(engine)
    with make_session_factory(engine)() as session:
        seed.load_pathway(session)
        session.commit()
    started = time.perf_counter()
    with engine.begin() as connection:
        generate_region(connection, size, seed=14, today=clock.today(), now=clock.now())
    print(f"region generated in {time.perf_counter() - started:.0f} s ({size.organisations:,} "
          f"organisations, {size.staff:,} staff, {size.sessions:,} sessions)")
    with engine.begin() as connection:
        pairs = connection.execute(
            select(ChampionPairing.champion_id, func.min(ChampionPairing.id))
            .group_by(ChampionPairing.champion_id).order_by(ChampionPairing.champion_id)
            .limit(USERS)).all()
        connection.execute(update(Person).where(Person.id.in_([c for c, _ in pairs]))
                           .values(password_hash=hash_password(PASSWORD)))
        emails = dict(connection.execute(select(Person.id, Person.email).where(
            Person.id.in_([c for c, _ in pairs]))).all())
        roles = list(connection.scalars(select(Node.id).where(Node.kind == "role")))
    engine.dispose()
    files = {"accounts": folder / "accounts.json", "roles": folder / "roles.json",
             "acks": folder / "acks.txt"}
    files["accounts"].write_text(json.dumps([{"email": emails[c], "pairing_id": p}
                                             for c, p in pairs]))
    files["roles"].write_text(json.dumps(roles))
    files["acks"].write_text("")
    return files


def workers_of(master: int) -> list[int]:
    """The pids of a gunicorn master's workers (its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


def rss_mb(pid: int) -> float:
    """A process's resident set in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Faults(threading.Thread):
    """Kill a worker and terminate the database's connections on cue; sample memory."""

    def __init__(self, master: int, admin_url: str, database: str):
        super().__init__(daemon=True)
        self.master, self.admin_url, self.database = master, admin_url, database
        self.events: list[str] = []
        self.largest_rss = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        killed = terminated = False
        while not self.stop.wait(1):
            elapsed = time.monotonic() - started
            workers = workers_of(self.master)
            self.largest_rss = max([self.largest_rss] + [rss_mb(pid) for pid in workers])
            if not killed and elapsed >= SECONDS / 3 and workers:
                os.kill(workers[0], signal.SIGKILL)
                self.events.append(f"{elapsed:.0f} s: killed worker {workers[0]} (SIGKILL)")
                killed = True
            if not terminated and elapsed >= 2 * SECONDS / 3:
                admin = create_engine(self.admin_url)
                with admin.begin() as connection:
                    count = len(connection.execute(text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"),
                        {"name": self.database}).all())
                admin.dispose()
                self.events.append(f"{elapsed:.0f} s: terminated {count} database "
                                   "connection(s)")
                terminated = True


def run_load(url: str, admin_url: str, database: str, files: dict[str, Path],
             folder: Path) -> dict:
    """Serve with gunicorn, run Locust with the faults, return what was measured."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_ENV": "development",
           "SECRET_KEY": uuid.uuid4().hex * 2}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(folder / "gunicorn.log", "w"))  # noqa: SIM115 (closed with the folder)
    faults = Faults(server.pid, admin_url, database)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/livez", 60)
        for _ in range(8):  # each worker loads the graph and fills its caches once
            for path in ("/login", "/roles/care-worker",
                         "/routes?from=care-worker&to=social-worker"):
                urllib.request.urlopen(base + path, timeout=60).read()
        locust_env = {**os.environ, "LOAD_ACCOUNTS": str(files["accounts"]),
                      "LOAD_ROLES": str(files["roles"]), "LOAD_ACKS": str(files["acks"]),
                      "LOAD_PASSWORD": PASSWORD}
        faults.start()
        subprocess.run(
            [str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE),
             "--headless", "-u", str(USERS), "-r", "4", "-t", f"{SECONDS}s",
             "--host", base, "--csv", str(folder / "load"), "--only-summary",
             "--exit-code-on-error", "0", "--loglevel", "ERROR"],
            env=locust_env, check=True, timeout=SECONDS + 120, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
    finally:
        faults.stop.set()
        server.terminate()
        server.wait(timeout=30)
    with open(folder / "load_stats.csv", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    log = (folder / "gunicorn.log").read_text(errors="replace")
    return {"stats": stats, "events": faults.events, "largest_rss": faults.largest_rss,
            "tracebacks": log.count("Traceback"), "log": log,
            "exceptions": Counter(line for line in log.splitlines()
                                  if re.match(r"[\w.]+(Error|Exception|Exit)\b", line))}


def account_for_writes(url: str, acks_file: Path) -> tuple[int, int, int, int]:
    """Return (acknowledged, lost, duplicated, stored but unacknowledged) writes."""
    acknowledged = set(acks_file.read_text().split())
    engine = make_engine(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(text(
            "SELECT topics, count(*) FROM mentoring_sessions WHERE topics LIKE 'load-%' "
            "GROUP BY topics")).all())
    engine.dispose()
    lost = len(acknowledged - stored.keys())
    duplicated = sum(1 for count in stored.values() if count > 1)
    return len(acknowledged), lost, duplicated, len(stored.keys() - acknowledged)


def report(result: dict, writes: tuple[int, int, int, int]) -> None:
    print(f"\nLocust: {USERS} users for {SECONDS} s against gunicorn (2 workers), loopback")
    for event in result["events"]:
        print(f"  fault at {event}")
    print(f"  {'request':<30} {'count':>7} {'failed':>7} {'rps':>7} {'p50':>7} {'p95':>7} "
          f"{'p99':>7}  (ms)")
    for row in result["stats"]:
        name = f"{row['Type']} {row['Name']}".strip()
        print(f"  {name:<30} {row['Request Count']:>7} {row['Failure Count']:>7} "
              f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} "
              f"{row['99%']:>7}")
    acknowledged, lost, duplicated, unacknowledged = writes
    print(f"  writes: {acknowledged} acknowledged; {lost} lost, {duplicated} duplicated; "
          f"{unacknowledged} stored whose answer never arrived")
    print(f"  largest worker resident set seen: {result['largest_rss']:.0f} MB; "
          f"server tracebacks logged: {result['tracebacks']}")
    for line, count in result["exceptions"].items():
        print(f"    {count} x {line[:110]}")
    if os.environ.get("LOAD_SHOW_LOG"):
        print(result["log"][-6000:])


def main() -> int:
    base = normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES)
    size = SIZES[os.environ.get("LOAD_SIZE", "full")]
    database = f"load_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(base).render_as_string(hide_password=False)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    except Exception as error:
        print(f"\nLoad test skipped (PostgreSQL unreachable: {type(error).__name__})")
        return 0
    url = make_url(base).set(database=database).render_as_string(hide_password=False)
    print("\n== Load and fault test (issue 14), PostgreSQL ==")
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            files = prepare(url, size, folder)
            result = run_load(url, admin_url, database, files, folder)
            writes = account_for_writes(url, files["acks"])
            report(result, writes)
    finally:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name"), {"name": database})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        admin.dispose()
    return 1 if writes[1] or writes[2] else 0


if __name__ == "__main__":
    sys.exit(main())
