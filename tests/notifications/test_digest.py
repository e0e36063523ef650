from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from analytics.models import Scorecard
from lib.dates import monday_of, this_week
from notifications.digests import digest_build
from notifications.models import DigestDelivery, DigestFrequency, DigestPreference
from notifications.selectors import Topic, attention_get
from notifications.services import digests_send
from strategy.services import checklist_open, templates_ensure
from tests.factories import AccountFactory, ScorecardFactory

pytestmark = pytest.mark.django_db
BASE = "https://playbook.example.com"


@pytest.fixture
def week(alice, bob, charlie, acmecoffee, acme_deals, globex_main):
    """Alice leads Acme, Bob manages @acmecoffee, Charlie leads Globex; all have e-mail."""
    for user in (alice, bob, charlie):
        user.email = f"{user.username}@example.com"
        user.save()
    templates_ensure(team=acmecoffee.team)
    checklist_open(account=acmecoffee, week_start=this_week())
    ScorecardFactory(
        account=acmecoffee, overall_score=70, previous_overall_score=82, flags="declining"
    )
    ScorecardFactory(
        account=acme_deals,
        overall_score=55,
        previous_overall_score=50,
        reviewed_by=alice,
        reviewed_at=timezone.now() - timedelta(days=1),
        review_comment="Spend paid off this month.",
    )
    ScorecardFactory(account=globex_main, overall_score=91)
    return timezone.localdate()


def test_it_sends_a_lead_the_teams_grades_attention_and_reviews(inbox, week, alice) -> None:
    run = digests_send(on=week)
    assert run.sent == 3 and run.failed == 0
    [mail] = inbox.to("alice@example.com")
    message = mail.message
    assert message["Subject"].startswith("Your week at Acme")
    text, html = mail.part("text/plain"), mail.part("text/html")
    for body in (text, html):
        assert "@acmecoffee" in body and "@acme.deals" in body
        assert "@globex" not in body
        assert "Spend paid off this month." in body
        assert "is declining" in body
    assert "-12.0" in text and "+5.0" in text
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith(BASE) for link in links)
    assert f"{BASE}/t/acme/a/acmecoffee/scorecard/" in links


def test_it_sends_a_manager_only_their_accounts_and_open_items(inbox, week, bob) -> None:
    digests_send(on=week)
    [mail] = inbox.to("bob@example.com")
    text, html = mail.part("text/plain"), mail.part("text/html")
    for body in (text, html):
        assert "@acmecoffee" in body
        assert "acme.deals" not in body and "globex" not in body
        assert "Spend paid off" not in body and "needs attention" not in body.lower()
    assert "OPEN CHECKLIST ITEMS THIS WEEK" in text and "of" in text and "done" in text
    assert f"{BASE}/t/acme/a/acmecoffee/checklist/" in html


def test_it_sends_the_lead_of_another_team_only_that_team(inbox, week) -> None:
    digests_send(on=week)
    [mail] = inbox.to("charlie@example.com")
    text = mail.part("text/plain")
    assert "@globex" in text and "acme" not in text.replace("example.com", "")


def test_it_sends_each_user_one_digest_per_week(inbox, week) -> None:
    assert digests_send(on=week).sent == 3
    again = digests_send(on=monday_of(week) + timedelta(days=6))
    assert again.sent == 0 and again.skipped == 3
    assert len(inbox.received) == 3
    assert DigestDelivery.objects.filter(preview=False).count() == 3


def test_it_skips_members_without_email_or_who_chose_never(inbox, week, alice, bob) -> None:
    DigestPreference.objects.create(user=alice, frequency=DigestFrequency.NEVER)
    bob.email = ""
    bob.save()
    digests_send(on=week)
    assert [r.envelope_to for r in inbox.received] == [["charlie@example.com"]]


def test_it_unsubscribes_in_one_click_per_rfc_8058(inbox, week, alice) -> None:
    digests_send(on=week)
    [mail] = inbox.to("alice@example.com")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto its next line: the value starts after the whitespace.
    url = re.fullmatch(r"<(.+)>", mail.message["List-Unsubscribe"].strip()).group(1)
    assert url.startswith(f"{BASE}/unsubscribe/")
    path = url.removeprefix(BASE)
    # A mail client posts without cookies or a CSRF token.
    client = Client(enforce_csrf_checks=True)
    assert "Unsubscribe" in client.get(path).content.decode()
    assert DigestPreference.objects.filter(user=alice).count() == 0
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert DigestPreference.objects.get(user=alice).frequency == DigestFrequency.NEVER
    inbox.received.clear()
    digests_send(on=week + timedelta(days=7))
    assert not inbox.to("alice@example.com")


def test_it_refuses_a_forged_unsubscribe_link(client, alice) -> None:
    response = client.post(reverse("notifications:unsubscribe", args=["forged:token"]))
    assert response.status_code == 404
    assert not DigestPreference.objects.exists()


def test_the_command_sends_one_team_for_a_date(inbox, week) -> None:
    call_command("send_digests", "--team", "globex", "--date", week.isoformat())
    assert [r.envelope_to for r in inbox.received] == [["charlie@example.com"]]
    with pytest.raises(CommandError, match="Unknown team 'nope'"):
        call_command("send_digests", "--team", "nope")
    with pytest.raises(CommandError, match="--date"):
        call_command("send_digests", "--date", "0001-01-01")


def test_it_keeps_a_digest_unsent_when_the_server_is_down(settings, week) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    run = digests_send(on=week)
    assert run.failed == 3 and not DigestDelivery.objects.exists()


def test_it_reads_grades_in_bounded_queries(inbox, week, acme, django_assert_max_num_queries):
    for _ in range(30):
        ScorecardFactory(account=AccountFactory(team=acme))
    assert Scorecard.objects.count() > 30
    with django_assert_max_num_queries(60):
        digests_send(on=week)


def test_a_leads_digest_has_the_lines_of_needs_attention(week, alice, acme) -> None:
    """The digest's Needs attention lines are those attention_get reads alone."""
    membership = alice.memberships.get(team=acme)
    week_start = monday_of(week)
    digest = digest_build(user=alice, membership=membership, week_start=week_start)
    alone = attention_get(user=alice, membership=membership, today=week_start)
    assert digest.attention.lines == alone.lines
    declining = [line for line in alone.lines if line.topic == Topic.SCORECARD]
    assert [line.handle for line in declining] == ["acmecoffee"]
    assert "is declining" in declining[0].text and "-12.0 points" in declining[0].text
