"""Reading uploaded CSV files the same way in every import: text, header, rows and dates.

The imports (staff, apprenticeships, champions) share these rules: a file is a path, text or
UTF-8 bytes (a leading BOM is dropped); the first row names the columns in any case, with
spaces, hyphens or underscores; rows are numbered as a spreadsheet shows them (the header is
row 1); blank rows are skipped; dates are YYYY-MM-DD or DD/MM/YYYY; a cell holds at most
``MAX_CELL`` characters and no control character (NUL and the like: ``text_problem``);
numbers are finite and at most ``MAX_NUMBER``. Problems are collected as
:class:`~pathways.errors.Problem` (``row N: column: reason``) so that an import can report
every one of them at once; only a file that cannot be read at all raises at once.

``text_problem`` is also the web forms' rule for text (``webapp.input_rules``), and
``LARGEST_ID`` the largest id a URL, form or file may name: one rule for every way in.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from .errors import InvalidInput, Problem

#: The date formats accepted in a cell.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
#: A day written YYYY-MM-DD with every digit (read without strptime; anything else with it).
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A day as spreadsheets count them (days since 1900, e.g. 46000 for 9 December 2025).
SERIAL_DAY = re.compile(r"[1-9]\d{0,5}(\.\d+)?")
#: A number with commas between its thousands, e.g. 1,250.5 (any other comma is refused).
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
#: The largest file accepted from an upload.
MAX_BYTES = 5 * 1024 * 1024
#: The most characters a cell holds (no column of an import needs more).
MAX_CELL = 1000
#: The largest number a cell may hold: far above any hours, capacity or count, far below
#: what would overflow a column or a calculation.
MAX_NUMBER = Decimal(1_000_000)
#: The largest id of a record (ids are the databases' 32-bit integers).
LARGEST_ID = 2**31 - 1
#: Control characters (C0, DEL and C1), which no text may hold; tab, line feed and carriage
#: return are allowed in text of several lines.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Names of the control characters people may recognise.
CONTROL_NAMES = {"\x00": "NUL", "\t": "a tab", "\n": "a line break", "\r": "a line break",
                 "\x1b": "ESC", "\x7f": "DEL"}

#: Adds a problem about one column of the current row: ``problem(column, message)``.
RowProblem = Callable[[str, str], None]


def read_upload(upload: IO[bytes], summary: str, max_bytes: int | None = None) -> bytes:
    """Return an uploaded file's bytes (read in full, at most ``max_bytes``).

    ``max_bytes`` defaults to ``MAX_BYTES``.

    Raises
    ------
    InvalidInput
        When the file is larger than ``max_bytes``.
    """
    max_bytes = max_bytes or MAX_BYTES
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput([Problem("file", f"is larger than {max_bytes // (1024 * 1024)} MB: "
                                            "split it into smaller files")], summary)
    return data if isinstance(data, bytes) else data.encode()


def csv_text(path_or_text: str | os.PathLike | bytes, summary: str) -> str:
    """Return the CSV text from a path, text or UTF-8 bytes (a leading BOM is dropped).

    Parameters
    ----------
    path_or_text : str, PathLike or bytes
        A path (a ``Path``, or a string naming an existing file), or the contents.
    summary : str
        The refusal's summary, e.g. "The staff were not imported".

    Raises
    ------
    InvalidInput
        When the path names no file, or the bytes are not UTF-8.
    """
    if isinstance(path_or_text, str) and not names_a_file(path_or_text):
        return path_or_text.removeprefix("\ufeff")
    if isinstance(path_or_text, (str, os.PathLike)):
        path = Path(path_or_text)
        if not path.is_file():
            raise InvalidInput([Problem(str(path), "no such file")], summary)
        path_or_text = path.read_bytes()
    try:
        return path_or_text.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput([Problem("file", f"is not UTF-8 text (byte {error.start}): save it "
                                            "from your spreadsheet as 'CSV UTF-8'")],
                           summary) from None


def text_problem(text: str, *, multiline: bool = False, limit: int | None = None
                 ) -> str | None:
    r"""Return why ``text`` cannot be taken as it is, or None when it can.

    Text must hold no control character (NUL and the like; tab and line breaks are allowed
    when ``multiline``) and, given a ``limit``, at most that many characters. Refused rather
    than cleaned: a NUL or an escape sequence is never what someone meant to type, and the
    databases cannot store every one of them (PostgreSQL refuses NUL in text).

    Examples
    --------
    >>> text_problem("Zoë Ødegård") is None
    True
    >>> text_problem("a\x00b")
    'contains a control character (NUL, character 2): remove it'
    >>> text_problem("two\nlines"), text_problem("two\nlines", multiline=True)
    ('contains a control character (a line break, character 4): remove it', None)
    >>> text_problem("x" * 300, limit=200)
    'must be 200 characters or fewer (it has 300)'
    """
    found = (CONTROL_BUT_LINES if multiline else CONTROL).search(text)
    if found is not None:
        character = found.group()
        name = CONTROL_NAMES.get(character, f"U+{ord(character):04X}")
        return f"contains a control character ({name}, character {found.start() + 1}): remove it"
    if limit is not None and len(text) > limit:
        return f"must be {limit:,} characters or fewer (it has {len(text):,})"
    return None


def whole_number(text: str, *, minimum: int = 0, maximum: int = LARGEST_ID) -> int | None:
    """Return ``text`` as a whole number from ``minimum`` to ``maximum``, or None.

    Only the digits 0-9 count (``str.isdigit`` also accepts ``²`` and other digits that
    ``int`` refuses), so an id or count typed anywhere is read one way.

    Examples
    --------
    >>> whole_number("42"), whole_number(" 7 "), whole_number("²"), whole_number("2147483648")
    (42, 7, None, None)
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def names_a_file(text: str) -> bool:
    """Whether a string is a path to an existing file rather than CSV text."""
    return "\n" not in text and 0 < len(text) < 4096 and Path(text).is_file()


