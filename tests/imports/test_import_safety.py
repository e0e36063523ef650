"""The preview warns about dates placed in the wrong year and groups errors of one kind."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Kind
from imports.models import ImportRun
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

OVERVIEW = "Date,Video Views,Profile Views,Likes,Comments,Shares\n"


@pytest.fixture
def official(acme, bob):
    return AccountFactory(team=acme, handle="acmeofficial", kind=Kind.OFFICIAL, managers=[bob])


def preview(client, name: str, content: str, **data):
    url = reverse("imports:import-upload", args=["acme"]) + "?account=acmeofficial"
    upload = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    response = client.post(url, {"files": [upload], "format": "auto", **data}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_it_warns_when_the_download_date_puts_the_rows_a_year_early(login, alice, official):
    rows = "".join(f'"February {day}","10","1","1","0","0"\n' for day in range(21, 28))
    page = preview(login(alice), "Overview.csv", OVERVIEW + rows, as_of="2026-02-20")
    assert "Check the dates before you confirm" in page
    assert "placed on 27 Feb 2025, 358 days before the download date given (20 Feb 2026)" in page
    assert "will write 21 Feb 2025 to 27 Feb 2025" in page
    assert ImportRun.objects.get().date_to == date(2025, 2, 27)


def test_it_does_not_warn_for_a_download_made_after_the_last_day(login, alice, official):
    rows = "".join(f'"February {day}","10","1","1","0","0"\n' for day in range(21, 28))
    page = preview(login(alice), "Overview.csv", OVERVIEW + rows, as_of="2026-02-28")
    assert "Check the dates" not in page


def test_it_does_not_warn_for_a_file_running_over_new_year(login, alice, official):
    rows = "".join(f'"December {day}","10","1","1","0","0"\n' for day in range(28, 32))
    rows += "".join(f'"January {day}","10","1","1","0","0"\n' for day in range(1, 4))
    page = preview(login(alice), "Overview.csv", OVERVIEW + rows, as_of="2026-01-04")
    assert "Check the dates" not in page


def test_it_warns_about_a_year_step_the_dates_do_not_suggest(login, alice, official):
    # Rows out of order: walking up from 3 March, 20 September steps back a year.
    rows = '"March 1","1","1","1","0","0"\n"September 20","1","1","1","0","0"\n'
    rows += '"March 2","1","1","1","0","0"\n"March 3","1","1","1","0","0"\n'
    page = preview(login(alice), "Overview.csv", OVERVIEW + rows, as_of="2026-03-04")
    assert "lines 3 and 4: the rows go from 20 Sep to 02 Mar" in page
    assert "(2025-09-20, 163 days before 2026-03-02)" in page


def test_it_groups_errors_of_one_kind_with_a_link_to_the_fix(login, alice, official):
    header = "By Day,Cost,Impressions,Clicks,Currency\n"
    rows = "".join(f"2025-01-{day:02d},1.00,100,1,IDR\n" for day in range(1, 29))
    rows += "2025-01-29,1.00,100,1,USD\n2025-01-30,1.00,100,1,IDR\n"
    page = preview(login(alice), "ads.csv", header + rows, as_of="2025-02-01")
    assert (
        "ads.csv: lines 2-29, 31, column Currency: &#x27;IDR&#x27; differs from "
        "@acmeofficial&#x27;s currency USD"
    ) in page
    assert page.count("differs from @acmeofficial") == 1
    edit = reverse("accounts:account-edit", args=["acme", "acmeofficial"])
    assert f'href="{edit}"' in page


def test_managers_are_told_who_fixes_the_currency(login, bob, official):
    header = "By Day,Cost,Impressions,Clicks,Currency\n"
    page = preview(
        login(bob), "ads.csv", header + "2025-01-01,1.00,100,1,IDR\n", as_of="2025-02-01"
    )
    assert "A lead of Acme can change @acmeofficial&#x27;s currency." in page
    assert reverse("accounts:account-edit", args=["acme", "acmeofficial"]) not in page


def confirmed_import(client) -> ImportRun:
    rows = "".join(f'"February {day}","10","1","1","0","0"\n' for day in range(21, 28))
    preview(client, "Overview.csv", OVERVIEW + rows, as_of="2026-02-28")
    run = ImportRun.objects.get()
    response = client.post(reverse("imports:import-confirm", args=["acme", run.public_id]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED and run.scorecard_run is not None
    return run


def test_the_import_page_follows_the_recompute_until_it_is_done(login, alice, official):
    client = login(alice)
    run = confirmed_import(client)
    status_url = reverse("imports:import-recompute-status", args=["acme", run.public_id])
    page = client.get(reverse("imports:import-detail", args=["acme", run.public_id]))
    html = page.content.decode()
    assert f'hx-get="{status_url}"' in html
    assert "being recomputed" not in html

    polled = client.get(status_url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert f'hx-get="{status_url}"' in polled.content.decode()

    recompute = run.scorecard_run
    recompute.status, recompute.done, recompute.total = "done", 3, 3
    recompute.save()
    final = client.get(status_url, headers={"HX-Request": "true"})
    assert final.status_code == 286
    text = final.content.decode()
    assert (
        "Scorecards updated" in text
        and "3 scorecards (7-day, 28-day and 90-day, ending 27 Feb 2026" in text
    )
    assert "hx-get" not in text


def test_a_plain_request_for_the_status_goes_to_the_import(login, alice, official):
    client = login(alice)
    run = confirmed_import(client)
    url = reverse("imports:import-recompute-status", args=["acme", run.public_id])
    response = client.get(url)
    assert response.url == reverse("imports:import-detail", args=["acme", run.public_id])


def test_the_empty_scorecard_says_an_import_is_recomputing(login, alice, official):
    client = login(alice)
    confirmed_import(client)
    page = client.get(reverse("accounts:account-detail", args=["acme", "acmeofficial"]))
    html = page.content.decode()
    assert "the scorecards are being computed now" in html
    assert "Recompute now" not in html
