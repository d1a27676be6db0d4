"""A CSV with unknown headers: the user says what each column holds, in the preview."""

from typing import Any

from flask import Flask

from tests.conftest import count_rows
from tests.web.test_imports_web import SAMPLES, staged

UNKNOWN = SAMPLES / "broken" / "unknown_format.csv"


def _columns(file: str, headers: list[str], fields: list[str]) -> dict[str, str]:
    """The mapping form as the browser sends it: one row (header, field) per column."""
    rows = {"file": file}
    for n, (header, field) in enumerate(zip(headers, fields, strict=True)):
        rows[f"columns-{n}-header"] = header
        rows[f"columns-{n}-field"] = field
    return rows


def test_columns_are_assigned_in_the_preview_then_imported(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    url = staged(web, UNKNOWN)
    page = web.get(url).get_data(as_text=True)
    assert "Column “Spalte1”" in page and 'name="columns-0-field"' in page
    assert "choose a column mapping" in page

    response = web.submit(
        f"{url}/mapping",
        _columns(
            "unknown_format.csv", ["Spalte1", "Spalte2", "Spalte3"], ["name", "email", "city"]
        ),
        form_url=url,
    )
    assert response.status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "3 new, 0 merged with existing contacts, 0 skipped" in page
    assert count_rows(app, "contact") == 0
    web.submit(f"{url}/confirm", form_url=url)
    assert count_rows(app, "contact") == 3


def test_a_mapping_without_a_name_or_an_invented_column_is_refused(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    url = staged(web, UNKNOWN)
    for headers, fields, message in [
        (["Spalte1", "Spalte2"], ["city", "notes"], "at least one column with a name"),
        (["Spalte1", "Spalte2"], ["name", "name"], "one column only"),
        (["Erfunden"], ["name"], "from the list only"),
    ]:
        response = web.submit(
            f"{url}/mapping", _columns("unknown_format.csv", headers, fields), form_url=url
        )
        assert response.status_code == 422  # the preview again, with why (no redirect)
        assert message in response.get_data(as_text=True)
    other = login(make_user())
    token = other.csrf_token("/imports/")
    response = other.client.post(
        f"{url}/mapping",
        data={"csrf_token": token, **_columns("unknown_format.csv", ["Spalte1"], ["name"])},
    )
    assert response.status_code == 404


def test_several_address_columns_and_a_connection_date_can_be_assigned(
    app: Flask, make_user: Any, login: Any, tmp_path: Any
) -> None:
    listing = tmp_path / "liste.csv"
    listing.write_text(
        "Wer;Adresse A;Adresse B;Seit\n"
        "Anna Berg;anna@elbwerk.example;anna@berg.example;07.09.2021\n",
        encoding="utf-8",
    )
    web = login(make_user())
    url = staged(web, listing)
    page = web.get(url).get_data(as_text=True)
    assert 'value="connected_on"' in page  # "Connected since" is offered
    response = web.submit(
        f"{url}/mapping",
        _columns(
            "liste.csv",
            ["Wer", "Adresse A", "Adresse B", "Seit"],
            ["name", "email", "email", "connected_on"],
        ),
        form_url=url,
        follow_redirects=True,
    )
    assert "one column only" not in response.get_data(as_text=True)
    web.submit(f"{url}/confirm", form_url=url)
    assert count_rows(app, "contact") == 1 and count_rows(app, "contact_email") == 2
    export = web.get("/contacts/export.json").get_json()
    assert export[0]["sources"][0]["connected_on"] == "2021-09-07"


def test_a_refused_mapping_is_shown_again_as_the_user_chose_it(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    url = staged(web, UNKNOWN)
    proposed = web.get(url).get_data(as_text=True)
    assert '<option selected value="notes">' not in proposed
    response = web.submit(
        f"{url}/mapping",
        _columns("unknown_format.csv", ["Spalte1", "Spalte2", "Spalte3"], ["city", "", "notes"]),
        form_url=url,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at least one column with a name" in page
    # what the user chose, not what was proposed: Spalte3 "notes", Spalte2 left out
    assert '<option selected value="notes">' in page
    assert '<option selected value="city">' in page
    assert page.count('<option selected value="">') == 1
    assert count_rows(app, "contact") == 0


def test_a_mapping_sent_with_more_rows_than_the_file_has_columns_builds_no_more(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    url = staged(web, UNKNOWN)
    many = _columns("unknown_format.csv", [f"X{n}" for n in range(50)], ["name"] * 50)
    response = web.submit(f"{url}/mapping", many, form_url=url)
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('name="columns-') == 2 * 3  # 3 columns
