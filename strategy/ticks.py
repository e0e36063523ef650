"""A tick in one SQL statement: the hot path of checklists.

`check_tick` checks the scope and the right, upserts the check and reads what the answer
shows (the item, the check as written, the counts of the progress bar) in one statement,
prepared once per connection (lib.prepared), so a tick costs one round trip to PostgreSQL
plus one per evidence rule of the checklist that reads data.

It writes only when everything the slow path checks holds, in the same statement as the
write, so a right revoked before it is seen:
- the account is visible to the user (a lead of its team, or a member who manages it:
  Account.objects.visible_to), in the URL's team;
- the account's checklist of the week is open and the item is one of its template's items
  active that week, and manual (no evidence rule);
- the week is the current one, or the user is a lead (a correction, recorded as such).

Otherwise (or on SQLite, the demo's database) it writes nothing and returns None, and
the caller takes the slow path (strategy.views.checklist._change), which opens a missing
checklist or says why not: 404, 403 or 400. The upsert is services.check_set's (INSERT …
ON CONFLICT DO UPDATE on the one row of the item's period, the same columns updated), so
a double click or two people ticking at once land on the same row and neither fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from accounts.models import Account, Membership, Role, Team
from lib import prepared
from strategy import evidence
from strategy.models import Check, Checklist, ChecklistItem
from strategy.selectors import ItemState, Progress

_ACCOUNT_FIELDS = list(Account._meta.concrete_fields)
_ITEM_FIELDS = ["id", "public_id", "practice_id", "title", "help_text", "order", "cadence"]
_ITEM_FIELDS += ["evidence_rule", "active_from", "retired_from"]

_SQL = """
WITH target AS (
    SELECT a.id AS account_id, m.role, c.id AS checklist_id, c.template_id, i.id AS item_id,
        CASE i.cadence WHEN 'monthly' THEN %(month)s WHEN 'once' THEN i.active_from
            ELSE %(week)s END AS period_start
    FROM accounts_account a
    JOIN accounts_team t ON t.id = a.team_id
    JOIN accounts_membership m ON m.team_id = a.team_id AND m.user_id = %(user)s
    JOIN strategy_checklist c ON c.account_id = a.id AND c.week_start = %(week)s
    JOIN strategy_practice p ON p.template_id = c.template_id
    JOIN strategy_checklistitem i ON i.practice_id = p.id
    WHERE t.slug = %(team)s AND a.handle = %(handle)s AND i.public_id = %(item)s
        AND (m.role = %(lead)s OR EXISTS (
            SELECT 1 FROM accounts_account_managers am
            WHERE am.account_id = a.id AND am.user_id = %(user)s))
        AND i.active_from <= %(week)s
        AND (i.retired_from IS NULL OR i.retired_from > %(week)s)
        AND i.evidence_rule = ''
        AND (%(current)s OR m.role = %(lead)s)
),
written AS (
    INSERT INTO strategy_check AS ch (checklist_id, account_id, item_id, period_start, ticked,
        ticked_by_id, ticked_at, note, corrected_by_id, corrected_at)
    SELECT checklist_id, account_id, item_id, period_start, %(ticked)s, %(ticked_by)s,
        %(ticked_at)s, '', %(corrected_by)s, %(corrected_at)s
    FROM target
    ON CONFLICT (account_id, item_id, period_start) DO UPDATE SET
        checklist_id = EXCLUDED.checklist_id, ticked = EXCLUDED.ticked,
        ticked_by_id = EXCLUDED.ticked_by_id, ticked_at = EXCLUDED.ticked_at{corrected}
    RETURNING ch.id, ch.item_id, ch.period_start, ch.ticked, ch.ticked_at, ch.note,
        ch.corrected_by_id, ch.corrected_at
)
SELECT w.id, w.period_start, w.ticked, w.ticked_at, w.note, w.corrected_at, cu.username,
    tg.role, counts.manual_total, counts.manual_done, counts.rules,
    {item_columns}, {account_columns}
