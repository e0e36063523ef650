"""My week, the account page's summary, the history and the practice scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)

from accounts.models import Account, Membership
from lib.dates import this_week
from strategy.models import Checklist, ChecklistItem, ChecklistTemplate, Practice, WeekPractice
from strategy.periods import weeks_back, weeks_overlapping
from strategy.selectors.states import (
    ItemState,
    Progress,
    checklist_get,
    progress_of,
    states_of_checklists,
)


@dataclass
class AccountWeek:
    account: Account
    checklist: Checklist | None
    progress: Progress
    left: list[ItemState]
    # Every item of the week, done or not, in the checklist's order.
    states: list[ItemState]


def week_accounts(
    *, user: AbstractBaseUser, membership: Membership, kind: str = "", manager_id: int | None = None
) -> QuerySet[Account]:
    """The active accounts of My week: a manager's own; for a lead the team's, filtered.

    Not read yet: `week_page` counts them in the database and reads only those it shows.
    """
    # A manager's own accounts: visible_to's rule for a manager.
    accounts = Account.objects.visible_to(user, membership).active()
    if kind:
        accounts = accounts.filter(kind=kind)
    if manager_id:
        accounts = accounts.filter(managers=manager_id)
    accounts = accounts.select_related("team").order_by("handle")  # unique in a team
    # Only a lead's page names each account's managers: by username, as the account page.
    if not membership.is_lead:
        return accounts
    by_name = get_user_model().objects.order_by("username")
    return accounts.prefetch_related(Prefetch("managers", queryset=by_name))


# Pages of My week read in one query with their count: past this, a number is only a
# number typed in the address (a million accounts at 25 a page make 40,000 pages).
MOST_PAGES = 100_000


def week_page(
    *, accounts: QuerySet[Account], week_start: date, number: object, per_page: int
) -> Page:
    """One page of My week's accounts (`week_accounts`), as Paginator.get_page numbers it.

    One read: each account comes with its checklist of the week (`week_checklist`, None
    while it is not open; its id, template and week only, what `week_overview` needs) and
    the whole filtered set's count (COUNT(*) OVER (): counted by the database, never read
    row by row). Only a page past the end (or an empty set) asks for a plain COUNT and
    reads the last page.
    """
    week = Checklist.objects.filter(account=OuterRef("pk"), week_start=week_start)

    def read(number: int) -> list[Account]:
        offset = (number - 1) * per_page
        return list(
            accounts.annotate(
                filtered_count=Window(Count("pk")),
                week_checklist_id=Subquery(week.values("pk")[:1]),
                week_template_id=Subquery(week.values("template_id")[:1]),
            )[offset : offset + per_page]
        )

    paginator = Paginator(accounts, per_page)
    try:
        wanted = int(str(number))
    except ValueError:
        wanted = 1
    # A number no team reaches goes to the paginator, which shows the last page, rather
    # than to an OFFSET the database cannot hold.
    shown = read(wanted) if 1 <= wanted <= MOST_PAGES else []
    if shown:
        paginator.count = shown[0].filtered_count
        page = paginator.page(wanted)
    else:
        page = paginator.get_page(number)  # a COUNT; past the end, the last page
        shown = read(page.number) if paginator.count else []
    for account in shown:
        account.week_checklist = None
        if getattr(account, "week_checklist_id", None) is not None:
            account.week_checklist = Checklist(
                pk=account.week_checklist_id,
                account=account,
                template_id=account.week_template_id,
                week_start=week_start,
            )
    page.object_list = shown
    return page


def week_overview(
    *, accounts: list[Account], week_start: date, checklists: list[Checklist] | None = None
) -> list[AccountWeek]:
    """Each account's progress in the week and the items still to do.

    `checklists`: the accounts' checklists of the week when the caller has read them
    already (`week_page`); read here otherwise.
    """
    if checklists is None:
        checklists = list(
            Checklist.objects.filter(account__in=accounts, week_start=week_start).order_by()
        )
    by_account = {account.pk: account for account in accounts}
    for checklist in checklists:
        checklist.account = by_account[checklist.account_id]
    states = states_of_checklists(checklists)
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
                states=account_states,
            )
        )
    return rows


@dataclass
class WeekProgress:
    account: Account
    # The account's checklist of the week (its id, template and week); None while not open.
    checklist: Checklist | None
    progress: Progress


def week_progress(
    *, accounts: list[Account], week_start: date, among: QuerySet[Account] | None = None
) -> list[WeekProgress]:
    """Each account's checklist of the week and its progress, for pages that show only the
    counts (the team home): one query, of the checklists with their stored figures
    (strategy.models.WeekPractice, which every write keeps current) joined in.

    `among`: the query the accounts were read by, when the caller has it. The checklists
    are then read by it rather than by a list of ids (a lead's thousand parameters cost
    psycopg more to parse than the subquery costs to run); an account it finds that is not
    among `accounts` (added since they were read) is left out.

    A checklist without stored figures (written around the services) has its progress
    computed from its items, as week_overview computes it.
    """
    of_accounts = accounts if among is None else among.values("pk")
    stored = (
        Checklist.objects.filter(account__in=of_accounts, week_start=week_start)
        .order_by()
        .values_list("pk", "account_id", "template_id", "practice__done", "practice__counted")
    )
    by_account = {account.pk: account for account in accounts}
    checklist_of: dict[int, Checklist] = {}
    progress: dict[int, Progress] = {}
    for pk, account_id, template_id, done, counted in stored:
        if account_id not in by_account:
            continue
        checklist_of[account_id] = Checklist(
            pk=pk, account=by_account[account_id], template_id=template_id, week_start=week_start
        )
        if counted is not None:
            progress[pk] = Progress(done=done, total=counted)
    unstored = [c for c in checklist_of.values() if c.pk not in progress]
    for pk, states in states_of_checklists(unstored).items():
        progress[pk] = progress_of(states)
    rows = []
    for account in accounts:
        checklist = checklist_of.get(account.pk)
        rows.append(
            WeekProgress(
                account=account,
                checklist=checklist,
                progress=progress[checklist.pk] if checklist else Progress(),
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

    Reads only: the account page does not open checklists. An open checklist's figures are
    the stored ones (strategy.models.WeekPractice, which every write keeps current): one
    query. Without them (no checklist open yet) they are computed from the items.
    """
    week = this_week()
    stored = (
        WeekPractice.objects.filter(account=account, week_start=week)
        .values_list("done", "counted")
        .first()
    )
    if stored is not None:
        return Progress(done=stored[0], total=stored[1])
    checklist = checklist_get(account=account, week_start=week)
    if checklist is None:
        template = ChecklistTemplate.objects.filter(team=account.team_id, kind=account.kind).first()
        if template is None:
            return None
        checklist = Checklist(account=account, template=template, week_start=week)
    checklist.account = account
    return progress_of(states_of_checklists([checklist])[checklist.pk])


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
    states = states_of_checklists(checklists)
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


