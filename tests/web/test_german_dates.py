"""German pages write dates as German does: the day's dot, German month names, no format ids."""

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
