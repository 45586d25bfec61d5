"""Reading an import's table from CSV or XLSX, and writing its template: one reader for all.

Every import (staff, apprenticeships, champions, and whatever comes next) calls
:func:`read_table` with the file and its columns. The file's kind is told by its first bytes,
not its name: a zip (``PK``) is an Excel workbook (``.xlsx``), the old binary Excel format
(``.xls``) is refused with a way out, anything else is CSV text (``csv_input.read_csv``).
Both kinds then go through the same rules (``csv_input.collect_rows``): the first row names
the columns, rows are numbered as a spreadsheet shows them, blank rows are skipped, every
cell is text checked by ``text_problem``, and problems are collected as
``row N: column: reason``, so the import stays all-or-nothing.

An XLSX file is read with openpyxl in read-only mode, which streams the first worksheet's
rows rather than loading the workbook, and only its first ``MAX_COLUMNS`` columns. A
workbook is someone else's zip file, so before it is opened:

- it must be a zip with at most ``MAX_MEMBERS`` parts unpacking to at most
  ``MAX_UNPACKED`` bytes, none more than ``MAX_RATIO`` times its packed size (a "zip bomb",
  a few kilobytes that unpack to gigabytes, is refused unread);
- XML is parsed by defusedxml (a dependency; openpyxl uses it when installed), so entity
  tricks fail;
- a sheet that goes on for more rows than the import takes (with blank rows allowed for) is
  refused at that point, however far its dimension claims it goes.

Cells become text the way a person reads them: dates as YYYY-MM-DD (time of day dropped),
whole numbers without ``.0``, yes/no for TRUE/FALSE. A formula is refused (``paste the
values``): the reader never works one out, and the value a spreadsheet last saved with it
may be stale. A cell holding a spreadsheet error (``#N/A``) is refused too. A date typed
into a cell formatted as a number reaches the import as a day number, and
``csv_input.parse_date`` says so.

Templates: :func:`template_file` writes an import's header and an example row as CSV or
XLSX (through ``pathways.exports``), the file the web pages and ``pathways import-template``
offer.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .csv_input import (
    collect_rows,
    csv_lines,
    csv_text,
    iter_csv,
    iter_rows,
    names_a_file,
    read_csv,
)
from .errors import InvalidInput, Problem
from .exports import export

#: The first bytes of a zip file (an XLSX workbook is one) and of an old binary Excel file.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Limits on a workbook before it is opened (see the module docstring).
MAX_UNPACKED = 64 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 1000
#: Columns of a sheet that are read (no import has nearly this many).
MAX_COLUMNS = 50
#: Blank rows a sheet may hold besides the rows an import takes.
BLANK_ROWS = 1000
#: The formats a template is written in.
TEMPLATE_FORMATS = ("csv", "xlsx")

Table = list[tuple[int, dict[str, str]]]


def read_table(source: str | os.PathLike | bytes, columns: Sequence[str],
               required: Sequence[str], problems: list[Problem], summary: str,
               max_rows: int, noun: str = "rows") -> Table:
    """Return a CSV or XLSX file's rows as ``(row number, {column: text})``.

    Parameters
    ----------
    source : str, PathLike or bytes
        A path (a ``Path``, or a string naming an existing file), CSV text, or the file's
        bytes (CSV in UTF-8, or an XLSX workbook).
    columns, required, max_rows, noun
        As for ``csv_input.read_csv``.
    summary : str
        The refusal's summary, e.g. "The staff were not imported".

    Returns
    -------
    list of (int, dict)
        The rows that passed the cell rules; every other problem is added to ``problems``.

    Raises
    ------
    InvalidInput
        When the file cannot be read at all (not UTF-8 text, not a workbook, a zip bomb,
        an unusable header).

    Examples
    --------
    >>> problems = []
    >>> read_table(b"email,name\\nsam@example.org,Sam\\n", ("email", "name"), ("email",),
    ...            problems, "Not imported", 10)
    [(2, {'email': 'sam@example.org', 'name': 'Sam'})]
    """
    if isinstance(source, str) and not names_a_file(source):
        return read_csv(csv_text(source, summary), columns, required, problems, summary,
                        max_rows, noun)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise InvalidInput([Problem(str(path), "no such file")], summary)
        source = path.read_bytes()
    if source.startswith(ZIP_MAGIC):
        return read_xlsx(source, columns, required, problems, summary, max_rows, noun)
    if source.startswith(OLE_MAGIC):
        raise InvalidInput([Problem("file", "is an old Excel workbook (.xls): save it as an "
                                            "Excel workbook (.xlsx) or as CSV UTF-8")], summary)
    return read_csv(csv_text(source, summary), columns, required, problems, summary,
                    max_rows, noun)


def iter_table(source: str | os.PathLike | bytes, columns: Sequence[str],
               required: Sequence[str], problems: list[Problem], summary: str,
               noun: str = "rows") -> Iterator[tuple[int, dict[str, str]]]:
    """Yield a CSV or XLSX file's rows one at a time, with no limit on their number.

    As :func:`read_table`, for imports that stream: a CSV file named by its path is read a
    chunk at a time (constant memory, whatever its length); text and bytes are already in
    memory (uploads are capped in bytes); a workbook's rows stream from openpyxl's
    read-only mode (its file is read whole, within the zip limits).

    Raises
    ------
    InvalidInput
        As :func:`read_table` (on the first step).
    """
    if isinstance(source, str) and not names_a_file(source):
        yield from iter_csv(io.StringIO(csv_text(source, summary), newline=""), columns,
                            required, problems, summary, None, noun)
        return
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise InvalidInput([Problem(str(path), "no such file")], summary)
        with open(path, "rb") as handle:
            start = handle.read(len(OLE_MAGIC))
        if not (start.startswith(ZIP_MAGIC) or start.startswith(OLE_MAGIC)):
            yield from iter_csv(csv_lines(path, summary), columns, required, problems,
                                summary, None, noun)
            return
        source = path.read_bytes()
    if source.startswith(ZIP_MAGIC):
        yield from _iter_xlsx(source, columns, required, problems, summary, noun)
        return
    if source.startswith(OLE_MAGIC):
        raise InvalidInput([Problem("file", "is an old Excel workbook (.xls): save it as an "
                                            "Excel workbook (.xlsx) or as CSV UTF-8")], summary)
    yield from iter_csv(io.StringIO(csv_text(source, summary), newline=""), columns, required,
                        problems, summary, None, noun)


def _iter_xlsx(data: bytes, columns: Sequence[str], required: Sequence[str],
               problems: list[Problem], summary: str, noun: str
               ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield the rows of a workbook's first sheet, as :func:`read_xlsx` reads them."""
    check_workbook_zip(data, summary)
    import openpyxl  # imported here: only an XLSX file needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                          data_only=False, keep_links=False)
    except Exception:  # any failure of a hostile file means "cannot be read"
        raise _unreadable(summary) from None
    try:
        if not workbook.worksheets:
            raise InvalidInput([Problem("file", "has no sheet of rows")], summary)
        rows = iter_rows(_sheet_rows(workbook.worksheets[0], None, problems), columns,
                         required, problems, summary, None, noun)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except InvalidInput:
                raise
            except Exception:  # a malformed sheet found part-way through
                raise _unreadable(summary) from None
            yield row
    finally:
        workbook.close()


