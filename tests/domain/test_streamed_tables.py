"""Reading an import's table a row at a time (``iter_table``, ``csv_lines``): same rows as whole."""

import pytest

from pathways.csv_input import csv_lines, iter_csv
from pathways.errors import InvalidInput
from pathways.exports import export
from pathways.spreadsheets import iter_table, read_table

COLUMNS = ("email", "name", "note")
TEXT = ('email,name,note\r\nann@example.org,Ann Lee,"two\r\nlines, and a comma"\r\n\r\n'
        'bob@example.org,Zoë Ødegård,\r\n')


def whole(source, problems=None):
    return read_table(source, COLUMNS, ("email",), [] if problems is None else problems,
                      "Refused", 100)


def test_a_file_read_in_small_chunks_gives_the_rows_read_whole(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    problems, problems_whole = [], []
    streamed = list(iter_csv(csv_lines(path, "Refused", chunk=5), COLUMNS, ("email",),
                             problems, "Refused"))
    assert streamed == whole(path, problems_whole) == [
        (4, {"email": "bob@example.org", "name": "Zoë Ødegård", "note": ""})]
    assert problems == problems_whole  # the quoted line break, in row 2 (a record of 2 lines)
    assert [str(problem) for problem in problems] == [
        "row 2: note: contains a control character (a line break, character 4): remove it"]


@pytest.mark.parametrize("chunk", [3, 4, 1 << 20])
def test_a_byte_that_is_not_utf8_is_named_wherever_the_chunk_ends(tmp_path, chunk):
    path = tmp_path / "latin1.csv"
    data = "email,name\nann@example.org,Zoë\n".encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as refused:
        list(csv_lines(path, "Refused", chunk=chunk))
    where = data.index("ë".encode("latin-1"))
    assert f"is not UTF-8 text (byte {where})" in str(refused.value)


@pytest.mark.parametrize("kind", ["path", "text", "bytes", "workbook"])
def test_iter_table_reads_every_kind_of_source_as_read_table_does(tmp_path, kind):
    rows = [["ann@example.org", "Ann Lee", "n"], ["bob@example.org", "Bob", ""]]
    if kind == "workbook":
        source = export("xlsx", list(COLUMNS), rows, "People")
    elif kind == "path":
        source = tmp_path / "people.csv"
        source.write_text("email,name,note\n" + "".join(",".join(r) + "\n" for r in rows))
    else:
        text = "email,name,note\n" + "".join(",".join(r) + "\n" for r in rows)
        source = text if kind == "text" else text.encode()
    assert list(iter_table(source, COLUMNS, ("email",), [], "Refused")) == whole(source)


def test_iter_table_has_no_row_limit_and_refuses_a_bad_header_on_the_first_step():
    text = "email,name\n" + "".join(f"p{n}@example.org,P {n}\n" for n in range(3000))
    assert len(list(iter_table(text, COLUMNS, ("email",), [], "Refused"))) == 3000
    rows = iter_table("name\nAnn\n", COLUMNS, ("email",), [], "Refused")
    with pytest.raises(InvalidInput, match="required column 'email' is missing"):
        next(rows)
