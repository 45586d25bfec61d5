"""The passport pages: keys and status lists, sharing, receiving and accepting, verifying."""

import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways import clock
from pathways.models import AcceptedCredential, Person, Role, TrainingRecord, TrainingSubject
from pathways.passport.credentials import issue_passport
from pathways.people.accounts import create_person
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from tests.querycount import counting
from tests.web.sessions import start_session
from webapp.extensions import db

TODAY = clock.today()


@pytest.fixture
def world(app, people):
    """Staff at Testshire Council did fire safety a month ago; a newcomer at Sunrise Care
    (the partner), a care worker there, needs it; Sunrise has its own L&D."""
    with app.app_context():
        load_subjects(db.session)
        staff = db.session.get(Person, people["staff"])
        fire = db.session.get(TrainingSubject, "fire-safety")
        record_training(db.session, None, staff, fire, TODAY - timedelta(days=30), today=TODAY,
                        provider="Blaze Training", evidence="FS-77")
        sunrise = db.session.get(Person, people["partner_staff"]).organisation
        newcomer = create_person(db.session, email="newcomer@sunrise.example",
                                 name="New Comer", organisation=sunrise, roles=["staff"])
        newcomer.current_role_id = "care-worker"
        add_requirement(db.session, None, sunrise, db.session.get(Role, "care-worker"), fire)
        receiver = create_person(db.session, email="lnd@sunrise.example", name="Sunrise L&D",
                                 organisation=sunrise, roles=["lnd"])
        db.session.commit()
        return {**people, "newcomer": newcomer.id, "receiver": receiver.id,
                "council": staff.organisation_id, "sunrise": sunrise.id}


def as_person(app, client, person_id):
    start_session(app, client, person_id)


def make_link(client, enter):
    enter("staff")
    page = client.post("/passport/shares", data={"days": "30"})
    assert page.status_code == 200, page.text
    return re.search(r'value="(http[^"]+/passport/shared/[^"]+)"', page.text).group(1)


def test_my_passport_lists_my_current_training(client, enter, world):
    enter("staff")
    page = client.get("/passport")
    assert page.status_code == 200 and "Fire safety" in page.text
    assert client.get("/passport").headers["Cache-Control"] == "no-store"


def test_a_link_opened_by_a_partners_lnd_is_accepted_and_meets_its_requirement(
        app, client, enter, world):
    link = make_link(client, enter)
    path = link.split("localhost", 1)[-1]
    as_person(app, client, world["receiver"])
    page = client.get(path)
    assert page.status_code == 200
    assert 'data-verdict="valid"' in page.text and "Blaze Training" in page.text
    assert "staff@example.org" not in page.text  # only what the credential holds
    accepted = client.post(path, data={"email": "newcomer@sunrise.example", "chosen": ["0"]})
    assert accepted.status_code == 302, accepted.text
    with app.app_context():
        record = db.session.scalars(select(TrainingRecord).where(
            TrainingRecord.person_id == world["newcomer"])).one()
        assert (record.source, record.completed_on) == ("passport", TODAY - timedelta(days=30))
    as_person(app, client, world["newcomer"])
    mine = client.get("/training/mine").text
    assert 'data-subject="fire-safety"' in mine and 'data-status="up_to_date"' in mine


def test_accepting_for_someone_elsewhere_says_no_one_has_that_email(app, client, enter, world):
    path = make_link(client, enter).split("localhost", 1)[-1]
    as_person(app, client, world["receiver"])
    refused = client.post(path, data={"email": "staff@example.org", "chosen": ["0"]})
    assert refused.status_code == 400
    assert "No one at Sunrise Care has that email address" in refused.text
    with app.app_context():
        assert db.session.scalars(select(AcceptedCredential)).all() == []


def test_an_email_with_a_nul_is_refused_before_it_is_looked_up(app, client, enter, world):
    path = make_link(client, enter).split("localhost", 1)[-1]
    as_person(app, client, world["receiver"])
    refused = client.post(path, data={"email": "new\x00comer@sunrise.example", "chosen": ["0"]})
    assert refused.status_code == 400 and "control character" in refused.text
    with app.app_context():
        assert db.session.scalars(select(AcceptedCredential)).all() == []


@pytest.mark.parametrize(("who", "status"), [("staff", 403), ("manager", 403),
                                             ("champion", 403), ("lnd", 200)])
