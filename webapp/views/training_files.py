"""Training records imported from a spreadsheet on the web, and the import's template.

L&D and administrators of an organisation (``policy.can_manage_training``) upload a CSV or
XLSX file of training records for its people at ``/training/import``: the same format, rules
and all-or-nothing answer as ``pathways import-training`` (``pathways.training.importer``),
each bad row listed in the GOV.UK error summary as ``row N: column: reason``. The upload is
capped by ``MAX_CONTENT_LENGTH`` and ``csv_input.MAX_BYTES`` (5 MB). The template
(``/training/import/template.xlsx`` or ``.csv``) holds the columns and one made-up row.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from pathways import policy
from pathways.errors import InvalidInput
from pathways.training.importer import (
    COLUMNS,
    REQUIRED_COLUMNS,
    TEMPLATE_ROW,
    TrainingImport,
    import_training_upload,
)

from ..auth import personal_page, require, signed_in
from ..extensions import db
from ..submit import submit
from ..training_forms import TrainingImportForm
from .shared import error_list, problem_items, template_download

blueprint = Blueprint("training_files", __name__)

#: What each column of the import holds, for the page.
COLUMN_HELP = [
    ("email", "The person's work email address at your organisation. Give this or staff_id"),
    ("staff_id", "Their staff ID, as imported from your HR system. Give this or email; with "
                 "both, they must be the same person"),
    ("subject", "The training subject's name or id, any case, as listed in required training "
                "by role (for example Safeguarding adults)"),
    ("completed_on", "The day it was completed: YYYY-MM-DD or DD/MM/YYYY, from 1950 to today"),
    ("provider", "Who delivered it (optional)"),
    ("evidence", "A certificate number or other evidence (optional)"),
]
EXAMPLE = (
    "email,staff_id,subject,completed_on,provider,evidence\n"
    "sam.poole@example.org,E101,Safeguarding adults,2026-03-14,Northshire Training,CERT-2291\n"
    ",E102,Fire safety,14/03/2026,,\n"
)


@blueprint.route("/training/import", methods=["GET", "POST"])
@personal_page
def import_page():
    """Upload training records: every bad row listed and nothing written, or back to the
    matrix with how many were added."""
    me = signed_in()
    organisation = me.organisation
    require(policy.can_manage_training(me, organisation))
    form = TrainingImportForm()

    def page(status=200, errors=()):
        return render_template(
            "training/import.html", form=form, organisation=organisation,
            columns=COLUMN_HELP, required=REQUIRED_COLUMNS, example=EXAMPLE,
            error_list=list(errors)), status

    saved = submit(form, lambda: import_training_upload(
        db.session, form.training_file.data.stream, organisation, me), fields=_no_field)
    if saved:
        flash(imported_message(saved.value))
        return redirect(url_for("training.matrix"), 303)
    if isinstance(saved.error, InvalidInput):  # every bad row is listed
        form.training_file.errors = [f"The file has {len(saved.error.problems)} problem(s): "
                                     "nothing was imported"]
        return page(400, problem_items(saved.error.problems, "#training_file"))
    return page(400, error_list(form)) if form.is_submitted() else page()


@blueprint.get("/training/import/template.<any(csv, xlsx):fmt>")
@personal_page
def import_template(fmt: str):
    """Download the training import's template: its columns and an example row."""
    me = signed_in()
    require(policy.can_manage_training(me, me.organisation))
    return template_download(fmt, COLUMNS, TEMPLATE_ROW, "training-import-template")


def imported_message(result: TrainingImport) -> str:
    """Say what an import added, for the banner on the matrix."""
    added = f"{result.added} training record{'' if result.added == 1 else 's'}"
    if not result.already_recorded:
        return f"Imported {added}."
    return (f"Imported {added}; {result.already_recorded} row"
            f"{' was' if result.already_recorded == 1 else 's were'} recorded already and "
            "left out.")


def _no_field(_where: str) -> str:
    """Place no problem on a field: the page lists the rows' problems itself."""
    return ""
