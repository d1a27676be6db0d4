"""Fetching calendar URLs, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from planner.calendar import fetch as fetch_module
from planner.calendar.fetch import Fetched, FetchError, fetch_calendar, normalise_calendar_url

ICS = (
    b"BEGIN:VCALENDAR\r\n"
    b"VERSION:2.0\r\n"
    b"PRODID:-//Test//Test//EN\r\n"
    b"BEGIN:VEVENT\r\n"
    b"UID:busy-1@example.org\r\n"
    b"DTSTAMP:20250101T120000Z\r\n"
    b"DTSTART:20250110T180000Z\r\n"
    b"DTEND:20250110T200000Z\r\n"
    b"SUMMARY:Besprechung M\xc3\xbcnchen\r\n"
    b"END:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 01 Jan 2025 12:00:00 GMT"
USER, PASSWORD = "anna", "p@ss wört"
CALENDAR_HOST = "calendar.test"


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    port: int
    scheme: str = "http"
    seen: list[Seen] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # silence
        pass

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/calendar; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, headers={"Location": location})

    def do_GET(self) -> None:
        state: Server = self.server.state
        state.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        base = f"{state.scheme}://127.0.0.1:{state.port}"
        path = self.path
        if path == "/cal.ics":
            if self.headers.get("If-None-Match") == ETAG:
                self.send(304, headers={"ETag": ETAG})
            else:
                headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
                self.send(200, ICS, headers=headers)
        elif path == "/modified.ics":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send(304)
            else:
                self.send(200, ICS, headers={"Last-Modified": LAST_MODIFIED})
        elif path == "/always-304":
            self.send(304)
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            if left > 1:
                self.redirect(f"/hop/{left - 1}", 307)  # relative
            else:
                self.redirect(f"{base}/cal.ics", 301)  # absolute
        elif path == "/loop":
            self.redirect("/loop")
        elif path == "/missing":
            self.send(404, b"nope", "text/plain")
        elif path == "/page.html":
            self.send(200, b"<!doctype html><title>Sign in</title>", "text/html; charset=utf-8")
        elif path == "/text":
            self.send(200, b"hello, not a calendar", "text/plain")
        elif path == "/empty":
            self.send(200, b"")
        elif path == "/bom":
            self.send(200, b"\xef\xbb\xbf\r\n  " + ICS, "application/octet-stream")
        elif path == "/big":
            self.send(200, ICS + b"X" * 2000)
        elif path == "/big-no-length":
            self.send(200, ICS + b"X" * 2000, length=False)
        elif path == "/no-length":
            self.send(200, ICS, length=False)
        elif path == "/gzip":
            self.send(200, gzip.compress(ICS), headers={"Content-Encoding": "gzip"})
        elif path == "/gzip-bomb":
            bomb = gzip.compress(ICS + b"\0" * (4 * 1024 * 1024))
            self.send(200, bomb, headers={"Content-Encoding": "gzip"})
        elif path == "/gzip-truncated":
            self.send(200, gzip.compress(ICS)[:-12], headers={"Content-Encoding": "gzip"})
        elif path == "/brotli":
            self.send(200, b"\x00\x01", headers={"Content-Encoding": "br"})
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (ICS[:10], ICS[10:50], ICS[50:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/slow":
            time.sleep(0.8)
            self.send(200, ICS)
        elif path == "/secret.ics":
            expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") == f"Basic {expected}":
                self.send(200, ICS)
            else:
                self.send(401, b"", "text/plain", {"WWW-Authenticate": 'Basic realm="cal"'})
        elif path == "/to-other-host":
            self.redirect(f"http://{CALENDAR_HOST}:{state.port}/cal.ics")
        elif path == "/to-private":
            self.redirect("http://10.0.0.5/cal.ics")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/to-http":
            self.redirect(f"http://127.0.0.1:{self.server.plain_port}/cal.ics")
        elif path == "/no-location":
            self.send(302)
        else:
            self.send(404)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the slow handler writes to a socket the client has given up on


def _start(state: Server, wrap: Callable[[socket.socket], socket.socket] | None = None) -> Any:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    if wrap is not None:
        httpd.socket = wrap(httpd.socket)
    state.port = httpd.server_address[1]
    httpd.state = state  # type: ignore[attr-defined]
    httpd.plain_port = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    return httpd


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server(port=0)
    httpd = _start(state)
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def resolve(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Extra host names for ``socket.getaddrinfo``: name -> addresses (others resolve as usual)."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            answers = []
            for text in names[host]:
                if ipaddress.ip_address(text).version == 6:
                    answers.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (text, port, 0, 0)))
                else:
                    answers.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (text, port)))
            return answers
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return names


def get(url: str, **kwargs: Any) -> Fetched:
    kwargs.setdefault("allow_private", True)
    kwargs.setdefault("timeout", 5)
    return fetch_calendar(url, **kwargs)


# --- normalise_calendar_url -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  webcal://example.org/cal.ics \n", "https://example.org/cal.ics"),
        ("WEBCAL://calendar.example.org/x.ics", "https://calendar.example.org/x.ics"),
        ("webcals://example.org/x.ics", "https://example.org/x.ics"),
        ("HTTPS://example.org/x.ics", "https://example.org/x.ics"),
        ("http://example.org:8080/x.ics?k=v", "http://example.org:8080/x.ics?k=v"),
        (
            "https://calendar.google.com/calendar/ical/abc\n  %40group.calendar/basic.ics",
            "https://calendar.google.com/calendar/ical/abc%40group.calendar/basic.ics",
        ),
        (
            "https://example.org/mein kalender/ü.ics?q=ä b",
            "https://example.org/mein%20kalender/%C3%BC.ics?q=%C3%A4%20b",
        ),
        ("https://example.org/x.ics#fragment", "https://example.org/x.ics"),
        (
            "https://user:pw@cloud.example.org/remote.php/dav/x?export",
            "https://user:pw@cloud.example.org/remote.php/dav/x?export",
        ),
        ("https://example.org", "https://example.org"),
    ],
)
def test_normalise_calendar_url(text: str, expected: str) -> None:
    assert normalise_calendar_url(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "file:///etc/passwd",
        "ftp://example.org/cal.ics",
        "javascript:alert(1)",
        "data:text/calendar,BEGIN:VCALENDAR",
        "example.org/cal.ics",
        "https:/example.org/cal.ics",
        "gopher://127.0.0.1:6379/_FLUSHALL",
    ],
)
def test_other_schemes_are_refused(text: str) -> None:
    with pytest.raises(FetchError, match=r"must start with https:// or http://.*webcal://"):
        normalise_calendar_url(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("https://", "no host name"),
        ("https:///cal.ics", "no host name"),
        ("https://example.org:99999/cal.ics", "not valid"),
        ("https://example.org:abc/cal.ics", "not valid"),
        ("https://[::1/cal.ics", "not valid"),
        ("https://example.org/\x00cal.ics", "control characters"),
    ],
)
def test_malformed_urls_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(FetchError, match=fragment):
        normalise_calendar_url(text)


# --- fetching --------------------------------------------------------------------------------


def test_fetch_with_validators_then_not_modified(server: Server) -> None:
    first = get(server.url("/cal.ics"))
    assert first == Fetched(ICS, ETAG, LAST_MODIFIED, server.url("/cal.ics"))
    seen = server.seen[0].headers
    assert seen["user-agent"] == "Treffpunkt/0.1"
    assert seen["host"] == f"127.0.0.1:{server.port}"
    assert "if-none-match" not in seen

    second = get(server.url("/cal.ics"), etag=first.etag, last_modified=first.last_modified)
    assert second.data is None
    assert second.etag == ETAG
    assert second.last_modified == LAST_MODIFIED  # kept: the 304 did not repeat it
    assert server.seen[1].headers["if-none-match"] == ETAG
    assert server.seen[1].headers["if-modified-since"] == LAST_MODIFIED


def test_if_modified_since_alone(server: Server) -> None:
    result = get(server.url("/modified.ics"), last_modified=LAST_MODIFIED, user_agent="X/1")
    assert result == Fetched(None, None, LAST_MODIFIED, server.url("/modified.ics"))
    assert server.seen[0].headers["user-agent"] == "X/1"


def test_unconditional_304_is_an_error(server: Server) -> None:
    with pytest.raises(FetchError, match="304"):
        get(server.url("/always-304"))


def test_redirect_chain_of_five_is_followed(server: Server) -> None:
    result = get(server.url("/hop/5"))
    assert result.data == ICS
    assert result.url == server.url("/cal.ics")
    assert [s.path for s in server.seen] == [
        "/hop/5",
        "/hop/4",
        "/hop/3",
        "/hop/2",
        "/hop/1",
        "/cal.ics",
    ]


def test_six_redirects_are_too_many(server: Server) -> None:
    with pytest.raises(FetchError, match="too many redirects"):
        get(server.url("/hop/6"))


def test_redirect_loop_stops(server: Server) -> None:
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        get(server.url("/loop"))
    assert len(server.seen) == 6


def test_redirect_to_another_scheme_is_refused(server: Server) -> None:
    with pytest.raises(FetchError, match="redirected to an address that cannot be read"):
        get(server.url("/to-file"))


def test_redirect_without_location(server: Server) -> None:
    with pytest.raises(FetchError, match="302 without a Location"):
        get(server.url("/no-location"))


def test_404(server: Server) -> None:
    with pytest.raises(FetchError, match="server answered 404"):
        get(server.url("/missing"))


def test_html_page_is_not_a_calendar(server: Server) -> None:
    with pytest.raises(FetchError, match=r"not a calendar \(text/html\)"):
        get(server.url("/page.html"))


@pytest.mark.parametrize("path", ["/text", "/empty"])
def test_body_must_be_a_calendar(server: Server, path: str) -> None:
    with pytest.raises(FetchError, match="not a calendar"):
        get(server.url(path))


def test_bom_and_white_space_before_the_calendar(server: Server) -> None:
    result = get(server.url("/bom"))
    assert result.data == b"\xef\xbb\xbf\r\n  " + ICS  # returned unchanged


@pytest.mark.parametrize("path", ["/big", "/big-no-length"])
def test_too_large(server: Server, path: str) -> None:
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        get(server.url(path), max_bytes=1000)


def test_gzip_bomb_stops_at_the_limit_named_in_megabytes(server: Server) -> None:
    with pytest.raises(FetchError, match="larger than 1 MB"):
        get(server.url("/gzip-bomb"), max_bytes=1024 * 1024)


def test_exactly_the_limit_is_fine(server: Server) -> None:
    assert get(server.url("/cal.ics"), max_bytes=len(ICS)).data == ICS


@pytest.mark.parametrize("path", ["/gzip", "/chunked", "/no-length"])
def test_gzip_chunked_and_close_delimited_bodies(server: Server, path: str) -> None:
    assert get(server.url(path)).data == ICS
    assert server.seen[0].headers["accept-encoding"] == "gzip"


def test_truncated_gzip_and_unknown_encoding(server: Server) -> None:
    with pytest.raises(FetchError, match="cut off"):
        get(server.url("/gzip-truncated"))
    with pytest.raises(FetchError, match="unsupported content encoding br"):
        get(server.url("/brotli"))


def test_slow_server_times_out(server: Server) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        get(server.url("/slow"), timeout=0.3)
    assert time.monotonic() - started < 0.75


def test_connection_refused_names_host_and_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match=rf"127\.0\.0\.1:{port} \(connection refused\)"):
        get(f"http://127.0.0.1:{port}/cal.ics")


def test_a_connection_without_a_socket_is_a_network_error_even_under_python_o(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once an ``assert`` (gone under ``python -O``, leaving a None socket to fail later)."""

    class Unopened(fetch_module._PinnedHTTPConnection):
        def request(self, *args: Any, **kwargs: Any) -> None:
            pass  # never connects: no socket

    monkeypatch.setattr(
        fetch_module,
        "_connection",
        lambda target, addresses, timeout: Unopened(target.host, target.port, addresses, 1),
    )
    with pytest.raises(
        FetchError, match=r"network error with 127\.0\.0\.1:\d+ \(connection closed"
    ):
        get(server.url("/cal.ics"))


