"""The API's response shapes (OpenAPI 3.1 at /api/v1/openapi.json).

Plain pydantic models, not ninja's Schema: the endpoints answer dicts, and Schema's
attribute lookup on every field of every row (for ORM objects) cost a page of 100
scorecards a fifth of its time (bench/api.py --profile).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, create_model

from analytics.scorecards.export import EXPORT_COLUMNS

SCORECARD_DESCRIPTION = (
    "A scorecard as one row of the scorecard CSV export (docs/scoring.md, 'Exports'): every "
    "value is the CSV's cell as a string, exactly as the CSV writes it (rates with 6 "
    "decimals, money with 2, scores with 1, counts as integers, flags joined with ';'); an "
    "empty string is a figure that cannot be computed."
)

# One field per export column, in the export's order: the columns have one definition.
ScorecardOut = create_model(
    "Scorecard",
    __base__=BaseModel,
    __doc__=SCORECARD_DESCRIPTION,
    **{
        column: (str, Field(..., description=f"The CSV's {column} cell."))
        for column in EXPORT_COLUMNS
    },
)


class Targets(BaseModel):
    engagement_rate: str
    follower_growth: str
    ctr: str
    conversion_rate: str
    roi: str


class AccountOut(BaseModel):
    handle: str
    display_name: str
    kind: str
    verified: bool
    goal: str
    currency: str
    targets: Targets = Field(..., description="Targets as decimal fractions (0.05 is 5%).")
    managers: list[str] = Field(..., description="Usernames of the account's managers.")


class DayOut(BaseModel):
    date: date
    video_views: int
    profile_views: int
    likes: int
    comments: int
    shares: int
    followers: int | None
    spend: str = Field(..., description="Money in the account's currency, 2 decimals.")
    impressions: int
    clicks: int
    conversions: int
    revenue: str = Field(..., description="Money in the account's currency, 2 decimals.")


class SnapshotOut(BaseModel):
    date: date
    views: int
    likes: int
    comments: int
    shares: int


class VideoOut(BaseModel):
    video_id: str
    title: str
    link: str
    posted_on: date | None
    promotional: bool | None = Field(..., description="A person's mark; null when unmarked.")
    snapshots: list[SnapshotOut]


class ChecklistItemOut(BaseModel):
    id: str
    practice: str
    title: str
    cadence: str
    automatic: bool
    available: bool = Field(..., description="False when an automatic item has no evidence.")
    done: bool
    ticked_by: str | None
    ticked_at: datetime | None
    note: str


class ChecklistOut(BaseModel):
    handle: str
    week: date = Field(..., description="The Monday of the week.")
    opened: bool = Field(..., description="False before the week's checklist was opened.")
    done: int
    total: int
    completion: str | None = Field(..., description="done / total with 4 decimals.")
    items: list[ChecklistItemOut]


def page_of(item: Any, name: str) -> type[BaseModel]:
    return create_model(
        name,
        __base__=BaseModel,
        items=(list[item], ...),
        next_cursor=(
            str | None,
            Field(..., description="Pass as ?cursor= for the next page; null on the last."),
        ),
    )


AccountPage = page_of(AccountOut, "AccountPage")
DayPage = page_of(DayOut, "DayPage")
ScorecardPage = page_of(ScorecardOut, "ScorecardPage")
VideoPage = page_of(VideoOut, "VideoPage")
ChecklistPage = page_of(ChecklistOut, "ChecklistPage")
