"""GOV.UK form fields rendered cheaply (``webapp.widgets``): byte for byte the GOV.UK markup."""

import importlib
import pkgutil
from contextlib import contextmanager
from datetime import date

import pytest
from flask import render_template, render_template_string, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from markupsafe import Markup
from wtforms import FieldList, FormField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectFieldBase

import webapp
from webapp.form_fields import required_date
from webapp.widgets import WidgetCache, checkbox_list, frozen, render_widget

#: What ``macros.checkbox_list`` and ``macros.place_titles`` were as Jinja, before Python.
OLD_MACROS = """
{%- macro checkbox_list(field, legend, small=true) %}
<div class="govuk-form-group{% if field.errors %} govuk-form-group--error{% endif %}">
  <fieldset class="govuk-fieldset"{% if field.errors %} aria-describedby="{{ field.id }}-error"{% endif %}>
    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{{ legend }}</legend>
    {% if field.errors %}<p id="{{ field.id }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{ field.errors | join(" ") }}</p>{% endif %}
    <div class="govuk-checkboxes{% if small %} govuk-checkboxes--small{% endif %}" data-module="govuk-checkboxes">
      {% set chosen = field.data or [] %}
      {% for value, label in field.choices %}
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="{{ field.id if loop.first else field.id ~ '-' ~ loop.index }}" name="{{ field.name }}" type="checkbox" value="{{ value }}"{% if value in chosen %} checked{% endif %}>
        <label class="govuk-label govuk-checkboxes__label" for="{{ field.id if loop.first else field.id ~ '-' ~ loop.index }}">{{ label }}</label>
      </div>
      {% endfor %}
    </div>
  </fieldset>
</div>
{% endmacro %}
{%- macro place_titles(titles) -%}
<datalist id="place-titles">
  {% for id, title in titles %}<option value="{{ title }}"></option>{% endfor %}
</datalist>
{%- endmacro %}
"""  # noqa: E501


def upstream_render(widget, params):
    """``govuk_frontend_wtf``'s own ``GovFormBase.render``: Flask's ``render_template``."""
    return Markup(render_template(widget.template, params=params))


@contextmanager
def upstream_widgets():
    """Render GOV.UK widgets the way ``govuk_frontend_wtf`` does for the block's duration."""
    GovFormBase.render = upstream_render
    try:
        yield
    finally:
        GovFormBase.render = render_widget


