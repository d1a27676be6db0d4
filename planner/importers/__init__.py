"""Contact-file parsers: pure, bytes in, records and per-row problems out.

``parse_file`` is the one entry point; it never raises for bad input. Every failure becomes
a whole-file ``error`` (status ``rejected``) or a per-record ``Problem``.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable

from planner.importers import (
    facebook,
    generic_csv,
    google,
    linkedin,
    mastodon,
    outlook,
    vcard,
    x_archive,
    xing,
)
from planner.importers.container import ArchiveRejected, is_zip, list_members, read_members
from planner.importers.decode import BinaryData, Decoded, decode_bytes
from planner.importers.detect import (
    FORMATS,
    ICALENDAR,
    LINKEDIN_INVITATIONS,
    LINKEDIN_PROFILE,
    detect_format,
)
from planner.importers.generic_csv import map_columns
from planner.importers.records import (
    ContactRecord,
    Limits,
    ParsedFile,
    Problem,
    SourceRecord,
    rejected,
)
from planner.lazy_text import lazy_gettext as _

__all__ = [
    "FORMATS",
    "ContactRecord",
    "Limits",
    "ParsedFile",
    "Problem",
    "SourceRecord",
    "map_columns",
    "parse_file",
]

log = logging.getLogger(__name__)

Parser = Callable[[Decoded, str, Limits, dict[str, str] | None], ParsedFile]

_PARSERS: dict[str, Parser] = {
    "linkedin_connections_csv": lambda d, f, lim, m: linkedin.parse(d, file=f, limits=lim),
    "x_archive_js": lambda d, f, lim, m: x_archive.parse(d, file=f, limits=lim),
    "mastodon_following_csv": lambda d, f, lim, m: mastodon.parse_following(d, file=f, limits=lim),
    "mastodon_lists_csv": lambda d, f, lim, m: mastodon.parse_lists(d, file=f, limits=lim),
    "google_contacts_csv": lambda d, f, lim, m: google.parse(d, file=f, limits=lim),
    "outlook_csv": lambda d, f, lim, m: outlook.parse(d, file=f, limits=lim),
    "vcard": lambda d, f, lim, m: vcard.parse(d, file=f, limits=lim),
    "xing_csv": lambda d, f, lim, m: xing.parse(d, file=f, limits=lim),
    "facebook_friends_json": lambda d, f, lim, m: facebook.parse(d, file=f, limits=lim),
    "generic_csv": lambda d, f, lim, m: generic_csv.parse(d, file=f, limits=lim, mapping=m),
}

_KIND_BY_EXTENSION = {
    ".csv": "CSV", ".tsv": "CSV", ".vcf": "vCard", ".vcard": "vCard", ".json": "JSON",
    ".js": "JavaScript", ".txt": _("text"),
}  # fmt: skip


def parse_file(
    filename: str,
    data: bytes,
    *,
    format: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 - frozen, so a shared default is safe
    column_mapping: dict[str, str] | None = None,
) -> list[ParsedFile]:
    """One uploaded file -> one ParsedFile per contact-bearing file inside (a zip may hold
    several; non-contact members such as Profile.csv or account.js are read for context only:
    account.js names the owner, following + follower give ``mutual``).

    ``column_mapping`` (header -> field, see ``map_columns``) overrides the synonyms of a
    generic CSV, for the web layer's column-mapping step.
    """
    try:
        if format is not None and format not in FORMATS:
            return [rejected(filename, _("unknown format %(name)s", name=format))]
        if not data:
            return [rejected(filename, _("empty file (0 bytes)"))]
        if len(data) > limits.max_bytes:
            return [
                rejected(
                    filename,
                    _(
                        "file is %(mb).1f MB, more than the limit of %(limit).0f MB",
                        mb=len(data) / 2**20,
                        limit=limits.max_bytes / 2**20,
                    ),
                )
            ]
        if is_zip(data):
            return _parse_zip(filename, data, format=format, limits=limits)
        return [_parse_one(filename, data, format, limits, column_mapping)]
    except Exception as exc:  # a parser bug must not take the upload down with it
        log.exception("importer failed on %s", filename)
        return [
            rejected(
                filename,
                _("the file could not be read (%(reason)s)", reason=type(exc).__name__),
            )
        ]


def _kind(filename: str) -> str:
    extension = posixpath.splitext(filename.lower())[1]
    return str(_KIND_BY_EXTENSION.get(extension, _("contact")))


def _parse_one(
    filename: str,
    data: bytes,
    format: str | None,
    limits: Limits,
    mapping: dict[str, str] | None,
) -> ParsedFile:
    if not data:
        return rejected(filename, _("empty file (0 bytes)"))
    try:
        decoded = decode_bytes(data)
    except BinaryData as exc:
        if exc.kind is None:
            return rejected(filename, _("binary data, not a %(kind)s file", kind=_kind(filename)))
        return rejected(
            filename,
            _("binary data (%(what)s), not a %(kind)s file", what=exc.kind, kind=_kind(filename)),
        )
    if not decoded.text.strip():
        return rejected(
            filename,
            _("empty file (%(n)d bytes, no text)", n=len(data)),
            encoding=decoded.encoding,
        )
    fmt = format or detect_format(filename, decoded.text)
    if fmt is None:
        return rejected(
            filename,
            _("unknown format: not a contact export this importer knows"),
            encoding=decoded.encoding,
        )
    if fmt == ICALENDAR:
        return rejected(
            filename,
            _("a calendar file, not contacts: import it as events"),
            format=None,
            encoding=decoded.encoding,
        )
    if fmt in (LINKEDIN_PROFILE, LINKEDIN_INVITATIONS):
        notice = (
            _("LinkedIn profile of the account owner: no contacts in it")
            if fmt == LINKEDIN_PROFILE
            else _("LinkedIn invitations: not accepted yet, so no contacts")
        )
        return ParsedFile(
            file=filename,
            format="linkedin_connections_csv",
            encoding=decoded.encoding,
            problems=[Problem(row=None, message=str(notice), skipped=False)],
        )
    return _nothing_taken(_PARSERS[fmt](decoded, filename, limits, mapping))


def _nothing_taken(result: ParsedFile) -> ParsedFile:
    """A file of broken records only is rejected, not "partial": nothing was taken from it."""
    broken = [p for p in result.problems if p.malformed]
    if result.error is None and not result.records and broken:
        first = broken[0]
        result.error = _(
            "nothing could be read: %(n)d broken records (the first, row %(row)s: %(message)s)",
            n=len(broken),
            row=first.row,
            message=first.message,
        )
    return result


_X_MEMBER = re.compile(r"^(following|follower)(-part\d+)?\.js$", re.I)
_CONTACT_EXTENSIONS = (".csv", ".tsv", ".txt", ".vcf", ".vcard", ".json", ".js")


def _parse_zip(
    filename: str, data: bytes, *, format: str | None, limits: Limits
) -> list[ParsedFile]:
    try:
        archive, infos = list_members(data, limits)
    except ArchiveRejected as exc:
        return [rejected(filename, str(exc))]
    names = {posixpath.basename(i.filename).lower(): i for i in infos}
    if "connections.csv" in names:  # a LinkedIn export: only Connections.csv holds contacts
        chosen = [names["connections.csv"]]
    elif any(_X_MEMBER.match(posixpath.basename(i.filename)) for i in infos):
        chosen = [
            i
            for i in infos
            if _X_MEMBER.match(posixpath.basename(i.filename))
            or posixpath.basename(i.filename).lower() == "account.js"
        ]
    else:
        chosen = [i for i in infos if i.filename.lower().endswith(_CONTACT_EXTENSIONS)]
    try:  # all of them read, within the archive's bounds, before any is parsed
        contents = read_members(archive, chosen, limits)
    except ArchiveRejected as exc:
        return [rejected(filename, str(exc))]
    results = [
        _parse_one(f"{filename}/{member.name}", member.data, format, limits, None)
        for member in contents
    ]
    link_x_archive(results)
    contact_files = [r for r in results if r.format is not None]
    owners = [r for r in contact_files if r.owner is not None and not r.records]
    contact_files = [r for r in contact_files if r not in owners]
    if not contact_files:
        members = ", ".join(i.filename for i in infos[:10])
        return [
            rejected(
                filename,
                _("the archive holds no contact file (%(members)s)", members=members),
            )
        ]
    return contact_files


def link_x_archive(results: list[ParsedFile]) -> None:
    """Mark mutual follows and drop the owner, using every X member of the archive (a zip,
    or the archive's files uploaded together)."""
    x_files = [r for r in results if r.format == "x_archive_js"]
    owner_ids = {str(r.owner.get("accountId")) for r in x_files if r.owner}
    by_list: dict[str, set[str]] = {"following": set(), "follower": set()}
    for parsed in x_files:
        base = posixpath.basename(parsed.file).lower()
        kind = "follower" if base.startswith("follower") else "following"
        for record in parsed.records:
            by_list[kind].update(a.id for a in record.accounts if a.id)
    mutual = by_list["following"] & by_list["follower"]
    for parsed in x_files:
        parsed.records = [
            r for r in parsed.records if not any(a.id in owner_ids for a in r.accounts)
        ]
        for record in parsed.records:
            if any(a.id in mutual for a in record.accounts):
                record.mutual = True
