"""Reads about partners: the directory with its referral counts, and the partners offered on a
referral form. Services are a short JSON list on each partner, matched in Python: the same on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet

from outreach.models import Partner, Service

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ReferralCounts(TypedDict):
    """What `partners_with_counts` adds to each partner."""

    made: int
    completed: int


def partners_with_counts(
    since: date, *, active_only: bool
) -> QuerySet[WithAnnotations[Partner, ReferralCounts]]:
    """Every partner (or the active ones) with the referrals made to it since `since` and those
    attended: one query whatever the numbers."""
    recent = Q(referrals__made_on__gte=since)
    partners = Partner.objects.annotate(
        made=Count("referrals", filter=recent),
        completed=Count("referrals", filter=recent & Q(referrals__attended_on__isnull=False)),
    ).order_by("-is_active", "name")
    return partners.filter(is_active=True) if active_only else partners


def partners_offering(service: str) -> tuple[QuerySet[Partner], bool]:
    """Active partners, only those listing `service` if any does; and whether any does."""
    partners = Partner.objects.filter(is_active=True).order_by("name")
    if service not in Service.values:
        return partners, False
    offering = [p.pk for p in partners if service in p.services]
    return (partners.filter(pk__in=offering), True) if offering else (partners, False)