def read_xlsx(data: bytes, columns: Sequence[str], required: Sequence[str],
              problems: list[Problem], summary: str, max_rows: int,
              noun: str = "rows") -> Table:
    """Return the rows of a workbook's first sheet, as :func:`read_table` does.

    Raises
    ------
    InvalidInput
        When the bytes are not a workbook that can be read safely.
    """
    check_workbook_zip(data, summary)
    import openpyxl  # imported here: only an XLSX upload needs it

    rows: Table = []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                          data_only=False, keep_links=False)
    except Exception:  # any failure of a hostile file means "cannot be read"
        raise _unreadable(summary) from None
    try:
        if not workbook.worksheets:
            raise InvalidInput([Problem("file", "has no sheet of rows")], summary)
        sheet = workbook.worksheets[0]
        last_row = max_rows + 1 + BLANK_ROWS
        collect_rows(_sheet_rows(sheet, last_row, problems), columns, required, problems,
                     summary, max_rows, noun, rows)
    except InvalidInput:
        raise
    except Exception:  # a malformed sheet found part-way through
        raise _unreadable(summary) from None
    finally:
        workbook.close()
    return rows


def check_workbook_zip(data: bytes, summary: str) -> None:
    """Refuse bytes that are not a zip, or that would unpack to too much (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _unreadable(summary) from None
    unpacked = sum(member.file_size for member in members)
    bomb = any(member.file_size > MAX_RATIO * max(member.compress_size, 1) for member in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED or bomb:
        raise InvalidInput([Problem("file", "unpacks to far more than a table of this size "
                                            "needs: save the sheet on its own as CSV UTF-8 or "
                                            "as a new workbook")], summary)


def _unreadable(summary: str) -> InvalidInput:
    return InvalidInput([Problem("file", "cannot be read as an Excel workbook (.xlsx): save "
                                         "it again from your spreadsheet as an Excel workbook, "
                                         "or as CSV UTF-8")], summary)


def _sheet_rows(sheet, last_row: int | None, problems: list[Problem]
                ) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row number, cell texts)`` of a read-only sheet, up to ``last_row`` (if any)."""
    header: list[str] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if last_row is not None and number > last_row:
            problems.append(Problem("file", f"goes on past row {last_row:,}: split it into "
                                            "smaller files, or delete the empty rows"))
            return
        found = len(problems)
        texts = [_cell_text(cell, number, header, position, problems)
                 for position, cell in enumerate(cells)]
        while texts and not texts[-1]:  # a sheet pads rows with empty cells
            texts.pop()
        if number == 1:
            header = texts
        elif len(problems) > found:  # a formula or an error: reported, the row left out
            continue
        else:  # an empty cell at the end of a row is an empty value, not a missing one
            texts += [""] * (len(header) - len(texts))
        yield number, texts