def test_only_lnd_open_a_link(client, enter, world, who, status):
    path = make_link(client, enter).split("localhost", 1)[-1]
    enter(who)
    assert client.get(path).status_code == status


def test_a_link_outside_the_partnership_shows_an_unknown_issuer(app, client, enter, world):
    path = make_link(client, enter).split("localhost", 1)[-1]
    with app.app_context():
        outsider = db.session.get(Person, world["outsider"])
        far_lnd = create_person(db.session, email="lnd@far.example", name="Far L&D",
                                organisation=outsider.organisation, roles=["lnd"])
        db.session.commit()
        far_lnd_id = far_lnd.id
    as_person(app, client, far_lnd_id)
    page = client.get(path).text
    assert 'data-verdict="unknown_issuer"' in page
    assert "Testshire Council is not a partner of Far Away Care" in page
    assert "Accept the credentials chosen" not in page


def test_a_withdrawn_or_made_up_link_is_not_found(app, client, enter, world):
    path = make_link(client, enter).split("localhost", 1)[-1]
    mine = client.get("/passport").text
    share_id = re.search(r"/passport/shares/(\d+)/withdraw", mine).group(1)
    assert client.post(f"/passport/shares/{share_id}/withdraw").status_code == 302
    enter("lnd")
    assert client.get(path).status_code == 404
    assert client.get("/passport/shared/made-up").status_code == 404
    assert client.post(f"/passport/shares/{share_id}/withdraw").status_code == 404  # not theirs


def test_the_keys_and_the_status_list_are_published(app, client, enter, world):
    council = world["council"]
    assert client.get(f"/organisations/{council}/jwks.json").json == {"keys": []}
    assert client.get(f"/organisations/{council}/passport/status").status_code == 404
    make_link(client, enter)
    client.get("/logout")
    keys = client.get(f"/organisations/{council}/jwks.json")
    assert keys.status_code == 200 and keys.json["keys"][0]["crv"] == "Ed25519"
    assert "d" not in keys.json["keys"][0]  # the private part is never published
    listed = client.get(f"/organisations/{council}/passport/status")
    assert listed.status_code == 200 and listed.mimetype == "application/vc+jwt"
    assert client.get("/organisations/99999999999/jwks.json").status_code == 404


def test_the_download_is_a_passport_file(client, enter, world):
    enter("staff")
    download = client.post("/passport/download")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    passport = json.loads(download.data)
    assert passport["format"] == "training-passport" and len(passport["credentials"]) == 1


def test_the_public_page_verifies_and_refuses_hostile_input(client, enter, world):
    enter("staff")
    token = json.loads(client.post("/passport/download").data)["credentials"][0]
    client.get("/logout")
    valid = client.post("/passport/verify", data={"passport": token})
    assert valid.status_code == 200 and 'data-verdict="valid"' in valid.text
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    assert 'data-verdict="tampered"' in client.post(
        "/passport/verify", data={"passport": tampered}).text
    for hostile in ("{not json", "[" * 50_000, "x" * 1_000_001, "\x00"):
        answer = client.post("/passport/verify", data={"passport": hostile})
        assert answer.status_code == 400, hostile[:10]
        assert "There is a problem" in answer.text
    upload = client.post("/passport/verify", data={
        "passport_file": (io.BytesIO(b"\xff\xfe garbage"), "passport.json")},
        content_type="multipart/form-data")
    assert upload.status_code == 400
    assert client.post("/passport/verify", data={"passport": "a.b.c"}).status_code == 200


def test_a_pasted_passport_is_received_and_accepted(app, client, enter, world):
    enter("staff")
    passport = client.post("/passport/download").data.decode()
    as_person(app, client, world["receiver"])
    checked = client.post("/passport/receive", data={"passport": passport})
    assert checked.status_code == 200 and 'data-verdict="valid"' in checked.text
    carried = re.search(r'name="carried" type="hidden" value="([^"]*)"', checked.text).group(1)
    accepted = client.post("/passport/receive/accept", data={
        "carried": carried.replace("&#34;", '"'), "email": "newcomer@sunrise.example",
        "chosen": ["0"]})
    assert accepted.status_code == 302, accepted.text
    with app.app_context():
        assert db.session.scalars(select(AcceptedCredential)).one().person_id == world["newcomer"]


