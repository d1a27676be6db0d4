"""Fetching a user's private calendar address (an .ics "secret address") safely from a server.

Google, Outlook and Nextcloud publish a calendar at a secret URL; the user pastes it, the
server reads it now and then. No Flask and no database here: a URL and the validators of the
previous answer in, bytes out.

Decisions:

* Only ``http://`` and ``https://``; ``webcal://`` (and ``webcals://``) is read as
  ``https://``, the way calendar apps do. Tabs and line breaks (with the indentation around
  them: a URL wrapped in an e-mail) are removed, spaces and non-ASCII characters in path and
  query are percent-encoded as a browser's address bar does, and the fragment is dropped (it
  is never sent).
* Server-side request forgery: the host is resolved with ``socket.getaddrinfo`` and the fetch
  is refused when *any* of its addresses is loopback, private, link-local, multicast,
  reserved, unspecified or otherwise not global (IPv4-mapped IPv6 addresses are judged by
  their IPv4 address), unless ``allow_private``. The connection then goes to exactly the
  addresses that were checked -- the socket is opened to the IP, while the Host header, TLS
  SNI and certificate verification use the host name -- so DNS rebinding between the check
  and the connection is not possible. ``getaddrinfo`` has no timeout of its own (a stuck
  resolver held a "refresh now" for 20 s and more): it runs in a daemon thread and is
  waited for at most the time left of the deadline; a lookup that overruns is abandoned (its
  thread ends when the system resolver gives up) and the fetch fails naming the host. A
  proxy is never used (environment proxy settings are ignored on purpose: a proxy would
  connect to whatever the name resolves to).
* Redirects (301, 302, 303, 307, 308) are followed by hand, at most 5, and every hop is
  resolved and checked again. A redirect from https to http is refused (the secret address
  would then travel in clear). Credentials in the URL (``https://user:pw@host/...``) are
  allowed and sent as HTTP Basic authentication, but only to the origin they were written
  for: a redirect to another scheme, host or port drops them.
* Conditional GET: ``If-None-Match`` / ``If-Modified-Since`` from the previous answer; 304
  gives ``Fetched(data=None, ...)``.
* Size: at most ``max_bytes`` are read from the network and at most ``max_bytes`` after gzip
  decoding (a gzip bomb stops at the limit); a Content-Length above the limit is refused
  before reading. ``Content-Encoding: gzip`` is asked for and accepted; other encodings are
  an error.
* What counts as a calendar: any status other than 200 (or 304) is an error, text/html is
  refused before reading, and the body must start with ``BEGIN:VCALENDAR`` after an optional
  UTF-8 byte order mark and white space. The bytes are returned unchanged (BOM included);
  parsing is the caller's business.
* ``timeout`` is a deadline for the whole fetch, redirects included: every blocking
  operation waits at most for the time that remains.
* Nothing is logged, and no error message contains the URL: the path and query of a secret
  address are the secret, and so is a password in it. Messages name at most host and port.
  They are lazy translations (``flask_babel.lazy_gettext``): ``str(error)`` speaks the
  language of the request or of ``force_locale``, English elsewhere.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import queue
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from planner.i18n import lazy_number
from planner.lazy_text import LazyString
from planner.lazy_text import lazy_gettext as _

__all__ = ["MAX_REDIRECTS", "FetchError", "Fetched", "fetch_calendar", "normalise_calendar_url"]

MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_NOT_CALENDAR_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 64 * 1024
_BOM = b"\xef\xbb\xbf"
_SCHEME_MESSAGE = _(
    "calendar URL must start with https:// or http:// (webcal:// is accepted and read as https://)"
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(RuntimeError):
    """The calendar could not be fetched; the message (a lazy translation) is fit to show
    the user."""


@dataclass(frozen=True)
class Fetched:
    """A fetched calendar, or ``data=None`` when the server said it was not modified."""

    data: bytes | None  # None when not modified (304)
    etag: str | None
    last_modified: str | None
    url: str  # after redirects


def normalise_calendar_url(text: str) -> str:
    """The URL to fetch for what the user pasted, or ``FetchError`` saying what is wrong.

    ``webcal://`` and ``webcals://`` become ``https://``; surrounding white space, tabs, and
    line breaks with the indentation around them (a URL wrapped in an e-mail) are removed;
    spaces and non-ASCII characters in path and query are percent-encoded; the fragment is
    dropped. Credentials in the URL are kept.
    """
    text = re.sub(r"[\t ]*[\r\n]+[\t ]*|\t", "", text).strip(_C0_AND_SPACE)
    if not text:
        raise FetchError(_("calendar URL is empty"))
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match else ""
    rest = text[len(scheme) + 1 :] if match else text
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme not in _DEFAULT_PORTS or not rest.startswith("//"):
        raise FetchError(_SCHEME_MESSAGE)
    if _CONTROL.search(rest):
        raise FetchError(_("calendar URL contains control characters"))
    try:
        parts = urlsplit(f"{scheme}:{rest}")
        port = parts.port
    except ValueError:
        raise FetchError(_("calendar URL is not valid (host or port)")) from None
    if not parts.hostname:
        raise FetchError(_("calendar URL has no host name"))
    if port == 0:
        raise FetchError(_("calendar URL is not valid (host or port)"))
    path = quote(parts.path, safe=_SAFE_PATH)
    query = quote(parts.query, safe=_SAFE_QUERY)
    return urlunsplit((scheme, parts.netloc, path, query, ""))


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    target: str  # request target: path and query
    authorization: str | None

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def where(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def _target(url: str) -> _Target:
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    try:
        host = hostname.encode("idna").decode("ascii") if not hostname.isascii() else hostname
    except UnicodeError:
        raise FetchError(_("calendar URL has an invalid host name")) from None
    authorization = None
    if parts.username is not None or parts.password is not None:
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(
        parts.scheme,
        host.lower(),
        parts.port or _DEFAULT_PORTS[parts.scheme],
        target,
        authorization,
    )


def _forbidden_reason(address: IPAddress) -> LazyString | None:
    """Why ``address`` must not be fetched from, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return _("a loopback address (this server)")
    if address.is_unspecified:
        return _("unspecified")
    if address.is_link_local:
        return _("link-local")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_reserved:
        return _("reserved")
    if address.is_private:
        return _("in a private network")
    if not address.is_global:
        return _("not a public address")
    return None


