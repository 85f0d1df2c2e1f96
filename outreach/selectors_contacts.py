"""Reads for logging a contact and what follows from it: the person found by their code, what
they said and were given last time, a contact that may have been sent twice, and the violence
record of a contact. People come through Person.objects.visible_to, contacts from the queryset
scoped by outreach.access."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.db.models import Q, QuerySet

from members.models import Person, User
from outreach.indicators_contacts import COMMODITIES
from outreach.models import Contact, ViolenceIncident

# Fields that make two contacts of the same worker and person look like one sent twice.
TWIN_FIELDS = ("contacted_on", "kind", *COMMODITIES, "topics", "needs_raised")
# Recent contacts of the same worker, person, day and kind compared field by field.
TWINS_COMPARED = 5


class StatedNeed(TypedDict):
    """What the person said of their need at a contact: the form's fields of the same names."""

    stated_monthly_need: int | None
    weekly_acts: int | None


def last_stated_need(contacts: QuerySet[Contact], person: Person) -> StatedNeed | None:
    """What the person said of their need at their latest contact among `contacts` that has it,
    or None (one query)."""
    return (
        contacts.filter(person=person)
        .exclude(stated_monthly_need__isnull=True, weekly_acts__isnull=True)
        .order_by("-contacted_on", "-pk")
        .values("stated_monthly_need", "weekly_acts")
        .first()
    )


def last_goods(contacts: QuerySet[Contact], person: Person) -> dict[str, int] | None:
    """What the person was given at their latest contact among `contacts` that gave anything,
    by commodity, or None (one query)."""
    gave = Q()
    for name in COMMODITIES:
        gave |= Q(**{f"{name}__gt": 0})
    return (
        contacts.filter(gave, person=person)
        .order_by("-contacted_on", "-pk")
        .values(*COMMODITIES)
        .first()
    )


def contact_twin(contact: Contact, *, since: datetime) -> Contact | None:
    """A contact with the same answers that this worker saved for this person since `since`,
    other than `contact`: maybe the same contact logged twice (one query)."""
    candidates = Contact.objects.filter(
        worker_id=contact.worker_id,
        person_id=contact.person_id,
        contacted_on=contact.contacted_on,
        kind=contact.kind,
        created_at__gte=since,
    ).exclude(pk=contact.pk)
    for candidate in candidates.order_by("-created_at")[:TWINS_COMPARED]:
        if all(getattr(candidate, f) == getattr(contact, f) for f in TWIN_FIELDS):
            return candidate
    return None


def own_contact(contacts: QuerySet[Contact], worker: User, pk: int) -> Contact | None:
    """Contact `pk` among `contacts` if `worker` logged it, else None (one query)."""
    return contacts.filter(pk=pk, worker=worker).first()


def incident_of(contact: Contact) -> ViolenceIncident | None:
    """The violence record opened from this contact, only its id loaded (one query)."""
    return ViolenceIncident.objects.filter(contact=contact).only("pk").first()
