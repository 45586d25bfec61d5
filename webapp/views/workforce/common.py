"""The workforce blueprint and what its pages share: the organisation or partnership asked
for (the policy asked first), and the board's year."""

from __future__ import annotations

from flask import Blueprint, abort, request

from pathways import clock, policy
from pathways.csv_input import whole_number
from pathways.models import Organisation
from pathways.workforce.summary import StoredSummary, read_summary

from ...auth import require, signed_in
from ...extensions import db

blueprint = Blueprint("workforce", __name__, url_prefix="/workforce")

#: The years the board's period may be a calendar year of.
EARLIEST_YEAR = 2000


def year_asked() -> int | None:
    """The calendar year asked for (``?year=``), or None for the 12 months to today."""
    year = whole_number(request.args.get("year", ""))
    today = clock.today()
    return year if year is not None and EARLIEST_YEAR <= year <= today.year else None


def organisation_asked() -> Organisation:
    """The organisation the board is about: the viewer's, or ``?organisation=`` in reach."""
    me = signed_in()
    asked = whole_number(request.args.get("organisation", ""))
    organisation = me.organisation
    if asked is not None and asked != me.organisation_id:
        found = db.session.get(Organisation, asked)
        if found is None:
            abort(404)
        organisation = found
    require(policy.can_see_workforce(me, organisation))
    return organisation


def partnership_asked() -> tuple[StoredSummary | None, str]:
    """The viewer's partnership's stored workforce summary (None before the first nightly
    run) and its name (partnership scope only)."""
    me = signed_in()
    require(policy.can_see_partnership_workforce(me))
    partnership = me.organisation.partnership
    return read_summary(db.session, partnership.id), partnership.name
