"""Signing in and out, idle expiry, disablement and resetting a forgotten password."""

import email
import email.policy
import re

import pytest
from itsdangerous import TimestampSigner

from pathways.models import AuditEvent, Person
from pathways.people.accounts import disable_person
from tests.factories import GOOD_PASSWORD
from webapp.auth import personal_page, signed_in
from webapp.extensions import db

NEW_PASSWORD = "lantern-orchard-pebble-voyage-17"
SIGN_IN_FAILED = b"Enter a correct email address and password"


@pytest.fixture(autouse=True)
def no_shared_counters(monkeypatch):
    """Count failed sign-ins in memory, whatever REDIS_URL the shell has."""
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.fixture
def outbox(app, tmp_path):
    """The folder emails are written to, one per test."""
    app.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
    return tmp_path / "outbox"


@pytest.fixture(autouse=True)
def personal(app):
    """A page only a signed-in person may see, at /test-personal."""

    @personal_page
    def personal_view():
        return f"Personal page of {signed_in().email}"

    app.add_url_rule("/test-personal", "test_personal", personal_view)
    return "/test-personal"


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else ""


def signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def read_reset_link(outbox, base: str = "http://localhost") -> str:
    """Return the path of the reset link in the only email in the outbox."""
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Reset your Care career pathways password"
    return re.search(re.escape(base) + r"(/reset-password/\S+)", message.get_content()).group(1)


def read_mails(outbox) -> dict[str, str]:
    """The emails in the outbox: body by recipient."""
    found = {}
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found[message["To"]] = message.get_content()
    return found


def test_signing_in_starts_a_new_session(client, people, sign_in):
    client.get("/login")
    with client.session_transaction() as before:
        before["left_over"] = "from before signing in"
    cookie_before = session_cookie(client)

    response = sign_in("staff")

    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    assert session_cookie(client) != cookie_before
    with client.session_transaction() as after:
        assert "left_over" not in after
        assert after["_user_id"] == f"{people['staff']}:0"
        assert after.permanent and after["seen"] > 0


def test_the_session_cookie_is_http_only_and_same_site(app, client, people, sign_in):
    response = sign_in("staff")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development; production sets SESSION_COOKIE_SECURE


def test_a_sign_in_checks_a_password_hash_whether_or_not_the_account_exists(client, people,
                                                                            monkeypatch):
    """An unknown email costs an Argon2 check too, so the time taken does not tell."""
    import webapp.views.accounts as accounts

    checked = []
    monkeypatch.setattr(accounts, "verify_password",
                        lambda person, password: checked.append(person.password_hash) or False)
    for who in ("staff@example.org", "nobody@example.org"):
        assert client.post("/login", data={"email": who,
                                           "password": "wrong-password-here"}).status_code == 400
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def test_signing_in_is_audited(app, client, people, sign_in):
    sign_in("staff")
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="sign-in").one()
        assert event.actor_id == people["staff"]