WEEK = timedelta(days=7)


def weekly_progress(*, account: Account, weeks: list[date]) -> dict[date, Progress]:
    """The progress of each of the given weeks' checklists; a week without one is missing.

    One query of the stored weekly figures (strategy.models.WeekPractice). Weeks that
    follow one another are read as one range (a page's are a run or two: a dozen weeks
    of history and those of a period); the rows read are kept to the weeks asked.
    """
    wanted = set(weeks)
    if not wanted:
        return {}
    runs: list[list[date]] = []
    for week in sorted(wanted):
        if runs and week - runs[-1][1] <= WEEK:
            runs[-1][1] = week
        else:
            runs.append([week, week])
    days = Q()
    for first, last in runs:
        days |= Q(week_start__range=(first, last))
    rows = WeekPractice.objects.filter(days, account=account).values_list(
        "week_start", "done", "counted"
    )
    return {week: Progress(done, counted) for week, done, counted in rows if week in wanted}


def practice_progress(
    *, accounts: Iterable[Account], start: date, end: date
) -> dict[int, Progress]:
    """Items done and counted over the weeks overlapping [start, end], per account.

    Every item of every week's checklist counts once (a monthly item in each of its weeks).
    One aggregate query of the stored weekly figures (strategy.models.WeekPractice) for any
    number of accounts.
    """
    return periods_progress(accounts=accounts, periods=[(start, end)])[0]


