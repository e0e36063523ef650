from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, Membership, Team

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_creates_a_team_members_and_an_account() -> None:
    run("create_team", "brand", "--name", "Brand Co")
    run(
        "add_member",
        "--team",
        "brand",
        "--username",
        "lea",
        "--role",
        "lead",
        "--password",
        "pw-12345-x",
    )
    run("add_member", "--team", "brand", "--username", "mo", "--role", "manager")
    output = run(
        "create_account",
        "--team",
        "brand",
        "--handle",
        "@Brand.Co",
        "--kind",
        "official",
        "--verified",
        "--manager",
        "mo",
        "--currency",
        "eur",
    )
    assert "@brand.co" in output
    account = Account.objects.get(handle="brand.co")
    assert account.verified and account.currency == "EUR" and account.primary_goal == "brand_image"
    assert [m.username for m in account.managers.all()] == ["mo"]
    assert get_user_model().objects.get(username="lea").check_password("pw-12345-x")
    assert Membership.objects.get(user__username="mo").role == "manager"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("create_account", "--team", "nope", "--handle", "x1", "--kind", "official"),
            "Unknown team",
        ),
        (("create_account", "--team", "acme", "--handle", "bad.", "--kind", "official"), "handle"),
        (("create_account", "--team", "acme", "--handle", "ok1", "--kind", "influencer"), "kind"),
        (
            ("create_account", "--team", "acme", "--handle", "acmecoffee", "--kind", "official"),
            "already",
        ),
        (
            (
                "create_account",
                "--team",
                "acme",
                "--handle",
                "ok1",
                "--kind",
                "official",
                "--goal",
                "fame",
            ),
            "primary_goal",
        ),
        (
            (
                "create_account",
                "--team",
                "acme",
                "--handle",
                "ok1",
                "--kind",
                "official",
                "--manager",
                "ghost",
            ),
            "Unknown manager",
        ),
        (("add_member", "--team", "acme", "--username", "zed", "--role", "boss"), "Unknown role"),
        (("add_member", "--team", "nope", "--username", "zed", "--role", "lead"), "Unknown team"),
        (("create_team", "acme", "--name", "Again"), "exists"),
    ],
)
def test_it_fails_with_one_line_and_writes_nothing(acme, acmecoffee, args, message) -> None:
    before = (
        Team.objects.count(),
        Account.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    after = (
        Team.objects.count(),
        Account.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
    )
    assert before == after


def test_it_exits_non_zero_from_the_shell(acme) -> None:
    import subprocess
    import sys

    from django.db import connection

    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_account",
            "--team",
            "nope",
            "--handle",
            "x1",
            "--kind",
            "official",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: Unknown team 'nope'."
