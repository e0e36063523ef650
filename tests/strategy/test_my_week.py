"""My week: a manager's accounts with this week's progress; leads see the team, filtered."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Kind, Role
from strategy.models import Checklist, WeekPractice
from strategy.services import check_set
from tests.factories import AccountFactory, MembershipFactory, UserFactory
from tests.strategy.helpers import checklist_url, item, open_checklist

pytestmark = pytest.mark.django_db

URL = reverse("strategy:my-week", args=["acme"])
WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE"}


def test_it_requires_login(client, acme) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_other_teams(login, charlie, acme) -> None:
    assert login(charlie).get(URL).status_code == 404


def test_it_shows_a_manager_only_the_accounts_they_manage(
    login, bob, acmecoffee, acme_deals
) -> None:
    checklist = open_checklist(acmecoffee)
    check_set(checklist=checklist, item=item(checklist, "Hosted"), user=bob, ticked=True)
    page = login(bob).get(URL).content.decode()
    assert "<title>My week" in page
    assert "@acmecoffee" in page and "@acme.deals" not in page
    assert checklist_url(acmecoffee) in page
    assert '<progress class="pb-progress mb-2" max="7" value="2"' in page
    # What is left, by name; what is done is not listed.
    left = page[page.index("Left this week") :]
    assert "Replied to comments on at least three days" in left
    assert "Hosted or joined a live session" not in left
    assert 'id="id_kind"' not in page  # filters are for leads


def test_it_opens_this_weeks_checklists(login, bob, acmecoffee, week) -> None:
    login(bob).get(URL)
    assert Checklist.objects.get(account=acmecoffee).week_start == week


def test_a_visit_after_the_weeks_first_writes_nothing(
    login, alice, acmecoffee, acme_deals, week
) -> None:
    client = login(alice)
    client.get(URL)
    assert Checklist.objects.filter(week_start=week).count() == 2
    figures = list(WeekPractice.objects.filter(week_start=week).values_list("pk", "done"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in WRITES]
    assert writes == []
    assert list(WeekPractice.objects.filter(week_start=week).values_list("pk", "done")) == figures
    # A new account's checklist is opened at the next visit, with its figures.
    late = AccountFactory(team=acmecoffee.team, handle="late", kind=Kind.MARKETING)
    client.get(URL)
    assert Checklist.objects.filter(account=late, week_start=week).exists()
    assert WeekPractice.objects.filter(account=late, week_start=week).exists()


def test_it_shows_a_lead_the_whole_team_with_filters(
    login, alice, bob, acmecoffee, acme_deals, acme
) -> None:
    mia = UserFactory(username="mia")
    MembershipFactory(team=acme, user=mia, role=Role.MANAGER)
    promo = AccountFactory(team=acme, handle="promo", kind=Kind.MARKETING, managers=[mia])
    AccountFactory(team=acme, handle="old", kind=Kind.MARKETING, archived=True)
    client = login(alice)
    page = client.get(URL).content.decode()
    assert all(f"@{a.handle}<" in page for a in (acmecoffee, acme_deals, promo))
    assert "@old<" not in page
    page = client.get(URL, {"kind": "marketing"}).content.decode()
    assert "@acme.deals<" in page and "@promo<" in page and "@acmecoffee<" not in page
    page = client.get(URL, {"manager": mia.pk}).content.decode()
    assert "@promo<" in page and "@acme.deals<" not in page and "@acmecoffee<" not in page
    page = client.get(URL, {"kind": "official", "manager": mia.pk}).content.decode()
    assert "No account matches these filters" in page


def test_it_swaps_only_the_table_for_htmx(login, alice, acmecoffee) -> None:
    response = login(alice).get(
        URL, {"kind": "official"}, headers={"HX-Request": "true", "HX-Target": "week-table"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="week-table">')
    assert "<html" not in page and "@acmecoffee" in page
    assert "HX-Request" in response["Vary"]


def test_it_tells_a_manager_without_accounts_what_to_do(login, bob) -> None:
    page = login(bob).get(URL).content.decode()
    assert "No account is assigned to you yet" in page


def test_it_reads_the_week_in_a_constant_number_of_queries(
    login, alice, acme, django_assert_max_num_queries
) -> None:
    client = login(alice)
    # One of each kind, so that every rule that reads data is asked from the start.
    AccountFactory(team=acme, handle="first", kind=Kind.MARKETING)
    AccountFactory(team=acme, handle="second", kind=Kind.OFFICIAL)
    client.get(URL)  # templates and checklists exist from here on

    def queries() -> int:
        with django_assert_max_num_queries(100) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(6):
        AccountFactory(
            team=acme, handle=f"more{n}", kind=Kind.MARKETING if n % 2 else Kind.OFFICIAL
        )
    client.get(URL)
    assert queries() == few


# -- pages --


def _accounts(acme, count: int, **kwargs) -> list:
    """`count` active accounts, both kinds, handles in page order (w00, w01, ...)."""
    return [
        AccountFactory(
            team=acme, handle=f"w{n:02d}", kind=Kind.MARKETING if n % 2 else Kind.OFFICIAL, **kwargs
        )
        for n in range(count)
    ]


def _shown(page: str) -> list[str]:
    return re.findall(r'id="week-\d+"><a href="[^"]*">@([^<]+)</a>', page)


def test_it_shows_a_lead_25_accounts_a_page(login, alice, acme) -> None:
    _accounts(acme, 30)
    client = login(alice)
    first = client.get(URL).content.decode()
    assert _shown(first) == [f"w{n:02d}" for n in range(25)]
    assert "Page 1 of 2 (30 accounts)" in first
    assert "Accounts 1 to 25 of 30, page 1 of 2." in first
    assert f'href="{URL}?page=2"' in first and "Previous" not in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert _shown(second) == [f"w{n:02d}" for n in range(25, 30)]
    assert "Page 2 of 2 (30 accounts)" in second and f'href="{URL}?page=1"' in second
    assert "<title>My week" in second and "Acme: this week</h1>" in second


def test_it_opens_and_reads_only_the_checklists_of_the_page_shown(login, alice, acme, week) -> None:
    accounts = _accounts(acme, 30)
    client = login(alice)
    client.get(URL)
    opened = set(Checklist.objects.filter(week_start=week).values_list("account_id", flat=True))
    assert opened == {a.pk for a in accounts[:25]}
    client.get(URL, {"page": 2})
    assert Checklist.objects.filter(week_start=week).count() == 30


def test_its_page_links_keep_the_filters_and_swap_the_table(login, alice, acme) -> None:
    _accounts(acme, 60)
    response = login(alice).get(
        URL,
        {"kind": "marketing", "page": 1},
        headers={"HX-Request": "true", "HX-Target": "week-table"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="week-table">') and "<html" not in page
    assert _shown(page) == [f"w{n:02d}" for n in range(1, 50, 2)]
    assert "Page 1 of 2 (30 accounts)" in page
    link = f"{URL}?kind=marketing&amp;page=2"
    assert f'href="{link}" hx-get="{link}" hx-target="#week-table"' in page
    assert 'hx-swap="outerHTML" hx-push-url="true"' in page


def test_its_page_links_keep_the_manager_filter(login, alice, bob, acme) -> None:
    _accounts(acme, 27, managers=[bob])
    AccountFactory(team=acme, handle="zz_unmanaged")
    page = login(alice).get(URL, {"manager": bob.pk, "page": 2}).content.decode()
    assert _shown(page) == ["w25", "w26"]
    assert f'href="{URL}?manager={bob.pk}&amp;page=1"' in page
    assert "Page 2 of 2 (27 accounts)" in page
    assert f'<option value="{bob.pk}" selected>' in page  # the select still works


def test_a_page_out_of_range_shows_the_last(login, alice, acme) -> None:
    _accounts(acme, 30)
    client = login(alice)
    for number in ("9", "-1"):
        page = client.get(URL, {"page": number}).content.decode()
        assert _shown(page) == [f"w{n:02d}" for n in range(25, 30)], number
    page = client.get(URL, {"page": "x"}).content.decode()
    assert _shown(page)[0] == "w00"


def test_a_page_number_no_team_reaches_shows_the_last(login, alice, acme) -> None:
    _accounts(acme, 30)
    # Past what the database can skip: not an error page, the last page as for "9".
    response = login(alice).get(URL, {"page": "9" * 30})
    assert response.status_code == 200
    assert _shown(response.content.decode()) == [f"w{n:02d}" for n in range(25, 30)]


def test_a_manager_pages_through_only_their_accounts(login, bob, acme) -> None:
    _accounts(acme, 28, managers=[bob])
    AccountFactory(team=acme, handle="a_not_bobs")
    client = login(bob)
    first = client.get(URL).content.decode()
    assert _shown(first) == [f"w{n:02d}" for n in range(25)]
    assert "Page 1 of 2 (28 accounts)" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert _shown(second) == ["w25", "w26", "w27"]
    assert "a_not_bobs" not in first + second


def test_one_page_has_no_page_links(login, alice, acmecoffee, acme_deals) -> None:
    page = login(alice).get(URL).content.decode()
    assert "Pages of accounts" not in page and "Accounts 1 to" not in page


def test_a_page_of_another_team_is_404(login, charlie, acme) -> None:
    _accounts(acme, 30)
    assert login(charlie).get(URL, {"page": 2}).status_code == 404


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_its_queries_are_as_many_at_3_and_at_40_accounts(
    login, alice, bob, acme, role, django_assert_max_num_queries
) -> None:
    user = alice if role == "lead" else bob
    client = login(user)

    def queries(params: dict) -> int:
        client.get(URL, params)  # opens the page's checklists
        with django_assert_max_num_queries(10) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured.captured_queries)

    _accounts(acme, 3, managers=[bob])
    manager = {"manager": bob.pk, "page": 1}
    few = [queries({}), queries({"kind": "marketing", "page": 1}), queries(manager)]
    for n in range(3, 40):
        AccountFactory(
            team=acme,
            handle=f"w{n:02d}",
            kind=Kind.MARKETING if n % 2 else Kind.OFFICIAL,
            managers=[bob],
        )
    assert [queries({}), queries({"kind": "marketing", "page": 1}), queries(manager)] == few
    assert queries({"page": 2}) == few[0]


def test_it_names_an_accounts_managers_by_username_as_the_account_page(
    login, alice, bob, acme
) -> None:
    managers = [bob]
    for name in ("zed", "abe", "cal"):
        user = UserFactory(username=name)
        MembershipFactory(team=acme, user=user, role=Role.MANAGER)
        managers.append(user)
    # Added in another order than their names'.
    account = AccountFactory(team=acme, handle="shared", managers=managers)
    client = login(alice)

    week_page = client.get(URL).content.decode()
    account_page = client.get(reverse("accounts:account-detail", args=["acme", "shared"]))

    assert "Managed by abe, bob, cal, zed</p>" in week_page
    names = re.findall(r"\b(abe|bob|cal|zed)\b", account_page.content.decode())
    assert names[:4] == ["abe", "bob", "cal", "zed"], account.handle
