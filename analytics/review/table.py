"""The review table's rows in order, a page at a time: the stored scorecards of a window,
each with its practice score, and the accounts without a scorecard among them.

Every sort, the practice score's too, happens in the database (analytics.review.cards_read:
the practice score is a sum over strategy's stored weekly figures), so only the page's cards
are read. The rows without a scorecard are few and already read
(review.unscored_rows); they are placed among the cards by counting the cards that sort
before each.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator

from accounts.models import Account
from analytics.models import Scorecard
from analytics.review.cards_read import PRACTICE_SORT, CardsInOrder
from analytics.review.rows import UnscoredRow
from analytics.scorecards.windows import Window
from strategy.selectors import Progress, practice_progress

User = get_user_model()


class RowAccount:
    """What the table shows of a card's account."""

    __slots__ = ("handle", "kind", "verified")

    def __init__(self, handle: str, kind: str, verified: bool) -> None:
        self.handle = handle
        self.kind = kind
        self.verified = verified

    # Account's own rule, of the kind read.
    is_official = Account.is_official


class CardRow:
    """A scorecard as the review table shows it (a row of cards_read.CardsInOrder: read as
    values, not as Scorecard instances with their accounts and reviewers, which cost the
    page some seventy calls a row to build), with its practice score; the view adds its
    links (`scorecard_url`, `mark_url`)."""

    unscored = False
    scorecard_url = ""
    mark_url = ""

    def __init__(self, row: tuple, window: Window) -> None:
        # The card's period is the window's: the page reads the cards of one window.
        self.days = window.days
        self.period_end = window.end
        (
            handle,
            kind,
            verified,
            self.days_with_rows,
            self.engagement_score,
            self.roi_score,
            self.overall_score,
            self.grade,
            self.quadrant,
            self.flags,
            self.trend,
            self.reviewed_at,
            username,
            first_name,
            last_name,
            self.review_comment,
            self.practice_done,
            self.practice_counted,
            last_data_day,
        ) = row
        self.account = RowAccount(handle, kind, verified)
        self.reviewed_by = None
        # A user always has a username: none, the card has no reviewer (left to a former
        # member's deletion, or never reviewed).
        if username is not None:
            self.reviewed_by = User(username=username, first_name=first_name, last_name=last_name)
        self.practice_score = practice_score_of(self.practice_done, self.practice_counted)
        # A card without rows in its window shows the account's last day with data.
        self.last_data_day = None if self.days_with_rows else last_data_day

    # Scorecard's own reading of its stored flags.
    flag_list = Scorecard.flag_list


def practice_score_of(done: int | None, counted: int | None) -> Decimal | None:
    """The practice score of the practice sums (NULL without a checklist in the weeks)."""
    return Progress(done or 0, counted or 0).share


# The CSV reads its cards a chunk at a time.
EXPORT_CHUNK = 2000


def scorecards_in_order(ordered: CardsInOrder) -> Iterator[Scorecard]:
    """The cards as the table orders them, as Scorecard instances with their accounts (the
    CSV, whose rows follow the page)."""
    ids = ordered.ids()
    for first in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[first : first + EXPORT_CHUNK]
        cards = Scorecard.objects.filter(pk__in=chunk).select_related("account").in_bulk()
        for card_id in chunk:
            # A card deleted since the ids were read (its account's deletion) is left out.
            if card_id in cards:
                yield cards[card_id]


def scorecard_page(
    ordered: CardsInOrder,
    *,
    number: object,
    per_page: int,
    unscored: Sequence[UnscoredRow] = (),
) -> Page:
    """One page of the review table, each row with its practice score.

    `unscored` are the accounts without a scorecard of the window (by handle): they have no
    score, so they sort with the nulls, last, except by account, kind or practice, where
    they take their place among the cards.
    """
    unscored = list(unscored)
    window = ordered.cards.window
    name = ordered.sort.removeprefix("-")
    if name == PRACTICE_SORT and unscored:
        _practice_of_unscored(unscored, window)
    if unscored:
        card_count = len(ordered)
        rows_in_order: Sequence = _WithUnscored(
            ordered, unscored, _places(ordered, unscored), card_count
        )
    else:
        rows_in_order = ordered
    page = Paginator(rows_in_order, per_page).get_page(number)
    rows = list(page.object_list)
    unscored_shown = [row for row in rows if isinstance(row, UnscoredRow)]
    if name != PRACTICE_SORT and unscored_shown:
        _practice_of_unscored(unscored_shown, window)
    page.object_list = [
        row if isinstance(row, UnscoredRow) else CardRow(row, window) for row in rows
    ]
    return page


