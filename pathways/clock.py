"""The one place the domain reads the wall clock.

Services take ``today`` or ``now`` as arguments; when a caller has none to give (a model default,
a page showing "today"), they come from here. Tests freeze this clock for the whole run with
``time-machine`` (``tests/clock.py``), so nothing in the suite depends on the day it runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

#: The service is for English adult social care: "today" is the day in England.
LOCAL_TIME = ZoneInfo("Europe/London")


def now() -> datetime:
    """Return the current instant, timezone-aware, in UTC.

    Examples
    --------
    >>> now().tzinfo is UTC
    True
    """
    return datetime.now(UTC)


def today() -> date:
    """Return today's date in England (which differs from UTC's around midnight in summer).

    Examples
    --------
    >>> today() == now().astimezone(LOCAL_TIME).date()
    True
    """
    return now().astimezone(LOCAL_TIME).date()
