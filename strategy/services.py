"""Writes of checklists: templates and their items, weekly checklists, ticks and notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Account, Kind, Membership, Team
from lib.dates import this_week
from strategy import evidence
from strategy.defaults import DEFAULTS
from strategy.models import (
    Cadence,
    Check,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    Practice,
)
from strategy.periods import period_key
from strategy.practice_figures import accounts_lock, figures_store, practice_refresh

# The items a team starts with count from the beginning, so a history opened for earlier
# weeks shows them too. A Monday.
BEGINNING = date(2000, 1, 3)


# -- templates --


def _template_create_default(*, team: Team, kind: str) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(team=team, kind=kind)
    items = []
    for order, default in enumerate(DEFAULTS[kind]):
        practice = Practice.objects.create(
            template=template, name=default.name, guidance=default.guidance, order=order
        )
        items += [
            ChecklistItem(
                practice=practice,
                title=item.title,
                help_text=item.help_text,
                order=position,
                cadence=item.cadence,
                evidence_rule=item.evidence_rule,
                active_from=BEGINNING,
            )
            for position, item in enumerate(default.items)
        ]
    ChecklistItem.objects.bulk_create(items)
    return template


def templates_ensure(*, team: Team) -> dict[str, ChecklistTemplate]:
    """The team's template of each kind, creating the default ones a team lacks.

    Teams get them when they are created (StrategyConfig.on_team_created); teams that
    existed before checklists get them here, the first time they need them. Two requests
    doing this at once meet at the unique constraint; the loser reads the winner's.
    """
    templates = {t.kind: t for t in ChecklistTemplate.objects.filter(team=team)}
    for kind in Kind.values:
        if kind in templates:
            continue
        try:
            with transaction.atomic():
                templates[kind] = _template_create_default(team=team, kind=kind)
        except IntegrityError:
            templates[kind] = ChecklistTemplate.objects.get(team=team, kind=kind)
    return templates


def template_ensure(*, team: Team, kind: str) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.filter(team=team, kind=kind).first()
    return template or templates_ensure(team=team)[kind]


# -- weekly checklists --


def checklist_open(*, account: Account, week_start: date) -> Checklist:
    """The account's checklist of the week, opening it (with its kind's template) if needed.

    A checklist keeps the template it was opened with, so changing an account's kind does
    not rewrite past weeks; the current week follows the new kind.
    """
    checklist = (
        Checklist.objects.filter(account=account, week_start=week_start)
        .select_related("template")
        .first()
    )
    return checklist_ensure(account=account, week_start=week_start, checklist=checklist)


def checklist_ensure(
    *, account: Account, week_start: date, checklist: Checklist | None
) -> Checklist:
    """checklist_open, given the account's checklist of the week as already read (None when
    none is open), its template's team and kind loaded.

    A checklist opened here, or given its kind's template, is a new object that comes with
    `week_states`: the item states its figures were stored from, under the account's lock,
    for a caller that shows them without reading them again.
    """
    current = week_start >= this_week()
    # A team has one template per kind, so an open checklist whose template is the team's
    # for the account's kind is the one this returns: a page view then writes nothing and
    # need not read the template again.
    if checklist is not None and (
        not current
        or (
            checklist.template.team_id == account.team_id
            and checklist.template.kind == account.kind
        )
    ):
        checklist.account = account
        return checklist
    template = template_ensure(team=account.team, kind=account.kind)
    if checklist is None or (checklist.template_id != template.pk and current):
        # Opened or given the new kind's template: its figures are stored with it.
        with transaction.atomic():
            accounts_lock([account.pk])
            checklist, _ = Checklist.objects.get_or_create(
                account=account, week_start=week_start, defaults={"template": template}
            )
            if checklist.template_id != template.pk and current:
                checklist.template = template
                checklist.save(update_fields=["template"])
            checklist.account = account
            checklist.week_states = figures_store([checklist])[checklist.pk]
    checklist.account = account
    return checklist


def checklists_open_week(*, week_start: date, accounts: Iterable[Account] | None = None) -> int:
    """Opens the week's checklist of every given (default: every active) account at once.

    Returns how many were opened; checklists already open are left alone, and so are their
    stored figures (the write services keep those current). When every checklist is open
    already, which is the case on every visit but a week's first, this is one read and no
    write.
    """
    if accounts is None:
        accounts = Account.objects.active().select_related("team")
    accounts = list(accounts)
    open_already = set(
        Checklist.objects.filter(account__in=accounts, week_start=week_start)
        .order_by()
        .values_list("account_id", flat=True)
    )
    missing = [account for account in accounts if account.pk not in open_already]
    if not missing:
        return 0
    templates: dict[tuple[int, str], ChecklistTemplate] = {
        (t.team_id, t.kind): t
        for t in ChecklistTemplate.objects.filter(team__in={a.team_id for a in missing})
    }
    for account in missing:
        if (account.team_id, account.kind) not in templates:
            for kind, template in templates_ensure(team=account.team).items():
                templates[account.team_id, kind] = template
    with transaction.atomic():
        # Another request may open some of them meanwhile: those are not opened again.
        before = Checklist.objects.filter(account__in=missing, week_start=week_start).count()
        Checklist.objects.bulk_create(
            [
                Checklist(
                    account=account,
                    week_start=week_start,
                    template=templates[account.team_id, account.kind],
                )
                for account in missing
            ],
            ignore_conflicts=True,
        )
        opened = Checklist.objects.filter(account__in=missing, week_start=week_start).count()
        practice_refresh(accounts=missing, weeks=[week_start])
    return opened - before


# -- ticks and notes --


def check_authorize(*, membership: Membership, checklist: Checklist) -> bool:
    """Whether a change to this checklist is a correction; PermissionDenied if not allowed.

    Managers change the current week only; leads may correct past weeks, and that is
    recorded on the check.
    """
    current = this_week()
    if checklist.week_start > current:
        raise PermissionDenied("This week has not started yet.")
    if checklist.week_start == current:
        return False
    if not membership.is_lead:
        raise PermissionDenied(
            "This week is over: its checklist is read-only. A lead of the team can correct it."
        )
    return True


def _check_manual(item: ChecklistItem) -> None:
    if item.is_automatic:
        raise ValidationError(
            f"“{item.title}” is ticked from data and cannot be ticked by hand. It follows "
            "the data: change the account's settings or import metrics instead."
        )


def check_set(
    *,
    checklist: Checklist,
    item: ChecklistItem,
    user: AbstractBaseUser,
    ticked: bool,
    correction: bool = False,
    at: datetime | None = None,
    note: str | None = None,
) -> Check:
    """Ticks or unticks a manual item in one statement: INSERT … ON CONFLICT DO UPDATE.

    A double click or two people ticking at once both land on the one row of the item's
    period; neither fails. `note`, when given, is set too (otherwise the note is kept).
    """
    _check_manual(item)
    at = at or timezone.now()
    check = Check(
        checklist=checklist,
        account_id=checklist.account_id,
        item=item,
        period_start=period_key(item.cadence, checklist.week_start, item.active_from),
        ticked=ticked,
        ticked_by=user if ticked else None,
        ticked_at=at if ticked else None,
        note=note or "",
        corrected_by=user if correction else None,
        corrected_at=at if correction else None,
    )
    fields = ["checklist", "ticked", "ticked_by", "ticked_at"]
    if note is not None:
        fields.append("note")
    if correction:
        fields += ["corrected_by", "corrected_at"]
    with transaction.atomic():
        accounts_lock([checklist.account_id])
        _upsert(check, fields)
        states = figures_store(_checklists_showing(checklist=checklist, item=item))
    # The week's item states as the figures were computed from them, under the account's
    # lock and after the write: a caller shows them without reading them again.
    check.week_states = states.get(checklist.pk)
    return check


def _checklists_showing(*, checklist: Checklist, item: ChecklistItem) -> list[Checklist]:
    """The account's checklists whose state of `item` a tick in `checklist` may change
    (strategy/periods.py): its own week, its month's weeks, or every week since the item
    started (a tick of a once item moves the week it counts from)."""
    if item.cadence == Cadence.WEEKLY:
        return [checklist]
    weeks = Checklist.objects.filter(account_id=checklist.account_id).select_related("account")
    if item.cadence == Cadence.MONTHLY:
        month = checklist.week_start.replace(day=1)
        next_month = (month + timedelta(days=32)).replace(day=1)
        return list(weeks.filter(week_start__gte=month, week_start__lt=next_month))
    return list(weeks.filter(week_start__gte=item.active_from))


def check_note_set(
    *,
    checklist: Checklist,
    item: ChecklistItem,
    user: AbstractBaseUser,
    note: str,
    correction: bool = False,
) -> Check:
    """Sets the note of an item's check, creating an unticked check if there is none."""
    _check_manual(item)
    at = timezone.now()
    check = Check(
        checklist=checklist,
        account_id=checklist.account_id,
        item=item,
        period_start=period_key(item.cadence, checklist.week_start, item.active_from),
        note=note.strip(),
        corrected_by=user if correction else None,
        corrected_at=at if correction else None,
    )
    _upsert(check, ["note", "corrected_by", "corrected_at"] if correction else ["note"])
    return check


