"""The one way to fetch people's data, logins and staff posts for a request. Default deny: 404
for anyone who may not know the record exists (identical for existing and missing records), 403
for those who may see but not change it. Every staff read or change of a person's record is
written to the access log here."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from members.ids import parse_id
from members.models import AccessLog, Assignment, Employment, Hotspot, Person, User
from members.roles import STAFF, LoggedInRequest, Role, has_role, held_roles
from members.services import access_log_write

M = TypeVar("M", bound=Model)


def is_staff(user: User) -> bool:
    return any(has_role(user, role) for role in STAFF)


def one_or_404(queryset: QuerySet[M], pk: int) -> M:
    """The object `pk` of a queryset already scoped to the user, or 404 (the same answer for a
    record out of reach and a missing one). `first()`, not `get()`: a scoped queryset may join
    rows more than once."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def hotspots_visible_to(user: User) -> QuerySet[Hotspot]:
    """Coordinators: every hotspot. Outreach workers: those assigned to them now."""
    if has_role(user, Role.COORDINATOR):
        return Hotspot.objects.all()
    if has_role(user, Role.OUTREACH_WORKER):
        assigned = Assignment.objects.current().filter(worker=user).values("hotspot")
        return Hotspot.objects.filter(pk__in=assigned)
    return Hotspot.objects.none()


def get_hotspot_for_user(request: LoggedInRequest, pk: int) -> Hotspot:
    return one_or_404(hotspots_visible_to(request.user), pk)


def get_person_for_user(
    request: LoggedInRequest,
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


def find_own_person(request: LoggedInRequest) -> Person | None:
    """The record linked to this login, if it has one (staff often have none), wherever its
    hotspot is."""
    return Person.objects.filter(user=request.user, merged_into__isnull=True).first()


def get_own_person(request: LoggedInRequest) -> Person:
    """The record linked to this login, for what only a person with a record may do (consent,
    erasure); 404 for a login without one."""
    person = find_own_person(request)
    if person is None:
        raise Http404
    return person


def get_user_for_user(request: LoggedInRequest, pk: int) -> User:
    """Only coordinators manage other people's logins; for anyone else the login does not exist."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    try:
        return User.objects.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def outreach_workers() -> QuerySet[User]:
    """The logins whose week a coordinator may open: every active outreach worker."""
    return User.objects.filter(is_outreach_worker=True, is_active=True).order_by("username")


def get_worker_for_user(request: LoggedInRequest) -> User | None:
    """Whose week to show: a coordinator's ?worker=<id> (any outreach worker), otherwise the
    worker themself. None for a coordinator who is no outreach worker and chose nobody yet.
    An unknown id, or a worker asking for someone else's week, is 404: nobody learns which
    logins exist."""
    wanted = request.GET.get("worker", "")
    if not wanted:
        return request.user if has_role(request.user, Role.OUTREACH_WORKER) else None
    pk = parse_id(wanted)
    if pk is None:
        raise Http404
    if not has_role(request.user, Role.COORDINATOR):
        if pk != request.user.pk:
            raise Http404
        return request.user
    worker = outreach_workers().filter(pk=pk).first()
    if worker is None:
        raise Http404
    return worker


def may_hand_reset_code(actor: User, login: User) -> bool:
    """Whether `actor` may hand the owner of `login` (a login they may know of) a password reset
    code. A coordinator: any login but their own and an administrator's; other coordinators'
    too, as their second factor still guards their login. An outreach worker: only a member's
    login, never a staff one, or a worker could take over a colleague's account."""
    if login == actor or login.is_superuser or login.is_staff:
        return False
    if has_role(actor, Role.COORDINATOR):
        return True
    return has_role(actor, Role.OUTREACH_WORKER) and not set(held_roles(login)) - {Role.MEMBER}


def get_login_for_reset_code(request: LoggedInRequest, pk: int) -> User:
    """The login `pk` if this user may hand its owner a reset code (may_hand_reset_code): 404
    for a login they may not know of (an outreach worker knows only the logins of people they
    may see), 403 for one they know but may not reset."""
    user = request.user
    login: User | None = None
    if has_role(user, Role.COORDINATOR):
        login = User.objects.filter(pk=pk).first()
    elif has_role(user, Role.OUTREACH_WORKER):
        person = Person.objects.visible_to(user).filter(user_id=pk).select_related("user").first()
        login = person.user if person is not None else None
    if login is None:
        raise Http404
    if not may_hand_reset_code(user, login):
        raise PermissionDenied
    return login


def get_employment_for_user(request: LoggedInRequest, pk: int) -> Employment:
    """Only coordinators see posts (pay is confidential); for anyone else a post does not
    exist."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    employment = Employment.objects.select_related("user").filter(pk=pk).first()
    if employment is None:
        raise Http404
    return employment
