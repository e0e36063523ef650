"""The team report's table of accounts, each row's cells written once in Python.

A team report has a row per account (a thousand and more): the template's variable
lookups and filters on each cell cost more than scoring the account. Here each cell is
the text the template wrote, by the same filters (`score`, `percent`) and the same
localization; the template only places these texts, escaped as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.utils import numberformat
from django.utils.encoding import force_str
from django.utils.formats import get_format
from django.utils.translation import get_language

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


class RowWriter:
    """Writes the rows of a report in the current language. What every row shares is
    looked up once here: the kinds' labels (what `get_kind_display` gives) and the
    language's number format (what `localize` looks up for each number)."""

    def __init__(self) -> None:
        self.kinds = {
            value: force_str(label) for value, label in Account._meta.get_field("kind").flatchoices
        }
        language = get_language()
        # `localize` of a number is `number_format`: this format, with these arguments.
        self.number = partial(
            numberformat.format,
            decimal_sep=get_format("DECIMAL_SEPARATOR", language),
            decimal_pos=None,
            grouping=get_format("NUMBER_GROUPING", language),
            thousand_sep=get_format("THOUSAND_SEPARATOR", language),
            force_grouping=False,
            use_l10n=True,
        )

    def row(self, line: AccountScores) -> AccountRow:
        account, scored = line.account, line.score
        return AccountRow(
            handle=account.handle,
            kind=self.kinds.get(account.kind, account.kind),
            overall=score(scored.overall_score),
            grade=scored.grade or NONE,
            change=self.change(line.change),
            engagement=score(scored.engagement_score),
            roi=score(scored.roi_score),
            practice=percent(line.practice),
            flags=line.flag_labels,
        )

    def change(self, change: Decimal | None) -> str:
        if change is None:
            return NONE
        if change > 0:
            return f"▲ +{self.number(change)}"
        if change < 0:
            return f"▼ {self.number(change)}"
        return "▬ 0.0"
