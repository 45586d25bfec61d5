"""The staff import: an HR export in, people created or updated, all-or-nothing with row numbers."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.dates import add_months
from pathways.errors import InvalidInput
from pathways.interchange.store import save_document
from pathways.models import AuditEvent, HeldQualification, Person, Team
from pathways.people.accounts import create_organisation, create_person
from pathways.people.staff_import import import_staff, import_staff_upload
from pathways.snapshot import build_graph
from tests.factories import GOOD_PASSWORD, toy_document

HEADER = ("email,name,staff_id,team,current_role,role_start_date,qualifications,target_role,"
          "roles\n")
ANN = "ann@example.org,Ann Lee,E1,Home care,Care worker,2023-04-01,care-cert,social-worker,staff\n"
BOB = ("Bob@Example.org,Bob Hale,E2,Reablement,senior-care-worker,01/02/2021,"
       "Care Certificate;level 3 diploma in adult care,Adult social care practitioner,"
       "staff;champion\n")
GOOD = HEADER + ANN + BOB


@pytest.fixture
def council(session):
    """An organisation in a database holding the toy pathway."""
    save_document(session, toy_document())
    organisation = create_organisation(session, "Council", partnership="Region")
    session.flush()
    return organisation


@pytest.fixture
def G(session, council):
    return build_graph(session)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def person(session, email) -> Person:
    return session.scalar(select(Person).where(Person.email == email))


def test_a_good_file_creates_everyone_with_their_roles_and_qualifications(session, council, G):
    result = import_staff(session, GOOD, council, G=G)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    bob = person(session, "bob@example.org")
    assert bob.name == "Bob Hale" and bob.staff_id == "E2" and bob.team.name == "Reablement"
    assert bob.current_role_id == "senior-care-worker" and bob.target_role_id == "practitioner"
    assert bob.role_start_date == date(2021, 2, 1)
    assert sorted(q.qualification_id for q in bob.qualifications) == ["care-cert", "diploma-l3"]
    assert bob.role_names == ["staff", "champion"] and bob.password_hash is None
    assert person(session, "ann@example.org").role_start_date == date(2023, 4, 1)
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["create", "create", "create", "import"]  # the organisation, 2 people


def test_only_email_and_name_are_required_and_roles_default_to_staff(session, council, G):
    result = import_staff(session, "Email,Name\ncat@example.org,Cat Ng\n", council, G=G)
    assert result.created == 1
    assert person(session, "cat@example.org").role_names == ["staff"]


def test_the_file_can_be_a_path_or_an_uploaded_file(session, council, G, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(("\ufeff" + HEADER + ANN).encode("utf-8"))
    assert import_staff(session, path, council, G=G).created == 1
    upload = io.BytesIO((HEADER + BOB).encode("utf-8"))
    assert import_staff_upload(session, upload, council, G=G).created == 1


BAD_FILES = {
    "missing column": ("name,team\nAnn,Home care\n", "row 1: required column 'email' is missing"),
    "unknown column": ("email,name,shoe_size\nann@example.org,Ann,6\n",
                       "row 1: unknown column 'shoe_size'"),
    "repeated column": ("email,name,Email\na@example.org,Ann,b@example.org\n",
                        "row 1: column 'email' appears more than once"),
    "empty file": ("", "row 1: the first row must name the columns"),
    "bad email": (HEADER + ANN.replace("ann@example.org", "ann-at-example"),
                  "row 2: email: 'ann-at-example' is not an email address"),
    "no email": (HEADER + ANN.replace("ann@example.org", ""),
                 "row 2: email: enter the person's email address"),
    "no name": (HEADER + ANN.replace("Ann Lee", ""), "row 2: name: enter the person's name"),
    "duplicate email": (GOOD + ANN.replace("E1", "E9"),
                        "row 4: email: 'ann@example.org' is also in row 2"),
    "duplicate staff id": (GOOD + ANN.replace("ann@", "anne@"),
                           "row 4: staff_id: 'E1' is also in row 2"),
    "unknown role": (HEADER + ANN.replace("Care worker", "care wroker"),
                     "row 2: current_role: no role called 'care wroker'; did you mean: "
                     "Care worker"),
    "unknown qualification": (HEADER + ANN.replace("care-cert", "Level 9 Diploma"),
                              "row 2: qualifications: no qualification called 'Level 9 Diploma'"),
    "qualification given for a role": (
        HEADER + ANN.replace("social-worker", "Care Certificate"),
        "row 2: target_role: 'Care Certificate' is a qualification, not a role"),
    "role given for a qualification": (
        HEADER + ANN.replace("care-cert", "care-cert;volunteer"),
        "row 2: qualifications: 'Volunteer' is a role, not a qualification"),
    "bad date": (HEADER + ANN.replace("2023-04-01", "31/02/2023"),
                 "row 2: role_start_date: '31/02/2023' is not a date: use YYYY-MM-DD or "
                 "DD/MM/YYYY"),
    "unknown access role": (HEADER + ANN.replace(",staff\n", ",staff;boss\n"),
                            "row 2: roles: unknown access role 'boss'"),
    "too many values": (HEADER + ANN.replace(",staff\n", ",staff,extra\n"),
                        "row 2: has 10 values but the header has 9 columns"),
    "too few values": ("email,name,team\nann@example.org,Ann\n",
                       "row 2: has 2 values but the header has 3 columns"),
    "malformed CSV": ('email,name\nann@example.org,"Ann" Lee\n', "line 2: malformed CSV"),
    "unclosed quote": ('email,name\nann@example.org,"Ann Lee\n',
                       "line 2: malformed CSV: unexpected end of data (a quoted value is never"),
    "not UTF-8": (HEADER.encode() + "ann@example.org,Zoë,,,,,,,\n".encode("latin-1"),
                  "file: is not UTF-8 text"),
    "long staff id": (HEADER + ANN.replace("E1", "E" * 51),
                      "row 2: staff_id: must be at most 50 characters"),
}


@pytest.mark.parametrize("text, problem", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_with_the_row_and_nothing_is_written(session, council, G,
                                                                   text, problem):
    people, events = count(session, Person), count(session, AuditEvent)
    with pytest.raises(InvalidInput) as refused:
        import_staff(session, text, council, G=G)
    assert any(str(p).startswith(problem) for p in refused.value.problems), refused.value
    assert count(session, Person) == people and count(session, AuditEvent) == events


def test_every_problem_in_the_file_is_listed_at_once(session, council, G):
    text = (HEADER + ANN.replace("ann@example.org", "nope") + BOB.replace("01/02/2021", "soon")
            + ANN.replace("ann@", "zed@").replace("E1", "E3").replace("staff\n", "root\n"))
    with pytest.raises(InvalidInput) as refused:
        import_staff(session, text, council, G=G)
    assert [p.where for p in refused.value.problems] == [
        "row 2: email", "row 3: role_start_date", "row 4: roles"]
    assert "row 3: role_start_date: 'soon' is not a date" in str(refused.value)
    assert count(session, Person) == 0


def test_a_file_of_any_length_is_imported_at_once(session, council, G):
    """The 5,000-row cap went with the set-based import (issue 14): uploads keep a byte cap."""
    rows = "".join(f"p{n}@example.org,P {n},E{n},Team {n % 3}\n" for n in range(5001))
    result = import_staff(session, "email,name,staff_id,team\n" + rows, council, G=G)
    assert result.created == 5001 and count(session, Person) == 5001
    assert count(session, Team) == 3
    again = import_staff(session, "email,name,staff_id,team\n" + rows.replace(
        "P 4999,", "Pat 4999,"), council, G=G)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 5000)
    assert person(session, "p4999@example.org").name == "Pat 4999"


def test_reimporting_updates_people_instead_of_duplicating_them(session, council, G):
    import_staff(session, GOOD, council, G=G)
    ann_id = person(session, "ann@example.org").id
    changed = ANN.replace("Home care", "Day centre").replace("care-cert", "diploma-l3")
    result = import_staff(session, HEADER + changed + BOB, council, G=G)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert count(session, Person) == 2 and count(session, Team) == 3
    ann = person(session, "ann@example.org")
    assert ann.id == ann_id and ann.team.name == "Day centre"
    # held qualifications are added, never removed
    assert sorted(q.qualification_id for q in ann.qualifications) == ["care-cert", "diploma-l3"]
    update = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert update.entity_id == str(ann_id)
    assert update.details == {"fields": ["team", "qualifications"]}


def test_empty_cells_leave_stored_values_and_roles_are_only_added(session, council, G):
    import_staff(session, GOOD, council, G=G)
    result = import_staff(session, "email,name,roles\nbob@example.org,Bob Hale,manager\n",
                          council, G=G)
    assert result.updated == 1
    bob = person(session, "bob@example.org")
    assert bob.role_names == ["staff", "manager", "champion"] and bob.staff_id == "E2"
    assert bob.current_role_id == "senior-care-worker"


def test_a_staff_id_matches_within_the_organisation_and_updates_the_email(session, council, G):
    import_staff(session, GOOD, council, G=G)
    result = import_staff(session, HEADER + ANN.replace("ann@", "ann.lee@"), council, G=G)
    assert result.updated == 1 and count(session, Person) == 2
    assert person(session, "ann.lee@example.org").staff_id == "E1"
    assert person(session, "ann@example.org") is None


def test_an_email_and_staff_id_of_two_different_people_are_refused(session, council, G):
    import_staff(session, GOOD, council, G=G)
    with pytest.raises(InvalidInput, match=r"row 2: staff_id: 'E2' is the staff id of "
                                           r"bob@example\.org, not of ann@example\.org"):
        import_staff(session, HEADER + ANN.replace("E1", "E2"), council, G=G)


def test_two_rows_updating_one_person_are_refused(session, council, G):
    import_staff(session, GOOD, council, G=G)
    text = HEADER + ANN.replace(",E1,", ",,") + ANN.replace("ann@", "annie@")
    with pytest.raises(InvalidInput, match="row 3: updates the same person as row 2"):
        import_staff(session, text, council, G=G)


def test_people_of_another_organisation_are_refused(session, council, G):
    elsewhere = create_organisation(session, "Elsewhere Care")
    create_person(session, email="ann@example.org", name="Ann", organisation=elsewhere,
                  roles=["staff"])
    with pytest.raises(InvalidInput) as refused:
        import_staff(session, GOOD, council, G=G)
    assert str(refused.value.problems[0]) == "row 2: email: ann@example.org cannot be used"
    assert "Elsewhere" not in str(refused.value) and "organisation" not in str(refused.value)
    assert person(session, "bob@example.org") is None
    assert person(session, "ann@example.org").organisation_id == elsewhere.id


def test_only_administrators_grant_lnd_and_admin_by_import(session, council, G):
    lnd = create_person(session, email="lnd@example.org", name="L D", organisation=council,
                        roles=["lnd"])
    admin = create_person(session, email="admin@example.org", name="A D", organisation=council,
                          roles=["admin"])
    text = HEADER + ANN.replace(",staff\n", ",staff;admin\n")
    with pytest.raises(InvalidInput, match="row 2: roles: only an administrator can grant "
                                           "the 'admin' access role"):
        import_staff(session, text, council, actor=lnd, G=G)
    assert import_staff(session, text, council, actor=admin, G=G).created == 1
    assert person(session, "ann@example.org").role_names == ["staff", "admin"]
    created = session.scalars(select(AuditEvent).where(
        AuditEvent.entity_id == str(person(session, "ann@example.org").id))).one()
    assert created.actor_id == admin.id


def test_lnd_cannot_change_the_email_of_an_admin_account(session, council, G):
    admin = create_person(session, email="admin@example.org", name="A D", organisation=council,
                          roles=["admin"])
    admin.staff_id = "A1"
    lnd = create_person(session, email="lnd@example.org", name="L D", organisation=council,
                        roles=["lnd"])
    with pytest.raises(InvalidInput, match="an import never changes the email address"):
        import_staff(session, "email,name,staff_id\nme@evil.example,A D,A1\n", council,
                     actor=lnd, G=G)
    assert admin.email == "admin@example.org"


ACCOUNTS = {  # (access roles, password set): each a sign-in account
    "staff with a password": (["staff"], True),
    "champion without a password": (["staff", "champion"], False),
    "manager without a password": (["manager"], False),
}


@pytest.mark.parametrize("importer", ["lnd", "admin", "command line"])
@pytest.mark.parametrize("roles, password", ACCOUNTS.values(), ids=ACCOUNTS.keys())
def test_an_import_never_changes_the_email_of_someone_with_a_sign_in_account(
        session, council, G, importer, roles, password):
    """Issue 11: an L&D user moved a champion's account to their own address by staff id,
    reset its password and read the champion's private mentoring notes."""
    champion = create_person(session, email="champion@example.org", name="Cham Pion",
                             organisation=council, roles=roles,
                             password=GOOD_PASSWORD if password else None)
    champion.staff_id = "C7"
    actor = None if importer == "command line" else create_person(
        session, email=f"{importer}@example.org", name="Importer", organisation=council,
        roles=[importer])
    session.flush()
    events = count(session, AuditEvent)
    with pytest.raises(InvalidInput) as refused:
        import_staff(session, "email,name,staff_id\nimporter.own@example.org,Cham Pion,C7\n",
                     council, actor=actor, G=G)
    assert [str(p) for p in refused.value.problems] == [
        "row 2: email: staff id 'C7' is champion@example.org, who has a sign-in account: an "
        "import never changes the email address someone signs in with (an administrator "
        "changes it on their account page)"]
    session.refresh(champion)
    assert champion.email == "champion@example.org" and count(session, AuditEvent) == events


