"""People admin: the staff import page, accounts, access roles and the audit log, by role."""

import html
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pathways.models import AuditEvent, Organisation, Person

GOOD_CSV = (b"email,name,staff_id,team,current_role,qualifications,roles\n"
            b"ann@example.org,Ann Lee,E1,Home care,Care worker,care-cert,staff\n"
            b"bob@example.org,Bob Hale,E2,Reablement,senior-care-worker,,staff;champion\n")
BAD_CSV = (b"email,name,current_role,role_start_date\n"
           b"ann-at-example,Ann Lee,Care worker,2023-01-01\n"
           b"bob@example.org,Bob Hale,care wroker,31/02/2023\n")


def query(app, statement):
    """Run a query in the app's database and return its rows (or scalar)."""
    from webapp.extensions import db

    with app.app_context():
        return db.session.execute(statement).scalars().all()


def person(app, email) -> Person | None:
    """The person with this email, with their access roles loaded (usable after the session)."""
    found = query(app, select(Person).where(Person.email == email)
                  .options(selectinload(Person.access)))
    return found[0] if found else None


def council_id(app) -> int:
    return query(app, select(Organisation.id).where(Organisation.name == "Testshire Council"))[0]


def upload(client, app, content: bytes, filename="staff.csv", organisation=None):
    return client.post("/admin/import-staff", content_type="multipart/form-data", data={
        "organisation": str(organisation or council_id(app)),
        "staff_file": (io.BytesIO(content), filename)})


def events(app, action):
    return query(app, select(AuditEvent).where(AuditEvent.action == action)
                 .order_by(AuditEvent.id))


# The staff import page


@pytest.mark.parametrize("key", ["lnd", "admin", "partnership_lnd"])
def test_lnd_and_admins_see_the_upload_page(client, enter, key):
    enter(key)
    page = client.get("/admin/import-staff")
    assert page.status_code == 200
    assert b"Import staff" in page.data and b'enctype="multipart/form-data"' in page.data


def test_a_good_file_is_imported_and_the_counts_shown(app, client, enter, people):
    enter("lnd")
    answer = upload(client, app, GOOD_CSV)
    assert answer.status_code == 200, answer.data
    text = answer.get_data(as_text=True)
    assert "Staff imported" in text and "2 created, 0 updated, 0 unchanged" in text
    bob = person(app, "bob@example.org")
    assert bob.organisation_id == council_id(app) and bob.current_role_id == "senior-care-worker"
    assert [e.actor_id for e in events(app, "import")] == [people["lnd"]]
    again = upload(client, app, GOOD_CSV.replace(b"Home care", b"Day centre"))
    assert "0 created, 1 updated, 1 unchanged" in again.get_data(as_text=True)


def test_a_bad_file_lists_every_row_in_the_error_summary_and_writes_nothing(app, client,
                                                                            enter):
    enter("lnd")
    before = len(query(app, select(Person.id)))
    answer = upload(client, app, BAD_CSV)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "govuk-error-summary" in text and "There is a problem" in text
    assert "row 2: email: &#39;ann-at-example&#39; is not an email address" in text
    assert "row 3: current_role: no role called &#39;care wroker&#39;" in text
    assert "row 3: role_start_date: &#39;31/02/2023&#39; is not a date" in text
    assert 'href="#staff_file"' in text and "nothing was imported" in text
    assert len(query(app, select(Person.id))) == before and events(app, "import") == []


@pytest.mark.parametrize("content, filename, message", [
    (b"email,name\n\xff\xfe,Ann\n", "staff.csv", "file: is not UTF-8 text"),
    (GOOD_CSV, "staff.pdf", "The file must be a CSV file (.csv) or an Excel workbook"),
    (b"", "", "Choose a CSV or Excel file to upload"),
    (b"email,name\nann@example.org,\"Ann\n", "staff.csv", "malformed CSV"),
])
def test_unreadable_uploads_are_refused_without_a_500(app, client, enter, content, filename,
                                                      message):
    enter("admin")
    answer = upload(client, app, content, filename)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)


