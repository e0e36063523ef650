"""Number formatting in the product's one voice: rates in percent, money in the reader's
locale, '—' for no figure; json_data, a faster json_script for charts' data; and day, a
faster date filter for the days that long tables repeat."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache, partial
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.template.defaultfilters import date as date_filter
from django.utils import numberformat
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override

from accounts.header import header_links as _header_links
from lib.locales import request_locale
from lib.money import money_text
from lib.urls import import_upload_url as _import_upload_url
from lib.urls import page_url as _page_url

register = template.Library()

NONE = "—"


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """0.0475 -> '4.8%'; None -> '—'."""
    value = _as_decimal(value)
    if value is None:
        return NONE
    try:
        number = value * 100
    except InvalidOperation:
        return NONE
    quantum = Decimal(1).scaleb(-int(places))
    return f"{number.quantize(quantum, rounding=ROUND_HALF_EVEN):,}%"


@register.simple_tag(takes_context=True)
def money(context: template.Context, value: Any, currency: str) -> str:
    """`{% money spend account.currency %}`: the amount in the request's locale, '—' for none.

    The locale comes from the browser's Accept-Language (English when it names none that
    Babel knows); the currency decides the decimals (none for JPY and KRW).
    """
    return money_for(context.get("request"), value, currency)


def money_for(request: HttpRequest | None, value: Any, currency: str) -> str:
    """The money tag's text, for rows a view writes ahead of the template."""
    amount = _as_decimal(value)
    if amount is None:
        return NONE
    return money_text(amount, currency, request_locale(request))


_TENTH = Decimal("0.1")


def whole_numbers(*, escape: Callable[[str], str] | None = None) -> Callable[[int], str]:
    """humanize's `intcomma` of whole numbers in the current language, with the language's
    number format looked up once for a table's many numbers: intcomma of an int is
    `number_format(value, use_l10n=True, force_grouping=True)`, which looks the three
    settings up for each number. In a language that groups by threes (most), an int is
    grouped by Python's own format, its commas then put in the language's separator.

    `escape`: applied to the separators, for numbers written into HTML (digits and the
    minus sign need no escaping, so escaping the separators escapes every number).
    """
    language = get_language()
    escape = escape or str
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    separator = escape(get_format("THOUSAND_SEPARATOR", language, use_l10n=True))
    grouped = partial(
        numberformat.format,
        decimal_sep=escape(get_format("DECIMAL_SEPARATOR", language, use_l10n=True)),
        decimal_pos=None,
        grouping=grouping,
        thousand_sep=separator,
        force_grouping=True,
        use_l10n=True,
    )
    if grouping != 3 or type(grouping) is not int:
        return grouped

    def count(value: int) -> str:
        if type(value) is not int:
            return grouped(value)
        text = f"{value:,}"
        return text if separator == "," else text.replace(",", separator)

    return count


def _as_decimal(value: Any) -> Decimal | None:
    """The value as a Decimal; None for none, "" or what is not a number. A Decimal is what
    Decimal(str(value)) gives back: it is neither compared with "" nor written out and read
    again."""
    if type(value) is Decimal:
        return value
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def score(value: Any) -> str:
    value = _as_decimal(value)
    if value is None:
        return NONE
    return f"{value.quantize(_TENTH, rounding=ROUND_HALF_EVEN)}"


@register.simple_tag
def missing(why: str, short: str = "") -> SafeString:
    """`{% missing why short %}` (includes/missing.html): "—" for a figure that cannot be
    shown, with why as its tooltip and, for screen readers, the same words or `short` ones."""
    why = conditional_escape(why)
    short = conditional_escape(short) if short else why
    return mark_safe(  # noqa: S308 - both escaped above
        f'<span title="{why}">—<span class="visually-hidden"> ({short})</span></span>'
    )


_VERIFIED = ' <span class="pb-check" title="Verified" aria-label="verified">✓</span>'
_KIND_BADGES = {
    (official, verified): mark_safe(  # noqa: S308 - constant markup
        f'<span class="badge pb-{"official" if official else "marketing"}">'
        f"{'Official' if official else 'Marketing'}{_VERIFIED if verified else ''}</span>"
    )
    for official in (True, False)
    for verified in (True, False)
}


@register.simple_tag
def kind_badge(account: Any) -> SafeString:
    """`{% kind_badge account %}` (includes/kind_badge.html): "Official" or "Marketing",
    with a check mark when the account is verified."""
    return _KIND_BADGES[account.kind == "official", bool(account.verified)]


# What json_script escapes, as plain replacements (the order does not matter: none of the
# replacements contains a character another one replaces).
_JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


