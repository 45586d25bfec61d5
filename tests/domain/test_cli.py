"""The ``pathways`` command line, through click's runner, on both databases."""

import json

import pytest
from click.testing import CliRunner

from pathways.cli import cli
from pathways.interchange.writers import write_graph
from tests.factories import make_document, make_edge, make_role, toy_document


@pytest.fixture
def run(database_url):
    """Run a ``pathways`` command against the test database; returns the click result."""
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), env={"DATABASE_URL": database_url},
                             catch_exceptions=False)
    return run


@pytest.fixture
def toy(run, tmp_path):
    """A database holding the toy pathway, imported through the CLI."""
    path = write_graph(toy_document(), tmp_path / "toy.json")
    assert run("init-db").exit_code == 0
    result = run("import-graph", str(path))
    assert result.exit_code == 0, result.output
    assert "19 created, 0 updated, 0 deleted" in result.output
    return run


def test_route_prints_steps_and_totals(toy):
    result = toy("route", "care worker", "Social Worker", "--earn-while-learning")
    assert result.exit_code == 0, result.output
    assert "Routes from Care worker to Social worker" in result.output
    assert "Study Social worker (integrated degree) (ST0510)" in result.output


def test_route_labels_each_kind_and_counts_months_in_role(toy):
    result = toy("route", "volunteer", "social-worker")
    assert result.exit_code == 0, result.output
    assert "[Quickest]" in result.output
    assert "[Earn while you learn, nothing to pay]" in result.output
    assert "£9,250 (£9,250 for you to pay)" in result.output
    refused = toy("route", "care-worker", "senior-care-worker", "--months-in-role", "700")
    assert refused.exit_code != 0 and "months_in_role" in refused.output


def test_months_in_role_count_toward_the_first_gate(run, tmp_path):
    nodes = [make_role("care-worker", family="care_and_support"),
             make_role("senior-care-worker", family="care_and_support")]
    edges = [make_edge("care-worker", "senior-care-worker", 2, kind="promotion",
                       min_experience_months=12)]
    path = write_graph(make_document(nodes, edges), tmp_path / "gate.json")
    assert run("init-db").exit_code == 0
    assert run("import-graph", str(path)).exit_code == 0
    fresh = run("route", "care-worker", "senior-care-worker")
    assert "1. 1 year 2 months, £0 (£0 for you to pay), 1 step [" in fresh.output
    assert "after at least 1 year as Care worker" in fresh.output
    seasoned = run("route", "care-worker", "senior-care-worker", "--months-in-role", "5")
    assert "1. 9 months" in seasoned.output
    assert "after at least 7 months as Care worker" in seasoned.output
    assert "Your 5 months as Care worker count toward the 1 year" in seasoned.output
    data = json.loads(run("route", "care-worker", "senior-care-worker", "--json",
                          "--months-in-role", "30").output)
    step = data["routes"][0]["steps"][0]
    assert (step["min_experience_months"], step["experience_counted"]) == (0, 12)


def test_route_json_is_the_documented_shape(toy):
    result = toy("route", "care-worker", "social-worker", "--json", "--k", "2",
                 "--by", "cost", "--have", "care-cert", "--max-self-funded", "0")
    data = json.loads(result.output)
    assert data["from"] == {"id": "care-worker", "kind": "role", "title": "Care worker",
                            "level": None, "family": "care_and_support"}
    route = data["routes"][0]
    assert route["total_cost_gbp"] == 0
    assert {"total_months", "total_cost_gbp", "path", "steps"} <= set(route)
    apprenticeship = next(n for n in route["path"] if n["id"] == "sw-apprenticeship")
    assert apprenticeship["standard_code"] == "ST0510"
    assert all("explanation" in step for step in route["steps"])
    assert {"kind", "labels", "variants", "cost_to_you_gbp", "months_unpaid"} <= set(route)
    assert route["kind"][-1] == "sw-apprenticeship"
    assert "care-cert" not in route["kind"]  # held, not gained