def every_form_class():
    """Every form class the web app defines (importing each of its modules)."""
    for module in pkgutil.walk_packages(webapp.__path__, "webapp."):
        importlib.import_module(module.name)
    found, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("webapp.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def leaf_fields(form):
    """Each field of ``form``, entering sub-forms and lists, with choices to show."""
    for field in form:
        if isinstance(field, FormField):
            yield from leaf_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from leaf_fields(entry.form) if isinstance(entry, FormField) else [entry]
        else:
            if isinstance(field, SelectFieldBase) and getattr(field, "choices", None) is None:
                field.choices = [("a", "A & <b>"), ("2", "Two")]
            yield field


def rendered(form, with_errors: bool) -> list[str]:
    """Each field of ``form`` rendered bare (with an error on each when ``with_errors``)."""
    out = []
    for field in leaf_fields(form):
        field.errors = ["Enter <something> & more"] if with_errors else []
        out.append(f"{field.name}: {field()}")
    return out


def test_every_field_of_every_form_renders_as_the_gov_uk_widgets_did(app):
    """Each form the app defines, with and without errors, rendered through Flask's
    ``render_template`` (as ``govuk_frontend_wtf`` does), then directly, then from the cache."""
    checked = 0
    with app.test_request_context("/"):
        for cls in every_form_class():
            try:
                form = cls(formdata=None)
            except TypeError:  # a form that needs arguments: none in this app today
                pytest.fail(f"{cls.__name__} cannot be made without arguments")
            for with_errors in (False, True):
                with upstream_widgets():
                    expected = rendered(form, with_errors)
                assert rendered(form, with_errors) == expected, cls.__name__
                assert rendered(form, with_errors) == expected, cls.__name__  # kept ones
            checked += 1
    assert checked >= 40, checked


def test_the_planner_page_is_the_same_with_the_gov_uk_widgets_and_ours(client):
    """The route planner, answered and with errors, rendered both ways."""
    for address in ("/routes?from=Care+worker&to=Senior+care+worker&within_years=3&have=x",
                    "/routes?from=nowhere&to=&within_years=x&months_in_role=-1", "/routes"):
        with upstream_widgets():
            expected = client.get(address).get_data(as_text=True)
        assert client.get(address).get_data(as_text=True) == expected
        assert client.get(address).get_data(as_text=True) == expected  # from the widget cache


class Ticks(FlaskForm):
    chosen = SelectMultipleField("Chosen", choices=[("a", "A & <b>"), ("b", "B"), (3, "Three")])


@pytest.mark.parametrize("data", [None, [], ["b"], ["a", 3]])
@pytest.mark.parametrize("errors", [[], ["One <bad>", "two & three"]])
@pytest.mark.parametrize("small", [True, False])
def test_a_list_of_checkboxes_is_what_the_jinja_macro_wrote(app, data, errors, small):
    with app.test_request_context("/"):
        form = Ticks(formdata=None, data={"chosen": data})
        form.chosen.errors = errors
        old = render_template_string(OLD_MACROS.strip() + "{{ checkbox_list(f.chosen, "
                                     "'Pick <one>', small) }}|{{ place_titles(titles) }}", f=form,
                                     small=small,
                                     titles=[("a", "Care & <support>"), ("b", "Nurse")])
        new = render_template_string('{% import "macros.html" as m %}'
                                     "{{ m.checkbox_list(f.chosen, 'Pick <one>', small) }}|"
                                     "{{ m.place_titles(titles) }}", f=form, small=small,
                                     titles=[("a", "Care & <support>"), ("b", "Nurse")])
    assert new == old
    assert ("checked" in new) == bool(data)


def test_checkboxes_escape_what_they_show(app):
    with app.test_request_context("/"):
        form = Ticks(formdata=None)
        form.chosen.choices = [('"><script>', "<script>alert(1)</script>")]
        html = checkbox_list(form.chosen, "<i>legend</i>")
    assert "<script>" not in html and "<i>" not in html


def test_widgets_are_kept_by_everything_they_show():
    """Kept widgets are told apart by type and order too, and the oldest dropped first."""
    assert frozen({"value": "1"}) != frozen({"value": 1})
    assert frozen({"checked": True}) != frozen({"checked": 1})
    assert frozen({"text": Markup("<b>")}) != frozen({"text": "<b>"})
    assert frozen({"a": 1, "b": 2}) != frozen({"b": 2, "a": 1})
    with pytest.raises(TypeError):
        frozen({"value": object()})
    cache = WidgetCache(maxsize=2)
    for n in range(3):
        cache.put((n,), Markup(n))
    assert cache.get((0,)) is None and cache.get((2,)) == "2"
    off = WidgetCache(maxsize=0)
    off.put((1,), Markup("x"))
    assert off.get((1,)) is None


class Named(FlaskForm):
    name = StringField("Name", widget=GovTextInput())


class DatedForm(FlaskForm):
    held_on = required_date("When was it?", "the date")


def test_only_what_the_form_defines_is_kept_and_only_on_public_pages(app, client, enter):
    """Kept: a field as the form defines it. Not kept: a typed value (a text input is kept
    with a hole for it), a date's boxes, a parameter that is not plain data, any field on a
    signed-in page."""

    class Later:
        def __str__(self):
            return "later"

    cache = app.extensions["widget_cache"]
    with app.test_request_context("/"):
        before = len(cache._entries)
        assert "later" in Named(formdata=None).name(params={"hint": {"text": Later()}})
        DatedForm(formdata=None, data={"held_on": date(1815, 12, 10)}).held_on()
        assert len(cache._entries) == before
        Named(formdata=None, data={"name": "Ada Lovelace"}).name()  # kept with a hole
        Named(formdata=None).name()
        assert len(cache._entries) == before + 2
        assert not any("Ada" in html for html in cache._entries.values())
    enter("staff")
    kept = len(cache._entries)
    assert client.get("/routes?within_years=7").status_code == 200
    assert len(cache._entries) == kept


@pytest.mark.parametrize("typed", ["Ada", "Ada <b> & \"Grace\" 'Hopper'", "\u00e9t\u00e9 &amp; x"])
def test_a_text_input_is_kept_with_a_hole_for_what_was_typed(app, typed):
    with app.test_request_context("/"):
        cache = app.extensions["widget_cache"]
        with upstream_widgets():
            expected = Named(formdata=None, data={"name": typed}).name()
        first = Named(formdata=None, data={"name": typed}).name()
        again = Named(formdata=None, data={"name": typed}).name()
        other = Named(formdata=None, data={"name": "someone else"}).name()
    assert first == again == expected and "someone else" in other
    assert not any("Ada" in html or "someone" in html for html in cache._entries.values())


def test_a_place_link_is_the_address_url_for_gives_wherever_the_app_is_mounted(app):
    from webapp.extensions import current_graph

    source = ('{% import "macros.html" as m %}'
              '{{ m.node_link(G, "care-worker") }}|{{ m.node_link(G, "care-cert") }}')
    for script_root in ("", "/pathways", "", "/pathways"):  # worked out, then kept
        with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
            G = current_graph()
            role = url_for("explore.role", node_id="care-worker")
            qualification = url_for("explore.qualification", node_id="care-cert")
            expected = (f'<a class="govuk-link" href="{role}">{G.nodes["care-worker"]["title"]}'
                        f'</a>|<a class="govuk-link" href="{qualification}">'
                        f'{G.nodes["care-cert"]["title"]}</a>')
            assert render_template_string(source, G=G) == expected
            assert role == f"{script_root}/roles/care-worker"
