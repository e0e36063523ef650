"""What analytics tells the apps above it, which it may not import.

`scorecard_run_done` is sent once a scorecard run has finished (after its transaction
commits), with `run_id`, `team_id` (None for a run over all teams) and `account_ids`
(empty for a team or all teams): notifications evaluates its alerts then.
"""

from __future__ import annotations

from django.dispatch import Signal

scorecard_run_done = Signal()
