"""The private calendar feed (no login: the secret address is the key) and the page for
the user's calendars, meeting preferences and feed address."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import db
from planner.db import get_owned
from planner.feeds import service
from planner.feeds.forms import CalendarUrlForm, PreferencesForm, UploadCalendarForm
from planner.meetings.service import (
    default_timezone,
    preferences_of,
    weekdays_of,
    weekdays_text,
)
from planner.models import CalendarKind, CalendarSource, CalendarStatus
from planner.trips.forms import ButtonForm
from planner.web import FORM_ERROR_STATUS, page_base_url

bp = Blueprint("feeds", __name__)

FEED_MAX_AGE = 15 * 60  # calendar apps poll; 15 minutes is fresh enough for meetings


def feed_url(token: str) -> str:
    return f"{page_base_url()}{url_for('feeds.feed', token=token)}"


@bp.route("/feed/<token>.ics", methods=["GET", "HEAD"])
def feed(token: str) -> ResponseReturnValue:
    """The user's confirmed meetings as iCalendar. An unknown token is a plain 404 (the same
    as a revoked one: nothing tells a guesser anything)."""
    session = db.session()
    owner = service.owner_of_token(session, token)
    if owner is None:
        abort(404)
    version = service.feed_version(session, owner=owner)
    headers = {
        "ETag": f'"{version.etag}"',
        "Last-Modified": version.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Cache-Control": f"private, max-age={FEED_MAX_AGE}",
        "X-Robots-Tag": "noindex",
        "Referrer-Policy": "no-referrer",
    }
    if version.etag in request.if_none_match or (
        not request.if_none_match
        and request.if_modified_since is not None
        and version.last_modified.replace(microsecond=0) <= request.if_modified_since
    ):
        return Response(status=304, headers=headers)
    # The feed is read by calendar apps, not browsers: texts in the owner's language.
    with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        data = service.feed_bytes(session, owner=owner, version=version)
    response = Response(data, headers=headers)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="treffpunkt.ics"'
    return response


def _page(*, new_token: str | None = None, **forms: object) -> tuple[str, int]:
    session = db.session()
    prefs = forms.get("prefs")
    if prefs is None:
        prefs = PreferencesForm(formdata=None)
        user = current_user
        prefs.display_name.data = user.display_name
        hours = preferences_of(user)
        prefs.day_start.data, prefs.day_end.data = hours.day_start, hours.day_end
        prefs.minutes.data = user.meeting_minutes
        prefs.buffer.data = user.meeting_buffer_minutes
        prefs.per_day.data = user.meetings_per_day
        prefs.weekdays.data = sorted(weekdays_of(user))
        prefs.alarm.data = user.meeting_alarm_minutes
    address = feed_url(new_token) if new_token else None
    status = FORM_ERROR_STATUS if any(getattr(f, "errors", None) for f in forms.values()) else 200
    sources = service.list_sources(session, owner=current_user)
    return render_template(
        "feeds/settings.html",
        sources=sources,
        waiting=any(s.status in (CalendarStatus.QUEUED, CalendarStatus.READING) for s in sources),
        masked=service.masked,
        upload_form=forms.get("upload") or UploadCalendarForm(formdata=None),
        url_form=forms.get("url") or CalendarUrlForm(formdata=None),
        prefs=prefs,
        button=ButtonForm(),
        home_zone=default_timezone(current_user, None),
        new_feed_url=address,
        webcal_url=address.replace("https://", "webcal://").replace("http://", "webcal://")
        if address
        else None,
    ), status


@bp.get("/settings/calendars")
@login_required
def settings() -> ResponseReturnValue:
    return _page()


@bp.post("/settings/calendars/upload")
@login_required
def upload() -> ResponseReturnValue:
    form = UploadCalendarForm()
    if not form.validate_on_submit():
        return _page(upload=form)
    storage = form.file.data
    limit = int(current_app.config["CALENDAR_MAX_BYTES"])
    data = storage.read(limit + 1)
    if len(data) > limit:
        form.file.errors = [
            _(
                "%(name)s is larger than %(mb)s MB.",
                name=storage.filename or "",
                mb=limit // (1024 * 1024),
            )
        ]
        return _page(upload=form)
    session = db.session()
    try:
        source = service.queue_upload(
            session, owner=current_user, name=form.name.data or storage.filename or "", data=data
        )
    except service.CalendarError as error:
        session.rollback()
        form.file.errors = [str(error)]
        return _page(upload=form)
    session.commit()
    from planner.tasks import read_calendar_upload_task

    read_calendar_upload_task(str(source.id))  # the worker reads it; the page shows how far
    flash(_("%(name)s is read in the background.", name=source.name or _("Calendar")), "info")
    return redirect(url_for(".settings") + "#own-calendars")


@bp.post("/settings/calendars/url")
@login_required
def add_url() -> ResponseReturnValue:
    form = CalendarUrlForm()
    if not form.validate_on_submit():
        return _page(url=form)
    session = db.session()
    try:
        source = service.add_url(
            session, owner=current_user, name=form.name.data or "", url=form.url.data
        )
    except service.CalendarError as error:
        session.rollback()
        form.url.errors = [str(error)]
        return _page(url=form)
    session.commit()
    from planner.tasks import refresh_calendar_task

    refresh_calendar_task(str(source.id))
    flash(_("Calendar added; it is read in the background and every hour."), "success")
    return redirect(url_for(".settings"))


@bp.post("/settings/calendars/<source_id>/refresh")
@login_required
def refresh(source_id: str) -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    source = get_owned(session, CalendarSource, source_id, owner=current_user)
    if source.kind != CalendarKind.URL:
        abort(404)
    service.queue_refresh(session, source=source)
    session.commit()
    from planner.tasks import refresh_calendar_task

    refresh_calendar_task(str(source.id))  # a fetch may take its whole time-out: the worker's
    flash(_("%(name)s is read again in the background.", name=source.name or _("Calendar")), "info")
    return redirect(url_for(".settings") + "#own-calendars")


@bp.post("/settings/calendars/<source_id>/delete")
@login_required
def delete(source_id: str) -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    source = get_owned(session, CalendarSource, source_id, owner=current_user)
    service.delete_source(session, source=source)
    session.commit()
    flash(_("Calendar removed; its busy times no longer count."), "success")
    return redirect(url_for(".settings"))


@bp.post("/settings/calendars/preferences")
@login_required
def preferences() -> ResponseReturnValue:
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(prefs=form)
    user = current_user
    user.display_name = (form.display_name.data or "").strip() or None
    user.meeting_day_start = form.day_start.data.hour * 60 + form.day_start.data.minute
    user.meeting_day_end = form.day_end.data.hour * 60 + form.day_end.data.minute
    user.meeting_minutes = form.minutes.data
    user.meeting_buffer_minutes = form.buffer.data or 0
    user.meetings_per_day = form.per_day.data
    user.meeting_weekdays = weekdays_text(form.weekdays.data)
    user.meeting_alarm_minutes = form.alarm.data
    session = db.session()
    session.add(user)
    session.commit()
    flash(_("Preferences saved."), "success")
    return redirect(url_for(".settings") + "#preferences")


@bp.post("/settings/calendars/feed")
@login_required
def new_feed() -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    token = service.new_feed_token(session, owner=current_user)
    session.commit()
    # Shown once, in this very response: not via the session, whose signed cookie anyone
    # holding it can read, and not cached anywhere.
    page, status = _page(new_token=token)
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/settings/calendars/feed/revoke")
@login_required
def revoke_feed() -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    service.revoke_feed_token(session, owner=current_user)
    session.commit()
    flash(_("Feed address revoked: calendars subscribed to it get nothing any more."), "success")
    return redirect(url_for(".settings") + "#feed")
