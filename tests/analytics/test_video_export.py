"""export_videos and the Content page's CSV: a row per video and snapshot day (docs/imports.md)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.analytics.conftest import BASE_DIR, subprocess_database_url
from tests.analytics.videos_data import make_video
from tests.factories import AccountFactory

HEADER = (
    "handle,video_id,posted_on,title,snapshot_on,views,likes,comments,shares,"
    "engagement_rate,promotional\n"
)
DEALS_ROWS = (
    "acme.deals,7486000011122339999,2025-03-05,Summer sale,2025-03-06,8,1,0,0,0.125000,0\n"
    "acme.deals,7486000011122339999,2025-03-05,Summer sale,2025-03-07,16,1,0,0,0.062500,0\n"
)
COFFEE_ROWS = (
    "acmecoffee,7486000011122330000,2025-03-01,'@partner collab — ça va,2025-03-02,"
    "7,1,1,0,0.285714,1\n"
    'acmecoffee,7486000011122334400,2025-03-20,"Big sale, link in bio",2025-03-28,'
    "0,0,0,0,,1\n"
    'acmecoffee,7486000011122334455,2025-03-20,"\'=HYPERLINK(""x"")",2025-03-21,'
    "1000,40,5,5,0.050000,0\n"
    'acmecoffee,7486000011122334455,2025-03-20,"\'=HYPERLINK(""x"")",2025-03-28,'
    "3,2,0,0,0.666667,0\n"
)


@pytest.fixture
def videos(acmecoffee, acme_deals, globex_main, acme) -> None:
    # Snapshots are made newest first and videos out of order: the export sorts them.
    make_video(
        acmecoffee,
        "7486000011122334455",
        title='=HYPERLINK("x")',
        posted_on=date(2025, 3, 20),
        snapshots=[(date(2025, 3, 28), 3, 2, 0, 0), (date(2025, 3, 21), 1000, 40, 5, 5)],
    )
    make_video(
        acmecoffee,
        "7486000011122334400",
        title="Big sale, link in bio",
        posted_on=date(2025, 3, 20),
        snapshots=[(date(2025, 3, 28), 0, 0, 0, 0)],
    )
    make_video(
        acmecoffee,
        "7486000011122330000",
        title="@partner collab — ça va",
        posted_on=date(2025, 3, 1),
        snapshots=[(date(2025, 3, 2), 7, 1, 1, 0)],
        mark=True,
    )
    # "sale" is in the title, but a person said it is authentic.
    make_video(
        acme_deals,
        "7486000011122339999",
        title="Summer sale",
        posted_on=date(2025, 3, 5),
        snapshots=[(date(2025, 3, 7), 16, 1, 0, 0), (date(2025, 3, 6), 8, 1, 0, 0)],
        mark=False,
    )
    make_video(globex_main, "7486000011122338888", snapshots=[(date(2025, 3, 7), 5, 0, 0, 0)])
    archived = AccountFactory(team=acme, handle="acme.old", archived=True)
    make_video(archived, "7486000011122337777", snapshots=[(date(2025, 3, 7), 5, 0, 0, 0)])


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_videos", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_writes_the_teams_rows_in_the_spec_order(videos) -> None:
    out, err = run("--team", "acme")

    assert out == HEADER + DEALS_ROWS + COFFEE_ROWS
    assert err == ""


@pytest.mark.django_db
def test_it_writes_one_account_even_when_archived(videos) -> None:
    assert run("--team", "acme", "--account", "@AcmeCoffee")[0] == HEADER + COFFEE_ROWS
    assert "acme.old,7486000011122337777" in run("--team", "acme", "--account", "acme.old")[0]


@pytest.mark.django_db
def test_it_writes_a_file(videos, tmp_path) -> None:
    path = tmp_path / "videos.csv"

    out, err = run("--team", "acme", "-o", str(path))

    assert out == ""
    assert err == f"wrote 6 video snapshots to {path}\n"
    assert path.read_bytes() == (HEADER + DEALS_ROWS + COFFEE_ROWS).encode()


@pytest.mark.django_db
def test_it_says_when_there_is_nothing_to_write(acme, acmecoffee) -> None:
    out, err = run("--team", "acme", "--account", "acmecoffee")

    assert out == HEADER
    assert "no videos of @acmecoffee yet" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Name the team with --team SLUG."),
        (("--team", "nope"), "Unknown team 'nope'."),
        (("--team", "acme", "--account", "globex"), "Unknown account '@globex' in team 'acme'."),
        (("--team", "acme", "-o", "/nonexistent/dir/v.csv"), "Cannot write /nonexistent/dir/v.csv"),
    ],
)
def test_it_refuses_bad_arguments_in_one_line(videos, args, message) -> None:
    with pytest.raises(CommandError) as error:
        run(*args)

    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


@pytest.mark.django_db(transaction=True)
def test_it_exits_with_1_and_one_line(acme) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": subprocess_database_url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "export_videos", "--team", "acme", "--account", "nope"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "CommandError: Unknown account '@nope' in team 'acme'.\n"


# The Content page's download


def export_url(handle: str = "acmecoffee") -> str:
    return reverse("analytics:video-export", args=["acme", handle])


@pytest.mark.django_db
def test_it_downloads_the_accounts_rows_like_the_command(login, alice, videos) -> None:
    response = login(alice).get(export_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="videos-acme-acmecoffee.csv"'
    assert response.content.decode() == HEADER + COFFEE_ROWS
    assert response.content.decode() == run("--team", "acme", "--account", "acmecoffee")[0]


@pytest.mark.django_db
def test_it_downloads_only_what_the_user_may_see(login, bob, charlie, videos) -> None:
    assert login(charlie).get(export_url()).status_code == 404
    assert login(bob).get(export_url("acme.deals")).status_code == 404
    assert login(bob).get(export_url()).status_code == 200


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone, as with `export_videos ... | head`."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_it_stops_quietly_when_the_reader_stops_early(videos) -> None:
    err = io.StringIO()

    call_command("export_videos", "--team", "acme", stdout=_ClosedPipe(), stderr=err)

    assert err.getvalue() == ""
