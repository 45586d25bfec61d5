"""Small-number suppression: a count about people below :data:`SMALLEST_GROUP` is never shown.

Every report about people uses it (the equality and age report, the mentoring report and
their downloads): a count from 0 to 4 is shown as :data:`SUPPRESSED` instead of a number, so
a small group cannot be picked out. Counts that add up to a total shown elsewhere (the answers
to one question, the parts of one figure) are suppressed together (:func:`suppress_group`),
so a suppressed count cannot be worked out by subtraction either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

#: Counts smaller than this are reported as :data:`SUPPRESSED`, never as a number.
SMALLEST_GROUP = 5
SUPPRESSED = "fewer than 5"

#: A count as a report shows it: the number, or :data:`SUPPRESSED`.
Shown = int | str

K = TypeVar("K")


def suppress(count: int) -> Shown:
    """Return ``count`` as a report may show it.

    Examples
    --------
    >>> suppress(4), suppress(5), suppress(0)
    ('fewer than 5', 5, 'fewer than 5')
    """
    return SUPPRESSED if count < SMALLEST_GROUP else count


def suppress_group(cells: Mapping[K, int]) -> dict[K, Shown]:
    """Return counts that add up to a known total, as a report may show them.

    Each count below :data:`SMALLEST_GROUP` is suppressed; when that leaves exactly one
    suppressed count, the next smallest is suppressed too, so none can be worked out from
    the others and the total.

    Examples
    --------
    >>> suppress_group({"yes": 11, "no": 7, "prefer-not-to-say": 3})
    {'yes': 11, 'no': 'fewer than 5', 'prefer-not-to-say': 'fewer than 5'}
    >>> suppress_group({"yes": 5, "no": 6})
    {'yes': 5, 'no': 6}
    """
    small = {key for key, count in cells.items() if count < SMALLEST_GROUP}
    if len(small) == 1 and len(cells) > 1:
        small.add(min((key for key in cells if key not in small), key=lambda key: cells[key]))
    return {key: SUPPRESSED if key in small else count for key, count in cells.items()}


def is_shown(value: object) -> bool:
    """Whether a shown count is a number (not :data:`SUPPRESSED`)."""
    return isinstance(value, int) and not isinstance(value, bool)
