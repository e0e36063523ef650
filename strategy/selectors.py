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
from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Account, Kind, Membership
from strategy import evidence
from strategy.models import Cadence, Check, Checklist, ChecklistItem, ChecklistTemplate, Practice
from strategy.periods import counts_in_week, weeks_back, weeks_overlapping
from strategy.services import this_week


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
    # False for an automatic item whose evidence rule nobody registered.
    available: bool = True

    @property
    def automatic(self) -> bool:
        return self.item.is_automatic

    @property
    def evidence_label(self) -> str:
        return evidence.LABELS.get(self.item.evidence_rule, "")


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


def checklist_get_for_change(
    *, user: AbstractBaseUser, team_slug: str, handle: str, week_start: date
) -> tuple[Membership, Account, Checklist | None]:
    """The user's membership, the account and its checklist of the week, in one query.

    Ticks are the hot path, so this folds what @team_view and account_get do into one
    query with the same scoping: an account the user may not see is a 404.
    """
    membership = Membership.objects.filter(user=user, team=OuterRef("team"))
    week = FilteredRelation("checklists", condition=Q(checklists__week_start=week_start))
    account = (
        Account.objects.visible_to(user)
        .filter(team__slug=team_slug, handle=handle.lower())
        .select_related("team")
        .annotate(
            week=week,
            membership_id=Subquery(membership.values("pk")[:1]),
            membership_role=Subquery(membership.values("role")[:1]),
            checklist_id=F("week__id"),
            checklist_template_id=F("week__template_id"),
            checklist_created_at=F("week__created_at"),
        )
        .first()
    )
    if account is None:
        raise Http404("No such account in this team.")
    membership = Membership(
        pk=account.membership_id, team=account.team, user=user, role=account.membership_role
    )
    checklist = None
    if account.checklist_id:
        checklist = Checklist(
            pk=account.checklist_id,
            account=account,
            template_id=account.checklist_template_id,
            week_start=week_start,
            created_at=account.checklist_created_at,
        )
    return membership, account, checklist


def checklist_get(*, account: Account, week_start: date) -> Checklist | None:
    return (
        Checklist.objects.filter(account=account, week_start=week_start)
        .select_related("template")
        .first()
    )


def checklist_states(*, checklist: Checklist) -> list[ItemState]:
    """The week's items of one checklist with their checks, in practice order."""
    week = checklist.week_start
    this_check = FilteredRelation(
        "checks",
        condition=Q(checks__account_id=checklist.account_id)
        & (
            Q(cadence=Cadence.WEEKLY, checks__period_start=week)
            | Q(cadence=Cadence.MONTHLY, checks__period_start=week.replace(day=1))
            | Q(cadence=Cadence.ONCE)
        ),
    )
    items = (
        ChecklistItem.objects.filter(practice__template_id=checklist.template_id)
        .active_in(week)
        .select_related("practice")
        .annotate(
            this_check=this_check,
            check_id=F("this_check__id"),
            check_period_start=F("this_check__period_start"),
            check_ticked=F("this_check__ticked"),
            check_ticked_at=F("this_check__ticked_at"),
            check_ticked_by=F("this_check__ticked_by__username"),
            check_note=F("this_check__note"),
            check_corrected_at=F("this_check__corrected_at"),
            check_corrected_by=F("this_check__corrected_by__username"),
            check_week_start=F("this_check__checklist__week_start"),
        )
    )
    items = list(items)
    rules = {item.evidence_rule for item in items if item.is_automatic}
    values = evidence.evaluate(rules, [checklist.account], week, week + timedelta(days=6))
    evidence_values = {(rule, week): value for (rule, _), value in values.items()}
    return [_state(item, week, _joined_check(item), evidence_values) for item in items]


def _joined_check(item: ChecklistItem) -> Check | None:
    if item.check_id is None:
        return None
    check = Check(
        pk=item.check_id,
        item=item,
        period_start=item.check_period_start,
        ticked=item.check_ticked,
        ticked_at=item.check_ticked_at,
        note=item.check_note,
        corrected_at=item.check_corrected_at,
        checklist=Checklist(week_start=item.check_week_start),
    )
    check.ticked_by_name = item.check_ticked_by or ""
    check.corrected_by_name = item.check_corrected_by or ""
    return check


