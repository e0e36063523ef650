"""Checking an XLSX workbook before openpyxl reads it, and handing it the first sheet only.

An XLSX is a ZIP archive of XML parts, so a few hundred kilobytes can unpack to hundreds
of megabytes, and openpyxl parses more than the sheet it is asked for: the styles, the
shared strings, every sheet's size and relationships, charts and external links. So a
workbook is checked before openpyxl sees it: the size of its table of contents, the count
of its parts, their declared and actual unpacked size against the upload's size limit,
the styles against a limit of their own, no XML document type declarations, and the shape
of the parts openpyxl will parse (how deep elements nest, how many children they hold).
openpyxl then reads a small workbook of our own making that holds only the first
worksheet, its shared strings and its styles. Memory and time grow with the size limit,
never with what a crafted file claims.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import BinaryIO
from xml.etree.ElementTree import iterparse
from xml.parsers import expat

from imports.parsers.records import (
    MAX_DIRECTORY_BYTES,
    XLSX_MAX_PARTS,
    XLSX_MAX_ROWS,
    XLSX_MAX_STYLES_BYTES,
    ZIP_FAILURES,
    _too_big,
)

UNREADABLE = "not a readable XLSX workbook"

_CHUNK = 64 * 1024
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
# Excel never writes a document type declaration; one in a workbook can only be there to
# define entities, and entities that expand into more entities make a small part huge.
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(marker) for marker in _DECLARATIONS)
# Excel nests a sheet's elements about seven deep (worksheet, sheetData, row, c, is, r, t).
_MAX_DEPTH = 64
# Excel's columns: the most cells a row holds, and more than any other element holds.
_MAX_CHILDREN = 16_384

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{strings}</Types>"
)
_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_RELATIONSHIPS}">{{properties}}'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def directory_problem(stream: BinaryIO) -> str:
    """Why a ZIP archive's table of contents should not be read: it lists too many files.

    zipfile reads the whole table before anything can be counted, at a few hundred bytes
    of memory for each file it lists; a 20 MB upload can list a quarter of a million.
    """
    start = stream.tell()
    try:
        # zipfile's own reader of the end record, which also follows ZIP64's; private,
        # but unchanged since Python 2.
        record = zipfile._EndRecData(stream)
    except (OSError, ValueError):
        return ""
    finally:
        stream.seek(start)
    if record and record[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:
        mb = 1024 * 1024
        return (
            f"lists more files than any export holds: its table of contents takes "
            f"{record[zipfile._ECD_SIZE] / mb:.1f} MB, over the {MAX_DIRECTORY_BYTES / mb:g} MB "
            "limit"
        )
    return ""


class Workbook(io.BytesIO):
    """A workbook already checked and cut down to its first sheet, and the limit it met."""

    def __init__(self, data: bytes, limit: int) -> None:
        super().__init__(data)
        self.limit = limit


def prepare_workbook(stream: BinaryIO, limit: int) -> tuple[Workbook | None, str]:
    """Check a workbook against the limits and cut it down to its first worksheet.

    Returns the workbook to give openpyxl, or None and what is wrong with the upload.
    """
    if not stream.seekable():
        stream = io.BytesIO(stream.read(limit + 1))
    problem = directory_problem(stream)
    if problem:
        return None, problem
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            problem = _problem(archive, limit)
            if problem:
                return None, problem
            return _first_sheet(archive, limit)
    except ZIP_FAILURES:
        # zipfile and the XML parser raise all sorts on a damaged workbook (see
        # ZIP_FAILURES); to the person uploading it, they all mean the same.
        return None, UNREADABLE
    finally:
        stream.seek(start)


def _problem(archive: zipfile.ZipFile, limit: int) -> str:
    parts = archive.infolist()
    if len(parts) > XLSX_MAX_PARTS:
        return (
            f"{len(parts)} parts inside, more than the {XLSX_MAX_PARTS} an XLSX workbook may hold"
        )
    declared = sum(part.file_size for part in parts)
    if declared > limit:
        return "unpacks to " + _too_big(declared, limit)
    total = 0
    for part in parts:
        size = 0
        tail = b""
        # The sizes a ZIP declares can lie; what comes out while unpacking cannot.
        with archive.open(part) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if total > limit:
                    return f"unpacks to more than the {limit / (1024 * 1024):g} MB size limit"
                window = tail + chunk
                if any(marker in window for marker in _DECLARATIONS):
                    return f"{UNREADABLE}: it declares XML entities, which Excel never writes"
                tail = chunk[-_OVERLAP:]
        if part.filename == "xl/styles.xml" and size > XLSX_MAX_STYLES_BYTES:
            mb = 1024 * 1024
            return (
                f"its styles unpack to {size / mb:.1f} MB, over the "
                f"{XLSX_MAX_STYLES_BYTES / mb:g} MB limit for an XLSX workbook's styles"
            )
    return ""


def _first_sheet(archive: zipfile.ZipFile, limit: int) -> tuple[Workbook | None, str]:
    names = set(archive.namelist())
    relationships = _relationships(archive) if _WORKBOOK_RELS in names else {}
    sheet, date1904 = _first_sheet_target(archive, relationships)
    if sheet is None or sheet not in names:
        return None, f"{UNREADABLE}: it has no worksheet"
    strings = next(
        (target for kind, target in relationships.values() if kind == "sharedStrings"), None
    )
    has_strings = strings is not None and strings in names
    parts = {"xl/worksheets/sheet1.xml": archive.read(sheet)}
    if has_strings:
        parts["xl/sharedStrings.xml"] = archive.read(strings)
    # openpyxl looks for the styles at this path only, as Excel writes them.
    if "xl/styles.xml" in names:
        parts["xl/styles.xml"] = archive.read("xl/styles.xml")
    for content in parts.values():
        problem = _shape_problem(content)
        if problem:
            return None, problem
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as reduced:
        reduced.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(strings=_STRINGS_TYPE if has_strings else ""),
        )
        properties = '<workbookPr date1904="1"/>' if date1904 else ""
        reduced.writestr("xl/workbook.xml", _WORKBOOK.format(properties=properties))
        reduced.writestr(_WORKBOOK_RELS, _RELS)
        for name, content in parts.items():
            reduced.writestr(name, content)
    return Workbook(buffer.getvalue(), limit), ""


class _Shapeless(Exception):
    """A part shaped as no workbook is: the message completes "not a readable ... workbook"."""


def _shape_problem(content: bytes) -> str:
    """Why openpyxl should not parse a part: a shape no workbook has, costly to read.

    openpyxl keeps in memory every element still open and every child read so far of an
    element it has not finished, so a part of a few megabytes can cost hundreds: elements
    nested a million deep, a row of a million cells, a string of a million runs, a list of
    a million merged ranges. So elements may nest no deeper than _MAX_DEPTH and hold no
    more children than a row holds cells in Excel (16,384), except the sheet's rows and the
    shared strings, which hold no more than Excel's rows. expat, which only counts here,
    reads a part in a fraction of openpyxl's time.
    """
    children: list[int] = []
    limits: list[int] = []

    def start(name: str, _attributes: object) -> None:
        if children:
            children[-1] += 1
            if children[-1] > limits[-1]:
                raise _Shapeless(f"an element holds more than {limits[-1]:,} others")
        if len(children) >= _MAX_DEPTH:
            raise _Shapeless(f"its XML nests deeper than {_MAX_DEPTH} levels")
        children.append(0)
        local = name.rsplit(":", 1)[-1]
        limits.append(XLSX_MAX_ROWS if local in ("sheetData", "sst") else _MAX_CHILDREN)

    def end(_name: str) -> None:
        children.pop()
        limits.pop()

    def declaration(*_arguments: object) -> None:
        raise _Shapeless("it declares XML entities, which Excel never writes")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    try:
        parser.Parse(content, True)
    except _Shapeless as shapeless:
        return f"{UNREADABLE}: {shapeless}"
    except expat.ExpatError:
        return UNREADABLE
    return ""


def _relationships(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """The workbook's relationships: id -> (kind, part name), e.g. ("worksheet", "xl/...")."""
    found: dict[str, tuple[str, str]] = {}
    with archive.open(_WORKBOOK_RELS) as part:
        # No defusedxml here: _problem has refused document type declarations, the only
        # way into the XML attacks it guards against, before anything is parsed.
        for _event, element in iterparse(part):  # noqa: S314
            if element.tag.rsplit("}", 1)[-1] == "Relationship":
                kind = (element.get("Type") or "").rsplit("/", 1)[-1]
                target = element.get("Target") or ""
                if element.get("TargetMode") != "External" and target:
                    found.setdefault(element.get("Id") or "", (kind, _part_name(target)))
            element.clear()
    return found


def _part_name(target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


def _first_sheet_target(
    archive: zipfile.ZipFile, relationships: dict[str, tuple[str, str]]
) -> tuple[str | None, bool]:
    """The part of the first worksheet (charts are sheets too), and the 1904 date system."""
    date1904 = False
    with archive.open("xl/workbook.xml") as part:
        # Attributes are complete at an element's start, and the sheets come early: the
        # parse usually stops there, and elements are emptied as they end.
        for event, element in iterparse(part, events=("start", "end")):  # noqa: S314
            if event == "end":
                element.clear()
                continue
            name = element.tag.rsplit("}", 1)[-1]
            if name == "workbookPr":
                date1904 = (element.get("date1904") or "").lower() in ("1", "true")
            elif name == "sheet":
                kind, target = relationships.get(
                    element.get(f"{{{_RELATIONSHIPS}}}id") or "", ("", "")
                )
                if kind == "worksheet":
                    return target, date1904
    return None, date1904
