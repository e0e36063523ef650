"""The account page's content mix: promotional against authentic videos of the scorecard window."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Account, Membership
from accounts.templatetags.playbook import percent
from analytics.content.videos import content_mix as content_mix_of
from analytics.models import Scorecard
from analytics.scorecards.windows import DEFAULT_DAYS, default_end_after, window_of
from lib.html import date_text, escape_text
from lib.urls import account_page_url, import_upload_url

register = template.Library()


@register.simple_tag
def content_mix(account: Account, membership: Membership, card: Scorecard | None) -> SafeString:
    """The account page's content mix: videos posted in the window the account's scorecard
    page shows first (28 days), that of its latest 28-day scorecard (`card`, from analytics'
    `latest_scorecard`), else the 28 days to yesterday.

    Written here rather than by a template: a section of a dozen values, each a node."""
    end = default_end_after(card.period_end if card else None)
    window = window_of(end=end, days=DEFAULT_DAYS)
    mix = content_mix_of(account=account, window=window)
    slug, handle = membership.team.slug, account.handle
    days = window.days
    content_url = account_page_url("analytics:video-list", slug, handle)
    html = [
        '<section class="mb-4" aria-labelledby="content-mix-h">\n'
        '  <div class="d-flex flex-wrap align-items-center justify-content-between gap-2">\n'
        f'    <h2 class="h5 mb-0" id="content-mix-h">Content mix, {days} days</h2>\n'
        f'    <a class="btn btn-outline-primary btn-sm" href="{escape_text(content_url)}?days='
        f'{days}&amp;end={date_text(window.end, "Y-m-d")}">Content</a>\n'
        "  </div>\n"
        f'  <p class="small text-body-secondary mb-2">Videos posted from '
        f"{date_text(window.start, 'j M')} to {date_text(window.end, 'j M Y')}, "
        "the scorecard's period.</p>\n"
    ]
    if mix.total:
        few = ": too few to read much into the shares" if mix.total < FEW_VIDEOS else ""
        how = (
            f"{mix.marked} marked by hand, the rest by their titles"
            if mix.marked
            else "decided by their titles"
        )
        html.append(
            f'  <p class="mb-2" id="content-mix-base">From {mix.total} video'
            f"{pluralize(mix.total)} in the Content download posted in this period{few}.</p>\n"
            '  <div class="d-flex flex-wrap gap-3 border rounded p-3" id="content-mix">\n'
            f"{_mix_line('promotional', 'Promotional', mix.promotional, mix.promotional_share)}"
            f"{_mix_line('authentic', 'Authentic', mix.authentic, mix.authentic_share)}"
            f'    <div class="small text-body-secondary align-self-center">{how}.</div>\n'
            "  </div>\n"
        )
    else:
        upload_url = import_upload_url(slug, handle)
        html.append(
            '  <p class="text-body-secondary mb-0">No video posted in this period. Videos come '
            "from TikTok Studio's Content download: upload it on the "
            f'<a href="{escape_text(upload_url)}">'
            "import page</a>.</p>\n"
        )
    html.append("</section>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


# Fewer videos than this are too few to read much into the shares.
FEW_VIDEOS = 5


def _mix_line(kind: str, label: str, count: int, share: Decimal | None) -> str:
    return (
        f'    <div><span class="badge pb-{kind}">{label}</span> <strong data-mix="{kind}">'
        f"{count}</strong> {pluralize(count, 'video,videos')} ({escape_text(percent(share))})"
        "</div>\n"
    )
