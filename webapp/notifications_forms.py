"""Forms of the notification pages: a button (mark read) and the email preferences."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectMultipleField
from wtforms.validators import Optional

from pathways.notifications.kinds import Kind

from .input_rules import Form


class NotificationActionForm(Form):
    """A button that marks one notification, or all of them, read: only the CSRF token."""


class PreferencesForm(Form):
    """Which kinds of notification the person also wants by email (the rest: in the app only)."""

    email = SelectMultipleField("Email me when", choices=[], validators=[Optional()],
                                widget=GovCheckboxesInput())

    def fill(self, kinds: list[Kind]) -> PreferencesForm:
        """Offer the kinds this person can be sent, in the page's order."""
        self.email.choices = [(kind.name, kind.label) for kind in kinds]
        return self
