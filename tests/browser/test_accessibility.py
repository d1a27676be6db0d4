"""No serious or critical WCAG 2.1 AA violation (axe-core) on the pages a signed-in user with
the demo data reaches, in English and German."""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.test_phone_layout import _register_with_demo_data, crawl

pytestmark = pytest.mark.browser

_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
_MAX_PAGES = 30
START = ("/dashboard", "/places/map")  # the map first: its cluster labels fell short


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    if urlsplit(page.url).path.startswith("/places/map"):
        # the cluster labels are what fell short: judge the map once its clusters are drawn
        page.locator(".marker-cluster").first.wait_for()
    results = Axe().run(page, options=_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_pages_have_no_serious_accessibility_violations(
    live_server: str, browser: Any, locale: str
) -> None:
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    found: dict[str, list[str]] = {}
    try:
        _register_with_demo_data(page, live_server)
        found = crawl(
            page, live_server, lambda p: _serious(p) or None, start=START, most=_MAX_PAGES
        )
        page.goto(f"{live_server}/dashboard")
        page.locator(".menu-wide button[type=submit]").click()  # signed-out pages too
        page.wait_for_url(re.compile(r"/login"))
        for path in ("/login", "/register"):
            page.goto(f"{live_server}{path}")
            if problems := _serious(page):
                found[path] = problems
    finally:
        context.close()
    assert not found, "\n".join(f"{url}: {p}" for url, ps in found.items() for p in ps)
