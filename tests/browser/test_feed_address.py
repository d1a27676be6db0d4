"""The show-once feed address: on the port the app runs on, answering text/calendar, with a
Copy button that copies it."""

import urllib.request
from typing import Any

import pytest

from tests.browser.test_phone_layout import _register_with_demo_data

pytestmark = pytest.mark.browser


def test_the_feed_address_works_where_the_app_runs_and_copies(
    live_server: str, browser: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        _register_with_demo_data(page, live_server)
        page.goto(f"{live_server}/settings/calendars")
        page.get_by_role("button", name="Make a feed address").click()
        address = page.locator("#feed-url").input_value()
        assert address.startswith(f"{live_server}/feed/")  # a random port, no BASE_URL set
        with urllib.request.urlopen(address, timeout=10) as answer:
            assert answer.headers.get_content_type() == "text/calendar"
        copy = page.get_by_role("button", name="Copy", exact=True)
        copy.click()
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        assert page.evaluate("() => navigator.clipboard.readText()") == address
    finally:
        context.close()
