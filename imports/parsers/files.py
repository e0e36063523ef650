"""Opening uploads: size limits, telling CSV from XLSX from anything else, ZIP archives."""

from __future__ import annotations

import io
import zipfile
from typing import BinaryIO

from imports.parsers.records import (
    BINARY_MAGIC,
    MAX_ARCHIVE_MEMBERS,
    OLD_EXCEL_MAGIC,
    TEXT_EXTENSIONS,
    XLSX_EXTENSIONS,
    ZIP_FAILURES,
    ZIP_MAGIC,
    RowError,
    UploadError,
    _too_big,
)
from imports.parsers.workbooks import directory_problem, prepare_workbook


def open_upload(
    name: str,
    data: bytes | BinaryIO,
    *,
    max_bytes: int | None = None,
    skipped: list[str] | None = None,
) -> list[tuple[str, BinaryIO]]:
    """Return the CSV and XLSX files of an upload, expanding a ZIP archive.

    Raises UploadError for a file over the size limit, a file that is not CSV or XLSX and
    an unreadable archive. CSV members of an archive are returned as lazy streams, so a
    large zipped CSV is still read incrementally by parse(). Given a `skipped` list, the
    members of an archive that are neither CSV nor XLSX (a PDF, an archive in the archive)
    are named in it instead of being errors: a TikTok download may hold files Playbook
    does not read, and they must not block the rest.
    """
    # The default limit is read from the package when called, so a change to
    # imports.parsers.MAX_BYTES (a deployment's, or a test's) takes effect here.
    from imports import parsers

    limit = parsers.MAX_BYTES if max_bytes is None else max_bytes
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    size, stream = _measure(stream, limit)
    if size > limit:
        raise UploadError([RowError(name, 0, "", _too_big(size, limit))])
    head, stream = peek(stream)
    kind, problem = _kind(name, head, stream)
    if kind == "zip":
        return _expand_zip(name, stream, limit, skipped)
    if kind is None:
        raise UploadError([RowError(name, 0, "", problem)])
    if kind == "xlsx":
        workbook, problem = prepare_workbook(stream, limit)
        if workbook is None:
            raise UploadError([RowError(name, 0, "", problem)])
        return [(name, workbook)]
    return [(name, stream)]


def _measure(stream: BinaryIO, limit: int) -> tuple[int, BinaryIO]:
    if stream.seekable():
        start = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(start)
        return end - start, stream
    # A stream that cannot seek is read into memory, but never past the limit. Raw streams
    # may return less than asked for, hence the loop.
    buffer = io.BytesIO()
    while buffer.tell() <= limit:
        chunk = stream.read(limit + 1 - buffer.tell())
        if not chunk:
            break
        buffer.write(chunk)
    buffer.seek(0)
    return len(buffer.getbuffer()), buffer


def peek(stream: BinaryIO, size: int = 8) -> tuple[bytes, BinaryIO]:
    if stream.seekable():
        start = stream.tell()
        head = stream.read(size)
        stream.seek(start)
        return head, stream
    head = stream.read(size)
    return head, io.BufferedReader(_Prefixed(head, stream))


class _Prefixed(io.RawIOBase):
    """A stream that cannot seek, with the bytes already peeked at put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[1] if "." in base.lstrip(".") else ""


def _kind(name: str, head: bytes, stream: BinaryIO) -> tuple[str | None, str]:
    """Say whether a file is "csv", "xlsx" or "zip" (None and why when it is none)."""
    extension = _extension(name)
    not_ours = "not a CSV or XLSX file"
    if head.startswith(ZIP_MAGIC):
        too_long = directory_problem(stream)
        if too_long:
            return None, too_long
        if _is_workbook(stream):
            return "xlsx", ""
        if extension in (".zip", ""):
            return "zip", ""
        if extension in XLSX_EXTENSIONS:
            return None, "not a readable XLSX workbook"
        return None, not_ours
    if head.startswith(OLD_EXCEL_MAGIC):
        if extension in XLSX_EXTENSIONS:
            # Excel wraps a workbook saved with a password in the old .xls container.
            return None, (
                "a workbook protected by a password (or an .xls renamed): "
                "save it again as .xlsx without a password, or as CSV"
            )
        return None, "an old Excel (.xls) workbook: save it as .xlsx or CSV"
    if head.startswith(BINARY_MAGIC):
        return None, not_ours
    if extension in TEXT_EXTENSIONS:
        return "csv", ""
    if extension in XLSX_EXTENSIONS:
        return None, "not a readable XLSX workbook"
    return None, not_ours


def _is_workbook(stream: BinaryIO) -> bool:
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except Exception:
        # See ZIP_FAILURES: a damaged archive is simply not a workbook.
        return False
    finally:
        stream.seek(start)


def _expand_zip(
    name: str, stream: BinaryIO, limit: int, skipped: list[str] | None = None
) -> list[tuple[str, BinaryIO]]:
    try:
        archive = zipfile.ZipFile(stream)
        members = [info for info in archive.infolist() if not _is_junk(info)]
    except ZIP_FAILURES as exc:
        raise UploadError([RowError(name, 0, "", "not a readable ZIP archive")]) from exc
    if not members:
        raise UploadError([RowError(name, 0, "", "no CSV or XLSX file inside")])
    if len(members) > MAX_ARCHIVE_MEMBERS:
        message = f"{len(members)} files inside, more than the {MAX_ARCHIVE_MEMBERS} read"
        raise UploadError([RowError(name, 0, "", message)])
    total = sum(info.file_size for info in members)
    if total > limit:
        message = "unpacks to " + _too_big(total, limit)
        raise UploadError([RowError(name, 0, "", message)])
    files: list[tuple[str, BinaryIO]] = []
    errors: list[RowError] = []
    for info in members:
        member_name = f"{name}/{info.filename}"
        if info.flag_bits & 0x1:
            errors.append(RowError(member_name, 0, "", "protected by a password"))
            continue
        try:
            with archive.open(info) as member:
                head = member.read(8)
            if head.startswith(ZIP_MAGIC):
                # Workbooks are read whole: openpyxl seeks all over them, and seeking
                # backwards in a compressed member restarts its decompression each time.
                content: BinaryIO = io.BytesIO(archive.read(info))
            else:
                content = archive.open(info)
        except ZIP_FAILURES:
            errors.append(RowError(member_name, 0, "", "damaged: it cannot be unpacked"))
            continue
        kind, problem = _kind(member_name, head, content)
        if skipped is not None and kind in ("zip", None):
            skipped.append(member_name)
        elif kind == "zip":
            errors.append(
                RowError(member_name, 0, "", "an archive inside the archive: unpack it first")
            )
        elif kind is None:
            errors.append(RowError(member_name, 0, "", problem))
        elif kind == "xlsx":
            workbook, problem = prepare_workbook(content, limit)
            if workbook is None:
                errors.append(RowError(member_name, 0, "", problem))
            else:
                files.append((member_name, workbook))
        else:
            files.append((member_name, content))
    if errors:
        raise UploadError(errors)
    return files


def _is_junk(info: zipfile.ZipInfo) -> bool:
    # Archives made on a Mac or by Windows Explorer carry metadata files nobody chose to
    # upload; complaining about them would only confuse.
    base = info.filename.rsplit("/", 1)[-1]
    return (
        info.is_dir()
        or info.filename.startswith("__MACOSX/")
        or base.startswith(".")
        or base.lower() in ("thumbs.db", "desktop.ini")
    )