def test_an_excel_workbook_is_imported_and_its_problems_name_row_and_column(app, client,
                                                                           enter):
    book = openpyxl.Workbook()
    book.active.append(["Email", "Name", "Role start date"])
    book.active.append(["ann@example.org", "Ann Lee", "=TODAY()"])
    out = io.BytesIO()
    book.save(out)
    enter("lnd")
    refused = upload(client, app, out.getvalue(), "staff.xlsx")
    assert refused.status_code == 400
    assert "row 2: Role start date: holds a formula" in refused.get_data(as_text=True)
    book.active["C2"] = "2023-04-01"
    out = io.BytesIO()
    book.save(out)
    assert upload(client, app, out.getvalue(), "staff.xlsx").status_code == 200
    assert person(app, "ann@example.org").name == "Ann Lee"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_staff_template_is_offered_and_imports_as_it_is(app, client, enter, fmt):
    enter("admin")
    assert f'href="/admin/import-staff/template.{fmt}"' in client.get(
        "/admin/import-staff").get_data(as_text=True)
    template = client.get(f"/admin/import-staff/template.{fmt}")
    assert template.status_code == 200 and "attachment" in template.headers[
        "Content-Disposition"]
    answer = upload(client, app, template.data, f"staff.{fmt}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert person(app, "ann.lee@example.org").name == "Ann Lee"


def test_other_roles_do_not_get_the_staff_template(client, enter):
    enter("staff")
    assert client.get("/admin/import-staff/template.xlsx").status_code == 403


def upload_champions(client, app, content: bytes, filename="champions.csv"):
    return client.post("/admin/import-champions", content_type="multipart/form-data", data={
        "organisation": str(council_id(app)), "champions_file": (io.BytesIO(content), filename)})


def test_lnd_import_champions_from_a_workbook_with_a_template_offered(app, client, enter):
    enter("lnd")
    page = client.get("/admin/import-champions").get_data(as_text=True)
    assert 'href="/admin/import-champions/template.xlsx"' in page
    template = client.get("/admin/import-champions/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(template.data), read_only=True).worksheets[0]
    header, example = sheet.iter_rows(values_only=True)
    assert header == ("email", "specialisms", "roles_held", "capacity", "open_to_partnership")
    assert example[0].endswith("@example.org")
    book = openpyxl.Workbook()
    book.active.append(list(header))
    book.active.append(["staff@example.org", "Social work", None, 2, True])
    out = io.BytesIO()
    book.save(out)
    answer = upload_champions(client, app, out.getvalue(), "champions.xlsx")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "Champions imported" in answer.get_data(as_text=True)
    assert "champion" in person(app, "staff@example.org").role_names


def test_a_bad_champion_file_names_row_and_column_in_the_webs_words(app, client, enter):
    enter("admin")
    answer = upload_champions(client, app, b"email,capacity\nnobody@example.org,99\n")
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "row 2: email: nobody with nobody@example.org works here: import them as staff " \
           "first" in text
    assert "row 2: capacity:" in text and "pathways import" not in text


def test_other_roles_cannot_import_champions(client, enter):
    enter("champion")
    assert client.get("/admin/import-champions").status_code == 403
    assert client.get("/admin/import-champions/template.csv").status_code == 403


def test_an_organisation_outside_reach_cannot_be_chosen(app, client, enter):
    enter("lnd")
    elsewhere = query(app, select(Organisation.id).where(Organisation.name == "Far Away Care"))[0]
    answer = upload(client, app, GOOD_CSV, organisation=elsewhere)
    assert answer.status_code == 400 and person(app, "ann@example.org") is None


def test_partnership_lnd_may_import_into_a_partner_organisation(app, client, enter):
    enter("partnership_lnd")
    partner = query(app, select(Organisation.id).where(Organisation.name == "Sunrise Care"))[0]
    assert b"Sunrise Care" in client.get("/admin/import-staff").data
    answer = upload(client, app, GOOD_CSV, organisation=partner)
    assert answer.status_code == 200
    assert person(app, "ann@example.org").organisation_id == partner


@pytest.mark.parametrize("key", ["staff", "manager", "champion"])
@pytest.mark.parametrize("method, path", [
    ("get", "/admin/import-staff"), ("post", "/admin/import-staff"), ("get", "/admin/users"),
    ("get", "/admin/audit")])
def test_other_roles_are_forbidden(client, enter, key, method, path):
    enter(key)
    assert getattr(client, method)(path).status_code == 403


def test_people_who_are_not_signed_in_are_sent_to_sign_in(app, client):
    if "accounts.login" not in app.view_functions:
        pytest.skip("the /login view is not written yet")
    answer = client.get("/admin/users")
    assert answer.status_code in (302, 401)


# Accounts


def test_lnd_lists_the_people_of_their_organisation_with_roles_and_status(client, enter):
    enter("lnd")
    text = client.get("/admin/users").get_data(as_text=True)
    assert "staff@example.org" in text and "manager@example.org" in text
    assert "partner_staff@example.org" not in text and "outsider@example.org" not in text
    assert "Active" in text
    found = client.get("/admin/users?q=COLLEAGUE").get_data(as_text=True)
    assert "colleague@example.org" in found and "staff@example.org" not in found


def test_partnership_lnd_lists_the_whole_partnership(client, enter):
    enter("partnership_lnd")
    text = client.get("/admin/users").get_data(as_text=True)
    assert "partner_staff@example.org" in text and "Sunrise Care" in text
    assert "outsider@example.org" not in text


def test_people_of_another_organisation_are_not_found(client, enter, people):
    enter("admin")
    for key in ("outsider", "partner_staff"):
        assert client.get(f"/admin/users/{people[key]}").status_code == 404
        assert client.post(f"/admin/users/{people[key]}/status",
                           data={"active": "no"}).status_code == 404
    assert client.get("/admin/users/999999").status_code == 404
    enter("partnership_lnd")
    assert client.get(f"/admin/users/{people['partner_staff']}").status_code == 200
    assert client.get(f"/admin/users/{people['outsider']}").status_code == 404


def test_lnd_sees_an_account_but_cannot_change_it(app, client, enter, people):
    enter("lnd")
    page = client.get(f"/admin/users/{people['staff']}")
    assert page.status_code == 200 and b"Disable account" not in page.data
    assert client.post(f"/admin/users/{people['staff']}/status",
                       data={"active": "no"}).status_code == 403
    assert client.post(f"/admin/users/{people['staff']}/grant-role",
                       data={"grant-role": "admin"}).status_code == 403
    assert person(app, "staff@example.org").active


def test_admin_disables_and_enables_an_account_with_audit_events(app, client, enter, people):
    enter("admin")
    staff = people["staff"]
    assert b"Disable account" in client.get(f"/admin/users/{staff}").data
    answer = client.post(f"/admin/users/{staff}/status", data={"active": "no"})
    assert answer.status_code == 302
    disabled = person(app, "staff@example.org")
    assert not disabled.active and disabled.session_generation == 1
    page = client.get(f"/admin/users/{staff}").get_data(as_text=True)
    assert "account is disabled" in page and "Enable account" in page
    client.post(f"/admin/users/{staff}/status", data={"active": "yes"})
    assert person(app, "staff@example.org").active
    logged = events(app, "disable") + events(app, "enable")
    assert [(e.action, e.actor_id, e.entity_id) for e in logged] == [
        ("disable", people["admin"], str(staff)), ("enable", people["admin"], str(staff))]


def test_admin_cannot_disable_their_own_account(app, client, enter, people):
    enter("admin")
    answer = client.post(f"/admin/users/{people['admin']}/status", data={"active": "no"})
    assert answer.status_code == 400
    assert b"You cannot disable your own account" in answer.data
    assert person(app, "admin@example.org").active


def test_admin_grants_and_removes_roles_with_audit_events(app, client, enter, people):
    enter("admin")
    staff = people["staff"]
    answer = client.post(f"/admin/users/{staff}/grant-role",
                         data={"grant-role": "champion", "grant-scope": "organisation"})
    assert answer.status_code == 302
    assert person(app, "staff@example.org").role_names == ["staff", "champion"]
    assert "now has the Career champion role" in client.get(
        f"/admin/users/{staff}").get_data(as_text=True)
    client.post(f"/admin/users/{staff}/remove-role", data={"role": "staff"})
    assert person(app, "staff@example.org").role_names == ["champion"]
    granted, removed = events(app, "grant-role"), events(app, "remove-role")
    assert granted[0].details == {"role": "champion", "scope": "organisation"}
    assert removed[0].details == {"role": "staff"}
    assert granted[0].actor_id == removed[0].actor_id == people["admin"]


def test_role_changes_refused_by_the_rules_show_the_problem(app, client, enter, people):
    enter("admin")
    wide = client.post(f"/admin/users/{people['lnd']}/grant-role",
                       data={"grant-role": "lnd", "grant-scope": "partnership"})
    assert wide.status_code == 400 and b"administrator for the whole partnership" in wide.data
    own = client.post(f"/admin/users/{people['admin']}/remove-role", data={"role": "admin"})
    assert own.status_code == 400 and b"cannot remove your own administrator role" in own.data
    bad = client.post(f"/admin/users/{people['staff']}/grant-role", data={"grant-role": "king"})
    assert bad.status_code == 400 and b"Not a valid choice" in bad.data
    assert person(app, "admin@example.org").role_names == ["admin"]


def add_staff(app, how_many, start=0):
    """Add ``how_many`` staff to the council's home care team (named to sort after the test's
    people)."""
    from pathways.people.accounts import create_person, team_named
    from webapp.extensions import db

    with app.app_context():
        council = db.session.get(Organisation, council_id(app))
        team = team_named(db.session, council, "Home care")
        for number in range(start, start + how_many):
            create_person(db.session, email=f"zz{number:03}@example.org", team=team,
                          name=f"Zed {number:03}", organisation=council, roles=["staff"])
        db.session.commit()


def test_the_people_list_pages_by_keyset_with_a_few_numbers(app, client, enter, people):
    add_staff(app, 70)
    enter("lnd")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Zed 000" in first and "Zed 069" not in first and "?page=2" not in first
    assert len(re.findall(r'data-person="(\d+)"', first)) == 50
    following = html.unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)[1])
    second = client.get(following).get_data(as_text=True)
    assert "Zed 069" in second and 'rel="next"' not in second and 'rel="prev"' in second
    names = re.findall(r'data-person="\d+">\s*<td[^>]*><a[^>]*>([^<]+)</a>', first + second)
    zeds = [name for name in names if name.startswith("Zed")]
    assert zeds == [f"Zed {number:03}" for number in range(70)] and len(names) == len(set(names))
    searched = client.get("/admin/users?q=zed").get_data(as_text=True)
    assert "70 people matching" in searched
    next_search = re.search(r'href="([^"]*after=[^"]*)" rel="next"', searched)[1]
    assert "q=zed" in html.unescape(next_search)