def state_after_change(state: ItemState, written: Check, user: AbstractBaseUser) -> ItemState:
    """The item's state once the check `user` just wrote is in, without reading it back.

    The write updated only `written.written_fields` of an existing row; the other fields
    keep what the page had read.
    """
    check = state.check or written
    if state.check is None:
        check.ticked_by_name = check.corrected_by_name = ""
    for name in written.written_fields if state.check else _WRITABLE:
        if name == "ticked_by":
            check.ticked_by_name = user.get_username() if written.ticked_by_id else ""
        elif name == "corrected_by":
            check.corrected_by_name = user.get_username() if written.corrected_by_id else ""
        else:
            setattr(check, name, getattr(written, name))
    return ItemState(state.item, done=check.ticked, check=check)


_WRITABLE = (
    "checklist",
    "ticked",
    "ticked_by",
    "ticked_at",
    "note",
    "corrected_by",
    "corrected_at",
)


# -- many checklists --


def _states_of_checklists(checklists: list[Checklist]) -> dict[int, list[ItemState]]:
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


# -- My week --


@dataclass
class AccountWeek:
    account: Account
    checklist: Checklist | None
    progress: Progress
    left: list[ItemState]


def week_accounts(
    *, user: AbstractBaseUser, membership: Membership, kind: str = "", manager_id: int | None = None
) -> list[Account]:
    """The active accounts of My week: a manager's own; for a lead the team's, filtered."""
    accounts = Account.objects.visible_to(user).filter(team=membership.team).active()
    if not membership.is_lead:
        accounts = accounts.filter(managers=user)
    if kind:
        accounts = accounts.filter(kind=kind)
    if manager_id:
        accounts = accounts.filter(managers=manager_id)
    return list(accounts.select_related("team").prefetch_related("managers").order_by("handle"))


def week_overview(*, accounts: list[Account], week_start: date) -> list[AccountWeek]:
    """Each account's progress in the week and the items still to do."""
    checklists = list(
        Checklist.objects.filter(account__in=accounts, week_start=week_start).order_by()
    )
    by_account = {account.pk: account for account in accounts}
    for checklist in checklists:
        checklist.account = by_account[checklist.account_id]
    states = _states_of_checklists(checklists)
    checklist_of = {checklist.account_id: checklist for checklist in checklists}
    rows = []
    for account in accounts:
        checklist = checklist_of.get(account.pk)
        account_states = states.get(checklist.pk, []) if checklist else []
        rows.append(
            AccountWeek(
                account=account,
                checklist=checklist,
                progress=progress_of(account_states),
                left=[s for s in account_states if s.available and not s.done],
            )
        )
    return rows


def week_managers(*, membership: Membership) -> QuerySet:
    """The team's members who manage at least one of its accounts, for the lead's filter."""
    return (
        get_user_model()
        .objects.filter(
            memberships__team=membership.team,
            managed_accounts__team=membership.team,
        )
        .distinct()
        .order_by("username")
    )


def account_week_progress(*, account: Account) -> Progress | None:
    """This week's progress of one account for its page; None before it has a checklist.

    Reads only: the account page does not open checklists.
    """
    week = this_week()
    checklist = checklist_get(account=account, week_start=week)
    if checklist is None:
        template = ChecklistTemplate.objects.filter(team=account.team_id, kind=account.kind).first()
        if template is None:
            return None
        checklist = Checklist(account=account, template=template, week_start=week)
    checklist.account = account
    return progress_of(_states_of_checklists([checklist])[checklist.pk])


# -- history and scores --


@dataclass
class HistoryRow:
    item: ChecklistItem
    cells: list[ItemState | None]


@dataclass
class History:
    weeks: list[date]
    practices: list[tuple[Practice, list[HistoryRow]]]
    totals: list[Progress | None]


def _checklists_of(accounts: list[Account], weeks: list[date]) -> list[Checklist]:
    by_account = {account.pk: account for account in accounts}
    checklists = list(
        Checklist.objects.filter(account__in=accounts, week_start__in=weeks).order_by()
    )
    for checklist in checklists:
        checklist.account = by_account[checklist.account_id]
    return checklists