def read_csv(text: str, columns: Sequence[str], required: Sequence[str],
             problems: list[Problem], summary: str, max_rows: int,
             noun: str = "rows") -> list[tuple[int, dict[str, str]]]:
    """Return the file's rows as ``(row number, {column: value})``; problems are collected.

    Values are stripped; a row with more values than columns is accepted when the extra
    values are empty (spreadsheets add trailing commas). A row with a cell that breaks
    ``text_problem`` (a control character, more than ``MAX_CELL`` characters) is reported
    and left out, so that nothing reads it further.

    Parameters
    ----------
    columns, required : sequence of str
        The columns the file may have, and those it must have.
    max_rows : int
        The most rows read; past it a problem says to split the file (``noun`` names
        what a row is, e.g. "people").

    Raises
    ------
    InvalidInput
        When the header is unusable (then the rows cannot be read).
    """
    return list(iter_csv(io.StringIO(text, newline=""), columns, required, problems,
                         summary, max_rows, noun))


def iter_csv(lines: Iterable[str], columns: Sequence[str], required: Sequence[str],
             problems: list[Problem], summary: str, max_rows: int | None = None,
             noun: str = "rows") -> Iterator[tuple[int, dict[str, str]]]:
    """Yield a CSV file's rows one at a time, as :func:`read_csv` returns them.

    ``lines`` is the text line by line (an open file, or :func:`csv_lines` of a path), so a
    file of any length is read in constant memory; ``max_rows`` None reads every row.

    Raises
    ------
    InvalidInput
        When the header is unusable (raised on the first step).
    """
    reader = csv.reader(lines, strict=True)
    try:
        yield from iter_rows(enumerate(reader, start=1), columns, required, problems,
                             summary, max_rows, noun)
    except csv.Error as error:
        hint = " (a quoted value is never closed)" if "end of data" in str(error) else ""
        problems.append(Problem(f"line {reader.line_num}", f"malformed CSV: {error}{hint}"))


def csv_lines(path: str | os.PathLike, summary: str, chunk: int = 1 << 20) -> Iterator[str]:
    """Yield a UTF-8 file's lines (a leading BOM dropped), reading ``chunk`` bytes at a time.

    Raises
    ------
    InvalidInput
        When the file is not UTF-8 (with the byte where it stops being so).
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset, rest = 0, ""
    with open(path, "rb") as handle:
        while True:
            data = handle.read(chunk)
            pending = len(decoder.getstate()[0])  # bytes of a character begun in the last chunk
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                where = offset - pending + error.start
                raise InvalidInput([Problem("file", f"is not UTF-8 text (byte "
                                                    f"{where}): save it from "
                                                    "your spreadsheet as 'CSV UTF-8'")],
                                   summary) from None
            offset += len(data)
            lines = (rest + text).split("\n")
            rest = lines.pop()
            for line in lines:
                yield line + "\n"
            if not data:
                break
    if rest:
        yield rest


def collect_rows(numbered: Iterator[tuple[int, list[str]]], columns: Sequence[str],
                 required: Sequence[str], problems: list[Problem], summary: str,
                 max_rows: int, noun: str, rows: list[tuple[int, dict[str, str]]]) -> None:
    """Add the rows of a table (its header first) to ``rows``, as :func:`read_csv` says.

    ``numbered`` gives each row of the table as ``(row number, cell texts)``, the header
    first; every reader of a file format (CSV here, XLSX in ``pathways.spreadsheets``) turns
    its rows into text and hands them here, so every import checks one set of rules.

    Raises
    ------
    InvalidInput
        When the header is unusable (then the rows cannot be read).
    """
    rows.extend(iter_rows(numbered, columns, required, problems, summary, max_rows, noun))


def iter_rows(numbered: Iterator[tuple[int, list[str]]], columns: Sequence[str],
              required: Sequence[str], problems: list[Problem], summary: str,
              max_rows: int | None, noun: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield the rows of a table one at a time, as :func:`collect_rows` adds them.

    ``max_rows`` None takes every row.

    Raises
    ------
    InvalidInput
        When the header is unusable (raised on the first step).
    """
    first = next(numbered, None)
    header = check_header(first[1] if first else None, columns, required, problems)
    if header is None:
        raise InvalidInput(problems, summary)
    taken = 0
    for number, values in numbered:
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header) and not any(v.strip() for v in values[len(header):]):
            values = values[:len(header)]
        if len(values) != len(header):
            problems.append(Problem(f"row {number}", f"has {len(values)} values but the "
                                                     f"header has {len(header)} columns"))
            continue
        cells = dict(zip(header, (value.strip() for value in values)))
        bad = [(column, reason) for column, value in cells.items()
               if (reason := text_problem(value, limit=MAX_CELL)) is not None]
        problems.extend(Problem(f"row {number}: {column}", reason) for column, reason in bad)
        if not bad:
            taken += 1
            yield number, cells
        if max_rows is not None and taken > max_rows:
            problems.append(Problem("file", f"has more than {max_rows} {noun}: split it "
                                            "into smaller files"))
            break


