"""Training records imported on the web (``/training/import``): who may, the template, a
good file, a bad one listing each row, and people of another organisation refused."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from pathways import clock
from pathways.models import TrainingRecord
from pathways.training.importer import COLUMNS
from seed.training import load_subjects
from webapp.extensions import db

TODAY = clock.today()
HEADER = "email,staff_id,subject,completed_on,provider,evidence\n"


@pytest.fixture
def subjects(app, people):
    with app.app_context():
        load_subjects(db.session)
        db.session.commit()
    return people


def upload(client, data: bytes, name="training.csv"):
    return client.post("/training/import",
                       data={"training_file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def records(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TrainingRecord))


def summary_items(page: str) -> list[str]:
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index(
        "govuk-error-summary__list"))]
    return [re.sub(r"\s+", " ", item).strip()
            for item in re.findall(r'<a href="#training_file">([^<]+)</a>', summary)]


@pytest.mark.parametrize(("who", "status"), [
    ("lnd", 200), ("admin", 200), ("manager", 403), ("staff", 403), ("champion", 403)])
def test_who_may_import_training(client, enter, subjects, who, status):
    enter(who)
    assert client.get("/training/import").status_code == status
    assert client.get("/training/import/template.csv").status_code == status
    assert upload(client, HEADER.encode()).status_code in (
        (status,) if status == 403 else (303,))


def test_signed_out_people_are_sent_to_sign_in(client, subjects):
    answer = client.get("/training/import")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_matrix_links_to_the_import_for_those_who_run_training(client, enter, subjects):
    enter("lnd")
    assert 'href="/training/import"' in client.get("/training").text
    enter("manager")
    assert 'href="/training/import"' not in client.get("/training").text


def test_the_template_has_the_columns_and_an_example(client, enter, subjects):
    enter("lnd")
    csv = client.get("/training/import/template.csv")
    assert csv.headers["Content-Disposition"] == (
        'attachment; filename="training-import-template.csv"')
    assert csv.text.lstrip("\ufeff").splitlines()[0] == ",".join(COLUMNS)
    xlsx = client.get("/training/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [cell.value for cell in next(sheet.iter_rows())] == list(COLUMNS)
    page = client.get("/training/import").text
    assert "/training/import/template.xlsx" in page and "/training/import/template.csv" in page


def test_a_good_file_adds_the_records_and_says_how_many(app, client, enter, subjects):
    enter("lnd")
    day = (TODAY - timedelta(days=40)).isoformat()
    data = (HEADER + f"staff@example.org,,Fire safety,{day},Blaze,FS-1\n"
            f"COLLEAGUE@example.org,,fire-safety,{day},,\n").encode()
    answer = upload(client, data)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/training")
    assert "Imported 2 training records." in client.get("/training").text
    assert records(app) == 2
    again = upload(client, data)  # the same rows again are left out and counted
    assert again.status_code == 303
    assert "2 rows were recorded already and left out" in client.get("/training").text
    assert records(app) == 2


def test_an_excel_workbook_is_imported(app, client, enter, subjects):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(["staff@example.org", None, "Fire safety", TODAY - timedelta(days=3), None,
                  None])
    buffer = io.BytesIO()
    book.save(buffer)
    enter("admin")
    assert upload(client, buffer.getvalue(), "training.xlsx").status_code == 303
    assert records(app) == 1


def test_a_bad_file_lists_every_bad_row_and_imports_nothing(app, client, enter, subjects):
    enter("lnd")
    future = (TODAY + timedelta(days=3)).isoformat()
    data = (HEADER + f"staff@example.org,,Fire safety,{TODAY.isoformat()},,\n"
            f"staff@example.org,,Underwater welding,{TODAY.isoformat()},,\n"
            f"colleague@example.org,,Fire safety,{future},,\n"
            "nobody@example.org,,Fire safety,2026-01-01,,\n"
            "colleague@example.org,,Fire safety,yesterday,,\n").encode()
    answer = upload(client, data)
    assert answer.status_code == 400
    items = summary_items(answer.text)
    assert [item.split(":")[0] for item in items] == ["row 3", "row 4", "row 5", "row 6"]
    assert items[0].startswith("row 3: subject:")
    assert "The file has 4 problem(s): nothing was imported" in answer.text
    assert records(app) == 0


def test_people_of_another_organisation_are_refused(app, client, enter, subjects):
    """Sunrise Care's staff are not the council's people: the council's L&D cannot record
    their training, even in the same partnership."""
    enter("lnd")
    data = (HEADER + f"partner_staff@example.org,,Fire safety,{TODAY.isoformat()},,\n"
            f"outsider@example.org,,Fire safety,{TODAY.isoformat()},,\n").encode()
    answer = upload(client, data)
    assert answer.status_code == 400
    assert [item.split(":")[:2] for item in summary_items(answer.text)] == [
        ["row 2", " email"], ["row 3", " email"]]
    assert records(app) == 0


def test_files_that_cannot_be_read_are_refused_not_failed(app, client, enter, subjects):
    enter("lnd")
    assert upload(client, b"", "empty.csv").status_code == 400
    assert upload(client, b"PK\x03\x04not a zip", "training.xlsx").status_code == 400
    assert upload(client, b"\xd0\xcf\x11\xe0old excel", "training.xlsx").status_code == 400
    refused = upload(client, HEADER.encode(), "training.pdf")
    assert refused.status_code == 400 and "must be a CSV file" in refused.text
    too_big = upload(client, HEADER.encode() + b"x" * (5 * 1024 * 1024))
    assert too_big.status_code == 413
    assert client.post("/training/import", data={}).status_code == 400
    assert records(app) == 0