def test_the_people_list_runs_a_fixed_number_of_queries(app, client, enter, people):
    from tests.querycount import counting
    from webapp.extensions import db

    enter("lnd")
    with app.app_context():
        engine = db.engine
    add_staff(app, 5)
    client.get("/admin/users")
    with counting(engine) as small:
        client.get("/admin/users")
    add_staff(app, 120, start=5)
    with counting(engine) as large:
        page = client.get("/admin/users")
    assert "Zed 044" in page.text
    assert large.count == small.count, large.statements


# The audit log


def test_the_audit_log_is_for_admins_only(client, enter):
    for key in ("lnd", "partnership_lnd"):
        enter(key)
        assert client.get("/admin/audit").status_code == 403
    enter("admin")
    assert client.get("/admin/audit").status_code == 200


def test_the_audit_log_shows_newest_first_filtered_and_within_reach(app, client, enter,
                                                                    people):
    enter("admin")
    client.post(f"/admin/users/{people['colleague']}/status", data={"active": "no"})
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = re.findall(r'data-event="(\d+)"', page)
    assert rows == sorted(rows, key=int, reverse=True)
    assert "Account disabled" in page and "colleague@example.org" in page
    assert "outsider@example.org" not in page and "partner_staff@example.org" not in page
    only_people = client.get("/admin/audit?entity_type=person").get_data(as_text=True)
    assert set(re.findall(r'data-entity="(\w+)"', only_people)) == {"person"}
    assert client.get("/admin/audit?entity_type=nonsense").status_code == 400
    assert client.get("/admin/audit?page=abc").status_code == 200
    assert client.get("/admin/audit?page=999").status_code == 200


