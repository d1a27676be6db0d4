"""With REDIS_URL set, sign-in throttling is shared by all workers through Redis."""

from typing import Any

import pytest
from flask import Flask

from planner import create_app
from planner.auth import throttle
from tests.conftest import PASSWORD, WebClient, count_rows

pytestmark = pytest.mark.redis


def test_sign_in_limit_is_counted_in_redis(app: Flask, redis_url: str, make_user: Any) -> None:
    import redis

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    owner = make_user()
    config = {**app.config, "REDIS_URL": redis_url, "RATELIMIT_ENABLED": True}
    first, second = create_app(config), create_app(config)  # two "workers"
    third = first
    limit = throttle.SIGN_IN_PER_ACCOUNT_AND_ADDRESS.count
    try:
        hers = WebClient(first.test_client())
        hers.login(owner.email)  # her browser becomes a known device
        a, b = WebClient(first.test_client()), WebClient(second.test_client())
        codes = [
            (a if i % 2 else b)
            .submit("/login", {"email": owner.email, "password": "wrong"})
            .status_code
            for i in range(limit + 1)
        ]
        assert codes == [422] * limit + [429]
        assert server.keys("treffpunkt:throttle:*")
        assert count_rows(app, "sign_in_attempt") == 0  # nothing counted in the database
        third = create_app(config)  # a restarted worker
        restarted = WebClient(third.test_client())
        wrong = {"email": owner.email, "password": "wrong"}
        assert restarted.submit("/login", wrong).status_code == 429
        hers.client.delete_cookie("treffpunkt_session")
        hers.client.delete_cookie("remember_token")
        assert (
            hers.submit("/login", {"email": owner.email, "password": PASSWORD}).status_code == 302
        )
    finally:
        server.flushdb()
        for one in (first, second, third):
            one.extensions["planner.engine"].dispose()
