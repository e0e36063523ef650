"""Writes about videos: a person's promotional mark, and a team's promotional markers."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, Team
from analytics.evidence import evidence_videos_changed
from analytics.models import PromotionalMarkers, Video
from analytics.promotion import MAX_MARKER_LENGTH, MAX_MARKERS, fold
from analytics.writes.videos import videos_classify

MARK_FIELDS = ("promotional_mark", "marked_by", "marked_at", "updated_at")


def video_mark(*, video: Video, user: AbstractBaseUser, promotional: bool | None) -> Video:
    """Marks the video promotional (True) or authentic (False), or hands it back to its title.

    Anyone who may see the account may mark its videos; the right is checked again here so
    that no caller can skip it. Imports never write these fields, so the mark outlasts them.
    """
    if not Video.objects.visible_to(user).filter(pk=video.pk).exists():
        raise PermissionDenied("You may not mark the videos of this account.")
    video.promotional_mark = promotional
    video.marked_by = user if promotional is not None else None
    video.marked_at = timezone.now() if promotional is not None else None
    # Only the mark is checked: the imported fields are the import's business.
    others = [field.name for field in Video._meta.concrete_fields if field.name not in MARK_FIELDS]
    video.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        video.save(update_fields=MARK_FIELDS)
        evidence_videos_changed(posted=[(video.account_id, video.posted_on)])
    return video


def promotional_markers_save(
    *, team: Team, user: AbstractBaseUser, markers: Iterable[str]
) -> PromotionalMarkers:
    """Stores the team's own markers, as typed, without blanks or repeats (by their folded form)."""
    _check_lead(team=team, user=user)
    kept: dict[str, str] = {}
    for marker in markers:
        text = " ".join(marker.split())
        if fold(text):
            kept.setdefault(fold(text), text)
    # The form says the same line by line; the bounds hold for every caller.
    if len(kept) > MAX_MARKERS:
        raise ValidationError(f"At most {MAX_MARKERS} markers, not {len(kept)}.")
    if any(len(marker) > MAX_MARKER_LENGTH for marker in kept.values()):
        raise ValidationError(f"A marker has at most {MAX_MARKER_LENGTH} characters.")
    with transaction.atomic():
        saved, _ = PromotionalMarkers.objects.select_for_update().get_or_create(team=team)
        saved.markers = list(kept.values())
        saved.updated_by = user
        saved.full_clean()
        saved.save()
        videos_classify(videos=Video.objects.filter(account__team=team))
    return saved


def promotional_markers_reset(*, team: Team, user: AbstractBaseUser) -> None:
    """Back to the default markers: the team's own list is removed."""
    _check_lead(team=team, user=user)
    with transaction.atomic():
        PromotionalMarkers.objects.filter(team=team).delete()
        videos_classify(videos=Video.objects.filter(account__team=team))


def _check_lead(*, team: Team, user: AbstractBaseUser) -> None:
    if not Membership.objects.filter(team=team, user=user, role=Role.LEAD).exists():
        raise PermissionDenied("Only the team's leads may change its promotional markers.")
