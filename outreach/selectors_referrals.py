"""Reads about referrals: the list a worker or coordinator follows, and a referral's tracing
attempts. Lists take the referrals already scoped by outreach.access.referrals_visible_to."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, QuerySet

from outreach.models import Referral, TracingAttempt

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Attempts(TypedDict):
    """What `referrals_listed` adds to each referral: its tracing attempts so far."""

    attempts: int


def referrals_listed(
    referrals: QuerySet[Referral], show: str, today: date
) -> QuerySet[WithAnnotations[Referral, Attempts]]:
    """The referrals to `show`: "open" (still made, soonest due first), "overdue" (made and due
    before `today`) or anything else for all (latest made first); with their person, partner and
    maker and the number of tracing attempts, one query a page."""
    listed = (
        referrals.select_related("person", "partner", "made_by")
        # Encrypted contact details are not needed here: neither fetched nor decrypted.
        .defer("person__phone", "person__email", "person__notes")
        .annotate(attempts=Count("tracing_attempts"))
    )
    if show == "open":
        return listed.filter(status=Referral.Status.MADE).order_by("due_on", "pk")
    if show == "overdue":
        return listed.filter(status=Referral.Status.MADE, due_on__lt=today).order_by("due_on", "pk")
    return listed.order_by("-made_on", "-pk")


def tracing_attempts_of(referral: Referral) -> list[TracingAttempt]:
    """The referral's tracing attempts in order, with their worker (one query)."""
    return list(referral.tracing_attempts.select_related("worker").order_by("number"))
