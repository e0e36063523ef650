"""The audience panel of the account page: gender, territories, follower activity."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_from_request

from accounts.models import Account, Membership
from accounts.templatetags.playbook import missing, percent
from analytics.content.audience import (
    BEST_HOUR_COUNT,
    WEEKDAYS,
    Activity,
    HeatCell,
    Shares,
    audience_get,
)
from analytics.templatetags.video_rows import grouped_numbers
from lib.html import date_text, escape_text
from lib.locales import note_language_read

register = template.Library()


@register.inclusion_tag("analytics/partials/audience.html", takes_context=True)
def audience_panel(context: template.Context, account: Account, membership: Membership) -> dict:
    """Country names follow the language the request asks for (Accept-Language or the
    language cookie), the rest of the page's words stay as they are."""
    request = context.get("request")
    note_language_read(request)
    language = get_language_from_request(request) if request is not None else get_language()
    audience = audience_get(account=account, language=language)
    return {
        "account": account,
        "membership": membership,
        "audience": audience,
        "weekdays": WEEKDAYS,
        "best_hour_count": BEST_HOUR_COUNT,
    }


def heat_title(cell: HeatCell, rounded: int | None) -> str:
    """What a heatmap cell says to a pointer or a screen reader, in one sentence (`rounded`:
    the cell's `rounded` mean, computed once by the caller)."""
    day = WEEKDAYS[cell.weekday - 1][2]
    hour = f"{cell.hour:02d}:00"
    if rounded is None:
        return f"{day} {hour}: no data"
    days = "day" if cell.rows == 1 else "days"
    return f"{day} {hour}: {rounded:,} active followers on average over {cell.rows} {days}"


@register.simple_tag
def shares_table(shares: Shares, heading: str, what: str) -> SafeString:
    """A dimension's shares (gender or territories) as of its download day: a row each, with
    its bar. Written here rather than by an included template: a row is a handful of nodes."""
    rows = "".join(
        f'\n    <tr data-share="{escape_text(row.key)}">'
        f'\n      <th scope="row" class="fw-normal">{escape_text(row.label)}</th>'
        f'\n      <td class="text-end">{escape_text(percent(row.share))}</td>'
        '\n      <td><progress class="pb-progress pb-share" '
        f'value="{escape_text(stringformat(row.share, "f"))}" max="1" aria-hidden="true">'
        "</progress></td>\n    </tr>"
        for row in shares.rows
    )
    return mark_safe(  # noqa: S308 - every value is escaped above
        f'<table class="table table-sm align-middle mb-1" aria-labelledby="{escape_text(heading)}">'
        f'\n  <caption class="small">Followers on {date_text(shares.date, "j M Y")}, the day of '
        "the latest download.</caption>"
        f'\n  <thead><tr><th scope="col">{escape_text(what)}</th><th scope="col" '
        'class="text-end">Share</th><th scope="col" class="w-50"><span class="visually-hidden">'
        "Bar</span></th></tr></thead>"
        f"\n  <tbody>{rows}\n  </tbody>\n</table>\n"
    )


_NO_DATA_CELL = '—<span class="visually-hidden"> (no data)</span>'


@register.simple_tag
def heatmap_rows(activity: Activity) -> SafeString:
    """The heatmap's rows: an hour a row, its mean on each weekday, then over all days.

    Written here rather than by the template: 24 rows of 8 cells, each a handful of nodes,
    made the template the most of the account page's work."""
    number = grouped_numbers()
    best_count = len(activity.best_hours)
    no_hour_data = missing("No data for this hour", "no data for this hour")
    html = []
    for row in activity.hours:
        best = row.best_rank
        star = (
            f' <span aria-hidden="true">★</span><span class="visually-hidden"> (best hour '
            f"{best} of {best_count})</span>"
            if best
            else ""
        )
        row_class = ' class="pb-best-row"' if best else ""
        label_class = " fw-bold" if best else ""
        html.append(
            f"\n          <tr{row_class}>"
            f'\n            <th scope="row" class="text-nowrap{label_class}">'
            f"{escape_text(row.label)}{star}</th>"
        )
        for cell in row.cells:
            if cell.rows:
                rounded = cell.rounded
                level, text = cell.level, number(rounded)
            else:
                rounded, level, text = None, "none", _NO_DATA_CELL
            html.append(
                f'\n            <td class="text-end pb-heat pb-heat-{level}" '
                f'title="{escape_text(heat_title(cell, rounded))}" '
                f'data-cell="{cell.weekday}-{cell.hour}">{text}</td>'
            )
        mean = number(row.rounded) if row.rows else no_hour_data
        html.append(
            f'\n            <td class="text-end fw-semibold" data-hour-mean="{row.hour}">'
            f"{mean}</td>\n          </tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped above