FROM written w
JOIN target tg ON tg.item_id = w.item_id
JOIN strategy_checklistitem i ON i.id = w.item_id
JOIN accounts_account a ON a.id = tg.account_id
LEFT JOIN auth_user cu ON cu.id = w.corrected_by_id
CROSS JOIN LATERAL (
    -- The other items as they stood before the write (the statement's snapshot), as
    -- selectors.checklist_states reads them.
    SELECT count(*) FILTER (WHERE x.evidence_rule = '') AS manual_total,
        count(*) FILTER (WHERE x.evidence_rule = '' AND x.id <> tg.item_id AND ck.ticked
            AND (x.cadence <> 'once' OR ckl.week_start <= %(week)s)) AS manual_done,
        array_agg(x.evidence_rule) FILTER (WHERE x.evidence_rule <> '') AS rules
    FROM strategy_checklistitem x
    JOIN strategy_practice px ON px.id = x.practice_id
    LEFT JOIN strategy_check ck ON ck.item_id = x.id AND ck.account_id = tg.account_id
        AND ((x.cadence = 'weekly' AND ck.period_start = %(week)s)
            OR (x.cadence = 'monthly' AND ck.period_start = %(month)s)
            OR x.cadence = 'once')
    LEFT JOIN strategy_checklist ckl ON ckl.id = ck.checklist_id
    WHERE px.template_id = tg.template_id AND x.active_from <= %(week)s
        AND (x.retired_from IS NULL OR x.retired_from > %(week)s)
) counts
"""
_CORRECTED = ", corrected_by_id = EXCLUDED.corrected_by_id, corrected_at = EXCLUDED.corrected_at"
_COLUMNS = {
    "item_columns": ", ".join(f'i."{name}"' for name in _ITEM_FIELDS),
    "account_columns": ", ".join(f'a."{f.column}"' for f in _ACCOUNT_FIELDS),
}
SQL = {
    False: _SQL.format(corrected="", **_COLUMNS),
    True: _SQL.format(corrected=_CORRECTED, **_COLUMNS),
}


@dataclass
class Ticked:
    """What a tick changed and what its answer shows."""

    membership: Membership
    account: Account
    week: date
    state: ItemState
    progress: Progress


def check_tick(
    *,
    user: AbstractBaseUser,
    team_slug: str,
    handle: str,
    item_id: object,
    week: date,
    current: date,
    ticked: bool,
    at: datetime | None = None,
) -> Ticked | None:
    """Ticks or unticks a manual item if the user may; None (nothing written) otherwise.

    `week` is the checklist's Monday, not after `current` (this week's Monday). A lead's
    tick of an earlier week is a correction, recorded as in services.check_set.
    """
    if not prepared.available():
        return None  # the SQLite demo: the slow path does it all
    at = at or timezone.now()
    correction = week != current
    params = {
        "user": user.pk,
        "team": team_slug,
        "handle": handle.lower(),
        "item": item_id,
        "week": week,
        "month": week.replace(day=1),
        "current": not correction,
        "lead": Role.LEAD,
        "ticked": ticked,
        "ticked_by": user.pk if ticked else None,
        "ticked_at": at if ticked else None,
        "corrected_by": user.pk if correction else None,
        "corrected_at": at if correction else None,
    }
    rows = prepared.fetch(SQL[correction], params)
    if not rows:
        return None
    row = rows[0]
    check_id, period_start, now_ticked, ticked_at, note, corrected_at, corrected_by = row[:7]
    role, manual_total, manual_done, rules = row[7:11]
    item_values = row[11 : 11 + len(_ITEM_FIELDS)]
    account_values = row[11 + len(_ITEM_FIELDS) :]
    item = ChecklistItem(**dict(zip(_ITEM_FIELDS, item_values, strict=True)))
    account = Account.from_db(
        connection.alias, [f.attname for f in _ACCOUNT_FIELDS], account_values
    )
    account.team = Team(pk=account.team_id, slug=team_slug)
    check = Check(
        pk=check_id,
        item=item,
        period_start=period_start,
        ticked=now_ticked,
        ticked_at=ticked_at,
        note=note,
        corrected_at=corrected_at,
        checklist=Checklist(week_start=week),
    )
    check.ticked_by_name = user.get_username() if now_ticked else ""
    check.corrected_by_name = corrected_by or ""
    progress = _progress(account, week, manual_total, manual_done + now_ticked, rules or [])
    membership = Membership(team=account.team, user=user, role=role)
    state = ItemState(item, done=now_ticked, check=check)
    return Ticked(membership, account, week, state, progress)


def _progress(account: Account, week: date, total: int, done: int, rules: list[str]) -> Progress:
    """selectors.progress_of for the counts of manual items and the items' evidence rules."""
    values = evidence.evaluate(rules, [account], week, week + timedelta(days=6))
    for rule in rules:
        value = values.get((rule, account.pk))
        if value is not None:
            total += 1
            done += value
    return Progress(done=done, total=total)
