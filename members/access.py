"""The one way to fetch people's data, logins and staff posts for a request. Default deny: 404
for anyone who may not know the record exists (identical for existing and missing records), 403
for those who may see but not change it. Every staff read or change of a person's record is
written to the access log here."""

from __future__ import annotations

from typing import TypeVar

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from members.ids import parse_id
from members.models import (
    AccessLog,
    Assignment,
    Employment,
    ErasureRequest,
    Hotspot,
    Person,
    PersonQuerySet,
    PossibleDuplicate,
    User,
)
from members.roles import STAFF, LoggedInRequest, Role, has_role, held_roles
from members.services import access_log_write

M = TypeVar("M", bound=Model)
# A worker who found someone by code elsewhere may open the record for this long.
OPENING_TOKEN_SECONDS = 15 * 60
OUTSIDE_OPENING_SALT = "outside-access"


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


def people_visible_to(user: User) -> PersonQuerySet:
    """The people this user may know (Person.objects.visible_to: need to know)."""
    return Person.objects.visible_to(user)


def people_with_code_visible_to(user: User, code_hash: str) -> list[Person]:
    """The records with this code that `user` may open: one query."""
    return list(people_visible_to(user).filter(uic_hash=code_hash))


def people_with_code_elsewhere(code_hash: str, *, visible: list[Person]) -> list[Person]:
    """The other records with this code, registered where the worker may not look: finding by
    code tells them such a record exists (the caller logs each one), and an opening token lets
    them open it with a reason. One query."""
    matches = Person.objects.filter(uic_hash=code_hash, merged_into__isnull=True)
    return list(matches.exclude(pk__in=[person.pk for person in visible]))


def outside_opening_token(worker: User, person: Person) -> str:
    """Proof that `worker` found `person` by their code, for get_person_for_outside_opening."""
    return signing.dumps({"person": person.pk, "worker": worker.pk}, salt=OUTSIDE_OPENING_SALT)


def get_person_for_outside_opening(request: LoggedInRequest, pk: int) -> Person:
    """The person `pk` registered outside this worker's hotspots, only with a fresh token from
    finding them by code (outside_opening_token): a worker cannot browse other hotspots by
    guessing numbers. 404 without one, or for a record merged away."""
    try:
        token = signing.loads(
            request.POST.get("token", ""), salt=OUTSIDE_OPENING_SALT, max_age=OPENING_TOKEN_SECONDS
        )
    except signing.BadSignature as exc:
        raise Http404 from exc
    if token != {"person": pk, "worker": request.user.pk}:
        raise Http404
    return one_or_404(Person.objects.filter(merged_into__isnull=True), pk)


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


def get_erasure_request_for_user(request: LoggedInRequest, pk: int) -> ErasureRequest:
    """An erasure request not yet confirmed, with its person, for a coordinator; for anyone
    else, and once confirmed, it does not exist."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    open_requests = ErasureRequest.objects.filter(confirmed_at__isnull=True)
    return one_or_404(open_requests.select_related("person"), pk)


def get_duplicate_for_user(request: LoggedInRequest, pk: int) -> PossibleDuplicate:
    """An unresolved pair of possible duplicates with both people and their hotspots, for a
    coordinator; for anyone else, and once resolved, it does not exist."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    pairs = PossibleDuplicate.objects.filter(resolution="")
    return one_or_404(pairs.select_related("person__hotspot", "other__hotspot"), pk)


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
