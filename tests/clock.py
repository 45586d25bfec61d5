"""The test suite's clock: frozen on one day for the whole run, optionally years ahead.

Nothing in the suite may depend on the day it runs. ``start()`` (called from
``tests/conftest.py`` before collection) sends every process of the run (pytest-xdist workers too)
to ``FROZEN_AT`` with ``time-machine``, so ``pathways.clock``, ``date.today()``, ``time.time()``
and model defaults all read the same instant. The clock ticks on from there (libraries that wait
on ``time.time()`` still see time pass) but a run never lasts long enough to change the day.

``TEST_CLOCK_YEARS_AHEAD=2`` moves that day two years on: CI runs the domain and web suites
again that way, so a test that mixes fixed dates with "now" fails today, not in two years.
Tests that need another instant move the clock with time-machine's ``time_machine`` fixture.
"""

from __future__ import annotations

import os
from datetime import datetime

import time_machine
from dateutil.relativedelta import relativedelta

from pathways.clock import LOCAL_TIME

#: The day every test runs on, unless TEST_CLOCK_YEARS_AHEAD moves it.
BASE = datetime(2026, 11, 24, 10, 0, tzinfo=LOCAL_TIME)
YEARS_AHEAD = int(os.environ.get("TEST_CLOCK_YEARS_AHEAD") or 0)
FROZEN_AT = BASE + relativedelta(years=YEARS_AHEAD)

_traveller: time_machine.travel | None = None


def start() -> None:
    """Send this process to ``FROZEN_AT`` (once)."""
    global _traveller
    if _traveller is None:
        _traveller = time_machine.travel(FROZEN_AT, tick=True)
        _traveller.start()


def describe() -> str:
    """Say which day the suite runs on, for the report header."""
    ahead = f" ({YEARS_AHEAD} years ahead: TEST_CLOCK_YEARS_AHEAD)" if YEARS_AHEAD else ""
    return f"clock: frozen at {FROZEN_AT.isoformat()}{ahead}"
