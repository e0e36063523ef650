"""XLSX uploads are ZIP archives too: their unpacked size, parts and cells have limits."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from analytics.models import DailyMetric
from imports import parsers
from imports.models import ImportFile, ImportRun
from imports.parsers import UploadError, open_upload, parse, parse_many
from imports.parsers.workbooks import Workbook, prepare_workbook
from tests.imports.test_parser_fuzz import time_bound

AS_OF = date(2025, 1, 3)
MB = 1024 * 1024
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook(rows: list[list[object]], *, epoch: datetime | None = None) -> bytes:
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes | str]) -> bytes:
    """The workbook `data` with parts replaced or added, deflated as Excel does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def sheet(rows: str) -> str:
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>likes</t></is></c></row>'
    )
    return f"<worksheet {MAIN}><sheetData>{header}{rows}</sheetData></worksheet>"


def with_shared_strings(data: bytes, strings: list[str], rows: str) -> bytes:
    """A workbook whose sheet holds `rows` and whose shared strings are `strings`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/></Types>',
    )
    rels = source.read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdStrings" Type="{RELATIONSHIPS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
    )
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    return with_parts(
        data,
        {
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
            "xl/sharedStrings.xml": f"<sst {MAIN}>{items}</sst>",
            "xl/worksheets/sheet1.xml": sheet(rows),
        },
    )


def day_rows(count: int) -> str:
    row = '<row><c t="inlineStr"><is><t>2024-10-01</t></is></c><c><v>1</v></c></row>'
    return row * count


def refusal(name: str, data: bytes, **options: object) -> list[str]:
    with pytest.raises(UploadError) as raised:
        open_upload(name, data, **options)
    return [str(error) for error in raised.value.errors]


def test_it_refuses_a_small_workbook_whose_shared_strings_unpack_past_the_limit():
    # The report's 438 KB workbook held 203 MB of shared strings; the same shape, smaller.
    bomb = with_shared_strings(workbook([["date", "likes"]]), ["a"] * 1_500_000, "")
    assert len(bomb) < 200_000

    assert refusal("bomb.xlsx", bomb, max_bytes=20 * MB) == [
        "bomb.xlsx: unpacks to 24.3 MB, over the 20 MB size limit"
    ]

    parsed = parse("bomb.xlsx", bomb, as_of=AS_OF)
    assert list(parsed.rows) == []
    assert [str(error) for error in parsed.errors] == [
        "bomb.xlsx: unpacks to 24.3 MB, over the 20 MB size limit"
    ]


def test_it_refuses_a_compressed_sheet_of_rows_past_the_limit(monkeypatch):
    bomb = with_parts(workbook([]), {"xl/worksheets/sheet1.xml": sheet(day_rows(40_000))})
    assert len(bomb) < 50_000

    monkeypatch.setattr(parsers, "MAX_BYTES", 2 * MB)

    assert refusal("rows.xlsx", bomb) == ["rows.xlsx: unpacks to 2.8 MB, over the 2 MB size limit"]
    # The same workbook under a limit it fits is read as any other.
    rows, errors, _summary = parse_many(
        open_upload("rows.xlsx", bomb, max_bytes=4 * MB), as_of=AS_OF
    )
    assert errors == []
    assert [(row.date, row.values["likes"]) for row in rows] == [(date(2024, 10, 1), 1)]


def test_it_refuses_an_oversized_workbook_inside_an_archive():
    bomb = with_shared_strings(workbook([["date", "likes"]]), ["a"] * 200_000, "")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("reports/Overview.xlsx", bomb)

    assert refusal("export.zip", buffer.getvalue(), max_bytes=2 * MB) == [
        "export.zip/reports/Overview.xlsx: unpacks to 3.3 MB, over the 2 MB size limit"
    ]


def test_it_refuses_a_bomb_unpacking_a_chunk_at_a_time():
    bomb = with_shared_strings(workbook([["date", "likes"]]), ["a"] * 1_500_000, "")
    # The declared sizes are right here; zeroing them makes the check unpack to count.
    size = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/sharedStrings.xml").file_size
    quiet = bomb.replace(struct.pack("<I", size), struct.pack("<I", 0))
    assert quiet != bomb

    for data in (bomb, quiet):
        tracemalloc.start()
        try:
            with pytest.raises(UploadError):
                open_upload("bomb.xlsx", data, max_bytes=20 * MB)
        finally:
            _size, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        # openpyxl never ran: the part was never held whole, let alone as strings.
        assert peak < 5 * MB


def test_it_refuses_a_workbook_that_declares_sizes_smaller_than_its_parts():
    rows = sheet(day_rows(30_000))
    real_size = len(rows.encode())
    honest = with_parts(workbook([]), {"xl/worksheets/sheet1.xml": rows})
    # Both the local and the central header carry the unpacked size: make both lie.
    lying = honest.replace(struct.pack("<I", real_size), struct.pack("<I", 1_000))
    assert lying != honest

    assert refusal("lying.xlsx", lying, max_bytes=MB) == [
        "lying.xlsx: not a readable XLSX workbook"
    ]


def test_it_refuses_a_workbook_of_too_many_parts():
    parts = {f"xl/media/image{index}.xml": "<a/>" for index in range(parsers.XLSX_MAX_PARTS)}
    data = with_parts(workbook([["date", "likes"], ["2024-10-01", 1]]), parts)

    [message] = refusal("parts.xlsx", data)
    assert message.startswith("parts.xlsx: 209 parts inside, more than the 200 an XLSX")


def test_it_refuses_styles_over_their_own_limit():
    formats = "".join(
        f'<numFmt numFmtId="{164 + index}" formatCode="0.{"0" * 20};@"/>' for index in range(80_000)
    )
    styles = f'<styleSheet {MAIN}><numFmts count="80000">{formats}</numFmts></styleSheet>'
    data = with_parts(workbook([["date", "likes"]]), {"xl/styles.xml": styles})

    assert refusal("styles.xlsx", data) == [
        "styles.xlsx: its styles unpack to 4.9 MB, over the 2 MB limit for an XLSX "
        "workbook's styles"
    ]


def test_it_refuses_xml_entity_declarations():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f"<sst {MAIN}><si><t>&lol2;</t></si></sst>"
    )
    data = with_shared_strings(workbook([["date", "likes"]]), [], "")
    data = with_parts(data, {"xl/sharedStrings.xml": laughs})
    message = "laughs.xlsx: not a readable XLSX workbook: it declares XML entities, which Excel"
    assert refusal("laughs.xlsx", data)[0].startswith(message)

    # Also when the part is UTF-16, which the XML parser would read as well.
    data = with_parts(data, {"xl/sharedStrings.xml": laughs.encode("utf-16")})
    assert refusal("laughs.xlsx", data)[0].startswith(message)


def test_it_gives_openpyxl_the_first_worksheet_only():
    # Many sheets all pointing at one large sheet without a size: openpyxl measures each
    # sheet it is given by reading it, so this workbook took over a minute before.
    data = workbook([["date", "likes"], ["2024-10-01", 5]])
    source = zipfile.ZipFile(io.BytesIO(data))
    book = source.read("xl/workbook.xml").decode()
    extra = "".join(
        f'<sheet name="S{index}" sheetId="{index + 2}" r:id="rId1"/>' for index in range(20_000)
    )
    data = with_parts(data, {"xl/workbook.xml": book.replace("</sheets>", extra + "</sheets>")})

    [(name, prepared)] = open_upload("many.xlsx", data)

    assert isinstance(prepared, Workbook)
    assert openpyxl.load_workbook(prepared, read_only=True).sheetnames == ["Sheet1"]
    prepared.seek(0)
    rows, errors, _summary = parse_many([(name, prepared)], as_of=AS_OF)
    assert errors == []
    assert [row.values["likes"] for row in rows] == [5]


def test_it_reads_the_first_worksheet_and_keeps_the_1904_date_system():
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    book.active.title = "Notes"
    book.active.append(["not", "this", "one"])
    figures = book.create_sheet("Figures")
    figures.append(["date", "likes"])
    figures.append([datetime(2024, 10, 1), 7])  # noqa: DTZ001 (Excel has no time zones)
    # The first sheet of the workbook is the one read: move Figures in front.
    book.move_sheet("Figures", offset=-1)
    buffer = io.BytesIO()
    book.save(buffer)

    parsed = parse("dates.xlsx", buffer.getvalue(), as_of=AS_OF)
    rows = list(parsed.rows)

    assert parsed.errors == []
    assert [(row.date, row.values["likes"]) for row in rows] == [(date(2024, 10, 1), 7)]


def test_it_stops_a_sheet_whose_shared_strings_hand_out_more_text_than_the_limit():
    # One 100 KB string filling cell after cell: stored once, read as 3 MB of text.
    rows = '<row><c t="inlineStr"><is><t>2024-10-01</t></is></c><c t="s"><v>0</v></c></row>' * 30
    data = with_shared_strings(workbook([["date", "likes"]]), ["x" * 100_000], rows)

    [(name, prepared)] = open_upload("amplified.xlsx", data, max_bytes=2 * MB)
    parsed = parse(name, prepared, as_of=AS_OF)
    list(parsed.rows)

    assert str(parsed.errors[-1]) == (
        "amplified.xlsx: line 22: the sheet's cells hold more than 2 MB of text, "
        "over the size limit"
    )


def test_it_reports_a_workbook_without_a_worksheet():
    data = workbook([["date", "likes"]])
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace("/worksheet", "/chartsheet")
    data = with_parts(data, {"xl/_rels/workbook.xml.rels": rels})

    prepared, problem = prepare_workbook(io.BytesIO(data), MB)

    assert prepared is None
    assert problem == "not a readable XLSX workbook: it has no worksheet"


def test_it_tells_a_password_protected_workbook_from_an_old_one():
    # Excel keeps a workbook saved with a password in the compound file of old .xls files.
    container = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    assert refusal("locked.xlsx", container) == [
        "locked.xlsx: a workbook protected by a password (or an .xls renamed): save it again "
        "as .xlsx without a password, or as CSV"
    ]
    assert refusal("old.xls", container) == [
        "old.xls: an old Excel (.xls) workbook: save it as .xlsx or CSV"
    ]


def test_it_stops_at_excels_last_row():
    # openpyxl hands out an empty row for every row number a sheet skips: without a last
    # row, this one would hand out a billion of them.
    rows = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>2024-10-01</t></is></c>'
        '<c r="B2"><v>1</v></c></row>'
        '<row r="999999999"><c r="A999999999" t="inlineStr"><is><t>2024-10-02</t></is></c>'
        '<c r="B999999999"><v>2</v></c></row>'
    )
    data = with_parts(workbook([]), {"xl/worksheets/sheet1.xml": sheet(rows)})

    with time_bound(60):
        rows_read, errors, _summary = parse_many(open_upload("far.xlsx", data), as_of=AS_OF)

    assert errors == []
    assert [(row.line, row.values["likes"]) for row in rows_read] == [(2, 1)]
    assert parsers.XLSX_MAX_ROWS == 1_048_576


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_it_refuses_xml_nested_deeper_than_any_workbook(part):
    data = with_shared_strings(workbook([["date", "likes"]]), ["a"], "")
    nested = "<x>" * 100_000 + "</x>" * 100_000
    content = (
        sheet(f'<row r="2">{nested}</row>')
        if part.startswith("xl/worksheets")
        else f"<sst {MAIN}><si><t>a</t>{nested}</si></sst>"
    )
    data = with_parts(data, {part: content})

    assert refusal("deep.xlsx", data) == [
        "deep.xlsx: not a readable XLSX workbook: its XML nests deeper than 64 levels"
    ]


@pytest.mark.parametrize(
    ("part", "content"),
    [
        # A row of more cells than Excel has columns.
        ("xl/worksheets/sheet1.xml", sheet('<row r="2">' + "<c><v>1</v></c>" * 20_000 + "</row>")),
        # A shared string of more runs than that.
        ("xl/sharedStrings.xml", f"<sst {MAIN}><si>{'<r><t>a</t></r>' * 20_000}</si></sst>"),
        # Merged ranges by the ten thousand, which openpyxl reads all at once.
        (
            "xl/worksheets/sheet1.xml",
            sheet("").replace(
                "</sheetData>",
                "</sheetData><mergeCells>" + '<mergeCell ref="A1:B2"/>' * 20_000 + "</mergeCells>",
            ),
        ),
    ],
    ids=["cells", "runs", "merges"],
)
def test_it_refuses_elements_holding_more_than_a_row_of_excel_holds(part, content):
    data = with_shared_strings(workbook([["date", "likes"]]), ["a"], "")
    data = with_parts(data, {part: content})

    assert refusal("wide.xlsx", data) == [
        "wide.xlsx: not a readable XLSX workbook: an element holds more than 16,384 others"
    ]


def test_it_refuses_more_rows_than_excel_has():
    rows = "<row/>" * (parsers.XLSX_MAX_ROWS + 1)
    data = with_parts(workbook([]), {"xl/worksheets/sheet1.xml": sheet(rows)})

    assert refusal("tall.xlsx", data) == [
        "tall.xlsx: not a readable XLSX workbook: an element holds more than 1,048,576 others"
    ]


# --- through the product: the upload page and the command -----------------------------


def test_it_refuses_a_bomb_uploaded_on_the_page_and_writes_nothing(login, alice, acmecoffee):
    bomb = with_shared_strings(workbook([["date", "likes"]]), ["a"] * 1_500_000, "")
    url = reverse("imports:import-upload", args=["acme"]) + "?account=acmecoffee"
    upload = SimpleUploadedFile("bomb.xlsx", bomb, content_type="application/octet-stream")

    response = login(alice).post(
        url, {"format": "auto", "as_of": "2025-01-03", "files": [upload]}, follow=True
    )

    assert response.status_code == 200
    assert "bomb.xlsx: unpacks to 24.3 MB, over the 20 MB size limit" in response.content.decode()
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED
    assert not ImportFile.objects.exists()
    assert not DailyMetric.objects.exists()


def test_it_refuses_a_bomb_given_to_the_command_and_writes_nothing(acme, acmecoffee, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(with_shared_strings(workbook([["date", "likes"]]), ["a"] * 1_500_000, ""))
    err = io.StringIO()

    # The command exits with status 1 on bad input, as in the shell.
    with pytest.raises(SystemExit, match="1"):
        call_command(
            "import_metrics", str(bomb), "--team", "acme", "--account", "acmecoffee", stderr=err
        )

    assert err.getvalue() == f"{bomb}: unpacks to 24.3 MB, over the 20 MB size limit\n"
    assert not DailyMetric.objects.exists()


@pytest.mark.parametrize("name", ["many.xlsx", "many.zip"])
def test_it_refuses_an_archive_listing_more_files_than_any_export_before_reading_the_list(name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", b"")
        for index in range(40_000):
            archive.writestr(f"empty/{index:06}.csv", b"")

    data = buffer.getvalue()
    tracemalloc.start()
    try:
        messages = refusal(name, data)
    finally:
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    assert messages == [
        f"{name}: lists more files than any export holds: its table of contents takes "
        "2.4 MB, over the 1 MB limit"
    ]
    # zipfile's list of 40,000 entries takes some 20 MB: it was never made. (The upload
    # may be copied once on the way in.)
    assert peak < len(data) + 2 * MB