def periods_progress(
    *, accounts: Iterable[Account], periods: list[tuple[date, date]]
) -> list[dict[int, Progress]]:
    """practice_progress of each period (start, end), in the periods' order, from one
    aggregate query: a report reads its period and the one it compares with together."""
    account_ids = list({account.pk for account in accounts})
    sums: dict[str, Sum] = {}
    weeks_of_all: set[date] = set()
    for n, (start, end) in enumerate(periods):
        weeks = weeks_overlapping(start, end)
        weeks_of_all.update(weeks)
        in_period = Q(week_start__in=weeks)
        sums[f"done_{n}"] = Sum("done", filter=in_period)
        sums[f"counted_{n}"] = Sum("counted", filter=in_period)
    rows = (
        WeekPractice.objects.filter(account__in=account_ids, week_start__in=sorted(weeks_of_all))
        .order_by()
        .values("account_id")
        .annotate(**sums)
    )
    totals: list[dict[int, Progress]] = [{} for _ in periods]
    for row in rows:
        for n, period_totals in enumerate(totals):
            # No weekly figures in this period (only in another one): the sums are NULL.
            if row[f"counted_{n}"] is not None:
                period_totals[row["account_id"]] = Progress(row[f"done_{n}"], row[f"counted_{n}"])
    return [
        {account_id: period_totals.get(account_id, Progress()) for account_id in account_ids}
        for period_totals in totals
    ]


def practice_scores(
    *, accounts: Iterable[Account], start: date, end: date
) -> dict[int, Decimal | None]:
    """Share of checklist items done over the weeks overlapping [start, end], per account
    (practice_progress); None when the account had no checklist items in those weeks."""
    return shares(practice_progress(accounts=accounts, start=start, end=end))


def shares(progress: dict[int, Progress]) -> dict[int, Decimal | None]:
    """Each account's practice score (Progress.share) from its progress."""
    return {account_id: figures.share for account_id, figures in progress.items()}


def practice_sums_sql(account_id: str, *, start: date, end: date) -> tuple[str, str, list[date]]:
    """Items done and items counted over the weeks overlapping [start, end], as two scalar
    subqueries of the stored weekly figures, for a hand-written select whose SQL
    `account_id` names the account (analytics.review.cards_read): so that pages sort by the
    practice score in the database. Both are NULL without a checklist in those weeks; the
    score is `Progress(done, counted).share`, as practice_scores() gives it. Each subquery
    takes the weeks, the third value, as its parameters.
    """
    weeks = weeks_overlapping(start, end)
    table = WeekPractice._meta.db_table
    where = (
        f'WHERE p."{_column("account")}" = {account_id} '
        f'AND p."{_column("week_start")}" IN ({", ".join(["%s"] * len(weeks))})'
    )
    done, counted = (
        f'(SELECT SUM(p."{_column(name)}") FROM "{table}" p {where})'  # noqa: S608 (names)
        for name in ("done", "counted")
    )
    return done, counted, weeks


def practice_share_order_sql(done: str, counted: str, *, descending: bool) -> str:
    """The ORDER BY term of the practice score of practice_sums_sql's `done` and `counted`,
    nulls last. In floating point, which orders shares exactly at checklists' sizes: equal
    fractions divide to the same double, and different ones with terms below 2**26 (a
    lifetime of weekly items) to different doubles in their order."""
    direction = "DESC" if descending else "ASC"
    return f"CAST({done} AS DOUBLE PRECISION) / NULLIF({counted}, 0) {direction} NULLS LAST"


def _column(name: str) -> str:
    return WeekPractice._meta.get_field(name).column
