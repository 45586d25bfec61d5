"""The partnership's training summary: each organisation's compliance per subject.

For L&D and administrators with partnership scope (``policy.can_see_partnership_training``).
The page reads the summary worked out nightly (``pathways training-summary``, see
``pathways.training.summary``): the partnership's totals per subject as a chart and a table,
then the organisations by name, 25 a page by keyset, each subject's share compliant with
small groups suppressed. It says which day the figures are for.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from pathways import policy
from pathways.training.summary import SummaryPage, summary_page

from .. import charts
from ..auth import personal_page, require, signed_in
from ..extensions import db
from .shared import keyset_asked, keyset_pagination

blueprint = Blueprint("training_summary", __name__)


@blueprint.get("/training/partnership")
@personal_page
def summary():
    """Show the partnership's training summary as last worked out, a page of organisations
    at a time."""
    me = signed_in()
    require(policy.can_see_partnership_training(me))
    organisation = me.organisation
    found = summary_page(db.session, organisation.partnership_id, **keyset_asked())
    return render_template("training/partnership.html", found=found,
                           partnership=organisation.partnership, chart=_chart(found),
                           pagination=keyset_pagination(found.organisations,
                                                        "training_summary.summary"))


def _chart(found: SummaryPage) -> Markup:
    """A bar chart of the partnership's compliant share per subject (subjects whose counts
    are suppressed are left out; the table below gives every subject)."""
    shown = [total for total in found.totals if total.cell.percent is not None]
    return charts.bar_chart(
        "partnership-compliance", "Compliant, per cent, by subject, across the partnership",
        "The share of required training that is up to date or expiring soon across every "
        "organisation of the partnership, by subject; the table below gives the numbers.",
        [total.subject.title for total in shown],
        [charts.Series("Compliant (%)", [total.cell.percent or 0 for total in shown])],
        unit="%", whole=False)
