"""A GET never changes state: a signed-in crawl of every page reachable by links (trips,
meetings, invites, feeds, contacts, settings ...) leaves every table as it was."""

import hashlib
import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

from flask import Flask
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from tests.web import test_meetings_web as meetings
from tests.web.test_meetings_web import meeting_from_suggestion, slot_starts

meetings_app, alice = meetings.meetings_app, meetings.alice

_HREF = re.compile(r'href="(/[^"]*)"')
_SKIP = re.compile(r"^/(static|logout)|\.(css|js|png|svg|ico)$")
MAX_PAGES = 250


def database_state(app: Flask) -> dict[str, str]:
    """A digest of every table's rows."""
    state = {}
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in session.execute(select(table)))
            state[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return state


def test_a_crawl_of_every_page_changes_no_row(meetings_app: Flask, alice: Any, login: Any) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    web.submit(f"{url}/confirm", form_url=url)
    web.get("/dashboard")  # the flashes of the POSTs above are shown (session, not rows)

    before = database_state(meetings_app)
    seen: set[str] = set()
    queue = deque(["/dashboard", url, f"{url}/invite.ics", "/settings/", "/settings/calendars"])
    statuses: dict[int, int] = {}
    while queue and len(seen) < MAX_PAGES:
        path = urldefrag(queue.popleft())[0]
        if path in seen or _SKIP.search(urlsplit(path).path):
            continue
        seen.add(path)
        response = web.get(path)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.mimetype == "text/html":
            queue.extend(_HREF.findall(response.get_data(as_text=True)))
    after = database_state(meetings_app)

    assert len(seen) > 30, seen  # the crawl reached the app, not just a sign-in page
    assert statuses.get(500, 0) == 0, statuses
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == [], f"GET requests changed {changed}"
