"""The Redis server of the tests that share answers through it (CI runs one on this address)."""

from __future__ import annotations

import os
import uuid

import pytest

REDIS_TEST_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """Keys of this test's own in the test Redis, deleted after; skipped (failed in CI) when
    Redis is unreachable. Tests sharing a database number never touch each other's keys."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"this test needs Redis at {REDIS_TEST_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    prefix = f"test:{uuid.uuid4().hex}:"
    yield prefix
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()