def _upsert(check: Check, update_fields: list[str]) -> None:
    # Callers that show the result without reading it back need to know what was written.
    check.written_fields = tuple(update_fields)
    Check.objects.bulk_create(
        [check],
        update_conflicts=True,
        unique_fields=["account", "item", "period_start"],
        update_fields=update_fields,
    )


# -- editing templates --


def _practice_for(*, template: ChecklistTemplate, name: str) -> Practice:
    name = name.strip()
    practice = template.practices.filter(name__iexact=name).first()
    if practice:
        return practice
    last = template.practices.aggregate(last=Max("order"))["last"]
    practice = Practice(template=template, name=name, order=0 if last is None else last + 1)
    practice.full_clean()
    practice.save()
    return practice


@transaction.atomic
def item_create(
    *,
    template: ChecklistTemplate,
    practice_name: str,
    title: str,
    help_text: str = "",
    cadence: str = Cadence.WEEKLY,
    evidence_rule: str = "",
) -> ChecklistItem:
    """Adds an item from the current week on; past weeks do not change."""
    if evidence_rule and evidence_rule not in evidence.LABELS:
        raise ValidationError({"evidence_rule": "Unknown evidence rule."})
    practice = _practice_for(template=template, name=practice_name)
    last = practice.items.aggregate(last=Max("order"))["last"]
    item = ChecklistItem(
        practice=practice,
        title=title.strip(),
        help_text=help_text.strip(),
        cadence=cadence,
        evidence_rule=evidence_rule,
        order=0 if last is None else last + 1,
        active_from=this_week(),
    )
    item.full_clean()
    item.save()
    practice_refresh(template=template, since=item.active_from)
    return item


