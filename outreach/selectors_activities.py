"""Reads for group activities: the list of those coming up and past, and the attendance page:
who came, as far as the user may know, and the people offered for a tap. What a list shows of a
person is only LISTED: the encrypted fields are neither loaded nor decrypted."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, ExpressionWrapper, F, IntegerField, QuerySet

from members.models import Person, User
from outreach.models import Attendance, GroupActivity

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

LISTED = ("nickname", "age_band", "hotspot__name")


class Attending(TypedDict):
    """What the activity lists add to each activity: everyone who came, named or not."""

    attending: int


def _with_attending(
    activities: QuerySet[GroupActivity],
) -> QuerySet[WithAnnotations[GroupActivity, Attending]]:
    return activities.select_related("hotspot").annotate(
        attending=ExpressionWrapper(
            Count("attendance") + F("other_attendees"), output_field=IntegerField()
        )
    )


def upcoming_activities(
    activities: QuerySet[GroupActivity], today: date
) -> QuerySet[WithAnnotations[GroupActivity, Attending]]:
    """The activities (scoped by activities_visible_to) held today or later, soonest first, with
    their hotspot and the number attending: one query a page."""
    return _with_attending(activities).filter(held_on__gte=today).order_by("held_on", "pk")


def past_activities(
    activities: QuerySet[GroupActivity], today: date
) -> QuerySet[WithAnnotations[GroupActivity, Attending]]:
    """The activities (scoped by activities_visible_to) held before today, latest first, with
    their hotspot and the number attending: one query a page."""
    return _with_attending(activities).filter(held_on__lt=today).order_by("-held_on", "-pk")


def attendees_named(activity: GroupActivity, user: User) -> list[Person]:
    """The attendees this user may see, by nickname (one query); the others are only counted."""
    came = Attendance.objects.filter(activity=activity).values("person")
    return list(
        Person.objects.visible_to(user)
        .filter(pk__in=came)
        .select_related("hotspot")
        .only(*LISTED)
        .order_by("nickname", "pk")
    )


def attendees_registered(activity: GroupActivity) -> int:
    """Everyone on the list, named to this user or not (one query)."""
    return Attendance.objects.filter(activity=activity).count()


def attendee_picks(activity: GroupActivity, user: User, typed: str, limit: int) -> list[Person]:
    """Up to `limit` people not yet on the list (one query): those whose nickname has `typed`
    in it, or without it the people of the activity's hotspot (nobody for an activity open to
    the whole community)."""
    came = Attendance.objects.filter(activity=activity).values("person")
    pickable = (
        Person.objects.visible_to(user)
        .filter(erased_at__isnull=True)
        .exclude(pk__in=came)
        .select_related("hotspot")
        .only(*LISTED)
        .order_by("nickname", "pk")
    )
    if typed:
        pickable = pickable.filter(nickname__icontains=typed)
    elif activity.hotspot_id is not None:
        pickable = pickable.filter(hotspot_id=activity.hotspot_id)
    else:
        pickable = pickable.none()
    return list(pickable[:limit])
