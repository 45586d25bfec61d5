"""Loading cohorts, apprenticeships and posts for a request, as the policy allows.

Every apprenticeship page and download goes through these: a record outside the signed-in
person's reach is 404, a record they may see but not change is 403 (``auth.require``).
"""

from __future__ import annotations

from flask import abort

from pathways.models import Apprenticeship, Cohort, Organisation, Post
from pathways.policy import (
    can_manage_apprenticeship,
    can_manage_apprenticeships,
    can_view_apprenticeship,
)

from ..auth import require, signed_in
from ..extensions import db

#: An id in a URL: the app's ``int`` converter (``webapp.input_rules.IdConverter``) answers
#: 404 for ids past the databases' integers.
ID = "int"


def managed_organisation() -> Organisation:
    """Return the signed-in person's organisation if they run its apprenticeships (else 403)."""
    me = signed_in()
    require(can_manage_apprenticeships(me, me.organisation))
    return me.organisation


def cohort_or_404(cohort_id: int) -> Cohort:
    """Return a cohort the signed-in person manages: 404 outside their reach, 403 within."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require(can_manage_apprenticeships(signed_in(), cohort.organisation))
    return cohort


def apprenticeship_or_404(apprenticeship_id: int, manage: bool = False) -> Apprenticeship:
    """Return an apprenticeship the signed-in person may see (or manage, when ``manage``)."""
    apprenticeship = db.session.get(Apprenticeship, apprenticeship_id)
    if apprenticeship is None:
        abort(404)
    me = signed_in()
    require(can_view_apprenticeship(db.session, me, apprenticeship))
    if manage:
        require(can_manage_apprenticeship(me, apprenticeship))
    return apprenticeship


def post_or_404(post_id: int) -> Post:
    """Return a post of an organisation the signed-in person manages."""
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    require(can_manage_apprenticeships(signed_in(), post.organisation))
    return post
