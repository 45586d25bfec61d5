"""The interchange format: reading, writing, round trips and every kind of bad input."""

import json

import pytest

from pathways.document import complete_document
from pathways.errors import InvalidInput
from pathways.interchange.readers import read_graph, read_json_text
from pathways.interchange.writers import document_to_json, write_graph
from tests.factories import toy_document


def doc_json(nodes=None, edges=None, **top):
    data = {"format": "pathways-graph", "version": 1,
            "nodes": nodes if nodes is not None else [{"id": "a", "kind": "role", "title": "A"}],
            "edges": edges if edges is not None else []}
    data.update(top)
    return json.dumps(data)


def refused(text):
    with pytest.raises(InvalidInput) as error:
        read_json_text(text, "graph.json")
    return [str(p) for p in error.value.problems]


@pytest.mark.parametrize("where", ["graph.json", "folder"])
def test_export_then_import_gives_back_the_same_graph(tmp_path, where):
    original = toy_document()
    path = tmp_path / ("graph.json" if where == "graph.json" else "graph")
    write_graph(original, path)
    again = complete_document(read_graph(path))
    assert again.canonical() == original.canonical()


def test_json_export_is_the_documented_shape():
    data = document_to_json(toy_document())
    assert data["format"] == "pathways-graph" and data["version"] == 1
    node = next(n for n in data["nodes"] if n["id"] == "sw-apprenticeship")
    assert node["standard_code"] == "ST0510" and node["kind"] == "qualification"
    edge = next(e for e in data["edges"] if e["target"] == "sw-apprenticeship")
    assert edge["requires"] == ["diploma-l3"] and edge["funding"] == "levy"


def test_malformed_json_names_line_and_column():
    problems = refused('{"format": "pathways-graph",\n "nodes": [}')
    assert problems == ["graph.json line 2 column 12: malformed JSON: Expecting value"]


@pytest.mark.parametrize("text, expected", [
    (doc_json(format="other"), "format must be 'pathways-graph'"),
    (doc_json(version=2), "version must be 1"),
    (doc_json(extra=1), "unknown field 'extra'"),
    (doc_json(nodes={}), "nodes must be a list"),
    (doc_json(nodes=[{"id": "a", "kind": "role", "title": "A"},
                     {"id": "a", "kind": "role", "title": "B"}]),
     "nodes[1] (id 'a'): duplicate id 'a' (first at nodes[0])"),
    (doc_json(nodes=[{"id": "Bad Id", "kind": "role", "title": "A"}]), "id must be lowercase"),
    (doc_json(nodes=[{"id": "a", "kind": "job", "title": "A"}]), "kind must be one of"),
    (doc_json(nodes=[{"id": "a", "kind": "role"}]), "title is required"),
    (doc_json(nodes=[{"id": "a", "kind": "role", "title": "A", "colour": "red"}]),
     "unknown field 'colour'"),
    (doc_json(nodes=[{"id": "a", "kind": "role", "title": "A", "level": "three"}]),
     "level must be a whole number, got str 'three'"),
    (doc_json(nodes=[{"id": "a", "kind": "role", "title": "A", "standard_code": "ST0510"}]),
     "standard_code applies to qualifications only"),
    (doc_json(nodes=[{"id": "a", "kind": "qualification", "title": "A",
                      "standard_code": "0510"}]), "standard_code must look like ST0510"),
    (doc_json(nodes=[{"id": "a", "kind": "role", "title": "A", "family": "pirates"}]),
     "family must be one of"),
    (doc_json(edges=[{"source": "a", "target": "b", "months": -1}]),
     "edges[0] (a -> b): months must be at least 0"),
    (doc_json(edges=[{"source": "a", "target": "b", "months": "6"}]),
     "months must be a number, got str '6'"),
    (doc_json(edges=[{"source": "a", "target": "b", "months": 1, "cost_gbp": -5}]),
     "cost_gbp must be at least 0"),
    (doc_json(edges=[{"source": "a", "target": "b", "months": 1, "requires": "q"}]),
     "requires must be a list of ids"),
    (doc_json(edges=[{"source": "a", "target": "b", "months": 1, "funding": "lottery"}]),
     "funding must be one of"),
    (doc_json(edges=[{"source": "a", "target": "b", "months": 1},
                     {"source": "a", "target": "b", "months": 2}]), "duplicate edge a -> b"),
    (doc_json(edges=[{"target": "b", "months": 1}]), "source is required"),
    (doc_json(edges=["a->b"]), "edges[0]: must be an object"),
])
def test_each_bad_item_is_reported_with_where_and_why(text, expected):
    problems = refused(text)
    assert any(expected in p for p in problems), problems


def test_every_problem_is_reported_at_once():
    problems = refused(doc_json(
        nodes=[{"id": "a", "kind": "role"}, {"id": "B", "kind": "role", "title": "B"}],
        edges=[{"source": "a", "target": "b", "months": -3}]))
    assert len(problems) == 3


def write_csv_folder(tmp_path, nodes, edges):
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "nodes.csv").write_text(nodes, encoding="utf-8")
    (folder / "edges.csv").write_text(edges, encoding="utf-8")
    return folder


def csv_refused(tmp_path, nodes, edges="source,target,months\n"):
    with pytest.raises(InvalidInput) as error:
        read_graph(write_csv_folder(tmp_path, nodes, edges))
    return [str(p) for p in error.value.problems]


def test_csv_lists_are_separated_by_semicolons(tmp_path):
    folder = write_csv_folder(
        tmp_path, "id,kind,title,top_of_ladder\na,role,A,no\nq,qualification,Q,\n"
                  "r,qualification,\"R, with comma\",\n",
        "source,target,months,requires,earn_while_learning\na,q,2,q;r,yes\n")
    doc = read_graph(folder)
    assert doc.edges[("a", "q")]["requires"] == ["q", "r"]
    assert doc.nodes["r"]["title"] == "R, with comma"
    assert doc.edges[("a", "q")]["earn_while_learning"] is True


@pytest.mark.parametrize("nodes, expected", [
    ("id,kind,title,colour\na,role,A,red\n", "nodes.csv header: unknown column 'colour'"),
    ("id,kind\na,role\n", "nodes.csv header: required column 'title' is missing"),
    ("id,kind,title\na,role,A,extra\n", "nodes.csv row 2: has more values"),
    ("id,kind,title\na,role\n", "nodes.csv row 2: has fewer values"),
    ("id,kind,title,level\na,role,A,2.5\n", "nodes.csv row 2 (id 'a'): level must be a whole"),
    ("id,kind,title,top_of_ladder\na,role,A,maybe\n", "top_of_ladder must be yes or no"),
    ("id,kind,title\na,role,\"unterminated\n", "malformed CSV"),
])
def test_bad_csv_is_reported_by_row(tmp_path, nodes, expected):
    problems = csv_refused(tmp_path, nodes)
    assert any(expected in p for p in problems), problems


def test_missing_csv_file_and_bad_encoding(tmp_path):
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "nodes.csv").write_bytes(b"id,kind,title\na,role,\xff\n")
    with pytest.raises(InvalidInput) as error:
        read_graph(folder)
    text = str(error.value)
    assert "edges.csv: file is missing" in text and "not UTF-8" in text


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="no such file"):
        read_graph(tmp_path / "nope.json")
