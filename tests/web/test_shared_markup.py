"""The markup the pages share: status tags, dates, date inputs, messages and breadcrumbs."""

from datetime import date, datetime

import pytest
from flask import flash, get_flashed_messages, render_template_string
from flask_wtf import FlaskForm

from webapp.form_fields import required_date


def render(app, source, **context):
    with app.test_request_context("/"):
        return render_template_string(source, **context)


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("PairingStatus", "requested",
     '<strong class="govuk-tag govuk-tag--blue" data-status="requested">Waiting for an answer'
     '</strong>'),
    ("ApprenticeshipStatus", "epa",
     '<strong class="govuk-tag govuk-tag--blue" data-status="epa">End-point assessment</strong>'),
    ("StoryStatus", "submitted",
     '<strong class="govuk-tag govuk-tag--blue" data-status="submitted">Waiting for L&amp;D'
     '</strong>'),
    ("PostState", "offered",
     '<strong class="govuk-tag govuk-tag--yellow" data-status="offered">Offered</strong>'),
    ("OtjState", "queried",
     '<strong class="govuk-tag govuk-tag--orange" data-status="queried">Queried</strong>'),
    ("ShadowingState", "completed",
     '<strong class="govuk-tag govuk-tag--purple" data-status="completed">Reflection written'
     '</strong>'),
    ("Rag", "amber",
     '<strong class="govuk-tag govuk-tag--orange" data-status="amber">Amber</strong>'),
    ("Rag", "purple",  # not a value of the enum: its own words, grey
     '<strong class="govuk-tag govuk-tag--grey" data-status="purple">purple</strong>'),
])
def test_one_status_tag_takes_words_and_colour_from_the_domain(app, kind, value, expected):
    source = '{% import "macros.html" as m %}{{ m.status_tag(' + kind + ', value) }}'
    assert render(app, source, value=value) == expected


def test_a_status_tag_names_its_data_attribute_or_none(app):
    source = ('{% import "macros.html" as m %}{{ m.status_tag(Rag, "red", data="rag") }}|'
              '{{ m.status_tag(PostState, "filled", data=none, colour="blue") }}')
    assert render(app, source) == ('<strong class="govuk-tag govuk-tag--red" data-rag="red">Red'
                                   '</strong>|<strong class="govuk-tag govuk-tag--blue">Filled'
                                   '</strong>')


def test_dates_are_written_the_gov_uk_way(app):
    source = ('{{ day | day }}|{{ none | day }}|{{ none | day("Not set") }}|'
              '{{ moment | day(with_time=true) }}|{{ day | month }}|{{ day | month(short=true) }}')
    assert render(app, source, day=date(2025, 9, 1), moment=datetime(2026, 2, 28, 9, 5)) == (
        "1 September 2025||Not set|28 February 2026 09:05|September 2025|Sep 2025")


class DatedForm(FlaskForm):
    held_on = required_date("When was it?", "the date")


def test_the_date_input_keeps_what_was_typed_and_takes_ids_from_the_field(app):
    with app.test_request_context("/", method="POST", data={"held_on": ["31", "2", "2025"]}):
        form = DatedForm(meta={"csrf": False})
        form.held_on.id = "held-on-7"  # as apprenticeship_forms.identify does, one per row
        assert not form.validate()
        html = render_template_string('{% import "macros.html" as m %}{{ m.date_input(field) }}',
                                      field=form.held_on)
    for box, typed in (("day", "31"), ("month", "2"), ("year", "2025")):
        assert f'id="held-on-7-{box}" name="held_on" type="text" value="{typed}"' in html
    assert "govuk-input--error" in html and "must be a real date" in html
    assert "govuk-fieldset__legend--s" in html and "When was it?" in html


def test_an_empty_date_input_has_no_values(app):
    with app.test_request_context("/"):
        form = DatedForm(formdata=None, meta={"csrf": False})
        html = render_template_string('{% import "macros.html" as m %}{{ m.date_input(field, '
                                      '"On which day?") }}', field=form.held_on)
    assert 'id="held_on-day"' in html and "value=" not in html and "On which day?" in html


def test_breadcrumbs_and_messages_come_from_the_base_template(app):
    source = ('{% extends "base.html" %}{% set breadcrumbs = [{"text": "Cohorts", "href": "/c"},'
              ' {"text": "Here"}] %}{% set show_messages = true %}{% block body %}BODY'
              '{% endblock %}')
    with app.test_request_context("/"):
        flash("Saved")
        flash("Look again", "warning")
        flash("Sign in first", "info")
        html = render_template_string(source)
    assert html.count('class="govuk-breadcrumbs"') == 1
    assert 'href="/c">Cohorts</a>' in html and 'aria-current="page">Here</li>' in html
    assert "govuk-notification-banner--success" in html and "Saved" in html
    assert 'class="govuk-warning-text app-flash-warning"' in html and "Look again" in html
    banners = html.split('data-module="govuk-notification-banner"')[1:]
    assert any("Important" in banner and "Sign in first" in banner for banner in banners)
    assert html.index("Saved") < html.index("BODY")


def test_pages_that_do_not_ask_leave_messages_for_the_next_page(app):
    with app.test_request_context("/"):
        flash("Saved")
        html = render_template_string('{% extends "base.html" %}{% block body %}BODY'
                                      '{% endblock %}')
        assert "Saved" not in html and 'class="govuk-breadcrumbs"' not in html
        assert get_flashed_messages() == ["Saved"]
