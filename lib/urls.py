"""Links reversed once instead of once per use.

A list of a thousand accounts that reverses a URL per row pays Django's resolver a
thousand times for links that differ only in the handle. `url_of_handle` reverses the
route once with a stand-in in the handle's place and fills each handle in.

The header of every page writes a dozen links (`page_url`, about eighty function calls
each through reverse()) whose addresses depend only on the URLconf, the script prefix
and, for a team's pages, the team's slug: each is reversed once per process, URLconf
and prefix, a team's page the same way with a stand-in in the slug's place. An account's
pages (`account_page_url`) the same way, with stand-ins for the slug and the handle.
The import page opened for one account (`import_upload_url`) is the team's page with the
handle in its query, which every link to upload an account's files writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote

from django.http import QueryDict
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.resolvers import URLResolver

# A text no handle or slug can be (both are lower case): it marks where the value goes.
_STAND_IN = "HANDLE"
# The team's slug in an account's address, before the handle's stand-in.
_SLUG_STAND_IN = "TEAM"


def url_filler(name: str, *args: object, stand_in: object = _STAND_IN) -> Callable[[str], str]:
    """A function of a value giving what `reverse(name, args=[*args, value])` gives, from
    one reverse() with `stand_in` (which the route's converter must accept) in the value's
    place.

    Only for values that reverse() writes unquoted: handles (a-z, 0-9, "." and "_",
    accounts.models.HANDLE_RE), slugs, UUIDs, digits.
    """
    marker = str(stand_in)
    head, _, tail = reverse(name, args=[*args, stand_in]).rpartition(marker)
    return lambda value: f"{head}{value}{tail}"


def sort_links(
    query: QueryDict, current: str, columns: Iterable[tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """For each sortable column of a table, given as its sort name and the sort a first
    click on it asks (the name, or "-name" for the largest first): the query that sorts by
    it and the direction it is sorted in now ("ascending", "descending" or "").

    A column sorted one way sorts the other way next. Each query is the request's, the page
    left out and the column's sort set (in the sort's place, or last): encoded once with a
    stand-in sort, "~", which urlencode leaves as it is. Nothing else encodes to "&sort=~",
    since urlencode quotes the "&" and "=" of keys and values; the sort names are words that
    need no quoting.
    """
    params = query.copy()
    params.pop("page", None)
    params["sort"] = "~"
    head, _, tail = f"&{params.urlencode()}".partition("&sort=~")
    links = {}
    for name, first in columns:
        if current == name:
            sort, direction = f"-{name}", "ascending"
        elif current == f"-{name}":
            sort, direction = name, "descending"
        else:
            sort, direction = first, ""
        links[name] = (f"{head}&sort={sort}{tail}"[1:], direction)
    return links


def url_of_handle(name: str, *args: object) -> Callable[[str], str]:
    """url_filler for a route whose last argument is an account's handle."""
    return url_filler(name, *args)


def page_url(name: str, team_slug: str | None = None) -> str:
    """reverse(name) for a page outside teams, reverse(name, args=[team_slug]) for a
    team's page (every team URL takes the team's slug first, a SlugField's value, which
    reverse() writes unquoted as it does a handle)."""
    return page_urls()(name, team_slug)


def page_urls() -> Callable[[str, str | None], str]:
    """page_url for several addresses, the URLconf and the script prefix read once."""
    resolver, prefix = get_resolver(get_urlconf()), get_script_prefix()

    def address(name: str, team_slug: str | None = None) -> str:
        args = () if team_slug is None else (team_slug,)
        return _filled(_pieces(resolver, prefix, name, len(args)), args)

    return address


def account_page_url(name: str, team_slug: str, handle: str) -> str:
    """reverse(name, args=[team_slug, handle]) for an account's page (each takes the team's
    slug, then the handle, which reverse() writes unquoted: see url_filler)."""
    pieces = _pieces(get_resolver(get_urlconf()), get_script_prefix(), name, 2)
    return _filled(pieces, (team_slug, handle))


def import_upload_url(team_slug: str, handle: str | None = None) -> str:
    """The team's import page, for the account of `handle` when given (`?account=`, which
    the page reads to upload files that name no account: TikTok Studio's, Ads Manager's)."""
    address = page_url("imports:import-upload", team_slug)
    return f"{address}?account={quote(handle)}" if handle else address


def _filled(pieces: tuple[str, ...], args: tuple[str, ...]) -> str:
    return "".join(piece + arg for piece, arg in zip(pieces, (*args, ""), strict=True))


# The resolver and the prefix are part of the key: a test that overrides the URLconf
# (Django then builds a new resolver) or a request under another script name gets
# addresses of its own.
@lru_cache(maxsize=128)
def _pieces(resolver: URLResolver, prefix: str, name: str, count: int) -> tuple[str, ...]:
    """reverse(name) with `count` arguments (a team's slug, then an account's handle), cut
    where each goes: the stand-ins are looked for from the end, so that a script prefix
    holding the same letters is left alone."""
    stand_ins = (_SLUG_STAND_IN, _STAND_IN)[:count]
    text = reverse(name, urlconf=resolver.urlconf_name, args=stand_ins)
    pieces = []
    for stand_in in reversed(stand_ins):
        text, _, after = text.rpartition(stand_in)
        pieces.append(after)
    return (text, *reversed(pieces))
