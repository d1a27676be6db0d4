"""The web edge: blueprints, security headers, error pages, template helpers."""

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from planner import countries, datetimes
from planner.access_log import mask_secrets_in
from planner.extensions import login_manager
from planner.i18n import from_stored
from planner.imports.forms import format_label


def content_security_policy(tile_url: str | None = None) -> str:
    """Scripts and styles only from our own origin: no inline code, so an injected
    <script> cannot run even if escaping ever failed somewhere. Images also from the map's
    tile server (its origin, from ``MAP_TILE_URL``; a "{s}" subdomain becomes "*")."""
    images = "img-src 'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))
        if parts.scheme in ("http", "https") and parts.hostname:
            images += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            images,
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()

# A submitted form with errors is shown again with this status, in every feature: the
# request was well-formed, what it said could not be used (RFC 9110 §15.5.21).
FORM_ERROR_STATUS = 422


def page_base_url() -> str:
    """Where the reader reached this app, for addresses shown on a page (the feed address):
    ``BASE_URL`` when configured, else the request's own scheme, host and port (as the
    proxies in front saw them, with ``TRUSTED_PROXIES``). ``PORT=5077 make run`` shows 5077."""
    configured = current_app.config.get("BASE_URL")
    return str(configured or request.host_url).rstrip("/")


def mail_base_url() -> str:
    """For links in e-mails: ``BASE_URL``, else the address ``planner serve`` bound. Never
    the request's Host header: whoever sends a request chooses it, and a registration mail
    would carry their site."""
    return str(current_app.config.get("BASE_URL") or current_app.config["SERVED_AT"]).rstrip("/")


# The signed-in menu: (endpoint, label). Every page renders it, so its links are built once
# per language, page and script root and kept (a dozen url_for and gettext calls were a
# tenth of the contact list's request).
MENU: tuple[tuple[str, object], ...] = (
    ("home.dashboard", _l("Overview")),
    ("contacts.index", _l("Contacts")),
    ("places.map_page", _l("Map")),
    ("trips.index", _l("Trips")),
    ("events.index", _l("Events")),
    ("meetings.index", _l("Meetings")),
    ("gatherings.index", _l("Get-togethers")),
    ("relationships.index", _l("Follow-ups")),
    ("imports.index", _l("Import")),
    ("settings.index", _l("Settings")),
)
_MENUS: dict[tuple[str, str | None, str], Markup] = {}


def signed_in_menu() -> Markup:
    """The menu's links as ``<li>`` items, the current page marked ``aria-current``."""
    key = (str(get_locale()), request.endpoint, request.script_root)
    menu = _MENUS.get(key)
    if menu is None:
        items = []
        for endpoint, label in MENU:
            current = Markup(' aria-current="page"') if request.endpoint == endpoint else ""
            items.append(
                Markup('<li><a href="{}"{}>{}</a></li>').format(url_for(endpoint), current, label)
            )
        menu = Markup("\n").join(items)
        if len(_MENUS) < 4096:  # languages x pages x script roots: small, but bounded
            _MENUS[key] = menu
    return menu


_LINKS: dict[tuple[str, str], str] = {}


def link(endpoint: str) -> str:
    """``url_for(endpoint)`` for a page without arguments, built once per script root: the
    contact list names seven such pages on every request."""
    key = (endpoint, request.script_root)
    address = _LINKS.get(key)
    if address is None:
        address = url_for(endpoint)
        if len(_LINKS) < 4096:
            _LINKS[key] = address
    return address


def init_app(app: Flask) -> None:
    from planner.account.views import bp as account_bp
    from planner.auth.views import bp as auth_bp
    from planner.contacts.views import bp as contacts_bp
    from planner.demo.views import bp as demo_bp
    from planner.duplicates.views import bp as duplicates_bp
    from planner.events.trip_views import bp as trip_events_bp
    from planner.events.views import bp as events_bp
    from planner.feeds.views import bp as feeds_bp
    from planner.gatherings.views import bp as gatherings_bp
    from planner.home.views import bp as home_bp
    from planner.imports.views import bp as imports_bp
    from planner.meetings.views import bp as meetings_bp
    from planner.places.views import bp as places_bp
    from planner.relationships.digest_views import bp as digest_bp
    from planner.relationships.views import bp as relationships_bp
    from planner.settings.sending_views import bp as sending_bp
    from planner.settings.views import bp as settings_bp
    from planner.trips.travel_feed_views import bp as travel_feeds_bp
    from planner.trips.views import bp as trips_bp

    for bp in (
        home_bp,
        auth_bp,
        contacts_bp,
        imports_bp,
        settings_bp,
        sending_bp,
        account_bp,
        places_bp,
        duplicates_bp,
        trips_bp,
        travel_feeds_bp,
        events_bp,
        trip_events_bp,
        meetings_bp,
        relationships_bp,
        digest_bp,
        feeds_bp,
        gatherings_bp,
        demo_bp,
    ):
        app.register_blueprint(bp)
    app.extensions["planner.csp"] = content_security_policy(app.config.get("MAP_TILE_URL"))
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:  # the client's address, scheme and host as the proxies in front saw them
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    login_manager.login_message = _l("Please sign in to see this page.")
    app.after_request(_security_headers)
    mask_secrets_in(app.logger)  # "Exception on /feed/… [GET]"
    app.context_processor(lambda: {"current_locale": str(get_locale() or "en")})
    datetimes.init_app(app)
    countries.init_app(app)
    app.add_template_global(signed_in_menu)
    app.add_template_global(link)
    app.add_template_global(format_label)  # a source's format as the user knows the export
    app.add_template_filter(from_stored, "stored_text")  # kept messages, in today's language
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        current_app.extensions.get("planner.csp", CONTENT_SECURITY_POLICY),
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # pages and downloads (contacts JSON, invite .ics) are the user's own: no cache keeps
    # them; the feed is "inline" and sets its own caching
    if response.mimetype == "text/html" or headers.get("Content-Disposition", "").startswith(
        "attachment"
    ):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(error: Exception) -> tuple[str, int]:
    code = getattr(error, "code", 500) or 500
    return render_template("errors/error.html", code=code), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/error.html", code=400, csrf=True), 400
