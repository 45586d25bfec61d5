"""Reading the interchange format: a JSON file, or a folder with nodes.csv and edges.csv.

Every problem is collected, each with the item's position or id, before anything is
refused; a reader returns a :class:`GraphDocument` only when the whole input is sound.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..document import GraphDocument
from ..errors import InvalidInput, Problem
from .fields import EDGE_FIELDS, NODE_FIELDS, Field, parse_item

FORMAT_NAME = "pathways-graph"
FORMAT_VERSION = 1
NODES_CSV, EDGES_CSV = "nodes.csv", "edges.csv"


def read_graph(path: str | Path) -> GraphDocument:
    """Read a graph from a ``.json`` file or a folder holding ``nodes.csv`` and ``edges.csv``.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    GraphDocument
        Edge defaults that depend on the endpoints are not filled in yet.

    Raises
    ------
    InvalidInput
        Listing every problem found, each with its position or id.
    """
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path)
    if not path.exists():
        raise InvalidInput([Problem(str(path), "no such file or folder")], "Cannot import")
    return read_json_text(_read_text(path), str(path))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput([Problem(str(path), f"is not UTF-8 text ({error.reason} at byte "
                                               f"{error.start})")], "Cannot import") from None


def read_json_text(text: str, name: str = "input") -> GraphDocument:
    """Parse the JSON interchange format from a string (see :func:`read_graph`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput([Problem(f"{name} line {error.lineno} column {error.colno}",
                                    f"malformed JSON: {error.msg}")], "Cannot import") from None
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InvalidInput([Problem(name, "must be a JSON object with format, version, "
                                          "nodes and edges")], "Cannot import")
    if data.get("format") != FORMAT_NAME:
        problems.append(Problem(name, f"format must be {FORMAT_NAME!r}, "
                                      f"got {data.get('format')!r}"))
    if data.get("version") != FORMAT_VERSION:
        problems.append(Problem(name, f"version must be {FORMAT_VERSION}, "
                                      f"got {data.get('version')!r}"))
    for key in data:
        if key not in ("format", "version", "nodes", "edges"):
            problems.append(Problem(name, f"unknown field {key!r}"))
    items = {}
    for key in ("nodes", "edges"):
        items[key] = data.get(key, [])
        if not isinstance(items[key], list):
            problems.append(Problem(name, f"{key} must be a list"))
            items[key] = []
    document = _collect(
        ((f"nodes[{i}]", raw) for i, raw in enumerate(items["nodes"])),
        ((f"edges[{i}]", raw) for i, raw in enumerate(items["edges"])),
        text=False, problems=problems,
    )
    return document


def read_csv_folder(folder: Path) -> GraphDocument:
    """Parse a folder holding ``nodes.csv`` and ``edges.csv`` (see :func:`read_graph`)."""
    problems: list[Problem] = []
    node_rows = _csv_rows(folder / NODES_CSV, NODE_FIELDS, problems)
    edge_rows = _csv_rows(folder / EDGES_CSV, EDGE_FIELDS, problems)
    return _collect(node_rows, edge_rows, text=True, problems=problems)


def _csv_rows(path: Path, fields: tuple[Field, ...],
              problems: list[Problem]) -> list[tuple[str, dict]]:
    """Read a CSV file's rows as ``(where, row)``; header and syntax problems are collected."""
    if not path.is_file():
        problems.append(Problem(path.name, "file is missing"))
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, strict=True)
            header = reader.fieldnames or []
            known = {f.name for f in fields}
            for column in header:
                if column not in known:
                    problems.append(Problem(f"{path.name} header", f"unknown column {column!r}"))
            for field in fields:
                if field.required and field.name not in header:
                    problems.append(Problem(f"{path.name} header",
                                            f"required column {field.name!r} is missing"))
            rows = []
            for number, row in enumerate(reader, start=2):
                where = f"{path.name} row {number}"
                if None in row:
                    problems.append(Problem(where, "has more values than the header has columns"))
                    continue
                if any(value is None for value in row.values()):
                    problems.append(Problem(where, "has fewer values than the header has columns"))
                    continue
                rows.append((where, {k: v for k, v in row.items() if k in known}))
            return rows
    except UnicodeDecodeError as error:
        problems.append(Problem(path.name, f"is not UTF-8 text ({error.reason})"))
    except csv.Error as error:
        problems.append(Problem(path.name, f"malformed CSV: {error}"))
    return []


def _collect(node_items: Iterable[tuple[str, Any]], edge_items: Iterable[tuple[str, Any]], *,
             text: bool, problems: list[Problem]) -> GraphDocument:
    """Parse every item, refuse duplicates, and raise once with every problem found."""
    document = GraphDocument()
    first_seen: dict[Any, str] = {}
    for position, raw in node_items:
        where = position
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and raw["id"]:
            where = f"{position} (id {raw['id']!r})"
        record, found = parse_item(raw, NODE_FIELDS, where, text=text)
        problems.extend(found)
        if record is None:
            continue
        if record["id"] in first_seen:
            problems.append(Problem(where, f"duplicate id {record['id']!r} "
                                           f"(first at {first_seen[record['id']]})"))
            continue
        first_seen[record["id"]] = position
        document.nodes[record["id"]] = record
    for position, raw in edge_items:
        where = position
        if isinstance(raw, Mapping) and raw.get("source") and raw.get("target"):
            where = f"{position} ({raw['source']} -> {raw['target']})"
        record, found = parse_item(raw, EDGE_FIELDS, where, text=text)
        problems.extend(found)
        if record is None:
            continue
        key = (record["source"], record["target"])
        if key in first_seen:
            problems.append(Problem(where, f"duplicate edge {key[0]} -> {key[1]} "
                                           f"(first at {first_seen[key]})"))
            continue
        first_seen[key] = position
        document.edges[key] = record
    if problems:
        raise InvalidInput(problems, "Cannot import")
    return document