AddressInfo = list[tuple[Any, Any, Any, str, tuple[Any, ...]]]


def _lookup(host: str, port: int, wait: float) -> AddressInfo:
    """``socket.getaddrinfo`` waited for at most ``wait`` seconds (see the module
    docstring); ``TimeoutError`` when it takes longer."""
    answer: queue.SimpleQueue[AddressInfo | BaseException] = queue.SimpleQueue()

    def work() -> None:
        try:
            answer.put(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as error:  # handed to the waiting thread
            answer.put(error)

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    try:
        result = answer.get(timeout=wait)
    except queue.Empty:
        raise TimeoutError(host) from None
    if isinstance(result, BaseException):
        raise result
    return result


def _resolve(target: _Target, allow_private: bool, wait: float, timeout: float) -> list[str]:
    """The checked IP addresses of ``target``'s host, in the resolver's order, looked up
    within ``wait`` seconds (what is left of the fetch's ``timeout``)."""
    try:
        infos = _lookup(target.host, target.port, wait)
    except TimeoutError:
        raise FetchError(
            _(
                "looking up the host name %(host)s timed out after %(seconds)s s",
                host=target.host,
                seconds=lazy_number(timeout),
            )
        ) from None
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("host name %(host)s not found", host=target.host)) from None
    addresses: list[str] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if text in addresses:
            continue
        address = ipaddress.ip_address(text)
        reason = None if allow_private else _forbidden_reason(address)
        if reason is not None:
            if text == target.host:
                raise FetchError(
                    _(
                        "address %(address)s is %(reason)s; only public addresses are read",
                        address=text,
                        reason=reason,
                    )
                )
            raise FetchError(
                _(
                    "address %(address)s (%(host)s) is %(reason)s; only public addresses are read",
                    address=text,
                    host=target.host,
                    reason=reason,
                )
            )
        addresses.append(text)
    if not addresses:
        raise FetchError(_("host name %(host)s not found", host=target.host))
    return addresses


def _connect(addresses: list[str], port: int, timeout: float | None) -> socket.socket:
    last: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as error:
            last = error
    raise last if last is not None else ConnectionError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the already checked addresses of ``host``."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the already checked addresses; SNI and certificate check use ``host``."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: list[str],
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses
        self._tls = context

    def connect(self) -> None:
        sock = _connect(self._addresses, self.port, self.timeout)
        try:
            self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _tls_context() -> ssl.SSLContext:
    """The TLS settings for https (a function so tests can trust their own certificate)."""
    return ssl.create_default_context()


def _size(limit: int) -> str | LazyString:
    mib, kib = 1024 * 1024, 1024
    if limit >= mib and limit % mib == 0:
        return f"{limit // mib} MB"
    if limit >= kib and limit % kib == 0:
        return f"{limit // kib} KB"
    return _("%(count)s bytes", count=limit)


def _too_large(limit: int) -> FetchError:
    return FetchError(_("calendar is larger than %(size)s", size=_size(limit)))


def _timed_out(timeout: float) -> FetchError:
    return FetchError(_("timed out after %(seconds)s s", seconds=lazy_number(timeout)))


