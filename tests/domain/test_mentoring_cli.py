"""The champion commands (import-champions, match-champions, expire-requests) via click."""

import json

import pytest
from sqlalchemy.orm import object_session

from pathways.models import ChampionProfile
from tests.domain.test_people_cli import STAFF, db, person, run  # noqa: F401  (fixtures)

CHAMPIONS = ("email,specialisms,roles_held,capacity,open_to_partnership\n"
             "bob@example.org,care_and_support,senior-care-worker;practitioner,2,no\n")


@pytest.fixture
def staffed(db, tmp_path):  # noqa: F811
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF + "cat@example.org,Cat Moss,E3,Home care,care worker,,staff\n")
    assert db("import-staff", str(staff), "--org", "Testshire Council").exit_code == 0
    return db


def test_import_then_match(staffed, tmp_path, person):  # noqa: F811
    champions = tmp_path / "champions.csv"
    champions.write_text(CHAMPIONS)
    result = staffed("import-champions", str(champions), "--org", "Testshire Council")
    assert result.exit_code == 0, result.output
    assert "Imported 1 champion(s) into Testshire Council." in result.output
    assert person("bob@example.org").has_role("champion")
    no_target = staffed("match-champions", "ann@example.org", "--json")
    assert no_target.exit_code == 1 and "target_role" in no_target.output
    ann = person("ann@example.org")
    ann.target_role_id = "practitioner"
    object_session(ann).commit()
    result = staffed("match-champions", "ann@example.org", "--json")
    assert result.exit_code == 0, result.output
    [match] = json.loads(result.output)
    assert match["champion"] == "bob@example.org"
    assert match["score"] == 60  # walked the road (50) + same organisation (10)
    assert match["reasons"][0] == ("Walked this road: has worked as Adult social care "
                                   "practitioner.")
    text = staffed("match-champions", "ann@example.org")
    assert "1. Bob Hale <bob@example.org>  score 60" in text.output


def test_a_bad_file_exits_1_naming_the_row(staffed, tmp_path, person):  # noqa: F811
    champions = tmp_path / "champions.csv"
    champions.write_text(CHAMPIONS + "nobody@example.org,,,,\n")
    result = staffed("import-champions", str(champions), "--org", "Testshire Council")
    assert result.exit_code == 1
    assert "row 3: email: nobody with nobody@example.org works here" in result.output
    bob = person("bob@example.org")
    assert object_session(bob).get(ChampionProfile, bob.id) is None


def test_unknown_people_exit_3(staffed):
    assert staffed("match-champions", "ghost@example.org").exit_code == 3


def test_expire_requests_reports_a_count(staffed):
    result = staffed("expire-requests")
    assert result.exit_code == 0 and "Expired 0 request(s)." in result.output
