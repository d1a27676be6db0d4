"""A coffee meeting in a real browser: accept a trip suggestion, pick a proposed time,
confirm, download the invite (and say it went out), change the time (SEQUENCE rises),
cancel (METHOD:CANCEL)."""

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.ics_reading import read_ics

pytestmark = pytest.mark.browser

MAY_FIRST = date(date.today().year + 2, 5, 1)
DAY = MAY_FIRST + timedelta(days=(7 - MAY_FIRST.weekday()) % 7)  # a Monday, well ahead

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mara Barcamp\r\nEMAIL:mara@example.org\r\n"
    "TITLE:Employer Branding\r\nADR:;;;München;;;Deutschland\r\nGEO:48.14,11.58\r\n"
    "END:VCARD\r\n"
)


def download(page: Any, name: str) -> Any:
    with page.expect_download() as info:
        # a link styled as a button; the first is the page's own (each prepared message
        # below has one for its language)
        page.get_by_role("button", name=name).first.click()
    return read_ics(Path(info.value.path()).read_text(encoding="utf-8"))


def test_from_suggestion_to_invite_to_update_to_cancellation(
    live_server: str, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    export = tmp_path / "mara.vcf"
    export.write_text(VCARD)
    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("coffee@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Import contacts from a file").click()
    page.get_by_label("Export files").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("1 contacts imported")).to_be_visible()

    page.get_by_role("link", name="Trips", exact=True).click()
    page.get_by_role("button", name="New trip").click()
    page.get_by_label("City").fill("München")
    page.get_by_label("Arrival").fill(f"{DAY}T09:00")
    page.get_by_label("Departure").fill(f"{DAY + timedelta(days=2)}T18:00")
    page.get_by_role("button", name="Create trip").click()
    page.locator("article.suggestion").first.get_by_role("button", name="Propose a coffee").click()
    expect(page.get_by_text("pick a time")).to_be_visible()

    first_day = page.locator("#free-times .free-day").first
    expect(first_day.locator("h3")).to_have_text(f"Mon, May {DAY.day}")  # the date once
    slots = first_day.locator("button.slot")
    expect(slots.first).to_have_text("9:00\u202fAM")  # the first time after arriving
    expect(slots.first).to_have_accessible_name(f"Mon, May {DAY.day}, 9:00\u202fAM–10:00\u202fAM")
    slots.first.click()
    expect(page.get_by_text("Time set.")).to_be_visible()
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("Confirmed: it is in your calendar feed now.")).to_be_visible()
    expect(page.locator("#needs-sending")).to_contain_text("Not sent yet")

    invite = download(page, "Download invite (.ics)")
    assert invite.method.value == "REQUEST"
    uid, sequence = invite.vevent.uid.value, int(invite.vevent.sequence.value)
    assert invite.vevent.attendee.value.lower() == "mailto:mara@example.org"
    assert invite.vevent.dtstart.value.strftime("%Y-%m-%d %H:%M %Z") == f"{DAY} 09:00 CEST"
    page.reload()  # a download changes nothing: the user says when it went out
    expect(page.locator("#needs-sending")).to_contain_text("Not sent yet")
    page.get_by_role("button", name="I sent it").click()
    expect(page.get_by_text("Noted: the invitees have the invite.")).to_be_visible()
    expect(page.locator("#needs-sending")).to_have_count(0)

    page.get_by_label("Start").fill(f"{DAY + timedelta(days=1)}T15:00")
    page.get_by_label("End", exact=True).fill(f"{DAY + timedelta(days=1)}T16:00")
    page.get_by_label("Venue").fill("Café Frischhut, Prälat-Zistl-Straße 8, München")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("send the updated invite")).to_be_visible()
    expect(page.locator("#needs-sending")).to_contain_text("Changed since the last invite")
    update = download(page, "Download invite (.ics)")
    assert update.vevent.uid.value == uid
    assert int(update.vevent.sequence.value) > sequence
    assert update.vevent.location.value == "Café Frischhut, Prälat-Zistl-Straße 8, München"

    page.get_by_role("button", name="Cancel meeting").click()  # it asks first
    page.get_by_role("button", name="Cancel meeting").click()
    expect(page.get_by_text("Send the cancellation")).to_be_visible()
    cancel = download(page, "Download cancellation (.ics)")
    assert cancel.method.value == "CANCEL"
    assert cancel.vevent.uid.value == uid
    assert int(cancel.vevent.sequence.value) > int(update.vevent.sequence.value)
    assert cancel.vevent.status.value == "CANCELLED"
