"""Every page a signed-in user reaches fits a phone: a crawl at 390 x 844 in both languages."""

import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.browser

T = TypeVar("T")
PHONE = {"width": 390, "height": 844}
# Downloads and feeds are files, not pages; sign-out would end the crawl.
_NOT_PAGES = re.compile(r"(\.ics|\.json|/export|/feed/|/logout|/static/)")
_MAX_PAGES = 60
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _register_with_demo_data(page: Any, live_server: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server}/register")
    page.locator("input[name=email]").fill(f"phone-{uuid.uuid4().hex[:8]}@example.org")
    page.locator("input[name=password]").fill("a long passphrase for the phone")
    page.locator("input[name=confirm]").fill("a long passphrase for the phone")
    page.locator("main form button[type=submit]").first.click()
    page.locator("form.demo button[type=submit]").click()
    expect(page.locator("form.demo")).to_have_count(0)


def _too_wide(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0: it fits)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def _links(page: Any, live_server: str) -> list[str]:
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    origin = urlsplit(live_server).netloc
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if urlsplit(url).netloc == origin and not _NOT_PAGES.search(url):
            found.append(url)
    return found


def crawl(
    page: Any,
    live_server: str,
    judge: Callable[[Any], T | None],
    *,
    start: Sequence[str] = ("/dashboard",),
    most: int = _MAX_PAGES,
) -> dict[str, T]:
    """Visit the pages reachable from ``start``, one per template (ids and page numbers left
    out), and judge each: path -> what ``judge`` found wrong there (None: nothing)."""
    shapes: set[str] = set()
    queue = [f"{live_server}{path}" for path in start]
    found: dict[str, T] = {}
    while queue and len(shapes) < most:
        url = queue.pop(0)
        shape = re.sub(r"page=\d+", "page=N", _ID.sub("ID", url))
        if shape in shapes:
            continue
        shapes.add(shape)
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if (wrong := judge(page)) is not None:
            found[url.removeprefix(live_server)] = wrong
        queue.extend(_links(page, live_server))
    assert len(shapes) > 15, f"the crawl reached only {sorted(shapes)}"
    return found


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_every_page_fits_a_phone(live_server: str, browser: Any, locale: str) -> None:
    context = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _register_with_demo_data(page, live_server)
        wide = crawl(page, live_server, lambda p: _too_wide(p) or None)
    finally:
        context.close()
    assert not wide, f"pages wider than {PHONE['width']} px (excess in px): {wide}"


def test_the_menu_opens_on_a_phone_and_reaches_every_section(
    live_server: str, browser: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        _register_with_demo_data(page, live_server)
        sign_out = page.get_by_role("button", name="Sign out")
        expect(sign_out).to_be_hidden()  # folded away until the menu opens
        page.get_by_text("Menu", exact=True).click()
        for name in ("Contacts", "Map", "Trips", "Meetings", "Import", "Settings"):
            link = page.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        expect(sign_out).to_be_visible()
        assert sign_out.bounding_box()["height"] >= 44
        page.get_by_role("link", name="Meetings", exact=True).click()
        expect(page).to_have_url(re.compile(r"/meetings/?$"))
    finally:
        context.close()


def test_buttons_are_big_enough_to_tap_on_a_phone(live_server: str, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        _register_with_demo_data(page, live_server)
        page.goto(f"{live_server}/contacts/")
        heights = page.evaluate(
            """() => Array.from(document.querySelectorAll('main button, main [role=button]'))
                 .filter(b => b.offsetParent !== null)
                 .map(b => [b.textContent.trim(), b.getBoundingClientRect().height])"""
        )
        small = [(text, h) for text, h in heights if h < 44]
        assert heights and not small, f"buttons under 44 px: {small}"
    finally:
        context.close()
