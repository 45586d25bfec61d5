"""Apprenticeship imports (upload) and exports (CSV and XLSX downloads).

Who may do what is decided by ``apprenticeship_access``: the import and the posts list are
for the L&D and administrators of the signed-in person's own organisation, a cohort's list
for those who run its cohorts, and an apprenticeship's off-the-job log for whoever may see
the apprenticeship. Outside their reach people get 404, within it but without the role 403.
Downloads are tables from ``pathways.apprenticeships.tables`` written by
``pathways.exports``, which neutralises text a spreadsheet would run as a formula.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.routing import BuildError

from pathways import clock
from pathways.apprenticeships.importer import (
    COLUMNS,
    REQUIRED_COLUMNS,
    TEMPLATE_ROW,
    ApprenticeshipImportResult,
    import_apprenticeships_upload,
)
from pathways.apprenticeships.progress import Thresholds, cohort_summary
from pathways.apprenticeships.rules import STATUSES
from pathways.apprenticeships.tables import cohort_table, otj_table, posts_table
from pathways.errors import InvalidInput, Problem
from pathways.exports import FORMATS

from ..auth import personal_page, signed_in
from ..cohort_files_forms import ApprenticeshipImportForm
from ..extensions import current_graph, db
from ..form_fields import EARLIEST_DAY, LATEST_DAY
from ..submit import submit
from .apprenticeship_access import ID, apprenticeship_or_404, cohort_or_404, managed_organisation
from .shared import download, error_list, problem_items, template_download

blueprint = Blueprint("cohort_files", __name__)
#: The download formats in a URL; any other is 404.
FORMAT = f"<any({', '.join(FORMATS)}):fmt>"
#: What each column of the import holds, for the page.
COLUMN_HELP = [
    ("email", "The apprentice's work email address. They must already have an account: "
              "import them with Import staff first"),
    ("cohort", "The cohort's name. A new name creates the cohort, from the earliest start to "
               "the latest planned end of its rows"),
    ("standard_code", "The apprenticeship standard, for example ST0510. A new cohort goes on "
                      "your programme for this standard, so set the programme up first"),
    ("start_date", "When the apprenticeship started: YYYY-MM-DD or DD/MM/YYYY"),
    ("planned_end_date", "When it is planned to end, after the start"),
    ("weekly_hours", "Contracted hours a week, more than 0 and at most 60"),
    ("otj_hours_logged", "Off-the-job hours already logged elsewhere (empty for none). They "
                         "are recorded as approved, dated today or the planned end"),
    ("last_review_date", "The last progress review, if any (not in the future). The next is "
                         "due 84 days later"),
    ("status", "One of: " + ", ".join(STATUSES.values()) + ". Empty means active"),
    ("guaranteed_post", "The reference of a vacant post to reserve for the apprentice, or "
                        "empty. Each post once"),
]
EXAMPLE = (
    "email,cohort,standard_code,start_date,planned_end_date,weekly_hours,otj_hours_logged,"
    "last_review_date,status,guaranteed_post\n"
    "ann.lee@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5,120,2026-10-01,active,"
    "SW-101\n"
    "bob.hale@example.org,SWDA 2025,ST0510,01/09/2025,31/08/2028,22.5,,,,\n"
)


@blueprint.route("/cohorts/import", methods=["GET", "POST"])
@personal_page
def import_page():
    """Upload apprentices: every bad row listed and nothing written, or back to the cohorts."""
    organisation = managed_organisation()
    form = ApprenticeshipImportForm()

    def page(status=200, errors=()):
        return render_template(
            "cohorts/import.html", form=form, organisation=organisation, columns=COLUMN_HELP,
            required=REQUIRED_COLUMNS, example=EXAMPLE, cohorts_url=_cohorts_url(),
            error_list=list(errors)), status

    saved = submit(form, lambda: import_apprenticeships_upload(
        db.session, form.apprenticeships_file.data.stream, organisation, signed_in(),
        G=current_graph()))
    if saved:
        flash(imported_message(saved.value))
        return redirect(_cohorts_url())
    if isinstance(saved.error, InvalidInput):  # every bad row is listed
        form.apprenticeships_file.errors = [f"The file has {len(saved.error.problems)} "
                                            "problem(s): nothing was imported"]
        return page(400, problem_items(saved.error.problems, "#apprenticeships_file"))
    if saved.clashed:  # someone enrolled one of these people at the same moment
        form.apprenticeships_file.errors = ["Someone else changed these cohorts while the file "
                                            "was imported: nothing was imported. Upload it "
                                            "again."]
        return page(409, [{"text": form.apprenticeships_file.errors[0],
                           "href": "#apprenticeships_file"}])
    return page(400, error_list(form)) if form.is_submitted() else page()


@blueprint.get("/cohorts/import/template.<any(csv, xlsx):fmt>")
@personal_page
def import_template(fmt: str):
    """Download the apprenticeship import's template: columns and an example row."""
    managed_organisation()
    return template_download(fmt, COLUMNS, TEMPLATE_ROW, "apprenticeships-import-template")


