"""Load and fault test (issue 14): gunicorn on a generated region, one worker killed, the
database's connections terminated, and every acknowledged write accounted for.

On PostgreSQL (``TEST_DATABASE_URL``, default the local server; skipped with a note when
unreachable) a database of its own is created, migrated, given the seed pathway and a
generated region (``LOAD_SIZE``: ``full``, the default, is the North West of
``generate-demo``; ``small`` is 200 organisations and 10,000 staff for a quick run; ``tiny``
is the CI form's), and dropped afterwards. ``LOAD_USERS`` (16) accounts get a password: half
champions with a pairing, half apprentices.

gunicorn serves it on loopback with 2 workers; Locust (headless, ``locustfile_load.py``)
runs ``LOAD_USERS`` users for ``LOAD_SECONDS`` (60) with ``tests.load.Visitor``'s mix:
route pages with varying pairs, role pages, the profile, the pairing or apprenticeship page,
and two kinds of write, champions recording mentoring sessions and apprentices logging
off-the-job hours (each with a marker of its own; a post that fails is sent again with the
same one-time token). A third of the way in, one gunicorn worker is killed (SIGKILL; the
master starts another); two thirds in, every connection to the database is terminated
(``pg_terminate_backend``). Then:

- p50 / p95 / p99 and failures per kind of request (Locust's own figures; the failures are
  what the faults cost: requests cut off with the killed worker, and connections found dead);
- acknowledged writes against rows, per kind: every marker the app acknowledged (303) must
  be stored once: **0 lost, 0 duplicated** (stored but never acknowledged is allowed: the
  answer was lost, not the write);
- the workers' memory (largest resident set seen, sampled every second).

Run: ``.venv/bin/python tests/benchmarks/bench_load.py`` (also part of ``make bench``;
needs ``locust``: ``pip install -e '.[bench]'``). Exits 1 if a write was lost or duplicated.
The short form ``make test`` runs on PostgreSQL is ``tests/web/test_load_and_faults.py``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pathways import clock
from pathways.db import normalise_url
from tests.benchmarks.bench_cohorts import DEFAULT_POSTGRES
from tests.load import (
    SIZES,
    Faults,
    Writes,
    account_for_writes,
    exceptions_logged,
    prepare,
    read_acks,
    serve,
)

LOCUSTFILE = Path(__file__).with_name("locustfile_load.py")
USERS = int(os.environ.get("LOAD_USERS", "16"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))


def run_load(url: str, admin_url: str, database: str, accounts: list[dict],
             roles: list[str], folder: Path) -> dict:
    """Serve with gunicorn, run Locust with the faults, return what was measured."""
    files = {"accounts": folder / "accounts.json", "roles": folder / "roles.json",
             "acks": folder / "acks.txt"}
    files["accounts"].write_text(json.dumps(accounts))
    files["roles"].write_text(json.dumps(roles))
    files["acks"].write_text("")
    with serve(url, folder / "gunicorn.log") as (base, server):
        faults = Faults(server.pid, admin_url, database, SECONDS)
        locust_env = {**os.environ, "LOAD_ACCOUNTS": str(files["accounts"]),
                      "LOAD_ROLES": str(files["roles"]), "LOAD_ACKS": str(files["acks"])}
        faults.start()
        try:
            subprocess.run(
                [str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE),
                 "--headless", "-u", str(USERS), "-r", "4", "-t", f"{SECONDS}s",
                 "--host", base, "--csv", str(folder / "load"), "--only-summary",
                 "--exit-code-on-error", "0", "--loglevel", "ERROR"],
                env=locust_env, check=True, timeout=SECONDS + 120, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
        finally:
            faults.stop.set()
    with open(folder / "load_stats.csv", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    log = (folder / "gunicorn.log").read_text(errors="replace")
    return {"stats": stats, "events": faults.events, "largest_rss": faults.largest_rss,
            "tracebacks": log.count("Traceback"), "log": log,
            "exceptions": exceptions_logged(log), "acks": read_acks(files["acks"])}


def report(result: dict, writes: dict[str, Writes]) -> None:
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
    for kind, counted in writes.items():
        print(f"  writes ({kind}): {counted.acknowledged} acknowledged; {counted.lost} lost, "
              f"{counted.duplicated} duplicated; {counted.unacknowledged} stored whose answer "
              "never arrived")
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
            accounts, roles = prepare(url, size, USERS, today=clock.today(), now=clock.now())
            result = run_load(url, admin_url, database, accounts, roles, folder)
            writes = account_for_writes(url, result["acks"])
            report(result, writes)
    finally:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name"), {"name": database})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        admin.dispose()
    return 1 if any(counted.lost or counted.duplicated for counted in writes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
