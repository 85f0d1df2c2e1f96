"""The one way to fetch monitoring records for a request. Complaints may name the person who
raised them: only coordinators follow them up, and for anyone else a complaint does not exist
(404, the same as a missing number)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from members.access import find_own_person, get_person_for_user, is_staff
from members.ids import parse_id
from members.models import Person
from members.roles import LoggedInRequest, Role, has_role
from monitoring.models import Complaint


def get_complaint_for_user(request: HttpRequest, pk: int) -> Complaint:
    """The complaint `pk` with its partner and person, for a coordinator."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    complaint = Complaint.objects.select_related("partner", "person").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def get_complainant_for_user(request: LoggedInRequest) -> Person | None:
    """Whom a new complaint is about. A member: themself (None without a record). Staff: the
    person of ?person=<id> (or the form's `person`) if they may change that record, or nobody
    in particular; an id that is not one is 404."""
    if not is_staff(request.user):
        return find_own_person(request)
    raw = request.GET.get("person") or request.POST.get("person")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    return get_person_for_user(request, pk, write=True)
