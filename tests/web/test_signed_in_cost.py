"""Being signed in costs one query a request: the person, with the session generation, their
organisation, access roles and unread notifications, read together
(``accounts.signed_in_person`` through ``webapp.auth.load_account``)."""

import pytest

from tests.querycount import counting


@pytest.mark.parametrize("address", ["/livez", "/no-such-page"])
def test_a_signed_in_request_costs_one_query_more_than_an_anonymous_one(app, client, enter,
                                                                        address):
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    client.get(address)
    with counting(engine) as anonymous:
        status = client.get(address).status_code
    for key in ("staff", "admin", "partnership_lnd", "manager"):
        enter(key)
        client.get(address)
        with counting(engine) as signed_in:
            page = client.get(address)
        assert page.status_code == status
        assert signed_in.count == anonymous.count + 1, (key, signed_in.statements)
        if address != "/livez":  # the header: the menu the policy allows, the unread count
            assert 'data-unread="0"' in page.text and "Sign out" in page.text


def test_the_header_counts_unread_notifications_and_an_ended_session_signs_out(
        app, client, enter, people):
    from pathways.models import Person
    from pathways.notifications.service import notify
    from webapp.extensions import db

    with app.app_context():
        staff = db.session.get(Person, people["staff"])
        notify(db.session, staff, "champion_answer", staff, text="Sam accepted",
               link="/champions")
        db.session.commit()
    enter("staff")
    assert 'data-unread="1"' in client.get("/no-such-page").text
    with app.app_context():
        db.session.get(Person, people["staff"]).session_generation += 1
        db.session.commit()
    assert "Sign out" not in client.get("/no-such-page").text
    for nonsense in ("1:99999999999999999999", "x:1", f"{people['staff']}:-5", "0:0"):
        with client.session_transaction() as session:
            session["_user_id"] = nonsense
        assert client.get("/no-such-page").status_code == 404
