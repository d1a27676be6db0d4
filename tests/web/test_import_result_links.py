"""The result of an import links to the contacts it created and those it added to."""

import re
from io import BytesIO
from typing import Any

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def import_csv(web: Any, rows: str) -> str:
    upload = (BytesIO((HEADER + rows).encode()), "Connections.csv")
    preview = web.submit("/imports/", {"files": upload})
    assert preview.status_code == 302
    assert web.submit(preview.location + "/confirm", form_url=preview.location).status_code == 302
    return str(preview.location)


def names(page: str) -> list[str]:
    return re.findall(r'<a href="/contacts/[0-9a-f-]{36}">([^<]+)</a>', page)


def test_the_result_lists_new_and_merged_contacts(
    make_user: Any, make_contact: Any, login: Any
) -> None:
    user = make_user()
    make_contact(user, first_name="Vera", last_name="Vorher")
    web = login(user)
    first = import_csv(
        web,
        "Anna,Berg,,anna@elbwerk.example,Elbwerk,CEO,12 Nov 2023\n"
        "Ben,Chen,,ben@elbwerk.example,Elbwerk,CTO,12 Nov 2023\n",
    )
    result = web.get(first).get_data(as_text=True)
    new_url = re.search(r'href="(/contacts/\?[^"]*kind=new[^"]*)"', result)
    assert new_url and "Show the 2 new contacts" in result
    listed = web.get(new_url.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert names(listed) == ["Anna Berg", "Ben Chen"]  # not Vera, whom the user typed in
    second = import_csv(web, "Anna,Berg,,anna@elbwerk.example,Elbwerk,CEO,3 Mar 2024\n")
    batch = second.rstrip("/").rsplit("/", 1)[1]
    merged = web.get(f"/contacts/?import={batch}&kind=merged").get_data(as_text=True)
    assert names(merged) == ["Anna Berg"]
    assert names(web.get(f"/contacts/?import={batch}&kind=new").get_data(as_text=True)) == []


def test_another_users_import_is_not_found(make_user: Any, login: Any) -> None:
    owner = login(make_user())
    batch = import_csv(owner, "Anna,Berg,,anna@elbwerk.example,Elbwerk,CEO,12 Nov 2023\n")
    batch_id = batch.rstrip("/").rsplit("/", 1)[1]
    stranger = login(make_user())
    assert stranger.get(f"/contacts/?import={batch_id}").status_code == 404
    assert stranger.get("/contacts/?import=not-an-id").status_code == 404
