"""Who sees what of the safety reports. An alert (a circulating report) is seen by the members
and outreach workers of its hotspot, by moderators and coordinators; the reports waiting for a
decision by moderators; a person's own reports by that person. Who reported is shown only to
the staff who support them (members.access: the workers of their hotspot and coordinators),
and each such read is in the access log. Outsiders get 404 whether or not it exists."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.access import hotspots_visible_to, is_staff, one_or_404
from members.models import Hotspot, Person, User
from members.roles import LoggedInRequest, Role, has_role
from safety.models import RemovalRequest, Report


def _own_hotspot(user: User) -> Q:
    person = Person.objects.filter(user=user, erased_at__isnull=True).values("hotspot")
    return Q(hotspot__in=person)


def alerts_visible_to(user: User) -> QuerySet[Report]:
    live = Report.objects.filter(
        status=Report.Status.CIRCULATING, expires_on__gte=timezone.localdate()
    )
    if has_role(user, Role.COORDINATOR) or has_role(user, Role.MODERATOR):
        return live
    places = Q(pk__in=[])
    if has_role(user, Role.OUTREACH_WORKER):
        places |= Q(hotspot__in=hotspots_visible_to(user).values("pk"))
    if has_role(user, Role.MEMBER) or has_role(user, Role.OUTREACH_WORKER):
        places |= _own_hotspot(user)
    return live.filter(places)


def reports_for_moderators(user: User) -> QuerySet[Report]:
    """Every report the reporter let circulate, whatever its state: moderators only."""
    if not has_role(user, Role.MODERATOR):
        return Report.objects.none()
    return Report.objects.filter(consent_alert=True)


def own_reports(user: User) -> QuerySet[Report]:
    """The reports about this person, and those a worker wrote down for someone."""
    return Report.objects.filter(Q(reporter__user=user) | Q(entered_by=user))


def supported_reports(user: User) -> QuerySet[Report]:
    """Reports whose reporter this staff member may see: the people of their hotspots."""
    if not is_staff(user):
        return Report.objects.none()
    return Report.objects.filter(reporter__in=Person.objects.visible_to(user).values("pk"))


def get_alert_for_user(request: LoggedInRequest, pk: int) -> Report:
    return one_or_404(alerts_visible_to(request.user).select_related("hotspot"), pk)


def get_report_for_moderator(request: LoggedInRequest, pk: int) -> Report:
    return one_or_404(reports_for_moderators(request.user).select_related("hotspot"), pk)


def get_own_report(request: LoggedInRequest, pk: int) -> Report:
    return one_or_404(own_reports(request.user).select_related("hotspot"), pk)


def get_supported_report(request: LoggedInRequest, pk: int) -> Report:
    return one_or_404(supported_reports(request.user).select_related("hotspot", "reporter"), pk)


def get_removal_for_moderator(request: LoggedInRequest, pk: int) -> RemovalRequest:
    if not has_role(request.user, Role.MODERATOR):
        raise Http404
    return one_or_404(RemovalRequest.objects.select_related("report"), pk)


def report_choices(user: User) -> tuple[QuerySet[Person] | None, QuerySet[Hotspot]]:
    """Whom a report may be about and where: staff write one down for someone of their hotspots;
    a member reports for themself (None), at their own hotspot only (members never see the list
    of hotspots)."""
    if is_staff(user):
        people = Person.objects.visible_to(user).filter(erased_at__isnull=True)
        return people, hotspots_visible_to(user)
    own = Person.objects.filter(user=user, erased_at__isnull=True).values("hotspot")
    return None, Hotspot.objects.filter(pk__in=own)
