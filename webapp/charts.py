"""Small charts drawn on the server as inline SVG: a line chart and a grouped bar chart.

No scripts and no ``style`` attributes (the Content-Security-Policy allows neither): colours
and sizes are SVG presentation attributes. Each chart is an image with a title and a
description (``role="img"``, ``aria-labelledby``); pages show the same numbers in a table
beside it, so nothing is only in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from pathways.dates import format_month

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 48, 44
#: Room between the axis ends and the first and last points, for their labels.
PAD = 28
#: At most this many labels along the bottom; others are left out (the table has them all).
MAX_X_LABELS = 7
TEXT_COLOUR = "#0b0c0c"
#: The page's system font stack (SVG text does not inherit it from the page's classes).
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
GRID_COLOUR = "#b1b4b6"
#: GOV.UK blue and black, then green, red and purple (lines); GOV.UK blue and green (bars).
LINE_COLOURS = ("#1d70b8", "#0b0c0c", "#00703c", "#d4351c", "#4c2c92")
#: Every other line is dashed, so lines differ by more than colour.
LINE_DASHES = (None, "8 5", None, "8 5", None)
BAR_COLOURS = ("#1d70b8", "#00703c")


@dataclass(frozen=True)
class Series:
    """One line or set of bars: a label for the legend and a value per month."""

    label: str
    values: Sequence[float]


def month_label(month: date) -> str:
    """Return a month as "Sep 2025" (``pathways.dates.format_month``, short)."""
    return format_month(month, short=True)


def nice_scale(highest: float, ticks: int = 5, whole: bool = False) -> tuple[float, float]:
    """Return the top of the axis and the step between gridlines: 1, 2 or 5 times 10^n.

    ``whole`` keeps the step a whole number (for counts of people).
    """
    if highest <= 0 or not math.isfinite(highest):
        return 1.0, 1.0
    rough = max(highest / ticks, 1) if whole else highest / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return step * math.ceil(highest / step), step


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _at(value: float) -> str:
    """A coordinate, to a tenth of a unit."""
    return f"{value:.1f}"


def tag(name: str, content: str | Markup = "", **attributes) -> Markup:
    """One SVG element: text content and attribute values are escaped, Markup kept.

    Attribute names are given in Python form: ``stroke_width`` is ``stroke-width``,
    ``class_`` is ``class``; a value of None leaves the attribute out.
    """
    attrs = Markup("").join(
        Markup(' {}="{}"').format(key.rstrip("_").replace("_", "-"), value)
        for key, value in attributes.items() if value is not None)
    if content == "":
        return Markup("<{}{}/>").format(name, attrs)
    return Markup("<{0}{1}>{2}</{0}>").format(name, attrs, content)


def _frame(chart_id: str, title: str, description: str, body: list[Markup]) -> Markup:
    return tag(
        "svg", Markup("").join([tag("title", title, id=f"{chart_id}-title"),
                                tag("desc", description, id=f"{chart_id}-desc"), *body]),
        xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {WIDTH} {HEIGHT}", width="100%",
        preserveAspectRatio="xMinYMin meet", role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc", class_="app-chart", id=chart_id,
        font_size="13", font_family=FONT, fill=TEXT_COLOUR)


def _axes(top: float, step: float, labels: Sequence[str], xs: Sequence[float],
          unit: str) -> list[Markup]:
    """Gridlines with their values on the left, and thinned labels along the bottom."""
    plot_bottom, plot_height = HEIGHT - BOTTOM, HEIGHT - TOP - BOTTOM
    parts = []
    for index in range(round(top / step) + 1):
        value = index * step
        y = plot_bottom - plot_height * value / top
        parts += [tag("line", x1=LEFT, y1=_at(y), x2=WIDTH - RIGHT, y2=_at(y),
                      stroke=GRID_COLOUR, stroke_width=1),
                  tag("text", _number(value), x=LEFT - 6, y=_at(y + 4), text_anchor="end")]
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    parts += [tag("text", label, x=_at(x), y=plot_bottom + 18, text_anchor="middle")
              for index, (label, x) in enumerate(zip(labels, xs)) if index % every == 0]
    if unit:
        parts.append(tag("text", unit, x=4, y=TOP - 8))
    parts.append(tag("line", x1=LEFT, y1=plot_bottom, x2=WIDTH - RIGHT, y2=plot_bottom,
                     stroke=TEXT_COLOUR, stroke_width=1))
    return parts


def _legend(series: Sequence[Series], colours: Sequence[str], dashes: Sequence[str | None]
            ) -> list[Markup]:
    parts, x, y = [], LEFT, 12
    for item, colour, dash in zip(series, colours, dashes):
        room = 40 + 8 * len(item.label)
        if x > LEFT and x + room > WIDTH:  # a second row when the first is full
            x, y = LEFT, y + 18
        parts += [tag("line", x1=x, y1=y, x2=x + 24, y2=y, stroke=colour, stroke_width=4,
                      stroke_dasharray=dash),
                  tag("text", item.label, x=x + 30, y=y + 4)]
        x += room
    return parts


def line_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
               series: Sequence[Series], unit: str = "") -> Markup:
    """Draw up to five lines over the same labels (every other one dashed), with a legend.

    Returns empty markup when there are no labels: the page says there is nothing yet.
    """
    if not labels:
        return Markup("")
    highest = max((value for item in series for value in item.values), default=0)
    top, step = nice_scale(highest)
    width = WIDTH - LEFT - RIGHT - 2 * PAD
    xs = ([LEFT + PAD + width / 2] if len(labels) == 1
          else [LEFT + PAD + width * i / (len(labels) - 1) for i in range(len(labels))])
    plot_bottom, plot_height = HEIGHT - BOTTOM, HEIGHT - TOP - BOTTOM
    dashes = LINE_DASHES
    body = _axes(top, step, labels, xs, unit)
    for item, colour, dash in zip(series, LINE_COLOURS, dashes):
        ys = [plot_bottom - plot_height * value / top for value in item.values]
        body.append(tag("polyline", points=" ".join(f"{_at(x)},{_at(y)}" for x, y in zip(xs, ys)),
                        fill="none", stroke=colour, stroke_width=3, stroke_dasharray=dash))
        if len(labels) <= 24:
            body += [tag("circle", cx=_at(x), cy=_at(y), r=3, fill=colour)
                     for x, y in zip(xs, ys)]
    body += _legend(series, LINE_COLOURS, dashes)
    return _frame(chart_id, title, description, body)


def bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
              series: Sequence[Series], unit: str = "", whole: bool = True) -> Markup:
    """Draw bars side by side for each label, one colour a series, with a legend.

    ``whole`` (the default, for counts) keeps gridlines on whole numbers. Returns empty
    markup when there are no labels.
    """
    if not labels:
        return Markup("")
    highest = max((value for item in series for value in item.values), default=0)
    top, step = nice_scale(highest, whole=whole)
    group = (WIDTH - LEFT - RIGHT) / len(labels)
    bar = group * 0.8 / max(1, len(series))
    xs = [LEFT + group * (i + 0.5) for i in range(len(labels))]
    plot_bottom, plot_height = HEIGHT - BOTTOM, HEIGHT - TOP - BOTTOM
    body = _axes(top, step, labels, xs, unit)
    for number, (item, colour) in enumerate(zip(series, BAR_COLOURS)):
        for x, value in zip(xs, item.values):
            height = plot_height * value / top
            body.append(tag("rect", x=_at(x - group * 0.4 + bar * number),
                            y=_at(plot_bottom - height), width=_at(bar), height=_at(height),
                            fill=colour))
    body += _legend(series, BAR_COLOURS, (None, None))
    return _frame(chart_id, title, description, body)
