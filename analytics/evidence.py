"""Evidence for strategy's checklists that only the metrics and the videos can give.

Registered with strategy.evidence from AnalyticsConfig.ready(): analytics may import
strategy, never the other way round. For the same reason whatever writes the rows these
rules read tells strategy here which accounts and days changed (`evidence_days_changed`,
`evidence_videos_changed`), in the writer's transaction, so that the stored weekly practice
figures (strategy.models.WeekPractice) follow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models.functions import TruncWeek

from accounts.models import Account
from analytics.models import DailyMetric, Video
from analytics.models.videos import promotional_of
from lib.dates import monday_of
from strategy import evidence
from strategy.periods import weeks_overlapping
from strategy.practice_figures import practice_refresh


def _spent(accounts: list[Account], start: date, end: date) -> set[int]:
    """The accounts with spend above zero on a day in [start, end]: one query."""
    return set(
        DailyMetric.objects.filter(
            account__in=[a.pk for a in accounts], date__range=(start, end), spend__gt=0
        )
        # No ordering: DailyMetric's default one would join accounts into the DISTINCT.
        .order_by()
        .values_list("account_id", flat=True)
        .distinct()
    )


def _videos(accounts: list[Account], start: date, end: date) -> Iterator[tuple[int, date, bool]]:
    """(account, posted on, promotional) of the videos in [start, end].

    Whether a video is promotional is stored on it (Video.title_promotional, kept by
    analytics.content.video_marks.videos_classify; a person's mark wins, as
    Video.is_promotional says): no title is matched here.
    """
    rows = (
        Video.objects.filter(account__in=[a.pk for a in accounts], posted_on__range=(start, end))
        .order_by()
        .values_list("account_id", "posted_on", "promotional_mark", "title_promotional")
    )
    for account_id, posted_on, mark, by_title in rows:
        yield account_id, posted_on, promotional_of(mark, by_title)


def paid_promotion_ran(accounts: list[Account], start: date, end: date) -> dict[int, bool]:
    """Whether any day in [start, end] had spend above zero, per account: one query."""
    spent = _spent(accounts, start, end)
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
# count nowhere. Promotional is analytics/promotion.py's rule, stored on each video.


def _videos_by_week(accounts: list[Account], start: date, end: date) -> dict[int, dict]:
    """{account_id: {monday: (videos, promotional)}} for the weeks with a video: one query,
    shared by every video rule of the same evaluation (strategy.evidence.shared).
    """
    key = ("videos_by_week", tuple(sorted(a.pk for a in accounts)), start, end)
    return evidence.shared(key, lambda: _count_videos(accounts, start, end))


def _count_videos(accounts: list[Account], start: date, end: date) -> dict[int, dict]:
    counts: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for account_id, posted_on, promotional in _videos(accounts, start, end):
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
    weeks = _videos_by_week(accounts, start, end)
    return {
        account.pk: sum(t for t, _ in weeks.get(account.pk, {}).values()) >= THREE
        for account in accounts
    }


def three_videos_weeks(accounts: list[Account], start: date, end: date) -> dict[int, set[date]]:
    """The Mondays of the weeks in [start, end] with three videos or more, per account."""
    weeks = _videos_by_week(accounts, start, end)
    return {
        account.pk: {monday for monday, (t, _) in weeks.get(account.pk, {}).items() if t >= THREE}
        for account in accounts
    }


def register_evidence() -> None:
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


# -- the data changed --


def evidence_days_changed(*, account_ids: Iterable[int], start: date, end: date) -> int:
    """Daily metrics or campaign days of these accounts changed between start and end:
    the figures of the weeks those days fall in are computed again. Returns how many."""
    return practice_refresh(accounts=account_ids, weeks=weeks_overlapping(start, end))


def evidence_videos_changed(*, posted: Iterable[tuple[int, date | None]]) -> int:
    """Videos were written or marked: (account id, posted on) of each. A video counts in
    the week of its `posted_on`; one without a date counts nowhere."""
    pairs = {(account_id, monday_of(day)) for account_id, day in posted if day is not None}
    if not pairs:
        return 0
    return practice_refresh(pairs=pairs)
