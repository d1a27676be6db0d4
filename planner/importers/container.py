"""Zip archives (LinkedIn data export, X archive): checked against the limits from the central
directory before anything is extracted, then read member by member with a hard size cap."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _

from planner.importers.records import Limits


class ArchiveRejected(ValueError):
    """The archive is refused as a whole; the message says why."""


@dataclass
class Member:
    name: str  # path inside the archive
    data: bytes

    @property
    def basename(self) -> str:
        return posixpath.basename(self.name)


def is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def list_members(data: bytes, limits: Limits) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open the archive and vet its central directory. Raises ArchiveRejected."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRejected(str(_("damaged or unreadable zip archive"))) from exc
    infos = archive.infolist()
    if len(infos) > limits.max_zip_members:
        raise ArchiveRejected(
            _("archive has %(n)d entries, more than the importer accepts") % {"n": len(infos)}
        )
    files = [i for i in infos if not i.is_dir()]
    total = sum(i.file_size for i in files)
    if total > limits.max_unzipped_bytes:
        raise ArchiveRejected(
            _("archive unpacks to %(mb)d MB, more than the importer accepts (%(limit)d MB)")
            % {"mb": total // 2**20, "limit": limits.max_unzipped_bytes // 2**20}
        )
    for info in files:
        if info.flag_bits & 0x1:
            raise ArchiveRejected(
                _("archive entry %(name)s is encrypted") % {"name": info.filename}
            )
        if _ratio_too_high(info.file_size, info.compress_size, limits):
            raise ArchiveRejected(
                _("archive entry %(name)s is compressed suspiciously well (zip bomb?)")
                % {"name": info.filename}
            )
    return archive, files


def _ratio_too_high(size: int, compressed: int, limits: Limits) -> bool:
    # Small members may compress very well legitimately (a CSV of empty cells); judge from 1 MiB.
    return size > 2**20 and size > limits.max_ratio * max(compressed, 1)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """The member's bytes, never more than declared or allowed (headers can lie)."""
    cap = min(info.file_size, limits.max_bytes)
    if info.file_size > limits.max_bytes:
        raise ArchiveRejected(
            _("archive entry %(name)s is larger than the importer accepts")
            % {"name": info.filename}
        )
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(65536):
                size += len(chunk)
                if size > cap or size > limits.max_ratio * max(info.compress_size, 1) + 2**20:
                    raise ArchiveRejected(
                        _("archive entry %(name)s unpacks to more than it declares (zip bomb?)")
                        % {"name": info.filename}
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ArchiveRejected(
            _("archive entry %(name)s cannot be read") % {"name": info.filename}
        ) from exc
    return b"".join(chunks)
