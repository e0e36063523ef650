"""The Content page's videos written in Python: `{% video_rows videos %}` writes the
table's <tr> per video, `{% video_row video %}` one row (the mark form's htmx answer),
`{% column_headers columns list_url %}` the sortable columns' headings, `{% ranked_items
videos %}` the most and least viewed lists' items and `{% promotional_badge video %}` the
word on a video (also the video page's), what the template wrote, byte for byte; so do
`{% content_head %}` (the page's breadcrumb, heading and links) and `{% ranked_section %}`
(the period's form and its most and least viewed), whose template text
tests/analytics/test_content_head.py keeps as the reference.

Looped in the template, a row cost some forty variable lookups, filters and conditions,
and its cells' filters looked the language's formats and words up again for every value
(intcomma, date, truncatechars): a page of 25 rows spent more on them than on reading
its videos. Every value is escaped as `{{ }}` escaped it (lib.html.escape_text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.template import Context
from django.template.defaultfilters import pluralize
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from accounts.templatetags.playbook import (
    day,
    days_in,
    kind_badge,
    missing,
    percent,
    whole_numbers,
)
from lib.html import csrf_input, escape_text, small_filter_fields, sort_heading
from lib.urls import account_page_url, page_url

register = template.Library()

_LINK = (
    '<a class="small text-nowrap ms-1" href="{}" target="_blank" rel="noopener noreferrer">'
    'TikTok<span class="visually-hidden"> (opens in a new tab)</span> ↗</a>'
)
_NO_FIGURES = (
    '\n  <td class="text-end text-body-secondary" colspan="5"><span title="No Content download'
    ' has figures for this video yet">— no figures yet</span></td>\n  '
)
_BY_TITLE = (
    '\n        <option value="title" selected>{} (by title)</option>'
    '\n        <option value="promotional">Promotional (marked)</option>'
    '\n        <option value="authentic">Authentic (marked)</option>\n        '
)
_MARKED_PROMOTIONAL = (
    '\n        <option value="title">Decide by title</option>'
    '\n        <option value="promotional" selected>Promotional (marked{})</option>'
    '\n        <option value="authentic">Authentic (marked)</option>\n        '
)
_MARKED_AUTHENTIC = (
    '\n        <option value="title">Decide by title</option>'
    '\n        <option value="promotional">Promotional (marked)</option>'
    '\n        <option value="authentic" selected>Authentic (marked{})</option>\n        '
)
_ERROR = '<div class="invalid-feedback d-block" role="alert">{}</div>'
_BADGES = {
    True: '<span class="badge pb-promotional">Promotional</span>',
    False: '<span class="badge pb-authentic">Authentic</span>',
}


def truncated(text: str, length: int) -> str:
    """What `{{ text|truncatechars:length }}` gives for a str.

    A text no longer than `length` and already in NFC comes back whole from Django's
    Truncator (which counts characters of the NFC form and returns that form); only the
    others go to the Truncator, which looks its ellipsis up and walks the text each time.
    """
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


def grouped_numbers() -> Callable[[int], str]:
    """`intcomma` of whole numbers in the current language, escaped for HTML."""
    return whole_numbers(escape=escape_text)


def _marked_by(video: Any) -> str:
    """The words ' by <name>' of the person who marked the video, escaped; '' when the
    mark's author is not known."""
    by = video.marked_by
    return f" by {escape_text(by.get_full_name() or by.username)}" if by else ""


def _badge(video: Any) -> str:
    """Promotional or authentic, and by whose mark or by the title."""
    how = f"marked{_marked_by(video)}" if video.promotional_by_mark else "by title"
    return (
        f'{_BADGES[bool(video.promotional)]} <span class="small text-body-secondary">{how}</span>'
    )


