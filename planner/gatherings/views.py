"""Get-together pages: the invitee's answer page (no account: the link's token is the key)
and the organiser's pages (list, new, invite, answer matrix, fix, cancel, who came, next).

Decisions:
- The answer page speaks the invitation's language (chosen as for meetings), unless the
  visitor picked one in the footer; German is formal ("Sie") there as everywhere in the app.
- It sends no Referer anywhere (the token is in its address), is never stored by a cache,
  and is rate-limited per link and per client address.
- A link is shown once, when it is made (only its hash is stored): after inviting, and on
  "new link". The organiser copies it then, or it goes by e-mail.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlmodel import col, select

from planner import db
from planner.auth import throttle
from planner.datetimes import viewer_zone
from planner.db import get_owned
from planner.gatherings import invites, service, start
from planner.gatherings.forms import (
    AnswerForm,
    AttendedForm,
    FixForm,
    GatheringForm,
    InviteForm,
    NextForm,
)
from planner.gatherings.suggest import (
    answer_page,
    centre_of,
    list_gatherings,
    matrix,
    organiser_key,
    organiser_page,
    rank_region,
    region_context,
    shares_a_topic,
)
from planner.home import service as home
from planner.matching import Weights, explain
from planner.models import Contact
from planner.models.gathering import Gathering, GatheringStatus
from planner.models.types import utcnow
from planner.trips import service as trips
from planner.trips.forms import ButtonForm
from planner.trips.wording import wording
from planner.web import FORM_ERROR_STATUS, page_base_url

bp = Blueprint("gatherings", __name__)
# The start page lists the polls with open answers (home does not import get-togethers).
home.register("gatherings", start.open_polls)

CANDIDATES_SHOWN = 50
FROM_NEAR_MAX = 200  # people taken over from "Who is near"
ANSWERS_PER_LINK = throttle.Limit("gathering-answer/link", 20, timedelta(minutes=10))
ANSWERS_PER_ADDRESS = throttle.Limit("gathering-answer/address", 60, timedelta(minutes=10))
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def link_of(token: str) -> str:
    """A link shown on a page: where the reader reached this app (as the feed address);
    links in e-mails use ``mail_base_url`` (``mailing``)."""
    return page_base_url() + service.answer_path(token)


def _owned(gathering_id: str) -> Gathering:
    return get_owned(db.session(), Gathering, gathering_id, owner=current_user)


# --- the invitee's page (no account) ------------------------------------------------------


def _private(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(PRIVATE_HEADERS)
    return response


def _ended(status: int) -> Response:
    return _private(render_template("gatherings/ended.html", status=status), status)


def _visitor_language(invitee_language: str) -> str:
    chosen = request.cookies.get("lang")
    if chosen and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return invitee_language


@bp.route("/g/<token>", methods=["GET", "POST"])
def answer(token: str) -> ResponseReturnValue:
    session = db.session()
    try:
        found = service.find_invitation(session, token)
    except service.LinkGone:
        return _ended(410)
    if found is None:
        return _ended(404)
    invitee, gathering = found
    with force_locale(_visitor_language(invitee.language)):
        form = AnswerForm()
        status, error = 200, None
        page = answer_page(session, invitee=invitee, gathering=gathering)
        if request.method == "POST":
            try:
                throttle.reserve(
                    [
                        (service.token_hash(token), ANSWERS_PER_LINK),
                        (throttle.address_key(request.remote_addr), ANSWERS_PER_ADDRESS),
                    ]
                )
            except throttle.TooManyAttempts as too_many:
                response = _private(render_template("gatherings/ended.html", status=429), 429)
                response.headers["Retry-After"] = str(too_many.retry_after)
                return response
            # the radios are named by the form contract: option-<option id>
            chosen = {
                o.id: request.form[f"option-{o.id}"]
                for o in page.options
                if request.form.get(f"option-{o.id}")
            }
            if form.validate_on_submit():
                try:
                    service.answer(
                        session,
                        invitee=invitee,
                        gathering=gathering,
                        answers=chosen,
                        name=form.name.data,
                        comment=form.comment.data,
                    )
                except service.GatheringError as problem:
                    error = str(problem)
                    closed = isinstance(problem, service.AnswersClosed)
                    status = 409 if closed else FORM_ERROR_STATUS
                else:
                    session.commit()
                    flash(
                        _("Thank you: your answer is saved. You can change it with the same link.")
                    )
                    return redirect(url_for(".answer", token=token))
            else:
                status = FORM_ERROR_STATUS
        else:
            form.name.data = invitee.name or page.first_name
            form.comment.data = invitee.comment
        body = render_template(
            "gatherings/answer.html", gathering=gathering, page=page, form=form, error=error
        )
    return _private(body, status)


# --- the organiser's pages ----------------------------------------------------------------


@bp.get("/gatherings/")
@login_required
def index() -> ResponseReturnValue:
    return render_template(
        "gatherings/index.html", gatherings=list_gatherings(db.session(), owner=current_user)
    )


def _topics(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _owned_contacts(raw_ids: list[str]) -> list[Contact]:
    """The user's own contacts among ``raw_ids`` (others' and malformed ids are dropped),
    by name; at most ``FROM_NEAR_MAX``."""
    ids = set()
    for raw in raw_ids[:FROM_NEAR_MAX]:
        try:
            ids.add(uuid.UUID(raw))
        except ValueError:
            continue
    if not ids:
        return []
    return list(
        db.session().exec(
            select(Contact)
            .where(col(Contact.owner_id) == current_user.id, col(Contact.id).in_(ids))
            .order_by(col(Contact.display_name), col(Contact.id))
        )
    )


@bp.post("/gatherings/new/near")
@login_required
def from_near() -> ResponseReturnValue:
    """Started from "Who is near" / "Who is in town": the new get-together's form with that
    region filled in and those people ticked (only the user's own contacts; the POST is
    CSRF-checked like every form)."""
    form = GatheringForm(formdata=None)
    form.city.data = (request.form.get("city") or current_user.home_city or "").strip()[:200]
    try:
        form.radius.data = min(max(int(float(request.form.get("radius") or 30)), 1), 500)
    except ValueError:
        form.radius.data = 30
    people = _owned_contacts(request.form.getlist("contact"))
    return render_template("gatherings/new.html", form=form, people=people, picked=True)


@bp.route("/gatherings/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = GatheringForm()
    if request.method == "GET" and current_user.home_city and not form.city.data:
        form.city.data = current_user.home_city
    people = _owned_contacts(request.form.getlist("invitees")) if request.method == "POST" else []
    if form.validate_on_submit():
        place = trips.leg_place(form.city.data or "")
        options = [f.data for f in form.options if f.data]
        if place is None:
            form.city.errors = [_("'%(text)s' is not a city we know.", text=form.city.data)]
        elif not options:
            form.form_errors.append(_("Give at least one date to choose from."))
        else:
            data = service.GatheringInput(
                title=form.title.data or "",
                place=place,
                options=options,
                radius_km=float(form.radius.data or 30),
                topics=_topics(form.topics.data),
                minutes=int(form.minutes.data or 120),
                deadline=form.deadline.data,
                message=form.message.data,
                venue=form.venue.data,
                show_answers=bool(form.show_answers.data),
            )
            try:
                gathering = service.create_gathering(db.session(), owner=current_user, data=data)
            except service.GatheringError as error:
                form.form_errors.append(str(error))
            else:
                db.session().commit()
                picks = [str(contact.id) for contact in people]
                return redirect(url_for(".invite", gathering_id=gathering.id, pick=picks))
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("gatherings/new.html", form=form, people=people), status


def _candidates(gathering: Gathering, exclude: set[uuid.UUID]) -> list[dict[str, Any]]:
    session = db.session()
    locale = current_user.locale or str(current_app.config["BABEL_DEFAULT_LOCALE"])
    weights = Weights.from_config(current_app.config.get("MATCH_WEIGHTS"))
    context = region_context(
        session, owner=current_user, locale=locale, weights=weights, topics=gathering.topics or []
    )
    ranked = rank_region(
        session,
        owner=current_user,
        lat=gathering.lat,
        lon=gathering.lon,
        radius_km=gathering.radius_km,
        place=gathering.city,
        context=context,
        limit=CANDIDATES_SHOWN,
        exclude=exclude,
    )
    words = wording(context.vocabulary, context.user_labels)
    return [
        {
            "id": s.contact_id,
            "name": s.display_name,
            "reasons": explain(s, words),
            "shares": shares_a_topic(s),
        }
        for s in ranked
    ]


@bp.route("/gatherings/<gathering_id>/invite", methods=["GET", "POST"])
@login_required
def invite(gathering_id: str) -> ResponseReturnValue:
    """Ranked candidates of the region with their reasons; the user picks (and may add
    people found by name). The new links are shown once, on the answer to the POST."""
    session = db.session()
    gathering = _owned(gathering_id)
    invited = {i.contact_id for i in service.invitees_of(session, gathering=gathering)}
    form = InviteForm()
    if form.validate_on_submit():
        reasons: dict[uuid.UUID, list[str]] = {}
        chosen = []
        for raw in dict.fromkeys(form.contacts.data or []):  # ticked twice: once
            contact = get_owned(session, Contact, raw, owner=current_user)
            chosen.append(contact)
        for item in _candidates(gathering, invited):
            reasons[uuid.UUID(str(item["id"]))] = item["reasons"]
        for contact in chosen:
            reasons.setdefault(contact.id, [service.added_by_hand()])
        try:
            made = service.invite(
                session, owner=current_user, gathering=gathering, contacts=chosen, reasons=reasons
            )
        except service.GatheringError as error:
            flash(str(error), "error")
            return redirect(url_for(".invite", gathering_id=gathering.id))
        session.commit()
        sent = _mail_links(gathering, made)
        return render_template(
            "gatherings/links.html",
            gathering=gathering,
            links=[(m.contact, link_of(m.token), m.contact.id in sent) for m in made],
        )
    picked = [c for c in _owned_contacts(request.args.getlist("pick")) if c.id not in invited]
    query = (request.args.get("q") or "").strip()
    found: list[Any] = []
    if query:
        from planner.contacts.service import list_contacts

        found = [
            row
            for row in list_contacts(session, owner=current_user, query=query, per_page=20).items
            if row.id not in invited
        ]
    candidates = _candidates(gathering, invited)
    ranked = {uuid.UUID(str(item["id"])) for item in candidates}
    return render_template(
        "gatherings/invite.html",
        gathering=gathering,
        form=form,
        candidates=candidates,
        picked={str(c.id) for c in picked},
        picked_elsewhere=[c for c in picked if c.id not in ranked],
        found=found,
        query=query,
        invited_count=len(invited),
    )


def _mail_links(gathering: Gathering, made: list[service.Invited]) -> set[uuid.UUID]:
    """E-mail the links when SMTP is configured and the sender verified (contacts mailed)."""
    from planner.gatherings import mailing

    try:
        return mailing.send_links(db.session(), owner=current_user, gathering=gathering, made=made)
    except mailing.NotSent as why:
        if why.reason:
            flash(why.reason, "error")
        return set()


@bp.get("/gatherings/<gathering_id>")
@login_required
def show(gathering_id: str) -> ResponseReturnValue:
    session = db.session()
    gathering = _owned(gathering_id)
    now = utcnow()
    key = organiser_key(
        session,
        owner=current_user,
        gathering=gathering,
        locale=str(get_locale() or "en"),
        zone=viewer_zone(),
        now=now,
    )

    def render(csrf: str) -> str:
        table = matrix(session, gathering=gathering)
        chosen = table.chosen()
        best = chosen or (table.best_first[0].option if table.options else None)
        return render_template(
            "gatherings/_show_body.html",
            gathering=gathering,
            table=table,
            chosen=chosen,
            centre=centre_of(table, best) if best else None,
            next_form=NextForm(formdata=None),
            past=chosen is not None and chosen.starts_at <= now,
            csrf=csrf,
        )

    html = organiser_page(key, render=render, csrf_token=generate_csrf())
    body = Markup(html)  # noqa: S704  (our own HTML, escaped when it was rendered)
    return render_template("gatherings/show.html", gathering=gathering, body=body)


def _back(gathering: Gathering) -> ResponseReturnValue:
    return redirect(url_for(".show", gathering_id=gathering.id))


@bp.post("/gatherings/<gathering_id>/revoke/<contact_id>")
@login_required
def revoke(gathering_id: str, contact_id: str) -> ResponseReturnValue:
    gathering = _owned(gathering_id)
    if ButtonForm().validate_on_submit():
        try:
            service.revoke(db.session(), gathering=gathering, contact_id=contact_id)
        except service.GatheringError as error:
            abort(404, str(error))
        db.session().commit()
        flash(_("The link no longer works."))
    return _back(gathering)


@bp.post("/gatherings/<gathering_id>/link/<contact_id>")
@login_required
def renew(gathering_id: str, contact_id: str) -> ResponseReturnValue:
    """A new link for one invitee (the old one stops working), shown once."""
    session = db.session()
    gathering = _owned(gathering_id)
    if not ButtonForm().validate_on_submit():
        return _back(gathering)
    try:
        invitee = service.invitee_of(session, gathering=gathering, contact_id=contact_id)
    except service.GatheringError:
        abort(404)
    if invitee.revoked:
        abort(404)
    token = service.renew_link(session, invitee=invitee)
    session.commit()
    contact = get_owned(session, Contact, invitee.contact_id, owner=current_user)
    return render_template(
        "gatherings/links.html", gathering=gathering, links=[(contact, link_of(token), False)]
    )


@bp.post("/gatherings/<gathering_id>/remind")
@login_required
def remind(gathering_id: str) -> ResponseReturnValue:
    """New links for those who have not answered: mailed when the server may, else shown."""
    session = db.session()
    gathering = _owned(gathering_id)
    if not ButtonForm().validate_on_submit():
        return _back(gathering)
    try:
        made = service.remind(session, owner=current_user, gathering=gathering)
    except service.GatheringError as error:
        flash(str(error), "error")
        return _back(gathering)
    session.commit()
    sent = _mail_links(gathering, made)
    return render_template(
        "gatherings/links.html",
        gathering=gathering,
        links=[(m.contact, link_of(m.token), m.contact.id in sent) for m in made],
    )


@bp.post("/gatherings/<gathering_id>/fix")
@login_required
def fix(gathering_id: str) -> ResponseReturnValue:
    gathering = _owned(gathering_id)
    form = FixForm()
    if form.validate_on_submit():
        try:
            service.fix(
                db.session(),
                gathering=gathering,
                option_id=form.option.data or "",
                venue=form.venue.data or "",
            )
        except service.GatheringError as error:
            flash(str(error), "error")
        else:
            db.session().commit()
            flash(_("The date is fixed. Download the invitation and send it to your invitees."))
    return _back(gathering)


@bp.post("/gatherings/<gathering_id>/cancel")
@login_required
def cancel(gathering_id: str) -> ResponseReturnValue:
    gathering = _owned(gathering_id)
    if ButtonForm().validate_on_submit():
        try:
            service.cancel(db.session(), gathering=gathering)
        except service.GatheringError as error:
            flash(str(error), "error")
        else:
            db.session().commit()
            flash(_("The get-together is cancelled; its links no longer work."))
    return _back(gathering)


@bp.get("/gatherings/<gathering_id>/invite.ics")
@login_required
def download(gathering_id: str) -> ResponseReturnValue:
    gathering = _owned(gathering_id)
    cancelled = gathering.status == GatheringStatus.CANCELLED.value
    try:
        data = invites.invite_file(
            db.session(), owner=current_user, gathering=gathering, cancel=cancelled
        )
    except service.GatheringError as error:
        flash(str(error), "error")
        return _back(gathering)
    name = "cancel.ics" if cancelled else "invite.ics"
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/gatherings/<gathering_id>/attended")
@login_required
def attended(gathering_id: str) -> ResponseReturnValue:
    gathering = _owned(gathering_id)
    form = AttendedForm()
    if form.validate_on_submit():
        try:
            result = service.record_attendance(
                db.session(),
                owner=current_user,
                gathering=gathering,
                contact_ids=form.contacts.data or [],
            )
        except service.GatheringError as error:
            flash(str(error), "error")
        else:
            db.session().commit()
            flash(_("%(n)d people are now marked as met.", n=len(result.came)))
    return _back(gathering)


@bp.post("/gatherings/<gathering_id>/next")
@login_required
def next_one(gathering_id: str) -> ResponseReturnValue:
    """The next get-together of the series: same circle, venue and message, plus the
    region's people who share a topic and were not invited before."""
    session = db.session()
    gathering = _owned(gathering_id)
    form = NextForm()
    options: list[datetime] = [f.data for f in form.options if f.data]
    if not form.validate_on_submit() or not options:
        flash(_("Give at least one date to choose from."), "error")
        return _back(gathering)
    before = {i.contact_id for i in service.invitees_of(session, gathering=gathering)}
    # newcomers: the region's people (sharing a topic, when it has topics) whose contact
    # changed since the last one was made: joined the region or the topic since
    newcomers = []
    for item in _candidates(gathering, before):
        contact = get_owned(session, Contact, str(item["id"]), owner=current_user)
        if (item["shares"] or not gathering.topics) and contact.updated_at > gathering.created_at:
            newcomers.append((contact, item["reasons"]))
    try:
        created, made = service.next_gathering(
            session,
            owner=current_user,
            previous=gathering,
            options=options,
            deadline=form.deadline.data,
            newcomers=[contact for contact, _ in newcomers],
            newcomer_reasons={contact.id: reasons for contact, reasons in newcomers},
        )
    except service.GatheringError as error:
        flash(str(error), "error")
        return _back(gathering)
    session.commit()
    sent = _mail_links(created, made)
    return render_template(
        "gatherings/links.html",
        gathering=created,
        links=[(m.contact, link_of(m.token), m.contact.id in sent) for m in made],
    )
