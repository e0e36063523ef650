"""Best-practice checklists: a template per team and kind, a checklist per account and week.

Templates change over time without rewriting history: an item has the Monday it starts
from (`active_from`) and, once retired, the Monday it stops from (`retired_from`). A week's
checklist shows the items of its template that were active in that week, so a retired item
stays in past weeks and a new one starts with the current week. Which period a tick counts
for is explained in strategy/periods.py.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account, Kind, Membership, Role, Team
from accounts.querysets import AccountScopedQuerySet


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Once a month"
    ONCE = "once", "Once"


class ChecklistTemplateQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ChecklistTemplateQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(team__in=Membership.objects.filter(user=user).values("team"))

    def editable_by(self, user: object) -> ChecklistTemplateQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        lead_of = Membership.objects.filter(user=user, role=Role.LEAD).values("team")
        return self.filter(team__in=lead_of)


class ChecklistTemplate(models.Model):
    """The best practices a team checks every week for one kind of account."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="checklist_templates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="checklisttemplate_unique_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="checklisttemplate_kind_valid"
            ),
        ]
        ordering = ["team", "kind"]

    def __str__(self) -> str:
        return f"{self.team} {self.get_kind_display().lower()} checklist"


class Practice(models.Model):
    """A best practice of the seed (e.g. "Engage Regularly") grouping a template's items."""

    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="practices"
    )
    name = models.CharField(max_length=100)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="practice_unique_name")
        ]
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class ChecklistItemQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ChecklistItemQuerySet:
        templates = ChecklistTemplate.objects.visible_to(user).values("pk")
        return self.filter(practice__template__in=templates)

    def editable_by(self, user: object) -> ChecklistItemQuerySet:
        templates = ChecklistTemplate.objects.editable_by(user).values("pk")
        return self.filter(practice__template__in=templates)

    def active_in(self, week_start: date) -> ChecklistItemQuerySet:
        # One filter() (each costs a copy of the query).
        return self.filter(
            Q(retired_from__isnull=True) | Q(retired_from__gt=week_start),
            active_from__lte=week_start,
        )


class ChecklistItem(models.Model):
    """One thing to check, in plain words; manual, or decided by an evidence rule."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    help_text = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    # Empty for a manual item; else the name of a rule in strategy.evidence.
    evidence_rule = models.CharField(max_length=40, blank=True)
    active_from = models.DateField()
    retired_from = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="checklistitem_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(retired_from__isnull=True)
                | Q(retired_from__gte=models.F("active_from")),
                name="checklistitem_retired_after_start",
            ),
        ]
        ordering = ["practice__order", "practice_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_automatic(self) -> bool:
        return bool(self.evidence_rule)

    def is_active_in(self, week_start: date) -> bool:
        return self.active_from <= week_start and (
            self.retired_from is None or self.retired_from > week_start
        )


class Checklist(models.Model):
    """An account's checklist for one ISO week, opened on Monday or when first looked at."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="checklists")
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="checklists"
    )
    week_start = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "week_start"], name="checklist_unique_week"),
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="checklist_week_starts_monday"
            ),
        ]
        ordering = ["account", "-week_start"]

    def __str__(self) -> str:
        return f"{self.account} week of {self.week_start}"


class Check(models.Model):
    """Whether an item is done for an account in a period, who said so and when.

    One row per account, item and period (strategy/periods.py), enforced by the unique
    constraint, so two ticks at once update the same row. Unticking keeps the row (and its
    note) with `ticked` false. A lead changing a past week is recorded in `corrected_*`.
    """

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="checks")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="checks")
    period_start = models.DateField()
    ticked = models.BooleanField(default=False)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "item", "period_start"], name="check_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} for {self.account} ({self.period_start})"


class WeekPractice(models.Model):
    """The practice figures of one checklist (an account's week): items done, items counted.

    Stored so that pages sum and sort them in the database. The write services keep them
    current in their own transaction (strategy.services.practice_refresh and the services
    that call it: ticks, items added or retired, checklists opened, and analytics after it
    writes the data the evidence rules read). The figures are always computed by
    strategy.selectors.states (`states_of_checklists` and `progress_of`), never in SQL.
    """

    checklist = models.OneToOneField(Checklist, on_delete=models.CASCADE, related_name="practice")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    done = models.PositiveIntegerField()
    # The items that count: automatic items without an answer count neither way.
    counted = models.PositiveIntegerField()
    # done / counted to four places (Progress.share); None when nothing counted.
    share = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "week_start"], name="weekpractice_unique_week"
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("counted")), name="weekpractice_done_counted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} week of {self.week_start}: {self.done}/{self.counted}"