def _cell_text(cell, number: int, header: list[str], position: int,
               problems: list[Problem]) -> str:
    """Return a cell as the text a person reads in it; a formula or error is a problem."""
    value = cell.value
    if value is None:
        return ""
    kind = getattr(cell, "data_type", None)
    if kind in ("f", "e"):
        column = header[position].strip() if position < len(header) else _letter(position)
        where = f"row {number}: {column or _letter(position)}"
        if kind == "f":
            problems.append(Problem(where, "holds a formula: copy the column and paste it "
                                           "as values"))
        else:
            problems.append(Problem(where, f"holds the spreadsheet error {value}"))
        return "?"  # the row is left out (``_sheet_rows``); a header reads as unknown
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _letter(position: int) -> str:
    """Return a spreadsheet's letter for a column counted from 0 (0 is A, 26 is AA)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def template_file(fmt: str, columns: Sequence[str], example: Sequence[object],
                  sheet: str = "Import") -> bytes:
    """Return an import's template: its columns and one example row, as CSV or XLSX.

    Examples
    --------
    >>> template_file("csv", ("email", "name"), ("sam@example.org", "Sam Poole"))
    b'\\xef\\xbb\\xbfemail,name\\r\\nsam@example.org,Sam Poole\\r\\n'
    """
    if fmt not in TEMPLATE_FORMATS:
        raise ValueError(f"no template format {fmt!r}")
    return export(fmt, list(columns), [list(example)], sheet)
