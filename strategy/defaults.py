"""The checklists every team starts with, after the seed's best practices per kind.

Each practice keeps the seed's guidance as its help text; the items say in plain words what
a manager can check off in a week.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Kind


@dataclass(frozen=True)
class DefaultItem:
    title: str
    help_text: str = ""
    cadence: str = "weekly"
    evidence_rule: str = ""


@dataclass(frozen=True)
class DefaultPractice:
    name: str
    guidance: str
    items: tuple[DefaultItem, ...]


# The help of the items ticked from the imported videos; strategy/migrations/0002 gives
# them to the templates that existed before, in the words they had then.
ONE_IN_FIVE_HELP = (
    "Ticked from the imported videos: at most one in five of the week's videos is "
    "promotional. Not available in a week without videos."
)
THREE_VIDEOS_HELP = "Ticked from the imported videos, by the day each was posted."
PROMOTIONAL_VIDEO_HELP = (
    "Ticked from the imported videos: promotional by a person's mark on the Content page, "
    "else by the team's promotional markers in the title."
)

OFFICIAL = (
    DefaultPractice(
        "Stay Authentic",
        "Ensure that the content reflects the genuine voice of the brand or individual. Avoid "
        "overly promotional content, as followers expect a more personal interaction.",
        (
            DefaultItem(
                "This week's posts sound like the brand's own voice, not like ads",
                "Read each caption aloud: would the brand say it to a regular customer?",
            ),
            DefaultItem(
                "No more than one promotional post in five",
                ONE_IN_FIVE_HELP,
                evidence_rule="promotional_one_in_five",
            ),
        ),
    ),
    DefaultPractice(
        "Engage Regularly",
        "Regular interaction with followers through comments, likes, and live sessions can "
        "boost engagement and strengthen the connection with your audience.",
        (
            DefaultItem(
                "Replied to comments on at least three days",
                "Answer questions and thank people, in the brand's voice.",
            ),
            DefaultItem("Hosted or joined a live session"),
            DefaultItem(
                "Took part in a trend in the brand's voice",
                "A trend the audience already follows, done the way the brand would do it.",
            ),
            DefaultItem(
                "Posted at least three videos this week",
                THREE_VIDEOS_HELP,
                evidence_rule="three_videos_posted",
            ),
        ),
    ),
    DefaultPractice(
        "Utilize Verification",
        "Leverage the trust that comes with a verified account by sharing exclusive content "
        "or announcements that benefit your followers.",
        (
            DefaultItem(
                "The account is verified",
                "Ticked from the account's settings. If it is not verified, apply for the "
                "blue check in TikTok.",
                evidence_rule="account_verified",
            ),
            DefaultItem(
                "Shared an exclusive announcement or behind-the-scenes video",
                "Something followers see here first.",
            ),
        ),
    ),
)

MARKETING = (
    DefaultPractice(
        "Focus on ROI",
        "Always keep your key performance indicators (KPIs) in mind, such as conversion "
        "rates, click-through rates (CTR), and return on investment (ROI). Optimize your "
        "content and strategies based on these metrics.",
        (
            DefaultItem(
                "KPI targets for conversion rate, CTR and ROI are set",
                "Ticked from the account's settings: all three targets above zero.",
                evidence_rule="kpi_targets_set",
            ),
            DefaultItem(
                "Reviewed this period's scorecard and changed one thing because of it",
                "Write the change in the note.",
            ),
        ),
    ),
    DefaultPractice(
        "Leverage Paid Ads",
        "Take advantage of TikTok's advertising tools to reach a broader audience. "
        "Experiment with different ad formats to see what works best for your campaigns.",
        (
            DefaultItem(
                "Paid promotion ran this week",
                "Ticked from the imported metrics: spend above zero on a day of the week.",
                evidence_rule="paid_promotion_ran",
            ),
            DefaultItem(
                "Tried an ad format not used last week",
                "In-feed ad, branded hashtag, branded effect or challenge.",
            ),
        ),
    ),
    DefaultPractice(
        "Collaborate with Influencers",
        "Partner with TikTok influencers who align with your brand to expand your reach and "
        "tap into new audiences.",
        (
            DefaultItem(
                "Contacted or ran a partnership with an influencer who fits the brand",
                "Once a month is enough: a tick counts for the whole month.",
                cadence="monthly",
            ),
        ),
    ),
    DefaultPractice(
        "Campaign work",
        "Marketing accounts often work within specific campaigns, aligning content with "
        "broader marketing strategies. This could involve using popular hashtags, trends, or "
        "partnering with influencers to reach a larger audience.",
        (
            DefaultItem("The week's posts use the campaign's hashtags or a current trend"),
            DefaultItem(
                "Posted at least one promotional video this week",
                PROMOTIONAL_VIDEO_HELP,
                evidence_rule="promotional_video_posted",
            ),
        ),
    ),
)

DEFAULTS = {Kind.OFFICIAL: OFFICIAL, Kind.MARKETING: MARKETING}
