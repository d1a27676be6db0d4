"""A trip in a real browser: contacts in, a trip to Munich, ranked suggestions with their
reasons, one accepted as a coffee meeting."""

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CARDS = [
    ("Mara Barcamp", 48.14, 11.58, "Employer Branding", "Barcamp,Open Data"),
    ("Paul Plain", 48.15, 11.56, "Buchhalter", ""),
    ("Hanna Hafen", 53.55, 9.99, "Employer Branding", "Barcamp"),
]


def _vcards() -> str:
    out = []
    for name, lat, lon, title, categories in CARDS:
        email = re.sub(r"\W", "", name).lower()
        out.append(
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"FN:{name}\r\nEMAIL:{email}@example.org\r\nTITLE:{title}\r\n"
            + (f"CATEGORIES:{categories}\r\n" if categories else "")
            + f"GEO:{lat},{lon}\r\nEND:VCARD\r\n"
        )
    return "".join(out)


def test_plan_a_trip_to_munich_and_accept_a_suggestion(
    live_server: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    export = tmp_path / "network.vcf"
    export.write_text(_vcards())
    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("traveller@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Import contacts from a file").click()
    page.get_by_label("Export files").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("3 contacts imported")).to_be_visible()

    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Your topics").fill("Employer Branding, Barcamps")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()

    page.get_by_role("link", name="Trips", exact=True).click()
    page.get_by_role("button", name="New trip").click()
    page.get_by_label("City").fill("München")
    page.get_by_label("Arrival").fill("2026-12-03T09:00")
    page.get_by_label("Departure").fill("2026-12-05T18:00")
    page.get_by_role("button", name="Create trip").click()
    expect(page.get_by_role("heading", name="Munich DE", exact=True)).to_be_visible()

    cards = page.locator("article.suggestion")
    expect(cards).to_have_count(2)  # Hanna is in Hamburg
    first = cards.first
    expect(first).to_contain_text("Mara Barcamp")
    expect(first.locator(".reasons")).to_contain_text("shares Barcamps and Employer Branding")
    expect(first.locator(".reasons")).to_contain_text("Munich")
    expect(cards.nth(1)).to_contain_text("Paul Plain")
    expect(page.locator("#trip-map .leaflet-marker-icon")).to_have_count(1)

    first.get_by_role("button", name="Propose a coffee").click()
    proposed = "Coffee with Mara Barcamp proposed in Munich: pick a time."
    expect(page.get_by_text(proposed)).to_be_visible()
    expect(page.locator("#people")).to_contain_text("Mara Barcamp")
    page.get_by_role("link", name="trip leg in Munich").click()
    expect(page.locator("ul.meetings")).to_contain_text("Mara Barcamp")
    expect(page.locator("article.suggestion")).to_have_count(1)


def test_demo_data_from_the_empty_overview(live_server: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("curious@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Try it with demo data").click()
    expect(page.get_by_text("Demo data loaded: 122 invented contacts")).to_be_visible()
    expect(page.get_by_role("heading", name="München (Demo)")).to_be_visible()
    expect(page.locator("article.suggestion")).to_have_count(20)
    expect(page.locator("article.suggestion").first.locator(".reasons")).to_contain_text(
        "never met"
    )
