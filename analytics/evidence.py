"""Evidence for strategy's checklists that only the metrics and the videos can give.

Registered with strategy.evidence from AnalyticsConfig.ready(): analytics may import
strategy, never the other way round.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncWeek

from accounts.models import Account
from analytics.models import DailyMetric, Video
from lib import prepared
from lib.dates import monday_of

# The rules of one week are asked on every checklist tick (strategy/ticks.py), so they are
# plain SQL, prepared (lib.prepared): building the same query with the ORM, and planning
# it, cost more than running it.
_SPENT = """
SELECT DISTINCT account_id FROM analytics_dailymetric
WHERE account_id = ANY(%s) AND date BETWEEN %s AND %s AND spend > 0
"""
_VIDEOS = """
SELECT v.account_id, v.posted_on, COALESCE(v.promotional_mark, v.title_promotional)
FROM analytics_video v
WHERE v.account_id = ANY(%s) AND v.posted_on BETWEEN %s AND %s
"""
_VIDEO_COUNTS = """
SELECT account_id, count(*) FROM analytics_video
WHERE account_id = ANY(%s) AND posted_on BETWEEN %s AND %s GROUP BY account_id
"""


def _rows(sql: str, accounts: list[Account], start: date, end: date) -> list[tuple]:
    if not accounts:
        return []
    ids = [a.pk for a in accounts]
    if not prepared.available():
        return list(_ORM[sql](ids, start, end))  # the SQLite demo
    return prepared.fetch(sql, [ids, start, end])


def _orm_videos(ids: list[int], start: date, end: date):
    return (
        Video.objects.filter(account__in=ids, posted_on__range=(start, end))
        .annotate(promotional=Coalesce("promotional_mark", "title_promotional"))
        .order_by()
        .values_list("account_id", "posted_on", "promotional")
    )


# The same rows from the ORM, for databases other than PostgreSQL.
_ORM = {
    _SPENT: lambda ids, start, end: (
        DailyMetric.objects.filter(account__in=ids, date__range=(start, end), spend__gt=0)
        # No ordering: DailyMetric's default one would join accounts into the DISTINCT.
        .order_by()
        .values_list("account_id")
        .distinct()
    ),
    _VIDEOS: _orm_videos,
    _VIDEO_COUNTS: lambda ids, start, end: (
        Video.objects.filter(account__in=ids, posted_on__range=(start, end))
        .order_by()
        .values("account_id")
        .annotate(videos=Count("pk"))
        .values_list("account_id", "videos")
    ),
}


def paid_promotion_ran(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    """Whether any day in [start, end] had spend above zero, per account: one query."""
    spent = {account_id for (account_id,) in _rows(_SPENT, accounts, start, end)}
    return {account.pk: account.pk in spent for account in accounts}


def paid_promotion_weeks(accounts: list[Account], start: date, end: date) -> dict[int, set[date]]:
    """The Mondays of the weeks in [start, end] with spend above zero, per account: one query."""
    rows = (
        DailyMetric.objects.filter(
            account__in=[a.pk for a in accounts], date__range=(start, end), spend__gt=0
        )
        .annotate(week=TruncWeek("date"))
        .order_by()
        .values_list("account_id", "week")
        .distinct()
    )
    weeks: dict[int, set[date]] = {account.pk: set() for account in accounts}
    for account_id, week in rows:
        weeks[account_id].add(week)
    return weeks


# Video rules. A video counts in the ISO week of its `posted_on`; videos without a date
# count nowhere. Promotional is analytics/promotion.py's rule: a person's mark wins, else
# the team's markers (its own list, or the defaults) in the title.


def _videos_by_week(accounts: list[Account], start: date, end: date) -> dict[int, dict]:
    """{account_id: {monday: (videos, promotional)}} for the weeks with a video: one query.

    Whether a video is promotional is stored on it (Video.title_promotional, kept by
    analytics.services.videos.videos_classify): no title is matched here.
    """
    counts: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for account_id, posted_on, promotional in _rows(_VIDEOS, accounts, start, end):
        week = counts[account_id][monday_of(posted_on)]
        week[0] += 1
        week[1] += bool(promotional)
    return {
        account_id: {monday: (total, promotional) for monday, (total, promotional) in weeks.items()}
        for account_id, weeks in counts.items()
    }


def _one_in_five(total: int, promotional: int) -> bool:
    return promotional * 5 <= total


def promotional_one_in_five(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    """At most one promotional video in five posted in [start, end], per account.

    An account without a video in the range is left out: there is nothing to count, so the
    item is not available rather than done.
    """
    answer = {}
    for account_id, weeks in _videos_by_week(accounts, start, end).items():
        total = sum(t for t, _ in weeks.values())
        promotional = sum(p for _, p in weeks.values())
        answer[account_id] = _one_in_five(total, promotional)
    return answer


def promotional_one_in_five_weeks(
    accounts: list[Account], start: date, end: date
) -> dict[int, dict[date, bool]]:
    """{monday: holds} for the weeks in [start, end] with a video, per account: one query."""
    return {
        account_id: {monday: _one_in_five(*counts) for monday, counts in weeks.items()}
        for account_id, weeks in _videos_by_week(accounts, start, end).items()
    }


def promotional_video_posted(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    """Whether a promotional video was posted in [start, end], per account: one query."""
    weeks = _videos_by_week(accounts, start, end)
    return {
        account.pk: any(p for _, p in weeks.get(account.pk, {}).values()) for account in accounts
    }


def promotional_video_weeks(
    accounts: list[Account], start: date, end: date
) -> dict[int, set[date]]:
    """The Mondays of the weeks in [start, end] with a promotional video, per account."""
    weeks = _videos_by_week(accounts, start, end)
    return {
        account.pk: {monday for monday, (_, p) in weeks.get(account.pk, {}).items() if p}
        for account in accounts
    }


THREE = 3


def three_videos_posted(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    """Whether at least three videos were posted in [start, end], per account: one query."""
    posted = dict(_rows(_VIDEO_COUNTS, accounts, start, end))
    return {account.pk: posted.get(account.pk, 0) >= THREE for account in accounts}


def three_videos_weeks(accounts: list[Account], start: date, end: date) -> dict[int, set[date]]:
    """The Mondays of the weeks in [start, end] with three videos or more, per account."""
    rows = (
        Video.objects.filter(account__in=[a.pk for a in accounts], posted_on__range=(start, end))
        .annotate(week=TruncWeek("posted_on"))
        .order_by()
        .values("account_id", "week")
        .annotate(videos=Count("pk"))
        .filter(videos__gte=THREE)
        .values_list("account_id", "week")
    )
    weeks: dict[int, set[date]] = {account.pk: set() for account in accounts}
    for account_id, week in rows:
        weeks[account_id].add(week)
    return weeks


def register_evidence() -> None:
    from strategy import evidence

    evidence.register("paid_promotion_ran", paid_promotion_ran, by_week=paid_promotion_weeks)
    evidence.register(
        "promotional_one_in_five",
        promotional_one_in_five,
        by_week=promotional_one_in_five_weeks,
    )
    evidence.register(
        "promotional_video_posted", promotional_video_posted, by_week=promotional_video_weeks
    )
    evidence.register("three_videos_posted", three_videos_posted, by_week=three_videos_weeks)
