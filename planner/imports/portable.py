"""Treffpunkt's own export document (`planner contacts export --json`) read back in:
moving to another server or account gives the same contacts, relationship data included."""

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from planner.contacts.fields import TEXT_FIELDS
from planner.contacts.service import ContactInput, contact_rows
from planner.identifiers import Account
from planner.imports.service import bulk_insert, insert_contacts, paused_gc
from planner.models import ContactSource, ImportBatch, ImportChange, ImportStatus, Stage, User
from planner.models.contact import AddressForm
from planner.models.types import utcnow

_STAGES = {s.value for s in Stage}
_ADDRESS_FORMS = {f.value for f in AddressForm}


class DocumentError(ValueError):
    """The document is not a Treffpunkt contacts export; says which entry and field."""


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DocumentError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _strings(entry: dict[str, Any], name: str, where: str) -> list[str]:
    value = entry.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DocumentError(f"{where}: '{name}' must be a list of strings")
    return value


def read_address_form(entry: dict[str, Any], number: int) -> str:
    """The German form of address ("sie" when left out: exports older than it, and the
    default); kept beside ContactInput, which imports fill and which never carries it."""
    value = entry.get("address_form") or AddressForm.SIE.value
    if value not in _ADDRESS_FORMS:
        raise DocumentError(
            f"contact {number}: address_form {value!r} is not one of {sorted(_ADDRESS_FORMS)}"
        )
    return str(value)


def read_entry(entry: Any, number: int) -> tuple[ContactInput, list[dict[str, Any]]]:
    """One exported contact -> its data and its sources; DocumentError names what is wrong."""
    where = f"contact {number}"
    if not isinstance(entry, dict):
        raise DocumentError(f"{where}: not an object")
    for name in TEXT_FIELDS:
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise DocumentError(f"{where}: '{name}' must be text")
    accounts = []
    for account in entry.get("accounts") or []:
        if not isinstance(account, dict) or not isinstance(account.get("network"), str):
            raise DocumentError(f"{where}: every account needs a 'network'")
        accounts.append(
            Account(
                account["network"], account.get("id"), account.get("handle"), account.get("url")
            )
        )
    stage = entry.get("stage") or Stage.ONLINE.value
    if stage not in _STAGES:
        raise DocumentError(f"{where}: stage {stage!r} is not one of {sorted(_STAGES)}")
    coordinates = []
    for name in ("lat", "lon"):
        value = entry.get(name)
        if value is not None and not isinstance(value, int | float):
            raise DocumentError(f"{where}: '{name}' must be a number")
        coordinates.append(value)
    data = ContactInput(
        **{name: entry.get(name) for name in TEXT_FIELDS},
        emails=_strings(entry, "emails", where),
        phones=_strings(entry, "phones", where),
        topics=_strings(entry, "topics", where),
        # mutual follows are not part of the export shape (../shared/CLI.md): none here
        mutual_networks=[],
        accounts=accounts,
        lat=coordinates[0],
        lon=coordinates[1],
        stage=stage,
        last_met=_date(entry.get("last_met"), f"{where}, last_met"),
    )
    if not data.name():
        raise DocumentError(f"{where}: no name, organisation, e-mail or account")
    sources = []
    for source in entry.get("sources") or []:
        if not isinstance(source, dict) or not isinstance(source.get("format"), str):
            raise DocumentError(f"{where}: every source needs a 'format'")
        sources.append(
            {
                "format": source["format"][:40],
                "file": source.get("file"),
                "connected_on": _date(source.get("connected_on"), f"{where}, sources"),
            }
        )
    return data, sources


def import_document(
    session: Session,
    *,
    owner: User,
    document: Any,
    name: str,
    ids: list[uuid.UUID] | None = None,
) -> ImportBatch:
    """Create every contact of the document (all or nothing); undo like any import.
    ``ids``: the new contacts' ids in document order (an account import maps the
    document's references to them); default: new ones."""
    if not isinstance(document, list):
        raise DocumentError("not a Treffpunkt contacts export: expected a list of contacts")
    entries = [read_entry(entry, n) for n, entry in enumerate(document, start=1)]
    address_forms = [read_address_form(entry, n) for n, entry in enumerate(document, start=1)]
    now = utcnow()
    batch = ImportBatch(
        owner_id=owner.id,
        status=ImportStatus.DONE.value,
        total=len(entries),
        progress=len(entries),
        finished_at=now,
    )
    session.add(batch)
    session.flush()
    with paused_gc():
        rows, sources, changes = [], [], []
        new_ids = ids if ids is not None else [uuid.uuid4() for _ in entries]
        for (data, entry_sources), address_form, contact_id in zip(
            entries, address_forms, new_ids, strict=True
        ):
            rows.append(contact_rows(owner.id, contact_id, data))
            rows[-1].contact["address_form"] = address_form
            changes.append(
                {
                    "import_id": batch.id,
                    "contact_id": contact_id,
                    "action": "created",
                    "before": None,
                }
            )
            for source in entry_sources or [
                {"format": "treffpunkt_json", "file": name, "connected_on": None}
            ]:
                sources.append(
                    {
                        **source,
                        "contact_id": contact_id,
                        "owner_id": owner.id,
                        "import_id": batch.id,
                        "created_at": now,
                    }
                )
        insert_contacts(session, rows, now)
        bulk_insert(session, ContactSource, sources)
        bulk_insert(session, ImportChange, changes)
    batch.summary = {
        "files": [
            {
                "file": name,
                "format": "treffpunkt_json",
                "status": "imported",
                "contacts": len(entries),
                "created": len(entries),
                "merged": 0,
                "skipped": 0,
                "problems": [],
                "error": None,
            }
        ]
    }
    session.add(batch)
    session.flush()
    return batch
