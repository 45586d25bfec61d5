"""GOV.UK form fields rendered cheaply: the same markup as the GOV.UK macros, for less.

A form page spent most of its time in ``govuk_frontend_wtf``'s widgets, each rendering its
GOV.UK macro through Flask's ``render_template`` (every context processor again), and in
long lists of checkboxes written out by a Jinja loop. Here widgets render their template
directly and are kept once rendered (``render_widget``, installed by ``init_app``), and the
long lists are written in Python (``checkbox_list``, ``place_titles``), byte for byte what
the macros wrote (``tests/web/test_form_widgets.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from functools import lru_cache

from flask import Flask, current_app
from flask_login import current_user
from govuk_frontend_wtf.gov_form_base import GovFormBase
from jinja2 import Template
from markupsafe import Markup, escape
from wtforms import Field

#: The GOV.UK text input, whose macro shows its value once, as ``value="..."``, escaped.
TEXT_INPUT = "govuk_frontend_wtf/input.html"
#: What a kept text input holds in place of a typed value (escaping leaves it as it is).
HOLE = "\x00value\x00"


def render_widget(widget: GovFormBase, params: dict) -> Markup:
    """Render a GOV.UK form widget's template with ``params`` alone, kept once rendered.

    ``govuk_frontend_wtf`` renders each field with Flask's ``render_template``, which runs every
    context processor again (the menu, the unread count...) for templates that use none of
    them: the markup is a function of the template and ``params`` only. So it is rendered
    from the template directly and, on public pages, kept per process under both
    (``WidgetCache``): a page's fields mostly look the same from one request to the next (the
    route planner's options), and a GOV.UK macro costs a few hundred microseconds. What
    someone typed (a field's value, a date's boxes) and fields on signed-in pages are never
    kept: a text input is kept with a hole where its value goes (``HOLE``), filled in,
    escaped as the macro escapes it, each time it is used. The markup is the same byte for
    byte (``tests/web/test_form_widgets.py`` renders every field of every form both ways).
    """
    template = current_app.jinja_env.get_template(widget.template)
    value = params.get("value")
    holed = widget.template == TEXT_INPUT and isinstance(value, str) and bool(value)
    if holed:
        params = {**params, "value": HOLE}
    key = _widget_key(template, widget, params)
    cache: WidgetCache = current_app.extensions["widget_cache"]
    html = cache.get(key) if key is not None else None
    if html is None:
        # Markup: the GOV.UK macros escape what they are given, as under render_template.
        html = Markup(template.render(params=params))  # nosec B704
        if holed and html.count(HOLE) != 1:  # not only in value="...": render it as it is
            return Markup(template.render(params={**params, "value": value}))  # nosec B704
        if key is not None:
            cache.put(key, html)
    if holed:
        # Markup: the value is escaped as the macro escapes it (markupsafe's escape).
        return Markup(str(html).replace(HOLE, str(escape(value))))  # nosec B704
    return html


def _widget_key(template: Template, widget: GovFormBase, params: dict) -> tuple | None:
    """Return the key a widget is kept under, or None when it is not to be kept."""
    if (params.get("value") not in (None, "", HOLE) or widget.template.endswith("/date.html")
            or current_user.is_authenticated):
        return None
    try:
        return template, frozen(params)
    except TypeError:  # something other than plain data
        return None


def frozen(value: object) -> Hashable:
    """Return ``value`` (dicts, lists, text, numbers) as nested tuples that keep its types and
    its order, or raise TypeError: ``"1"`` and ``1``, ``True`` and ``1``, text and
    ``Markup`` render differently, so each is tagged with its type.

    >>> frozen({"a": [1, True], "b": Markup("<b>")}) == frozen({"a": [1, 1], "b": "<b>"})
    False
    """
    if isinstance(value, dict):
        return dict, tuple((key, frozen(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return type(value), tuple(frozen(item) for item in value)
    if value is None or isinstance(value, str | int | float):
        return type(value), value
    raise TypeError(f"not plain data: {type(value).__name__}")


class WidgetCache:
    """Rendered form widgets by (template, frozen params), least recently used dropped first.

    Parameters
    ----------
    maxsize : int
        How many to keep; 0 turns the cache off.
    """

    def __init__(self, maxsize: int = 1024):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Markup | None:
        """Return a kept widget's markup, or None."""
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: tuple, html: Markup) -> None:
        """Keep a widget's markup, dropping the least recently used beyond ``maxsize``."""
        if not self.maxsize:
            return
        with self._lock:
            self._entries[key] = html
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)


def checkbox_list(field: Field, legend: str, small: bool = True) -> Markup:
    """Return GOV.UK checkboxes for a long ``SelectMultipleField`` (``macros.checkbox_list``).

    The govukCheckboxes macro costs about 0.3 ms a box and a Jinja loop writing the same
    markup about 25 microseconds; this writes it in Python (the route planner's list of
    qualifications was a fifth of its page).
    """
    field_id = escape(field.id)
    errors = field.errors
    chosen = field.data or []
    parts = ['\n<div class="govuk-form-group', " govuk-form-group--error" if errors else "",
             '">\n  <fieldset class="govuk-fieldset"',
             f' aria-describedby="{field_id}-error"' if errors else "",
             '>\n    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">',
             escape(legend), "</legend>\n    "]
    if errors:
        parts += [f'<p id="{field_id}-error" class="govuk-error-message"><span '
                  'class="govuk-visually-hidden">Error:</span> ', Markup(" ").join(errors), "</p>"]
    parts += ['\n    <div class="govuk-checkboxes', " govuk-checkboxes--small" if small else "",
              '" data-module="govuk-checkboxes">\n      \n      ']
    for index, (value, label) in enumerate(field.choices or [], start=1):
        box = field_id if index == 1 else escape(f"{field.id}-{index}")
        parts.append(
            f'\n      <div class="govuk-checkboxes__item">\n        <input '
            f'class="govuk-checkboxes__input" id="{box}" name="{escape(field.name)}" '
            f'type="checkbox" value="{escape(value)}"{" checked" if value in chosen else ""}>'
            f'\n        <label class="govuk-label govuk-checkboxes__label" for="{box}">'
            f"{escape(label)}</label>\n      </div>\n      ")
    parts.append("\n    </div>\n  </fieldset>\n</div>\n")
    # Markup: every piece of text in it is escaped above.
    return Markup("".join(parts))  # nosec B704


def place_titles(titles: Iterable[tuple[str, str]]) -> Markup:
    """Return the ``<datalist>`` of places' titles that the place fields suggest from
    (``macros.place_titles``), worked out once for the same titles."""
    return _place_titles(tuple(title for _, title in titles))


@lru_cache(maxsize=16)
def _place_titles(titles: tuple[str, ...]) -> Markup:
    options = "".join(f'<option value="{escape(title)}"></option>' for title in titles)
    # Markup: each title is escaped.
    return Markup(f'<datalist id="place-titles">\n  {options}\n</datalist>')  # nosec B704


def init_app(app: Flask) -> None:
    """Give ``app`` its cache of rendered widgets and render every GOV.UK widget through it
    (``GovFormBase.render`` is replaced for the whole process: the markup is the same)."""
    app.extensions["widget_cache"] = WidgetCache(app.config.get("WIDGET_CACHE_SIZE", 1024))
    GovFormBase.render = render_widget
