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
from django.db.models import F, FilteredRelation, Q
from django.db.models.expressions import Col
from django.http import Http404

from accounts.models import Account, Membership
from accounts.selectors import handle_is_valid
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


def checklist_get_with_account(
    *, user: AbstractBaseUser, membership: Membership, handle: str, week_start: date
) -> tuple[Account, Checklist | None]:
    """The account of the membership's team by handle and its checklist of the week (with
    its template's team and kind, which strategy.services.checklist_ensure compares), in
    one query, scoped as accounts.selectors.account_get: an account the user may not see
    is a 404."""
    if not handle_is_valid(handle):
        raise Http404("No such account in this team.")
    of_the_week = FilteredRelation("checklists", condition=Q(checklists__week_start=week_start))
    account = (
        Account.objects.visible_to(user, membership)
        .filter(handle=handle.lower())
        .annotate(
            of_the_week=of_the_week,
            checklist_id=F("of_the_week__id"),
            checklist_template_id=F("of_the_week__template_id"),
            checklist_created_at=F("of_the_week__created_at"),
            checklist_template_team_id=F("of_the_week__template__team_id"),
            checklist_template_kind=F("of_the_week__template__kind"),
        )
        .first()
    )
    if account is None:
        raise Http404("No such account in this team.")
    account.team = membership.team
    checklist = None
    if account.checklist_id:
        checklist = Checklist(
            pk=account.checklist_id,
            account=account,
            template=ChecklistTemplate(
                pk=account.checklist_template_id,
                team_id=account.checklist_template_team_id,
                kind=account.checklist_template_kind,
            ),
            week_start=week_start,
            created_at=account.checklist_created_at,
        )
    return account, checklist


def checklist_item_get(*, checklist: Checklist, item_id: object) -> ChecklistItem:
    """An item of the checklist's week by public id; 404 for any other."""
    items = ChecklistItem.objects.filter(
        practice__template_id=checklist.template_id, public_id=item_id
    ).active_in(checklist.week_start)
    try:
        return items.get()
    except ChecklistItem.DoesNotExist as exc:
        raise Http404("This item is not part of this week's checklist.") from exc


def checklist_get(*, account: Account, week_start: date) -> Checklist | None:
    return (
        Checklist.objects.filter(account=account, week_start=week_start)
        .select_related("template")
        .first()
    )


# The week's items of one template with the account's check of each joined in. Written by
# hand: built with the ORM (a FilteredRelation and ten annotations through its joins), this
# one query cost more Python to build and compile than the rest of the checklist page. The
# week's periods come from strategy.periods.period_key; which check counts in the week, and
# which items are active in it, are decided in Python (`_state`, ChecklistItem.is_active_in).
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
_COLUMNS = [
    *((item_field, "i") for item_field in _ITEM_FIELDS),
    *((practice_field, "p") for practice_field in _PRACTICE_FIELDS),
    *((model._meta.get_field(name), alias) for model, alias, name in _CHECK_FIELDS),
]
# Table and column names from the models' metadata; every value is a query parameter.
_STATES_SQL = f"""
SELECT {", ".join(f'{alias}."{column.column}"' for column, alias in _COLUMNS)}
FROM {ChecklistItem._meta.db_table} i
INNER JOIN {Practice._meta.db_table} p ON p."id" = i."practice_id"
LEFT OUTER JOIN {Check._meta.db_table} c ON c."item_id" = i."id" AND c."account_id" = %s AND (
    (i."cadence" = %s AND c."period_start" = %s)
    OR (i."cadence" = %s AND c."period_start" = %s)
    OR i."cadence" = %s
)
LEFT OUTER JOIN {User._meta.db_table} ticked_by ON ticked_by."id" = c."ticked_by_id"
LEFT OUTER JOIN {User._meta.db_table} corrected_by ON corrected_by."id" = c."corrected_by_id"
LEFT OUTER JOIN {Checklist._meta.db_table} c_list ON c_list."id" = c."checklist_id"
WHERE p."template_id" = %s
ORDER BY p."order", i."practice_id", i."order", i."id"
"""  # noqa: S608


def _converters() -> list[tuple[int, list, Col]]:
    """What the database backend converts in each column (on SQLite: dates, times, UUIDs and
    booleans; on PostgreSQL nothing), as the ORM would."""
    converters = []
    for index, (model_field, alias) in enumerate(_COLUMNS):
        column = model_field.get_col(alias)
        funcs = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if funcs:
            converters.append((index, funcs, column))
    return converters


def _rows(sql: str, params: list) -> list[list]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # psycopg already returns these columns as the ORM would (no field here converts).
    converters = _converters() if rows and connection.vendor != "postgresql" else []
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index, funcs, column in converters:
            for func in funcs:
                row[index] = func(row[index], column, connection)
        converted.append(row)
    return converted


def checklist_states(*, checklist: Checklist) -> list[ItemState]:
    """The week's items of one checklist with their checks, in practice order."""
    week = checklist.week_start
    weekly, monthly = Cadence.WEEKLY, Cadence.MONTHLY
    params = [
        checklist.account_id,
        *(weekly, period_key(weekly, week, week)),
        *(monthly, period_key(monthly, week, week)),
        Cadence.ONCE,
        checklist.template_id,
    ]
    items_end = len(_ITEM_FIELDS)
    practice_end = items_end + len(_PRACTICE_FIELDS)
    db = connection.alias
    practices: dict[int, Practice] = {}
    joined = []
    for row in _rows(_STATES_SQL, params):
        item = ChecklistItem.from_db(db, None, row[:items_end])
        if not item.is_active_in(week):
            continue
        practice = practices.get(item.practice_id)
        if practice is None:
            practice = Practice.from_db(db, None, row[items_end:practice_end])
            practices[practice.pk] = practice
        _ITEM_PRACTICE.set_cached_value(item, practice)
        joined.append((item, _joined_check(item, row[practice_end:])))
    rules = {item.evidence_rule for item, _ in joined if item.is_automatic}
    values = evidence.evaluate(rules, [checklist.account], week, week + timedelta(days=6))
    evidence_values = {(rule, week): value for (rule, _), value in values.items()}
    return [_state(item, week, check, evidence_values) for item, check in joined]


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
