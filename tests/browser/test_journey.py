"""What a new user does first, in a real browser."""

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_register_sign_in_add_find_and_sign_out(live_server: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server}/register")
    page.get_by_label("E-mail").fill("journey@example.org")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your network starts here")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("E-mail").fill("journey@example.org")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    page.get_by_role("button", name="Add your first contact").click()
    page.get_by_label("First name").fill("Matthias")
    page.get_by_label("Last name").fill("Oberländer")
    page.get_by_label("Organisation").fill("Barcamp Hamburg e.V.")
    page.get_by_label("City").fill("Hamburg")
    page.get_by_label("Topics").fill("Barcamps, Open Data")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Matthias Oberländer")).to_be_visible()

    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_role("searchbox").fill("oberlaender")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Matthias Oberländer")).to_be_visible()
    page.get_by_role("searchbox").fill("nobody-like-this")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Nobody matches")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{live_server}/contacts/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_the_interface_speaks_german(live_server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    page.screenshot(path=str(_artifact("login-de.png")))
    context.close()


def _artifact(name: str) -> Any:
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder / name
