"""The load test's traffic (Locust): signed-in champions reading pages and recording sessions.

Run by ``bench_load.py`` (``locust -f`` this file, headless), which sets:

- ``LOAD_ACCOUNTS``: a JSON file of ``[{"email", "pairing_id"}]``, one champion per user;
- ``LOAD_PASSWORD``: their password;
- ``LOAD_ROLES``: a JSON file of role ids, for route pages with varying pairs;
- ``LOAD_ACKS``: a file each acknowledged write's marker is appended to.

Each user signs in once, then mixes route pages (a different pair each time: no page
cache), role pages, the profile, the pairing page and recording a mentoring session. A
session carries a marker of its own in its topics; the post is acknowledged when the app
answers with its redirect (303). A post that meets a dropped connection or a 5xx is sent
again, the same form with the same one-time token, up to ``RETRIES`` times: the app must
record it once (``pathways.submissions``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

import gevent
from locust import HttpUser, between, task

RETRIES = 8
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')
with open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8") as handle:
    ACCOUNTS = json.load(handle)
with open(os.environ["LOAD_ROLES"], encoding="utf-8") as handle:
    ROLES = json.load(handle)
NEXT_ACCOUNT = itertools.count()


class Champion(HttpUser):
    """A career champion using the service."""

    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.account = ACCOUNTS[next(NEXT_ACCOUNT) % len(ACCOUNTS)]
        self.random = random.Random(self.account["email"])
        for _ in range(RETRIES):
            page = self.client.get("/login", name="sign in")
            token = CSRF.search(page.text or "")
            if token is None:
                gevent.sleep(0.5)
                continue
            answer = self.client.post("/login", name="sign in", data={
                "csrf_token": token.group(1), "email": self.account["email"],
                "password": os.environ["LOAD_PASSWORD"]})
            if answer.ok and "/login" not in answer.url:
                return
            gevent.sleep(0.5)

    @task(3)
    def route_page(self) -> None:
        start, goal = self.random.sample(ROLES, 2)
        self.client.get(f"/routes?from={start}&to={goal}", name="route page, varying pairs")

    @task(2)
    def role_page(self) -> None:
        self.client.get(f"/roles/{self.random.choice(ROLES)}", name="role page")

    @task(2)
    def profile(self) -> None:
        self.client.get("/profile", name="profile (signed in)")

    @task(2)
    def pairing(self) -> None:
        self.client.get(f"/pairings/{self.account['pairing_id']}", name="pairing page")

    @task(1)
    def record_session(self) -> None:
        pairing = self.account["pairing_id"]
        page = self.client.get(f"/pairings/{pairing}", name="pairing page")
        csrf, once = CSRF.search(page.text or ""), ONCE.search(page.text or "")
        if csrf is None or once is None:
            return
        marker = f"load-{uuid.uuid4().hex}"
        form = [("csrf_token", csrf.group(1)), ("once", once.group(1)), ("held_on", "2"),
                ("held_on", "11"), ("held_on", "2026"), ("duration_minutes", "30"),
                ("mode", "video"), ("topics", marker), ("private_notes", "")]
        for _ in range(RETRIES):
            with self.client.post(f"/pairings/{pairing}/sessions", data=form,
                                  allow_redirects=False, catch_response=True,
                                  name="record a session") as answer:
                if answer.status_code == 303:
                    answer.success()
                    with open(os.environ["LOAD_ACKS"], "a", encoding="utf-8") as acks:
                        acks.write(marker + "\n")
                    return
                answer.failure(f"status {answer.status_code}")
            gevent.sleep(0.3)  # a dropped connection or a restarting worker: send it again
