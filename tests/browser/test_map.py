"""The contact map in a real browser: vendored Leaflet, clustered markers, safe popups."""

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _vcard(name: str, lat: float, lon: float) -> str:
    email = re.sub(r"\W", "", name).lower()
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"FN:{name}\r\nEMAIL:{email}@example.org\r\nGEO:{lat},{lon}\r\nEND:VCARD\r\n"
    )


def test_the_map_shows_placed_contacts_in_clusters(
    live_server: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # no network in tests: tiles are refused, the markers still show
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    cards = [
        _vcard("Ada Hafen", 53.55, 9.99),
        _vcard("Hinnerk Hafen", 53.56, 10.0),
        _vcard("Jana Jungfern", 53.553, 9.993),
        _vcard("Bea <img src=x onerror=alert(1)>", 48.137, 11.575),
    ]
    export = tmp_path / "placed.vcf"
    export.write_text("".join(cards))

    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("mapper@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Import contacts from a file").click()
    page.get_by_label("Export files").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("4 contacts imported")).to_be_visible()

    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.get_by_role("link", name="Map", exact=True).click()
    expect(page).to_have_url(re.compile(r"/places/map$"))
    expect(page.locator("#map[data-markers='4']")).to_have_count(1)
    # three Hamburg contacts become one cluster at the start zoom; Munich stands alone
    markers = page.locator(".marker-cluster, .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    expect(page.locator(".marker-cluster")).to_have_count(1)
    expect(page.locator(".marker-cluster")).to_contain_text("3")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)

    page.locator(".leaflet-marker-icon[title^='Bea']").click()
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_have_text("Bea <img src=x onerror=alert(1)>")  # text, not markup
    assert dialogs == []
    popup.click()
    expect(page.get_by_role("heading", name=re.compile("^Bea"))).to_be_visible()
