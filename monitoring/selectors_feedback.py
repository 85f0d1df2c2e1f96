"""Reads for feedback and complaints: the lists of complaints a member and a coordinator see.
Only the partner's name is joined and nothing encrypted is loaded: what happened is read on the
complaint's own page (monitoring.access)."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Person
from monitoring.models import Complaint


def _listed(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return (
        complaints.select_related("partner")
        .only("place", "status", "raised_on", "closed_on", "partner__name")
        .order_by("-raised_on", "-pk")
    )


def complaints_raised_by(person: Person | None) -> QuerySet[Complaint]:
    """The complaints about `person` (the login's own record), newest first; none without a
    record. One query when read."""
    if person is None:
        return Complaint.objects.none()
    return _listed(Complaint.objects.filter(person=person))


def complaints_listed(*, status: str = "") -> QuerySet[Complaint]:
    """Every complaint, or those of one status, newest first, for a coordinator's list. Lazy: a
    page of it is one query, its count another."""
    complaints = Complaint.objects.all()
    if status:
        complaints = complaints.filter(status=status)
    return _listed(complaints)
