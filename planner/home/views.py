"""Dashboard, about page and the language switch for visitors."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from planner import db
from planner.auth.views import safe_next
from planner.contacts import service as contacts
from planner.meetings import service as meetings
from planner.models import MeetingStatus
from planner.models.types import utcnow
from planner.relationships import service as relationships
from planner.trips import service as trips

COMING_UP = 5

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    target = "home.dashboard" if current_user.is_authenticated else "auth.login"
    return redirect(url_for(target))


@bp.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    session = db.session()
    now = utcnow()
    planned = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)
    upcoming = [
        m
        for m in meetings.list_meetings(session, owner=current_user)
        if m.status in planned and (m.starts_at is None or m.ends_at is None or m.ends_at >= now)
    ][:COMING_UP]
    ahead = [
        t
        for t in trips.list_trips(session, owner=current_user)
        # legs come by arrival and never overlap: the last one departs last
        if t.legs and t.legs[-1].departs_at >= now
    ][:COMING_UP]
    return render_template(
        "home/dashboard.html",
        counts=contacts.count_contacts(session, owner=current_user),
        recent=contacts.recent_contacts(session, owner=current_user),
        meetings=upcoming,
        names=meetings.attendees_by_meeting(
            session, owner=current_user, meeting_ids=[m.id for m in upcoming]
        ),
        trips=ahead,
        followups=relationships.open_followups(
            session,
            owner=current_user,
            due_by=relationships.today_of(current_user, now),
            limit=COMING_UP,
        ),
        followups_due=relationships.count_due(session, owner=current_user, now=now),
    )


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