def test_unknown_names_exit_non_zero_with_suggestions(toy):
    result = toy("route", "care wroker", "social-worker")
    assert result.exit_code == 3
    assert "No role or qualification called 'care wroker'" in result.output
    assert "Did you mean: Care worker" in result.output


def test_hostile_k_and_missing_route(toy):
    result = toy("route", "care-worker", "social-worker", "--k", "50")
    assert result.exit_code == 1 and "k: must be a whole number from 1 to 10" in result.output
    result = toy("route", "social-worker", "volunteer")
    assert result.exit_code == 4 and "No route from Social worker" in result.output


def test_reach_lists_what_is_reachable(toy):
    result = toy("reach", "care-worker", "--within-months", "20", "--json")
    data = json.loads(result.output)
    reached = {r["node"]["id"]: r["months"] for r in data["reachable"]}
    assert reached == {"care-cert": 3, "senior-care-worker": 4}
    plain = toy("reach", "care-worker")
    assert "Social worker (role)" in plain.output


def test_validate_reports_and_exits_zero_on_a_clean_graph(toy):
    result = toy("validate")
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s)" in result.output


def test_export_then_import_round_trip(toy, tmp_path):
    assert toy("export-graph", str(tmp_path / "out")).exit_code == 0
    assert (tmp_path / "out" / "nodes.csv").is_file()
    result = toy("import-graph", str(tmp_path / "out"), "--replace")
    assert result.exit_code == 0
    assert "0 created, 0 updated, 0 deleted, 19 unchanged" in result.output


def test_bad_import_writes_nothing_and_names_the_item(toy, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "pathways-graph", "version": 1, "nodes": [
        {"id": "new-role", "kind": "role", "title": "New"}],
        "edges": [{"source": "new-role", "target": "nowhere", "months": 1},
                  {"source": "new-role", "target": "care-worker", "months": -2}]}))
    result = toy("import-graph", str(bad))
    assert result.exit_code == 1
    assert "edges[1] (new-role -> care-worker): months must be at least 0" in result.output
    dangling = tmp_path / "dangling.json"
    dangling.write_text(json.dumps({"format": "pathways-graph", "version": 1, "nodes": [
        {"id": "new-role", "kind": "role", "title": "New"}],
        "edges": [{"source": "new-role", "target": "nowhere", "months": 1}]}))
    result = toy("import-graph", str(dangling))
    assert result.exit_code == 1 and "unknown node 'nowhere'" in result.output
    assert "new-role" not in toy("export-graph", str(tmp_path / "after.json")).output
    assert "new-role" not in (tmp_path / "after.json").read_text()


def test_validate_exits_non_zero_on_errors(toy, database_url):
    from pathways.db import make_engine, session_scope
    from pathways.models import Transition

    engine = make_engine(database_url)
    with session_scope(engine) as session:  # an error only a direct edit could make
        session.add(Transition(source_id="volunteer", target_id="sw-degree", kind="promotion",
                               months=1))
    engine.dispose()
    result = toy("validate")
    assert result.exit_code == 1
    assert "error: edge volunteer -> sw-degree: kind 'promotion' does not fit" in result.output


def test_render_writes_an_svg_with_the_route_highlighted(toy, tmp_path):
    pytest.importorskip("shutil").which("dot") or pytest.skip("Graphviz dot is not installed")
    out = tmp_path / "map.svg"
    result = toy("render", "--out", str(out), "--from", "care-worker", "--to", "social-worker")
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert svg.startswith("<?xml") and "highlighted" in svg
    result = toy("render", "--out", str(out), "--from", "care-worker")
    assert result.exit_code == 2


def test_commands_explain_an_unusable_database(tmp_path):
    result = CliRunner().invoke(cli, ["validate"],
                                env={"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    assert result.exit_code == 5
    assert "run 'pathways init-db'" in result.output
