"""The one submit path: validate, call one service, commit; or roll back and say why."""

from types import SimpleNamespace

import pytest
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import StringField
from wtforms.validators import DataRequired

from pathways.errors import EditConflict, InvalidInput, NotFound, PathwayError, Problem
from tests.domain.test_refusals import every_refusal


class NameForm(FlaskForm):
    """A got.form of two fields, the way a view's forms are."""

    name = StringField("Name", validators=[DataRequired(message="Enter a name")])
    team_id = StringField("Team")


@pytest.fixture
def sent(app, monkeypatch):
    """Run ``submit`` on a sent form and count the commits and rollbacks it made."""
    from webapp.extensions import db
    from webapp.submit import submit
    from webapp.views.shared import error_list

    def sent(change, data=None, **options):
        calls = []
        with app.test_request_context("/", method="POST", data=data or {"name": "Sam"}):
            monkeypatch.setattr(db.session, "commit", lambda: calls.append("commit"))
            monkeypatch.setattr(db.session, "rollback", lambda: calls.append("rollback"))
            form = NameForm()
            saved = submit(form, change, **options)
            return SimpleNamespace(saved=saved, form=form, errors=error_list(form), calls=calls)
    return sent


def raising(error):
    def change():
        raise error
    return change


def test_a_saved_change_is_committed_once_with_what_the_service_returned(sent):
    got = sent(lambda: "made")
    assert got.saved and got.saved.value == "made" and got.saved.error is None
    assert got.calls == ["commit"] and got.errors == []


def test_a_form_that_fails_its_own_checks_calls_nothing(sent):
    called = []
    got = sent(lambda: called.append(1), data={"name": ""})
    assert not got.saved and called == [] and got.calls == []
    assert got.errors == [{"text": "Enter a name", "href": "#name"}]


def test_invalid_input_is_rolled_back_and_each_problem_lands_on_its_field(sent):
    invalid = InvalidInput([Problem("name", "is taken"), Problem("team", "is elsewhere"),
                            Problem("budget", "not a field here")])
    got = sent(raising(invalid), fields={"team": "team_id"})
    assert not got.saved and got.saved.error is invalid and got.calls == ["rollback"]
    assert got.form.name.errors == ["is taken"] and got.form.team_id.errors == ["is elsewhere"]
    assert got.errors == [{"text": "not a field here", "href": "#name"},
                          {"text": "is taken", "href": "#name"},
                          {"text": "is elsewhere", "href": "#team_id"}]


def test_sentences_start_with_a_capital(sent):
    invalid = InvalidInput([Problem("name", "enter the name")])
    got = sent(raising(invalid), sentences=True)
    assert got.form.name.errors == ["Enter the name"]


@pytest.mark.parametrize("refusal", every_refusal(), ids=lambda error: type(error).__name__)
def test_every_refusal_is_rolled_back_and_said_on_the_form(sent, refusal):
    got = sent(raising(refusal), anchor="#row-3")
    assert not got.saved and got.saved.error is refusal and got.calls == ["rollback"]
    assert got.form.form_errors == [str(refusal)]
    assert got.errors == [{"text": str(refusal), "href": "#row-3"}]
    got = sent(raising(refusal), refused_on="team_id")
    assert got.form.team_id.errors == [str(refusal)] and got.form.form_errors == []


def test_a_refusal_the_domain_noted_something_for_is_kept(sent):
    got = sent(raising(every_refusal()[-1]), keep_refused=True)
    assert not got.saved and got.calls == ["commit"]


def test_another_domain_error_is_said_on_the_form(sent):
    got = sent(raising(PathwayError("That will not do.")))
    assert got.calls == ["rollback"]
    assert got.errors == [{"text": "That will not do.", "href": "#name"}]


def test_an_edit_someone_saved_first_is_a_conflict(sent):
    conflict = EditConflict("Care worker")
    got = sent(raising(conflict))
    assert not got.saved and got.saved.conflict is conflict and got.calls == ["rollback"]
    assert got.errors == []


def test_a_save_at_the_same_moment_is_rolled_back_and_said(sent):
    got = sent(raising(IntegrityError("INSERT", {}, Exception())))
    assert not got.saved and got.saved.clashed and got.calls == ["rollback"]
    assert got.errors[0]["text"].startswith("Someone else saved a change at the same moment")


def test_a_thing_that_is_not_there_is_rolled_back_and_raised(sent):
    with pytest.raises(NotFound):
        sent(raising(NotFound("No such qualification")))
