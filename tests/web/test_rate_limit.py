"""Failed sign-ins are limited per account and per client address, across app instances."""

import os

import pytest

from tests.factories import GOOD_PASSWORD
from webapp import create_app

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
LIMIT = 10


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
    """Redis database 15, emptied before and after; skipped (failed in CI) when unreachable."""
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


def test_ten_failures_lock_that_account_from_anywhere(client, people):
    for n in range(LIMIT):
        assert attempt(client, "staff@example.org", address=f"192.0.2.{n}").status_code == 400

    blocked = attempt(client, "Staff@example.org", GOOD_PASSWORD, address="198.51.100.7")
    assert blocked.status_code == 429
    assert b"Too many attempts to sign in" in blocked.data
    assert b"govuk-heading-l" in blocked.data
    assert blocked.headers["Retry-After"] == "900"
    assert attempt(client, "colleague@example.org", GOOD_PASSWORD,
                   address="198.51.100.7").status_code == 302


def test_ten_failures_from_one_address_lock_every_account_there(client, people):
    for n in range(LIMIT):
        assert attempt(client, f"guess-{n}@example.org").status_code == 400

    assert attempt(client, "staff@example.org", GOOD_PASSWORD).status_code == 429
    assert attempt(client, "staff@example.org", GOOD_PASSWORD,
                   address="198.51.100.7").status_code == 302


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
