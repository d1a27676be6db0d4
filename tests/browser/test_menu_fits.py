"""The menu with Follow-ups in it: one row on the narrowest wide screen in the longer
language (German), and the phone's folded menu reaches the follow-ups page."""

import re
from typing import Any

import pytest

from tests.browser.test_phone_layout import PHONE, _register_with_demo_data, _too_wide

pytestmark = pytest.mark.browser

NARROWEST_WIDE = {"width": 1280, "height": 768}  # app.css folds the menu below 1280 px


def test_the_wide_menu_stays_one_row_in_german_at_1280_px(live_server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=NARROWEST_WIDE, locale="de-DE")
    page = context.new_page()
    try:
        _register_with_demo_data(page, live_server)
        link = page.locator(".menu-wide").get_by_role("link", name="Nachfassen", exact=True)
        expect(link).to_be_visible()
        # [top, height] per item: a wrapped item starts below the first row
        boxes = page.evaluate(
            "() => Array.from(document.querySelectorAll('.menu-wide > li'),"
            " li => [li.getBoundingClientRect().top, li.getBoundingClientRect().height])"
        )
        row = min(height for _, height in boxes)
        assert max(top for top, _ in boxes) - min(top for top, _ in boxes) < row / 2, boxes
        assert _too_wide(page) == 0
        link.click()
        expect(page).to_have_url(re.compile(r"/followups$"))
        expect(link).to_have_attribute("aria-current", "page")
    finally:
        context.close()


def test_the_phone_menu_reaches_the_follow_ups(live_server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        _register_with_demo_data(page, live_server)
        page.get_by_text("Menu", exact=True).click()
        link = page.locator(".menu-narrow").get_by_role("link", name="Follow-ups", exact=True)
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        link.click()
        expect(page).to_have_url(re.compile(r"/followups$"))
    finally:
        context.close()


def test_below_1280_px_the_menu_is_folded(live_server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1279, "height": 768}, locale="de-DE")
    page = context.new_page()
    try:
        _register_with_demo_data(page, live_server)
        expect(page.locator(".menu-wide")).to_be_hidden()
        expect(page.locator(".menu-narrow")).to_be_visible()
        assert _too_wide(page) == 0
    finally:
        context.close()
