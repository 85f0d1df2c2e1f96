"""Reading safety reports: the check of a number or plate, and the counts the dashboard shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from common.periods import add_months, first_of_month, months_between
from common.suppression import suppress
from members.identifiers import (
    Use,
    identifier_hash,
    normalise_phone,
    normalise_plate,
    plate_part_hashes,
)
from members.models import Assignment, Person, User
from safety.access import alerts_visible_to, own_reports, reports_for_moderators
from safety.models import Category, Decision, RemovalRequest, Report


def live_alerts() -> QuerySet[Report]:
    return Report.objects.filter(
        status=Report.Status.CIRCULATING, expires_on__gte=timezone.localdate()
    )


@dataclass(frozen=True)
class CheckResult:
    mentioned: int  # live alerts anywhere that mention it
    yours: list[Report]  # those of them this person may open


def _matches(raw: str) -> Q:
    """What a typed number or plate matches: its phone hash, and every part of it as a plate
    (a digits-only plate is both)."""
    match = Q(pk__in=[])
    phone = normalise_phone(raw)
    if phone:
        match |= Q(phone_hash=identifier_hash(Use.ALERT_PHONE, phone))
    return match | Q(plate_hash__in=plate_part_hashes(normalise_plate(raw)))


def identifier_check(user: User, raw: str) -> CheckResult:
    """Whether live alerts mention a number or plate. Alerts of any hotspot count (a client
    moves around); only those this person may open are listed."""
    found = list(live_alerts().filter(_matches(raw)).values_list("pk", flat=True))
    yours = list(alerts_visible_to(user).filter(pk__in=found).select_related("hotspot"))
    return CheckResult(len(found), yours)


# --- Counts for the dashboard --------------------------------------------------------------------


@dataclass(frozen=True)
class CountTable:
    # (label, count as shown) per line: months as dates (the template formats them), names as
    # text; a small count reads "<5", its complement "".
    rows: list[tuple[Any, str]]
    total: str


@dataclass(frozen=True)
class IncidentCounts:
    total: int
    by_month: CountTable
    by_category: CountTable
    by_hotspot: CountTable


def _table(labels: list[Any], counts: list[int], total: int) -> CountTable:
    if not counts:
        return CountTable([], str(total))
    table = suppress([[n] for n in counts], column_totals=[total], total=total)
    rows = [(label, table.show(i, 0)) for i, label in enumerate(labels)]
    return CountTable(rows, table.show(None, None))


def incident_counts(months: int = 12, *, today: date | None = None) -> IncidentCounts:
    """Reports of the last `months` months (by when it happened), whatever their state: by month,
    by category (a report may name several) and by hotspot, small counts hidden. Three queries,
    however many reports."""
    last = first_of_month(today or timezone.localdate())
    first = add_months(last, -(months - 1))
    reports = Report.objects.filter(happened_on__gte=first)
    per_month = dict(
        reports.annotate(month=TruncMonth("happened_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_hotspot = list(
        reports.values_list("hotspot__name").annotate(n=Count("pk")).order_by("hotspot__name")
    )
    per_category: Counter[str] = Counter()
    for categories in reports.values_list("categories", flat=True):
        per_category.update(set(categories))
    total = sum(per_month.values())
    month_list = months_between(first, last)
    return IncidentCounts(
        total=total,
        by_month=_table(
            list(month_list),
            [per_month.get(m, 0) for m in month_list],
            total,
        ),
        by_category=_table(
            [str(label) for label in Category.labels],
            [per_category[value] for value in Category.values],
            total,
        ),
        by_hotspot=_table([name for name, _ in per_hotspot], [n for _, n in per_hotspot], total),
    )


# --- Who is told --------------------------------------------------------------------------------


def _people_of(hotspot_id: int) -> QuerySet[User]:
    """The active logins of the members of a hotspot and of the workers assigned to it now."""
    members = Person.objects.filter(
        hotspot_id=hotspot_id, erased_at__isnull=True, merged_into__isnull=True
    ).values("user")
    workers = Assignment.objects.current().filter(hotspot_id=hotspot_id).values("worker")
    return User.objects.filter(Q(pk__in=members) | Q(pk__in=workers), is_active=True)


def _not_theirs(users: QuerySet[User], report: Report) -> QuerySet[User]:
    """Never the person it is about nor whoever wrote it down: they know, and a moderator of
    their own report would learn nothing new but could be seen to be told."""
    # Without NULL: "NOT IN (NULL)" would exclude everyone.
    own = Person.objects.filter(pk__in=[report.reporter_id], user__isnull=False).values("user")
    return users.exclude(pk__in=own).exclude(pk__in=[report.entered_by_id])


def alert_recipients(report: Report) -> QuerySet[User]:
    return _not_theirs(_people_of(report.hotspot_id), report).order_by("pk")


def moderators_for(report: Report) -> QuerySet[User]:
    moderators = User.objects.filter(is_active=True, is_moderator=True)
    return _not_theirs(moderators, report).order_by("pk")


def supporters_for(report: Report) -> QuerySet[User]:
    """The workers assigned to the reporter's hotspot now; the coordinators when there are none."""
    if report.reporter_id is None:
        return User.objects.none()
    hotspot = Person.objects.filter(pk__in=[report.reporter_id]).values("hotspot")
    workers = Assignment.objects.current().filter(hotspot__in=hotspot).values("worker")
    found = User.objects.filter(pk__in=workers, is_active=True)
    if not found.exists():
        found = User.objects.filter(is_active=True, is_coordinator=True)
    return found.exclude(pk__in=[report.entered_by_id]).order_by("pk")


