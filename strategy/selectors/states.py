"""Reads of checklists, in a constant number of queries whatever the number of items.

Two ways to read item states, both deciding with strategy.periods:
- one checklist (its page, a tick): one query for the items with their check joined in,
  plus one per evidence rule that reads data;
- many checklists (My week, the history, practice scores): one query for checklists, one
  for items, one for checks, plus one per evidence rule that reads data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Field, Q

from accounts.models import Account
from lib.rows import OrmRows
from strategy import evidence
from strategy.models import Cadence, Check, Checklist, ChecklistItem, ChecklistTemplate, Practice
from strategy.periods import counts_in_week, period_key

User = get_user_model()


@dataclass
class Progress:
    done: int = 0
    total: int = 0

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.done) / Decimal(self.total)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_EVEN
        )

    @property
    def left(self) -> int:
        return self.total - self.done


@dataclass
class ItemState:
    """An item as it stands in one week: done or not, and the check that says so."""

    item: ChecklistItem
    done: bool
    check: Check | None = None
    # False for an automatic item whose evidence rule nobody registered, or whose rule has
    # no answer for the week (strategy/evidence.py).
    available: bool = True
    # The item's URLs on the checklist page, set by the view (strategy.views.checklist).
    tick_url: str = ""
    note_url: str = ""

    @property
    def automatic(self) -> bool:
        return self.item.is_automatic

    @property
    def evidence_label(self) -> str:
        return evidence.LABELS.get(self.item.evidence_rule, "")

    @property
    def unavailable_reason(self) -> str:
        return evidence.unavailable_reason(self.item.evidence_rule) if not self.available else ""


@dataclass
class PracticeGroup:
    practice: Practice
    states: list[ItemState] = field(default_factory=list)


def progress_of(states: Iterable[ItemState]) -> Progress:
    """Items whose evidence is not available count neither as done nor as to do."""
    counted = [s for s in states if s.available]
    return Progress(done=sum(s.done for s in counted), total=len(counted))


def group_by_practice(states: Iterable[ItemState]) -> list[PracticeGroup]:
    groups: dict[int, PracticeGroup] = {}
    for state in states:
        practice = state.item.practice
        groups.setdefault(practice.pk, PracticeGroup(practice)).states.append(state)
    return list(groups.values())


def _state(
    item: ChecklistItem, week: date, check: Check | None, evidence_values: dict
) -> ItemState:
    if item.is_automatic:
        key = (item.evidence_rule, week)
        if key not in evidence_values:
            return ItemState(item, done=False, available=False)
        return ItemState(item, done=evidence_values[key])
    if check is not None and not counts_in_week(
        item.cadence, week, check.period_start, check.checklist.week_start
    ):
        check = None
    return ItemState(item, done=bool(check and check.ticked), check=check)


# -- one checklist --


def checklist_get(*, account: Account, week_start: date) -> Checklist | None:
    return (
        Checklist.objects.filter(account=account, week_start=week_start)
        .select_related("template")
        .first()
    )


# An account's checklist of a week with its items and the account's check of each joined
# in. Written by hand: built with the ORM (FilteredRelations and a dozen annotations through
# their joins), it cost more Python to build and compile than the rest of the checklist page.
# The week's periods come from strategy.periods.period_key; which check counts in the week,
# and which items are active in it, are decided in Python (`_state`,
# ChecklistItem.is_active_in).
_CHECKLIST_FIELDS = [
    (Checklist, "cl", "id"),
    (Checklist, "cl", "template"),
    (Checklist, "cl", "created_at"),
    (ChecklistTemplate, "t", "team"),
    (ChecklistTemplate, "t", "kind"),
]
_ITEM_FIELDS = ChecklistItem._meta.concrete_fields
_ITEM_PRACTICE = ChecklistItem._meta.get_field("practice")
_PRACTICE_FIELDS = Practice._meta.concrete_fields
_CHECK_FIELDS = [
    (Check, "c", "id"),
    (Check, "c", "period_start"),
    (Check, "c", "ticked"),
    (Check, "c", "ticked_at"),
    (Check, "c", "note"),
    (Check, "c", "corrected_at"),
    (User, "ticked_by", "username"),
    (User, "corrected_by", "username"),
    (Checklist, "c_list", "week_start"),
]
_COLUMNS = OrmRows(
    [
        *((model._meta.get_field(name), alias) for model, alias, name in _CHECKLIST_FIELDS),
        *((item_field, "i") for item_field in _ITEM_FIELDS),
        *((practice_field, "p") for practice_field in _PRACTICE_FIELDS),
        *((model._meta.get_field(name), alias) for model, alias, name in _CHECK_FIELDS),
    ]
)
# Who ticked and who corrected a check, and the week of the checklist it was ticked in,
# are read by key in the select list rather than joined: three more joins made the
# planner's search of join orders the biggest cost of the query (0.66 against 0.36 ms of
# planning, with no slower execution).
_LOOKED_UP = {
    alias: (model, Check._meta.get_field(name).column)
    for alias, model, name in (
        ("ticked_by", User, "ticked_by"),
        ("corrected_by", User, "corrected_by"),
        ("c_list", Checklist, "checklist"),
    )
}


def _selected(column: Field, alias: str) -> str:
    if alias not in _LOOKED_UP:
        return f'{alias}."{column.column}"'
    model, key = _LOOKED_UP[alias]
    return (
        f'(SELECT {alias}."{column.column}" FROM {model._meta.db_table} {alias} '  # noqa: S608
        f'WHERE {alias}."{model._meta.pk.column}" = c."{key}")'
    )


_ITEMS_START = len(_CHECKLIST_FIELDS)
_PRACTICE_START = _ITEMS_START + len(_ITEM_FIELDS)
_CHECK_START = _PRACTICE_START + len(_PRACTICE_FIELDS)
# Table and column names from the models' metadata; every value is a query parameter.
_CHECKLIST_SQL = f"""
SELECT {", ".join(_selected(column, alias) for column, alias in _COLUMNS.columns)}
FROM {Checklist._meta.db_table} cl
INNER JOIN {ChecklistTemplate._meta.db_table} t ON t."id" = cl."template_id"
LEFT OUTER JOIN {Practice._meta.db_table} p ON p."template_id" = cl."template_id"
LEFT OUTER JOIN {ChecklistItem._meta.db_table} i ON i."practice_id" = p."id"
LEFT OUTER JOIN {Check._meta.db_table} c ON c."item_id" = i."id"
    AND c."account_id" = cl."account_id" AND (
        (i."cadence" = %s AND c."period_start" = %s)
        OR (i."cadence" = %s AND c."period_start" = %s)
        OR i."cadence" = %s
    )
