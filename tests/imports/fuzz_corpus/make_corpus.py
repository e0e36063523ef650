"""Writes the parser fuzz harness's seed corpus (run from the repository's root).

    .venv/bin/python tests/imports/fuzz_corpus/make_corpus.py

One valid file of every format and container the importer reads: the canonical CSV
(comma, and semicolon with a BOM and decimal commas), TikTok Studio tabs (English and
Spanish dates, Excel's UTF-16 tab-separated "Unicode text", Windows-1252), Ads Manager
reports, each of these as XLSX too, and ZIP archives of them (a workbook inside one). The
files are committed; this script says how they were made.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
FILES = HERE.parent / "files"


def text(relative: str) -> str:
    return (FILES / relative).read_text(encoding="utf-8-sig")


def workbook(csv_text: str, above: list[list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in above or []:
        sheet.append(row)
    for row in csv.reader(io.StringIO(csv_text)):
        sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: str) -> object:
    if value.isdigit():
        return int(value)
    try:
        # Excel cells hold date-times without a time zone.
        return datetime.strptime(value, "%Y-%m-%d")  # noqa: DTZ007
    except ValueError:
        return value


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def main() -> None:
    canonical = (
        "date,handle,video_views,profile_views,likes,comments,shares,followers,"
        "spend,impressions,clicks,conversions,revenue\n"
        "2024-10-01,acmecoffee,12040,310,845,61,37,15200,0.00,0,0,0,0.00\n"
        "2024-10-02,acmecoffee,9800,288,701,44,29,15240,12.50,4000,51,2,30.00\n"
        "2024-10-03,acmecoffee,10100,,690,40,,15260,,,,,\n"
    )
    overview = text("studio/Overview.csv")
    history = text("studio/FollowerHistory.csv")
    ads = text("ads_manager.csv")
    unicode_text = overview.replace('","', "\t").replace('"', "")
    seeds = {
        "canonical.csv": canonical.encode(),
        "canonical_semicolon_bom.csv": (FILES / "canonical_semicolon_bom.csv").read_bytes(),
        "canonical_windows1252.csv": canonical.replace("acmecoffee", "acmécoffee").encode("cp1252"),
        "canonical.xlsx": workbook(canonical),
        "studio_Overview.csv": overview.encode(),
        "studio_FollowerHistory.csv": history.encode(),
        "studio_es_Overview.csv": text("studio_es/Overview.csv").encode(),
        "studio_Overview_unicode.txt": unicode_text.encode("utf-16"),
        "studio_Overview.xlsx": workbook(overview),
        "studio_Followers.zip": archive(
            {
                "Followers_acmecoffee/Overview.csv": overview.encode(),
                "Followers_acmecoffee/FollowerHistory.csv": history.encode(),
                "__MACOSX/Followers_acmecoffee/._Overview.csv": b"\x00\x05\x16\x07",
            }
        ),
        "ads_manager.csv": ads.encode(),
        "ads_manager.xlsx": workbook(ads, above=[["Report: daily"], ["Account: Acme"], []]),
        "ads_manager.zip": archive({"report/ads_manager.xlsx": workbook(ads)}),
    }
    for name, data in seeds.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
