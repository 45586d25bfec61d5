"""The workforce board, the forecast, and recording a person's change of role or leaving.

The board shows an organisation's workforce figures (``pathways.workforce.report``: filled
posts, vacancies, starters, leavers, their rates, destinations, the age profile, agency use,
apprentices in training) to its L&D and administrators, and the partnership's to those with
partnership scope (``policy.can_see_workforce``, ``policy.can_see_partnership_workforce``);
every count about people is suppressed below 5, in the page and the download. Movements are
recorded through ``webapp.submit`` by the domain's ``record_role_change`` and
``record_leaver`` (``policy.can_record_movement``); leaving disables the account and keeps
the history.

The pages, a module each, share the one ``workforce`` blueprint (``common``): ``board``
(the board and its download), ``forecast`` (the forecast and scenarios, and its download)
and ``movements`` (a change of role, a leaver).
"""

from __future__ import annotations

from . import board, forecast, movements  # noqa: F401  (each adds its pages to the blueprint)
from .common import blueprint

__all__ = ["blueprint"]
