"""Dashboard, about page and the language switch for visitors."""

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from planner import db
from planner.auth.views import safe_next
from planner.home.service import start_page
from planner.models.types import utcnow

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    target = "home.dashboard" if current_user.is_authenticated else "auth.login"
    return redirect(url_for(target))


@bp.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    """The start page: whom to see next (``planner.home.service.start_page``)."""

    def context() -> Any:
        from flask_babel import get_locale

        from planner.matching import Weights
        from planner.trips import suggest

        weights = Weights.from_config(current_app.config.get("MATCH_WEIGHTS"))
        locale = str(get_locale() or "en")
        return suggest.match_context(
            db.session(), owner=current_user, locale=locale, weights=weights
        )

    page = start_page(
        db.session(),
        owner=current_user,
        now=utcnow(),
        context=context,
        lease_time=timedelta(seconds=float(current_app.config["IMPORT_LEASE_SECONDS"])),
    )
    return render_template("home/dashboard.html", page=page)


@bp.get("/about")
def about() -> ResponseReturnValue:
    return render_template("home/about.html")


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Switch the interface language; signed-in users keep it in their settings."""
    chosen = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")))
    if chosen in current_app.config["LANGUAGES"]:  # CSRFProtect has checked the token
        if current_user.is_authenticated:
            current_user.locale = chosen
            db.session().add(current_user)
            db.session().commit()
        response.set_cookie(
            "lang",
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