def alert_is_live(pk: int) -> bool:
    return live_alerts().filter(pk=pk).exists()


# --- Pages ----------------------------------------------------------------------------------------


def home_lists(user: User) -> dict[str, Any]:
    """The alerts of this person's area, newest first, and their own reports."""
    alerts = alerts_visible_to(user).select_related("hotspot").order_by("-circulated_at")
    return {
        "alerts": alerts[:50],
        "reports": own_reports(user).order_by("-created_at")[:20],
    }


def moderation_lists(user: User) -> dict[str, Any]:
    """What waits for the moderators, with this moderator's own verdict on each; what
    circulates; the requests to remove an alert still open."""
    reports = reports_for_moderators(user).select_related("hotspot")
    waiting = list(reports.filter(status=Report.Status.WAITING).order_by("created_at"))
    mine = dict(
        Decision.objects.filter(moderator=user, report__in=[r.pk for r in waiting]).values_list(
            "report_id", "verdict"
        )
    )
    for report in waiting:
        report.my_verdict = mine.get(report.pk, "")  # type: ignore[attr-defined]
    return {
        "waiting": waiting,
        "circulating": alerts_visible_to(user).select_related("hotspot").order_by("-circulated_at"),
        "removals": RemovalRequest.objects.filter(resolved_at__isnull=True).select_related(
            "report"
        ),
    }


def verdicts(report: Report) -> list[str]:
    return list(report.decisions.values_list("verdict", flat=True))


# --- Shared with partners or the police ----------------------------------------------------------

# Who a report may be shared with, and the consent that must be given for it.
SHARED_WITH = {"partners": "consent_partners", "police": "consent_police"}


def shared_report_lines(audience: str) -> list[list[Any]]:
    """The reports their people agreed to share with `audience`, withdrawn ones left out: when,
    where, what happened, the words, looks and car, and the last characters of a number or
    plate. Never who reported, never a hash."""
    reports = (
        Report.objects.filter(**{SHARED_WITH[audience]: True})
        .exclude(status=Report.Status.WITHDRAWN)
        .select_related("hotspot")
        .order_by("happened_on", "pk")
    )
    heading = [
        _("Reference"),
        _("When it happened"),
        _("Hotspot"),
        _("Area"),
        _("What happened"),
        _("In words"),
        _("What he looked like"),
        _("Car"),
        _("Plate ends in"),
        _("Phone number ends in"),
    ]
    return [heading] + [
        [
            r.reference,
            r.happened_on.isoformat(),
            r.hotspot.name,
            r.area or "",
            ", ".join(label for label, _pictogram in r.pictograms),
            r.what_happened or "",
            r.description or "",
            r.vehicle or "",
            r.plate_end,
            r.phone_end,
        ]
        for r in reports
    ]
