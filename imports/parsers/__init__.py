"""Reading uploaded metric files into normalised daily rows.

The formats and the bad-input rules are those of docs/imports.md: the
product's canonical CSV, TikTok Studio's per-tab downloads and TikTok Ads Manager daily
reports, each as CSV or as the first sheet of an XLSX workbook, alone or inside a ZIP
archive. This package knows nothing about accounts or the database: the import service
turns the rows into metrics and decides, from the errors, whether to write anything.

By topic: `files` opens uploads (size limit, file kinds, ZIP archives), `workbooks`
checks an XLSX (its unpacked size, parts and shape) and cuts it down to its first sheet
before openpyxl reads it, `headers` finds the header row and the format it belongs to,
`tables` reads CSV (in the encoding it is in) and XLSX into rows of text, `cells` reads
counts, amounts and dates, `formats` holds `parse` and each format's reader, `studio` the
readers of Studio's audience and content tabs (FollowerActivity, FollowerGender,
FollowerTopTerritories, Content), and `merge` holds `parse_many`. Everything public is
importable from here.
"""

from __future__ import annotations

from imports.parsers.files import open_upload
from imports.parsers.formats import parse
from imports.parsers.merge import parse_many
from imports.parsers.records import (
    AUDIENCE_TABS,
    COUNT_FIELDS,
    FORMATS,
    HEADER_SEARCH_ROWS,
    MAX_ARCHIVE_MEMBERS,
    MAX_BYTES,
    MAX_REPORTED_ERRORS,
    METRIC_FIELDS,
    MONEY_FIELDS,
    NO_AUDIENCE_YET,
    PAID_FIELDS,
    TAB_UNITS,
    XLSX_MAX_COLUMNS,
    XLSX_MAX_PARTS,
    XLSX_MAX_ROWS,
    XLSX_MAX_STYLES_BYTES,
    HourRow,
    MetricRow,
    ParsedFile,
    RowError,
    ShareRow,
    UploadError,
    VideoRow,
)

__all__ = [
    "AUDIENCE_TABS",
    "COUNT_FIELDS",
    "FORMATS",
    "HEADER_SEARCH_ROWS",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_BYTES",
    "MAX_REPORTED_ERRORS",
    "METRIC_FIELDS",
    "MONEY_FIELDS",
    "NO_AUDIENCE_YET",
    "PAID_FIELDS",
    "TAB_UNITS",
    "XLSX_MAX_COLUMNS",
    "XLSX_MAX_PARTS",
    "XLSX_MAX_ROWS",
    "XLSX_MAX_STYLES_BYTES",
    "HourRow",
    "MetricRow",
    "ParsedFile",
    "RowError",
    "ShareRow",
    "UploadError",
    "VideoRow",
    "open_upload",
    "parse",
    "parse_many",
]
