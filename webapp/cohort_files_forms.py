"""The form of the apprenticeship import page. It checks only that a CSV or XLSX file was sent;
``pathways.apprenticeships.importer`` checks every row. It carries a CSRF token.
"""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from pathways.apprenticeships.importer import COLUMNS, REQUIRED_COLUMNS

from .input_rules import Form
from .submit import CreatesRecord


class ApprenticeshipImportForm(CreatesRecord, Form):
    """Upload a spreadsheet (CSV or XLSX) of apprentices to enrol on cohorts."""

    apprenticeships_file = FileField(
        "Apprentices (CSV or Excel file)", widget=GovFileInput(),
        description=f"Columns: {', '.join(COLUMNS)}. Required: {', '.join(REQUIRED_COLUMNS)}.",
        validators=[FileRequired(message="Choose a CSV or Excel file to upload"),
                    FileAllowed(["csv", "xlsx"], message="The file must be a CSV file (.csv) "
                                "or an Excel workbook (.xlsx)")])
