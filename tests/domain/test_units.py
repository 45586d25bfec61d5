"""One way to write a duration: whole years and the months left over (issue 12, units)."""

import pytest
from click.testing import CliRunner

from pathways.cli import cli
from pathways.explain import format_months
from pathways.interchange.writers import write_graph
from tests.factories import toy_document


@pytest.mark.parametrize("months, words", [
    (0, "no time"), (0.4, "under a month"), (0.5, "1 month"), (1, "1 month"),
    (11, "11 months"), (11.6, "1 year"), (12, "1 year"), (13, "1 year 1 month"),
    (18, "1 year 6 months"), (24, "2 years"), (27, "2 years 3 months"),
    (83, "6 years 11 months"), (84, "7 years"), (None, "no time"),
])
def test_durations_are_years_and_months_rounded_to_the_nearest_month(months, words):
    assert format_months(months) == words


def test_the_route_command_writes_durations_the_same_way(database_url, tmp_path):
    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    assert runner.invoke(cli, ["init-db"], env=env).exit_code == 0
    path = write_graph(toy_document(), tmp_path / "toy.json")
    assert runner.invoke(cli, ["import-graph", str(path)], env=env).exit_code == 0
    result = runner.invoke(cli, ["route", "care-worker", "social-worker", "--k", "3"], env=env)
    assert result.exit_code == 0, result.output
    assert_no_long_month_counts(result.output)
    assert " year" in result.output
    reach = runner.invoke(cli, ["reach", "care-worker"], env=env)
    assert reach.exit_code == 0, reach.output
    assert_no_long_month_counts(reach.output)
    rows = [line for line in reach.output.splitlines()[1:] if line.strip()]
    assert rows and all(row[20:22] == "  " and row[22] != " " for row in rows), rows


def assert_no_long_month_counts(text: str) -> None:
    """No "83 months": 12 months or more is written in years and months."""
    import re
    long_counts = [m for m in re.findall(r"\b(\d+) months?\b", text) if int(m) >= 12]
    assert long_counts == [], long_counts
