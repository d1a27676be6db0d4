"""Importing a LinkedIn export in a real browser: preview, confirm, undo."""

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ARCHIVE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "samples"
    / "linkedin"
    / "Basic_LinkedInDataExport_11-02-2026.zip"
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_import_a_linkedin_archive_then_undo_it(live_server: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("importer@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Import contacts from a file").click()
    expect(page.get_by_role("heading", name="Import contacts")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-upload.png"), full_page=True)

    page.get_by_label("Export files").set_input_files(str(ARCHIVE))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page).to_have_url(re.compile(r"/imports/[0-9a-f-]{36}$"))
    expect(page.get_by_text("15 new, 0 merged with existing contacts, 1 skipped")).to_be_visible()
    expect(page.get_by_role("cell", name="Ingrid Solvang")).to_be_visible()
    expect(page.get_by_text("empty row")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "import-preview.png"), full_page=True)

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("15 contacts imported, 0 merged")).to_be_visible()
    page.get_by_role("button", name="Show the 15 new contacts").click()
    expect(page.get_by_text("New contacts from the import of")).to_be_visible()
    expect(page.get_by_text("15 contacts")).to_be_visible()
    expect(page.get_by_role("link", name="Tilman Voß")).to_be_visible()
    expect(page.get_by_role("link", name="Mareike Brandstätter")).to_have_count(0)

    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_role("link", name="Open").first.click()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_role("heading", name="Removed: 15")).to_be_visible()  # asks first
    page.get_by_role("button", name="Undo the import").click()
    expect(page.get_by_text("15 contacts removed")).to_be_visible()
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_role("heading", name="No contacts yet")).to_be_visible()
