"""The one way to fetch monitoring records for a request. Complaints may name the person who
raised them: only coordinators follow them up, and for anyone else a complaint does not exist
(404, the same as a missing number)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from members.roles import Role, has_role
from monitoring.models import Complaint


def get_complaint_for_user(request: HttpRequest, pk: int) -> Complaint:
    """The complaint `pk` with its partner and person, for a coordinator."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    complaint = Complaint.objects.select_related("partner", "person").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint
