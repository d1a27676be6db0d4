"""Bytes to text: BOMs, UTF-8, UTF-16, the Windows-1252 fallback, and binary detection."""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass

from planner.lazy_text import LazyString
from planner.lazy_text import lazy_gettext as _

# Signatures of the binary files people upload by mistake, for a message that says what it is.
_SIGNATURES: tuple[tuple[bytes, LazyString], ...] = (
    (b"\x89PNG\r\n\x1a\n", _("PNG image")),
    (b"\xff\xd8\xff", _("JPEG image")),
    (b"GIF87a", _("GIF image")),
    (b"GIF89a", _("GIF image")),
    (b"%PDF-", _("PDF document")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("Office document")),
    (b"PK\x03\x04", _("zip archive")),
    (b"\x1f\x8b", _("gzip archive")),
    (b"Rar!\x1a\x07", _("RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", _("7-Zip archive")),
    (b"SQLite format 3\x00", _("SQLite database")),
)
_UNKNOWN_BINARY = "binary data"


class BinaryData(ValueError):
    """The bytes are not text; ``kind`` names what they are when known."""

    def __init__(self, kind: str | None) -> None:
        super().__init__(kind or "binary")
        self.kind = kind


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252"
    bom: bool
    # Lines of a UTF-8 file holding bytes that are not UTF-8 (an Excel round trip), read as
    # Windows-1252 one by one while the valid UTF-8 around them stays as it is.
    mixed_lines: tuple[int, ...] = ()

    @property
    def fallback(self) -> bool:
        """True when the encoding was guessed (not UTF-8 or a BOM-declared one)."""
        return self.encoding == "cp1252"


def sniff_binary(data: bytes) -> str | None:
    """What a binary file is (``"PNG image"``), ``"binary data"`` for unknown binary, else None."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return str(kind)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = data[:8192]
    if b"\x00" in head:
        return _UNKNOWN_BINARY
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        return _UNKNOWN_BINARY
    return None


def _cp1252_or_latin1(error: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: keep them as their Latin-1
    # code points instead of U+FFFD, so no character is silently replaced.
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("treffpunkt-latin1", _cp1252_or_latin1)

# Where the bytes that were not UTF-8 sat, for the notice; per thread, set around one decode.
_not_utf8 = threading.local()


def _byte_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    positions: list[int] | None = getattr(_not_utf8, "positions", None)
    if positions is not None:
        positions.append(error.start)
    return _cp1252_or_latin1(error)


codecs.register_error("treffpunkt-utf8-or-cp1252", _byte_as_cp1252)

# One well-formed UTF-8 sequence beyond ASCII: a file with none is plain Windows-1252.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_LINES_NAMED = 10


def _decode_mixed(data: bytes, offset: int) -> Decoded:
    """UTF-8 with some Windows-1252 bytes: each byte that is not UTF-8 is read as cp1252, the
    valid UTF-8 is kept (decoding the whole file as cp1252 garbled every UTF-8 name)."""
    _not_utf8.positions = []
    try:
        text = data[offset:].decode("utf-8", "treffpunkt-utf8-or-cp1252")
        positions: list[int] = _not_utf8.positions
    finally:
        _not_utf8.positions = None
    lines: list[int] = []
    line, counted = 1, offset
    for position in positions:  # ascending: count each stretch of the file once
        line += data.count(b"\n", counted, offset + position)
        counted = offset + position
        if not lines or lines[-1] != line:
            lines.append(line)
    return Decoded(text, "utf-8-sig" if offset else "utf-8", bool(offset), tuple(lines))


def decode_bytes(data: bytes) -> Decoded:
    """Decode an upload. Raises BinaryData for non-text bytes. Never yields U+FFFD
    unless the file itself contains that character."""
    kind = sniff_binary(data)
    if kind is not None:
        raise BinaryData(None if kind == _UNKNOWN_BINARY else kind)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig", True)
        except UnicodeDecodeError:
            return _decode_mixed(data, 3)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", True)
        except UnicodeDecodeError as exc:
            raise BinaryData(None) from exc
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        if _UTF8_SEQUENCE.search(data):
            return _decode_mixed(data, 0)
        return Decoded(data.decode("cp1252", "treffpunkt-latin1"), "cp1252", False)


def decode_charset(data: bytes, charset: str | None) -> str:
    """Decode a value whose charset a vCard parameter declares; UTF-8 then cp1252 otherwise."""
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "treffpunkt-latin1")


def encoding_notice(decoded: Decoded) -> str | None:
    """A user-facing notice when the encoding had to be assumed."""
    if decoded.fallback:
        return _("the file is not UTF-8; it was read as Windows-1252 (Western European)")
    if decoded.mixed_lines:
        shown = decoded.mixed_lines[:_LINES_NAMED]
        more = len(decoded.mixed_lines) - len(shown)
        lines = ", ".join(map(str, shown)) + (f" (+{more})" if more else "")
        return str(
            _(
                "some characters are not UTF-8 and were read as Windows-1252 (Western "
                "European): line %(lines)s",
                lines=lines,
            )
        )
    return None
