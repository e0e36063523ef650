"""Evidence rules: checklist items that are ticked from data rather than by hand.

A rule is `func(accounts, start, end) -> {account_id: bool}`: set-based, so it answers for
every account of a page with at most one query. Rules that read metrics live in the app that
owns the metrics and register themselves from its AppConfig.ready(): strategy never imports
analytics. A rule may also register `by_week(accounts, start, end) -> {account_id: {monday}}`,
the Mondays of the weeks inside [start, end] where it holds, so that a history of many weeks
costs one query too; without it the rule is asked once per week.

An item whose rule nobody registered shows as "not available" and counts neither as done
nor as to do. So does an item whose rule has no answer for the account or the week, where
the data cannot say (e.g. "one promotional post in five" in a week without any video): a
rule, or its by_week variant, leaves the account out of its answer; a by_week variant may
also answer `{monday: bool}` instead of a set, and leave weeks out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import Account

Rule = Callable[[list[Account], date, date], dict[int, bool]]
# Per account: the Mondays where the rule holds (any other week: it does not), or
# {monday: holds} where weeks left out are weeks the rule has no answer for.
ByWeek = Callable[[list[Account], date, date], dict[int, set[date] | dict[date, bool]]]

# What each known rule checks, for the item form and the "from data" mark.
LABELS = {
    "account_verified": "The account is verified (its verified setting).",
    "kpi_targets_set": "Targets for conversion rate, CTR and ROI are all above zero.",
    "paid_promotion_ran": "Daily metrics show spend above zero in the week.",
    "promotional_one_in_five": (
        "At most one in five of the videos posted in the week is promotional (a person's mark, "
        "else the title's promotional markers); not available in a week without videos."
    ),
    "three_videos_posted": "At least three videos were posted in the week.",
    "promotional_video_posted": (
        "At least one video posted in the week is promotional (a person's mark, else the "
        "title's promotional markers)."
    ),
}

# Why a registered rule has no answer for a week, where it can have none.
NO_ANSWER = {
    "promotional_one_in_five": "No video was posted this week, so there is nothing to count.",
}


@dataclass(frozen=True)
class Registered:
    func: Rule
    by_week: ByWeek | None


_rules: dict[str, Registered] = {}


def register(rule_name: str, func: Rule, *, by_week: ByWeek | None = None) -> None:
    _rules[rule_name] = Registered(func, by_week)


def unregister(rule_name: str) -> None:
    _rules.pop(rule_name, None)


def is_available(rule_name: str) -> bool:
    return rule_name in _rules


def unavailable_reason(rule_name: str) -> str:
    """Why an item of this rule shows as not available, in one sentence."""
    if rule_name not in _rules:
        return "Nothing provides this data yet."
    return NO_ANSWER.get(rule_name, "There is no data for this week yet.")


# Rows read once per evaluation and shared by the rules that need them (see `shared`).
_reads: ContextVar[dict | None] = ContextVar("evidence_reads", default=None)


def shared(key: Hashable, load: Callable[[], object]) -> object:
    """`load()`, read once per evaluate() or evaluate_weeks() call for the same `key`: rules
    that count the same rows (the video rules) then cost one query between them."""
    reads = _reads.get()
    if reads is None:
        return load()
    if key not in reads:
        reads[key] = load()
    return reads[key]


def evaluate(rule_names: Iterable[str], accounts: list[Account], start: date, end: date) -> dict:
    """{(rule, account_id): bool} for every registered rule; one call per rule."""
    token = _reads.set({})
    try:
        return _evaluate(rule_names, accounts, start, end)
    finally:
        _reads.reset(token)


def _evaluate(rule_names: Iterable[str], accounts: list[Account], start: date, end: date) -> dict:
    results = {}
    for name in set(rule_names):
        if name in _rules and accounts:
            for account_id, value in _rules[name].func(accounts, start, end).items():
                results[name, account_id] = bool(value)
    return results


def evaluate_weeks(rule_names: Iterable[str], accounts: list[Account], weeks: list[date]) -> dict:
    """{(rule, account_id, monday): bool} for every registered rule and week."""
    token = _reads.set({})
    try:
        return _evaluate_weeks(rule_names, accounts, weeks)
    finally:
        _reads.reset(token)


def _evaluate_weeks(rule_names: Iterable[str], accounts: list[Account], weeks: list[date]) -> dict:
    results = {}
    if not weeks or not accounts:
        return results
    for name in set(rule_names):
        rule = _rules.get(name)
        if rule is None:
            continue
        if rule.by_week:
            held = rule.by_week(accounts, min(weeks), max(weeks) + timedelta(days=6))
            for account in accounts:
                answer = held.get(account.pk)
                if answer is None:
                    continue
                for week in weeks:
                    if isinstance(answer, dict):
                        if week in answer:
                            results[name, account.pk, week] = bool(answer[week])
                    else:
                        results[name, account.pk, week] = week in answer
            continue
        for week in weeks:
            for account_id, value in rule.func(accounts, week, week + timedelta(days=6)).items():
                results[name, account_id, week] = bool(value)
    return results


# The rules that only read the account itself. They show the account as it is now: the
# account's settings keep no history, so past weeks show today's value too.


def account_verified(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    return {account.pk: account.verified for account in accounts}


def kpi_targets_set(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    return {
        account.pk: all(
            (value or 0) > 0
            for value in (account.target_conversion_rate, account.target_ctr, account.target_roi)
        )
        for account in accounts
    }


def register_account_rules() -> None:
    register("account_verified", account_verified)
    register("kpi_targets_set", kpi_targets_set)
