"""Writing the interchange format: JSON, or a folder with nodes.csv and edges.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..document import GraphDocument
from .fields import EDGE_FIELD_NAMES, NODE_FIELD_NAMES, node_record_for_kind
from .readers import EDGES_CSV, FORMAT_NAME, FORMAT_VERSION, NODES_CSV


def _present(record: dict[str, Any], *, drop_false: bool) -> dict[str, Any]:
    """Drop empty values so files stay readable; the reader fills the same defaults back."""
    return {k: v for k, v in record.items()
            if v is not None and v != "" and v != [] and not (drop_false and v is False)}


def document_to_json(document: GraphDocument) -> dict[str, Any]:
    """Return the interchange JSON object for ``document``, items sorted by id."""
    canonical = document.canonical()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "nodes": [_present(node, drop_false=True) for node in canonical["nodes"]],
        "edges": [_present(edge, drop_false=False) for edge in canonical["edges"]],
    }


def write_graph(document: GraphDocument, path: str | Path) -> Path:
    """Write ``document`` to ``path``: JSON when it ends in ``.json``, else a CSV folder.

    Returns
    -------
    Path
        The file or folder written.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document_to_json(document), indent=2, ensure_ascii=False)
                        + "\n", encoding="utf-8")
        return path
    path.mkdir(parents=True, exist_ok=True)
    _write_csv(path / NODES_CSV, NODE_FIELD_NAMES,
               (node_record_for_kind(n) for n in document.canonical()["nodes"]))
    _write_csv(path / EDGES_CSV, EDGE_FIELD_NAMES, document.canonical()["edges"])
    return path


def _write_csv(path: Path, columns: tuple[str, ...], records) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for record in records:
            writer.writerow([_cell(record.get(c)) for c in columns])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is False:
        return "no"
    if value is True:
        return "yes"
    if isinstance(value, (list, tuple)):
        return ";".join(value)
    return str(value)
