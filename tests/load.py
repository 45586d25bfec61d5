"""The load and fault test's parts, shared by its two forms (issue 14).

- ``tests/benchmarks/bench_load.py`` (``make bench``): a generated region, Locust
  (``locustfile_load.py``) for a minute, many users;
- ``tests/web/test_load_and_faults.py`` (``make test`` on PostgreSQL): a tiny region, a few
  threads of :class:`ThreadedClient` for about ten seconds.

Both give the same :class:`Visitor` (the request mix, written once against a two-method
client) and both check the writes with :func:`account_for_writes`. Here too: choosing and
signing up the accounts (:func:`prepare`), serving with gunicorn (:func:`serve`), and the
faults (:class:`Faults`: one worker killed a third of the way in, every connection to the
database terminated two thirds in).

The writes are of two kinds: career champions record mentoring sessions, apprentices log
off-the-job hours. Each carries a marker of its own (the session's topics, the entry's note)
and the form's one-time token; a post that meets a dropped connection or a 5xx is sent again,
the same form with the same token, so the app must save it once (``pathways.submissions``).
A write is acknowledged when the app answers its redirect (303). Then every acknowledged
marker must be stored exactly once: **0 lost, 0 duplicated**. Stored but never acknowledged
is allowed (the answer was lost, not the write).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Protocol

from sqlalchemy import create_engine, func, select, text, update

import seed
from pathways.db import make_engine, make_session_factory, upgrade_schema
from pathways.demo_region import RegionSize, generate_region
from pathways.models import Apprenticeship, ChampionPairing, Node, Person
from pathways.people.accounts import hash_password

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-kettle-harbour-91"
#: ``LOAD_SIZE``: the North West of ``generate-demo``; a quick bench; the CI form's region.
SIZES = {"full": RegionSize(), "small": RegionSize(200, 10_000, 800, 4_000),
         "tiny": RegionSize(4, 300, 24, 100)}
#: Sends of one write before giving up (a restarting worker, a terminated connection).
RETRIES = 8
#: Hours an apprentice logs at a time: small, so a week's limit is never reached.
HOURS = "0.5"
#: The kinds of write, each with the table and column its marker is stored in.
WRITES = {"session": ("mentoring_sessions", "topics"), "hours": ("otj_entries", "note")}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ONCE = re.compile(r'<input[^>]*name="once"[^>]*value="([^"]+)"')


# The request mix -----------------------------------------------------------------------------


@dataclass
class Answer:
    """What a request got: the status (0 when the connection failed), the page, the redirect."""

    status: int
    text: str = ""
    location: str = ""


class Client(Protocol):
    """What a :class:`Visitor` sends requests with (Locust's session, or :class:`ThreadedClient`).

    Neither follows redirects. ``name`` groups requests in the figures.
    """

    def get(self, path: str, name: str) -> Answer:
        """Send a GET."""

    def post(self, path: str, form: list[tuple[str, str]], name: str) -> Answer:
        """Send a form."""


def form_of(page: str, action_ends: str) -> str:
    """The HTML of the first form on ``page`` whose action ends with ``action_ends``."""
    for match in re.finditer(r'<form[^>]*action="([^"]*)".*?</form>', page, re.S):
        if match.group(1).split("#")[0].endswith(action_ends):
            return match.group(0)
    return ""


class Visitor:
    """One signed-in user's traffic: pages and, now and then, a write with a marker.

    A champion (``account["kind"] == "champion"``) reads and records sessions on their
    pairing; an apprentice reads and logs off-the-job hours on their apprenticeship. Both
    read route pages with a different pair each time (no page cache), role pages and their
    profile. ``writes`` is the weight of writing among the mix's 9 of reading.
    """

    def __init__(self, client: Client, account: dict, roles: list[str],
                 acknowledge: Callable[[str, str], None],
                 sleep: Callable[[float], None] = time.sleep, writes: int = 1):
        self.client, self.account, self.roles = client, account, roles
        self.acknowledge, self.sleep = acknowledge, sleep
        self.random = random.Random(account["email"])
        champion = account["kind"] == "champion"
        self.own = (f"/pairings/{account['pairing_id']}" if champion
                    else f"/apprenticeships/{account['apprenticeship_id']}")
        #: This account's kind of write.
        self.write = self.record_session if champion else self.log_hours
        self.tasks = [(3, self.route_page), (2, self.role_page), (2, self.profile),
                      (2, self.own_page), (writes, self.write)]

    def sign_in(self) -> bool:
        """Sign in (trying again while the server restarts a worker); True when signed in."""
        for _ in range(RETRIES):
            token = CSRF.search(self.client.get("/login", "sign in").text)
            if token is not None:
                answer = self.client.post("/login", [
                    ("csrf_token", token.group(1)), ("email", self.account["email"]),
                    ("password", PASSWORD)], "sign in")
                if answer.status // 100 == 3 and "/login" not in answer.location:
                    return True
            self.sleep(0.5)
        return False

    def step(self) -> None:
        """Do one thing, chosen by the weights of the mix."""
        [task] = self.random.choices([task for _, task in self.tasks],
                                     [weight for weight, _ in self.tasks])
        task()

    def route_page(self) -> None:
        start, goal = self.random.sample(self.roles, 2)
        self.client.get(f"/routes?from={start}&to={goal}", "route page, varying pairs")

    def role_page(self) -> None:
        self.client.get(f"/roles/{self.random.choice(self.roles)}", "role page")

    def profile(self) -> None:
        self.client.get("/profile", "profile (signed in)")

    def own_page(self) -> Answer:
        name = ("pairing page" if self.account["kind"] == "champion"
                else "apprenticeship page")
        return self.client.get(self.own, name)

    def record_session(self, again: bool = False) -> None:
        """Record a mentoring session held the day before the region was made, its topics
        the marker."""
        day = date.fromisoformat(self.account["last_day"])
        self._write("session", "/sessions", "record a session", again, lambda marker: [
            ("held_on", str(day.day)), ("held_on", str(day.month)), ("held_on", str(day.year)),
            ("duration_minutes", "30"), ("mode", "video"), ("topics", marker),
            ("private_notes", "")])

    def log_hours(self, again: bool = False) -> None:
        """Log half an hour of off-the-job training on a past day, the note the marker."""
        first = date.fromisoformat(self.account["first_day"])
        last = date.fromisoformat(self.account["last_day"])
        day = first + timedelta(days=self.random.randrange((last - first).days + 1))
        self._write("hours", "/otj", "log hours", again, lambda marker: [
            ("worked_on", str(day.day)), ("worked_on", str(day.month)),
            ("worked_on", str(day.year)), ("hours", HOURS), ("activity", "taught"),
            ("note", marker)])

    def _write(self, kind: str, action: str, name: str, again: bool,
               fields: Callable[[str], list[tuple[str, str]]]) -> None:
        """Show the form, post it with a new marker, send the same post again until answered.

        ``again``: once answered, send it once more, as a browser does when the first answer
        was cut off after the write was saved (the one-time token must keep it single).
        """
        for _ in range(RETRIES):  # the page again while a worker restarts or reconnects
            shown = form_of(self.own_page().text, self.own + action)
            csrf, once = CSRF.search(shown), ONCE.search(shown)
            if csrf is not None and once is not None:
                break
            self.sleep(0.3)
        else:
            return
        marker = f"load-{kind}-{uuid.uuid4().hex}"
        form = [("csrf_token", csrf.group(1)), ("once", once.group(1)), *fields(marker)]
        sends = 2 if again else 1
        for _ in range(RETRIES):
            answer = self.client.post(self.own + action, form, name)
            if answer.status == 303:
                self.acknowledge(kind, marker)
                sends -= 1
                if not sends:
                    return
                continue
            if 0 < answer.status < 500:
                return  # refused: sending it again would be refused again
            self.sleep(0.3)  # a dropped connection or a restarting worker: send it again


# A small client of threads (the CI form) -----------------------------------------------------


@dataclass
class Tally:
    """Answers by request name and status (0: the connection failed)."""

    answers: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, status: int) -> None:
        with self.lock:
            self.answers[name, status] += 1

    def count(self, where: Callable[[int], bool]) -> int:
        """How many answers had a status for which ``where`` is true."""
        return sum(n for (_, status), n in self.answers.items() if where(status))


class ThreadedClient:
    """A keep-alive HTTP client with a cookie, for one thread (the standard library only)."""

    def __init__(self, host: str, port: int, tally: Tally):
        self.host, self.port, self.tally = host, port, tally
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, name: str) -> Answer:
        return self._send("GET", path, None, name)

    def post(self, path: str, form: list[tuple[str, str]], name: str) -> Answer:
        return self._send("POST", path, urllib.parse.urlencode(form), name)

    def _send(self, method: str, path: str, body: str | None, name: str) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            page = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.close()
            self.tally.add(name, 0)
            return Answer(0)
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        self.tally.add(name, response.status)
        return Answer(response.status, page, response.getheader("Location") or "")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def run_threads(base: str, accounts: list[dict], roles: list[str], seconds: float,
                acknowledge: Callable[[str, str], None], writes: int = 1) -> Tally:
    """One thread per account: sign in, write (the same post sent twice), then
    :class:`Visitor` steps (``writes`` their weight of writing) until ``seconds`` have
    passed."""
    parts = urllib.parse.urlsplit(base)
    tally = Tally()
    deadline = time.monotonic() + seconds

    def visit(account: dict) -> None:
        client = ThreadedClient(parts.hostname or "127.0.0.1", parts.port or 80, tally)
        visitor = Visitor(client, account, roles, acknowledge, writes=writes)
        if visitor.sign_in():
            # each kind of write is sent, however few steps there is time for, and sent twice
            # (a retry of a saved post): stored once only if the one-time token works
            visitor.write(again=True)
            while time.monotonic() < deadline:
                visitor.step()
                time.sleep(visitor.random.uniform(0.05, 0.2))
        client.close()

    threads = [threading.Thread(target=visit, args=(account,), daemon=True)
               for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return tally


# The region, the server and the faults -------------------------------------------------------


def prepare(url: str, size: RegionSize, users: int, *, today: date, now: datetime,
            migrate: bool = True) -> tuple[list[dict], list[str]]:
    """Generate the region and give ``users`` accounts a password; return them and the roles.

    Half the accounts (rounded up) are champions with a pairing, half apprentices. Each
    account is ``{"email", "kind", "pairing_id", "last_day"}`` or ``{"email", "kind",
    "apprenticeship_id", "first_day", "last_day"}`` (the days hours may be logged on;
    ``last_day``, the day before ``today``, is also the day sessions are held).
    ``migrate`` False when the database already holds the schema and the seed pathway.
    """
    engine = make_engine(url)
    if migrate:
        upgrade_schema(engine)
        with make_session_factory(engine)() as session:
            seed.load_pathway(session)
            session.commit()
    started = time.perf_counter()
    with engine.begin() as connection:
        generate_region(connection, size, seed=14, today=today, now=now)
    print(f"region generated in {time.perf_counter() - started:.1f} s ({size.organisations:,} "
          f"organisations, {size.staff:,} staff, {size.sessions:,} sessions)")
    with engine.begin() as connection:
        pairs = connection.execute(
            select(ChampionPairing.champion_id, func.min(ChampionPairing.id))
            .group_by(ChampionPairing.champion_id).order_by(ChampionPairing.champion_id)
            .limit((users + 1) // 2)).all()
        learners = connection.execute(
            select(Apprenticeship.person_id, Apprenticeship.id, Apprenticeship.start_date)
            .where(Apprenticeship.start_date < today - timedelta(days=28))
            .order_by(Apprenticeship.id).limit(users // 2)).all()
        people = [c for c, _ in pairs] + [p for p, _, _ in learners]
        connection.execute(update(Person).where(Person.id.in_(people))
                           .values(password_hash=hash_password(PASSWORD)))
        emails = dict(connection.execute(select(Person.id, Person.email).where(
            Person.id.in_(people))).all())
        roles = list(connection.scalars(select(Node.id).where(Node.kind == "role")))
    engine.dispose()
    last = (today - timedelta(days=1)).isoformat()
    accounts = [{"email": emails[c], "kind": "champion", "pairing_id": p, "last_day": last}
                for c, p in pairs]
    accounts += [{"email": emails[p], "kind": "apprentice", "apprenticeship_id": a,
                  "first_day": start.isoformat(), "last_day": last}
                 for p, a, start in learners]
    return accounts, roles


def free_port() -> int:
    """A free port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float) -> None:
    """Wait until ``url`` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:  # nosec B310 (loopback)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url}")


#: Starts gunicorn with the test suite's frozen clock (``tests.clock``), for the CI form:
#: the region's dates and the server's "today" then agree, whatever day it runs.
FROZEN_GUNICORN = ("import sys; from tests import clock; clock.start(); "
                   "from gunicorn.app.wsgiapp import run; sys.argv[0] = 'gunicorn'; run()")


@contextmanager
def serve(url: str, log: Path, *, frozen: bool = False, warm: int = 8) -> Iterator[
        tuple[str, subprocess.Popen]]:
    """Serve the app on ``url``'s database with gunicorn (2 workers, loopback).

    Yields the base address and the master's process; its log goes to ``log``. ``warm``
    rounds of a few pages first, so each worker has loaded the graph and filled its caches.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_ENV": "development",
           "SECRET_KEY": uuid.uuid4().hex * 2, "PYTHONPATH": str(ROOT)}
    command = ([sys.executable, "-c", FROZEN_GUNICORN] if frozen
               else [str(Path(sys.executable).with_name("gunicorn"))])
    with open(log, "w", encoding="utf-8") as errors:
        server = subprocess.Popen(  # nosec B603 (our own gunicorn, no shell)
            [*command, "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/livez", 60)
        for _ in range(warm):
            for path in ("/login", "/roles/care-worker",
                         "/routes?from=care-worker&to=social-worker"):
                urllib.request.urlopen(base + path, timeout=60).read()  # nosec B310
        yield base, server
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (TERM waits for requests)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


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
    """Kill a worker a third of ``seconds`` in, terminate the database's connections two
    thirds in; sample the workers' memory every ``tick`` seconds."""

    def __init__(self, master: int, admin_url: str, database: str, seconds: float,
                 tick: float = 1.0):
        super().__init__(daemon=True)
        self.master, self.admin_url, self.database = master, admin_url, database
        self.seconds, self.tick = seconds, tick
        self.events: list[str] = []
        self.killed = self.terminated = 0
        self.largest_rss = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stop.wait(self.tick):
            elapsed = time.monotonic() - started
            workers = workers_of(self.master)
            self.largest_rss = max([self.largest_rss] + [rss_mb(pid) for pid in workers])
            if not self.killed and elapsed >= self.seconds / 3 and workers:
                os.kill(workers[0], signal.SIGKILL)
                self.events.append(f"{elapsed:.0f} s: killed worker {workers[0]} (SIGKILL)")
                self.killed = 1
            if not self.terminated and elapsed >= 2 * self.seconds / 3:
                admin = create_engine(self.admin_url)
                with admin.begin() as connection:
                    count = len(connection.execute(text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"),
                        {"name": self.database}).all())
                admin.dispose()
                self.events.append(f"{elapsed:.0f} s: terminated {count} database "
                                   "connection(s)")
                self.terminated = max(count, 1)


#: The server's exceptions a terminated database connection causes (the faults' own).
FAULT_EXCEPTIONS = re.compile(
    r"AdminShutdown|terminating connection due to administrator command|"
    r"server closed the connection unexpectedly|consuming input failed|"
    r"connection is closed|the connection is lost|SSL SYSCALL|OperationalError|"
    r"PendingRollbackError|Can't reconnect until invalid transaction is rolled back")


def exceptions_logged(log: str) -> Counter:
    """Each exception line of a gunicorn log (a traceback's last line), counted."""
    return Counter(line for line in log.splitlines()
                   if re.match(r"[\w.]+(Error|Exception|Exit|Shutdown)\b", line))


def unexplained(exceptions: Counter) -> Counter:
    """The exceptions the faults do not explain (each is a bug)."""
    return Counter({line: n for line, n in exceptions.items()
                    if not FAULT_EXCEPTIONS.search(line)})


# The accounting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Writes:
    """One kind of write, accounted for."""

    acknowledged: int
    lost: int
    duplicated: int
    unacknowledged: int  # stored, but its answer never arrived


def account_for_writes(url: str, acknowledged: list[tuple[str, str]]) -> dict[str, Writes]:
    """Compare the acknowledged ``(kind, marker)`` writes with the rows, kind by kind."""
    engine = make_engine(url)
    found = {}
    with engine.connect() as connection:
        for kind, (table, column) in WRITES.items():
            stored: dict[str, int] = dict(connection.execute(text(
                f"SELECT {column}, count(*) FROM {table} "  # nosec B608 (names of ours)
                f"WHERE {column} LIKE :marker GROUP BY {column}"),
                {"marker": f"load-{kind}-%"}).all())
            acks = {marker for which, marker in acknowledged if which == kind}
            found[kind] = Writes(len(acks), len(acks - stored.keys()),
                                 sum(1 for count in stored.values() if count > 1),
                                 len(stored.keys() - acks))
    engine.dispose()
    return found


def read_acks(path: Path) -> list[tuple[str, str]]:
    """The ``kind marker`` lines of an acknowledgements file."""
    return [(kind, marker) for kind, marker in
            (line.split() for line in path.read_text().splitlines() if line.strip())]
