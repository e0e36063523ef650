"""The review table's cards, read by hand-written SQL: which scorecards of a window the table
lists (the user's scope and the table's filters), in the order of its sorts, and what it shows
of them and of all of them (the count, the chart, the newest computation).

Written by hand because a profile of the review page under the production settings found
most of its work in building and compiling the ORM's versions of these queries (some 18,000
of a sort partial's 26,000 function calls). The ORM versions are kept as the reference in
tests/analytics/review_reference.py, and tests/analytics/test_cards_read.py keeps the two
equal. Who may see which account stays the ORM's one rule (Account.objects.visible_to),
compiled once per request into the queries' scope.

No value from outside is ever part of the SQL text: it is put together from the models'
table and column names and this module's constants, and every value is a parameter (hence
the S608 exceptions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model

from accounts.models import Account, Membership
from analytics.models import DailyMetric, Scorecard
from analytics.scorecards.terms import QUADRANTS
from analytics.scorecards.windows import Window
from lib.rows import OrmRows
from strategy.models import WeekPractice
from strategy.selectors import practice_share_order_sql, practice_sums_sql

User = get_user_model()

DEFAULT_SORT = "handle"
# The practice score is a sum over strategy's stored weekly figures, not a column of the
# scorecard (strategy.selectors.practice_sums_sql).
PRACTICE_SORT = "practice"


def _name(model: type[Model], field: str = "") -> str:
    """A table's quoted name, or with `field` the quoted column of that field."""
    if not field:
        return connection.ops.quote_name(model._meta.db_table)
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _card(field: str) -> str:
    return f"s.{_name(Scorecard, field)}"


def _account(field: str) -> str:
    return f"a.{_name(Account, field)}"


_TREND = f"({_card('overall_score')} - {_card('previous_overall_score')})"
_FLAGS = _card("flags")
# The sortable columns of the table (the URL's name for each) and what each orders by.
# Every order puts nulls last, so accounts without a figure never crowd the top; the
# account's handle breaks ties.
_SORT_SQL: dict[str, str] = {
    "handle": _account("handle"),
    "kind": _account("kind"),
    "engagement_score": _card("engagement_score"),
    "roi_score": _card("roi_score"),
    "overall_score": _card("overall_score"),
    # A blank grade means there was no overall score: it sorts with the nulls.
    "grade": f"NULLIF({_card('grade')}, '')",
    # The quadrants in their order (terms.QUADRANTS), as ranks; params: the names.
    "quadrant": "CASE {} {} END".format(
        _card("quadrant"), " ".join(f"WHEN %s THEN {rank}" for rank in range(len(QUADRANTS)))
    ),
    "trend": _TREND,
    # Flags are stored joined with ';'.
    "flags": f"CASE WHEN {_FLAGS} = '' THEN 0 "
    f"ELSE LENGTH({_FLAGS}) - LENGTH(REPLACE({_FLAGS}, ';', '')) + 1 END",
    "reviewed": _card("reviewed_at"),
}
SORT_COLUMNS = (*_SORT_SQL, PRACTICE_SORT)

