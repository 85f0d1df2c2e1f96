"""The reads of members' pages, each named for what it returns. Who may see which person is decided
in members.access and these build on what it returns; the lists for coordinators only (the access
log, the erasure queue, duplicates, logins, posts) are guarded by their views' roles. Each says how
many queries it costs: the pages' query counts (tests/members) add them up."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from members.models import AccessLog, Employment, ErasureRequest, Person, PossibleDuplicate, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# How many open duplicate pairs the review queue shows at once.
DUPLICATES_SHOWN = 200


# --- People ----------------------------------------------------------------------------------


def people_listed(people: QuerySet[Person], *, hotspot_id: int | None) -> QuerySet[Person]:
    """The people of `people` (already scoped to the viewer) not erased, by nickname, with their
    hotspots, only those of `hotspot_id` if given. Paginated: the count and one page."""
    listed = people.filter(erased_at__isnull=True).select_related("hotspot")
    if hotspot_id is not None:
        listed = listed.filter(hotspot_id=hotspot_id)
    return listed.order_by("nickname", "pk")


def person_of_login(login: User) -> Person | None:
    """The record linked to `login` (a login the viewer may already know of), if any: one
    query."""
    return Person.objects.filter(user=login).first()


def consents_given_at(person: Person) -> dict[str, datetime]:
    """{purpose: when it was given} of the consents `person` has not withdrawn: one query."""
    return {
        consent.purpose: consent.given_at
        for consent in person.consents.filter(withdrawn_at__isnull=True)
    }


def open_erasure_request(person: Person) -> ErasureRequest | None:
    """The erasure `person` asked for and no coordinator has confirmed yet, if any: one query."""
    return person.erasure_requests.filter(confirmed_at__isnull=True).first()


# --- Coordinators' queues --------------------------------------------------------------------


def open_erasure_requests() -> QuerySet[ErasureRequest]:
    """The requests not yet confirmed, oldest first, with each person's nickname only: one
    query."""
    return (
        ErasureRequest.objects.filter(confirmed_at__isnull=True)
        .select_related("person")
        .only("requested_at", "person__nickname")
        .order_by("requested_at", "pk")
    )


def open_duplicate_pairs() -> QuerySet[PossibleDuplicate]:
    """The oldest DUPLICATES_SHOWN unresolved pairs with both people and their hotspots: one
    query."""
    return (
        PossibleDuplicate.objects.filter(resolution="")
        .select_related("person__hotspot", "other__hotspot")
        .order_by("found_at")[:DUPLICATES_SHOWN]
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_entries(filters: Mapping[str, Any] | None) -> QuerySet[AccessLog]:
    """The log newest first, narrowed by `filters` (the filter form's cleaned data; empty for
    everything, None for a filter that did not validate, which matches nothing). Only the shown
    columns, with actors and people: no contact detail is decrypted. Paginated: the count and
    one page, whatever the size of the log."""
    entries = (
        AccessLog.objects.select_related("actor", "person", "login")
        .only(
            "at",
            "action",
            "detail",
            "reason",
            "actor__username",
            "person__nickname",
            "login__username",
        )
        .order_by("-at", "-pk")
    )
    if filters is None:
        return entries.none()
    if filters.get("actor"):
        entries = entries.filter(actor=filters["actor"])
    if filters.get("person"):
        entries = entries.filter(person_id=filters["person"])
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    # A range of whole days in the site's time zone, compared on the indexed column itself.
    if filters.get("date_from"):
        entries = entries.filter(at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        entries = entries.filter(at__lt=_start_of(filters["date_to"] + timedelta(days=1)))
    return entries


# --- Logins and posts ------------------------------------------------------------------------


class SessionCount(TypedDict):
    """What `logins_with_session_counts` adds to each login."""

    session_count: int


def logins_with_session_counts() -> list[WithAnnotations[User, SessionCount]]:
    """Every login by username with its number of sessions: one query."""
    return list(User.objects.annotate(session_count=Count("usersession")).order_by("username"))


def current_and_past_posts(today: date) -> tuple[list[Employment], list[Employment]]:
    """Every post with its login, newest first, split into those held on `today` (or starting
    later) and those ended before it: one query."""
    posts = list(
        Employment.objects.select_related("user").order_by("-started_on", "user__username")
    )
    current = [post for post in posts if post.ended_on is None or post.ended_on >= today]
    past = [post for post in posts if post.ended_on is not None and post.ended_on < today]
    return current, past


def posts_held_between(first_day: date, last_day: date) -> QuerySet[Employment]:
    """Every post held at some time from `first_day` to `last_day`: one query when read."""
    return Employment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first_day), started_on__lte=last_day
    )
