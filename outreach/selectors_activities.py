"""Reads for a group activity's attendance page: who came, as far as the user may know, and the
people offered for a tap. What a list shows of a person is only LISTED: the encrypted fields are
neither loaded nor decrypted."""

from __future__ import annotations

from members.models import Person, User
from outreach.models import Attendance, GroupActivity

LISTED = ("nickname", "age_band", "hotspot__name")


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
