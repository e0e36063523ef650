"""Links that differ only in one URL-safe value, reversed once for a whole list.

A list of a thousand accounts that reverses a URL per row pays Django's resolver a
thousand times for links that differ only in the handle. `url_of_handle` reverses the
route once with a stand-in in the handle's place and fills each handle in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# A text no handle can be (handles are lower case): it marks where the handle goes.
_STAND_IN = "HANDLE"


def url_of_handle(name: str, *args: object) -> Callable[[str], str]:
    """A function of a handle giving what `reverse(name, args=[*args, handle])` gives.

    Handles are of a-z, 0-9, "." and "_" only (accounts.models.HANDLE_RE), which reverse()
    writes unquoted, so putting the handle in the stand-in's place is the same link.
    """
    head, _, tail = reverse(name, args=[*args, _STAND_IN]).rpartition(_STAND_IN)
    return lambda handle: f"{head}{handle}{tail}"
