"""Dates in the demo files: offsets from the day the demo is loaded, or fixed dates in history.

The demo is "living": it is dated relative to ``today``, the day ``seed.demo.load_demo`` is
called with (default ``pathways.clock.today()``), so it looks the same, part-way through,
whenever it is loaded. A date cell in ``demo/`` is one of:

``-9m``, ``+7d``, ``-4y2m``, ``+22m-1d``, ``+0d``
    An offset from ``today``: signed terms of years (``y``), months (``m``), weeks (``w``)
    and days (``d``); a term without a sign takes the sign before it (``-4y2m`` is four years
    and two months ago). The terms make one ``dateutil.relativedelta``: years and months
    first (clamped to the month's end, so loading on 31 January or 29 February works), then
    weeks and days.
``2025-03-03``
    A fixed date in history, for facts that rules tie to the calendar and that must not
    move with the load day (the one apprentice who shows the funding rules from before
    1 August 2025; see ``apprentices.csv``).

Text cells may hold ``{OFFSET:FORMAT}``, rendered with ``strftime`` (``{-14m:%Y}`` is the year
14 months ago): cohort names, post references and the years in career stories move with
the load day too. :func:`dated_rows` renders every cell of a file, so a name written the
same way in two files (a cohort in ``cohorts.csv`` and ``apprentices.csv``) still matches.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

DEMO_DIR = Path(__file__).resolve().parent / "demo"

_OFFSET = re.compile(r"[+-]\d+[ymwd](?:[+-]?\d+[ymwd])*")
_TERM = re.compile(r"([+-]?)(\d+)([ymwd])")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLACEHOLDER = re.compile(r"\{([+-][0-9ymwd+-]*):([^{}]+)\}")
_UNITS = {"y": "years", "m": "months", "w": "weeks", "d": "days"}


def offset(value: str) -> relativedelta:
    """Read an offset such as ``-9m``, ``+7d`` or ``-4y2m``.

    Examples
    --------
    >>> offset("-4y2m")
    relativedelta(years=-4, months=-2)
    >>> offset("+22m-1d")
    relativedelta(years=+1, months=+10, days=-1)

    Raises
    ------
    ValueError
        When ``value`` is not an offset.
    """
    value = value.strip()
    if not _OFFSET.fullmatch(value):
        raise ValueError(f"{value!r} is not a date offset such as -9m, +7d or -4y2m")
    parts = {unit: 0 for unit in _UNITS.values()}
    sign = ""
    for term_sign, number, unit in _TERM.findall(value):
        sign = term_sign or sign
        parts[_UNITS[unit]] += -int(number) if sign == "-" else int(number)
    return relativedelta(years=parts["years"], months=parts["months"], weeks=parts["weeks"],
                         days=parts["days"])


def on(value: str, today: date) -> date:
    """The date a cell gives: ``today`` moved by an offset, or a fixed ISO date.

    Examples
    --------
    >>> on("-9m", date(2026, 11, 24))
    datetime.date(2026, 2, 24)
    >>> on("+1m", date(2027, 1, 31))
    datetime.date(2027, 2, 28)
    >>> on("-1y", date(2028, 2, 29))
    datetime.date(2027, 2, 28)
    >>> on("2025-03-03", date(2031, 2, 28))
    datetime.date(2025, 3, 3)

    Raises
    ------
    ValueError
        When ``value`` is neither.
    """
    value = value.strip()
    if _ISO.fullmatch(value):
        return date.fromisoformat(value)
    return today + offset(value)


def on_or_none(value: str | None, today: date) -> date | None:
    """Like :func:`on`, for a column that may be empty."""
    return on(value, today) if value and value.strip() else None


def render(text: str, today: date) -> str:
    """Replace each ``{OFFSET:FORMAT}`` in ``text`` with that date, formatted.

    Examples
    --------
    >>> render("Social work degree apprenticeship {-14m:%Y}", date(2026, 11, 24))
    'Social work degree apprenticeship 2025'
    >>> render("SW-{+22m-1d:%Y}-01", date(2026, 11, 24))
    'SW-2028-01'
    """
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda found: on(found[1], today).strftime(found[2]), text)


def dated_rows(name: str, today: date) -> list[dict[str, str]]:
    """The rows of a file in ``demo/``, each cell rendered for ``today``."""
    with (DEMO_DIR / name).open(newline="", encoding="utf-8") as handle:
        return [{key: render(value or "", today) for key, value in row.items()}
                for row in csv.DictReader(handle)]
