"""Zip archives (LinkedIn data export, X archive): checked against the limits from the central
directory before anything is extracted, then read member by member with a hard size cap.

Decisions:
- The archive as a whole is bounded, not only each member: 199 members of exactly 1 MiB
  (~200 MB from a 0.3 MB upload) passed every per-member rule and kept a web worker parsing
  for 31 s. The declared sizes give a refusal before anything is inflated (total unpacked size
  and overall ratio); ``read_members`` then counts the bytes actually inflated, in 64 KiB
  chunks, and stops at the same bounds, so a central directory that lies costs no more.
- Every chosen member is read (bounded) before any is parsed: parsing is the slow part, and
  a refusal after minutes of parsing is no refusal.
- Small archives may compress very well legitimately (a CSV of empty cells): the ratio is
  judged only beyond 1 MiB unpacked, per member and overall.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from planner.importers.records import Limits
from planner.lazy_text import lazy_gettext as _


class ArchiveRejected(ValueError):
    """The archive is refused as a whole; the message says why."""


@dataclass
class Member:
    name: str  # path inside the archive
    data: bytes


def is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def list_members(data: bytes, limits: Limits) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open the archive and vet its central directory. Raises ArchiveRejected."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRejected(_("damaged or unreadable zip archive")) from exc
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise ArchiveRejected(
            _("archive has %(n)d entries, more than the importer accepts", n=len(infos))
        )
    files = [i for i in infos if not i.is_dir()]
    total = sum(i.file_size for i in files)
    if total > limits.max_unzipped_bytes:
        raise ArchiveRejected(_total_size_message(total, limits))
    compressed = sum(i.compress_size for i in files)
    if _ratio_too_high(total, compressed, limits):
        raise ArchiveRejected(_overall_ratio_message(total, compressed, limits))
    for info in files:
        if info.flag_bits & 0x1:
            raise ArchiveRejected(_("archive entry %(name)s is encrypted", name=info.filename))
        if _ratio_too_high(info.file_size, info.compress_size, limits):
            raise ArchiveRejected(
                _(
                    "archive entry %(name)s is compressed suspiciously well (zip bomb?)",
                    name=info.filename,
                )
            )
    return archive, files


def _ratio_too_high(size: int, compressed: int, limits: Limits) -> bool:
    # Small members may compress very well legitimately (a CSV of empty cells); judge from 1 MiB.
    return size > 2**20 and size > limits.max_ratio * max(compressed, 1)


def _overall_ratio_message(size: int, compressed: int, limits: Limits) -> str:
    return str(
        _(
            "archive unpacks to %(mb).0f MB from %(packed).1f MB (%(ratio)d times), more than "
            "the importer accepts (at most %(limit)d times; zip bomb?)",
            mb=size / 2**20,
            packed=compressed / 2**20,
            ratio=size // max(compressed, 1),
            limit=limits.max_ratio,
        )
    )


def _total_size_message(size: int, limits: Limits) -> str:
    return str(
        _(
            "archive unpacks to %(mb)d MB, more than the importer accepts (%(limit)d MB)",
            mb=size // 2**20,
            limit=limits.max_unzipped_bytes // 2**20,
        )
    )


def read_members(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits
) -> list[Member]:
    """Every member of ``infos``, inflated in chunks while counting: the total stops at the
    unpacked-size limit and at ``max_ratio`` times the compressed bytes of these members,
    whatever the headers declare. Raises ArchiveRejected."""
    budget = _Budget(limits, compressed=sum(i.compress_size for i in infos))
    return [Member(info.filename, read_member(archive, info, limits, budget)) for info in infos]


class _Budget:
    """The bytes inflated so far across members, against the archive's bounds."""

    def __init__(self, limits: Limits, *, compressed: int) -> None:
        self.limits, self.compressed, self.used = limits, compressed, 0

    def take(self, size: int) -> None:
        self.used += size
        if self.used > self.limits.max_unzipped_bytes:
            raise ArchiveRejected(_total_size_message(self.used, self.limits))
        if _ratio_too_high(self.used, self.compressed, self.limits):
            raise ArchiveRejected(_overall_ratio_message(self.used, self.compressed, self.limits))


def read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: Limits,
    budget: _Budget | None = None,
) -> bytes:
    """The member's bytes, never more than declared or allowed (headers can lie); ``budget``
    counts them against the whole archive's bounds."""
    cap = min(info.file_size, limits.max_bytes)
    if info.file_size > limits.max_bytes:
        raise ArchiveRejected(
            _("archive entry %(name)s is larger than the importer accepts", name=info.filename)
        )
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(65536):
                size += len(chunk)
                if size > cap or size > limits.max_ratio * max(info.compress_size, 1) + 2**20:
                    raise ArchiveRejected(
                        _(
                            "archive entry %(name)s unpacks to more than it declares (zip bomb?)",
                            name=info.filename,
                        )
                    )
                if budget is not None:
                    budget.take(len(chunk))
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ArchiveRejected(
            _("archive entry %(name)s cannot be read", name=info.filename)
        ) from exc
    return b"".join(chunks)