class RowWriter:
    """Writes the rows of one rendering; what every row shares is read once here."""

    def __init__(self, context: Context) -> None:
        self.csrf = csrf_input(context)
        self.next_url = escape_text(context.get("next_url", ""))
        mark_error = context.get("mark_error")
        self.error = _ERROR.format(escape_text(mark_error)) if mark_error else ""
        self.day = days_in("j M Y")
        self.number = grouped_numbers()
        self.no_rate = missing("No views yet, so no engagement rate", "no views yet")

    def row(self, video: Any) -> str:
        """The video's <tr>: video_list's video with attach_promotional's fields and the
        view's `detail_url` and `mark_url`."""
        video_id = escape_text(video.video_id)
        mark_url = escape_text(video.mark_url)
        title = video.title or "(no title)"
        link = _LINK.format(escape_text(video.link)) if video.link else ""
        if video.latest_views is None:
            figures = _NO_FIGURES
        else:
            number = self.number
            rate = video.engagement_rate
            figures = (
                f'\n  <td class="text-end" data-column="views">{number(video.latest_views)}</td>'
                f'\n  <td class="text-end" data-column="likes">{number(video.latest_likes)}</td>'
                '\n  <td class="text-end" data-column="comments">'
                f"{number(video.latest_comments)}</td>"
                '\n  <td class="text-end" data-column="shares">'
                f"{number(video.latest_shares)}</td>"
                '\n  <td class="text-end" data-column="engagement_rate">'
                # percent writes digits, separators of its own and "%": nothing to escape.
                f"{self.no_rate if rate is None else percent(rate)}</td>\n  "
            )
        if not video.promotional_by_mark:
            options = _BY_TITLE.format("Promotional" if video.promotional else "Authentic")
        else:
            by = _marked_by(video)
            options = (_MARKED_PROMOTIONAL if video.promotional else _MARKED_AUTHENTIC).format(by)
        kind = "pb-mark-promotional" if video.promotional else "pb-mark-authentic"
        return (
            f'\n<tr id="video-{video_id}">'
            f'\n  <td class="text-nowrap">{escape_text(self.day(video.posted_on) or "—")}</td>'
            '\n  <td class="pb-video-title">'
            f'\n    <a href="{escape_text(video.detail_url)}">'
            f"{escape_text(truncated(title, 90))}</a>"
            f"\n    {link}"
            f"\n  </td>\n  {figures}"
            '\n  <td class="pb-mark" data-column="promotional">'
            '\n    <form class="d-flex gap-1 align-items-center" method="post" '
            f'action="{mark_url}" hx-post="{mark_url}" hx-trigger="change" '
            'hx-target="closest tr" hx-swap="outerHTML">'
            f"\n      {self.csrf}"
            f'\n      <input type="hidden" name="next" value="{self.next_url}">'
            f'\n      <label class="visually-hidden" for="mark-{video_id}">'
            f"Promotional or authentic: {escape_text(truncated(title, 40))}</label>"
            f'\n      <select class="form-select form-select-sm pb-mark-select {kind}" '
            f'name="promotional" id="mark-{video_id}">'
            f"\n        {options}"
            "\n      </select>"
            '\n      <noscript><button class="btn btn-outline-secondary btn-sm" type="submit">'
            "Save</button></noscript>"
            "\n    </form>"
            f"\n    {self.error}"
            "\n  </td>\n</tr>"
        )


@register.simple_tag(takes_context=True)
def video_rows(context: Context, videos: Iterable[Any]) -> SafeString:
    """The table's rows, each between the whitespace the template's loop put around it."""
    writer = RowWriter(context)
    html = [f"\n      {writer.row(video)}\n    " for video in videos]
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped in RowWriter.row


@register.simple_tag(takes_context=True)
def video_row(context: Context, video: Any) -> SafeString:
    """One video's row, as the mark form's htmx request swaps it in."""
    return mark_safe(RowWriter(context).row(video))  # noqa: S308 - escaped in RowWriter.row


@register.simple_tag
def column_headers(columns: Iterable[dict[str, Any]], list_url: str) -> SafeString:
    """A <th> per sortable column (views._columns), with the link that sorts by it and its
    direction, between the whitespace the template's loop put around it."""
    cells = [
        "\n        "
        + sort_heading(
            url=list_url,
            query=column["query"],
            label=column["label"],
            direction=column["direction"],
            numeric=column["numeric"],
            hx_attrs=' hx-target="#videos-table"',
        )
        + "\n        "
        for column in columns
    ]
    return mark_safe("".join(cells))  # noqa: S308 - sort_heading escapes every value


@register.simple_tag
def promotional_badge(video: Any) -> SafeString:
    """The video's word, promotional or authentic, and who decided (attach_promotional's
    fields)."""
    return mark_safe(_badge(video))  # noqa: S308 - the name is escaped in _marked_by


@register.simple_tag
def ranked_items(videos: Iterable[Any]) -> SafeString:
    """A most or least viewed list's items: each video's link, day, word and views."""
    day = days_in("j M Y")
    number = grouped_numbers()
    html = [
        '\n<li class="list-group-item d-flex justify-content-between align-items-start gap-2">'
        '\n  <div class="me-auto">'
        f'\n    <a href="{escape_text(video.detail_url)}">'
        f"{escape_text(truncated(video.title or '(no title)', 80))}</a>"
        f'\n    <div class="small text-body-secondary">posted {escape_text(day(video.posted_on))}'
        f" · {_badge(video)}</div>"
        "\n  </div>"
        # `{{ views }}` writes a number as localize does.
        f'\n  <span class="text-nowrap" data-views="{escape_text(localize(video.latest_views))}">'
        f"{number(video.latest_views)} views</span>\n</li>\n"
        for video in videos
    ]
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above