def test_the_email_of_someone_without_a_sign_in_account_changes_with_old_and_new_audited(
        session, council, G):
    import_staff(session, GOOD, council, G=G)
    ann = person(session, "ann@example.org")
    import_staff(session, HEADER + ANN.replace("ann@", "ann.lee@"), council, G=G)
    assert ann.email == "ann.lee@example.org"
    update = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert update.details == {"fields": ["email"], "old_email": "ann@example.org",
                              "new_email": "ann.lee@example.org"}


def test_the_matching_rules_update_by_email_without_touching_the_account(session, council, G):
    """Matched by email, an account holder's row still updates what HR owns (name, team...)."""
    create_person(session, email="ann@example.org", name="Ann", organisation=council,
                  roles=["staff", "champion"], password=GOOD_PASSWORD)
    result = import_staff(session, GOOD, council, G=G)
    assert (result.created, result.updated) == (1, 1)
    ann = person(session, "ann@example.org")
    assert ann.staff_id == "E1" and ann.team.name == "Home care" and ann.name == "Ann Lee"


@pytest.mark.parametrize("started, problem", [
    ("1899-12-31", "row 2: role_start_date: 1899-12-31 is before 1 January 1900: "
                   "check the year"),
    ("01/04/0023", "row 2: role_start_date: 0023-04-01 is before 1 January 1900"),
    ("far", "row 2: role_start_date: 'far' is not a date"),
    ("+1y+1d", "is more than a year from now (the latest is "),
    ("2203-04-01", "row 2: role_start_date: 2203-04-01 is more than a year from now"),
])
def test_implausible_role_start_dates_are_refused(session, council, G, started, problem):
    today = clock.today()
    if started == "+1y+1d":
        started = (add_months(today, 12) + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput) as refused:
        import_staff(session, HEADER + ANN.replace("2023-04-01", started), council, G=G)
    assert problem in str(refused.value)
    assert count(session, Person) == 0


