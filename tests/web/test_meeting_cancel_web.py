"""Cancelling asks first; a cancelled meeting can be planned again."""

import re
from typing import Any

from tests.web.test_meetings_web import alice, meeting_from_suggestion, meetings_app  # noqa: F401


def test_cancel_asks_first_and_can_be_undone(alice: Any, login: Any) -> None:  # noqa: F811
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    assert f'href="{url}/cancel"' in page  # a link to the question, not a button that acts
    question = web.get(f"{url}/cancel").get_data(as_text=True)
    assert "Cancel “Coffee:" in question and "nobody needs to be told" in question
    assert web.submit(f"{url}/cancel", form_url=f"{url}/cancel").status_code == 302
    cancelled = web.get(url).get_data(as_text=True)
    assert "Plan it again" in cancelled
    name = re.search(r'<a href="(/contacts/[0-9a-f-]+)">', cancelled)
    assert name and "Known online, never met" in web.get(name.group(1)).get_data(as_text=True)
    assert web.get(f"{url}/cancel").status_code == 302  # nothing left to cancel
    assert web.submit(f"{url}/reopen", form_url=url).status_code == 302
    assert "Meeting proposed" in web.get(name.group(1)).get_data(as_text=True)
