"""Undo in the browser: a confirmation page says, before anything is written, which contacts
go, which stay and why, and which get their details back; then the undo says the same."""

from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session, select

from planner.contacts import service as contacts
from planner.models import Contact
from tests.conftest import count_rows
from tests.web.test_imports_web import staged

CSV = (
    "Name,E-Mail,Firma\n"
    "Anna Beispiel,anna@example.org,\n"
    "Ben Muster,ben@example.org,\n"
    "Mia Mine,mia@example.org,Elbwerk\n"
)


def _note_on(app: Flask, name: str) -> None:
    """The user writes a note on a contact (what the edit form does)."""
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        contact = session.exec(select(Contact).where(Contact.display_name == name)).one()
        data = contacts.contact_to_input(contact)
        data.notes = "met at the barcamp"
        contacts.update_contact(session, contact=contact, data=data)
        session.commit()


def test_the_undo_page_lists_what_goes_what_stays_and_why_before_undoing(
    app: Flask, make_user: Any, make_contact: Any, login: Any, tmp_path: Path
) -> None:
    user = make_user()
    make_contact(user, first_name="Mia", last_name="Mine", emails=["mia@example.org"])
    web = login(user)
    (tmp_path / "liste.csv").write_text(CSV)
    url = staged(web, tmp_path / "liste.csv")
    web.submit(url + "/confirm", form_url="/imports/")
    _note_on(app, "Ben Muster")

    page = web.get(url + "/undo").get_data(as_text=True)
    removed, rest = page.split('id="undo-kept"')
    kept, restored = rest.split('id="undo-restored"')
    assert "Removed: 1" in removed and "Anna Beispiel" in removed
    assert "Kept: 1" in kept and "Ben Muster" in kept and "you changed it since" in kept
    assert "Restored: 1" in restored and "Mia Mine" in restored
    assert count_rows(app, "contact") == 3  # nothing written yet

    done = web.submit(url + "/undo", form_url=url + "/undo")
    assert done.status_code == 302
    text = web.get("/imports/").get_data(as_text=True)  # the flashed result
    assert "1 contacts removed, 1 restored" in text
    assert "1 contact kept: later imports or your own edits also hold it." in text
    names = {c for (c,) in _names(app)}
    assert names == {"Ben Muster", "Mia Mine"}


def test_the_import_page_links_to_the_confirmation_not_to_the_undo(
    make_user: Any, login: Any, tmp_path: Path
) -> None:
    web = login(make_user())
    (tmp_path / "liste.csv").write_text(CSV)
    url = staged(web, tmp_path / "liste.csv")
    web.submit(url + "/confirm", form_url="/imports/")
    show = web.get(url).get_data(as_text=True)
    assert f'href="{url}/undo"' in show and f'action="{url}/undo"' not in show


def _names(app: Flask) -> list[Any]:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        return list(session.execute(select(Contact.display_name)).all())


def test_another_users_undo_page_is_404(make_user: Any, login: Any, tmp_path: Path) -> None:
    alice = login(make_user())
    (tmp_path / "liste.csv").write_text(CSV)
    url = staged(alice, tmp_path / "liste.csv")
    alice.submit(url + "/confirm", form_url="/imports/")
    response = login(make_user()).get(url + "/undo")
    assert response.status_code == 404
    assert "Anna Beispiel" not in response.get_data(as_text=True)
