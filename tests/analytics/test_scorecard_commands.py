"""compute_scorecards and export_scorecards: what they print, write and refuse."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard, ScorecardRun
from analytics.scorecards.export import EXPORT_COLUMNS
from lib.dates import yesterday
from tests.analytics.conftest import BASE_DIR, Broker, subprocess_database_url

END = date(2025, 3, 28)
DEAD_BROKER = "redis://127.0.0.1:1/0"


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def metrics(acmecoffee: Account, acme_deals: Account, globex_main: Account) -> None:
    DailyMetric.objects.bulk_create(
        DailyMetric(account=account, date=END - timedelta(days=n), video_views=1000, likes=50)
        for account in (acmecoffee, acme_deals, globex_main)
        for n in range(28)
    )


# compute_scorecards


def test_it_computes_in_process_with_a_progress_bar(metrics: None) -> None:
    out, err = run("compute_scorecards", "--sync", "--team", "acme", "--end", "2025-03-28")

    assert "[" + "#" * 30 + "] 100% 4/4" in out
    assert "\r[" + "." * 30 + "]   0% 0/4" in out
    assert "done: 7-day and 28-day windows ending 2025-03-28, 4 scorecards" in out
    assert err == ""
    stored = Scorecard.objects.values_list("account__handle", "days")
    assert sorted(stored) == [
        ("acme.deals", 7),
        ("acme.deals", 28),
        ("acmecoffee", 7),
        ("acmecoffee", 28),
    ]
    assert ScorecardRun.objects.get().status == ScorecardRun.Status.DONE


def test_it_computes_the_windows_asked_for_every_team(metrics: None) -> None:
    run("compute_scorecards", "--sync", "--end", "2025-03-28", "--days", "14")

    assert set(Scorecard.objects.values_list("days", flat=True)) == {14}
    assert Scorecard.objects.count() == 3
    assert ScorecardRun.objects.get().scope == ScorecardRun.Scope.ALL


def test_it_lists_the_accounts_it_could_not_score(metrics: None, acme_deals: Account) -> None:
    DailyMetric.objects.filter(account=acme_deals, date=END).update(
        spend="0.01", revenue="100000000000.00"
    )

    out, err = run("compute_scorecards", "--sync", "--team", "acme", "--end", "2025-03-28")

    assert "done" in out
    assert err.startswith("@acme.deals (7 days): ValueError: roas")


def test_it_queues_a_run_by_default(
    metrics: None, broker: Broker, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("compute_scorecards", "--team", "acme")

    queued = ScorecardRun.objects.get()
    assert out == f"queued scorecard run {queued.pk} ({queued.public_id})\n"
    assert (queued.status, queued.end, queued.days) == ("pending", yesterday(), [7, 28])
    assert [m["id"] for m in broker.queued()] == [queued.task_id]


def test_it_says_background_work_is_unavailable_without_a_broker(metrics: None, settings) -> None:
    settings.CELERY_BROKER_URL = DEAD_BROKER

    out, err = run("compute_scorecards")

    waiting = ScorecardRun.objects.get()
    assert waiting.waiting_for_queue
    assert out == f"scorecard run {waiting.pk} ({waiting.public_id}) waits for the queue\n"
    assert "Background work is unavailable" in err and "Use --sync" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--team", "nope"), "Unknown team 'nope'."),
        (("--end", "2025-13-01"), "Invalid --end '2025-13-01': use a date like 2025-03-28."),
        (("--days", "week"), "Invalid --days 'week': use a whole number of days."),
        (("--days", "0"), "Invalid --days '0': use 1 to 366 days."),
    ],
)
@pytest.mark.parametrize("command", ["compute_scorecards", "export_scorecards"])
def test_it_refuses_bad_arguments_in_one_line(
    db: None, command: str, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError) as error:
        run(command, "--sync", *args) if command == "compute_scorecards" else run(command, *args)

    assert str(error.value) == message
    assert not ScorecardRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_exits_with_1_and_one_line_on_a_bad_argument(acme) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": subprocess_database_url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "export_scorecards", "--team", "nope"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "CommandError: Unknown team 'nope'.\n"


# export_scorecards


def test_it_exports_a_window_as_the_spec_csv(metrics: None) -> None:
    run("compute_scorecards", "--sync", "--end", "2025-03-28")

    out, err = run("export_scorecards", "--end", "2025-03-28")

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(EXPORT_COLUMNS)
    # Every team's 28-day scorecards, by team and handle.
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("acme.deals", "2025-03-01", "2025-03-28"),
        ("acmecoffee", "2025-03-01", "2025-03-28"),
        ("globex", "2025-03-01", "2025-03-28"),
    ]
    coffee = dict(zip(rows[0], rows[2], strict=True))
    # 28 x 50 likes on 28 x 1000 views: 0.05, exactly the official target.
    assert (coffee["kind"], coffee["views"], coffee["interactions"]) == (
        "official",
        "28000",
        "1400",
    )
    assert coffee["engagement_rate"] == "0.050000"
    assert (coffee["engagement_score"], coffee["overall_score"], coffee["grade"]) == (
        "100.0",
        "100.0",
        "A",
    )
    assert coffee["ctr"] == coffee["roi"] == ""
    assert err == ""


def test_it_exports_one_team_and_one_window_to_a_file(metrics: None, tmp_path: Path) -> None:
    run("compute_scorecards", "--sync", "--end", "2025-03-28")
    target = tmp_path / "scorecards.csv"

    out, err = run(
        "export_scorecards",
        "--team",
        "acme",
        "--days",
        "7",
        "--end",
        "2025-03-28",
        "-o",
        str(target),
    )

    assert out == ""
    assert err == f"wrote 2 scorecards to {target}\n"
    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("acme.deals", "2025-03-22"),
        ("acmecoffee", "2025-03-22"),
    ]


def test_it_exports_only_the_header_and_says_why_when_nothing_is_stored(db: None) -> None:
    out, err = run("export_scorecards")

    assert out == ",".join(EXPORT_COLUMNS) + "\n"
    assert err == (
        f"no stored scorecards for the 28 days ending {yesterday().isoformat()}; "
        "run compute_scorecards first\n"
    )


def test_it_reports_a_file_it_cannot_write_in_one_line(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^Cannot write .*missing/out.csv: No such file"):
        run("export_scorecards", "-o", str(tmp_path / "missing" / "out.csv"))
