"""Writes of a lead's review of a scorecard: marked reviewed with a comment, or not."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from analytics.models import Scorecard

REVIEW_FIELDS = ("reviewed_by", "reviewed_at", "review_comment")


def scorecard_mark_reviewed(
    *, scorecard: Scorecard, user: AbstractBaseUser, comment: str = ""
) -> Scorecard:
    """Records who reviewed the scorecard, when, and what they said; a second review replaces it."""
    scorecard.reviewed_by = user
    scorecard.reviewed_at = timezone.now()
    scorecard.review_comment = comment.strip()
    scorecard.full_clean(exclude=_figure_fields(), validate_constraints=False)
    # Only the review fields are written, so a recompute running at the same moment keeps
    # its freshly computed figures.
    scorecard.save(update_fields=REVIEW_FIELDS)
    return scorecard


def scorecards_mark_reviewed(*, scorecards: QuerySet[Scorecard], user: AbstractBaseUser) -> int:
    """Marks the scorecards not yet reviewed as reviewed by `user`, without comment; the
    ones already reviewed keep their review. Returns how many were marked."""
    return scorecards.filter(reviewed_at__isnull=True).update(
        reviewed_by=user, reviewed_at=timezone.now(), review_comment=""
    )


def scorecard_unmark_reviewed(*, scorecard: Scorecard) -> Scorecard:
    scorecard.reviewed_by = None
    scorecard.reviewed_at = None
    scorecard.review_comment = ""
    scorecard.save(update_fields=REVIEW_FIELDS)
    return scorecard


def _figure_fields() -> list[str]:
    return [
        field.name for field in Scorecard._meta.concrete_fields if field.name not in REVIEW_FIELDS
    ]