class _Body:
    """Collects the body up to ``limit`` bytes, gunzipping when asked."""

    def __init__(self, gzip: bool, limit: int) -> None:
        self._limit = limit
        self._gzip = gzip
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None
        self._chunks: list[bytes] = []
        self._size = 0
        self._fed = False

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise _too_large(self._limit)
        self._chunks.append(data)

    def feed(self, data: bytes) -> None:
        self._fed = self._fed or bool(data)
        if self._inflate is None:
            self._add(data)
            return
        try:
            while data:
                self._add(self._inflate.decompress(data, self._limit + 1 - self._size))
                if self._inflate.eof:  # a further gzip member may follow
                    data = self._inflate.unused_data
                    if data:
                        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    data = self._inflate.unconsumed_tail
        except zlib.error:
            raise FetchError(_("the gzip-compressed answer is corrupt")) from None

    def finish(self) -> bytes:
        if self._inflate is not None and self._fed and not self._inflate.eof:
            raise FetchError(_("the gzip-compressed answer is cut off"))
        return b"".join(self._chunks)


def _looks_like_calendar(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    return head.lstrip().upper().startswith(b"BEGIN:VCALENDAR")


def _header(response: http.client.HTTPResponse, name: str) -> str | None:
    value = response.getheader(name)
    return value.strip() if value and value.strip() else None


def fetch_calendar(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 5 * 1024 * 1024,
    timeout: float = 20.0,
    allow_private: bool = False,
    user_agent: str = "Treffpunkt/0.1",
) -> Fetched:
    """Fetch the calendar at ``url`` (see the module docstring for every rule).

    ``etag`` and ``last_modified`` are the validators of the previous answer; when the
    server answers 304 the result has ``data=None`` and keeps them unless the server sent new
    ones. ``allow_private`` lifts the address check (development and tests only). Every
    failure is a ``FetchError`` with a message fit for the user.
    """
    url = normalise_calendar_url(url)
    deadline = time.monotonic() + timeout
    target = _target(url)
    authorization = target.authorization

    for hop in range(MAX_REDIRECTS + 1):
        response_or_next = _request(
            target,
            authorization,
            etag=etag,
            last_modified=last_modified,
            max_bytes=max_bytes,
            timeout=timeout,
            deadline=deadline,
            allow_private=allow_private,
            user_agent=user_agent,
        )
        if isinstance(response_or_next, Fetched):
            return Fetched(
                response_or_next.data,
                response_or_next.etag,
                response_or_next.last_modified,
                url,
            )
        if hop == MAX_REDIRECTS:
            raise FetchError(_("too many redirects (more than %(max)s)", max=MAX_REDIRECTS))
        try:
            next_url = normalise_calendar_url(urljoin(url, response_or_next))
        except FetchError as error:
            raise FetchError(
                _("redirected to an address that cannot be read: %(problem)s", problem=error)
            ) from None
        next_target = _target(next_url)
        if target.scheme == "https" and next_target.scheme == "http":
            raise FetchError(_("redirect from https:// to http:// refused"))
        if next_target.authorization is not None:
            authorization = next_target.authorization
        elif next_target.origin != target.origin:
            authorization = None  # credentials stay with the origin they were written for
        url, target = next_url, next_target
    raise AssertionError("unreachable")  # pragma: no cover


def _request(
    target: _Target,
    authorization: str | None,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    timeout: float,
    deadline: float,
    allow_private: bool,
    user_agent: str,
) -> Fetched | str:
    """One GET: the result, or the Location of a redirect. Send, check the status and
    headers, read the body; any failure on the way is translated for the user."""

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _timed_out(timeout)
        return left

    addresses = _resolve(target, allow_private, remaining(), timeout)
    connection = _connection(target, addresses, remaining())
    headers = _headers(
        target,
        authorization,
        etag=etag,
        last_modified=last_modified,
        user_agent=user_agent,
    )
    try:
        response, sock = _send(connection, target.target, headers, remaining)
        early = _check(response, etag=etag, last_modified=last_modified, max_bytes=max_bytes)
        if early is not None:
            return early
        data = _read(response, sock, max_bytes=max_bytes, remaining=remaining)
        return Fetched(data, _header(response, "ETag"), _header(response, "Last-Modified"), "")
    except (OSError, http.client.HTTPException) as error:  # FetchError passes unchanged
        raise _translate(error, where=target.where, timeout=timeout) from None
    finally:
        connection.close()


def _connection(
    target: _Target, addresses: list[str], timeout: float
) -> http.client.HTTPConnection:
    """A connection to the checked ``addresses`` (not opened yet)."""
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target.host, target.port, addresses, timeout, _tls_context())
    return _PinnedHTTPConnection(target.host, target.port, addresses, timeout)


