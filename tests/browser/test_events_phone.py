"""The events pages at 375 px, in English and German: nothing wider than the phone, the
month folded into a list of days, the event's map in place."""

from typing import Any

import pytest

from tests.browser.test_phone_layout import _register_with_demo_data, _too_wide

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_events_pages_fit_375_px(live_server: str, browser: Any, locale: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _register_with_demo_data(page, live_server)
        wide: dict[str, int] = {}
        page.goto(f"{live_server}/events")
        wide["/events"] = _too_wide(page)
        camp = page.get_by_role("link", name="Barcamp München: New Work & Community")
        expect(camp).to_be_visible()
        camp.click()
        page.wait_for_load_state("load")
        expect(page.locator("#event-map")).to_be_visible()
        expect(page.locator("#event-map .leaflet-marker-icon")).to_have_count(1)
        assert "Carla Kessler" in page.locator(".event-description").inner_text()
        wide["event"] = _too_wide(page)
        page.goto(f"{live_server}/events/feeds")
        wide["/events/feeds"] = _too_wide(page)
        page.goto(f"{live_server}/events")
        page.locator("a[href^='/events/month']").first.click()
        page.wait_for_url("**/events/month**")
        page.wait_for_load_state("load")
        wide["/events/month"] = _too_wide(page)
        page.locator("a[rel=next]").click()  # the trip is four weeks ahead
        page.wait_for_url("**/events/month?month=**")
        page.wait_for_load_state("load")
        wide["/events/month (next)"] = _too_wide(page)
        days = page.locator(".month-grid > li.has-events")
        if days.count():
            assert days.first.bounding_box()["width"] <= PHONE["width"]
        assert not {k: v for k, v in wide.items() if v}, wide
    finally:
        context.close()


def test_events_pages_have_no_serious_accessibility_violations(
    live_server: str, browser: Any
) -> None:
    from tests.browser.test_accessibility import _serious

    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _register_with_demo_data(page, live_server)
        found: dict[str, list[str]] = {}
        page.goto(f"{live_server}/events?place=M%C3%BCnchen&radius=30")
        found["/events"] = _serious(page)
        page.get_by_role("link", name="Barcamp München: New Work & Community").click()
        found["event"] = _serious(page)
        for path in ("/events/month", "/events/feeds"):
            page.goto(f"{live_server}{path}")
            found[path] = _serious(page)
        assert not {k: v for k, v in found.items() if v}, found
    finally:
        context.close()
