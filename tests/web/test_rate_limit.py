"""Sign-ins and reset requests are throttled (OWASP ASVS 5.0, 6.1.1 and 6.3.1), across app
instances, without letting a stranger lock the real person out (``webapp.limits``)."""

import os
import time
from datetime import UTC, datetime

import pytest

from tests.factories import GOOD_PASSWORD
from webapp import create_app

#: A Redis database of this test process's own (15, 14, ... by pytest-xdist worker): each test
#: empties it, which must not wipe another worker's counters mid-test.
REDIS_TEST_URL = "redis://127.0.0.1:6379/{}".format(
    15 - int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 8)
#: Failed sign-ins to one account from one address.
LIMIT = 10
#: Failed sign-ins from one address, to any accounts.
ADDRESS_LIMIT = 30
#: Failed sign-ins to one account from everywhere, before the soft lock.
ACCOUNT_LIMIT = 20
#: Reset requests an hour, for one email address and from one client address.
RESETS_PER_ACCOUNT, RESETS_PER_ADDRESS = 5, 20


@pytest.fixture(autouse=True)
def no_shared_counters(monkeypatch):
    """Count failed sign-ins in memory unless a test asks for Redis."""
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch):
    """Check passwords without Argon2 (slow on purpose; test_accounts.py checks it for real)."""
    monkeypatch.setattr("webapp.views.accounts.verify_password",
                        lambda person, password: password == GOOD_PASSWORD)


