"""Sign-in throttling: counted where every worker sees it and a restart keeps it, keyed by
(account, address), by address (looser) and by device cookie, so the owner is never locked
out of her own browser by someone guessing at her account."""

from typing import Any

import pytest
from flask import Flask

from planner import create_app
from planner.auth import throttle
from tests.conftest import PASSWORD, WebClient

GUESSES = 25  # wrong passwords within a minute, from one address
LIMIT = throttle.SIGN_IN_PER_ACCOUNT_AND_ADDRESS.count


@pytest.fixture
def throttled(app: Flask) -> Any:
    """``throttled()`` -> a new app (a "worker") on the test database, throttling on."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        one = create_app({**app.config, "RATELIMIT_ENABLED": True, **config})
        made.append(one)
        return one

    yield make
    for one in made:
        one.extensions["planner.engine"].dispose()


def browser(app: Flask, address: str = "198.51.100.7") -> WebClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return WebClient(client)


def attempt(web: WebClient, email: str, password: str = "wrong password") -> Any:
    return web.submit("/login", {"email": email, "password": password})


def test_wrong_guesses_are_refused_with_429_a_reason_and_retry_after(
    throttled: Any, make_user: Any
) -> None:
    user = make_user()
    web = browser(throttled())
    codes = [attempt(web, user.email).status_code for _ in range(LIMIT)]
    assert codes == [422] * LIMIT  # refused guesses: the form with its error
    refused = attempt(web, user.email)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert "Too many sign-in attempts." in page and "Please wait 1 minute" in page
    assert attempt(web, user.email, PASSWORD).status_code == 429  # not even the right one


def test_the_refusal_is_in_german_for_a_german_browser(throttled: Any, make_user: Any) -> None:
    user = make_user()
    web = browser(throttled())
    web.client.set_cookie("lang", "de")
    for _ in range(LIMIT):
        attempt(web, user.email)
    page = attempt(web, user.email).get_data(as_text=True)
    assert "Zu viele Anmeldeversuche." in page


def test_counts_are_shared_by_workers_and_survive_a_restart(throttled: Any, make_user: Any) -> None:
    user = make_user()
    first, second = browser(throttled()), browser(throttled())
    codes = [attempt(first if i % 2 else second, user.email).status_code for i in range(GUESSES)]
    assert sum(code != 429 for code in codes) <= LIMIT
    assert codes[:LIMIT] == [422] * LIMIT
    restarted = browser(throttled())
    assert attempt(restarted, user.email).status_code == 429


def test_the_owner_still_signs_in_from_her_own_browser_at_the_same_address(
    throttled: Any, make_user: Any
) -> None:
    """OWASP's device cookie: her earlier sign-in marked the browser; the attacker's
    guesses from the same address (a shared office, or every user behind a proxy) are
    counted apart from it."""
    owner = make_user()
    worker = throttled()
    hers = browser(worker)
    hers.login(owner.email)
    hers.submit("/logout", form_url="/dashboard")
    attacker = browser(throttled())
    codes = [attempt(attacker, owner.email).status_code for _ in range(GUESSES)]
    assert sum(code != 429 for code in codes) <= LIMIT
    assert hers.login(owner.email).status_code == 302
    # without her device cookie the same address is refused
    assert attempt(browser(worker), owner.email, PASSWORD).status_code == 429


def test_a_device_cookie_counts_only_for_its_own_account(throttled: Any, make_user: Any) -> None:
    owner, other = make_user(), make_user()
    web = browser(throttled())
    web.login(owner.email)
    web.submit("/logout", form_url="/dashboard")
    for _ in range(LIMIT):
        attempt(web, other.email)
    assert attempt(web, other.email).status_code == 429  # her cookie does not cover this one


def test_guesses_at_one_account_lock_out_neither_other_accounts_nor_other_addresses(
    throttled: Any, make_user: Any
) -> None:
    victim, neighbour = make_user(), make_user()
    worker = throttled()
    attacker = browser(worker, "198.51.100.7")
    for _ in range(LIMIT + 1):
        attempt(attacker, victim.email)
    assert attempt(attacker, victim.email).status_code == 429
    assert browser(worker, "198.51.100.7").login(neighbour.email).status_code == 302
    assert browser(worker, "203.0.113.9").login(victim.email).status_code == 302


def test_one_address_is_limited_over_all_accounts(
    throttled: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        throttle,
        "SIGN_IN_PER_ADDRESS",
        throttle.Limit("address", 3, throttle.SIGN_IN_PER_ADDRESS.window),
    )
    web = browser(throttled())
    codes = [attempt(web, f"nobody-{i}@example.org").status_code for i in range(4)]
    assert codes == [422, 422, 422, 429]
    assert (
        attempt(browser(web.client.application, "2001:db8:1:2::99"), "x@example.org").status_code
        == 422
    )


def test_ipv6_addresses_count_by_their_64_network() -> None:
    assert throttle.address_key("2001:db8:1:2::1") == throttle.address_key("2001:db8:1:2:ffff::7")
    assert throttle.address_key("2001:db8:1:3::1") != throttle.address_key("2001:db8:1:2::1")
    assert throttle.address_key("::ffff:198.51.100.7") == "198.51.100.7"


def test_a_successful_sign_in_is_not_counted(throttled: Any, make_user: Any) -> None:
    user = make_user()
    worker = throttled()
    for _ in range(LIMIT + 2):
        web = browser(worker)  # a new browser each time: no device cookie
        assert web.login(user.email).status_code == 302


def test_registrations_are_limited_per_address(throttled: Any) -> None:
    web = browser(throttled())
    codes = []
    for i in range(throttle.REGISTER_PER_ADDRESS.count + 1):
        web.client.delete_cookie("treffpunkt_session")
        answer = web.submit(
            "/register",
            {"email": f"new-{i}@example.org", "password": PASSWORD, "confirm": PASSWORD},
        )
        codes.append(answer.status_code)
    assert codes == [302] * throttle.REGISTER_PER_ADDRESS.count + [429]
    assert "Too many registrations" in answer.get_data(as_text=True)
    assert answer.headers["Retry-After"]