@pytest.mark.parametrize("next_page, lands_on", [
    ("/test-personal", "/test-personal"),
    ("/routes?from=care-worker", "/routes?from=care-worker"),
    ("https://evil.example/", "/profile"),
    ("//evil.example/", "/profile"),
    ("/\\evil.example/", "/profile"),
    ("/\t/evil.example/", "/profile"),
    ("javascript:alert(1)", "/profile"),
])
def test_sign_in_goes_only_to_pages_on_this_site(client, people, next_page, lands_on):
    response = client.post("/login", query_string={"next": next_page},
                           data={"email": "staff@example.org", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_a_personal_page_asks_to_sign_in_and_comes_back(client, people, personal):
    response = client.get(personal)
    assert signed_out(response)
    login_page = client.get(response.headers["Location"])
    assert b"Sign in to see this page." in login_page.data
    assert b'action="/login?next=/test-personal"' in login_page.data  # where to go back to


@pytest.mark.parametrize("email, password", [
    ("staff@example.org", "not-the-right-password"),
    ("nobody@example.org", GOOD_PASSWORD),
    ("disabled@example.org", GOOD_PASSWORD),
])
def test_every_failed_sign_in_reads_the_same(app, client, people, personal, email, password):
    with app.app_context():
        person = db.session.get(Person, people["colleague"])
        person.email = "disabled@example.org"
        disable_person(db.session, person)
        db.session.commit()

    response = client.post("/login", data={"email": email, "password": password})

    assert response.status_code == 400
    assert response.data.count(SIGN_IN_FAILED) == 2  # the error summary and the field
    assert b"govuk-error-summary" in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert signed_out(client.get(personal))


def test_an_email_in_any_case_signs_in(client, people):
    response = client.post("/login", data={"email": "  Staff@Example.ORG ",
                                           "password": GOOD_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("data, message", [
    ({}, b"Enter your email address"),
    ({"email": "staff@example.org"}, b"Enter your password"),
    ({"email": "x" * 300, "password": "p"}, b"Email address must be 254 characters or fewer"),
    ({"email": "staff@example.org", "password": "p" * 10_000},
     b"Password must be 200 characters or fewer"),
])
def test_bad_sign_in_forms_say_what_is_wrong(client, people, data, message):
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert message in response.data


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client, people, sign_in,
                                                                personal):
    sign_in("staff")
    assert client.get(personal).status_code == 200
    copied = session_cookie(client)

    confirm = client.get("/logout")
    assert confirm.status_code == 200 and b"Sign out" in confirm.data
    assert client.get(personal).status_code == 200  # asking is not signing out

    response = client.post("/logout")
    assert signed_out(response)
    assert b"You have signed out" in client.get("/login").data
    assert signed_out(client.get(personal))

    client.set_cookie("session", copied)
    assert signed_out(client.get(personal))


def test_signing_out_when_not_signed_in_is_harmless(client):
    assert b"You are not signed in" in client.get("/logout").data
    assert signed_out(client.post("/logout"))


def test_an_idle_session_ends(app, client, people, sign_in, personal):
    sign_in("staff")
    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    assert client.get(personal).status_code == 200  # still inside the idle time

    with client.session_transaction() as session:
        session["seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    assert signed_out(client.get(personal))


def test_disabling_a_person_ends_all_their_sessions(app, people, personal):
    phone, desktop = app.test_client(), app.test_client()
    for device in (phone, desktop):
        device.post("/login", data={"email": "staff@example.org", "password": GOOD_PASSWORD})
        assert device.get(personal).status_code == 200

    with app.app_context():
        disable_person(db.session, db.session.get(Person, people["staff"]))
        db.session.commit()

    assert signed_out(phone.get(personal))
    assert signed_out(desktop.get(personal))


def test_pages_for_a_signed_in_person_are_never_stored(client, people, sign_in, personal):
    sign_in("staff")
    for path in (personal, "/", "/login"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_a_forgotten_password_is_reset_by_email(app, client, people, outbox, caplog):
    caplog.set_level("INFO", logger="webapp.mail")
    asked = client.post("/reset-password", data={"email": "staff@example.org"})
    assert asked.status_code == 200 and b"Check your email" in asked.data
    link = read_reset_link(outbox)
    token = link.rsplit("/", 1)[1]
    assert "staff@example.org" in caplog.text and token not in caplog.text

    form = client.get(link)
    assert form.status_code == 200 and b"Choose a new password" in form.data
    changed = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert signed_out(changed)
    assert b"Your password has been changed" in client.get("/login").data

    assert client.post("/login", data={"email": "staff@example.org",
                                       "password": GOOD_PASSWORD}).status_code == 400
    assert client.post("/login", data={"email": "staff@example.org",
                                       "password": NEW_PASSWORD}).status_code == 302


def test_resetting_a_password_ends_other_sessions(app, client, people, outbox, personal):
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "staff@example.org", "password": GOOD_PASSWORD})
    client.post("/reset-password", data={"email": "staff@example.org"})
    link = read_reset_link(outbox)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert signed_out(elsewhere.get(personal))


def test_a_reset_link_works_once(client, people, outbox):
    client.post("/reset-password", data={"email": "staff@example.org"})
    link = read_reset_link(outbox)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    again = client.post(link, data={"password": "another-" + NEW_PASSWORD,
                                    "confirm": "another-" + NEW_PASSWORD})
    assert again.status_code == 400 and b"This link does not work" in again.data
    assert client.post("/login", data={"email": "staff@example.org",
                                       "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_link_expires(app, client, people, outbox, monkeypatch):
    app.config["RESET_TOKEN_MINUTES"] = 1
    client.post("/reset-password", data={"email": "staff@example.org"})
    link = read_reset_link(outbox)
    assert client.get(link).status_code == 200

    later = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later(self) + 61)
    response = client.get(link)
    assert response.status_code == 400 and b"This link does not work" in response.data


@pytest.mark.parametrize("new, confirm, message", [
    ("aaaaaaaaaaaaaa", "aaaaaaaaaaaaaa", b"Choose a less common password"),
    ("short", "short", b"Password must be at least 12 characters"),
    (NEW_PASSWORD, NEW_PASSWORD + "x", b"Passwords must match"),
])
def test_a_weak_new_password_is_refused(client, people, outbox, new, confirm, message):
    client.post("/reset-password", data={"email": "staff@example.org"})
    link = read_reset_link(outbox)
    response = client.post(link, data={"password": new, "confirm": confirm})
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.data and message in response.data
    assert client.get(link).status_code == 200  # the link still works


@pytest.mark.parametrize("email", ["nobody@example.org", "disabled@example.org"])
def test_asking_for_a_reset_reads_the_same_without_an_account(app, client, people, outbox,
                                                              email):
    with app.app_context():
        person = db.session.get(Person, people["colleague"])
        person.email = "disabled@example.org"
        disable_person(db.session, person)
        db.session.commit()
    known = client.post("/reset-password", data={"email": "staff@example.org"})
    unknown = client.post("/reset-password", data={"email": email})
    assert unknown.status_code == known.status_code == 200
    assert unknown.data.replace(email.encode(), b"") == known.data.replace(
        b"staff@example.org", b"")
    sent = read_mails(outbox)
    assert sorted(sent) == sorted(["staff@example.org", email])
    assert "/reset-password/" in sent["staff@example.org"]
    assert "/reset-password/" not in sent[email] and "no account" in sent[email]


@pytest.mark.parametrize("email", ["staff@example.org", "nobody@example.org",
                                   "disabled@example.org"])
def test_a_reset_request_does_the_same_work_whether_or_not_there_is_an_account(
        app, client, people, outbox, monkeypatch, email):
    """The answer takes as long either way: the same steps run, compared by what is called
    rather than by timing (ASVS 6.3.8)."""
    import webapp.views.accounts as accounts

    with app.app_context():
        person = db.session.get(Person, people["colleague"])
        person.email = "disabled@example.org"
        disable_person(db.session, person)
        db.session.commit()
    calls = []
    signer = accounts._serializer

    def counted_serializer():
        calls.append("sign a token")
        return signer()

    def counted_send(to, subject, body):
        calls.append(("send", to, subject))

    def counted_find(*args):
        calls.append("look up")
        return find(*args)

    find = accounts.find_person
    monkeypatch.setattr(accounts, "_serializer", counted_serializer)
    monkeypatch.setattr(accounts, "send_email", counted_send)
    monkeypatch.setattr(accounts, "find_person", counted_find)
    assert client.post("/reset-password", data={"email": email}).status_code == 200
    assert calls == ["look up", "sign a token",
                     ("send", email, "Reset your Care career pathways password")]


def test_reset_links_are_built_from_the_service_url_never_the_host_header(app, client,
                                                                          people, outbox):
    app.config["SERVICE_URL"] = "https://pathways.example.org"
    client.post("/reset-password", data={"email": "staff@example.org"},
                headers={"Host": "evil.example"}, base_url="http://evil.example")
    link = read_reset_link(outbox, base="https://pathways.example.org")
    assert client.get(link).status_code == 200
    assert "evil.example" not in next(outbox.glob("*.eml")).read_text()


def test_without_a_service_url_development_uses_the_host_and_warns(client, people, outbox,
                                                                   caplog):
    client.post("/reset-password", data={"email": "staff@example.org"})
    assert read_reset_link(outbox).startswith("/reset-password/")
    assert "SERVICE_URL is not set" in caplog.text


def test_asking_for_a_reset_for_something_that_is_not_an_address_says_so(client, outbox):
    response = client.post("/reset-password", data={"email": "not an address"})
    assert response.status_code == 400
    assert b"Enter an email address like name@example.org" in response.data
    assert not outbox.exists() or list(outbox.glob("*.eml")) == []


def test_asking_for_a_reset_without_an_email_says_so(client):
    response = client.post("/reset-password", data={"email": ""})
    assert response.status_code == 400 and b"Enter your email address" in response.data


@pytest.mark.parametrize("token", ["nonsense", "a.b.c", "W10.x.y", "x" * 5000, "%00"])
def test_a_bad_reset_link_is_refused_without_error(client, token):
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 400 and b"This link does not work" in response.data
