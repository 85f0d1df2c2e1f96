"""The one way to fetch people's data for a request. Default deny: 404 for anyone who may not know
the record exists (identical for existing and missing records), 403 for those who may see but not
change it. Every staff read or change of a person's record is written to the access log here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from members.models import AccessLog, Person, User
from members.roles import Role, has_role
from members.services import access_log_write


def is_staff(user: User) -> bool:
    return has_role(user, Role.OUTREACH_WORKER) or has_role(user, Role.COORDINATOR)


def get_person_for_user(
    request: HttpRequest,
    pk: int,
    *,
    write: bool = False,
    action: str = AccessLog.Action.VIEW,
    detail: str = "",
    log: bool = True,
) -> Person:
    """The person `pk` if this user may know them; logs the read (or `action`) for staff, unless
    the caller's service writes a more precise entry itself (`log=False`)."""
    person = Person.objects.visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if write and not is_staff(request.user):
        raise PermissionDenied
    if log and is_staff(request.user) and person.user_id != request.user.pk:
        access_log_write(actor=request.user, person=person, action=action, detail=detail)
    return person


def find_own_person(request: HttpRequest) -> Person | None:
    """The record linked to this login, if it has one (staff often have none), wherever its
    hotspot is."""
    return Person.objects.filter(user=request.user, merged_into__isnull=True).first()


def get_own_person(request: HttpRequest) -> Person:
    """The record linked to this login, for what only a person with a record may do (consent,
    erasure); 404 for a login without one."""
    person = find_own_person(request)
    if person is None:
        raise Http404
    return person


def get_user_for_user(request: HttpRequest, pk: int) -> User:
    """Only coordinators manage other people's logins; for anyone else the login does not exist."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    try:
        return User.objects.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
