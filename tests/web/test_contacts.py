import json
import re
from typing import Any

from flask import Flask

from tests.conftest import count_rows

FULL = {
    "first_name": "Annegret",
    "last_name": "Kühnel",
    "organization": "Elbwerk",
    "title": "Social Media Managerin",
    "emails": "a.kuehnel@elbwerk.example",
    "phones": "+49 40 1234567",
    "accounts": "https://www.linkedin.com/in/annegret-kuehnel",
    "city": "Hamburg",
    "country": "de",
    "topics": "Employer Branding, Barcamps",
    "stage": "online",
    "birthday_day": "2",
    "birthday_month": "4",
    "notes": "<script>alert(1)</script>",
}


def test_add_show_edit_and_delete_a_contact(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    response = web.submit("/contacts/new", FULL)
    assert response.status_code == 302
    url = response.location
    page = web.get(url).get_data(as_text=True)
    assert "Annegret Kühnel" in page and "Employer Branding" in page and "April 2" in page
    assert "<script>alert(1)</script>" not in page  # escaped
    assert "&lt;script&gt;" in page

    edit = web.get(url + "/edit").get_data(as_text=True)
    assert "a.kuehnel@elbwerk.example" in edit
    response = web.submit(url + "/edit", {**FULL, "city": "Lübeck", "stage": "met"})
    assert response.status_code == 302
    assert "Lübeck" in web.get(url).get_data(as_text=True)

    assert web.submit(url + "/delete").status_code == 302
    assert web.get(url).status_code == 404
    assert count_rows(app, "contact") == 0
    assert count_rows(app, "contact_email") == 0


def test_form_errors_are_specific_and_nothing_is_saved(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    page = web.submit(
        "/contacts/new",
        {
            "emails": "kein-email\nok@example.org",
            "phones": "abc",
            "country": "Atlantis",
            "birthday_day": "31",
            "birthday_month": "2",
            "birthday_year": "1980",
            "stage": "online",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Line 1: &#39;kein-email&#39; is not an e-mail address." in text
    assert "<b>" not in web.submit(
        "/contacts/new", {"emails": "<b>x</b>", "stage": "online"}
    ).get_data(as_text=True)
    assert "Line 1: &#39;abc&#39; is not a phone number." in text
    assert "&#39;Atlantis&#39; is not a country we know" in text
    assert "This day does not exist in that month." in text
    empty = web.submit("/contacts/new", {"stage": "online", "city": "Berlin"})
    assert "Give at least a name, an organisation" in empty.get_data(as_text=True)
    assert count_rows(app, "contact") == 0


def test_contacts_list_has_an_empty_state_search_and_pages(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    user = make_user()
    web = login(user)
    assert "No contacts yet" in web.get("/contacts/").get_data(as_text=True)
    for i in range(55):
        make_contact(user, first_name=f"Person{i:02d}", last_name="Muster")
    make_contact(user, first_name="Björn", last_name="Ødegård")
    first = web.get("/contacts/").get_data(as_text=True)
    assert "56 contacts" in first and "Page 1 of 2" in first
    assert first.count('href="/contacts/') - first.count('href="/contacts/new') >= 50
    second = web.get("/contacts/?page=2").get_data(as_text=True)
    assert "Person54" in second and "Person00" not in second
    found = web.get("/contacts/?q=bjorn").get_data(as_text=True)
    assert "Björn Ødegård" in found and "Person01" not in found
    none = web.get("/contacts/?q=zzz").get_data(as_text=True)
    assert "Nobody matches" in none


def test_export_downloads_the_users_contacts_as_json(
    make_user: Any, make_contact: Any, login: Any
) -> None:
    user = make_user()
    contact = make_contact(user, emails=["a@example.org"], topics=["HR"])
    web = login(user)
    response = web.get("/contacts/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    doc = json.loads(response.get_data(as_text=True))
    assert [c["id"] for c in doc] == [str(contact.id)]
    one = json.loads(web.get(f"/contacts/{contact.id}/export.json").get_data(as_text=True))
    assert one["emails"] == ["a@example.org"] and one["topics"] == ["HR"]


def test_editing_keeps_what_the_form_does_not_show(
    make_user: Any, make_contact: Any, login: Any
) -> None:
    from planner.identifiers import Account

    user = make_user()
    contact = make_contact(
        user,
        city="Hamburg",
        lat=53.55,
        lon=9.99,
        location_text="HH",
        accounts=[Account("x", "1234567890123456789", "jo", None)],
    )
    web = login(user)
    form = web.get(f"/contacts/{contact.id}/edit").get_data(as_text=True)
    accounts = re.search(r'<textarea[^>]*name="accounts"[^>]*>\s*([^<]*)</textarea>', form)
    assert accounts is not None
    response = web.submit(
        f"/contacts/{contact.id}/edit",
        {
            "first_name": "Jo",
            "city": "Hamburg",
            "stage": "met",
            "accounts": accounts.group(1),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    doc = web.get(f"/contacts/{contact.id}/export.json").get_json()
    assert doc["first_name"] == "Jo" and doc["lat"] == 53.55 and doc["location_text"] == "HH"
    assert doc["accounts"][0]["id"] == "1234567890123456789"
