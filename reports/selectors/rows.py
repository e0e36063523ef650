"""The team report's table of accounts, each row's cells written once in Python.

A team report has a row per account (a thousand and more): the template's variable
lookups and filters on each cell cost more than scoring the account. Here each cell is
the text the template wrote, by the same filters (`score`, `percent`) and the same
localization; the template only places these texts, escaped as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.encoding import force_str
from django.utils.formats import localize

from accounts.models import Account
from accounts.templatetags.playbook import NONE, percent, score
from reports.selectors.scores import AccountScores


@dataclass(frozen=True, slots=True)
class AccountRow:
    handle: str
    kind: str
    overall: str
    grade: str
    change: str
    engagement: str
    roi: str
    practice: str
    flags: str


def kind_labels() -> dict[str, str]:
    """What `get_kind_display` gives of each kind, looked up once instead of once per
    account."""
    return {value: force_str(label) for value, label in Account._meta.get_field("kind").flatchoices}


def account_row(line: AccountScores, kinds: dict[str, str]) -> AccountRow:
    """The row of one line, `kinds` from `kind_labels()`."""
    account, scored = line.account, line.score
    return AccountRow(
        handle=account.handle,
        kind=kinds.get(account.kind, account.kind),
        overall=score(scored.overall_score),
        grade=scored.grade or NONE,
        change=_change(line.change),
        engagement=score(scored.engagement_score),
        roi=score(scored.roi_score),
        practice=percent(line.practice),
        flags=line.flag_labels,
    )


def _change(change: Decimal | None) -> str:
    if change is None:
        return NONE
    if change > 0:
        return f"▲ +{localize(change)}"
    if change < 0:
        return f"▼ {localize(change)}"
    return "▬ 0.0"
