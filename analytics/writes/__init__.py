"""The one write API for what comes in: daily metrics, campaign days, videos, audience.

The imports (a file uploaded or given to the import_metrics command) and the TikTok
sync (connections) both write through these functions, and nothing else writes the
tables they own. Callers pass parsed rows (None for an unknown figure) and, for days,
where the figures come from; each table has one merge rule:

- DailyMetric (`days_write`): a known figure replaces the day's, an unknown one keeps what
  the day had (0 on a new day; followers: null). The day records who last changed its
  organic figures (`organic_source`) and its followers (`followers_source`): "studio",
  "export" (another file) or "api". TikTok Studio wins over the figures the API sync
  derives: an "api" write leaves a group Studio wrote as it is, and fills every other
  day. Any file replaces what the API wrote. A source changes with a figure of its group
  (Studio also claims a group whose figures it gives unchanged), so importing Playbook's
  own export back leaves Studio's days Studio's. A day that does not change is not
  written (`updated_at` included), so writing the same rows twice changes nothing.
- Campaign and CampaignDay (`campaign_days_write`): a campaign's day takes the newest
  figures (unknown keeps); a day's paid fields are the sum over all of the account's
  campaigns that day, which the caller then writes with `days_write`.
- Video and VideoSnapshot (`videos_write`): a snapshot's totals are the newest (unknown
  keeps, 0 on a new one); a video's title, link and posting day follow its newest day,
  so an older Content download imported again, or an older sync day, leaves them as the
  newer one gave them. A person's promotional mark is never touched; whether a title is
  promotional is decided when it is written.
- ViewerDay (`viewer_days_write`) and FollowerActivity (`follower_activity_write`): known
  figures replace, unknown ones keep (null on a new row). A FollowerActivity write also
  records who imported the file and as of which day (FollowerActivityImport): the hours
  are in their clock.
- AudienceShare (`audience_shares_write`): a download day's shares of a dimension are that
  day's whole distribution; a key no longer listed is removed.

Every function writes inside the caller's transaction (an import is all or nothing) and
has two paths that give identical rows: PostgreSQL's COPY into a temporary table and one
INSERT ... ON CONFLICT (the default there), and ORM batches (`fast=False`, and elsewhere).
"""

from __future__ import annotations

from analytics.writes.audience import (
    audience_shares_write,
    follower_activity_write,
    viewer_days_write,
)
from analytics.writes.days import Counts, campaign_days_write, days_write
from analytics.writes.videos import videos_classify, videos_write

__all__ = [
    "Counts",
    "audience_shares_write",
    "campaign_days_write",
    "days_write",
    "follower_activity_write",
    "videos_classify",
    "videos_write",
    "viewer_days_write",
]