def test_the_issuing_lnd_revokes_and_the_credential_no_longer_verifies(client, enter, world):
    enter("staff")
    token = json.loads(client.post("/passport/download").data)["credentials"][0]
    enter("lnd")
    listed = client.get("/passport/issued").text
    credential_id = re.search(r"/passport/issued/(\d+)/revoke", listed).group(1)
    enter("staff")
    assert client.post(f"/passport/issued/{credential_id}/revoke").status_code == 403
    enter("lnd")
    assert client.post(f"/passport/issued/{credential_id}/revoke",
                       data={"reason": "Certificate withdrawn"}).status_code == 302
    verdict = client.post("/passport/verify", data={"passport": token}).text
    assert 'data-verdict="revoked"' in verdict and "Certificate withdrawn" in verdict


def test_the_issued_list_asks_the_same_queries_however_many(app, client, enter, world):
    enter("staff")
    client.post("/passport/download")
    enter("lnd")
    client.get("/passport/issued")
    with app.app_context():
        engine = db.engine
    with counting(engine) as small:
        assert client.get("/passport/issued").status_code == 200
    with app.app_context():
        for key in ("colleague", "other_team", "manager"):
            person = db.session.get(Person, world[key])
            record_training(db.session, None, person,
                            db.session.get(TrainingSubject, "fire-safety"),
                            TODAY - timedelta(days=3), today=TODAY)
            issue_passport(db.session, person, today=TODAY)
        db.session.commit()
    with counting(engine) as large:
        page = client.get("/passport/issued")
    assert page.text.count("/revoke") == 4
    assert large.count == small.count, large.statements


def test_a_credential_checks_from_a_link(client, enter, world):
    enter("staff")
    token = json.loads(client.post("/passport/download").data)["credentials"][0]
    client.get("/logout")
    page = client.get("/passport/verify", query_string={"credential": token})
    assert page.status_code == 200 and 'data-verdict="valid"' in page.text
    for hostile in ("%00", "x" * 100_000, "a.b.c"):
        answer = client.get("/passport/verify", query_string={"credential": hostile})
        assert answer.status_code == 200 and 'data-verdict="malformed"' in answer.text


def test_my_passport_leaves_expired_training_out(app, client, enter, world):
    with app.app_context():
        record_training(db.session, None, db.session.get(Person, world["staff"]),
                        db.session.get(TrainingSubject, "safeguarding-adults"),
                        TODAY - timedelta(days=800), today=TODAY)
        db.session.commit()
    enter("staff")
    page = client.get("/passport").text
    assert "Fire safety" in page and "Safeguarding adults" not in page
    assert len(json.loads(client.post("/passport/download").data)["credentials"]) == 1


# The JSON API ------------------------------------------------------------------------------


def test_the_api_verifies_credentials_as_the_document_says(client, enter, world):
    from tests.web.test_api import answer_validator

    enter("staff")
    token = json.loads(client.post("/passport/download").data)["credentials"][0]
    client.get("/logout")
    answer = client.get("/api/v1/passport/verify", query_string={
        "credential": [token, "a.b.c"], "organisation": world["sunrise"]})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    answer_validator("/passport/verify", 200).validate(answer.json)
    assert (answer.json["valid"], answer.json["refused"]) == (1, 1)
    assert [item["verdict"] for item in answer.json["credentials"]] == ["valid", "malformed"]
    assert answer.json["organisation"] == "Sunrise Care"
    later = client.get("/api/v1/passport/verify", query_string={
        "credential": token, "as_of": (TODAY + timedelta(days=800)).isoformat()})
    assert later.json["credentials"][0]["verdict"] == "expired"


@pytest.mark.parametrize(("query", "status", "where"), [
    ({}, 400, "credential"),
    ({"credential": ["a.b.c"] * 21}, 400, "credential"),
    ({"credential": "a.b.c", "organisation": "abc"}, 400, "organisation"),
    ({"credential": "a.b.c", "as_of": "soon"}, 400, "as_of"),
    ({"credential": "a.b.c", "organisation": "99999"}, 404, None),
])
def test_the_api_refuses_bad_queries_as_json(client, world, query, status, where):
    from tests.web.test_api import answer_validator

    answer = client.get("/api/v1/passport/verify", query_string=query)
    assert answer.status_code == status
    answer_validator("/passport/verify", status).validate(answer.json)
    if where:
        assert answer.json["error"]["problems"][0]["where"] == where