def test_the_audit_log_speaks_in_words_and_filters_by_person_and_dates(app, client, enter,
                                                                       people):
    from datetime import UTC, datetime

    from pathways import audit
    from webapp.extensions import db

    with app.app_context():
        actor = db.session.get(Person, people["admin"])
        staff = db.session.get(Person, people["staff"])
        for day, action, entity in [(1, "champion_end", "pairing"),
                                    (10, "story_publish", "career_story"),
                                    (20, "update", "person")]:
            event = audit.record(db.session, actor, action, entity, staff.id, f"on day {day}",
                                 concerns=staff)
            event.at = datetime(2026, 10, day, 12, tzinfo=UTC)
        audit.record(db.session, db.session.get(Person, people["colleague"]), "update",
                     "person", people["colleague"], "by the colleague", concerns=staff)
        db.session.commit()
    enter("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    options = dict(re.findall(r'<option value="(\w*)"[^>]*>([^<]+)</option>', page))
    assert options["career_story"] == "Career story" and options["pairing"] == "Champion pairing"
    assert "Career_story" not in page and ">champion_end<" not in page
    assert "Pairing ended" in page and "Story published" in page
    # By person: the events by or about them, found by part of the name or email.
    about_staff = client.get("/admin/audit?person=STAFF@example").get_data(as_text=True)
    assert "on day 20" in about_staff and "by the colleague" not in about_staff
    by_colleague = client.get("/admin/audit?person=colleague").get_data(as_text=True)
    assert "by the colleague" in by_colleague and "on day 10" not in by_colleague
    # By dates (UTC days, both included).
    october = client.get("/admin/audit?since=2026-10-10&until=2026-10-20").get_data(
        as_text=True)
    assert re.search(r"(\d+) events?", october).group(1) == "2"
    assert "on day 10" in october and "on day 20" in october and "on day 1<" not in october
    nonsense = client.get("/admin/audit?since=2026-10-20&until=2026-10-01")
    assert nonsense.status_code == 400
    assert "The last day must be the same as or after the first day" in nonsense.text
    assert client.get("/admin/audit?since=tuesday").status_code == 400


def test_the_audit_log_never_shows_passwords_or_equality_data(app, client, enter, people):
    from pathways import audit
    from webapp.extensions import db

    with app.app_context():
        actor = db.session.get(Person, people["admin"])
        staff = db.session.get(Person, people["staff"])
        audit.record(db.session, actor, "update", "equality", people["staff"],
                     "equality data saved", {"ethnic_group": "SECRET-ETHNICITY"},
                     concerns=staff)
        audit.record(db.session, actor, "update", "person", people["staff"], "changed",
                     {"password": "SECRET-PASSWORD", "fields": ["team"]}, concerns=staff)
        db.session.commit()
    enter("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "equality data saved" in page and "fields: team" in page
    assert "SECRET" not in page


def test_the_audit_logs_person_filter_finds_people_by_the_start_of_a_name_or_email(
        app, client, enter, people):
    """The words typed name people (in reach) by the start of their name or email, any case,
    and the events by or about them are found by their ids: same queries at 3 and 63 events."""
    from pathways import audit
    from pathways.people.accounts import create_person
    from pathways.people.pages import PEOPLE_NAMED
    from tests.querycount import counting
    from webapp.extensions import db

    def record(count: int, by: str) -> None:
        with app.app_context():
            actor = db.session.get(Person, people[by])
            for number in range(count):
                audit.record(db.session, actor, "update", "person", people["staff"],
                             f"{by} change {number}", concerns=actor)
            db.session.commit()

    enter("admin")
    shown = lambda path: int(re.search(r"(\d+) events?",  # noqa: E731
                                       client.get(path).get_data(as_text=True)).group(1))
    before = shown("/admin/audit?person=colleague")
    record(3, "colleague")
    assert shown("/admin/audit?person=Colleague") == before + 3  # by them, any case
    assert shown("/admin/audit?person=COLLEAGUE@example.org") == before + 3  # the email
    assert shown("/admin/audit?person=olleague") == 0  # the middle of a name names no one
    assert shown("/admin/audit?person=staff") >= 3  # about the staff member (and by them)
    with app.app_context():
        engine = db.engine
    with counting(engine) as few:
        client.get("/admin/audit?person=colleague")
    record(60, "colleague")
    with counting(engine) as many:
        page = client.get("/admin/audit?person=colleague").get_data(as_text=True)
    assert many.count == few.count, many.statements
    assert "colleague change 59" in page and 'rel="next"' in page
    assert not any("like '%" in statement.lower() for statement in many.statements)

    with app.app_context():  # more people than are looked up: say so, as a problem
        admin = db.session.get(Person, people["admin"])
        for number in range(PEOPLE_NAMED + 1):
            create_person(db.session, email=f"zed{number:03}@example.org",
                          name=f"Zed {number:03}", organisation=admin.organisation,
                          roles=["staff"])
        db.session.commit()
    many_zeds = client.get("/admin/audit?person=zed")
    assert many_zeds.status_code == 400 and "There is a problem" in many_zeds.text
    assert f"More than {PEOPLE_NAMED} people" in html.unescape(many_zeds.text)
    assert client.get("/admin/audit?person=Zed 007").status_code == 200
    assert client.get("/admin/audit?person=%F4%8F%BF%BF").status_code == 200  # U+10FFFF


def test_the_audit_log_pages(app, client, enter, people):
    from pathways import audit
    from webapp.extensions import db

    with app.app_context():
        for number in range(60):
            audit.record(db.session, None, "update", "role", "care-worker", f"change {number}",
                         concerns=None)
        db.session.commit()
        total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    enter("admin")
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "change 59" in first and "change 0<" not in first and 'rel="next"' in first
    shown = int(re.search(r"(\d+) events", first).group(1))
    assert 60 < shown < total  # the events about the organisation outside reach are left out
    assert "?page=2" not in first  # by keyset: the next page continues after the last row
    after = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first).group(1)
    second = client.get(html.unescape(after)).get_data(as_text=True)
    assert 'rel="prev"' in second and "change 0" in second and "change 59" not in second
    assert 'aria-current="page"' in second and 'aria-label="Page 2"' in second
    first_rows = re.findall(r'data-event="(\d+)"', first)
    second_rows = re.findall(r'data-event="(\d+)"', second)
    assert len(first_rows) == 50 and not set(first_rows) & set(second_rows)
    assert int(first_rows[-1]) > int(second_rows[0])
    back = re.search(r'href="([^"]*)" rel="prev"', second).group(1)
    assert re.findall(r'data-event="(\d+)"',
                      client.get(html.unescape(back)).get_data(as_text=True)) == first_rows
    # A cursor edited, of another list or of hostile text is not one: the first page.
    for nonsense in ("abc", "WyJ4Il0", "W251bGwsbnVsbF0", "%00", "W1siYSJdLDFd" * 50):
        answer = client.get(f"/admin/audit?after={nonsense}&page=7")
        assert answer.status_code == 200 and 'rel="prev"' not in answer.text
    filtered = client.get("/admin/audit?entity_type=role").get_data(as_text=True)
    following = re.search(r'href="([^"]*after=[^"]*)" rel="next"', filtered).group(1)
    assert "entity_type=role" in html.unescape(following)


def test_forms_need_a_csrf_token(app, client, enter, people):
    app.config["WTF_CSRF_ENABLED"] = True
    enter("admin")
    staff = people["staff"]
    assert client.post(f"/admin/users/{staff}/status", data={"active": "no"}).status_code == 400
    page = client.get(f"/admin/users/{staff}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post(f"/admin/users/{staff}/status",
                         data={"active": "no", "csrf_token": token})
    assert answer.status_code == 302 and not person(app, "staff@example.org").active


def test_the_import_forms_offer_a_few_organisations_and_find_the_others(app, client, enter,
                                                                        people):
    from pathways.people.accounts import create_organisation
    from webapp.extensions import db

    with app.app_context():
        for number in range(25):
            create_organisation(db.session, f"Willow Care {number:02}", partnership="Testshire")
        db.session.commit()
        last = query(app, select(Organisation.id).where(
            Organisation.name == "Willow Care 24"))[0]
    enter("partnership_lnd")
    for address in ("/admin/import-staff", "/admin/import-champions"):
        page = client.get(address).text
        offered = re.findall(r'<option value="(\d+)"', page)
        assert len(offered) == 20 and str(last) not in offered
        assert "search to find others" in page
        found = client.get(f"{address}?organisation_q=willow care 2").text
        assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', found) == [
            f"Willow Care 2{n}" for n in range(5)]
        assert "No organisation in your reach matches" in client.get(
            f"{address}?organisation_q=nowhere").text
    answer = upload(client, app, GOOD_CSV, organisation=last)  # not among those offered
    assert answer.status_code == 200 and "2 created" in answer.text
    assert person(app, "ann@example.org").organisation_id == last
    enter("lnd")  # one organisation: no search, no choice
    page = client.get("/admin/import-staff").text
    assert "Find the organisation" not in page and "Into <strong>" in page
