"""The workforce commands (import-history, workforce-report, forecast) through click."""

import json

from tests.domain.test_people_cli import STAFF, db, person, run  # noqa: F401  (fixtures)

HISTORY = ("email,role,start_date,end_date,leave_reason,destination,previous_sector\n"
           "ann@example.org,care worker,2019-04-01,2021-06-01,,,education\n"
           "ann@example.org,senior-care-worker,2021-06-01,,,,\n"
           "bob@example.org,care-worker,2018-01-01,,,,nhs\n")


def _staffed(db, tmp_path):  # noqa: F811
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF)
    assert db("import-staff", str(staff), "--org", "Testshire Council").exit_code == 0
    history = tmp_path / "history.csv"
    history.write_text(HISTORY)
    return history


def test_import_report_and_forecast(db, tmp_path, person):  # noqa: F811
    history = _staffed(db, tmp_path)
    result = db("import-history", str(history), "--org", "Testshire Council")
    assert result.exit_code == 0, result.output
    assert "Imported 3 role spell(s) into Testshire Council." in result.output
    assert person("ann@example.org").current_role_id == "senior-care-worker"
    report = db("workforce-report", "--partnership", "Testshire", "--json")
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    assert data["filled_posts"] == "fewer than 5" and data["turnover_rate"] is None
    text = db("workforce-report", "--org", "Testshire Council", "--year", "2021")
    assert text.exit_code == 0 and "Filled posts fewer than 5" in text.output
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"name": "with +2 apprentices a year", "extra_apprentices": [
        {"role": "social-worker", "per_year": 2, "years": 3}]}))
    result = db("forecast", "--partnership", "Testshire", "--years", "5", "--scenario",
                str(scenario), "--json")
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.output)
    current, more = forecast["scenarios"]
    assert more["scenario"] == "with +2 apprentices a year"
    assert len(current["years"]) == 6
    assert "senior-care-worker" in forecast["rates"]


def test_bad_input_exits_non_zero_with_the_place(db, tmp_path):  # noqa: F811
    history = _staffed(db, tmp_path)
    history.write_text(HISTORY + "nobody@example.org,care-worker,2020-01-01,,,,\n")
    result = db("import-history", str(history), "--org", "Testshire Council")
    assert result.exit_code == 1 and "row 5: email: nobody with" in result.output
    assert db("workforce-report").exit_code == 1
    assert db("forecast", "--partnership", "Nowhere").exit_code == 3
    scenario = tmp_path / "scenario.json"
    scenario.write_text('{"name": "x", "extra_recruits": {"astronaut": 3}}')
    result = db("forecast", "--partnership", "Testshire", "--scenario", str(scenario))
    assert result.exit_code == 1 and "scenario 1.extra_recruits" in result.output
    scenario.write_text("{nope")
    result = db("forecast", "--partnership", "Testshire", "--scenario", str(scenario))
    assert result.exit_code == 1 and "line 1, column 2" in result.output


def test_the_nightly_workforce_summary(db, tmp_path):  # noqa: F811
    history = _staffed(db, tmp_path)
    assert db("import-history", str(history), "--org", "Testshire Council").exit_code == 0
    result = db("workforce-summary", "--as-of", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "Testshire: 2 role(s) with people in post, as of 1 June 2026." in result.output
    assert db("workforce-summary", "--as-of", "June").exit_code != 0
