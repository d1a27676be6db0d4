"""A follow-up in a real browser: a coffee that took place ten days ago, "We met" on its
page, the contact is met (the timeline says so), a follow-up was due a week after the
coffee (overdue now), done with a note it leaves the list and shows on the timeline. The
follow-ups page fits a phone and speaks German."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jana Nachfass\r\nEMAIL:jana@example.org\r\n"
    "ADR:;;;Hamburg;;;Deutschland\r\nEND:VCARD\r\n"
)


def test_we_met_then_follow_up_done_with_a_note(
    live_server: str, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    export = tmp_path / "jana.vcf"
    export.write_text(VCARD)
    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("followup@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Import contacts from a file").click()
    page.get_by_label("Export files").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("1 contacts imported")).to_be_visible()

    page.get_by_role("link", name="Contacts", exact=True).first.click()
    page.get_by_role("link", name="Jana Nachfass").click()
    contact_url = page.url
    page.get_by_role("button", name="Plan a meeting").click()
    met_on = date.today() - timedelta(days=10)
    page.get_by_label("Start").fill(f"{met_on}T10:00")
    page.get_by_label("End").fill(f"{met_on}T11:00")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_label("Venue").fill("Café Paris")
    page.get_by_role("button", name="Save meeting").click()
    page.get_by_role("button", name="We met").click()

    page.goto(contact_url)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Met in person")
    expect(timeline).to_contain_text("Café Paris")
    followup = page.locator("article.followup")
    expect(followup).to_have_count(1)
    due = met_on + timedelta(days=7)
    expect(followup).to_contain_text("overdue")
    expect(followup).to_contain_text(f"due {due:%b} {due.day}, {due.year}")  # a week after

    page.goto(f"{live_server}/followups")
    item = page.locator("article.followup").filter(has_text="Jana Nachfass")
    expect(item).to_contain_text(f"due {due:%b} {due.day}, {due.year}")
    item.get_by_label("What came of it (optional)").fill("Sent the barcamp link")
    item.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Nothing due. Well done.")).to_be_visible()
    page.goto(contact_url)
    expect(page.locator("#timeline")).to_contain_text("Sent the barcamp link")
    expect(page.locator("article.followup")).to_have_count(0)

    # the follow-ups page on a phone, in German: no horizontal scrolling
    page.goto(contact_url)
    page.locator("#keep-in-touch input[name=every_weeks]").fill("1")
    page.locator("#keep-in-touch").get_by_role("button").click()
    phone = browser.new_context(locale="de-DE", viewport={"width": 375, "height": 740})
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(f"{live_server}/followups")
    expect(small.get_by_role("heading", name="Nachfassen", exact=True)).to_be_visible()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the follow-ups page is {width} px wide on a phone"
    phone.close()
    context.close()
