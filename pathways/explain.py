"""Plain-English explanations of steps and routes, shared by the CLI, pages and API."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import networkx as nx

#: Who pays, as the end of a sentence.
PAID_BY = {
    "none": "with nothing to pay",
    "apprenticeship": ("paid by your employer through apprenticeship funding "
                       "(its levy, a levy transfer, or co-investment)"),
    "levy": "paid by the apprenticeship levy",
    "employer": "paid by your employer",
    "bursary": "covered by a bursary",
    "self_funded": "which you pay yourself",
}

if TYPE_CHECKING:
    from .routes import Step


def format_gbp(amount: float) -> str:
    """Format pounds for people: ``£1,250`` or ``£12.50``."""
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def format_months(months: float) -> str:
    """Format a number of months for people, the one way every page, the CLI and messages do.

    Whole years and the months left over: ``11 months``, ``1 year``, ``2 years 3 months``,
    never ``83 months`` beside ``7 years``. People plan in whole months, so a fraction is
    rounded to the nearest month (a half up); a time above zero that rounds to none is
    ``under a month``, and zero is ``no time``. The JSON API keeps its numbers as they are.

    Parameters
    ----------
    months : float

    Returns
    -------
    str

    Examples
    --------
    >>> [format_months(m) for m in (0, 0.3, 1, 11, 12, 18, 24)]
    ['no time', 'under a month', '1 month', '11 months', '1 year', '1 year 6 months', '2 years']
    >>> [format_months(m) for m in (27, 83, 84, 12.5)]
    ['2 years 3 months', '6 years 11 months', '7 years', '1 year 1 month']
    """
    if not months or months <= 0:
        return "no time"
    if not math.isfinite(months):
        return "not known"
    whole = math.floor(months + 0.5)
    if whole == 0:
        return "under a month"
    years, rest = divmod(whole, 12)
    parts = [f"{count} {unit}" + ("" if count == 1 else "s")
             for count, unit in ((years, "year"), (rest, "month")) if count]
    return " ".join(parts)


def title(G: nx.DiGraph, node_id: str) -> str:
    """Return the title of a node, with the standard code for apprenticeships."""
    node = G.nodes[node_id]
    code = node.get("standard_code")
    return f"{node['title']} ({code})" if code else node["title"]


def describe_step(G: nx.DiGraph, step: Step) -> str:
    """Say what one step takes: what it is, time, experience first, cost and who pays."""
    if step.kind == "held":
        return f"You already hold {title(G, step.target)}."
    target, source = title(G, step.target), title(G, step.source)
    lead = {
        "study": f"Study {target}",
        "qualifies": f"With {source}, apply to become {target}",
        "promotion": f"Promotion to {target}",
        "sideways": f"Move sideways to {target}",
        "change_of_employer": f"Move to another employer as {target}",
    }.get(step.kind, f"Move to {target}")
    parts = [f"{lead}: {format_months(step.months)}"]
    if step.min_experience_months:
        parts.append(f"after at least {format_months(step.min_experience_months)} as {source}")
    sentence = " ".join(parts) + "."
    if step.cost_gbp:
        sentence += f" Costs {format_gbp(step.cost_gbp)}, {PAID_BY[step.funding]}."
    elif step.funding not in ("none", None):
        sentence += f" {PAID_BY[step.funding].capitalize()}."
    else:
        sentence += " No cost to you."
    if step.kind == "study":
        sentence += (" You earn while you learn." if step.earn_while_learning
                     else " You do not earn while you learn.")
    for requirement in step.requires:
        how = "you hold it" if requirement.met_by == "held" else f"from {requirement.met_by}"
        sentence += f" Needs {requirement.title} ({how})."
    return sentence


def why_this_order(G: nx.DiGraph, steps: tuple[Step, ...]) -> list[str]:
    """Give the reasons the steps come in this order: what each step needs from earlier ones."""
    reasons: list[str] = []
    for step in steps:
        for requirement in step.requires:
            if requirement.met_by == "held":
                reasons.append(f"Step {step.number} needs {requirement.title}, "
                               "which you already hold.")
            else:
                reasons.append(f"Step {step.number} needs {requirement.title}, "
                               f"gained at {requirement.met_by}.")
        if step.min_experience_months:
            reasons.append(f"Step {step.number} needs "
                           f"{format_months(step.min_experience_months)} of experience as "
                           f"{G.nodes[step.source]['title']} first.")
        if step.kind == "qualifies":
            reasons.append(f"Step {step.number}: {G.nodes[step.target]['title']} needs "
                           f"{G.nodes[step.source]['title']}.")
    return reasons