@pytest.mark.parametrize("started", ["1900-01-01", "+1y"])
def test_role_start_dates_from_1900_to_a_year_ahead_are_taken(session, council, G, started):
    today = clock.today()
    day = add_months(today, 12) if started == "+1y" else date.fromisoformat(started)
    import_staff(session, HEADER + ANN.replace("2023-04-01", day.isoformat()), council, G=G)
    assert person(session, "ann@example.org").role_start_date == day


def test_the_latest_start_date_follows_the_day_of_the_import(session, council, G):
    later = date(2031, 2, 28)
    text = HEADER + ANN.replace("2023-04-01", "2031-06-01")
    with pytest.raises(InvalidInput, match="more than a year from now"):
        import_staff(session, text, council, G=G)
    assert import_staff(session, text, council, G=G, today=later).created == 1


def test_nothing_changed_counts_as_unchanged_with_no_audit_event(session, council, G):
    import_staff(session, GOOD, council, G=G)
    events = count(session, AuditEvent)
    result = import_staff(session, GOOD, council, G=G)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert count(session, AuditEvent) == events + 1  # only the import itself
    assert count(session, HeldQualification) == 3


def test_only_administrators_make_map_editors_by_import(session, council, G):
    """Editing the shared map is its own permission: L&D cannot hand it out (issue 11)."""
    lnd = create_person(session, email="lnd@example.org", name="L D", organisation=council,
                        roles=["lnd"])
    text = HEADER + ANN.replace(",staff\n", ",staff;map_editor\n")
    with pytest.raises(InvalidInput, match="only an administrator can grant "
                                           "the 'map_editor' access role"):
        import_staff(session, text, council, actor=lnd, G=G)
    assert import_staff(session, text, council, actor=None, G=G).created == 1
    assert person(session, "ann@example.org").role_names == ["staff", "map_editor"]