WHERE cl."account_id" = %s AND cl."week_start" = %s
ORDER BY p."order", i."practice_id", i."order", i."id"
"""  # noqa: S608

# An item of the week with the account's check of it joined in (None: no check).
Joined = tuple[ChecklistItem, Check | None]


def _checklist_rows(account_id: int, week: date) -> list:
    weekly, monthly = Cadence.WEEKLY, Cadence.MONTHLY
    params = [
        *(weekly, period_key(weekly, week, week)),
        *(monthly, period_key(monthly, week, week)),
        Cadence.ONCE,
        account_id,
        week,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_CHECKLIST_SQL, params)
        return _COLUMNS.values(cursor.fetchall())


def _joined(rows: list, week: date) -> list[Joined]:
    db = connection.alias
    practices: dict[int, Practice] = {}
    joined = []
    for row in rows:
        if row[_ITEMS_START] is None:
            continue  # a template, or a practice, without items
        item = ChecklistItem.from_db(db, None, row[_ITEMS_START:_PRACTICE_START])
        if not item.is_active_in(week):
            continue
        practice = practices.get(item.practice_id)
        if practice is None:
            practice = Practice.from_db(db, None, row[_PRACTICE_START:_CHECK_START])
            practices[practice.pk] = practice
        _ITEM_PRACTICE.set_cached_value(item, practice)
        joined.append((item, _joined_check(item, row[_CHECK_START:])))
    return joined


def checklist_read(*, account: Account, week_start: date) -> tuple[Checklist | None, list[Joined]]:
    """The account's checklist of the week (None when none is open; its template's team and
    kind loaded, which strategy.services.checklist_ensure compares) and the week's items,
    each with the account's check joined in, in practice order: one query.

    The caller scopes the account (accounts.selectors.account_get)."""
    rows = _checklist_rows(account.pk, week_start)
    if not rows:
        return None, []
    checklist_id, template_id, created_at, team_id, kind = rows[0][:_ITEMS_START]
    checklist = Checklist(
        pk=checklist_id,
        account=account,
        template=ChecklistTemplate(pk=template_id, team_id=team_id, kind=kind),
        week_start=week_start,
        created_at=created_at,
    )
    return checklist, _joined(rows, week_start)


def checklist_states(*, checklist: Checklist, items: list[Joined] | None = None) -> list[ItemState]:
    """The week's items of one checklist with their checks, in practice order; `items` as
    checklist_read gave them, else read here (one query)."""
    week = checklist.week_start
    if items is None:
        items = _joined(_checklist_rows(checklist.account_id, week), week)
    rules = {item.evidence_rule for item, _ in items if item.is_automatic}
    values = evidence.evaluate(rules, [checklist.account], week, week + timedelta(days=6))
    evidence_values = {(rule, week): value for (rule, _), value in values.items()}
    return [_state(item, week, check, evidence_values) for item, check in items]


def _joined_check(item: ChecklistItem, row: list) -> Check | None:
    check_id, period_start, ticked, ticked_at, note, corrected_at, by, corrected_by, week = row
    if check_id is None:
        return None
    check = Check(
        pk=check_id,
        item=item,
        period_start=period_start,
        ticked=ticked,
        ticked_at=ticked_at,
        note=note,
        corrected_at=corrected_at,
        checklist=Checklist(week_start=week),
    )
    check.ticked_by_name = by or ""
    check.corrected_by_name = corrected_by or ""
    return check


def state_after_change(state: ItemState, written: Check, user: AbstractBaseUser) -> ItemState:
    """The item's state once the check `user` just wrote is in, without reading it back.

    A new row is all that was written; an existing one changed only `written_fields`, and
    its other fields keep what the page had read.
    """
    check = state.check or written
    fields = written.written_fields if state.check else ("ticked_by", "corrected_by")
    for name in fields:
        if name == "ticked_by":
            check.ticked_by_name = user.get_username() if written.ticked_by_id else ""
        elif name == "corrected_by":
            check.corrected_by_name = user.get_username() if written.corrected_by_id else ""
        else:
            setattr(check, name, getattr(written, name))
    return ItemState(state.item, done=check.ticked, check=check)


# -- many checklists --


def states_of_checklists(checklists: list[Checklist]) -> dict[int, list[ItemState]]:
    """Item states of many checklists (any accounts, any weeks) in three queries + evidence.

    The checklists need `account` loaded (evidence rules read the account).
    """
    if not checklists:
        return {}
    weeks = sorted({c.week_start for c in checklists})
    items_by_template: dict[int, list[ChecklistItem]] = defaultdict(list)
    items = (
        ChecklistItem.objects.filter(practice__template__in={c.template_id for c in checklists})
        .filter(active_from__lte=weeks[-1])
        .filter(Q(retired_from__isnull=True) | Q(retired_from__gt=weeks[0]))
        .select_related("practice")
    )
    for item in items:
        items_by_template[item.practice.template_id].append(item)
    accounts = list({c.account_id: c.account for c in checklists}.values())
    all_items = [item for group in items_by_template.values() for item in group]
    checks = (
        Check.objects.filter(account__in=accounts, item__in=all_items)
        .filter(
            Q(period_start__range=(weeks[0].replace(day=1), weeks[-1]))
            | Q(item__cadence=Cadence.ONCE)
        )
        .select_related("checklist", "ticked_by", "corrected_by")
        # Only what the pages show: whole user rows cost more to load than the checks.
        .only(
            *("account", "item", "checklist", "ticked_by", "corrected_by"),
            *("period_start", "ticked", "ticked_at", "note", "corrected_at"),
            "checklist__week_start",
            *("ticked_by__username", "corrected_by__username"),
        )
    )
    checks_by_key: dict[tuple[int, int], list[Check]] = defaultdict(list)
    for check in checks:
        check.ticked_by_name = check.ticked_by.get_username() if check.ticked_by else ""
        check.corrected_by_name = check.corrected_by.get_username() if check.corrected_by else ""
        checks_by_key[check.account_id, check.item_id].append(check)
    rules = {item.evidence_rule for item in all_items if item.is_automatic}
    values = evidence.evaluate_weeks(rules, accounts, weeks)
    states: dict[int, list[ItemState]] = {}
    for checklist in checklists:
        week = checklist.week_start
        candidates = {
            item.pk: checks_by_key[checklist.account_id, item.pk]
            for item in items_by_template[checklist.template_id]
        }
        evidence_values = {
            (rule, week): values[rule, checklist.account_id, week]
            for rule in rules
            if (rule, checklist.account_id, week) in values
        }
        states[checklist.pk] = [
            _state(item, week, _check_for(candidates[item.pk], item, week), evidence_values)
            for item in items_by_template[checklist.template_id]
            if item.is_active_in(week)
        ]
    return states


def _check_for(candidates: list[Check], item: ChecklistItem, week: date) -> Check | None:
    for check in candidates:
        if counts_in_week(item.cadence, week, check.period_start, check.checklist.week_start):
            return check
    return None
