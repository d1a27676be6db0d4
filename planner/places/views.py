"""Places pages: who is near a place, the map, contacts without a place, "Change place"."""

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import db
from planner.contacts.forms import stage_choices
from planner.db import get_owned
from planner.geo import Place, place_to_json
from planner.models import Contact, Stage
from planner.places import service
from planner.places.forms import DEFAULT_RADIUS_KM, RADII_KM, NearForm, PlaceForm
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("places", __name__, url_prefix="/places")

NEAR_PAGE_LIMIT = 500
MAX_RADIUS_KM = 20_000.0


def _private_json(document: Any, status: int = 200) -> ResponseReturnValue:
    response = jsonify(document)
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"  # a user's contacts
    return response


def _unknown_place(text: str, place: Place | None) -> str:
    if place is not None and place.country:
        return _("'%(text)s' is a country: please name a city.", text=text)
    return _("'%(text)s' is not a place we know.", text=text)


def _located(text: str) -> tuple[Place | None, str | None]:
    """The city ``text`` names, or an error message for the user."""
    place = service.place_text(text)
    if place is None or place.lat is None or place.lon is None:
        return None, _unknown_place(text, place)
    return place, None


@bp.get("/near")
@login_required
def near() -> ResponseReturnValue:
    form = NearForm(formdata=request.args if "place" in request.args else None)
    if form.radius.data not in RADII_KM:  # a radius we do not offer: the default
        form.radius.data = DEFAULT_RADIUS_KM
    place: Place | None = None
    error: str | None = None
    results: list[tuple[Contact, float]] = []
    if "place" in request.args and form.place.validate(form):
        place, error = _located(form.place.data.strip())
        if place is not None:
            results = service.contacts_near(
                db.session(),
                owner=current_user,
                lat=place.lat,  # type: ignore[arg-type]
                lon=place.lon,  # type: ignore[arg-type]
                radius_km=form.radius.data,
                limit=NEAR_PAGE_LIMIT,
            )
    return render_template(
        "places/near.html",
        form=form,
        place=place,
        error=error,
        results=results,
        limit=NEAR_PAGE_LIMIT,
        radii=RADII_KM,
    )


@bp.get("/near.json")
@login_required
def near_json() -> ResponseReturnValue:
    text = request.args.get("place", "").strip()[:200]
    try:
        radius_km = float(request.args.get("radius_km", DEFAULT_RADIUS_KM))
    except ValueError:
        radius_km = -1.0
    if not text:
        return _private_json({"error": _("Name a place.")}, 400)
    if not 0 < radius_km <= MAX_RADIUS_KM:
        return _private_json({"error": _("The radius must be between 0 and 20,000 km.")}, 400)
    place, error = _located(text)
    if place is None:
        return _private_json({"error": error, "place": None, "contacts": []}, 404)
    hits = service.near_rows(
        db.session(),
        owner=current_user,
        lat=place.lat,  # type: ignore[arg-type]
        lon=place.lon,  # type: ignore[arg-type]
        radius_km=radius_km,
    )
    return _private_json(
        {
            "place": {**place_to_json(place), "region": place.region},
            "radius_km": radius_km,
            "contacts": [
                {
                    "id": str(contact.id),
                    "display_name": contact.display_name,
                    "city": contact.city,
                    "distance_km": round(distance, 2),
                }
                for contact, distance in hits
            ],
        }
    )


@bp.get("/suggest.json")
@login_required
def suggest_json() -> ResponseReturnValue:
    places = service.suggest_places(request.args.get("q", ""))
    return _private_json(
        [
            {
                "label": service.place_label(p),
                "city": p.city,
                "country": p.country,
                "lat": p.lat,
                "lon": p.lon,
            }
            for p in places
        ]
    )


@bp.route("/contacts/<contact_id>/place", methods=["GET", "POST"])
@login_required
def set_place(contact_id: str) -> ResponseReturnValue:
    contact = get_owned(db.session(), Contact, contact_id, owner=current_user)
    form = PlaceForm()
    if form.validate_on_submit():
        text = form.place.data.strip()
        place, error = _located(text)
        if place is not None:
            service.set_place(db.session(), contact=contact, place=place)
            db.session().commit()
            flash(
                _(
                    "%(name)s is now placed in %(place)s.",
                    name=contact.display_name,
                    place=service.place_label(place),
                ),
                "success",
            )
            return redirect(url_for("contacts.show", contact_id=contact.id))
        form.place.errors = [*form.place.errors, error]
    elif request.method == "GET":
        form.place.data = contact.location_text or contact.city or ""
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("places/set_place.html", form=form, contact=contact), status


@bp.get("/unplaced")
@login_required
def unplaced() -> ResponseReturnValue:
    found = service.unplaced_contacts(db.session(), owner=current_user)
    return render_template("places/unplaced.html", found=found)


@bp.get("/map")
@login_required
def map_page() -> ResponseReturnValue:
    topic = request.args.get("topic", "").strip()[:100]
    stage = request.args.get("stage", "")
    stage = stage if stage in {s.value for s in Stage} else ""
    return render_template(
        "places/map.html",
        topics=service.topic_names(db.session(), owner=current_user),
        stages=stage_choices(),
        topic=topic,
        stage=stage,
    )


@bp.get("/map.json")
@login_required
def map_json() -> ResponseReturnValue:
    stage = request.args.get("stage") or None
    markers = service.map_markers(
        db.session(),
        owner=current_user,
        topic=(request.args.get("topic") or "").strip()[:100] or None,
        stage=stage if stage in {s.value for s in Stage} else None,
    )
    return _private_json(markers)