def check_header(header: list[str] | None, columns: Sequence[str], required: Sequence[str],
                 problems: list[Problem]) -> list[str] | None:
    """Return the normalised column names, or None (with problems) when they are unusable."""
    if not header or not any(name.strip() for name in header):
        problems.append(Problem("row 1", "the first row must name the columns: "
                                         + ", ".join(columns)))
        return None
    names = [normalise_column(name) for name in header]
    found = len(problems)
    for position, name in enumerate(names):
        if name not in columns:
            problems.append(Problem("row 1", f"unknown column {header[position].strip()!r}: "
                                             f"the columns are {', '.join(columns)}"))
        elif names.index(name) != position:
            problems.append(Problem("row 1", f"column {name!r} appears more than once"))
    for name in required:
        if name not in names:
            problems.append(Problem("row 1", f"required column {name!r} is missing"))
    return None if len(problems) > found else names


def normalise_column(name: str) -> str:
    """Return a column name in lower case with spaces and hyphens as underscores."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def row_problems(number: int, found: list[Problem]) -> RowProblem:
    """Return ``problem(column, message)``, adding ``row N: column: message`` to ``found``."""
    def problem(column: str, message: str) -> None:
        found.append(Problem(f"row {number}: {column}", message))
    return problem


#: A plausible email address: something@something.tld with no spaces or separators.
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def parse_email(value: str | None, problem: RowProblem, whose: str = "the person's"
                ) -> str:
    """Read an email address (trimmed, lower case), reporting a missing or malformed one."""
    email = (value or "").strip().lower()
    if not email:
        problem("email", f"enter {whose} email address")
    elif len(email) > 254 or not EMAIL_PATTERN.match(email):
        problem("email", f"{email!r} is not an email address like name@example.org")
    return email


def parse_date(value: str | None, column: str, problem: RowProblem) -> date | None:
    """Read a date (YYYY-MM-DD or DD/MM/YYYY); empty is None; otherwise report ``column``."""
    if not value:
        return None
    if ISO_DAY.fullmatch(value):  # the usual case, without strptime's cost
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass  # e.g. 2023-02-31: strptime below refuses it with the usual message
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    if SERIAL_DAY.fullmatch(value):  # a spreadsheet's day number, in a cell not shown as a date
        problem(column, f"{value!r} is not a date: it looks like a spreadsheet's day number "
                        "(the cell is not formatted as a date): format the column as a date, "
                        "or type the dates as YYYY-MM-DD or DD/MM/YYYY")
        return None
    problem(column, f"{value!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY")
    return None


def parse_decimal(value: str | None, column: str, problem: RowProblem, *,
                  minimum: Decimal = Decimal(0), maximum: Decimal | None = None,
                  above_minimum: bool = False, what: str = "a number"
                  ) -> Decimal | None:
    """Read a number in a range, rounded to hundredths; empty is None; otherwise report.

    Commas may separate thousands (``1,250``); a decimal comma (``37,5``) is refused rather
    than misread.

    Parameters
    ----------
    minimum, maximum : Decimal
        The range; ``above_minimum`` makes the minimum itself refused. The maximum is at
        most ``MAX_NUMBER`` (also when none is given).
    what : str
        What the number is, for the message, e.g. "a number of hours".
    """
    if not value:
        return None
    if "," in value and not THOUSANDS.fullmatch(value):
        problem(column, f"{value!r} is not {what}: write decimals with a point, e.g. 37.5")
        return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        problem(column, f"{value!r} is not {what}")
        return None
    ceiling = MAX_NUMBER if maximum is None else min(maximum, MAX_NUMBER)
    if abs(number) <= MAX_NUMBER:  # larger ones are out of range, and 1e30 cannot be rounded
        number = number.quantize(Decimal("0.01"))
    low = number <= minimum if above_minimum else number < minimum
    if low or number > ceiling:
        lower = f"more than {minimum}" if above_minimum else f"at least {minimum}"
        upper = f" and at most {ceiling:,}" if maximum is not None or not low else ""
        problem(column, f"must be {lower}{upper}")
        return None
    return number
