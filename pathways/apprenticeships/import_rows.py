"""One row of the apprenticeship import, as read and checked, and what it was matched to.

Kept small (slots, ids rather than loaded objects) since a file has no row limit: the
import holds one of these a row between reading the file and writing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PostFacts:
    """A post of the organisation as the import matches it (shared by the rows naming it)."""

    id: int
    reference: str
    state: str
    role_id: str
    role_title: str


@dataclass(slots=True)
class ApprenticeshipRow:
    """One checked row of the file, with the ids it was matched to."""

    number: int
    email: str
    cohort_name: str
    standard_code: str
    start_date: date
    planned_end_date: date
    weekly_hours: Decimal
    otj_hours: Decimal
    last_review: date | None
    status: str
    post_reference: str | None
    person_id: int | None = None
    #: Whether the row's cohort was found, or planned as a new one on the right programme.
    matched_cohort: bool = False
    post: PostFacts | None = None

    @property
    def cohort_key(self) -> str:
        """The cohort's name as rows are matched on it."""
        return self.cohort_name.casefold()
