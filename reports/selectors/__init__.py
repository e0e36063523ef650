"""Reads of a report: an account's or a team's figures over any period, and its comparison.

A period's figures, scores, grade and flags are the scorecard rules over other dates: the
sums come from analytics' one aggregate (`windows_totals_stream`, the window and the
previous one in one statement, as a recompute reads them; each account scored as its row
arrives) and are scored by `analytics.scorecards.rules.score`, with the previous period's
overall score for `declining`, exactly as a stored scorecard is.
Nothing here computes a figure of its own. The checklist completion is strategy's
(`practice_scores`, `weekly_progress`).

The cost of a team report is a fixed number of statements whatever the number of
accounts: the sums (one, or two with a year's comparison), the days of both periods (one),
the top videos (one), the checklists (strategy's, a few per period) and the reviews (one).

By topic: `scores` (each account scored over a period and its comparison), `daily` (the
days, top videos and reviews of a period), `accounts` (an account's report), `teams`
(a team's report) and `rows` (the cells of its table of accounts, written once).
"""
