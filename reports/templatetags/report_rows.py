"""The rows of a team report's table of accounts, written in one pass.

A team report has a row per account, a thousand and more: through the template engine,
each row's dozen variables cost more than scoring its account. The row is the markup the
template had, each value escaped as autoescaping did; its cells are
written by `reports.selectors.rows`.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from reports.selectors.rows import AccountRow

register = template.Library()

_ROW = """
      <tr data-account="{handle}">
        <th scope="row" class="fw-normal">{name}</th>
        <td>{kind}</td>
        <td class="text-end" data-score="overall">{overall}</td>
        <td>{grade}</td>
        <td class="text-end">{change}</td>
        <td class="text-end">{engagement}</td>
        <td class="text-end">{roi}</td>
        <td class="text-end">{practice}</td>
        <td class="small">{flags}</td>
      </tr>
    """
_LINK = '<a href="{start}{handle}/report/?{query}">@{handle}</a>'


@register.simple_tag
def account_rows(rows: list[AccountRow], url_start: str = "", query: str = "") -> SafeString:
    """`{% account_rows report.rows url_start query %}`: each handle links to its account's
    report at `url_start`<handle>/report/?`query`; without `url_start` (print, PDF, a
    shared report) the handle is plain text."""
    # Every value is plain text (none is marked safe), so autoescaping escaped each one
    # as `html.escape` does; Django's `escape` is that function behind a lazy-text check
    # that costs more than the escaping.
    start, query = escape(url_start), escape(query)
    written = []
    for row in rows:
        handle = escape(row.handle)
        written.append(
            _ROW.format(
                handle=handle,
                name=_LINK.format(start=start, handle=handle, query=query)
                if url_start
                else f"@{handle}",
                kind=escape(row.kind),
                overall=escape(row.overall),
                grade=escape(row.grade),
                change=escape(row.change),
                engagement=escape(row.engagement),
                roi=escape(row.roi),
                practice=escape(row.practice),
                flags=escape(row.flags),
            )
        )
    return mark_safe("".join(written))  # noqa: S308 - every value escaped above
