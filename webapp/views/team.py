"""A manager's team page: the people they manage and what needs them.

Each person's current role, target and chosen route; their My Conversation's review, due
or overdue; their shadowing requests waiting for the manager's decision (decided on the
approvals page); their apprenticeships' RAG, with off-the-job hours waiting for L&D to
approve (managers log hours but do not approve them: ``policy.can_log_otj``). Managers
only (``policy.can_see_team``); who is on it is ``policy.team_filter``, the list form of
``policy.manages``. The page is read in one call (``pathways.mentoring.pages.team_page``),
a page of people at a time (by keyset: ``pathways.paging``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from pathways import clock
from pathways.apprenticeships.progress import Thresholds
from pathways.mentoring import pages
from pathways.policy import can_see_team

from ..auth import personal_page, require, signed_in
from ..extensions import current_graph, db
from .shared import keyset_asked, keyset_pagination

blueprint = Blueprint("team", __name__)


@blueprint.get("/team")
@personal_page
def team():
    """Show the signed-in manager's team, a page at a time, by name."""
    me = signed_in()
    require(can_see_team(me))
    today = clock.today()
    found = pages.team_page(db.session, me, today, **keyset_asked(),
                            thresholds=Thresholds.from_mapping(current_app.config))
    return render_template("team.html", G=current_graph(), me=me, found=found, today=today,
                           pagination=keyset_pagination(found, "team.team"))
