"""Reads for an outreach worker's week: who is due a one-to-one contact, which referrals need a
follow-up, who has not been seen, and what was done today. Every function takes the worker and
`today` (so the date boundaries can be tested) and costs a fixed number of queries however large
the caseload: the last contact and the latest risk assessment are subqueries, never a query per
person.

Boundaries (one rule for all three day counts): a limit of N days is reached ON day N. Someone
whose last one-to-one contact was exactly 30 days ago is due today (0 days overdue): "at least
monthly" means the next contact falls on day 30 at the latest, and the plan should show them on
that day, not the day after. The same for priority people at 7 days, and for "not seen" at 30."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar, cast

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower

from members.access import hotspots_visible_to
from members.models import Assignment, Hotspot, Person, PersonQuerySet, User
from outreach.access import contacts_visible_to, referrals_visible_to
from outreach.indicators_contacts import COMMODITIES
from outreach.models import Contact, Referral, RiskAssessment, ZeroReport
from outreach.rules import NOT_SEEN_DAYS, ONE_TO_ONE_DAYS, PRIORITY_DAYS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

M = TypeVar("M", bound=Model)

# Referrals show on the plan this many days before they are due, so there is time to act.
REFERRAL_LOOKAHEAD_DAYS = 2
# A page number asked for past this is read as this (and then as the last page).
LAST_PAGE_TRIED = 100_000


def worker_hotspots(worker: User, today: date) -> QuerySet[Hotspot]:
    """The hotspots the worker serves now, through the access helper. A login that is also a
    coordinator sees every hotspot, but its week covers only the hotspots it is assigned to.
    Assignments are taken as they are now, like the access helpers do; `today` only moves the
    rule's dates."""
    assigned = Assignment.objects.current().filter(worker=worker).values("hotspot")
    return hotspots_visible_to(worker).filter(pk__in=assigned)


def caseload(worker: User, today: date) -> PersonQuerySet:
    """The people of the worker's hotspots, not erased. Someone opened from outside the
    hotspots for a few hours is visible to the worker but is not part of their caseload."""
    return (
        Person.objects.visible_to(worker)
        .filter(hotspot__in=worker_hotspots(worker, today))
        .filter(erased_at__isnull=True)
    )


# What the lists show of a person: the encrypted fields (phone, notes) are neither loaded nor
# decrypted for a whole caseload.
SHOWN_PERSON_FIELDS = ("nickname", "hotspot__name")


def _last_contact(today: date, **filters: Any) -> Subquery:
    """The date of the person's latest contact up to `today` (the index on person and
    -contacted_on answers it)."""
    contacts = Contact.objects.filter(person=OuterRef("pk"), contacted_on__lte=today, **filters)
    return Subquery(contacts.order_by("-contacted_on").values("contacted_on")[:1])


def _is_priority(today: date) -> Coalesce:
    """Whether the person's latest risk assessment up to `today` made them a priority."""
    latest = RiskAssessment.objects.filter(person=OuterRef("pk"), assessed_on__lte=today)
    return Coalesce(
        Subquery(latest.order_by("-assessed_on", "-pk").values("is_priority")[:1]),
        Value(False),
        output_field=BooleanField(),
    )


def _active_caseload(worker: User, today: date) -> PersonQuerySet:
    return (
        caseload(worker, today)
        .filter(status=Person.Status.ACTIVE)
        .select_related("hotspot")
        .only(*SHOWN_PERSON_FIELDS)
    )


class DueAnnotations(TypedDict):
    """What `due_people` adds to each person."""

    last_one_to_one: date | None
    is_priority: bool


@dataclass(frozen=True)
class DuePerson:
    person: Person
    is_priority: bool
    last_one_to_one: date | None
    # Days since the last one-to-one contact, and beyond the limit; None when never contacted.
    days_since: int | None
    days_overdue: int | None


def due_people(worker: User, today: date) -> QuerySet[WithAnnotations[Person, DueAnnotations]]:
    """Active people of the worker's hotspots due a one-to-one contact (other kinds of contact
    do not count for the frequency rule), most urgent first: never contacted, then by the day
    their contact fell due (the most overdue first), priority people first on the same day, then
    by nickname. A queryset ordered in the database, so a page of it costs one query however
    large the caseload; `due_row` works out the days for the people shown."""
    monthly_cutoff = today - timedelta(days=ONE_TO_ONE_DAYS)
    priority_cutoff = today - timedelta(days=PRIORITY_DAYS)
    return (
        _active_caseload(worker, today)
        .annotate(
            last_one_to_one=_last_contact(today, kind=Contact.Kind.ONE_TO_ONE),
            is_priority=_is_priority(today),
        )
        .filter(
            Q(last_one_to_one__isnull=True)
            | Q(last_one_to_one__lte=monthly_cutoff)
            | Q(is_priority=True, last_one_to_one__lte=priority_cutoff)
        )
        .annotate(
            # The day the contact fell due; Django writes the date arithmetic for each database.
            fell_due=Case(
                When(
                    is_priority=True,
                    then=F("last_one_to_one") + timedelta(days=PRIORITY_DAYS),
                ),
                default=F("last_one_to_one") + timedelta(days=ONE_TO_ONE_DAYS),
                output_field=DateTimeField(),
            )
        )
        .order_by(
            F("fell_due").asc(nulls_first=True),
            F("is_priority").desc(),
            Lower("nickname"),
            "pk",
        )
    )


