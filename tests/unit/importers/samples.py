"""Access to the sample exports in tests/fixtures/samples and a checker for EXPECTED.json."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from planner.importers import ParsedFile, parse_file
from planner.importers.records import ContactRecord

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


@cache
def expected() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((SAMPLES / "EXPECTED.json").read_text("utf-8"))
    return data


def contact_samples() -> list[str]:
    return sorted(name for name in expected() if not name.startswith("events/"))


def sample_bytes(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@cache
def parse_sample(name: str) -> tuple[ParsedFile, ...]:
    return tuple(parse_file(Path(name).name, sample_bytes(name)))


def records_of(name: str) -> list[ContactRecord]:
    return [r for parsed in parse_sample(name) for r in parsed.records]


def name_key(text: str) -> str:
    """As EXPECTED.json's README says: NFC, case-insensitive, whitespace collapsed, a leading
    academic title ignored."""
    value = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return re.sub(r"^(prof\. dr\. |prof\. |dr\. )", "", value)


def field_value(record: ContactRecord, field: str) -> Any:
    if field == "display_name":
        return record.label
    if field == "sources.connected_on":
        on = record.source.connected_on
        return on.isoformat() if on else None
    if field.startswith("accounts."):
        _accounts, network, attr = field.split(".")
        accounts = [a for a in record.accounts if a.network == network]
        return [getattr(a, attr) for a in accounts if getattr(a, attr)]
    return getattr(record, field)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def satisfies(value: Any, op: str, wanted: Any) -> bool:
    if op == "equals":
        if wanted is None:
            return _empty(value)
        if isinstance(wanted, float) and isinstance(value, float):
            return abs(value - wanted) < 1e-9
        return bool(value == wanted)
    if op == "contains":
        if isinstance(value, list):
            return _fold(wanted) in [_fold(v) for v in value]
        return isinstance(value, str) and _fold(wanted) in _fold(value)
    if op == "not_contains":
        return not satisfies(value, "contains", wanted)
    if op == "one_of":
        return value in wanted
    raise AssertionError(f"unknown op {op}")


def check_failures(name: str) -> list[str]:
    """Every check of EXPECTED.json for ``name`` that the parsed records do not satisfy."""
    records = records_of(name)
    failures = []
    for check in expected()[name]["checks"]:
        who, field, op, wanted = check["name"], check["field"], check["op"], check["value"]
        chosen = (
            records if who is None else [r for r in records if name_key(r.label) == name_key(who)]
        )
        if op == "absent":
            if who is not None:
                ok = not chosen
            else:
                ok = not any(satisfies(field_value(r, field), "contains", wanted) for r in records)
        else:
            ok = bool(chosen) and any(satisfies(field_value(r, field), op, wanted) for r in chosen)
        if not ok:
            got = [field_value(r, field) for r in chosen][:3]
            failures.append(f"{check} -> got {got!r} ({len(chosen)} contacts named)")
    return failures