@transaction.atomic
def item_update(
    *, item: ChecklistItem, practice_name: str, title: str, help_text: str = ""
) -> ChecklistItem:
    """Rewords an item (or moves it to another practice); its ticks stay with it.

    Its cadence and evidence are not changed here: they decide what earlier ticks mean, so
    a different rule is a new item (retire this one, add the other).
    """
    practice = _practice_for(template=item.practice.template, name=practice_name)
    if practice.pk != item.practice_id:
        last = practice.items.aggregate(last=Max("order"))["last"]
        item.order = 0 if last is None else last + 1
    item.practice = practice
    item.title = title.strip()
    item.help_text = help_text.strip()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_move(*, item: ChecklistItem, direction: str) -> ChecklistItem:
    """Swaps the item with its neighbour among the practice's current items."""
    if direction not in ("up", "down"):
        raise ValidationError("Move up or down.")
    siblings = list(
        ChecklistItem.objects.select_for_update()
        .filter(practice_id=item.practice_id)
        .active_in(this_week())
        .order_by("order", "pk")
    )
    position = next((i for i, other in enumerate(siblings) if other.pk == item.pk), None)
    if position is None:
        return item
    target = position - 1 if direction == "up" else position + 1
    if not 0 <= target < len(siblings):
        return item
    siblings[position], siblings[target] = siblings[target], siblings[position]
    for order, sibling in enumerate(siblings):
        sibling.order = order
    ChecklistItem.objects.bulk_update(siblings, ["order"])
    return next(s for s in siblings if s.pk == item.pk)


@transaction.atomic
def item_retire(*, item: ChecklistItem) -> ChecklistItem:
    """Takes the item out of checklists from the current week on; past weeks keep it."""
    if item.retired_from is None:
        item.retired_from = max(this_week(), item.active_from)
        item.full_clean()
        item.save(update_fields=["retired_from", "updated_at"])
        practice_refresh(template=item.practice.template, since=item.retired_from)
    return item
