"""Dashboard, about page and the language switch for visitors."""

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from planner import db
from planner.auth.views import safe_next
from planner.datetimes import viewer_zone
from planner.home import service
from planner.models.types import utcnow

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    target = "home.dashboard" if current_user.is_authenticated else "auth.login"
    return redirect(url_for(target))


@bp.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    """The start page: whom to see next (``planner.home.service``), its body kept as HTML
    until something it shows changes."""
    from flask_babel import get_locale
    from flask_wtf.csrf import generate_csrf

    from planner.matching import Weights

    session = db.session()
    locale = str(get_locale() or "en")
    weights = Weights.from_config(current_app.config.get("MATCH_WEIGHTS"))
    now = utcnow()

    def context() -> Any:
        from planner.trips import suggest

        return suggest.match_context(session, owner=current_user, locale=locale, weights=weights)

    def body(page: service.StartPage) -> str:
        return render_template(
            "home/_start_page.html",
            page=page,
            csrf=service.CSRF_PLACEHOLDER,
            blocks_placeholder=service.BLOCKS_PLACEHOLDER,
        )

    def blocks() -> str:
        found = service.registered_blocks(session, owner=current_user, now=now)
        return render_template("home/_blocks.html", blocks=found)

    html = service.start_page_html(
        session,
        owner=current_user,
        now=now,
        locale=locale,
        zone=viewer_zone(),
        weights=weights,
        render=body,
        context=context,
        lease_time=timedelta(seconds=float(current_app.config["IMPORT_LEASE_SECONDS"])),
    )
    html = service.fill(html, csrf_token=generate_csrf, blocks=blocks)
    return render_template("home/dashboard.html", body=Markup(html))  # noqa: S704 (escaped when rendered)


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
