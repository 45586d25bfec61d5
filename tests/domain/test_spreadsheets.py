"""One reader for every import: CSV or XLSX by the file's first bytes, hostile workbooks refused."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from pathways.cli import cli
from pathways.csv_input import parse_date, row_problems
from pathways.errors import InvalidInput
from pathways.spreadsheets import MAX_RATIO, read_table, template_file

COLUMNS = ("email", "name", "start", "hours", "open")
SUMMARY = "Not imported"


def workbook(*rows, at=None) -> bytes:
    """An XLSX file of ``rows`` (cells as given), with ``at`` cells written at places."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for (row, column), value in (at or {}).items():
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data, max_rows=100):
    problems = []
    rows = read_table(data, COLUMNS, ("email",), problems, SUMMARY, max_rows)
    return rows, [str(problem) for problem in problems]


def refusal(data) -> str:
    with pytest.raises(InvalidInput) as error:
        read(data)
    return str(error.value)


def test_an_xlsx_file_reads_as_the_same_rows_as_its_csv():
    csv = b"Email,Name,Start,Hours,Open\nann@example.org,Ann Lee,2026-09-01,37.5,yes\n"
    xlsx = workbook(("Email", "Name", "Start", "Hours", "Open"),
                    ("ann@example.org", "Ann Lee", datetime(2026, 9, 1), 37.5, True))
    assert read(csv) == read(xlsx) == ([(2, {"email": "ann@example.org", "name": "Ann Lee",
                                             "start": "2026-09-01", "hours": "37.5",
                                             "open": "yes"})], [])


def test_cells_become_the_text_a_person_reads_and_short_rows_are_padded():
    xlsx = workbook(("email", "name", "start", "hours"), (),
                    ("bob@example.org", None, date(2025, 1, 2), 40.0),
                    ("cy@example.org",))
    rows, problems = read(xlsx)
    assert problems == []
    assert rows == [(3, {"email": "bob@example.org", "name": "", "start": "2025-01-02",
                         "hours": "40"}),
                    (4, {"email": "cy@example.org", "name": "", "start": "", "hours": ""})]


def test_formulas_and_spreadsheet_errors_are_refused_naming_row_and_column():
    xlsx = workbook(("email", "name", "hours"), ("ann@example.org", "Ann", "=20+17.5"),
                    at={(3, 1): "bob@example.org", (3, 2): "#N/A"})
    rows, problems = read(xlsx)
    assert rows == []
    assert problems == ["row 2: hours: holds a formula: copy the column and paste it as values",
                        "row 3: name: holds the spreadsheet error #N/A"]


def test_a_day_number_where_a_date_should_be_is_explained():
    found = []
    assert parse_date("46000", "start", row_problems(2, found)) is None
    assert "looks like a spreadsheet's day number" in str(found[0])
    assert "format the column as a date" in str(found[0])


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04 this is no zip at all", "file: cannot be read as an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "file: is an old Excel workbook (.xls)"),
])
def test_files_that_are_not_workbooks_get_a_clear_answer(data, message):
    assert message in refusal(data)


def test_a_zip_that_is_no_workbook_gets_a_clear_answer():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    assert "cannot be read as an Excel workbook" in refusal(out.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (MAX_RATIO * 5000))
    assert len(out.getvalue()) < 10_000
    assert "unpacks to far more than a table of this size needs" in refusal(out.getvalue())


def test_a_sheet_that_goes_on_and_on_is_cut_off_with_a_problem():
    xlsx = workbook(("email",), ("ann@example.org",), at={(200_000, 1): "far@example.org"})
    rows, problems = read(xlsx, max_rows=5)
    assert [number for number, _ in rows] == [2]
    assert problems == ["file: goes on past row 1,006: split it into smaller files, or delete "
                        "the empty rows"]


def test_an_unknown_column_in_a_workbook_is_named_in_row_1():
    with pytest.raises(InvalidInput) as error:
        read(workbook(("email", "shoe size"), ("ann@example.org", 9)))
    assert "row 1: unknown column 'shoe size'" in str(error.value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_template_reads_back_as_its_columns_and_example_row(fmt):
    data = template_file(fmt, COLUMNS, ("ann@example.org", "Ann", date(2026, 9, 1), 37.5, "no"))
    assert read(data) == ([(2, {"email": "ann@example.org", "name": "Ann",
                                "start": "2026-09-01", "hours": "37.5", "open": "no"})], [])


@pytest.mark.parametrize("kind", ["staff", "apprenticeships", "champions"])
def test_the_command_line_prints_or_writes_each_template(kind, tmp_path):
    runner = CliRunner()
    printed = runner.invoke(cli, ["import-template", kind])
    assert printed.exit_code == 0, printed.output
    header, example = printed.output.splitlines()
    assert header.startswith("email,") and "@example.org" in example
    written = runner.invoke(cli, ["import-template", kind, "-o", str(tmp_path / "t.xlsx")])
    assert written.exit_code == 0, written.output
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True).worksheets[0]
    assert [cell.value for cell in next(sheet.iter_rows())] == header.split(",")
    wrong = runner.invoke(cli, ["import-template", kind, "-o", str(tmp_path / "t.pdf")])
    assert wrong.exit_code == 2 and "must end in .csv or .xlsx" in wrong.output


def test_a_sheet_declaring_xml_entities_is_refused_unread():
    book = zipfile.ZipFile(io.BytesIO(workbook(("email",), ("ann@example.org",))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member in book.infolist():
            data = book.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE lolz [<!ENTITY lol "lol">]>' + data
            archive.writestr(member, data)
    assert "cannot be read as an Excel workbook" in refusal(out.getvalue())