_CARDS_FROM = (
    f"FROM {_name(Scorecard)} s "
    f"INNER JOIN {_name(Account)} a ON a.{_name(Account, 'id')} = {_card('account')}"
)
_LAST_DATA_DAY = (
    f"(SELECT d.{_name(DailyMetric, 'date')} FROM {_name(DailyMetric)} d "  # noqa: S608
    f"WHERE d.{_name(DailyMetric, 'account')} = {_card('account')} "
    f"ORDER BY d.{_name(DailyMetric, 'date')} DESC LIMIT 1)"
)
# A row of the table (analytics.review.table.CardRow), each column with the field that
# converts it as the ORM would.
_ROW_COLUMNS = (
    (_account("handle"), Account, "handle"),
    (_account("kind"), Account, "kind"),
    (_account("verified"), Account, "verified"),
    (_card("days_with_rows"), Scorecard, "days_with_rows"),
    (_card("engagement_score"), Scorecard, "engagement_score"),
    (_card("roi_score"), Scorecard, "roi_score"),
    (_card("overall_score"), Scorecard, "overall_score"),
    (_card("grade"), Scorecard, "grade"),
    (_card("quadrant"), Scorecard, "quadrant"),
    (_card("flags"), Scorecard, "flags"),
    (_TREND, Scorecard, "overall_score"),
    (_card("reviewed_at"), Scorecard, "reviewed_at"),
    (f"u.{_name(User, 'username')}", User, "username"),
    (f"u.{_name(User, 'first_name')}", User, "first_name"),
    (f"u.{_name(User, 'last_name')}", User, "last_name"),
    (_card("review_comment"), Scorecard, "review_comment"),
    ("{done}", WeekPractice, "done"),
    ("{counted}", WeekPractice, "counted"),
    (_LAST_DATA_DAY, DailyMetric, "date"),
)
_ROWS = OrmRows([(model._meta.get_field(field), "x") for _, model, field in _ROW_COLUMNS])
_ROW_SELECT = (
    "SELECT "
    + ", ".join(sql for sql, _, _ in _ROW_COLUMNS)
    + f" {_CARDS_FROM} LEFT OUTER JOIN {_name(User)} u "
    f"ON u.{_name(User, 'id')} = {_card('reviewed_by')}"
)
_NEWEST = OrmRows([(Scorecard._meta.get_field("computed_at"), "s")])
_POINT_ROWS = OrmRows(
    [
        (Account._meta.get_field("handle"), "a"),
        (Account._meta.get_field("kind"), "a"),
        *(
            (Scorecard._meta.get_field(name), "s")
            for name in ("engagement_score", "roi_score", "overall_score", "computed_at")
        ),
    ]
)


