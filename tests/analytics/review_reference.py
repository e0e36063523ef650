"""The review table's reads as the ORM wrote them before analytics.review.cards_read: the
reference test_cards_read.py compares the hand-written queries with. Not used by the app."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Length, NullIf, Replace

from accounts.models import Account
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards import rules
from strategy.models import WeekPractice
from strategy.periods import weeks_overlapping

SORT_EXPRESSIONS: dict[str, object] = {
    "handle": F("account__handle"),
    "kind": F("account__kind"),
    "engagement_score": F("engagement_score"),
    "roi_score": F("roi_score"),
    "overall_score": F("overall_score"),
    "grade": NullIf(F("grade"), Value("")),
    "quadrant": F("quadrant_rank"),
    "trend": F("trend"),
    "flags": F("flag_count"),
    "reviewed": F("reviewed_at"),
}
PRACTICE_SORT = "practice"

# A row of the table, in CardRow's order.
ROW_FIELDS = (
    "account__handle",
    "account__kind",
    "account__verified",
    "days_with_rows",
    "engagement_score",
    "roi_score",
    "overall_score",
    "grade",
    "quadrant",
    "flags",
    "trend",
    "reviewed_at",
    "reviewed_by__username",
    "reviewed_by__first_name",
    "reviewed_by__last_name",
    "review_comment",
    "practice_done",
    "practice_counted",
    "account_last_data_day",
)


def last_data_day(account: str = "pk") -> Subquery:
    last = DailyMetric.objects.filter(account=OuterRef(account)).order_by("-date").values("date")
    return Subquery(last[:1])


def active_accounts(*, user, membership) -> QuerySet[Account]:
    return Account.objects.visible_to(user, membership).filter(archived=False)


def listed_accounts(accounts, *, kind: str = "", search: str = "") -> QuerySet[Account]:
    if kind:
        accounts = accounts.filter(kind=kind)
    if search:
        accounts = accounts.filter(handle__contains=search.strip().removeprefix("@").lower())
    return accounts


def scorecards_matching(
    *, user, membership, window, kind="", grade="", quadrant="", flag="", search=""
) -> QuerySet[Scorecard]:
    cards = Scorecard.objects.visible_to(user, membership).filter(
        account__archived=False, days=window.days, period_end=window.end
    )
    if kind:
        cards = cards.filter(account__kind=kind)
    if grade:
        cards = cards.filter(grade=grade)
    if quadrant:
        cards = cards.filter(quadrant=quadrant)
    if flag:
        cards = cards.filter(
            Q(flags=flag)
            | Q(flags__startswith=f"{flag};")
            | Q(flags__endswith=f";{flag}")
            | Q(flags__contains=f";{flag};")
        )
    if search:
        cards = cards.filter(account__handle__icontains=search.strip().removeprefix("@"))
    return cards


def practice_sums(account: OuterRef, *, start, end) -> tuple[Subquery, Subquery]:
    weeks = (
        WeekPractice.objects.filter(account=account, week_start__in=weeks_overlapping(start, end))
        .order_by()
        .values("account")
    )
    return (
        Subquery(weeks.annotate(sum=Sum("done")).values("sum")),
        Subquery(weeks.annotate(sum=Sum("counted")).values("sum")),
    )


def practice_share_order(done: str, counted: str, *, descending: bool) -> OrderBy:
    share = Cast(done, DecimalField(max_digits=30, decimal_places=20)) / NullIf(counted, Value(0))
    return share.desc(nulls_last=True) if descending else share.asc(nulls_last=True)


def _ordering(sort: str) -> list[OrderBy]:
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name == PRACTICE_SORT:
        return [F("account__handle").asc()]
    expression = SORT_EXPRESSIONS.get(name, SORT_EXPRESSIONS["handle"])
    order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [order, F("account__handle").asc()]


def scorecards_sorted(cards: QuerySet[Scorecard], *, sort: str, window) -> QuerySet[Scorecard]:
    """The cards in the table's order, with the practice sums, the trend and the account's
    last data day."""
    cards = cards.annotate(trend=F("overall_score") - F("previous_overall_score"))
    name = sort.removeprefix("-")
    if name == "quadrant":
        cards = cards.annotate(
            quadrant_rank=Case(
                *(
                    When(quadrant=quadrant, then=Value(rank))
                    for rank, quadrant in enumerate(rules.QUADRANTS)
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
    elif name == "flags":
        cards = cards.annotate(
            flag_count=Case(
                When(flags="", then=Value(0)),
                default=Length("flags") - Length(Replace("flags", Value(";"), Value(""))) + 1,
                output_field=IntegerField(),
            )
        )
    cards = cards.select_related("account", "reviewed_by").order_by(*_ordering(sort))
    done, counted = practice_sums(OuterRef("account_id"), start=window.start, end=window.end)
    cards = cards.annotate(
        practice_done=done,
        practice_counted=counted,
        account_last_data_day=last_data_day("account_id"),
    )
    if name == PRACTICE_SORT:
        order = practice_share_order(
            "practice_done", "practice_counted", descending=sort.startswith("-")
        )
        cards = cards.order_by(order, F("account__handle").asc())
    return cards


def overview(cards: QuerySet[Scorecard], listed: QuerySet[Account]) -> dict[str, Any]:
    """The count, the newest computation, the listed accounts and the chart's points (as a
    sorted list)."""
    number = listed.order_by().values("team").annotate(n=Count("pk")).values("n")
    read = cards.order_by().aggregate(
        count=Count("pk"),
        newest=Max("computed_at"),
        listed=Max(Subquery(number, output_field=IntegerField())),
    )
    rows = cards.order_by().values_list(
        "account__handle", "account__kind", "engagement_score", "roi_score", "overall_score"
    )
    read["points"] = sorted(
        (handle, kind, float(engagement or 0), float(roi or 0))
        for handle, kind, engagement, roi, overall in rows
        if overall is not None
    )
    return read


def without_card(listed: QuerySet[Account], window) -> list[int]:
    """The ids of the listed accounts without a card of the window, by handle."""
    of_the_window = Scorecard.objects.filter(
        account=OuterRef("pk"), days=window.days, period_end=window.end
    )
    return list(
        listed.exclude(Exists(of_the_window)).order_by("handle").values_list("pk", flat=True)
    )
