"""A get-together in two browser contexts: the organiser creates one for Hamburg and
"Karriereberatung", an invitee opens the link in another context (no account) and answers in
German, the organiser sees the answer, fixes the date and downloads the final invite, which
a second parser (vobject) reads."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.ics_reading import read_ics

pytestmark = pytest.mark.browser

YEAR = date.today().year + 2


def card(name: str, email: str, lat: float, lon: float) -> str:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\n"
        f"CATEGORIES:Karriereberatung\r\nADR:;;;Hamburg;;;Deutschland\r\nGEO:{lat},{lon}\r\n"
        "END:VCARD\r\n"
    )


VCARDS = (
    card("Anke Albers", "anke@example.org", 53.55, 9.99)
    + card("Bernd Brandt", "bernd@example.org", 53.56, 10.01)
    + card("Berta Berlin", "berta@example.org", 52.52, 13.40)  # outside the region
)


def test_poll_answer_in_german_fix_and_download(
    live_server: str, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    organiser = browser.new_context(locale="en-US", accept_downloads=True).new_page()
    organiser.set_default_timeout(10_000)
    organiser.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    export = tmp_path / "hamburg.vcf"
    export.write_text(VCARDS)
    organiser.goto(f"{live_server}/register")
    organiser.get_by_label("E-mail").fill("organiser@example.org")
    organiser.get_by_label("Password", exact=True).fill("a long passphrase")
    organiser.get_by_label("Repeat password").fill("a long passphrase")
    organiser.get_by_role("button", name="Create account").click()
    organiser.get_by_role("button", name="Import contacts from a file").click()
    organiser.get_by_label("Export files").set_input_files(str(export))
    organiser.get_by_role("button", name="Upload and preview").click()
    organiser.get_by_role("button", name="Confirm and import").click()
    expect(organiser.get_by_text("3 contacts imported")).to_be_visible()

    organiser.get_by_role("link", name="Get-togethers", exact=True).first.click()
    organiser.get_by_role("button", name="New get-together").click()
    organiser.get_by_label("Title").fill("Karriere-Stammtisch")
    organiser.get_by_label("City").fill("Hamburg")
    organiser.get_by_label("Topics").fill("Karriereberatung")
    organiser.locator("#options-0").fill(f"{YEAR}-03-04T18:30")
    organiser.locator("#options-1").fill(f"{YEAR}-03-11T18:30")
    organiser.get_by_role("button", name="Continue: choose whom to invite").click()
    expect(organiser.get_by_text("Anke Albers")).to_be_visible()
    expect(organiser.get_by_text("Berta Berlin")).to_have_count(0)  # not in the region
    organiser.get_by_role("button", name="Invite and make their links").click()
    links = organiser.locator("input[readonly]")
    expect(links).to_have_count(2)
    link = next(
        links.nth(i).input_value()
        for i in range(2)
        if "Anke" in organiser.locator("label").nth(i).inner_text()
    )
    assert re.search(r"/g/[A-Za-z0-9_-]{43,}$", link)

    invitee = browser.new_context(locale="de-DE").new_page()
    invitee.set_default_timeout(10_000)
    invitee.goto(link)
    expect(invitee.get_by_role("button", name="Antwort speichern")).to_be_visible()
    assert "example.org" not in invitee.content()
    invitee.get_by_role("group").nth(0).get_by_label("Wenn nötig").check()
    invitee.get_by_role("group").nth(1).get_by_label("Ja").check()
    invitee.get_by_label("Kommentar").fill("Ich freue mich!")
    invitee.get_by_role("button", name="Antwort speichern").click()
    expect(invitee.get_by_text("Vielen Dank")).to_be_visible()
    invitee.context.close()

    organiser.get_by_role("button", name="To the answers").click()
    expect(organiser.get_by_text("Ich freue mich!")).to_be_visible()
    expect(organiser.get_by_text("Not answered yet: Bernd Brandt")).to_be_visible()
    organiser.get_by_label("Venue").first.fill("Café Paris")
    organiser.get_by_role("button", name="Fix this date").first.click()  # best first: the 11th
    expect(organiser.get_by_text("The date is fixed:")).to_be_visible()
    with organiser.expect_download() as info:
        organiser.get_by_role("button", name="Download the invitation (.ics)").click()
    calendar = read_ics(Path(info.value.path()).read_text(encoding="utf-8"))
    assert calendar.method.value == "REQUEST"
    event = calendar.vevent
    assert event.dtstart.value.strftime("%Y-%m-%d %H:%M") == f"{YEAR}-03-11 18:30"
    assert event.location.value == "Café Paris"
    attendees = sorted(a.value for a in event.attendee_list)
    assert attendees == ["mailto:anke@example.org", "mailto:bernd@example.org"]
    organiser.context.close()
