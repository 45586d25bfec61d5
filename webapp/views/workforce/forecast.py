"""The forecast page: demand and supply per role and year, the answer in words, and up to
three scenarios side by side (more apprentices, lower turnover, more recruits), with its
download. Roles with fewer than 5 people in post are left out (suppressed). An organisation's
forecast is counted live; the partnership's is made from its summary of the night
(``pathways.workforce.summary``), the base year its day's.
"""

from __future__ import annotations

from flask import abort, render_template, request
from markupsafe import Markup

from pathways import clock
from pathways.errors import InvalidInput, Problem
from pathways.models import Organisation
from pathways.suppression import SMALLEST_GROUP
from pathways.workforce.forecast import gap_in_words
from pathways.workforce.planning import (
    PartnershipForecast,
    forecast_from,
    parse_scenario,
    workforce_forecast,
)
from pathways.workforce.summary import StoredSummary, forecast_counts

from ... import charts
from ...auth import personal_page, signed_in
from ...extensions import current_graph, db
from ...workforce_forms import ForecastForm
from ..shared import choices, download, error_list
from .common import blueprint, organisation_asked, partnership_asked

#: How many years the forecast looks ahead unless asked.
DEFAULT_YEARS = 10


def _forecast(scope: list[int] | StoredSummary, area: str):
    """Read the forecast form from the query and forecast some organisations live, or a
    partnership from its stored summary; problems go in the error list."""
    G = current_graph()
    roles = choices(G, "role")
    titles = dict(roles)
    form = ForecastForm(request.args).fill(roles)
    scenarios, errors = [], []
    if form.validate():
        problems: list[Problem] = []
        scenarios = [parse_scenario(db.session, data, f"scenario {number}", problems)
                     for number, data in enumerate(form.scenarios(titles), start=1)]
        errors = [{"text": str(problem), "href": "#scenarios"} for problem in problems]
    else:
        errors = error_list(form)
    if errors:
        scenarios = []
    years = (form.years.data if not errors and form.years.data else DEFAULT_YEARS)
    if isinstance(scope, StoredSummary):
        result = forecast_from(db.session, forecast_counts(scope), area, years,
                               scope.as_of.year, scenarios)
    else:
        result = workforce_forecast(db.session, scope, area, years, clock.today(), scenarios)
    return form, result, errors


def shown_roles(result: PartnershipForecast) -> tuple[list[str], int]:
    """Return the roles the forecast shows (5 or more people in post now), and how many
    roles with people or posts are left out (fewer than 5 in post: suppressed)."""
    base = result.forecasts[0]
    roles = result.shown_roles
    shown = [role for role in roles if base.supply[role][0] >= SMALLEST_GROUP]
    return shown, len(roles) - len(shown)


def forecast_chart(result: PartnershipForecast, role: str) -> Markup:
    """Demand and each scenario's supply of one role, year by year (lines)."""
    base = result.forecasts[0]
    title = result.titles.get(role, role)
    series = [charts.Series("Demand", base.demand.get(role, [0.0] * len(base.years)))]
    series += [charts.Series("Current pipeline" if number == 0 else f"Scenario {number}",
                             forecast.supply[role])
               for number, forecast in enumerate(result.forecasts)]
    return charts.line_chart(
        "forecast-chart", f"{title}: demand and supply",
        f"Posts needed ({title}, growing with the population aged 65 and over) and the people "
        "projected in the role each year, under the current pipeline and each scenario. The "
        "table below has the same numbers.", [str(year) for year in base.years], series,
        unit="People")


def forecast_table(result: PartnershipForecast, roles: list[str]
                   ) -> tuple[list[str], list[list]]:
    """Return the forecast as one table: scenario, role, year, demand, supply, gap."""
    rows: list[list] = []
    for forecast in result.forecasts:
        for role in roles:
            demand = forecast.demand.get(role, [0.0] * len(forecast.years))
            for year, need, have in zip(forecast.years, demand, forecast.supply[role]):
                rows.append([forecast.scenario.name, result.titles.get(role, role), year,
                             round(need, 1), round(have, 1), round(need - have, 1)])
    return ["Scenario", "Role", "Year", "Demand", "Supply", "Gap"], rows


def _forecast_scope(partnership: bool
                    ) -> tuple[list[int] | StoredSummary | None, str, str, Organisation | None]:
    """The organisations forecast (or the partnership's summary: None before the first),
    their name, the population area, the one organisation."""
    if partnership:
        stored, name = partnership_asked()
        return stored, name, name, None
    organisation = organisation_asked()
    area = organisation.partnership.name if organisation.partnership else organisation.name
    return [organisation.id], organisation.name, area, organisation


def _forecast_page(partnership: bool):
    ids, scope, area, organisation = _forecast_scope(partnership)
    if ids is None:
        return render_template("workforce/not_yet.html", scope=scope, what="forecast")
    form, result, errors = _forecast(ids, area)
    roles, left_out = shown_roles(result)
    chosen = form.role.data if form.role.data in roles else (roles[0] if roles else None)
    query = {key: value for key, value in request.args.items() if value}
    return render_template(
        "workforce/forecast.html", form=form, result=result, scope=scope,
        partnership=partnership, roles=roles, left_out=left_out,
        other_organisation=organisation if organisation is not None
        and organisation.id != signed_in().organisation_id else None,
        chosen=chosen, chart=forecast_chart(result, chosen) if chosen else Markup(""),
        words=[gap_in_words(result.titles.get(role, role).lower(), result.forecasts, role)
               for role in roles],
        query=query, error_list=errors,
        as_of=ids.as_of if isinstance(ids, StoredSummary) else None), 400 if errors else 200


@blueprint.get("/forecast")
@personal_page
def forecast():
    """Forecast an organisation's supply and demand per role, with scenarios side by side."""
    return _forecast_page(partnership=False)


@blueprint.get("/partnership/forecast")
@personal_page
def partnership_forecast():
    """Forecast the partnership's supply and demand per role (partnership scope)."""
    return _forecast_page(partnership=True)


def _forecast_download(fmt: str, partnership: bool):
    ids, scope, area, organisation = _forecast_scope(partnership)
    if ids is None:
        abort(404)
    _form, result, errors = _forecast(ids, area)
    if errors:
        raise InvalidInput([Problem("", item["text"]) for item in errors],
                           "The forecast was not made")
    roles, _left_out = shown_roles(result)
    headers, rows = forecast_table(result, roles)
    me = signed_in()
    about = (("partnership", me.organisation.partnership_id) if organisation is None
             else ("organisation", organisation.id))
    return download(fmt, headers, rows, f"workforce-forecast-{clock.today().year}",
                    "Forecast", what=f"the workforce forecast of {scope}", about=about,
                    concerns=organisation or me.organisation)


@blueprint.get("/forecast.<any(csv, xlsx):fmt>")
@personal_page
def forecast_download(fmt: str):
    """Download an organisation's forecast (every scenario) as a table."""
    return _forecast_download(fmt, partnership=False)


@blueprint.get("/partnership/forecast.<any(csv, xlsx):fmt>")
@personal_page
def partnership_forecast_download(fmt: str):
    """Download the partnership's forecast (every scenario) as a table."""
    return _forecast_download(fmt, partnership=True)
