"""Career champions: finding one, requests, pairings, sessions, the caseload and reports.

Who sees what (``pathways.policy``, asked by each page and the lookups in ``common``):

- anyone signed in sees their own matches and pairings on ``/champions`` and may ask a
  champion in their reach (their organisation, or the partnership when the champion is
  open to it); a champion out of reach is "not found", so ids do not reveal names;
- the champion's own pages (profile, requests, caseload) need the ``champion`` access role
  (403 without); a request is answered only by its champion: others who may see the
  pairing are forbidden, anyone else gets "not found";
- a pairing's page follows ``can_view_pairing`` (the pair, the person's manager, L&D and
  admins; others 404). Private session notes are shown only when
  ``can_read_mentoring_notes`` allows (the pair); only the pair records sessions, marks
  actions done and ends the pairing;
- the report holds counts only, never notes or names: the L&D and administrators of an
  organisation see theirs, and so do its champions (the issue gives reports to "L&D and
  champions"; a champion sees the whole organisation's figures, not just their own, since
  a report of one champion's few mentees would come close to naming them).

Each view checks the policy first, submits the form (``webapp.submit``: validate, one
service, commit) and redirects; a refused form shows the page again (400) with the GOV.UK
error summary: the domain's problems on their fields, a refused request or answer in its
own words. What a page lists comes from ``pathways.mentoring.pages``.

The pages, a module each, share the one ``mentoring`` blueprint (``common``), so every
endpoint keeps its name: ``champions`` (finding and asking a champion; the champion's
profile, requests and caseload), ``pairing`` (one pairing: its agreement, sessions and
actions) and ``report`` (the mentoring report and its downloads).
"""

from __future__ import annotations

from . import champions, pairing, report  # noqa: F401  (each adds its pages to the blueprint)
from .common import blueprint

__all__ = ["blueprint"]
