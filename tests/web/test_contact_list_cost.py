"""The contact list stays cheap: a fixed handful of statements per page, none that walks the
whole list (a count or an OFFSET), and pages that still follow every change."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

# The session's user, the page (which checks the contacts' version itself), the open
# duplicate suggestions.
LIST_STATEMENTS = 3


@contextmanager
def statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements the app sends meanwhile, with their parameters."""
    engine = app.extensions["planner.engine"]
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def walks_the_list(statement: str, parameters: Any) -> bool:
    """A count of the contacts, or an OFFSET past rows (SQLite sends "OFFSET ?" with 0 after
    every LIMIT: its value is the last parameter)."""
    if re.search(r"count\(\*\)[^;]*FROM contact\b", statement):
        return True
    if "OFFSET" not in statement.upper():
        return False
    return not (isinstance(parameters, tuple | list) and parameters and parameters[-1] == 0)


def names(page: str) -> list[str]:
    return re.findall(r'<a href="/contacts/[0-9a-f-]{36}">([^<]+)</a>', page)


def total(page: str) -> str | None:
    found = re.search(r"<small>(\d+ contacts?)</small>", page)
    return found.group(1) if found else None


def whole_list(web: Any, pages: int) -> list[str]:
    return [
        n
        for p in range(1, pages + 1)
        for n in names(web.get(f"/contacts/?page={p}").get_data(as_text=True))
    ]


def test_a_list_page_costs_the_same_few_statements_on_any_page(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    app.config["CONTACTS_PER_PAGE"] = 3
    user = make_user()
    for last in ("Abel", "Berg", "Chen", "Dorn", "Eck", "Fink", "Gaul"):
        make_contact(user, first_name="Anna", last_name=last)
    web = login(user)
    assert web.get("/contacts/?page=1").status_code == 200  # the first one reads the pages
    for page in (1, 3):
        with statements(app) as sent:
            shown = web.get(f"/contacts/?page={page}").get_data(as_text=True)
        assert names(shown) == (
            ["Anna Abel", "Anna Berg", "Anna Chen"] if page == 1 else ["Anna Gaul"]
        )
        assert len(sent) == LIST_STATEMENTS, "\n\n".join(s for s, _ in sent)
        walks = [s for s, parameters in sent if walks_the_list(s, parameters)]
        assert walks == [], walks


def test_pages_follow_additions_renames_and_deletions(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    app.config["CONTACTS_PER_PAGE"] = 2
    user = make_user()
    ids = {
        last: make_contact(user, first_name="Anna", last_name=last).id
        for last in ("Berg", "Dorn", "Fink")
    }
    web = login(user)
    assert whole_list(web, 2) == ["Anna Berg", "Anna Dorn", "Anna Fink"]
    make_contact(user, first_name="Anna", last_name="Abel")
    first = web.get("/contacts/?page=1").get_data(as_text=True)
    assert total(first) == "4 contacts"
    assert whole_list(web, 2) == ["Anna Abel", "Anna Berg", "Anna Dorn", "Anna Fink"]
    renamed = web.submit(
        f"/contacts/{ids['Berg']}/edit",
        {"first_name": "Anna", "last_name": "Zorn", "stage": "online"},
    )
    assert renamed.status_code == 302
    assert whole_list(web, 2) == ["Anna Abel", "Anna Dorn", "Anna Fink", "Anna Zorn"]
    assert web.submit(f"/contacts/{ids['Dorn']}/delete").status_code == 302
    assert total(web.get("/contacts/").get_data(as_text=True)) == "3 contacts"
    assert whole_list(web, 2) == ["Anna Abel", "Anna Fink", "Anna Zorn"]
    assert web.get("/contacts/?page=3").status_code == 302  # past the end: the last page
