"""The one way to fetch outreach records for a request. Need to know follows the people: a worker
sees the contacts, referrals and incidents of the people they may see (members.access rules), and
the safety notes of the hotspots assigned to them. Outsiders get 404 whether or not it exists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import hotspots_visible_to, is_staff, one_or_404
from members.models import Person, User
from members.roles import LoggedInRequest, Role, has_role
from outreach.models import Contact, GroupActivity, Partner, Referral, ViolenceIncident


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    if not is_staff(user):
        return Contact.objects.none()
    return Contact.objects.filter(person__in=Person.objects.visible_to(user).values("pk"))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    if not is_staff(user):
        return Referral.objects.none()
    return Referral.objects.filter(person__in=Person.objects.visible_to(user).values("pk"))


def get_contact_for_user(request: LoggedInRequest, pk: int) -> Contact:
    return one_or_404(
        contacts_visible_to(request.user).select_related("person", "hotspot", "worker"), pk
    )


def get_referral_for_user(request: LoggedInRequest, pk: int) -> Referral:
    return one_or_404(referrals_visible_to(request.user).select_related("person", "partner"), pk)


def get_incident_for_user(request: LoggedInRequest, pk: int) -> ViolenceIncident:
    if not is_staff(request.user):
        raise Http404
    incidents = ViolenceIncident.objects.filter(
        person__in=Person.objects.visible_to(request.user).values("pk")
    )
    return one_or_404(incidents.select_related("contact", "person"), pk)


def get_partner_for_user(request: LoggedInRequest, pk: int) -> Partner:
    """Partners hold no personal data; only coordinators change them, and role_required has
    already turned everyone else away."""
    return one_or_404(Partner.objects.all(), pk)


def activities_visible_to(user: User) -> QuerySet[GroupActivity]:
    if has_role(user, Role.COORDINATOR):
        return GroupActivity.objects.all()
    if has_role(user, Role.OUTREACH_WORKER):
        return GroupActivity.objects.filter(
            Q(hotspot__in=hotspots_visible_to(user).values("pk"))
            | Q(facilitator=user)
            | Q(hotspot__isnull=True)
        )
    return GroupActivity.objects.none()


def may_change_activity(user: User, activity: GroupActivity) -> bool:
    """Runs a query for a worker who does not facilitate the activity."""
    if has_role(user, Role.COORDINATOR) or activity.facilitator_id == user.pk:
        return True
    return (
        activity.hotspot_id is not None
        and hotspots_visible_to(user).filter(pk=activity.hotspot_id).exists()
    )


def get_activity_for_user(request: LoggedInRequest, pk: int, write: bool = False) -> GroupActivity:
    activity = one_or_404(
        activities_visible_to(request.user).select_related("hotspot", "facilitator"), pk
    )
    if write and not may_change_activity(request.user, activity):
        raise PermissionDenied
    return activity
