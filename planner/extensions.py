"""Flask extensions: created here, bound to an app in ``init_app``."""

from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_translations
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from planner.paths import TRANSLATIONS_DIR

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()


def select_locale() -> str | None:
    """The user's chosen language, else the browser's best match, else English."""
    if not has_request_context():  # CLI and tasks speak the default language
        return None
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        locale: str = current_user.locale
        return locale
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages)


def select_timezone() -> str | None:
    """The signed-in user's home zone (from the home city, else Germany's), so times of what
    happened in the app show on their own clock; the configured default otherwise."""
    if not has_request_context() or not (current_user and current_user.is_authenticated):
        return None
    from planner.meetings.service import default_timezone

    return default_timezone(current_user, None)


def _load_user(user_id: str) -> Any:
    """The user of the server-side session the cookie names (gone after signing out)."""
    from planner import db
    from planner.auth.sessions import load_session_user

    return load_session_user(db.session(), user_id)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    # As Flask-Babel installs them, with _translations() (the i18n extension adds the method).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def _translations() -> Any:
    """Flask-Babel's translations for the locale in force, kept beside that locale object.

    Decisions: Flask-Babel finds them anew on each ``_()`` in a template (three ``g``
    look-ups and the locale's name, ~15 µs), some 30 times per page. Keyed by the identity
    of the request's locale object, ``force_locale`` (a new object, restored after) and
    ``refresh()`` (none, until the next look-up) still switch the language."""
    state = getattr(g, "_flask_babel", None) if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if state is None or locale is None:  # not chosen yet (the look-up chooses it)
        return get_translations()
    cached = getattr(state, "planner_translations", None)
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    state.planner_translations = (locale, translations)
    return translations
