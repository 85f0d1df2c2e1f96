"""Reads for a person's page and the forms opened from it: their latest risk assessment, recent
contacts and referrals, open violence follow-ups, consents and access log. Every function takes a
person the caller has already fetched through get_person_for_user; those that list contacts or
referrals take the queryset already scoped by outreach.access."""

from __future__ import annotations

from django.db.models import QuerySet

from members.access import people_visible_to
from members.models import AccessLog, Consent, Person, User
from outreach.models import Contact, Referral, RiskAssessment, ViolenceIncident


def latest_assessment(person: Person) -> RiskAssessment | None:
    """The person's latest risk assessment (one query)."""
    return RiskAssessment.objects.filter(person=person).order_by("-assessed_on", "-pk").first()


def latest_assessment_with_factors(person: Person) -> RiskAssessment | None:
    """The person's latest risk assessment and its factors (two queries, one without any)."""
    return (
        RiskAssessment.objects.filter(person=person)
        .order_by("-assessed_on", "-pk")
        .prefetch_related("factors")
        .first()
    )


def factor_ids(assessment: RiskAssessment) -> list[int]:
    """The ids of the factors that applied in an assessment (one query)."""
    return list(assessment.factors.values_list("pk", flat=True))


def contacts_of(contacts: QuerySet[Contact], person: Person) -> QuerySet[Contact]:
    """The person's contacts among `contacts` (scoped by contacts_visible_to)."""
    return contacts.filter(person=person)


def recent_contacts(contacts: QuerySet[Contact], person: Person, shown: int) -> list[Contact]:
    """The person's latest `shown` contacts among `contacts`, newest first (one query)."""
    return list(contacts_of(contacts, person).order_by("-contacted_on", "-pk")[:shown])


def recent_referrals(
    referrals: QuerySet[Referral], person: Person, shown: int
) -> QuerySet[Referral]:
    """The person's latest `shown` referrals among `referrals` (scoped by referrals_visible_to),
    with their partner: one query, run where the page reads it."""
    return (
        referrals.filter(person=person)
        .select_related("partner")
        .order_by("-made_on", "-pk")[:shown]
    )


def open_follow_ups(person: Person) -> list[ViolenceIncident]:
    """The person's violence incidents not yet followed up, soonest due first (one query)."""
    return list(
        ViolenceIncident.objects.filter(person=person, followed_up_at__isnull=True)
        .select_related("contact")
        .order_by("follow_up_on", "pk")
    )


def open_consents(person: Person) -> list[Consent]:
    """The consents the person has given and not withdrawn (one query)."""
    return list(person.consents.filter(withdrawn_at__isnull=True))


def recent_access_log(person: Person, shown: int) -> QuerySet[AccessLog]:
    """The latest `shown` lines of the person's access log with who did it: one query, run where
    the page reads it."""
    return person.access_log.select_related("actor").order_by("-at")[:shown]


def people_with_code(user: User, uic_hash: str, shown: int) -> list[Person]:
    """Up to `shown` people this user may see with the code's hash, not erased, with their
    hotspot, oldest record first: one query. The contact form and the attendance list both
    find people by code through it."""
    return list(
        people_visible_to(user)
        .filter(uic_hash=uic_hash, erased_at__isnull=True)
        .select_related("hotspot")
        .order_by("pk")[:shown]
    )
