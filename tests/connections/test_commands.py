"""sync_tiktok and rotate_tiktok_tokens; the nightly task run eagerly."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from analytics.models import DailyMetric
from connections import tokens
from connections.models import AccountSnapshot, Connection, SyncRun
from connections.tasks import sync_nightly
from tests.connections.conftest import connect
from tests.connections.test_sync_service import D1, D2, day_one, day_two


@pytest.mark.django_db
def test_it_syncs_a_team_for_a_date_in_one_line(tiktok, acmecoffee, capsys) -> None:
    connect(tiktok, acmecoffee)
    day_one(tiktok)
    call_command("sync_tiktok", "--team", "acme", "--date", D1.isoformat())
    day_two(tiktok)
    call_command(
        "sync_tiktok", "--team", "acme", "--account", "@AcmeCoffee", "--date", D2.isoformat()
    )
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        "synced 1 of 1 connections for 2025-03-10",
        "synced 1 of 1 connections for 2025-03-11",
    ]
    assert DailyMetric.objects.get(account=acmecoffee, date=D2).video_views == 270


@pytest.mark.django_db
def test_it_exits_1_when_a_sync_fails(tiktok, acmecoffee, capsys) -> None:
    connect(tiktok, acmecoffee)
    tiktok.state.fault("/v2/user/info/", 200, b"[1, 2]")
    with pytest.raises(SystemExit) as exit_:
        call_command("sync_tiktok", "--team", "acme", "--date", "2025-03-10")
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("synced 0 of 1 connections for 2025-03-10; failed: @acmecoffee display:")
    assert "not the JSON object" in err
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--team", "nope"], "Unknown team 'nope'."),
        (["--team", "acme", "--account", "ghost"], "No account @ghost in team acme."),
        (["--team", "acme", "--date", "11/03/2025"], "is not a date like 2025-03-01"),
        (["--team", "acme", "--date", "2999-01-01"], "is in the future"),
    ],
)
def test_it_refuses_bad_arguments(tiktok, acmecoffee, args, message) -> None:
    connect(tiktok, acmecoffee)
    with pytest.raises(CommandError, match=message):
        call_command("sync_tiktok", *args)
    assert not SyncRun.objects.exists()


@pytest.mark.django_db
def test_it_says_when_the_team_has_no_connection(acme) -> None:
    with pytest.raises(CommandError, match="No TikTok connection in team acme"):
        call_command("sync_tiktok", "--team", "acme")


@pytest.mark.django_db
def test_the_nightly_task_syncs_every_working_connection(
    tiktok, acmecoffee, acme_deals, django_capture_on_commit_callbacks
) -> None:
    connect(tiktok, acmecoffee)
    broken = connect(tiktok, acme_deals, source="ads")
    Connection.objects.filter(pk=broken.pk).update(status=Connection.Status.NEEDS_RECONNECT)
    day_one(tiktok)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_nightly.delay().get() == 1
    run = SyncRun.objects.get()
    assert (run.connection.account, run.status, run.source) == (acmecoffee, "done", "nightly")
    assert AccountSnapshot.objects.get(account=acmecoffee).followers == 1000


@pytest.mark.django_db
def test_it_rotates_tokens_to_the_newest_key(tiktok, acmecoffee, settings, capsys) -> None:
    connection = connect(tiktok, acmecoffee)
    plain = tokens.decrypt(connection.access_token)
    old_key = settings.PLAYBOOK_TOKEN_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.PLAYBOOK_TOKEN_KEYS = [new_key, old_key]
    call_command("rotate_tiktok_tokens")
    assert capsys.readouterr().out.strip() == "re-encrypted the tokens of 1 connection"
    settings.PLAYBOOK_TOKEN_KEYS = [new_key]
    connection.refresh_from_db()
    assert tokens.decrypt(connection.access_token) == plain
    settings.PLAYBOOK_TOKEN_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_tiktok_tokens")


def test_beat_syncs_every_night_before_the_scorecards() -> None:
    from config.celery import app

    sync = app.conf.beat_schedule["nightly-tiktok-sync"]
    scorecards = app.conf.beat_schedule["nightly-scorecards"]
    assert sync["task"] == "connections.tasks.sync_nightly"
    assert (min(sync["schedule"].hour), min(sync["schedule"].minute)) < (
        min(scorecards["schedule"].hour),
        min(scorecards["schedule"].minute),
    )
