"""Accounts: passwords, creating people, disabling, moving organisation."""

from datetime import date

import pytest

from pathways.errors import InvalidInput
from pathways.models import AuditEvent
from pathways.people.accounts import (
    change_email,
    create_organisation,
    create_person,
    disable_person,
    has_sign_in_account,
    move_organisation,
    password_problems,
    set_password,
    verify_password,
)
from tests.factories import GOOD_PASSWORD


@pytest.mark.parametrize("password, problem", [
    ("short", "at least 12 characters"),
    ("password1234", "less common password"),
    ("qwertyuiop12", "less common password"),
])
def test_weak_passwords_are_refused(password, problem):
    assert problem in password_problems(password)[0]


def test_a_good_password_passes():
    assert password_problems(GOOD_PASSWORD) == []


def test_creating_and_checking_an_account(session):
    council = create_organisation(session, "Council", partnership="Region")
    person = create_person(session, email=" Ann@Example.ORG ", name="Ann", organisation=council,
                           roles=["staff", "champion"], password=GOOD_PASSWORD)
    assert person.email == "ann@example.org" and person.role_names == ["staff", "champion"]
    assert person.password_hash.startswith("$argon2id$")
    assert verify_password(person, GOOD_PASSWORD) and not verify_password(person, "wrong")
    assert [e.action for e in session.query(AuditEvent)] == ["create", "create"]


def test_bad_accounts_are_refused_with_every_reason(session):
    council = create_organisation(session, "Council")
    create_person(session, email="ann@example.org", name="Ann", organisation=council,
                  roles=["staff"])
    with pytest.raises(InvalidInput) as refused:
        create_person(session, email="ann@example.org", name="", organisation=council,
                      roles=["wizard"], password="short")
    wheres = [p.where for p in refused.value.problems]
    assert wheres == ["email", "name", "role", "password"]


def test_disabling_and_password_changes_end_sessions(session):
    council = create_organisation(session, "Council")
    person = create_person(session, email="a@example.org", name="A", organisation=council,
                           roles=["staff"])
    set_password(session, person, GOOD_PASSWORD)
    assert person.session_generation == 1
    disable_person(session, person)
    assert not person.active and person.session_generation == 2


def test_changing_the_sign_in_email_ends_sessions_and_audits_old_and_new(session):
    council = create_organisation(session, "Council")
    admin = create_person(session, email="admin@example.org", name="Ad", organisation=council,
                          roles=["admin"])
    person = create_person(session, email="ann@example.org", name="Ann", organisation=council,
                           roles=["staff", "champion"])
    assert change_email(session, person, " Ann.Lee@Example.ORG ", actor=admin) == (
        "ann@example.org")
    assert person.email == "ann.lee@example.org" and person.session_generation == 1
    event = session.query(AuditEvent).filter_by(action="change-email").one()
    assert event.actor_id == admin.id and event.entity_id == str(person.id)
    assert event.details == {"old_email": "ann@example.org", "new_email": "ann.lee@example.org"}
    assert event.organisation_id == council.id


@pytest.mark.parametrize("email, problem", [
    ("not-an-address", "Enter an email address like name@example.org"),
    ("ann@example.org", "ann@example.org is already their email address"),
    ("bob@example.org", "bob@example.org cannot be used"),  # a colleague's
    ("far@example.org", "far@example.org cannot be used"),  # someone elsewhere: never said
    ("a\nb@example.org", "Enter an email address like name@example.org"),
])
def test_an_email_that_cannot_be_used_is_refused_without_saying_whose(session, email,
                                                                      problem):
    council = create_organisation(session, "Council")
    elsewhere = create_organisation(session, "Elsewhere")
    person = create_person(session, email="ann@example.org", name="Ann", organisation=council,
                           roles=["staff"])
    create_person(session, email="bob@example.org", name="Bob", organisation=council,
                  roles=["staff"])
    create_person(session, email="far@example.org", name="Far", organisation=elsewhere,
                  roles=["staff"])
    with pytest.raises(InvalidInput) as refused:
        change_email(session, person, email)
    assert [(p.where, p.message) for p in refused.value.problems] == [("email", problem)]
    assert person.email == "ann@example.org" and person.session_generation == 0


@pytest.mark.parametrize("roles, password, account", [
    (["staff"], None, False),
    (["staff"], GOOD_PASSWORD, True),
    (["staff", "champion"], None, True),
    (["map_editor"], None, True),
])
def test_who_has_a_sign_in_account(session, roles, password, account):
    council = create_organisation(session, "Council")
    person = create_person(session, email="ann@example.org", name="Ann", organisation=council,
                           roles=roles, password=password)
    assert has_sign_in_account(person) is account


def test_moving_organisation_keeps_the_history(session):
    council = create_organisation(session, "Council")
    provider = create_organisation(session, "Provider")
    person = create_person(session, email="a@example.org", name="A", organisation=council,
                           roles=["staff"], started_on=date(2020, 1, 1))
    move_organisation(session, person, provider, on=date(2024, 6, 1))
    session.flush()
    spells = [(m.organisation.name, m.started_on, m.ended_on) for m in person.memberships]
    assert spells == [("Council", date(2020, 1, 1), date(2024, 6, 1)),
                      ("Provider", date(2024, 6, 1), None)]
    assert person.organisation is provider


def test_duplicate_organisations_are_refused(session):
    create_organisation(session, "Council")
    with pytest.raises(InvalidInput, match="already exists"):
        create_organisation(session, "council")