@dataclass(frozen=True)
class CardFilters:
    """The table's filters, each '' when not set (ScorecardFilterForm.filters())."""

    kind: str = ""
    grade: str = ""
    quadrant: str = ""
    flag: str = ""
    search: str = ""

    @classmethod
    def of(cls, chosen: dict[str, str]) -> CardFilters:
        return cls(**{name: chosen.get(name, "") for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class CardsOverview:
    """What the review page shows of all the cards, not only of its page."""

    # The scatter chart's, one per card with an overall score: [handle, kind, engagement,
    # ROI]. Lists, not objects: a lead's thousand points are the page's biggest part.
    # None when not read (overview(points=False)).
    points: list[tuple[str, str, float, float]] | None
    count: int
    computed_at: datetime | None  # when the newest card was computed
    # How many accounts the table lists (with a card of the window or without), when
    # there are cards; as many cards as listed accounts means that none is without a card.
    listed: int | None = None

    @property
    def every_account_scored(self) -> bool:
        return self.listed is not None and self.count >= self.listed


class Scope:
    """The team's active accounts a user sees, as SQL for the queries' WHERE: the ORM's
    rule (Account.objects.visible_to), compiled once."""

    def __init__(self, *, user: AbstractBaseUser, membership: Membership) -> None:
        visible = Account.objects.visible_to(user, membership).filter(archived=False)
        try:
            sql, params = visible.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # visible_to(...).none(): a visitor, another user's membership
            sql, params = "", ()
        self.empty = not sql
        self.sql = sql
        self.params = list(params)

    def has_data_since(self, day: date) -> bool:
        """Whether an account in scope has a metric row on or after `day`: one query, which
        stops at the first account that has."""
        if self.empty:
            return False
        metric, date_column = _name(DailyMetric), _name(DailyMetric, "date")
        sql = (
            f"SELECT 1 FROM {_name(Account)} a "  # noqa: S608
            f"WHERE a.{_name(Account, 'id')} IN ({self.sql}) "
            f"AND EXISTS (SELECT 1 FROM {metric} d "
            f"WHERE d.{_name(DailyMetric, 'account')} = a.{_name(Account, 'id')} "
            f"AND d.{date_column} >= %s) LIMIT 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, day])
            return cursor.fetchone() is not None

    def accounts_where(self, filters: CardFilters, alias: str = "a") -> tuple[str, list]:
        """The accounts in scope that the table lists under `filters` (kind and search;
        listed with a card of the window or without), as a WHERE over `alias`."""
        parts = [f"{alias}.{_name(Account, 'id')} IN ({self.sql})"]
        params: list[Any] = list(self.params)
        if filters.kind:
            parts.append(f"{alias}.{_name(Account, 'kind')} = %s")
            params.append(filters.kind)
        if filters.search:
            # Whatever the case typed, or stored (handles are ASCII: accounts.models.HANDLE_RE).
            term = connection.ops.prep_for_like_query(filters.search.strip().removeprefix("@"))
            parts.append(f"UPPER({alias}.{_name(Account, 'handle')}) LIKE UPPER(%s) ESCAPE '\\'")
            params.append(f"%{term}%")
        return " AND ".join(parts), params


class Cards:
    """The team's scorecards of one window that a user sees under the table's filters."""

    def __init__(self, *, scope: Scope, window: Window, filters: CardFilters) -> None:
        self.scope = scope
        self.window = window
        self.filters = filters
        accounts, params = scope.accounts_where(filters)
        parts = [f"{_card('days')} = %s", f"{_card('period_end')} = %s", accounts]
        params = [window.days, window.end, *params]
        if filters.grade:
            parts.append(f"{_card('grade')} = %s")
            params.append(filters.grade)
        if filters.quadrant:
            parts.append(f"{_card('quadrant')} = %s")
            params.append(filters.quadrant)
        if filters.flag:
            # Whole names only, so that one flag never matches inside another.
            flag = connection.ops.prep_for_like_query(filters.flag)
            like = f"{_FLAGS} LIKE %s ESCAPE '\\'"
            parts.append(f"({_FLAGS} = %s OR {like} OR {like} OR {like})")
            params += [filters.flag, f"{flag};%", f"%;{flag}", f"%;{flag};%"]
        self.where = " AND ".join(parts)
        self.params = params

    def _read(self, sql: str, params: list) -> list:
        if self.scope.empty:
            return []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def without_card(self) -> tuple[str, list]:
        """A select of the ids of the accounts listed under the filters' kind and search
        that have no card of the window (the table's rows without a scorecard)."""
        accounts, params = self.scope.accounts_where(self.filters)
        sql = (
            f"SELECT a.{_name(Account, 'id')} FROM {_name(Account)} a WHERE {accounts} "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {_name(Scorecard)} s "
            f"WHERE {_card('account')} = a.{_name(Account, 'id')} "
            f"AND {_card('days')} = %s AND {_card('period_end')} = %s)"
        )
        return sql, [*params, self.window.days, self.window.end]

    def overview(self, *, points: bool = True) -> CardsOverview:
        """The number of cards, when the newest was computed, how many accounts the table
        lists, and (with `points`) the chart's points: one query."""
        listed, listed_params = self.scope.accounts_where(self.filters, alias="l")
        listed_count = f"(SELECT COUNT(*) FROM {_name(Account)} l WHERE {listed})"  # noqa: S608
        if not points:
            read = self._read(
                f"SELECT COUNT(*), MAX({_card('computed_at')}), {listed_count} "
                f"{_CARDS_FROM} WHERE {self.where}",
                [*listed_params, *self.params],
            )
            if not read:
                return CardsOverview(points=None, count=0, computed_at=None, listed=0)
            count, newest, listed_total = read[0]
            (newest,) = _NEWEST.values([[newest]])[0]
            return CardsOverview(points=None, count=count, computed_at=newest, listed=listed_total)
        # Every card's point; the first row also carries when the newest card was computed
        # and how many accounts are listed (on one row only: a lead's thousand timestamps
        # would cost more to load than the query they spare). The count is the rows'.
        first = f"ROW_NUMBER() OVER (ORDER BY {_account('handle')}) = 1"
        rows = _POINT_ROWS.values(
            self._read(
                f"SELECT {_account('handle')}, {_account('kind')}, "
                f"{_card('engagement_score')}, {_card('roi_score')}, {_card('overall_score')}, "
                f"CASE WHEN {first} THEN MAX({_card('computed_at')}) OVER () END, "
                f"CASE WHEN {first} THEN {listed_count} END "
                f"{_CARDS_FROM} WHERE {self.where} ORDER BY {_account('handle')}",
                [*listed_params, *self.params],
            )
        )
        # An account without an overall score has no quadrant and is not placed on the
        # map (docs/scoring.md, "Grade and quadrant"); otherwise a missing side is drawn
        # at 0, as the quadrant rule counts it.
        chart = [
            (handle, kind, float(engagement or 0), float(roi or 0))
            for handle, kind, engagement, roi, overall, _, _ in rows
            if overall is not None
        ]
        if not rows:
            return CardsOverview(points=chart, count=0, computed_at=None)
        _, _, _, _, _, newest, listed_total = next(row for row in rows if row[5] is not None)
        return CardsOverview(points=chart, count=len(rows), computed_at=newest, listed=listed_total)

    def in_order(self, sort: str, *, count: int | None = None) -> CardsInOrder:
        """The cards in the order `sort` names; `count`, their number when the caller knows
        it already (overview()), spares a COUNT."""
        return CardsInOrder(self, sort, count=count)


class CardsInOrder(Sequence):
    """The cards in the order `sort` names (a name of SORT_COLUMNS, '-' first for
    descending; another name sorts by account), read a slice at a time as the table's rows:
    tuples in CardRow's order."""

    def __init__(self, cards: Cards, sort: str, *, count: int | None = None) -> None:
        self.cards = cards
        self.sort = sort
        name = sort.removeprefix("-")
        self.descending = sort.startswith("-")
        window = cards.window
        self.done, self.counted, self.weeks = practice_sums_sql(
            _card("account"), start=window.start, end=window.end
        )
        handle = f"{_account('handle')} ASC"
        if name == PRACTICE_SORT:
            share = practice_share_order_sql(self.done, self.counted, descending=self.descending)
            self.order, self.order_params = f"{share}, {handle}", [*self.weeks, *self.weeks]
        else:
            name = name if name in _SORT_SQL else DEFAULT_SORT
            direction = "DESC" if self.descending else "ASC"
            self.order = f"{_SORT_SQL[name]} {direction} NULLS LAST, {handle}"
            self.order_params = list(QUADRANTS) if name == "quadrant" else []
        self._count = count

    def __len__(self) -> int:
        if self._count is None:
            (row,) = self.cards._read(
                f"SELECT COUNT(*) {_CARDS_FROM} WHERE {self.cards.where}", self.cards.params
            ) or [(0,)]
            self._count = row[0]
        return self._count

    def __getitem__(self, index):  # noqa: ANN001, ANN204 (a Sequence's protocol)
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        if stop <= start:
            return []
        select = _ROW_SELECT.format(done=self.done, counted=self.counted)
        rows = self.cards._read(
            f"{select} WHERE {self.cards.where} ORDER BY {self.order} LIMIT %s OFFSET %s",
            [*self.weeks, *self.weeks, *self.cards.params, *self.order_params, stop - start, start],
        )
        return _ROWS.values(rows)

    def read(self, *columns: str) -> list:
        """Every card's `columns` ("id", "handle", "kind", or "done" and "counted", the
        practice sums) in this order."""
        sums = {"done": self.done, "counted": self.counted}
        plain = {"id": _card("id"), "handle": _account("handle"), "kind": _account("kind")}
        select = ", ".join(sums.get(column) or plain[column] for column in columns)
        weeks = [week for column in columns if column in sums for week in self.weeks]
        return self.cards._read(
            f"SELECT {select} {_CARDS_FROM} WHERE {self.cards.where} ORDER BY {self.order}",
            [*weeks, *self.cards.params, *self.order_params],
        )

    def ids(self) -> list[int]:
        """The cards' ids in this order."""
        return [card_id for (card_id,) in self.read("id")]
