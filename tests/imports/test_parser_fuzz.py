"""A fuzz harness for the parsers, seeded with valid files of every format.

Hypothesis mutates the seed corpus (tests/imports/fuzz_corpus, made by make_corpus.py)
byte by byte, mutates the parts inside its archives and workbooks so the XML and CSV
readers behind them see damaged input too, and writes new files from the headers the
importer knows and cells that have tripped importers before. Whatever comes of it:
- `open_upload` raises nothing but UploadError, and `parse` and `parse_many` raise
  nothing at all (bad input is reported as RowErrors);
- no call runs past a generous time bound (a hang fails the test instead of the build);
- a refused upload writes nothing, through the command's import and the web preview.

The examples are derandomised, so CI runs the same ones each time, in well under a
minute. PLAYBOOK_FUZZ_EXAMPLES=2000 runs more, and random ones, for a deeper look.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from analytics import models
from imports.models import ImportFile, ImportRun
from imports.parsers import (
    FORMATS,
    MetricRow,
    RowError,
    UploadError,
    open_upload,
    parse,
    parse_many,
)
from imports.services.imports import import_files, import_preview

CORPUS = Path(__file__).parent / "fuzz_corpus"
SEEDS = {path.name: path.read_bytes() for path in sorted(CORPUS.iterdir()) if path.suffix != ".py"}
ARCHIVES = sorted(name for name, data in SEEDS.items() if data.startswith(b"PK\x03\x04"))
AS_OF = date(2025, 1, 3)
# Seconds any one example may take: the seeds are a few kilobytes and read in
# milliseconds, so only a hang comes near this, however loaded the machine.
TIME_BOUND = 60
EXTRA_EXAMPLES = int(os.environ.get("PLAYBOOK_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=EXTRA_EXAMPLES or examples,
        derandomize=not EXTRA_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


class Hung(BaseException):
    """Raised in the code under test when it runs too long; no `except Exception` hides it."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    def expire(_signum: int, _frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- what the fuzzer makes ------------------------------------------------------------

NAMES = st.sampled_from(["upload.csv", "upload.xlsx", "upload.zip", "upload.txt", "upload"])


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few bytes flipped, inserted, deleted, repeated or cut off."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(
                st.one_of(
                    st.binary(max_size=16),
                    st.sampled_from(
                        [b"\x00", b'"', b"\n", b"\r", b";", b",", b"\t", b"\xff\xfe", b"\xe9"]
                    ),
                )
            )
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "repeat":
            piece = data[at : at + draw(st.integers(1, 64))]
            data[at:at] = piece * draw(st.integers(1, 200))
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


