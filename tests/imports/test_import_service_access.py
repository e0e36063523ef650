"""The import service: who may import for which account."""

from __future__ import annotations

from analytics.models import DailyMetric
from imports.services import import_rows
from tests.imports.import_service_files import read, run

# ---------------------------------------------------------------------------
# Who may import for which account


def test_it_refuses_a_managers_file_naming_an_account_they_do_not_manage(
    acme, bob, official, deals
):
    file = b"date,handle,likes\n2024-10-01,acmeofficial,3\n2024-10-01,acme.deals,4\n"

    result = run(acme, [("team.csv", file)], user=bob)

    assert result.errors == [
        "team.csv: line 3, column handle: @acme.deals is not one of your accounts in Acme"
    ]
    assert not DailyMetric.objects.exists()


def test_it_refuses_a_file_naming_another_account_on_an_accounts_import(
    acme, alice, official, deals
):
    file = b"date,handle,likes\n2024-10-01,acmeofficial,3\n2024-10-01,acme.deals,4\n"

    result = run(acme, [("team.csv", file)], user=alice, account=official)

    assert result.errors == [
        "team.csv: line 3, column handle: "
        "@acme.deals is not @acmeofficial, the account of this import"
    ]


def test_it_needs_an_account_for_an_ads_report(acme):
    result = run(acme, [("ads.csv", read("ads_manager.csv"))])

    assert result.errors == [f"ads.csv: {import_rows.NO_ACCOUNT}"]
