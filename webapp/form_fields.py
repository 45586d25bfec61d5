"""Form fields every area shares: the GOV.UK date input that must hold a real date."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms.validators import StopValidation

from .people_forms import DATE_FORMAT, DayMonthYearField

#: Dates outside these are refused: summaries work month by month from a start date.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class RequiredDate:
    """A date must be given, be a real one, and fall from 2000 to 2099; ``what`` names it."""

    def __init__(self, what: str):
        self.what = what

    def __call__(self, form, field) -> None:
        field.errors[:] = []
        named = self.what[0].upper() + self.what[1:]
        if field.data is None:
            if any(field.raw_data or []):
                raise StopValidation(f"{named} must be a real date, for example 1 9 2025")
            raise StopValidation(f"Enter {self.what[0].lower()}{self.what[1:]}")
        if not EARLIEST_DAY <= field.data <= LATEST_DAY:
            raise StopValidation(f"{named} must be from {EARLIEST_DAY.year} to "
                                 f"{LATEST_DAY.year}")


def required_date(label: str, what: str, hint: str = "For example, 1 9 2025"
                  ) -> DayMonthYearField:
    """A date typed as day, month and year (the GOV.UK date input); ``what`` names it."""
    return DayMonthYearField(label, format=DATE_FORMAT, validators=[RequiredDate(what)],
                             description=hint, widget=GovDateInput())