def imported_message(result: ApprenticeshipImportResult) -> str:
    """Say what an import created, for the banner on the cohorts page."""
    def count(number: int, one: str, many: str) -> str:
        return f"{number} {one if number == 1 else many}"

    return (f"Imported {count(result.apprenticeships, 'apprenticeship', 'apprenticeships')} "
            f"({count(result.cohorts, 'new cohort', 'new cohorts')}, "
            f"{count(result.posts_reserved, 'post', 'posts')} reserved).")


def _cohorts_url() -> str:
    """The cohorts page's address (its blueprint may not be registered in every build)."""
    try:
        return url_for("cohorts.index")
    except BuildError:
        return "/cohorts"


@blueprint.get(f"/cohorts/<{ID}:cohort_id>/apprentices.{FORMAT}")
@personal_page
def apprentices(cohort_id: int, fmt: str):
    """Download a cohort's apprentices as on its page, on ``as_of`` (YYYY-MM-DD; default today)."""
    cohort = cohort_or_404(cohort_id)
    summary = cohort_summary(db.session, cohort, _as_of(),
                             Thresholds.from_mapping(current_app.config))
    headers, rows = cohort_table(summary)
    return download(fmt, headers, rows, f"{slug(cohort.name)}-apprentices-{summary.as_of}",
                    cohort.name, what=f"the apprentices of {cohort.name}",
                    about=("cohort", cohort.id), concerns=cohort.organisation)


@blueprint.get(f"/cohorts/posts.{FORMAT}")
@personal_page
def posts(fmt: str):
    """Download the organisation's posts, with who holds each."""
    organisation = managed_organisation()
    headers, rows = posts_table(db.session, organisation)
    return download(fmt, headers, rows, f"{slug(organisation.name)}-posts-{clock.today()}",
                    "Posts", what="the posts", about=("organisation", organisation.id),
                    concerns=organisation)


@blueprint.get(f"/apprenticeships/<{ID}:apprenticeship_id>/otj.{FORMAT}")
@personal_page
def otj_log(apprenticeship_id: int, fmt: str):
    """Download an apprenticeship's off-the-job log."""
    apprenticeship = apprenticeship_or_404(apprenticeship_id)
    headers, rows = otj_table(apprenticeship)
    name = f"{slug(apprenticeship.person.name)}-{slug(apprenticeship.cohort.name)}-otj-log"
    return download(fmt, headers, rows, name, "Off-the-job log", what="the off-the-job log",
                    about=("apprenticeship", apprenticeship.id),
                    concerns=apprenticeship.cohort.organisation)


def _as_of() -> date | None:
    """Read the ``as_of`` query parameter (YYYY-MM-DD, from 2000 to 2099); None for today.

    Raises
    ------
    InvalidInput
        When it is not a date (shown as a 400 page).
    """
    text = request.args.get("as_of", "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:  # summaries go month by month
        raise InvalidInput([Problem("as_of", f"{text[:40]!r} is not a date: use YYYY-MM-DD, "
                                             f"from {EARLIEST_DAY.year} to {LATEST_DAY.year}")],
                           "The download was not made")
    return day


def slug(text: str) -> str:
    """Return text fit for a file name: ASCII letters and digits joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-") or "export"