def due_row(person: WithAnnotations[Person, DueAnnotations], today: date) -> DuePerson:
    """One person of `due_people` with the days since their last one-to-one and overdue."""
    last = person.last_one_to_one
    limit = PRIORITY_DAYS if person.is_priority else ONE_TO_ONE_DAYS
    since = None if last is None else (today - last).days
    overdue = None if since is None else since - limit
    return DuePerson(person, bool(person.is_priority), last, since, overdue)


def people_due(worker: User, today: date) -> list[DuePerson]:
    """Everyone due, for callers that need the whole list; pages use `due_people`."""
    return [due_row(person, today) for person in due_people(worker, today)]


class _Counted(Protocol):
    # The window count every row of `first_with_total` and `page_with_total` carries.
    total_rows: int


def first_with_total(rows: QuerySet[M], shown: int) -> tuple[list[M], int]:
    """The first `shown` rows of a queryset and how many there are in all, in one query: the
    total rides along on each row as a window count, so a short list costs no second query."""
    first = list(rows.annotate(total_rows=Window(Count("pk")))[:shown])
    # django-stubs cannot follow annotate() on a type variable: the rows carry it all the same.
    return first, (cast(_Counted, first[0]).total_rows if first else 0)


def page_with_total(rows: QuerySet[M], wanted: str | None, size: int) -> Page[M]:
    """One page of an ordered queryset, counted in the same query (a window count on each row):
    the people due are worked out per person, so a separate COUNT would do it all twice. Only a
    page past the end costs a second query, to fall back to the last page."""
    try:
        # Any page past the end falls back to the last; the cap keeps the offset a valid integer.
        number = min(max(int(wanted or 1), 1), LAST_PAGE_TRIED)
    except ValueError:
        number = 1
    bottom = (number - 1) * size
    found = list(rows.annotate(total_rows=Window(Count("pk")))[bottom : bottom + size])
    if not found and number > 1:
        return Paginator(rows, size).get_page(wanted)
    paginator = Paginator(rows, size)
    paginator.count = cast(_Counted, found[0]).total_rows if found else 0
    return Page(found, number, paginator)


class LastSeen(TypedDict):
    """What `people_not_seen` adds to each person: their latest contact, None if never."""

    last_seen: date | None


def people_not_seen(worker: User, today: date) -> QuerySet[WithAnnotations[Person, LastSeen]]:
    """Active people of the worker's hotspots with no contact of any kind for NOT_SEEN_DAYS
    days or more, or never: never seen first, then the longest unseen."""
    cutoff = today - timedelta(days=NOT_SEEN_DAYS)
    return (
        _active_caseload(worker, today)
        .annotate(last_seen=_last_contact(today))
        .filter(Q(last_seen__isnull=True) | Q(last_seen__lte=cutoff))
        .order_by(F("last_seen").asc(nulls_first=True), "nickname", "pk")
    )


def referrals_to_follow_up(worker: User, today: date) -> QuerySet[Referral]:
    """Referrals of the worker's caseload still at "made" and due within the next
    REFERRAL_LOOKAHEAD_DAYS days (or overdue), soonest first, with their tracing attempts."""
    # The caseload's conditions on the joined person, not a second `person IN (caseload)`: the
    # access helper already keeps the visible people, and two IN subqueries made PostgreSQL
    # read every person of the country.
    return (
        referrals_visible_to(worker)
        .filter(person__hotspot__in=worker_hotspots(worker, today), person__erased_at__isnull=True)
        .filter(
            status=Referral.Status.MADE,
            due_on__lte=today + timedelta(days=REFERRAL_LOOKAHEAD_DAYS),
        )
        .select_related("person", "partner")
        .only("due_on", "service", "person__nickname", "partner__name")
        .annotate(attempts=Count("tracing_attempts"))
        .order_by("due_on", "pk")
    )


def contacts_on(worker: User, day: date) -> QuerySet[Contact]:
    """The contacts this worker logged on `day`, in the order they were logged."""
    return (
        contacts_visible_to(worker)
        .filter(worker=worker, contacted_on=day)
        .select_related("person")
        # The goods shown for today's contacts; needs raised (encrypted) stay unread.
        .only(*COMMODITIES, "kind", "person__nickname")
        .order_by("created_at", "pk")
    )


def has_zero_report(worker: User, day: date) -> bool:
    return ZeroReport.objects.filter(worker=worker, day=day).exists()
