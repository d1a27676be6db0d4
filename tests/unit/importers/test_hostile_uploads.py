"""Hostile uploads are refused fast, with the reason: a zip that unpacks to far more than it
weighs, and a CSV with one enormous field (issue 17)."""

from __future__ import annotations

import io
import random
import time
import zipfile

import pytest

from planner.importers import Limits, parse_file
from planner.importers.container import ArchiveRejected, list_members, read_members

MIB = 2**20


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _mib_of_contacts() -> bytes:
    line = b"Anna,Muster,anna@example.org\n"
    return (b"First Name,Last Name,Email\n" + line * (MIB // len(line)))[:MIB]


def test_many_members_of_exactly_one_mib_are_refused_by_the_overall_ratio() -> None:
    # Each member passes the per-member rules (1 MiB, ratio judged beyond it); the whole
    # archive does not: ~40 MB from a few hundred kB.
    body = _mib_of_contacts()
    data = _zip({f"part-{i:03d}.csv": body for i in range(40)})
    started = time.perf_counter()
    (parsed,) = parse_file("bomb.zip", data)
    elapsed = time.perf_counter() - started
    assert parsed.status == "rejected"
    assert parsed.file == "bomb.zip"
    assert parsed.error is not None
    assert "at most 100 times" in parsed.error and "40 MB" in parsed.error
    assert elapsed < 1.0  # refused from the central directory, nothing inflated


def _mib_of_noise(seed: int) -> bytes:
    return random.Random(seed).randbytes(MIB // 2).hex().encode()  # compresses about 2:1


def test_members_are_counted_as_inflated_and_reading_stops_at_the_total_bound() -> None:
    data = _zip({f"part-{i}.csv": _mib_of_noise(i) for i in range(5)})
    archive, infos = list_members(data, Limits())
    read: list[int] = []
    limits = Limits(max_unzipped_bytes=3 * MIB)
    with pytest.raises(ArchiveRejected, match="unpacks to 3 MB"):
        read = [len(m.data) for m in read_members(archive, infos, limits)]
    assert read == []  # refused while reading, before any member was handed on


def test_inflated_bytes_are_held_to_the_overall_ratio() -> None:
    data = _zip({"a.csv": _mib_of_noise(1), "b.csv": _mib_of_noise(2)})
    archive, infos = list_members(data, Limits())
    with pytest.raises(ArchiveRejected, match="at most 1 times"):
        read_members(archive, infos, Limits(max_ratio=1))


def test_a_zip_within_the_bounds_is_read_and_parsed() -> None:
    data = _zip({"Connections.csv": b"First Name,Last Name,Email\nAnna,Muster,a@example.org\n"})
    (parsed,) = parse_file("export.zip", data)
    assert parsed.error is None


@pytest.mark.parametrize("quoted", [True, False])
def test_ten_megabyte_field_is_refused_fast_naming_the_limit_and_record(quoted: bool) -> None:
    field = "x" * 10_000_000
    text = (
        "First Name,Last Name,E-mail Address,Notes\r\n"
        "Anna,Muster,anna@example.org,ok\r\n"
        f"Bert,Beispiel,bert@example.org,{chr(34) + field + chr(34) if quoted else field}\r\n"
        "Carl,C,carl@example.org,\r\n"
    )
    data = text.encode()
    started = time.perf_counter()
    (parsed,) = parse_file("huge.csv", data)
    elapsed = time.perf_counter() - started
    assert parsed.status == "rejected"
    assert parsed.error == (
        "field too large: record 2 (line 3), column Notes, 10000000 characters "
        "(the limit is 100,000)"
    )
    assert parsed.records == []
    assert elapsed < 2.0  # was 4-11 s and "unknown format"


def test_a_long_field_within_the_limit_is_kept() -> None:
    text = "Name;E-Mail;Notizen\r\nAnna;a@example.org;" + "y" * 99_000 + "\r\n"
    (parsed,) = parse_file("ok.csv", text.encode())
    assert parsed.error is None
    assert parsed.records[0].notes == "y" * 99_000
