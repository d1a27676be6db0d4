"""What a parser yields: contact records, per-record problems, one ParsedFile per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.contacts.fields import ContactText
from planner.identifiers import Account


@dataclass(frozen=True)
class Limits:
    """What the importer accepts; anything beyond is a whole-file rejection."""

    max_bytes: int = 20 * 1024 * 1024
    max_field_chars: int = 100_000  # below csv's own 131072, so this rule is the one that fires
    max_zip_members: int = 1_000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, per member and overall
    max_records: int = 100_000


@dataclass(slots=True)
class SourceRecord:
    """Where a record came from; ``file`` is a zip member as ``archive.zip/Connections.csv``."""

    format: str
    file: str
    connected_on: date | None = None


@dataclass(slots=True)
class ContactRecord(ContactText):
    """One contact as a source file describes it, nothing invented: its text
    (``ContactText``, keywords only) and what else the file has.

    ``row`` locates the record for messages: for CSV files the physical line (1-based, counting
    preamble and header lines) where the record starts, for vCard files the card number, for JSON
    and JS exports the entry number (1-based).
    """

    row: int
    source: SourceRecord
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    mutual: bool = False
    lat: float | None = None  # only when the source states coordinates (vCard GEO)
    lon: float | None = None
    # Values the source has that could not be read: each becomes a notice, never dropped
    unread: list[Any] = field(default_factory=list)

    def person_name(self) -> str | None:
        """Given (+ middle) and family name as the source has them."""
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or None

    @property
    def label(self) -> str:
        """The name to show: the source's display name, else person name, organisation,
        e-mail address, handle, or the account id."""
        for candidate in (self.display_name, self.person_name(), self.organization):
            if candidate:
                return candidate
        if self.emails:
            return self.emails[0]
        for account in self.accounts:
            if account.handle:
                return account.handle
        for account in self.accounts:
            if account.network == "x" and account.id:
                return f"X account #{account.id}"
            if account.url:
                return account.url
        return ""

    def is_contact(self) -> bool:
        """The product rule: a name, organisation, e-mail, social account or profile URL."""
        return bool(
            self.display_name
            or self.first_name
            or self.last_name
            or self.organization
            or self.emails
            or self.accounts
        )


@dataclass
class Problem:
    """A notice about one record. ``row`` as in ContactRecord; ``record`` is the record number
    after the header (CSV only). ``skipped`` records count in ParsedFile.skipped; ``malformed``
    ones (broken, not merely uninteresting) make the file ``partial``. A notice with neither
    (e.g. the encoding assumed) is just information."""

    row: int | None
    message: str
    skipped: bool = True
    malformed: bool = False
    record: int | None = None


@dataclass
class ParsedFile:
    """The outcome for one contact-bearing file (or one archive member)."""

    file: str
    format: str | None
    records: list[ContactRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    encoding: str | None = None
    headers: list[str] | None = None  # CSV header, for a column-mapping step
    needs_mapping: bool = False
    owner: dict[str, Any] | None = None  # the export's owner (X account.js), never a contact

    @property
    def status(self) -> str:
        """``imported`` | ``partial`` | ``rejected`` | ``empty``, as in CLI.md."""
        if self.error is not None:
            return "rejected"
        if any(p.malformed for p in self.problems):
            return "partial"
        if not self.records:
            return "empty"
        return "imported"

    @property
    def contacts(self) -> int:
        return len(self.records)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    @property
    def message(self) -> str | None:
        """The whole-file rejection reason, naming the file."""
        return f"{self.file}: {self.error}" if self.error is not None else None


def rejected(file: str, error: str, *, format: str | None = None, **extra: Any) -> ParsedFile:
    """A whole-file rejection: no records, ``error`` says why."""
    return ParsedFile(file=file, format=format, error=error, **extra)