def test_unknown_host() -> None:
    with pytest.raises(FetchError, match=r"host name nowhere\.invalid not found"):
        get("https://nowhere.invalid/cal.ics")


def test_a_name_lookup_that_hangs_times_out_naming_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    released = threading.Event()

    def stuck(*_args: Any, **_kwargs: Any) -> Any:
        released.wait(30)  # a resolver that does not answer (released when the test ends)
        raise socket.gaierror("gave up")

    monkeypatch.setattr(socket, "getaddrinfo", stuck)
    started = time.monotonic()
    try:
        with pytest.raises(
            FetchError,
            match=r"looking up the host name calendar\.example timed out after 0\.3 s",
        ):
            get("https://calendar.example/cal.ics", timeout=0.3)
        assert time.monotonic() - started < 0.75
    finally:
        released.set()


# --- credentials ----------------------------------------------------------------------------


def test_credentials_in_the_url_are_sent_and_never_shown(server: Server) -> None:
    quoted = "p%40ss%20w%C3%B6rt"
    result = get(f"http://{USER}:{quoted}@127.0.0.1:{server.port}/secret.ics")
    assert result.data == ICS

    with pytest.raises(FetchError) as caught:
        get(f"http://{USER}:wrong-secret@127.0.0.1:{server.port}/secret.ics")
    assert str(caught.value) == "server answered 401 Unauthorized"
    assert "secret" not in str(caught.value)


