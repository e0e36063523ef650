from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import DEFAULT_GOAL, DEFAULT_TARGETS, Account, Kind, Membership, Role, Team
from analytics.scorecards import rules


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEAD


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    handle = factory.Sequence(lambda n: f"account_{n}")
    display_name = factory.LazyAttribute(lambda o: o.handle.title())
    kind = Kind.OFFICIAL
    verified = True
    primary_goal = factory.LazyAttribute(lambda o: DEFAULT_GOAL[o.kind])
    target_engagement_rate = factory.LazyAttribute(
        lambda o: DEFAULT_TARGETS[o.kind]["target_engagement_rate"]
    )
    target_follower_growth = factory.LazyAttribute(
        lambda o: DEFAULT_TARGETS[o.kind]["target_follower_growth"]
    )
    target_ctr = factory.LazyAttribute(lambda o: DEFAULT_TARGETS[o.kind]["target_ctr"])
    target_conversion_rate = factory.LazyAttribute(
        lambda o: DEFAULT_TARGETS[o.kind]["target_conversion_rate"]
    )
    target_roi = factory.LazyAttribute(lambda o: DEFAULT_TARGETS[o.kind]["target_roi"])

    @factory.post_generation
    def managers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.managers.set(extracted)


class ScorecardFactory(factory.django.DjangoModelFactory):
    """A stored scorecard; grade and quadrant follow the scores given, as the rules would."""

    class Meta:
        model = "analytics.Scorecard"

    account = factory.SubFactory(AccountFactory)
    days = 28
    period_end = datetime.date(2025, 3, 28)
    period_start = factory.LazyAttribute(
        lambda o: o.period_end - datetime.timedelta(days=o.days - 1)
    )
    days_with_rows = factory.LazyAttribute(lambda o: o.days)
    engagement_score = Decimal("80.0")
    roi_score = Decimal("50.0")
    overall_score = Decimal("74.0")
    grade = factory.LazyAttribute(lambda o: rules.grade(o.overall_score))
    quadrant = factory.LazyAttribute(lambda o: rules.quadrant(o.engagement_score, o.roi_score))
    computed_at = factory.LazyFunction(timezone.now)


class ScorecardRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analytics.ScorecardRun"

    scope = "team"
    team = factory.SubFactory(TeamFactory)
    end = datetime.date(2025, 3, 28)
    days = factory.LazyFunction(lambda: [28])
    # A queued run has its task's id; an empty one marks a run waiting for Redis.
    task_id = factory.Faker("uuid4")
