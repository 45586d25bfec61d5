"""The load test's traffic for Locust: :class:`tests.load.Visitor`'s mix, on Locust's client.

Run by ``bench_load.py`` (``locust -f`` this file, headless), which sets:

- ``LOAD_ACCOUNTS``: a JSON file of the accounts (``tests.load.prepare``), one per user:
  champions recording mentoring sessions, apprentices logging off-the-job hours;
- ``LOAD_ROLES``: a JSON file of role ids, for route pages with varying pairs;
- ``LOAD_ACKS``: a file each acknowledged write's ``kind marker`` is appended to.

The mix, the markers, the one-time tokens and the retries are ``tests.load``'s (the CI form
of the test sends the same with threads); here Locust times each request and counts a
dropped connection, a 4xx or a 5xx as a failure. Each user's first write is sent twice, as
a browser resends a post whose answer was cut off: it must be stored once.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path

import gevent
from locust import HttpUser, between, task
from requests.exceptions import RequestException

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.load import Answer, Visitor

with open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8") as handle:
    ACCOUNTS = json.load(handle)
with open(os.environ["LOAD_ROLES"], encoding="utf-8") as handle:
    ROLES = json.load(handle)
NEXT_ACCOUNT = itertools.count()


def acknowledge(kind: str, marker: str) -> None:
    """Note an acknowledged write (one process: Locust's users are greenlets)."""
    with open(os.environ["LOAD_ACKS"], "a", encoding="utf-8") as acks:
        acks.write(f"{kind} {marker}\n")


class LocustClient:
    """``tests.load.Client`` on a Locust user's session: no redirects followed."""

    def __init__(self, user: HttpUser):
        self.user = user

    def get(self, path: str, name: str) -> Answer:
        return self._send("GET", path, name, None)

    def post(self, path: str, form: list[tuple[str, str]], name: str) -> Answer:
        return self._send("POST", path, name, form)

    def _send(self, method: str, path: str, name: str,
              form: list[tuple[str, str]] | None) -> Answer:
        try:
            with self.user.client.request(method, path, data=form, name=name,
                                          allow_redirects=False,
                                          catch_response=True) as answer:
                if 0 < answer.status_code < 400:
                    answer.success()
                else:
                    answer.failure(f"status {answer.status_code}")
                if not answer.status_code:
                    return Answer(0)
                return Answer(answer.status_code, answer.text or "",
                              answer.headers.get("Location", ""))
        except RequestException:
            return Answer(0)


class LoadUser(HttpUser):
    """A champion or an apprentice using the service."""

    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        account = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        self.visitor = Visitor(LocustClient(self), account, ROLES, acknowledge,
                               sleep=gevent.sleep)
        if self.visitor.sign_in():
            self.visitor.write(again=True)  # one post sent twice, as after a cut-off answer

    @task
    def step(self) -> None:
        self.visitor.step()
