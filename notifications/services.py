"""Writes of notifications: the profile's choices and the weekly digests sent by e-mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership, Team
from lib.dates import monday_of
from notifications.digests import digest_build
from notifications.models import DigestDelivery, DigestFrequency, DigestPreference

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute_url(path: str) -> str:
    """A link for a message read outside the product: PLAYBOOK_BASE_URL + path."""
    return f"{settings.PLAYBOOK_BASE_URL}{path}"


def digest_frequency_of(user: AbstractBaseUser) -> str:
    preference = DigestPreference.objects.filter(user=user).first()
    return preference.frequency if preference else DigestFrequency.WEEKLY


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, email: str, digest: str) -> None:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"email": "Enter a valid e-mail address."}) from exc
    if digest not in DigestFrequency.values:
        raise ValidationError({"digest": "Choose weekly or never."})
    user.email = email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email"])
    DigestPreference.objects.update_or_create(user=user, defaults={"frequency": digest})


def unsubscribe_token(user: AbstractBaseUser) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user(token: str) -> AbstractBaseUser | None:
    """The user a signed unsubscribe token names, or None when it is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    return get_user_model().objects.filter(pk=data["user"], is_active=True).first()


def digest_unsubscribe(*, user: AbstractBaseUser) -> None:
    DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": DigestFrequency.NEVER}
    )


def digest_context(*, user: AbstractBaseUser, membership: Membership, week_start: date) -> dict:
    digest = digest_build(user=user, membership=membership, week_start=week_start)
    unsubscribe = absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))
    return {
        "digest": digest,
        "user": user,
        "base_url": settings.PLAYBOOK_BASE_URL,
        "team_url": absolute_url(reverse("accounts:team-home", args=[membership.team.slug])),
        "profile_url": absolute_url(reverse("notifications:profile")),
        "unsubscribe_url": unsubscribe,
    }


def digest_message(
    *, user: AbstractBaseUser, membership: Membership, week_start: date
) -> EmailMultiAlternatives:
    """The digest as one message: plain text and HTML, with RFC 8058's one-click unsubscribe."""
    context = digest_context(user=user, membership=membership, week_start=week_start)
    digest, unsubscribe = context["digest"], context["unsubscribe_url"]
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string("notifications/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return message


def digest_send_preview(*, user: AbstractBaseUser, week_start: date) -> int:
    """Sends the user this week's digest of each of their teams now; returns how many."""
    if not user.email:
        raise ValidationError("Add your e-mail address first: the preview goes there.")
    sent = 0
    for membership in Membership.objects.of(user).select_related("team"):
        message = digest_message(user=user, membership=membership, week_start=week_start)
        message.send()
        DigestDelivery.objects.create(
            user=user,
            team=membership.team,
            week_start=week_start,
            preview=True,
            subject=message.subject[:200],
        )
        sent += 1
    return sent


@dataclass
class DigestRun:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def digests_send(*, on: date, team: Team | None = None) -> DigestRun:
    """Sends the week's digest (the week `on` falls in) to every member who wants it.

    Each user gets one per team and week: the delivery row is written first under its
    unique constraint, and given back when the message could not be sent, so that a
    retry sends it.
    """
    week_start = monday_of(on)
    memberships = (
        Membership.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .exclude(user__digest_preference__frequency=DigestFrequency.NEVER)
        .select_related("team", "user")
        .order_by("team__slug", "user__username")
    )
    if team is not None:
        memberships = memberships.filter(team=team)
    run = DigestRun()
    for membership in memberships:
        try:
            with transaction.atomic():
                delivery = DigestDelivery.objects.create(
                    user=membership.user, team=membership.team, week_start=week_start
                )
        except IntegrityError:
            run.skipped += 1
            continue
        try:
            message = digest_message(
                user=membership.user, membership=membership, week_start=week_start
            )
            message.send()
        except Exception:
            logger.exception("The digest to %s could not be sent", membership.user)
            delivery.delete()
            run.failed += 1
            continue
        DigestDelivery.objects.filter(pk=delivery.pk).update(subject=message.subject[:200])
        run.sent += 1
    return run
