"""German pages write dates as German does: the day's dot, German month names, no format ids."""

import re
from datetime import date
from typing import Any


def test_a_contact_page_in_german(make_user: Any, make_contact: Any, login: Any) -> None:
    user = make_user(locale="de")
    contact = make_contact(user, birthday="--04-02", last_met=date(2026, 11, 5), stage="met")
    page = login(user).get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "2. April" in page and "--04-02" not in page
    assert "5. Nov. 2026" in page and "2026-11-05" not in page


def test_sources_name_the_export_not_the_parser(make_user: Any, login: Any, tmp_path: Any) -> None:
    user = make_user(locale="de")
    web = login(user)
    csv = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Anna,Berg,https://www.linkedin.com/in/annaberg,,Elbwerk,CEO,12 Nov 2023\n"
    )
    from io import BytesIO

    preview = web.submit("/imports/", {"files": (BytesIO(csv), "Connections.csv")})
    assert preview.status_code == 302
    confirm = web.submit(preview.location + "/confirm", form_url=preview.location)
    assert confirm.status_code == 302
    listing = web.get("/contacts/?q=berg").get_data(as_text=True)
    import re

    contact = re.search(r'href="(/contacts/[0-9a-f-]{36})"', listing)
    assert contact
    page = web.get(contact.group(1)).get_data(as_text=True)
    assert "linkedin_connections_csv" not in page
    assert "12. Nov. 2023" in page


def test_country_and_birthday_are_typed_as_people_write_them(make_user: Any, login: Any) -> None:
    web = login(make_user(locale="de"))
    saved = web.submit(
        "/contacts/new",
        {
            "first_name": "Lotte",
            "country": "Österreich",
            "birthday_day": "29",
            "birthday_month": "2",
            "stage": "online",
        },
    )
    assert saved.status_code == 302
    page = web.get(saved.location).get_data(as_text=True)
    assert "29. Februar" in page
    edit = web.get(saved.location + "/edit").get_data(as_text=True)
    assert 'value="Österreich"' in edit  # a name, never the stored code "AT"
    assert re.search(r'<option selected value="2">Februar</option>', edit)
    assert '<option value="Deutschland">' in edit  # suggestions in the reader's language
    again = web.submit(
        saved.location + "/edit",
        {"first_name": "Lotte", "country": "Österreich", "birthday_month": "2", "stage": "online"},
    )
    assert "Geben Sie Tag und Monat des Geburtstags an." in again.get_data(as_text=True)
    unchanged = web.submit(
        saved.location + "/edit",
        {"first_name": "Lotte", "country": "Austria", "stage": "online"},
    )
    assert unchanged.status_code == 302  # English names are understood too
    assert "Österreich" in web.get(saved.location).get_data(as_text=True)
