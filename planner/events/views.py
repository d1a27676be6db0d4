"""The events pages: upcoming events (a list and a month), one event with its place on the
map, and the feeds the user follows (subscribe, upload, read again, remove)."""

import json
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from planner import db
from planner.datetimes import viewer_zone
from planner.db import get_owned
from planner.events import listing, service
from planner.events.forms import FilterForm, SubscribeForm, UploadFeedForm
from planner.models.event import EventFeed, EventFeedKind, EventFeedStatus
from planner.trips.forms import ButtonForm
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("events", __name__)


def _filters() -> tuple[FilterForm, listing.Filters]:
    form = FilterForm(request.args)
    if not form.validate():  # a bad value is shown beside its field and left out
        for name in form.errors:
            getattr(form, name).data = None
    return form, listing.Filters(
        place=(form.place.data or "").strip(),
        radius_km=form.radius.data or listing.DEFAULT_RADIUS_KM,
        topic=(form.topic.data or "").strip(),
        start=form.start.data,
        end=form.end.data,
    )


def _today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


@bp.get("/events")
@login_required
def index() -> ResponseReturnValue:
    form, filters = _filters()
    zone = viewer_zone()
    found = listing.upcoming(
        db.session(), owner=current_user, filters=filters, today=_today(zone), zone=zone
    )
    has_feeds = bool(service.list_feeds(db.session(), owner=current_user))
    return render_template(
        "events/index.html",
        form=form,
        listing=found,
        has_feeds=has_feeds,
        month_args=_month_args(request.args),
        start=service.shown_start,
        end=service.shown_end,
    )


def _month_args(args: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in args.items() if k in ("place", "radius", "topic") and v}


@bp.get("/events/month")
@login_required
def month() -> ResponseReturnValue:
    form, filters = _filters()
    zone = viewer_zone()
    today = _today(zone)
    try:
        shown = datetime.strptime(request.args.get("month", ""), "%Y-%m").date()
    except ValueError:
        shown = today.replace(day=1)
    if not 1900 < shown.year < 9000:
        shown = today.replace(day=1)
    weeks, problem = listing.month(
        db.session(),
        owner=current_user,
        filters=filters,
        year=shown.year,
        month=shown.month,
        zone=zone,
    )
    before = (shown.replace(day=1) - timedelta(days=1)).replace(day=1)
    after = (shown.replace(day=28) + 4 * timedelta(days=1)).replace(day=1)
    return render_template(
        "events/month.html",
        form=form,
        weeks=weeks,
        has_events=any(day.rows for week in weeks for day in week),
        shown=shown,
        heading=format_skeleton("yMMMM", shown, locale=str(get_locale() or "en")),
        today=today,
        problem=problem,
        previous=before.strftime("%Y-%m"),
        following=after.strftime("%Y-%m"),
        keep=_month_args(request.args),
    )


@bp.get("/events/<uuid:occurrence_id>")
@login_required
def show(occurrence_id: object) -> ResponseReturnValue:
    page = listing.event_page(db.session(), owner=current_user, occurrence_id=str(occurrence_id))
    row = page.event
    marker = None
    if row.lat is not None and row.lon is not None:
        marker = json.dumps({"lat": row.lat, "lon": row.lon, "label": row.city or row.summary})
    return render_template(
        "events/show.html",
        event=row,
        feed=page.feed,
        people=page.people,
        marker=marker,
        description=_paragraphs(row.description),
    )


def _paragraphs(text: str) -> Markup:
    """The description with its line breaks, every character escaped."""
    escaped = Markup.escape(text.strip())
    return Markup("<br>").join(escaped.split("\n"))


# --- feeds -------------------------------------------------------------------------------


def _feeds_page(
    *, subscribe: SubscribeForm | None = None, upload: UploadFeedForm | None = None
) -> ResponseReturnValue:
    feeds = service.list_feeds(db.session(), owner=current_user)
    status = FORM_ERROR_STATUS if (subscribe or upload) else 200
    waiting = any(f.status in (EventFeedStatus.QUEUED, EventFeedStatus.READING) for f in feeds)
    return render_template(
        "events/feeds.html",
        feeds=feeds,
        waiting=waiting,
        subscribe_form=subscribe or SubscribeForm(formdata=None),
        upload_form=upload or UploadFeedForm(formdata=None),
        button=ButtonForm(),
        host_of=_host,
    ), status


def _host(url: str | None) -> str:
    """A feed's address as the page shows it: its host (the path may be a secret)."""
    return (urlsplit(url).hostname or "") if url else ""


@bp.get("/events/feeds")
@login_required
def feeds() -> ResponseReturnValue:
    return _feeds_page()


@bp.post("/events/feeds/subscribe")
@login_required
def subscribe() -> ResponseReturnValue:
    form = SubscribeForm()
    if not form.validate_on_submit():
        return _feeds_page(subscribe=form)
    session = db.session()
    try:
        feed = service.subscribe(
            session, owner=current_user, url=form.url.data, title=form.title.data or ""
        )
    except service.EventFeedProblem as error:
        session.rollback()
        form.url.errors = [str(error)]
        return _feeds_page(subscribe=form)
    session.commit()
    from planner.tasks import refresh_event_feed_task

    refresh_event_feed_task(str(feed.id))  # a fetch may take its whole time-out: the worker's
    flash(_("Feed added; it is read in the background and then every hour."), "success")
    return redirect(url_for(".feeds"))


@bp.post("/events/feeds/upload")
@login_required
def upload() -> ResponseReturnValue:
    form = UploadFeedForm()
    if not form.validate_on_submit():
        return _feeds_page(upload=form)
    storage = form.file.data
    limit = int(current_app.config["CALENDAR_MAX_BYTES"])
    data = storage.read(limit + 1)
    name = storage.filename or "calendar.ics"
    if len(data) > limit:
        form.file.errors = [
            _("%(name)s is larger than %(mb)s MB.", name=name, mb=limit // (1024 * 1024))
        ]
        return _feeds_page(upload=form)
    session = db.session()
    try:
        summary = service.add_upload(
            session, owner=current_user, filename=name, data=data, title=form.title.data or ""
        )
    except service.EventFeedProblem as error:
        session.rollback()
        form.file.errors = [str(error)]
        return _feeds_page(upload=form)
    session.commit()
    flash(
        _(
            "%(name)s: %(events)s events read, %(cancelled)s of them cancelled.",
            name=summary.feed.title,
            events=summary.events + summary.cancelled,
            cancelled=summary.cancelled,
        ),
        "success",
    )
    return redirect(url_for(".feeds"))


@bp.post("/events/feeds/<feed_id>/refresh")
@login_required
def refresh(feed_id: str) -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    feed = get_owned(session, EventFeed, feed_id, owner=current_user)
    if feed.kind != EventFeedKind.URL:
        abort(404)  # an upload has no address to read again
    service.queue_refresh(session, feed=feed)
    session.commit()
    from planner.tasks import refresh_event_feed_task

    refresh_event_feed_task(str(feed.id))
    flash(_("%(name)s is read again in the background.", name=feed.title or _("Feed")), "info")
    return redirect(url_for(".feeds"))


@bp.post("/events/feeds/<feed_id>/remove")
@login_required
def remove(feed_id: str) -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = db.session()
    feed = get_owned(session, EventFeed, feed_id, owner=current_user)
    service.remove_feed(session, feed=feed)
    session.commit()
    flash(_("Feed removed, with its events."), "success")
    return redirect(url_for(".feeds"))
