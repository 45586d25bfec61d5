"""Jinja set-up: the GOV.UK Frontend macros beside our templates; filters in the domain's words."""

from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from pathways.explain import format_gbp, format_months
from pathways.vocabulary import CWP_CATEGORIES, FAMILIES, FUNDERS, TRANSITION_KINDS


def init_app(app: Flask) -> None:
    """Let templates find ``govuk_frontend_jinja`` and use the project's filters."""
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
    )
    app.jinja_env.globals.update(FAMILIES=FAMILIES)