def test_credentials_are_not_sent_to_another_host(
    server: Server, resolve: dict[str, list[str]]
) -> None:
    resolve[CALENDAR_HOST] = ["127.0.0.1"]
    result = get(f"http://{USER}:pw@127.0.0.1:{server.port}/to-other-host")
    assert result.url == f"http://{CALENDAR_HOST}:{server.port}/cal.ics"
    first, second = server.seen
    assert first.headers["authorization"].startswith("Basic ")
    assert "authorization" not in second.headers


def test_credentials_stay_on_the_same_origin(server: Server) -> None:
    get(f"http://{USER}:pw@127.0.0.1:{server.port}/hop/2")
    assert all(s.headers["authorization"].startswith("Basic ") for s in server.seen)


# --- server-side request forgery ------------------------------------------------------------


def test_loopback_is_refused_by_default(server: Server) -> None:
    with pytest.raises(FetchError, match=r"address 127\.0\.0\.1 is a loopback address"):
        fetch_calendar(server.url("/cal.ics"))
    assert server.seen == []  # refused before connecting


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.5", "in a private network"),
        ("192.168.1.20", "in a private network"),
        ("172.16.0.1", "in a private network"),
        ("169.254.169.254", "link-local"),  # cloud metadata service
        ("127.0.0.53", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::1", "in a private network"),
        ("::ffff:10.0.0.5", "in a private network"),
        ("::ffff:127.0.0.1", "loopback"),
    ],
)
def test_non_public_addresses_are_refused(
    resolve: dict[str, list[str]], address: str, reason: str
) -> None:
    resolve[CALENDAR_HOST] = [address]
    with pytest.raises(FetchError, match=rf"address {address} \({CALENDAR_HOST}\) is .*{reason}"):
        fetch_calendar(f"https://{CALENDAR_HOST}/cal.ics")