@st.composite
def mutated_seeds(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = draw(mutated(SEEDS[name]))
    return draw(st.sampled_from([name, draw(NAMES)])), data


@st.composite
def mutated_parts(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed archive or workbook, still a valid ZIP, with one of its parts damaged."""
    name = draw(st.sampled_from(ARCHIVES))
    source = zipfile.ZipFile(io.BytesIO(SEEDS[name]))
    infos = source.infolist()
    target = draw(st.sampled_from([info.filename for info in infos]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for info in infos:
            content = source.read(info)
            if info.filename == target:
                content = draw(mutated(content))
            rebuilt.writestr(info.filename, content)
    return name, buffer.getvalue()


HEADERS = [
    ["date", "handle", "video_views", "likes", "comments", "shares", "followers", "spend"],
    ["date", "video_views", "profile_views", "likes", "revenue", "clicks"],
    ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
    ["Date", "Followers", "Difference in followers from previous day"],
    ["Campaign name", "By Day", "Currency", "Cost", "Impressions", "Clicks (destination)"],
    ["stat_time_day", "spend", "impressions", "clicks", "conversion", "Result"],
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-6",
            "1,204",
            "1.204",
            "12,5",
            "$1,204.50",
            "45%",
            "—",
            "-",
            "undefined",
            "Total",
            "2024-10-01",
            "2024-02-30",
            "February 29",
            "8 de marzo",
            "18 января",
            "9月13日",
            "18 tháng Tám",
            "December 31",
            "acmecoffee",
            "@acme.deals",
            "9" * 40,
            "1e308",
            "NaN",
            "=HYPERLINK()",
            '"',
            "\u202e",
            "\ufeff",
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def written_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A new file from a known header and odd cells, as text, a workbook or an archive."""
    header = draw(st.sampled_from(HEADERS))
    width = len(header)
    rows = draw(
        st.lists(st.lists(CELLS, min_size=width - 1, max_size=width + 1), min_size=0, max_size=8)
    )
    text = io.StringIO()
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    writer = csv.writer(text, delimiter=delimiter, quoting=quoting, escapechar="\\")
    writer.writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    data = text.getvalue().encode(encoding, errors="replace")
    container = draw(st.sampled_from(["text", "xlsx", "zip"]))
    if container == "xlsx":
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            try:
                book.active.append(row)
            except IllegalCharacterError:
                # openpyxl refuses control characters that a workbook cannot hold.
                continue
        buffer = io.BytesIO()
        book.save(buffer)
        return "generated.xlsx", buffer.getvalue()
    if container == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("export/generated.csv", data)
        return "generated.zip", buffer.getvalue()
    return "generated.csv", data


UPLOADS = st.one_of(mutated_seeds(), mutated_parts(), written_files())
FORMAT_CHOICES = st.sampled_from(["auto", *FORMATS])


# --- what must hold -------------------------------------------------------------------


def read_everything(name: str, data: bytes, format: str) -> None:
    """Open, parse and merge an upload as the importer does, and parse it in `format`."""
    with time_bound(TIME_BOUND):
        try:
            files = open_upload(name, data)
        except UploadError as refused:
            assert refused.errors
            assert all(isinstance(error, RowError) and str(error) for error in refused.errors)
            files = []
        rows, errors, summary = parse_many(files, as_of=AS_OF)
        assert all(isinstance(row, MetricRow) for row in rows)
        assert all(isinstance(error, RowError) and str(error) for error in errors)
        assert summary["error_count"] == len(errors)
        # parse, handed the raw bytes without open_upload's checks, in a format forced or not.
        parsed = parse(name, io.BytesIO(data), format=format, as_of=AS_OF)
        assert all(isinstance(row, MetricRow) for row in parsed.rows)
        assert all(isinstance(error, RowError) and str(error) for error in parsed.errors)


def test_it_reads_every_seed_without_errors():
    for name, data in SEEDS.items():
        with time_bound(TIME_BOUND):
            rows, errors, _summary = parse_many(open_upload(name, data), as_of=AS_OF)
        assert errors == [], name
        assert rows, name


@fuzz_settings(400)
@given(upload=mutated_seeds(), format=FORMAT_CHOICES)
def test_it_survives_damaged_copies_of_valid_files(upload, format):
    read_everything(*upload, format)


@fuzz_settings(200)
@given(upload=mutated_parts(), format=FORMAT_CHOICES)
def test_it_survives_archives_and_workbooks_with_a_damaged_part(upload, format):
    read_everything(*upload, format)


@fuzz_settings(200)
@given(upload=written_files(), format=FORMAT_CHOICES)
def test_it_survives_files_of_known_headers_and_odd_cells(upload, format):
    read_everything(*upload, format)


def test_it_stops_a_hang_at_the_time_bound():
    # The harness's own bound works even inside code that catches every Exception.
    with pytest.raises(Hung), time_bound(0.2):
        try:
            while True:
                pass
        except Exception:  # noqa: S110 (this is what the bound must get through)
            pass


def stored(team: object) -> dict[str, list]:
    """Everything an import may write for a team, as sorted rows of values."""
    tables = {
        "daily": models.DailyMetric.objects.filter(account__team=team),
        "campaigns": models.Campaign.objects.filter(account__team=team),
        "campaign_days": models.CampaignDay.objects.filter(campaign__account__team=team),
        "viewers": models.ViewerDay.objects.filter(account__team=team),
        "activity": models.FollowerActivity.objects.filter(account__team=team),
        "audience": models.AudienceShare.objects.filter(account__team=team),
        "videos": models.Video.objects.filter(account__team=team),
        "snapshots": models.VideoSnapshot.objects.filter(video__account__team=team),
        "files": ImportFile.objects.filter(run__team=team),
    }
    return {key: sorted(map(repr, query.values_list())) for key, query in tables.items()}


@pytest.mark.django_db
@fuzz_settings(40)
@given(upload=UPLOADS)
def test_it_writes_nothing_for_a_refused_upload(upload, acme, alice, acmecoffee):
    name, data = upload
    membership = alice.memberships.get(team=acme)
    before = stored(acme)

    with time_bound(TIME_BOUND):
        result = import_files(
            team=acme,
            user=alice,
            files=[(name, data)],
            account=acmecoffee,
            as_of=AS_OF,
            recompute=False,
        )
    if result.ok:
        # Accepted: it may write, and the next example starts from what it wrote.
        return
    assert result.errors
    assert stored(acme) == before

    with time_bound(TIME_BOUND):
        run = import_preview(
            membership=membership, user=alice, files=[(name, data)], account=acmecoffee, as_of=AS_OF
        )
    assert run.status == ImportRun.Status.FAILED
    assert stored(acme) == before