@register.simple_tag(takes_context=True)
def content_head(context: Context) -> SafeString:
    """The Content page's breadcrumb, heading and links (its scorecard, the CSV when there
    are videos, the team's markers for a lead), from the view's context."""
    membership, account = context["membership"], context["account"]
    slug = membership.team.slug
    handle = escape_text(account.handle)
    accounts = escape_text(page_url("accounts:account-list", slug))
    detail = escape_text(account_page_url("accounts:account-detail", slug, account.handle))
    export = ""
    if context["page"].paginator.count:
        export = (
            '<a class="btn btn-outline-secondary btn-sm" '
            f'href="{escape_text(context["export_url"])}" download>Download CSV</a>'
        )
    markers = ""
    if membership.is_lead:
        markers_url = escape_text(page_url("analytics:promotional-markers", slug))
        markers = (
            f'<a class="btn btn-outline-secondary btn-sm" href="{markers_url}">'
            "Promotional markers</a>"
        )
    return mark_safe(  # noqa: S308 - every value is escaped
        '<nav aria-label="breadcrumb"><ol class="breadcrumb">\n'
        f'  <li class="breadcrumb-item"><a href="{accounts}">Accounts</a></li>\n'
        f'  <li class="breadcrumb-item"><a href="{detail}">@{handle}</a></li>\n'
        '  <li class="breadcrumb-item active" aria-current="page">Content</li>\n'
        "</ol></nav>\n"
        '<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-3">\n'
        "  <div>\n"
        f'    <h1 class="h3 mb-1">@{handle}: content {kind_badge(account)}\n</h1>\n'
        '    <p class="text-body-secondary mb-0">Every video TikTok Studio\'s Content download'
        " listed, with its latest totals.</p>\n"
        "  </div>\n"
        '  <div class="d-flex flex-wrap gap-2">\n'
        '    <a class="btn btn-outline-secondary btn-sm" '
        f'href="{escape_text(context["scorecard_url"])}">Scorecard</a>\n'
        f"    {export}\n"
        f"    {markers}\n"
        "  </div>\n"
        "</div>"
    )


@register.simple_tag(takes_context=True)
def ranked_section(context: Context) -> SafeString:
    """The period's form and the most and least viewed videos posted in it, from the view's
    context (window, window_form, list_url, ranked)."""
    window, form, ranked = context["window"], context["window_form"], context["ranked"]
    fields = small_filter_fields(form, "      ")
    young = ranked.too_young
    too_young = ""
    if young:
        too_young = (
            f": {young} newer video{pluralize(young)} {pluralize(young, 'is,are')} "
            f"left out, {pluralize(young, 'its,their')} views still growing"
        )
    min_age = ranked.min_age_days
    if ranked.top:
        if ranked.bottom:
            bottom = (
                '\n      <ol class="list-group list-group-numbered" id="bottom-videos">\n'
                f"        {ranked_items(ranked.bottom)}\n      </ol>\n      "
            )
        elif young:
            bottom = (
                '\n      <p class="text-body-secondary">The other videos of this period are '
                f"younger than {min_age} days, too new to compare.</p>\n      "
            )
        else:
            bottom = (
                '\n      <p class="text-body-secondary">Every video of this period is among the'
                " most viewed.</p>\n      "
            )
        lists = (
            '\n  <div class="row g-3">\n    <div class="col-md-6">\n'
            '      <h3 class="h6">Most viewed</h3>\n'
            '      <ol class="list-group list-group-numbered" id="top-videos">\n'
            f"        {ranked_items(ranked.top)}\n      </ol>\n    </div>\n"
            '    <div class="col-md-6">\n      <h3 class="h6">Least viewed</h3>\n'
            f"      {bottom}\n    </div>\n  </div>\n  "
        )
    else:
        if ranked.posted:
            why = "The videos posted in this period have no figures yet."
        else:
            why = (
                f"No video was posted between {escape_text(day(window.start, 'j M Y'))} and "
                f"{escape_text(day(window.end, 'j M Y'))}."
            )
        lists = (
            f'\n  <p class="text-body-secondary" id="ranked-empty">{why} Choose another period'
            " above.</p>\n  "
        )
    return mark_safe(  # noqa: S308 - every value is escaped
        '<section class="mb-4" aria-labelledby="ranked-h">\n'
        '  <div class="d-flex flex-wrap align-items-end justify-content-between gap-2 mb-2">\n'
        '    <h2 class="h5 mb-0" id="ranked-h">Top and bottom videos, '
        f"{escape_text(day(window.start, 'j M'))} to {escape_text(day(window.end, 'j M Y'))}"
        "</h2>\n"
        '    <form class="d-flex flex-wrap align-items-end gap-2" method="get" '
        f'action="{escape_text(context["list_url"])}">\n      {fields}\n'
        f"      {escape_text(form['sort'])}\n"
        '      <button class="btn btn-outline-secondary btn-sm" type="submit">Show</button>\n'
        "    </form>\n  </div>\n"
        '  <p class="small text-body-secondary" id="ranked-rule">Videos posted in the '
        f"scorecard's period ({window.days} days), ranked by their latest views: the 3 most "
        "viewed, then the 3 least viewed of the others (a video is in one list only). The "
        f"least viewed compares videos at least {min_age} days old on the day of their "
        f"figures{too_young}.</p>\n  {lists}\n</section>"
    )