def _headers(
    target: _Target,
    authorization: str | None,
    *,
    etag: str | None,
    last_modified: str | None,
    user_agent: str,
) -> dict[str, str]:
    headers = {
        "Host": target.host_header,
        "User-Agent": user_agent,
        "Accept": "text/calendar, text/plain;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if authorization:
        headers["Authorization"] = authorization
    return headers


def _send(
    connection: http.client.HTTPConnection,
    request_target: str,
    headers: dict[str, str],
    remaining: Callable[[], float],
) -> tuple[http.client.HTTPResponse, socket.socket]:
    """Send the GET and wait (at most ``remaining()``) for the status line and headers.
    The socket is returned beside the response: ``getresponse()`` forgets it when the
    server will close, and reading the body sets its timeout block by block."""
    connection.request("GET", request_target, headers=headers)
    sock = connection.sock
    if sock is None:  # request() opens the connection; closed under us otherwise
        raise ConnectionError("connection closed before the answer")
    sock.settimeout(remaining())
    return connection.getresponse(), sock


def _check(
    response: http.client.HTTPResponse,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
) -> Fetched | str | None:
    """Judge status and headers before any of the body is read: the Location of a
    redirect, the result of a 304, ``FetchError`` for an answer that cannot be a calendar
    we read, or None to go on reading."""
    status = response.status
    if status in _REDIRECT_STATUSES:
        location = _header(response, "Location")
        if location is None:
            raise FetchError(_("server answered %(status)s without a Location", status=status))
        return location
    if status == 304:
        if not (etag or last_modified):
            raise FetchError(_("server answered 304 to a request that was not conditional"))
        return Fetched(
            None,
            _header(response, "ETag") or etag,
            _header(response, "Last-Modified") or last_modified,
            "",
        )
    if status != 200:
        if response.reason:
            raise FetchError(
                _(
                    "server answered %(status)s %(reason)s",
                    status=status,
                    reason=response.reason[:60],
                )
            )
        raise FetchError(_("server answered %(status)s", status=status))
    content_type = response.headers.get_content_type()
    if content_type in _NOT_CALENDAR_TYPES:
        raise FetchError(_("not a calendar (%(type)s)", type=content_type))
    encoding = _encoding(response)
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(_("unsupported content encoding %(encoding)s", encoding=encoding))
    length = _header(response, "Content-Length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        raise _too_large(max_bytes)
    return None


def _encoding(response: http.client.HTTPResponse) -> str:
    return (_header(response, "Content-Encoding") or "identity").lower()


def _read(
    response: http.client.HTTPResponse,
    sock: socket.socket,
    *,
    max_bytes: int,
    remaining: Callable[[], float],
) -> bytes:
    """The body of a checked 200 answer: at most ``max_bytes`` off the network and after
    gunzipping, every block waited for at most ``remaining()``; it must be a calendar."""
    body = _Body(gzip=_encoding(response) != "identity", limit=max_bytes)
    received = 0
    while True:
        sock.settimeout(remaining())
        block = response.read1(_CHUNK)
        if not block:
            break
        received += len(block)
        if received > max_bytes:
            raise _too_large(max_bytes)
        body.feed(block)
    data = body.finish()
    if not data.strip():
        raise FetchError(_("not a calendar (the answer is empty)"))
    if not _looks_like_calendar(data):
        content_type = response.headers.get_content_type()
        raise FetchError(_("not a calendar (%(type)s, no BEGIN:VCALENDAR)", type=content_type))
    return data


def _translate(
    error: OSError | http.client.HTTPException, *, where: str, timeout: float
) -> FetchError:
    """A network, TLS or HTTP failure as a message for the user, naming host and port only."""
    if isinstance(error, TimeoutError):
        return _timed_out(timeout)
    if isinstance(error, ssl.SSLCertVerificationError):
        return FetchError(
            _(
                "TLS certificate of %(where)s not accepted (%(reason)s)",
                where=where,
                reason=error.verify_message,
            )
        )
    if isinstance(error, ssl.SSLError):
        return FetchError(
            _(
                "TLS with %(where)s failed (%(reason)s)",
                where=where,
                reason=str(error.reason or error),
            )
        )
    if isinstance(error, ConnectionRefusedError):
        return FetchError(_("could not connect to %(where)s (connection refused)", where=where))
    if isinstance(error, http.client.IncompleteRead):
        return FetchError(_("the answer from %(where)s was cut off", where=where))
    if isinstance(error, http.client.HTTPException):
        return FetchError(
            _(
                "invalid HTTP answer from %(where)s (%(error)s)",
                where=where,
                error=type(error).__name__,
            )
        )
    return FetchError(
        _(
            "network error with %(where)s (%(error)s)",
            where=where,
            error=str(error.strerror or error),
        )
    )
