"""Reads about hotspots: size estimates as they stood on a date, active people and caseloads.
Each function costs a fixed number of queries, however many hotspots, people or workers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from members.models import Assignment, Hotspot, Person, User
from outreach.models import Contact, SizeEstimate
from outreach.rules import ACTIVE_DAYS, CASELOAD_RANGE, CASELOAD_TARGET

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- Size estimates --------------------------------------------------------------------------


def estimate_for(hotspot: Hotspot, month_end: date) -> SizeEstimate | None:
    """The latest estimate made on or before `month_end` (one query), or None."""
    return (
        SizeEstimate.objects.filter(hotspot=hotspot, estimated_on__lte=month_end)
        .order_by("-estimated_on")
        .first()
    )


def estimates_for(
    hotspots: Iterable[Hotspot] | QuerySet[Hotspot], month_end: date
) -> dict[int, SizeEstimate]:
    """estimate_for() of many hotspots in one query: {hotspot id: estimate}; a hotspot with no
    estimate by then is missing from the result."""
    ids = (
        hotspots.values_list("pk", flat=True)
        if isinstance(hotspots, QuerySet)
        else [h.pk for h in hotspots]
    )
    # The newest row per hotspot, found through the (hotspot, estimated_on) unique index.
    latest = (
        SizeEstimate.objects.filter(hotspot=OuterRef("hotspot"), estimated_on__lte=month_end)
        .order_by("-estimated_on")
        .values("pk")[:1]
    )
    rows = SizeEstimate.objects.filter(hotspot__in=ids, pk=Subquery(latest))
    return {row.hotspot_id: row for row in rows}


# --- Active people ---------------------------------------------------------------------------


def active_people(on: date | None = None) -> QuerySet[Person]:
    """People counted as active on `on` (KP_CURR): status active, not merged or erased, with a
    contact in the ACTIVE_DAYS days up to and including `on` (that day and the ones before)."""
    day = on or timezone.localdate()
    recent = Contact.objects.filter(
        person=OuterRef("pk"),
        contacted_on__gt=day - timedelta(days=ACTIVE_DAYS),
        contacted_on__lte=day,
    )
    return Person.objects.filter(
        status=Person.Status.ACTIVE, merged_into__isnull=True, erased_at__isnull=True
    ).filter(Exists(recent))


class ActivePeople(TypedDict):
    """What `with_active_people` adds to each hotspot."""

    active_people: int


def with_active_people(
    hotspots: QuerySet[Hotspot], on: date | None = None
) -> QuerySet[WithAnnotations[Hotspot, ActivePeople]]:
    """Annotate `active_people`: the active people whose main hotspot this is (a subquery, so
    the list stays one query)."""
    counts = (
        active_people(on)
        .filter(hotspot=OuterRef("pk"))
        .order_by()
        .values("hotspot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return hotspots.annotate(
        active_people=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )


def hotspots_with_counts(
    hotspots: QuerySet[Hotspot], on: date
) -> QuerySet[WithAnnotations[Hotspot, ActivePeople]]:
    """The hotspots (scoped by hotspots_visible_to) with their active people on `on`, in one
    query; their encrypted safety notes are neither loaded nor decrypted for a list."""
    return with_active_people(hotspots.defer("safety_notes"), on)


def active_people_at(hotspot: Hotspot, on: date) -> int:
    """How many active people on `on` have this main hotspot (one query)."""
    return active_people(on).filter(hotspot=hotspot).count()


# --- A hotspot's page ------------------------------------------------------------------------


def estimates_of(hotspot: Hotspot) -> list[SizeEstimate]:
    """Every size estimate of the hotspot, latest first (one query)."""
    return list(hotspot.size_estimates.order_by("-estimated_on"))


def assignments_of(hotspot: Hotspot) -> list[Assignment]:
    """Every assignment to the hotspot, past, current and planned, latest start first, with its
    worker (one query)."""
    return list(
        hotspot.assignments.select_related("worker").order_by("-starts_on", "worker__username")
    )


def assignment_among(hotspots: QuerySet[Hotspot], pk: int) -> Assignment | None:
    """Assignment `pk` if it is to one of `hotspots` (scoped by hotspots_visible_to), with its
    worker and hotspot; else None (one query)."""
    return (
        Assignment.objects.filter(hotspot__in=hotspots.values("pk"))
        .select_related("worker", "hotspot")
        .filter(pk=pk)
        .first()
    )


# --- Caseloads -------------------------------------------------------------------------------

BELOW, WITHIN, ABOVE = "below", "within", "above"


def caseload_band(number: int) -> str:
    """Where a caseload stands against the feasible range around the target."""
    low, high = CASELOAD_RANGE
    if number < low:
        return BELOW
    if number > high:
        return ABOVE
    return WITHIN


@dataclass
class Caseload:
    worker: User
    hotspots: list[WithAnnotations[Hotspot, ActivePeople]] = field(default_factory=list)

    @property
    def active_people(self) -> int:
        return sum(hotspot.active_people for hotspot in self.hotspots)

    @property
    def band(self) -> str:
        return caseload_band(self.active_people)

    @property
    def gap(self) -> int:
        """How far from the target: positive above it, negative below."""
        return self.active_people - CASELOAD_TARGET


def caseloads(on: date | None = None) -> list[Caseload]:
    """Each active outreach worker with the active people of their current hotspots. A hotspot
    served by two workers counts fully for both: each is expected to know all its people.
    Three queries: the workers, their current assignments, and those hotspots with counts."""
    day = on or timezone.localdate()
    workers = User.objects.filter(is_active=True, is_outreach_worker=True).order_by("username")
    result = {worker.pk: Caseload(worker=worker) for worker in workers}
    pairs = list(
        Assignment.objects.current(day)
        .filter(worker__in=workers.values("pk"))
        .values_list("worker_id", "hotspot_id")
        .distinct()
    )
    hotspots = with_active_people(
        Hotspot.objects.filter(pk__in={hotspot for _, hotspot in pairs}).defer("safety_notes"),
        day,
    ).in_bulk()
    for worker_id, hotspot_id in sorted(pairs, key=lambda pair: hotspots[pair[1]].name):
        result[worker_id].hotspots.append(hotspots[hotspot_id])
    return list(result.values())