def _practice_of_unscored(rows: list[UnscoredRow], window: Window) -> None:
    """The rows' items done and counted in the window's weeks, and their score: one query."""
    progress = practice_progress(
        accounts=[row.account for row in rows], start=window.start, end=window.end
    )
    for row in rows:
        row.practice = progress[row.account_id]
        row.practice_score = row.practice.share


def _places(ordered: CardsInOrder, unscored: list[UnscoredRow]) -> list[int]:
    """Where each unscored row goes among the sorted cards, as increasing positions.

    Sorted by a score, nulls last: after every card. Sorted by account, kind or practice
    (handle second): among them, counting the cards that sort before each row. `unscored`
    comes by handle and is put in the table's order in place.
    """
    name = ordered.sort.removeprefix("-")
    descending = ordered.descending
    if name == PRACTICE_SORT:
        return _practice_places(ordered, unscored, descending)
    if name not in ("handle", "kind"):
        return [len(ordered) + offset for offset in range(len(unscored))]
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, handle in ordered.read("kind", "handle"):
        by_kind[kind].append(handle)
    for handles in by_kind.values():
        handles.sort()
    every = sorted(handle for handles in by_kind.values() for handle in handles)
    if name == "kind":
        # A stable sort: within a kind the rows keep the handle order.
        unscored.sort(key=lambda row: row.account.kind, reverse=descending)
    elif descending:
        unscored.reverse()
    places = []
    for offset, row in enumerate(unscored):
        handle = row.account.handle
        if name == "handle":
            before = (
                len(every) - bisect_right(every, handle)
                if descending
                else bisect_left(every, handle)
            )
        else:
            before = bisect_left(by_kind[row.account.kind], handle) + sum(
                len(handles)
                for kind, handles in by_kind.items()
                if (kind > row.account.kind if descending else kind < row.account.kind)
            )
        places.append(before + offset)
    return places


def _practice_key(done: int | None, counted: int | None, handle: str, descending: bool) -> tuple:
    """A row's place in the practice order: shares (exact fractions), nulls last, then handle."""
    if not counted:
        return (True, Fraction(0), handle)
    share = Fraction(done or 0, counted)
    return (False, -share if descending else share, handle)


def _practice_places(
    ordered: CardsInOrder, unscored: list[UnscoredRow], descending: bool
) -> list[int]:
    """The unscored rows' places among the cards sorted by practice score: one read of the
    cards' sums (the cards are not built), only when there are rows without a scorecard."""
    # In the table's order already: the database sorted them.
    keys = [
        _practice_key(done, counted, handle, descending)
        for done, counted, handle in ordered.read("done", "counted", "handle")
    ]
    for row in unscored:
        row.practice_key = _practice_key(
            row.practice.done, row.practice.total, row.account.handle, descending
        )
    unscored.sort(key=lambda row: row.practice_key)
    return [bisect_left(keys, row.practice_key) + offset for offset, row in enumerate(unscored)]


class _WithUnscored(Sequence):
    """The cards (read a page at a time) with the unscored rows at `places`."""

    def __init__(
        self,
        cards: CardsInOrder,
        unscored: list[UnscoredRow],
        places: list[int],
        card_count: int,
    ) -> None:
        self.cards = cards
        self.unscored = unscored
        self.places = places
        self.card_count = card_count

    def __len__(self) -> int:
        return self.card_count + len(self.unscored)

    def __getitem__(self, index):  # noqa: ANN001, ANN204 (a Sequence's protocol)
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        # Cards before `start` = start minus the unscored rows placed before it.
        first_card = start - bisect_left(self.places, start)
        last_card = stop - bisect_left(self.places, stop)
        cards = iter(list(self.cards[first_card:last_card]))
        rows = []
        for position in range(start, stop):
            at = bisect_left(self.places, position)
            if at < len(self.places) and self.places[at] == position:
                rows.append(self.unscored[at])
            else:
                rows.append(next(cards))
        return rows
