"""The mentoring blueprint and what its pages share: the champion, a pairing, dates in words."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort

from pathways.dates import format_day
from pathways.mentoring import pages
from pathways.models import ChampionPairing, Person
from pathways.policy import can_act_as_champion, can_view_pairing, can_write_mentoring

from ...auth import require, signed_in
from ...extensions import db
from ..apprenticeship_access import ID

blueprint = Blueprint("mentoring", __name__)
PAIRING = f"/pairings/<{ID}:pairing_id>"
@blueprint.app_template_global()
def champion_pairings_of(person: Person) -> list[ChampionPairing]:
    """Return the person's champion pairings, newest first (for a profile's section).

    Only the pairings' existence and agreement: each links to its page, which decides who
    may read the notes.
    """
    return pages.pairings_with_names(db.session, person)


def champion_me() -> Person:
    """Return the signed-in person if they hold the champion access role (else 403)."""
    me = signed_in()
    require(can_act_as_champion(me))
    return me


def pairing_or_404(pairing_id: int, write: bool = False) -> ChampionPairing:
    """Return a pairing the signed-in person may see (or, with ``write``, change)."""
    pairing = db.session.get(ChampionPairing, pairing_id)
    if pairing is None:
        abort(404)
    me = signed_in()
    require(can_view_pairing(db.session, me, pairing))
    if write:
        require(can_write_mentoring(db.session, me, pairing))
    return pairing


def day(value: date | None) -> str:
    """Return a date in words, e.g. "3 March 2026"."""
    return format_day(value) if value else "no set date"
