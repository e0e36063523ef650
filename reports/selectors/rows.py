"""The team report's table of accounts, each row's cells written once in Python.

A team report has a row per account (a thousand and more): the template's variable
lookups and filters on each cell cost more than scoring the account. Here each cell is
the text the template wrote, by the same filters (`score`, `percent`) and the same
localization; the template only places these texts, escaped as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import localize

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


def account_rows(lines: list[AccountScores]) -> list[AccountRow]:
    return [
        AccountRow(
            handle=line.account.handle,
            kind=line.account.get_kind_display(),
            overall=score(line.score.overall_score),
            grade=line.score.grade or NONE,
            change=_change(line.change),
            engagement=score(line.score.engagement_score),
            roi=score(line.score.roi_score),
            practice=percent(line.practice),
            flags=line.flag_labels,
        )
        for line in lines
    ]


def _change(change: Decimal | None) -> str:
    if change is None:
        return NONE
    if change > 0:
        return f"▲ +{localize(change)}"
    if change < 0:
        return f"▼ {localize(change)}"
    return "▬ 0.0"
