"""Travel calendars by address and the trips they propose (``planner.trips.travel_feeds``)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from planner import db
from planner.db import get_owned
from planner.feeds.service import masked
from planner.i18n import from_stored
from planner.models.travel import TravelFeed, TripProposal
from planner.trips import travel_feeds
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("travel_feeds", __name__, url_prefix="/trips/travel-calendars")


class TravelFeedForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    url = StringField(
        _l("Address of the travel calendar"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "TripIt: Settings → Calendar → Subscribe to calendar feed; an airline's or a "
            "booking site's calendar link. webcal:// works."
        ),
    )


class ButtonForm(FlaskForm):
    """A button: only the CSRF token."""


def _page(form: TravelFeedForm, status: int = 200) -> ResponseReturnValue:
    session = db.session()
    feeds = travel_feeds.list_feeds(session, owner=current_user)
    return render_template(
        "trips/travel_feeds.html",
        form=form,
        feeds=feeds,
        masked=masked,
        errors={f.id: from_stored(f.error_text) for f in feeds if f.error_text},
        proposals=[
            (proposal, travel_feeds.legs_of(proposal))
            for proposal in travel_feeds.open_proposals(session, owner=current_user)
        ],
        button=ButtonForm(formdata=None),
    ), status


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return _page(TravelFeedForm(formdata=None))


def _queue(feed: TravelFeed) -> None:
    from planner.tasks import refresh_travel_feed_task

    refresh_travel_feed_task(str(feed.id))


@bp.post("/")
@login_required
def add() -> ResponseReturnValue:
    form = TravelFeedForm()
    if not form.validate():
        return _page(form, FORM_ERROR_STATUS)
    session = db.session()
    try:
        feed = travel_feeds.add_feed(
            session, owner=current_user, name=form.name.data or "", url=form.url.data or ""
        )
    except travel_feeds.TravelFeedError as error:
        form.url.errors = [str(error)]
        return _page(form, FORM_ERROR_STATUS)
    session.commit()
    _queue(feed)
    flash(_("Added: new journeys in it will be proposed here as trips."), "success")
    return redirect(url_for(".index"))


def _feed(feed_id: str) -> TravelFeed:
    if not ButtonForm().validate():
        abort(400)
    return get_owned(db.session(), TravelFeed, feed_id, owner=current_user)


@bp.post("/<feed_id>/refresh")
@login_required
def refresh(feed_id: str) -> ResponseReturnValue:
    feed = _feed(feed_id)
    feed.status = "queued"
    db.session().add(feed)
    db.session().commit()
    _queue(feed)
    flash(_("It will be read again in a moment."), "info")
    return redirect(url_for(".index"))


@bp.post("/<feed_id>/delete")
@login_required
def delete(feed_id: str) -> ResponseReturnValue:
    feed = _feed(feed_id)
    db.session().delete(feed)
    db.session().commit()
    flash(_("Travel calendar removed."), "success")
    return redirect(url_for(".index"))


def _proposal(proposal_id: str) -> TripProposal:
    if not ButtonForm().validate():
        abort(400)
    return get_owned(db.session(), TripProposal, proposal_id, owner=current_user)


@bp.post("/proposals/<proposal_id>/accept")
@login_required
def accept(proposal_id: str) -> ResponseReturnValue:
    proposal = _proposal(proposal_id)
    session = db.session()
    from planner.trips.service import TripError

    try:
        trip = travel_feeds.accept(session, owner=current_user, proposal=proposal, gettext=_)
    except (travel_feeds.TravelFeedError, TripError) as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".index"))
    session.commit()
    flash(_("Trip created from your travel calendar."), "success")
    return redirect(url_for("trips.show", trip_id=trip.id))


@bp.post("/proposals/<proposal_id>/dismiss")
@login_required
def dismiss(proposal_id: str) -> ResponseReturnValue:
    proposal = _proposal(proposal_id)
    travel_feeds.dismiss(db.session(), proposal=proposal)
    db.session().commit()
    flash(_("Not proposed again."), "info")
    return redirect(url_for(".index"))
