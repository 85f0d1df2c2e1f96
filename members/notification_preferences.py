"""A login's notification preferences: the read for their page and the save. The reminders read
the same row (reminders.outbox) and assume the same defaults while there is none."""

from __future__ import annotations

from django.db import transaction

from members import services
from members.models import Consent, NotificationPreference, Person, User


def notification_preference_of(user: User) -> NotificationPreference:
    """The saved preferences or, until the first save, the defaults in an unsaved row: a page
    read writes nothing. One query."""
    saved = NotificationPreference.objects.filter(user=user).first()
    return saved or NotificationPreference(user=user)


def notification_preference_save(
    *, preference: NotificationPreference, person: Person | None, email_address: str
) -> None:
    """Save the preferences as the form changed them. The reminder address and the consent to
    use it change together: kept and given while e-mail is chosen, deleted and withdrawn when it
    is not (data minimisation). A login without a record has nowhere to keep an address, so its
    reminders stay in the inbox. A person's own change is not written to the access log, which
    records staff (as on the own data page)."""
    if person is None:
        preference.by_email = False
    with transaction.atomic():
        preference.save()
        if person is None:
            return
        if preference.by_email:
            person.email = email_address
            person.save(update_fields=["email"])
        # Withdrawing also deletes the address (members.services.consent_set).
        services.consent_set(
            person=person, purpose=Consent.Purpose.EMAIL_REMINDERS, given=preference.by_email
        )
