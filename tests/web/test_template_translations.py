"""Templates speak the language in force, also when it changes within one request."""

from typing import Any

import flask_babel
import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale, refresh
from werkzeug.datastructures import ImmutableMultiDict


def test_a_template_follows_force_locale_and_back(app: Flask) -> None:
    page = "{{ _('Contacts') }} {{ ngettext('%(num)d contact', '%(num)d contacts', 2) }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Contacts 2 contacts"
        with force_locale("de"):  # an invitation in the invitee's language
            assert render_template_string(page) == "Kontakte 2 Kontakte"
        assert render_template_string(page) == "Contacts 2 contacts"


def test_a_template_follows_a_language_chosen_mid_request(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en"}) as ctx:
        assert render_template_string("{{ _('Contacts') }}") == "Contacts"
        ctx.request.cookies = ImmutableMultiDict({"lang": "de"})
        refresh()  # as the settings page does after saving the language
        assert render_template_string("{{ _('Contacts') }}") == "Kontakte"


def test_a_page_finds_its_translations_once(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flask-Babel finds them anew for every ``_()``: some 30 times on each page."""
    looked_up = []
    find = flask_babel.Domain.get_translations

    def counted(self: flask_babel.Domain) -> Any:
        looked_up.append(1)
        return find(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        assert render_template_string("{{ _('Contacts') }}" * 5) == "Kontakte" * 5
    assert len(looked_up) == 1
