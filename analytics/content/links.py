"""Video links: read from files and the API, stored only in TikTok's one canonical form.

A Content file's `Video link` cell (or the API's `share_url`) is rendered as the video's
"TikTok" link, so what is stored is never the text as given: it is rebuilt from the
handle and the id, `https://www.tiktok.com/@<handle>/(video|photo)/<digits>`. A link of
another scheme (`javascript:`), another host (`evil.example`), a path of another shape
or an id that is not all ASCII digits is no video link.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# TikTok handles: letters, digits, "_" and ".", at most 24; video ids: digits only.
_LINK = re.compile(
    r"(?i:https?://(?:www\.|m\.)?tiktok\.com)/@([A-Za-z0-9_.]{1,24})/(video|photo)/([0-9]{1,32})"
    r"(?:[/?#][^\s]*)?",
    re.ASCII,
)
VIDEO_ID = re.compile(r"[0-9]{1,32}", re.ASCII)
LINK_FORM = "https://www.tiktok.com/@handle/video/1234567890123456789"


class VideoLink(NamedTuple):
    handle: str  # lower-case, as accounts store handles
    kind: str  # "video" or "photo"
    video_id: str

    @property
    def canonical(self) -> str:
        return canonical_link(self.handle, self.kind, self.video_id)


def parse_video_link(text: str) -> VideoLink | None:
    """The handle, kind and id of a TikTok video link; None for anything else."""
    found = _LINK.fullmatch(text.strip())
    if found is None:
        return None
    return VideoLink(found[1].lower(), found[2], found[3])


def canonical_link(handle: str, kind: str, video_id: str) -> str:
    """The one form a video link is stored in; `video_id` must be digits."""
    if kind not in ("video", "photo") or not VIDEO_ID.fullmatch(video_id):
        raise ValueError(f"no canonical link for {kind} {video_id!r}")
    return f"https://www.tiktok.com/@{handle}/{kind}/{video_id}"


def link_kind(text: str) -> str:
    """Whether a link (as TikTok's API gives it) points at a photo post or a video."""
    parsed = parse_video_link(text)
    return parsed.kind if parsed is not None else "video"
