"""Events in a real browser: upload a feed, see the Munich barcamp on a trip page with the
contact on its programme, say "Going", and find it in the private calendar feed."""

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.events_match_fixtures import FIXTURES
from tests.ics_reading import read_ics

pytestmark = pytest.mark.browser

LOTTE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lotte Berg\r\nN:Berg;Lotte;;;\r\n"
    "EMAIL:lotte@example.org\r\nTITLE:New Work Beraterin\r\nGEO:53.55,9.99\r\nEND:VCARD\r\n"
)


def test_a_feed_event_on_the_trip_page_going_and_in_the_private_feed(
    live_server: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("barcamper@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()

    card = tmp_path / "lotte.vcf"
    card.write_text(LOTTE)
    page.get_by_role("button", name="Import contacts from a file").click()
    page.get_by_label("Export files").set_input_files(str(card))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("1 contacts imported")).to_be_visible()

    page.goto(f"{live_server}/events/feeds")
    page.get_by_label("Calendar file (.ics)").set_input_files(str(FIXTURES / "munich_trip.ics"))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("events read")).to_be_visible()

    page.get_by_role("link", name="Trips", exact=True).click()
    page.get_by_role("button", name="New trip").click()
    page.get_by_label("City").fill("München")
    page.get_by_label("Arrival").fill("2027-09-24T10:00")
    page.get_by_label("Departure").fill("2027-09-27T18:00")
    page.get_by_role("button", name="Create trip").click()

    event = page.locator("article.event-match", has_text="Barcamp München")
    expect(event).to_be_visible()
    expect(event.get_by_text("your contact Lotte Berg is on the programme")).to_be_visible()
    expect(page.locator("article.event-match", has_text="Berlin")).to_have_count(0)
    event.get_by_role("button", name="Going").click()
    expect(page.get_by_text("is in your calendar feed now")).to_be_visible()
    expect(
        page.get_by_role("button", name="Propose a coffee at the event to Lotte Berg")
    ).to_be_visible()

    page.goto(f"{live_server}/settings/calendars")
    page.get_by_role("button", name="Make a feed address").click()
    address = page.locator("#feed-url").input_value()
    with urllib.request.urlopen(address, timeout=10) as answer:
        calendar = read_ics(answer.read())
    assert [entry.summary.value for entry in calendar.vevent_list] == ["Barcamp München"]
