"""analytics.models.scorecards.flag_raised: the database finds the scorecards whose
flags, as flags_of reads them, hold a flag: a whole name only."""

from __future__ import annotations

import pytest

from analytics.models import Scorecard
from analytics.models.scorecards import flag_raised, flags_of
from analytics.scorecards.rules import FLAGS
from tests.factories import AccountFactory, ScorecardFactory

pytestmark = pytest.mark.django_db

# Every position of a flag in the joined list, and names that only contain one.
STORED = [
    "",
    *FLAGS,
    ";".join(FLAGS),
    ";".join(reversed(FLAGS)),
    "data_gap;declining",
    "declining;no_data",
    "no_data;declining;data_gap",
    "declining_soon",
    "not_declining;no_data_gap",
    "data_gaps;x_no_data",
    # Another case is another name.
    "DECLINING;No_Data",
    "data_gap;Declining",
]


@pytest.mark.parametrize("flag", FLAGS)
def test_it_finds_what_flag_list_holds(acme, flag) -> None:
    for n, flags in enumerate(STORED):
        ScorecardFactory(account=AccountFactory(team=acme, handle=f"a{n}"), flags=flags)
    cards = list(Scorecard.objects.all())
    found = set(Scorecard.objects.filter(flag_raised(flag)).values_list("pk", flat=True))
    assert found == {card.pk for card in cards if flag in flags_of(card.flags)}
    assert found
