"""Tables as downloads: CSV (UTF-8 with a BOM, so Excel reads it right) and XLSX.

A table is ``(headers, rows)``: a list of column names and a list of rows of values, each
value text, a number, a date, a yes/no (``bool``) or None (an empty cell).

**CSV injection.** A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@``
as a formula, and a leading tab or carriage return can hide one; a name such as
``=HYPERLINK("http://evil","Click")`` would run when the file is opened. As OWASP
recommends, :func:`neutralise` prefixes such text with a single quote ``'``, so it is shown
as text. Only text is neutralised: a real number (``int``, ``float``, ``Decimal``), even a
negative one, is written as a number, unprefixed in CSV and as a numeric cell in XLSX, since
a number cannot carry a formula (``-5`` stays ``-5`` and sums in the spreadsheet; the text
``"-5"`` becomes ``'-5``). In XLSX, text is written as text cells, never as formulas or
links, and is neutralised too, so that editing a cell in Excel cannot bring a formula back
to life. Dates are written as ISO dates (``2026-11-24``) in CSV and as date cells in XLSX.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeGuard

import xlsxwriter

#: Leading characters that make a spreadsheet read a cell as a formula (OWASP).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Media types of the downloads.
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The formats a table can be downloaded in, with their media types.
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
#: Excel's limits: a sheet name's length and the characters it may not hold.
SHEET_NAME_LIMIT = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: The widest column set in an XLSX sheet, in characters.
MAX_COLUMN_WIDTH = 60

Row = Sequence[object]


def is_number(value: object) -> TypeGuard[int | float | Decimal]:
    """Whether a value is a real, finite number (not a yes/no)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def neutralise(value: object) -> str:
    """Return a value as cell text that no spreadsheet runs as a formula.

    Parameters
    ----------
    value : object
        Text, a number, a date, a ``bool`` or None.

    Returns
    -------
    str
        Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
        leading ``'``; real numbers are written plainly (never prefixed, even when
        negative); dates in ISO form; ``True``/``False`` as ``yes``/``no``; None as empty.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://evil")')
    '\\'=HYPERLINK("http://evil")'
    >>> neutralise("＝1+1")
    "'＝1+1"
    >>> neutralise(-5), neutralise("-5"), neutralise(None), neutralise(True)
    ('-5', "'-5", '', 'yes')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_number(value):
        return _number_text(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    # Full-width forms (＝ ＋ － ＠) start formulas in some spreadsheets too: compare the
    # compatibility form of the first character.
    first = unicodedata.normalize("NFKC", text[:1])
    return "'" + text if first.startswith(DANGEROUS_PREFIXES) else text


def _number_text(value: int | float | Decimal) -> str:
    """Write a number plainly: ``187`` for ``187.0``, never in exponent form."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(str(value)) if isinstance(value, float) else value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_csv(headers: Sequence[str], rows: Iterable[Row]) -> bytes:
    """Return the table as CSV: UTF-8 with a BOM, CRLF line ends, every cell neutralised.

    Examples
    --------
    >>> to_csv(["name", "hours"], [["=1+1", 7.5]])
    b"\\xef\\xbb\\xbfname,hours\\r\\n'=1+1,7.5\\r\\n"
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in headers])
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def safe_sheet_name(name: str) -> str:
    """Return a name Excel accepts for a sheet: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = SHEET_NAME_FORBIDDEN.sub("-", name or "").strip().strip("'")
    return cleaned[:SHEET_NAME_LIMIT].strip() or "Sheet1"


def to_xlsx(headers: Sequence[str], rows: Iterable[Row], sheet_name: str = "Sheet1") -> bytes:
    """Return the table as an XLSX workbook of one sheet.

    Numbers are numeric cells, dates are date cells (shown YYYY-MM-DD), everything else is a
    text cell, neutralised (see the module docstring); the header row is bold, frozen and
    filterable.

    Parameters
    ----------
    headers : sequence of str
        The column names (the first row).
    rows : iterable of sequences
        The values.
    sheet_name : str
        The sheet's name (made acceptable to Excel by :func:`safe_sheet_name`).
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False})
    sheet = workbook.add_worksheet(safe_sheet_name(sheet_name))
    bold = workbook.add_format({"bold": True})
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    widths = [len(neutralise(header)) for header in headers]
    for column, header in enumerate(headers):
        sheet.write_string(0, column, neutralise(header), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _write_cell(sheet, count, column, value, dated)
            if column < len(widths):
                widths[column] = max(widths[column], len(neutralise(value)))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(width + 2, MAX_COLUMN_WIDTH))
    sheet.freeze_panes(1, 0)
    if headers:
        sheet.autofilter(0, 0, count, len(headers) - 1)
    workbook.close()
    return buffer.getvalue()


def _write_cell(sheet, row: int, column: int, value: object, dated) -> None:
    """Write one value as a number, a date or neutralised text (nothing for None)."""
    if value is None:
        return
    if is_number(value):
        sheet.write_number(row, column, float(value))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), dated)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), dated)
    else:
        sheet.write_string(row, column, neutralise(value))


def export(fmt: str, headers: Sequence[str], rows: Iterable[Row], sheet: str = "Sheet1"
           ) -> bytes:
    """Return the table in ``fmt`` (``csv`` or ``xlsx``; see ``FORMATS``).

    Raises
    ------
    ValueError
        For any other format.
    """
    if fmt == "csv":
        return to_csv(headers, rows)
    if fmt == "xlsx":
        return to_xlsx(headers, rows, sheet)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
