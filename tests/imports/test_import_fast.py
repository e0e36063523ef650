"""The PostgreSQL fast path of canonical CSV imports against the Python path, file by file.

Every file is imported twice from the same starting point, once as the import does it
(the fast path where the file is plain) and once with the fast path turned off (the
parsers and the write API, analytics.writes), each in a savepoint rolled back afterwards. The daily
metrics (figures, and which rows were written) and everything the import says (counts,
scope, errors, notes, the summary and the ImportRun it records) must be the same.
Whether the fast path took the file is recorded too, so the tests can say it does take
plain files and leaves the others alone.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import METRIC_FIELDS, DailyMetric
from imports.models import ImportRun
from imports.services import import_upload
from imports.services.import_fast import fast_import
from imports.services.imports import import_files

AS_OF = date(2025, 1, 5)
CORPUS = Path(__file__).parent / "fuzz_corpus"
FILES = Path(__file__).parent / "files"
HEADER = (
    "date,handle,video_views,profile_views,likes,comments,shares,followers,spend,"
    "impressions,clicks,conversions,revenue"
)
RUN_FIELDS = (
    "format",
    "status",
    "date_from",
    "date_to",
    "rows_created",
    "rows_updated",
    "rows_unchanged",
    "account_handles",
    "ignored_columns",
    "notes",
    "errors",
    "error_count",
    "details",
    "message",
    "file_names",
)


class _Rolled(Exception):
    pass


def _state(since) -> list[tuple]:
    rows = DailyMetric.objects.order_by("account_id", "date").values_list(
        "account_id", "date", *METRIC_FIELDS, "updated_at"
    )
    return [(*row[:-1], row[-1] >= since) for row in rows]


def _outcome(team, data: bytes, *, fast: bool, account=None, dry_run=False) -> tuple:
    """What one import does and says, rolled back; and whether the fast path took the file."""
    taken: list[bool] = []

    def spy(*args, **kwargs):
        done = fast_import(*args, **kwargs) if fast else False
        taken.append(done)
        return done

    captured: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(import_upload, "fast_import", spy)
        try:
            with transaction.atomic():
                since = timezone.now()
                result = import_files(
                    team=team,
                    user=None,
                    files=[("upload.csv", io.BytesIO(data))],
                    account=account,
                    as_of=AS_OF,
                    recompute=False,
                    dry_run=dry_run,
                )
                run = ImportRun.objects.filter(pk=getattr(result.run, "pk", None)).first()
                captured["said"] = (
                    result.ok,
                    result.errors,
                    result.error_count,
                    (result.created, result.updated, result.unchanged),
                    result.handles,
                    result.account_ids,
                    (result.date_from, result.date_to),
                    result.ignored_columns,
                    result.notes,
                    result.files,
                    result.message,
                    result.summary_line(),
                    None if run is None else {name: getattr(run, name) for name in RUN_FIELDS},
                )
                captured["rows"] = _state(since)
                raise _Rolled
        except _Rolled:
            pass
    return captured["said"], captured["rows"], any(taken)


def same_both_ways(team, data: bytes, *, account=None, dry_run=False) -> bool:
    """Asserts both paths agree on `data`; returns whether the fast path took it."""
    fast_said, fast_rows, taken = _outcome(team, data, fast=True, account=account, dry_run=dry_run)
    slow_said, slow_rows, _ = _outcome(team, data, fast=False, account=account, dry_run=dry_run)
    assert fast_said == slow_said
    assert fast_rows == slow_rows
    return taken


def seed(team, data: bytes, account=None) -> None:
    result = import_files(
        team=team,
        user=None,
        files=[("seed.csv", data)],
        account=account,
        as_of=AS_OF,
        recompute=False,
    )
    assert result.ok, result.errors


def plain(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


DAY = "2025-01-02,acmecoffee,1200,30,80,-4,2,{followers},12.50,400,10,1,30"


@pytest.fixture
def accounts(acmecoffee, acme_deals):
    return acmecoffee, acme_deals


def test_a_plain_file_takes_the_fast_path_and_imports_as_the_python_path(acme, accounts):
    data = plain(
        [
            DAY.format(followers=900),
            "2025-01-03,@Acme.Deals,5,0,0,0,0,,0,0,0,0,0.5",
            "2025-01-04,acmecoffee,7,1,1,1,1,901,3,0,0,0,",
        ]
    )
    assert same_both_ways(acme, data)
    # Again over what the first import wrote: all unchanged, nothing written.
    seed(acme, data)
    assert same_both_ways(acme, data)
    # And over other figures: updated, with blank cells keeping what the day had.
    assert same_both_ways(
        acme, plain([DAY.format(followers=""), "2025-01-03,acme.deals,6,,,,,,,,,,"])
    )
    assert same_both_ways(acme, data, dry_run=True)


def test_a_file_without_handles_for_one_account(acme, accounts):
    acmecoffee, acme_deals = accounts
    data = plain(["2025-01-01,9,-1", "2025-01-02,10,0"], header="Date,Video_Views,LIKES")
    assert same_both_ways(acme, data, account=acmecoffee)
    assert same_both_ways(acme, b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"), account=acme_deals)
    # Without an account to import into, the Python path says why.
    assert not same_both_ways(acme, data)


@pytest.mark.parametrize(
    "rows",
    [
        ['2025-01-02,"acmecoffee",1,1,1,1,1,1,1,1,1,1,1'],  # a quoted cell
        ["2025-01-02,acmecoffee,-1,1,1,1,1,1,1,1,1,1,1"],  # negative views
        ["2025-01-02,acmecoffee,1,1,1,1,1,1,1.005,1,1,1,1"],  # three decimals
        ["2025-01-02,acmecoffee,1,1,1,1,1,1,1000000000000,1,1,1,1"],  # too large
        ["2025-01-02,acmecoffee,1,1,-9223372036854775808,1,1,1,1,1,1,1,1"],
        ["2025-01-02,acmecoffee,1.0,1,1,1,1,1,1,1,1,1,1"],
        ["2025-01-02,acmecoffee,1,1,1,1,1,1,NaN,1,1,1,1"],
        ["2025-01-09,acmecoffee,1,1,1,1,1,1,1,1,1,1,1"],  # after the reference date
        ["2025-02-30,acmecoffee,1,1,1,1,1,1,1,1,1,1,1"],
        ["2025-01-02,nobody,1,1,1,1,1,1,1,1,1,1,1"],
        ["2025-01-02,,1,1,1,1,1,1,1,1,1,1,1"],
        [",,,,,,,,,,,,", DAY.format(followers=1)],
        [DAY.format(followers=1), DAY.format(followers=1)],  # the same day twice, alike
        [DAY.format(followers=1), DAY.format(followers=2)],  # ... and not
        [DAY.format(followers=1), DAY.format(followers=1).replace("acmecoffee", "@acmecoffee")],
        [DAY.format(followers=1), "", DAY.format(followers=1).replace("01-02", "01-03")],
        [DAY.format(followers=1).replace("2025-01-02", " 2025-01-02")],
        [DAY.format(followers=1).replace("2025-01-02", "2025-1-2")],
        [DAY.format(followers=1) + ","],  # a trailing empty cell
        [DAY.format(followers=1)[:-3]],  # a short row
        ["\\."],
        [DAY.format(followers="1\\")],
        [DAY.format(followers=1).replace("acmecoffee", "acmecoffée")],
        [DAY.format(followers="\u0661")],  # an Arabic-Indic digit
        # Read as numbers by PostgreSQL 16 and later, not by the parser (nor by 15, where
        # the COPY fails): each sends the file to the Python path on any version.
        [DAY.format(followers="0x10")],
        [DAY.format(followers=" -0b11")],
        [DAY.format(followers="1").replace("12.50", "0O17")],
        [DAY.format(followers="1_000")],
    ],
)
@pytest.mark.parametrize("seeded", [False, True], ids=["new days", "over a known day"])
def test_anything_not_plain_is_read_by_the_python_path(acme, accounts, rows, seeded):
    if seeded:
        # The merge (existing days) and the plain insert (none) check the cells alike.
        seed(acme, plain([DAY.format(followers=5)]))
    assert not same_both_ways(acme, plain(rows))


@pytest.mark.parametrize(
    "rows",
    [
        ["2025-01-02,acmecoffee,1,1,1,1,1,1,1e2,1,1,1,1.5E1"],  # exponents
        ["2025-01-02,acmecoffee, 1,+1,-1,1,1,1, 2 ,1,1,1,-0"],  # spaces, signs
        ["2025-01-02,acmecoffee,0007,1,-0,1,1,1,.5,1,1,1,5."],  # leading zeros, bare points
        ["2025-01-02,acmecoffee,999999999999999999,1,1,1,1,1,999999999999.99,1,1,1,1"],
    ],
)
def test_figures_the_parser_reads_alike_take_the_fast_path(acme, accounts, rows):
    assert same_both_ways(acme, plain(rows))
    seed(acme, plain(rows))
    assert same_both_ways(acme, plain(rows))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        HEADER.encode(),
        HEADER.encode() + b"\n",
        b"date;handle;likes\n2025-01-02;acmecoffee;3\n",
        b"date,handle,likes,notes\n2025-01-02,acmecoffee,3,x\n",
        b"date,handle,likes,likes\n2025-01-02,acmecoffee,3,3\n",
        b"date,handle,likes\r2025-01-02,acmecoffee,3\r",
        b"date,handle,likes\n2025-01-02,acmecoffee,3\x00\n",
        b"date,handle,likes\n2025-01-02,acmecoff\xe9e,3\n",
        "date,handle,likes\n2025-01-02,acmecoffee,3\n".encode("utf-16"),
    ],
)
def test_odd_files_are_read_by_the_python_path(acme, accounts, data):
    assert not same_both_ways(acme, data)


@pytest.mark.parametrize(
    "path",
    sorted(
        [
            *(path for path in CORPUS.iterdir() if path.suffix != ".py"),
            *FILES.glob("**/canonical*.csv"),
        ]
    ),
    ids=lambda path: path.name,
)
def test_the_corpus_and_test_files_read_alike(acme, accounts, path):
    # Of these, only the corpus's canonical CSV is plain for Acme's two accounts.
    assert same_both_ways(acme, path.read_bytes()) == (path == CORPUS / "canonical.csv")
    same_both_ways(acme, path.read_bytes(), account=accounts[0])


# Mostly plain cells, so that many files take the fast path, and now and then an odd one.
PLAIN_CELLS = st.sampled_from(["", "0", "7", "12", "-3", "007", "1.5", "2.50", "3.", ".5", "-0"])
ODD_CELLS = st.sampled_from(
    ["1e2", " 4", "+5", "x", "99999999999999999999", "999999999999.99", "1000000000000"]
    + ["-", "1,5", "1.234", '"7"', "NaN"]
)
CELLS = st.one_of(PLAIN_CELLS, PLAIN_CELLS, PLAIN_CELLS, PLAIN_CELLS, ODD_CELLS)
HANDLES = st.one_of(
    st.sampled_from(["acmecoffee", "acme.deals", "@AcmeCoffee"]),
    st.sampled_from(["acmecoffee", "acme.deals", "nobody", "", '"acmecoffee"']),
)
DAYS = st.integers(min_value=-4, max_value=1).map(lambda n: (AS_OF + timedelta(days=n)).isoformat())


@st.composite
def canonical_files(draw) -> bytes:
    fields = draw(st.lists(st.sampled_from(METRIC_FIELDS), min_size=1, max_size=6, unique=True))
    columns = ["date", "handle", *fields]
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if rows and draw(st.integers(0, 5)) == 0:
            rows.append(draw(st.sampled_from(rows)))  # the same day again
            continue
        cells = [draw(DAYS), draw(HANDLES), *(draw(CELLS) for _ in fields)]
        rows.append(",".join(cells))
    text = "\n".join([",".join(columns), *rows]) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode()
    return b"\xef\xbb\xbf" + data if draw(st.booleans()) else data


@pytest.mark.django_db
@settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=canonical_files(), data=canonical_files())
def test_generated_files_read_alike(acme, accounts, before, data):
    with transaction.atomic():
        seed_result = import_files(
            team=acme, user=None, files=[("seed.csv", before)], as_of=AS_OF, recompute=False
        )
        same_both_ways(acme, data)
        transaction.set_rollback(True)
    assert seed_result is not None


def test_a_number_in_another_notation_is_seen_across_two_chunks(monkeypatch):
    from imports.services import import_fast

    rows = [DAY.format(followers=n) for n in range(40)] + [DAY.format(followers="0x10")]
    data = plain(rows)
    cut = data.index(b",0x10") + 2  # the chunk ends between "0" and "x"
    monkeypatch.setattr(import_fast, "_CHUNK", cut)
    stream = io.BytesIO(data)
    seen = []
    tail = b""
    while chunk := stream.read(cut):
        seen.append(import_fast._other_notation(tail + chunk))
        tail = chunk[-import_fast._OVERLAP :]
    assert seen == [False, True]
    # Handles and dates with letters, underscores and zeros are no numbers.
    assert not import_fast._other_notation(b"2025-01-02,shop_0box_2,1,2\n")
