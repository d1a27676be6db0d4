"""With REDIS_URL set, sign-in throttling is shared by all workers through Redis."""

from typing import Any

import pytest
from flask import Flask

from planner import create_app
from tests.conftest import WebClient

pytestmark = pytest.mark.redis


def test_sign_in_limit_is_counted_in_redis(app: Flask, redis_url: str, make_user: Any) -> None:
    import redis

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    user = make_user()
    config = {
        **app.config,
        "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "2 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    first, second = create_app(config), create_app(config)  # two "workers"
    assert first.config["RATELIMIT_STORAGE_URI"] == redis_url
    try:
        a, b = WebClient(first.test_client()), WebClient(second.test_client())
        codes = [
            a.submit("/login", {"email": user.email, "password": "wrong"}).status_code,
            b.submit("/login", {"email": user.email, "password": "wrong"}).status_code,
            a.submit("/login", {"email": user.email, "password": "wrong"}).status_code,
        ]
        assert codes == [200, 200, 429]
        assert any(b"login" in key for key in server.keys("*"))
    finally:
        server.flushdb()
        for one in (first, second):
            one.extensions["planner.engine"].dispose()