def test_one_private_address_among_public_ones_is_enough(resolve: dict[str, list[str]]) -> None:
    resolve[CALENDAR_HOST] = ["93.184.215.14", "10.0.0.5"]
    with pytest.raises(FetchError, match=r"10\.0\.0\.5"):
        fetch_calendar(f"https://{CALENDAR_HOST}/cal.ics")


def test_ip_literals_are_checked_too() -> None:
    with pytest.raises(FetchError, match=r"address 10\.0\.0\.5 is in a private network"):
        fetch_calendar("http://10.0.0.5/cal.ics")
    with pytest.raises(FetchError, match=r"address ::1 is a loopback address"):
        fetch_calendar("http://[::1]:8080/cal.ics")


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert fetch_module._forbidden_reason(ipaddress.ip_address(address)) is None


def test_every_redirect_is_checked_again(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    real = fetch_module._forbidden_reason

    def only_the_test_server_is_public(address: Any) -> str | None:
        return None if str(address) == "127.0.0.1" else real(address)

    monkeypatch.setattr(fetch_module, "_forbidden_reason", only_the_test_server_is_public)
    assert fetch_calendar(server.url("/hop/2")).data == ICS  # the stand-in "public" server
    with pytest.raises(FetchError, match=r"address 10\.0\.0\.5 is in a private network"):
        fetch_calendar(server.url("/to-private"))


def test_connection_goes_to_the_checked_address(
    server: Server, resolve: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once per hop; the socket is opened to that IP (no rebinding)."""
    resolve[CALENDAR_HOST] = ["127.0.0.1"]
    lookups: list[str] = []
    fake = socket.getaddrinfo

    def counting(host: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return fake(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    result = get(f"http://{CALENDAR_HOST}:{server.port}/cal.ics")
    assert result.data == ICS
    assert server.seen[0].headers["host"] == f"{CALENDAR_HOST}:{server.port}"
    assert lookups.count(CALENDAR_HOST) == 1


# --- https: certificate checked against the host name while connecting to the IP ------------


@dataclass
class TlsServer:
    server: Server
    plain: Server


@pytest.fixture
def tls_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: Server
) -> Iterator[TlsServer]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            f"/CN={CALENDAR_HOST}",
            "-addext",
            f"subjectAltName=DNS:{CALENDAR_HOST}",
        ],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(fetch_module, "_tls_context", lambda: client_context)

    state = Server(port=0, scheme="https")
    httpd = _start(state, lambda sock: server_context.wrap_socket(sock, server_side=True))
    httpd.plain_port = server.port
    try:
        yield TlsServer(state, server)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_https_with_sni_and_verified_certificate(
    tls_server: TlsServer, resolve: dict[str, list[str]]
) -> None:
    resolve[CALENDAR_HOST] = ["127.0.0.1"]
    port = tls_server.server.port
    result = get(f"webcal://{CALENDAR_HOST}:{port}/cal.ics")
    assert result == Fetched(ICS, ETAG, LAST_MODIFIED, f"https://{CALENDAR_HOST}:{port}/cal.ics")
    assert tls_server.server.seen[0].headers["host"] == f"{CALENDAR_HOST}:{port}"


def test_https_certificate_for_another_name_is_refused(
    tls_server: TlsServer, resolve: dict[str, list[str]]
) -> None:
    resolve["other.test"] = ["127.0.0.1"]
    with pytest.raises(FetchError, match=r"TLS certificate of other\.test:.* not accepted"):
        get(f"https://other.test:{tls_server.server.port}/cal.ics")


def test_https_to_http_redirect_is_refused(
    tls_server: TlsServer, resolve: dict[str, list[str]]
) -> None:
    resolve[CALENDAR_HOST] = ["127.0.0.1"]
    with pytest.raises(FetchError, match="from https:// to http:// refused"):
        get(f"https://{CALENDAR_HOST}:{tls_server.server.port}/to-http")
    assert tls_server.plain.seen == []