@register.filter(is_safe=True)
def json_data(value: Any, element_id: str) -> str:
    """Django's json_script, byte for byte, but escaped with str.replace: its str.translate
    takes ~30 ms on the review page's 150 kB of chart points, replace about 1 ms."""
    text = json.dumps(value, cls=DjangoJSONEncoder)
    for character, escaped in _JSON_ESCAPES:
        text = text.replace(character, escaped)
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(text),  # noqa: S308 - escaped just above, as json_script does
    )


@lru_cache(maxsize=16)
def _day_names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The weekday and month abbreviations Django's date formats write ("D" and "M")."""
    with override(language):
        weekdays = tuple(str(WEEKDAYS_ABBR[weekday]) for weekday in range(7))
        months = tuple(str(MONTHS_3[month]).title() for month in range(1, 13))
    return weekdays, months


# The formats written directly; each gives what Django's date filter gives.
_DAY_FORMS = {
    "Y-m-d": lambda day, weekdays, months: day.isoformat(),
    "j M": lambda day, weekdays, months: f"{day.day} {months[day.month - 1]}",
    "j M Y": lambda day, weekdays, months: f"{day.day} {months[day.month - 1]} {day.year:04d}",
    "D j M": lambda day, weekdays, months: (
        f"{weekdays[day.weekday()]} {day.day} {months[day.month - 1]}"
    ),
}


@register.filter(expects_localtime=True, is_safe=False)
def day(value: Any, form: str) -> str:
    """`{{ point.day|day:"D j M" }}`: Django's date filter, byte for byte, written directly
    for a date (not a datetime) in the formats of _DAY_FORMS. The date filter costs about
    0.1 ms a call, mostly in translation lookups: several milliseconds for a page that
    lists a hundred days. Anything else goes to the date filter."""
    write = _DAY_FORMS.get(form)
    if write is None or type(value) is not date:
        return date_filter(value, form)
    return write(value, *_day_names(get_language()))


def days_in(form: str) -> Callable[[Any], str]:
    """`day` in one form, for the many dates of a table: days_in("j M")(value) is
    day(value, "j M"), with the language's day and month names looked up once (each
    lookup of the active language costs a few microseconds)."""
    write = _DAY_FORMS.get(form)
    if write is None:
        return lambda value: date_filter(value, form)
    weekdays, months = _day_names(get_language())

    def one_day(value: Any) -> str:
        if type(value) is not date:
            return date_filter(value, form)
        return write(value, weekdays, months)

    return one_day


# Background failures are stored as "Type: message", for the log and the command line.
# People read the message of a ValueError (Playbook's own words about the data); for
# anything else, what happened in words and that the details are in the server log.
_FAILURES_IN_WORDS = {
    "OperationalError": "the database stopped answering; try again in a minute",
    "InterfaceError": "the database stopped answering; try again in a minute",
}
_UNEXPECTED = "an unexpected error (the details are in the server log)"


@register.filter
def failure(text: str) -> str:
    kind, separator, message = (text or "").partition(": ")
    if not separator or " " in kind:
        return text
    if kind == "ValueError" and message:
        return message
    return _FAILURES_IN_WORDS.get(kind, _UNEXPECTED)


class PageUrlNode(template.Node):
    def __init__(self, name: str, team_slug: template.base.FilterExpression | None) -> None:
        self.name = name
        self.team_slug = team_slug

    def render(self, context: template.Context) -> str:
        team_slug = None if self.team_slug is None else self.team_slug.resolve(context)
        address = _page_url(self.name, team_slug)
        return conditional_escape(address) if context.autoescape else address


@register.tag
def page_url(parser: template.base.Parser, token: template.base.Token) -> PageUrlNode:
    """`{% page_url 'accounts:account-list' m.team.slug %}`: what `{% url %}` writes, for
    the links of the header every page has, at a tenth of the cost (lib/urls.py). The
    page's name is written as a quoted string; a team's page takes the team's slug."""
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][:1] not in "'\"" or bits[1][-1:] != bits[1][:1]:
        raise template.TemplateSyntaxError(
            "{% page_url %} takes a quoted page name and, for a team's page, the team's slug"
        )
    team_slug = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return PageUrlNode(bits[1][1:-1], team_slug)


@register.simple_tag
def import_upload_url(team_slug: str, account: Any) -> str:
    """`{% import_upload_url membership.team.slug account %}`: the team's import page for
    the account (lib.urls.import_upload_url), or the page itself when `account` is None."""
    return _import_upload_url(team_slug, account.handle if account else None)


@register.simple_tag(takes_context=True)
def header_links(context: template.Context) -> SafeString:
    """`{% header_links %}`: the header's links (accounts/header.py)."""
    return mark_safe(_header_links(context))  # noqa: S308 - escaped where it is joined


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        context[self.name] = self.nodelist.render(context)
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """`{% capture name %}…{% endcapture %}`: renders the block once into `name`, so markup
    shown in two places (the header's links, in the phone menu and the wide bar) costs one
    rendering. The text is marked safe as any rendered template output is."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture %} takes one name: {% capture name %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])