@pytest.fixture
def redis_url():
    """This process's Redis database, emptied before and after; skipped (failed in CI) when
    unreachable."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"Redis rate-limit tests need {REDIS_TEST_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
def make_app(app):
    """Make another app instance on the same database, with extra settings."""
    made = []

    def make_app(**settings):
        instance = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                               "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               **settings})
        made.append(instance)
        return instance

    yield make_app
    for instance in made:
        with instance.app_context():
            from webapp.extensions import db

            db.engine.dispose()


def attempt(client, who, password="wrong-password-here", address="192.0.2.1"):
    """Try to sign in as ``who`` (an email) from a client address."""
    return client.post("/login", data={"email": who, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_ten_failures_lock_that_account_at_that_address_only(client, people):
    for _ in range(LIMIT):
        assert attempt(client, "staff@example.org").status_code == 400

    blocked = attempt(client, "Staff@example.org", GOOD_PASSWORD)
    assert blocked.status_code == 429
    assert b"Too many attempts to sign in" in blocked.data
    assert b"govuk-heading-l" in blocked.data
    assert blocked.headers["Retry-After"] == "900"
    assert attempt(client, "colleague@example.org", GOOD_PASSWORD).status_code == 302
    # The real person, somewhere else, is not locked out by what happened there.
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="198.51.100.7").status_code == 302


def test_a_stranger_failing_from_many_addresses_cannot_lock_the_real_person_out(client,
                                                                                 people):
    """Issue 11: ten failures from anywhere locked the real person out for 15 minutes."""
    for n in range(ACCOUNT_LIMIT + 5):
        assert attempt(client, "staff@example.org", address=f"203.0.113.{n}").status_code in (
            400, 429)
    # A correct password from an address with no failures for the account still passes.
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="198.51.100.7").status_code == 302


def test_a_soft_locked_account_gives_each_address_one_guess(client, people):
    for n in range(ACCOUNT_LIMIT):
        assert attempt(client, "staff@example.org", address=f"203.0.113.{n}").status_code == 400
    # Locked softly: an address that failed for it now waits, even with the right password...
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="203.0.113.0").status_code == 429
    # ...a new address gets one try, and after a failure waits too.
    assert attempt(client, "staff@example.org", address="203.0.113.200").status_code == 400
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="203.0.113.200").status_code == 429
    # Other accounts are not affected.
    assert attempt(client, "colleague@example.org", GOOD_PASSWORD,
                   address="203.0.113.0").status_code == 302


def test_many_failures_from_one_address_lock_every_account_there(client, people):
    for n in range(ADDRESS_LIMIT):
        assert attempt(client, f"guess-{n}@example.org").status_code == 400

    assert attempt(client, "staff@example.org", GOOD_PASSWORD).status_code == 429
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="198.51.100.7").status_code == 302


def test_an_ipv6_network_counts_as_one_address(client, people):
    for n in range(LIMIT):
        assert attempt(client, "staff@example.org",
                       address=f"2001:db8:1:2::{n + 1:x}").status_code == 400
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="2001:db8:1:2:ffff::1").status_code == 429
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="2001:db8:1:3::1").status_code == 302


def test_the_limits_lift_when_the_window_moves_on(client, people, time_machine):
    for _ in range(LIMIT):
        attempt(client, "staff@example.org")
    assert attempt(client, "staff@example.org", GOOD_PASSWORD).status_code == 429
    later(time_machine, 15 * 60 + 1)
    assert attempt(client, "staff@example.org", GOOD_PASSWORD).status_code == 302


def later(time_machine, seconds: float) -> None:
    """Move the clock on by ``seconds`` from now."""
    time_machine.move_to(datetime.fromtimestamp(time.time() + seconds, UTC))


def ask_reset(client, who, address="192.0.2.1"):
    return client.post("/reset-password", data={"email": who},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def outbox(app, tmp_path):
    app.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
    return tmp_path / "outbox"


@pytest.mark.parametrize("who", ["staff@example.org", "nobody@example.org"])
def test_reset_emails_to_one_address_are_limited_whoever_asks(client, people, outbox, who):
    """Issue 11: a tester sent 55 reset emails to one address in a minute."""
    for n in range(RESETS_PER_ACCOUNT):
        assert ask_reset(client, who, address=f"192.0.2.{n}").status_code == 200
    refused = ask_reset(client, who.upper(), address="198.51.100.7")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert b"Too many requests to reset a password" in refused.data
    assert len(list(outbox.glob("*.eml"))) == RESETS_PER_ACCOUNT
    assert ask_reset(client, "colleague@example.org", address="198.51.100.7").status_code == 200


def test_reset_requests_from_one_address_are_limited(client, people, outbox):
    for n in range(RESETS_PER_ADDRESS):
        assert ask_reset(client, f"someone-{n}@example.org").status_code == 200
    assert ask_reset(client, "staff@example.org").status_code == 429
    assert ask_reset(client, "staff@example.org", address="198.51.100.7").status_code == 200
    assert len(list(outbox.glob("*.eml"))) == RESETS_PER_ADDRESS + 1


def test_reset_limits_lift_after_an_hour(client, people, outbox, time_machine):
    for _ in range(RESETS_PER_ACCOUNT):
        ask_reset(client, "staff@example.org")
    assert ask_reset(client, "staff@example.org").status_code == 429
    later(time_machine, 60 * 60 + 1)
    assert ask_reset(client, "staff@example.org").status_code == 200


def test_successful_sign_ins_do_not_count(client, people):
    for _ in range(LIMIT + 2):
        assert attempt(client, "staff@example.org", GOOD_PASSWORD).status_code == 302
    for _ in range(LIMIT):
        assert attempt(client, "staff@example.org").status_code == 400
    assert attempt(client, "staff@example.org").status_code == 429


def test_app_instances_sharing_redis_count_together(people, make_app, redis_url):
    first = make_app(REDIS_URL=redis_url).test_client()
    second = make_app(REDIS_URL=redis_url).test_client()
    for n in range(LIMIT):
        assert attempt(first if n % 2 else second, "staff@example.org").status_code == 400

    assert attempt(first, "staff@example.org", GOOD_PASSWORD).status_code == 429
    assert attempt(second, "staff@example.org", GOOD_PASSWORD).status_code == 429


def test_the_soft_lock_and_reset_limits_hold_across_instances_sharing_redis(
        people, make_app, redis_url, tmp_path):
    first = make_app(REDIS_URL=redis_url, OUTBOX_DIR=str(tmp_path)).test_client()
    second = make_app(REDIS_URL=redis_url, OUTBOX_DIR=str(tmp_path)).test_client()
    for n in range(ACCOUNT_LIMIT):
        attempt(first if n % 2 else second, "staff@example.org", address=f"203.0.113.{n}")
    assert attempt(first, "staff@example.org", GOOD_PASSWORD,
                   address="203.0.113.1").status_code == 429
    assert attempt(second, "staff@example.org", GOOD_PASSWORD,
                   address="198.51.100.7").status_code == 302
    for n in range(RESETS_PER_ACCOUNT):
        assert ask_reset(first if n % 2 else second, "nobody@example.org").status_code == 200
    assert ask_reset(first, "nobody@example.org").status_code == 429


def test_app_instances_in_memory_count_apart(people, make_app):
    first, second = make_app().test_client(), make_app().test_client()
    for _ in range(LIMIT):
        attempt(first, "staff@example.org")
    assert attempt(first, "staff@example.org", GOOD_PASSWORD).status_code == 429
    assert attempt(second, "staff@example.org", GOOD_PASSWORD).status_code == 302


def test_sign_in_goes_on_when_redis_is_unreachable(people, make_app, caplog):
    client = make_app(REDIS_URL="redis://127.0.0.1:9/0").test_client()
    assert attempt(client, "staff@example.org").status_code == 400
    assert attempt(client, "staff@example.org", GOOD_PASSWORD).status_code == 302
    assert "Sign-in limits unavailable" in caplog.text


#: Passport checks from one client address a minute (``limits.VERIFICATIONS_FROM_ADDRESS``).
CHECKS_PER_MINUTE = 30


def check_page(client, address="192.0.2.1"):
    return client.get("/passport/verify", query_string={"credential": "not.a.credential"},
                      environ_base={"REMOTE_ADDR": address})


def check_api(client, address="192.0.2.1"):
    return client.get("/api/v1/passport/verify",
                      query_string={"credential": "not.a.credential"},
                      environ_base={"REMOTE_ADDR": address})


def test_passport_checks_from_one_address_are_limited(client):
    for _ in range(CHECKS_PER_MINUTE):
        answer = check_page(client)
        assert answer.status_code == 200 and b"Not a credential" in answer.data
    refused = check_page(client)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert b"Too many credential checks" in refused.data
    assert b"Not a credential" not in refused.data
    # The API counts with the page, and answers JSON.
    api = check_api(client)
    assert api.status_code == 429 and api.headers["Retry-After"] == "60"
    assert api.get_json()["error"]["status"] == 429
    assert "Too many passport checks" in api.get_json()["error"]["message"]
    # The empty form still opens; another address still checks.
    assert client.get("/passport/verify",
                      environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
    assert check_page(client, "198.51.100.7").status_code == 200
    assert check_api(client, "198.51.100.7").status_code == 200


def test_passport_checks_posted_count_and_lift_after_a_minute(client, time_machine):
    for _ in range(CHECKS_PER_MINUTE):
        assert check_api(client).status_code == 200
    posted = client.post("/passport/verify", data={"passport": "not.a.credential"},
                         environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert posted.status_code == 429
    later(time_machine, 61)
    assert check_page(client).status_code == 200
