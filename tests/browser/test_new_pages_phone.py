"""The pages of the new features as a stranger meets them: a phone (375 x 740), in German and
in English, with the demo data, a follow-up, a get-together, an uploaded event feed. Each page
fits the phone, has no serious accessibility violation (axe-core) and, in German, no English
heading or button left over."""

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import _serious
from tests.browser.test_phone_layout import _register_with_demo_data

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
FEED = Path(__file__).parents[1] / "fixtures" / "events" / "barcamps.ics"
YEAR = date.today().year + 1
LONG = "Donaudampfschifffahrtsgesellschaftskapitaensmuetzenabzeichenherstellung" * 2
LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 12


def _hostile_feed(folder: Path) -> Path:
    """Events whose title, place, link and text are single long words: one in three days at
    home, one in Munich during the demo trip."""
    from planner.demo.service import trip_dates

    soon = date.today() + timedelta(days=3)
    on_trip = trip_dates(date.today())[0].date() + timedelta(days=1)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hostile//EN"]
    for uid, day, city, geo in (
        ("home", soon, "20095 Hamburg", "53.55;9.99"),
        ("trip", on_trip, "80331 München", "48.137;11.575"),
    ):
        lines += [
            "BEGIN:VEVENT", f"UID:long-words-{uid}@example.org", "DTSTAMP:20261101T090000Z",
            f"DTSTART:{day:%Y%m%d}T160000Z", f"DTEND:{day:%Y%m%d}T180000Z",
            f"SUMMARY:{LONG}", f"LOCATION:{LONG}\\, {city}", f"GEO:{geo}",
            f"URL:{LONG_URL}", f"DESCRIPTION:{LONG_URL} {LONG}", "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    path = folder / "long_words.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


# Words that read the same in both languages (names, brands, loan words).
_SAME = re.compile(
    r"^(|OK|Deutsch|English|Treffpunkt|Barcamps?|Meetups?|E-Mail|Feed|Feeds|Status|"
    r"München.*|Hamburg.*|Berlin.*|Stammtisch.*|.*@.*|[\d\W]+)$"
)


def _upload_feed(page: Any, live_server: str, path: Path) -> None:
    page.goto(f"{live_server}/events/feeds")
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(str(path))
    upload.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def _prepare(page: Any, live_server: str, folder: Path) -> dict[str, str]:
    """The demo data plus one of each new thing; the addresses of the pages to visit."""
    from playwright.sync_api import expect

    _register_with_demo_data(page, live_server)
    page.locator("form.language button[value=en]").click()  # the steps below click English
    page.wait_for_load_state("load")
    urls = {"dashboard": "/dashboard", "followups": "/followups", "events": "/events"}
    urls["month"] = "/events/month"
    urls["feeds"] = "/events/feeds"
    urls["gatherings"] = "/gatherings"
    urls["gathering-new"] = "/gatherings/new"
    urls["travel"] = "/trips/travel-calendars/"
    urls["settings"] = "/settings/"

    _upload_feed(page, live_server, FEED)
    _upload_feed(page, live_server, _hostile_feed(folder))

    page.goto(f"{live_server}/events")
    event = page.locator("main a[href^='/events/']").filter(has_text="Barcamp München").first
    urls["event"] = event.get_attribute("href") or ""
    long_one = page.locator("main a[href^='/events/']").filter(has_text=LONG[:40]).first
    urls["event (long words)"] = long_one.get_attribute("href") or ""

    page.goto(f"{live_server}/trips/")
    urls["trip"] = page.get_by_role("link", name="München (Demo)").first.get_attribute("href") or ""

    page.goto(f"{live_server}/contacts/new")  # someone with a long name and organisation
    page.get_by_label("First name").fill(LONG[:60])
    page.get_by_label("Last name").fill(LONG)
    page.get_by_label("Organisation").fill(LONG_URL)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/contacts/[0-9a-f-]{36}$"))
    urls["contact"] = page.url.removeprefix(live_server)
    # a feed and a travel calendar at long addresses nobody answers (refused at once)
    refused = f"http://127.0.0.1:9/{'x' * 150}.ics"
    page.goto(f"{live_server}/events/feeds")
    page.locator("form[action$='/subscribe'] input[name=url]").fill(refused)
    page.locator("form[action$='/subscribe'] input[name=title]").fill(LONG)
    page.locator("form[action$='/subscribe'] button[type=submit]").click()
    page.wait_for_load_state("load")
    page.goto(f"{live_server}/trips/travel-calendars/")
    page.locator("main form input[name=name]").fill(LONG)
    page.locator("main form input[name=url]").fill(refused)
    page.locator("main form input[name=url]").press("Enter")
    page.wait_for_load_state("load")
    page.goto(f"{live_server}{urls['contact']}")
    page.get_by_role("button", name="Plan a meeting").click()
    met_on = date.today() - timedelta(days=10)
    page.get_by_label("Start").fill(f"{met_on}T10:00")
    page.get_by_label("End").fill(f"{met_on}T11:00")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_label("Venue").fill("Café an der Alster mit einem sehr langen Namen")
    page.get_by_role("button", name="Save meeting").click()
    page.wait_for_url(re.compile(r"/meetings/[0-9a-f-]{36}$"))
    urls["meeting"] = page.url.removeprefix(live_server)
    page.get_by_role("button", name="We met").click()
    page.wait_for_load_state("load")
    page.goto(f"{live_server}{urls['contact']}")
    page.locator("#timeline summary").click()
    page.locator("#note-text").fill(f"Read {LONG_URL} and {LONG}")
    page.get_by_role("button", name="Add note").click()
    page.wait_for_load_state("load")

    page.goto(f"{live_server}/gatherings/new")
    page.get_by_label("Title").fill(f"Stammtisch {LONG}")
    page.get_by_label("City").fill("Hamburg")
    page.get_by_label("Topics").fill("Employer Branding, Barcamps")
    page.locator("#options-0").fill(f"{YEAR}-03-04T18:30")
    page.locator("#options-1").fill(f"{YEAR}-03-11T18:30")
    page.get_by_role("button", name="Continue: choose whom to invite").click()
    page.wait_for_url(re.compile(r"/invite"))
    urls["gathering-invite"] = page.url.removeprefix(live_server)
    boxes = page.locator("input[name=contacts]")
    expect(boxes.first).to_be_visible()
    if not page.locator("input[name=contacts]:checked").count():
        boxes.first.check()
    page.get_by_role("button", name="Invite and make their links").click()
    links = page.locator("input[readonly]")
    expect(links.first).to_be_visible()
    urls["gathering-links"] = page.url.removeprefix(live_server)
    urls["answer"] = links.first.input_value().split("://", 1)[1].split("/", 1)[1]
    urls["answer"] = "/" + urls["answer"]
    invitee = page.context.browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    invitee.goto(f"{live_server}{urls['answer']}")  # a hostile invitee: long words everywhere
    for radio in invitee.locator("input[type=radio][value=yes]").all():
        radio.check()
    invitee.locator("textarea[name=comment]").fill(f"{LONG_URL} {LONG}")
    invitee.locator("input[name=name]").fill(LONG)
    invitee.locator("main form button[type=submit]").click()
    invitee.wait_for_load_state("load")
    invitee.context.close()
    page.goto(f"{live_server}/gatherings")
    href = page.locator("main a[href^='/gatherings/']").filter(has_text="Stammtisch").first
    urls["gathering"] = href.get_attribute("href") or ""
    page.goto(f"{live_server}{urls['gathering']}")
    expect(page.locator("main")).to_contain_text(LONG_URL[:40])  # the invitee's comment
    assert all(urls.values()), urls
    return urls


def _texts(page: Any) -> list[str]:
    """The headings and buttons of the main part, as a reader sees them."""
    return [
        " ".join(t.split())
        for t in page.evaluate(
            """() => Array.from(document.querySelectorAll(
                 'main h1, main h2, main button, main [role=button], main summary'))
               .filter(e => e.offsetParent !== null).map(e => e.innerText)"""
        )
    ]


def _visit(page: Any, live_server: str, path: str) -> dict[str, Any]:
    response = page.goto(f"{live_server}{path}")
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    page.wait_for_load_state("load")
    return {
        "width": page.evaluate("document.documentElement.scrollWidth"),
        "axe": _serious(page),
        "texts": _texts(page),
    }


def test_new_pages_on_a_phone_in_german_and_english(
    live_server: str, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    problems: list[str] = []
    seen: dict[str, dict[str, dict[str, Any]]] = {"en": {}, "de": {}}
    try:
        urls = _prepare(page, live_server, tmp_path)
        data = set(
            page.evaluate(
                """async (paths) => { const names = [];
                 for (const p of paths) { const html = await (await fetch(p)).text();
                   const doc = new DOMParser().parseFromString(html, 'text/html');
                   names.push(...Array.from(doc.querySelectorAll('main h1, main h2'),
                                            e => e.innerText || e.textContent)); }
                 return names.map(t => t.split(/\\s+/).join(' ').trim()); }""",
                [urls["contact"], urls["event"], urls["event (long words)"], urls["trip"]],
            )
        )  # what the user's own data says: a name, an event's title, a city
        for lang in ("en", "de"):
            page.goto(f"{live_server}/dashboard")
            page.locator(f"form.language button[value={lang}]").click()
            page.wait_for_load_state("load")
            for name, path in urls.items():
                seen[lang][name] = _visit(page, live_server, path)
            stranger = browser.new_context(
                viewport=PHONE, locale=f"{lang}-DE", is_mobile=True, has_touch=True
            ).new_page()  # the invitee: no account, the browser's language
            stranger.goto(f"{live_server}{urls['answer']}")
            stranger.locator(f"form.language button[value={lang}]").click()
            seen[lang]["answer (invitee)"] = _visit(stranger, live_server, urls["answer"])
            stranger.context.close()
    finally:
        context.close()
    for lang, pages in seen.items():
        for name, found in pages.items():
            if found["width"] > PHONE["width"]:
                problems.append(f"{lang} {name}: {found['width']} px wide")
            problems += [f"{lang} {name}: {v}" for v in found["axe"]]
    for name, found in seen["de"].items():
        english = set(seen["en"][name]["texts"])
        left = [t for t in found["texts"] if t in english and t not in data and not _SAME.match(t)]
        problems += [f"de {name}: untranslated {t!r}" for t in left]
    assert not problems, "\n".join(problems)
