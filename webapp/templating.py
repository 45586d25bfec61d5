"""Jinja set-up: the GOV.UK Frontend macros beside our templates; filters in the domain's words."""

from __future__ import annotations

from datetime import date
from types import CodeType

from flask import Flask, current_app, has_request_context, request, url_for
from jinja2 import BytecodeCache, ChoiceLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket
from markupsafe import Markup

from pathways.apprenticeships.progress import Rag
from pathways.apprenticeships.rules import ApprenticeshipStatus
from pathways.dates import format_day, format_month
from pathways.explain import format_gbp, format_months
from pathways.mentoring.pages import ReviewState
from pathways.models import (
    BookingState,
    OtjState,
    PairingStatus,
    PostState,
    SessionState,
    ShadowingState,
    StoryStatus,
)
from pathways.passport.verification import Verdict
from pathways.training.status import TrainingStatus
from pathways.vocabulary import CWP_CATEGORIES, FAMILIES, FUNDERS, TRANSITION_KINDS
from webapp.jinja_imports import QuickImportTemplate

from . import widgets

#: The statuses pages show as tags (``status_tag`` in macros.html), by their class names.
STATUS_KINDS = {kind.__name__: kind for kind in (ApprenticeshipStatus, OtjState, PostState, Rag,
                                             PairingStatus, ReviewState, ShadowingState,
                                             StoryStatus, TrainingStatus, BookingState,
                                             SessionState, Verdict)}


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the whole process, shared by every app in it.

    Each app has its own Jinja environment, which parses and compiles every template again
    (50-300 ms for a page with the GOV.UK macros). One app per process never notices; a process
    that makes many apps (the test suite makes one per test) would spend most of its time
    compiling. Buckets are keyed by template name and a checksum of the source, so an edited
    template is compiled afresh. The code objects themselves are kept (they are immutable and
    each environment runs them in a namespace of its own), so a new app does not unmarshal them.
    """

    def __init__(self) -> None:
        self._compiled: dict[str, CodeType] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.code = self._compiled[bucket.key]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._compiled[bucket.key] = bucket.code


BYTECODE_CACHE = ProcessBytecodeCache()


#: Addresses of places' pages kept per app (``node_url``); more places than this are not kept.
NODE_URLS_KEPT = 10_000


def node_url(node_id: str, kind: str) -> str:
    """``{{ node_url(id, kind) }}``: the address of a role's or qualification's page.

    What ``url_for`` gives, worked out once per place (and script root) and kept: a route
    page links every step's place, and ``url_for`` builds each address afresh.
    """
    kept: dict = current_app.extensions["node_urls"]
    key = (request.script_root if has_request_context() else None, kind, node_id)
    url = kept.get(key)
    if url is None:
        url = url_for("explore.role" if kind == "role" else "explore.qualification",
                      node_id=node_id)
        if len(kept) < NODE_URLS_KEPT:
            kept[key] = url
    return url


#: Menus kept per app (``menu_markup``); more than this are not kept.
MENUS_KEPT = 2_000


def menu_markup(menu: frozenset[str]) -> Markup:
    """``{{ menu_markup(menu) }}``: the menu under every page's header, for this page.

    ``menu.html`` reads only the page's endpoint and the areas the person may use (``menu``,
    from ``policy.menu_for``), and its links depend besides only on the script root, so it
    is rendered once per those and kept (per app, like ``node_url``): every page rendered
    the GOV.UK service navigation and built its 17 addresses afresh, about a tenth of a
    signed-in page's time. Nothing personal is kept: two people with the same areas see the
    same menu.
    """
    kept: dict = current_app.extensions["menus"]
    key = (request.script_root, request.endpoint, menu)
    html = kept.get(key)
    if html is None:
        template = current_app.jinja_env.get_template("menu.html")
        # Markup: the GOV.UK macro escapes what it is given, as within base.html.
        html = Markup(template.render(endpoint=request.endpoint, menu=menu))  # nosec B704
        if len(kept) < MENUS_KEPT:
            kept[key] = html
    return html


def day(value: date | None, empty: str = "", with_time: bool = False) -> str:
    """``{{ value | day }}``: "1 September 2025"; ``empty`` when there is no date."""
    return format_day(value, with_time) if value else empty


def month(value: date | None, short: bool = False) -> str:
    """``{{ value | month }}``: "September 2025" (``month(short=true)``: "Sep 2025")."""
    return format_month(value, short) if value else ""


def init_app(app: Flask) -> None:
    """Let templates find ``govuk_frontend_jinja`` and use the project's filters."""
    app.jinja_env.bytecode_cache = BYTECODE_CACHE
    app.jinja_env.template_class = QuickImportTemplate
    widgets.init_app(app)
    app.extensions["node_urls"] = {}
    app.extensions["menus"] = {}
    app.jinja_loader = ChoiceLoader([
        PackageLoader("webapp"),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.filters.update(
        gbp=format_gbp,
        months=format_months,
        family=lambda value: FAMILIES.get(value or "", "Other"),
        cwp=lambda value: CWP_CATEGORIES.get(value or "", ""),
        funder=lambda value: FUNDERS.get(value or "none", value),
        move=lambda value: TRANSITION_KINDS.get(value, value),
        day=day,
        month=month,
    )
    app.jinja_env.globals.update(FAMILIES=FAMILIES, node_url=node_url, menu_markup=menu_markup,
                                 checkbox_markup=widgets.checkbox_list,
                                 place_titles_markup=widgets.place_titles, **STATUS_KINDS)
