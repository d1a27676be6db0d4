"""'Not now' on a trip can be taken back: the contact is listed under the trip, not gone."""

from typing import Any

from tests.web.test_trips_web import _ids, alice, create_trip, trips_app  # noqa: F401


def test_not_now_is_listed_and_can_be_shown_again(alice: Any, login: Any) -> None:  # noqa: F811
    web = login(alice)
    trip_url = create_trip(web).headers["Location"]
    page = web.get(trip_url).get_data(as_text=True)
    assert "Hidden on this trip" not in page
    later = _ids(page, "accept")[0]
    web.submit(f"{trip_url}/later/{later}", form_url=trip_url)
    page = web.get(trip_url).get_data(as_text=True)
    assert later not in _ids(page, "accept")
    assert "Hidden on this trip (1)" in page
    undo = f"{trip_url}/later/{later}/undo"
    assert f'action="{undo}"' in page
    assert web.submit(undo, form_url=trip_url).status_code == 302
    page = web.get(trip_url).get_data(as_text=True)
    assert later in _ids(page, "accept") and "Hidden on this trip" not in page


def test_show_again_needs_the_owner(alice: Any, login: Any, make_user: Any) -> None:  # noqa: F811
    web = login(alice)
    trip_url = create_trip(web).headers["Location"]
    later = _ids(web.get(trip_url).get_data(as_text=True), "accept")[0]
    web.submit(f"{trip_url}/later/{later}", form_url=trip_url)
    other = login(make_user())
    answer = other.submit(f"{trip_url}/later/{later}/undo", form_url="/trips/")
    assert answer.status_code == 404
    assert "Hidden on this trip (1)" in web.get(trip_url).get_data(as_text=True)
