from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

HANDLE_RE = r"^[a-z0-9_.]{1,23}[a-z0-9_]$"

handle_validator = RegexValidator(
    HANDLE_RE,
    "A TikTok handle has 2 to 24 letters, digits, underscores or periods "
    "and does not end with a period.",
)


def normalize_handle(value: str) -> str:
    """Handles are stored lower-case, without the leading @ people often type."""
    return value.strip().removeprefix("@").lower()


class Role(models.TextChoices):
    LEAD = "lead", "Lead"
    MANAGER = "manager", "Manager"


class Kind(models.TextChoices):
    OFFICIAL = "official", "Official"
    MARKETING = "marketing", "Marketing"


class Goal(models.TextChoices):
    BRAND_IMAGE = "brand_image", "Brand image"
    COMMUNITY = "community", "Community"
    AWARENESS = "awareness", "Awareness"
    CONVERSIONS = "conversions", "Conversions"
    CAMPAIGN_ROI = "campaign_roi", "Campaign ROI"


DEFAULT_GOAL = {Kind.OFFICIAL: Goal.BRAND_IMAGE, Kind.MARKETING: Goal.CONVERSIONS}

# Goals that contradict the kind, after the seed: official accounts represent the brand
# authentically, marketing accounts promote.
GOAL_MISFITS = {
    Kind.OFFICIAL: {Goal.CONVERSIONS, Goal.CAMPAIGN_ROI},
    Kind.MARKETING: {Goal.BRAND_IMAGE},
}

# Defaults of docs/scoring.md, "Targets", as fractions.
DEFAULT_TARGETS = {
    Kind.OFFICIAL: {
        "target_engagement_rate": Decimal("0.05"),
        "target_follower_growth": Decimal("0.03"),
        "target_ctr": Decimal("0.01"),
        "target_conversion_rate": Decimal("0.02"),
        "target_roi": Decimal("1.00"),
    },
    Kind.MARKETING: {
        "target_engagement_rate": Decimal("0.03"),
        "target_follower_growth": Decimal("0.02"),
        "target_ctr": Decimal("0.01"),
        "target_conversion_rate": Decimal("0.02"),
        "target_roi": Decimal("1.00"),
    },
}
TARGET_FIELDS = tuple(DEFAULT_TARGETS[Kind.OFFICIAL])


def goal_misfit_message(kind: str, goal: str) -> str:
    """A warning when the declared goal contradicts the kind of account, else ''."""
    if goal not in GOAL_MISFITS.get(kind, set()):
        return ""
    if kind == Kind.OFFICIAL:
        return (
            f"An official account is the brand's authentic voice; a goal of "
            f"{Goal(goal).label.lower()} is usually a marketing account's."
        )
    return (
        "A marketing account promotes products and campaigns; brand image is usually "
        "an official account's goal."
    )


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def of(self, user: object) -> MembershipQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user")
        ]
        ordering = ["team__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.team}"

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user: object, membership: Membership | None = None) -> AccountQuerySet:
        """Leads see their teams' accounts, managers the accounts they manage; others none.

        With `membership`, the user's membership of one team as this request read it
        (accounts.access.team_view), only that team's accounts, by the same rule: the role
        is already known, so the database is not asked for the user's memberships again.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if membership is not None:
            if membership.user_id != user.pk:
                return self.none()
            accounts = self.filter(team_id=membership.team_id)
            if membership.is_lead:
                return accounts
        managed = Account.managers.through.objects.filter(user=user).values("account")
        if membership is not None:
            return accounts.filter(pk__in=managed)
        member_of = Membership.objects.filter(user=user).values("team")
        lead_of = member_of.filter(role=Role.LEAD)
        # Subqueries rather than joins, so no account is listed twice and no DISTINCT is needed.
        return self.filter(Q(team__in=lead_of) | Q(team__in=member_of, pk__in=managed))

    def editable_by(self, user: object) -> AccountQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        lead_of = Membership.objects.filter(user=user, role=Role.LEAD).values("team")
        return self.filter(team__in=lead_of)

    def active(self) -> AccountQuerySet:
        return self.filter(archived=False)


class Account(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="accounts")
    handle = models.CharField(max_length=24, validators=[handle_validator])
    display_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    verified = models.BooleanField(default=False)
    primary_goal = models.CharField(max_length=20, choices=Goal.choices)
    goal_note = models.TextField(blank=True)
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, like USD.")],
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_accounts"
    )
    target_engagement_rate = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(0)]
    )
    target_follower_growth = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(0)]
    )
    target_ctr = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(0)]
    )
    target_conversion_rate = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(0)]
    )
    target_roi = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(0)]
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "handle"], name="account_unique_handle"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="account_kind_valid"),
        ]
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def clean(self) -> None:
        self.handle = normalize_handle(self.handle or "")
        if self.kind and self.kind not in Kind.values:
            raise ValidationError({"kind": "Choose official or marketing."})

    @property
    def goal_misfit(self) -> str:
        return goal_misfit_message(self.kind, self.primary_goal)

    @property
    def is_official(self) -> bool:
        return self.kind == Kind.OFFICIAL


# Salt of the signed invitation links, and how long a link works.
INVITATION_SALT = "playbook.accounts.invitation"
INVITATION_DAYS = 7


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True)


class Invitation(models.Model):
    """A lead's invitation to join a team, mailed as a signed link that expires.

    The link carries the public id signed with a timestamp; the row makes it single-use
    (accepted_at) and lets a lead withdraw it before it is used (the row is deleted).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.team} as {self.role}"