def checklist_history(*, account: Account, weeks: int = 12) -> History:
    """A grid of the last `weeks` weeks: a row per item, a column per week, oldest first.

    A week without a checklist (nobody opened it and the Monday task did not run) has no
    column values; an item that was not part of a week's checklist has an empty cell.
    """
    mondays = weeks_back(this_week(), weeks)
    checklists = _checklists_of([account], mondays)
    states = _states_of_checklists(checklists)
    by_week = {checklist.week_start: states[checklist.pk] for checklist in checklists}
    cells: dict[int, dict[date, ItemState]] = defaultdict(dict)
    items: dict[int, ChecklistItem] = {}
    for week, week_states in by_week.items():
        for state in week_states:
            items.setdefault(state.item.pk, state.item)
            cells[state.item.pk][week] = state
    ordered = sorted(items.values(), key=_display_order)
    practices: dict[int, tuple[Practice, list[HistoryRow]]] = {}
    for item in ordered:
        row = HistoryRow(item, [cells[item.pk].get(week) for week in mondays])
        practices.setdefault(item.practice_id, (item.practice, []))[1].append(row)
    totals = [progress_of(by_week[week]) if week in by_week else None for week in mondays]
    return History(weeks=mondays, practices=list(practices.values()), totals=totals)


def _display_order(item: ChecklistItem) -> tuple:
    return (item.practice.template_id, item.practice.order, item.practice_id, item.order, item.pk)


def weekly_completion(*, account: Account, weeks: int = 12) -> list[tuple[date, Decimal | None]]:
    """(Monday, share of items done) for the last `weeks` weeks, oldest first.

    The share is None for a week without a checklist or without countable items.
    """
    mondays = weeks_back(this_week(), weeks)
    checklists = _checklists_of([account], mondays)
    states = _states_of_checklists(checklists)
    shares = {c.week_start: progress_of(states[c.pk]).share for c in checklists}
    return [(week, shares.get(week)) for week in mondays]


def practice_scores(*, account_ids: list[int], start: date, end: date) -> dict[int, Decimal | None]:
    """Share of checklist items done over the weeks overlapping [start, end], per account.

    Every item of every week's checklist counts once (a monthly item in each of its weeks);
    None when the account had no checklist items in those weeks.
    """
    accounts = list(Account.objects.filter(pk__in=account_ids))
    checklists = _checklists_of(accounts, weeks_overlapping(start, end))
    states = _states_of_checklists(checklists)
    totals: dict[int, Progress] = defaultdict(Progress)
    for checklist in checklists:
        progress = progress_of(states[checklist.pk])
        totals[checklist.account_id].done += progress.done
        totals[checklist.account_id].total += progress.total
    return {account_id: totals[account_id].share for account_id in account_ids}


# -- templates --


@dataclass
class TemplateSummary:
    template: ChecklistTemplate
    practices: int
    items: int
    automatic: int


def template_list(*, membership: Membership) -> list[TemplateSummary]:
    week = this_week()
    templates = {
        t.kind: t
        for t in ChecklistTemplate.objects.filter(team=membership.team).prefetch_related(
            "practices__items"
        )
    }
    summaries = []
    for kind in Kind.values:
        template = templates.get(kind)
        if template is None:
            continue
        items = [
            item
            for practice in template.practices.all()
            for item in practice.items.all()
            if item.is_active_in(week)
        ]
        summaries.append(
            TemplateSummary(
                template=template,
                practices=len({item.practice_id for item in items}),
                items=len(items),
                automatic=sum(item.is_automatic for item in items),
            )
        )
    return summaries


def template_get(*, user: AbstractBaseUser, membership: Membership, kind: str) -> ChecklistTemplate:
    template = (
        ChecklistTemplate.objects.editable_by(user)
        .filter(team=membership.team, kind=kind)
        .select_related("team")
        .first()
    )
    if template is None:
        raise Http404("No checklist template of this kind.")
    return template


@dataclass
class TemplateItems:
    groups: list[tuple[Practice, list[ChecklistItem]]]
    retired: list[ChecklistItem]
    practice_names: list[str]


def template_items(*, template: ChecklistTemplate) -> TemplateItems:
    """The template's current items by practice, and its retired items (kept for history)."""
    week = this_week()
    practices = list(template.practices.prefetch_related("items").order_by("order", "pk"))
    groups, retired = [], []
    for practice in practices:
        items = sorted(practice.items.all(), key=lambda i: (i.order, i.pk))
        current = [item for item in items if item.retired_from is None or item.retired_from > week]
        retired += [item for item in items if item not in current]
        if current:
            groups.append((practice, current))
    retired.sort(key=lambda i: i.retired_from, reverse=True)
    return TemplateItems(groups=groups, retired=retired, practice_names=[p.name for p in practices])


def item_get(*, user: AbstractBaseUser, membership: Membership, item_id: object) -> ChecklistItem:
    item = (
        ChecklistItem.objects.editable_by(user)
        .filter(practice__template__team=membership.team, public_id=item_id)
        .select_related("practice__template")
        .first()
    )
    if item is None:
        raise Http404("No such checklist item in this team.")
    return item
