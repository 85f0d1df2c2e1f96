"""Reminder addresses move from the plain-text login e-mail to the person's encrypted record.

An address typed on allauth's e-mail page sat in members_user.email and account_emailaddress in
plain text. Where the login chose e-mail reminders (that choice was their consent) and their
record has no address yet, it is copied, encrypted by the field, with the consent recorded.
Then every plain-text copy is blanked: the login e-mail and every allauth address row.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

EMAIL_REMINDERS = "email_reminders"


def move_reminder_addresses(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("members", "User")
    Person = apps.get_model("members", "Person")
    Consent = apps.get_model("members", "Consent")
    NotificationPreference = apps.get_model("members", "NotificationPreference")
    EmailAddress = apps.get_model("account", "EmailAddress")

    chose_email = NotificationPreference.objects.filter(by_email=True).values("user_id")
    for user in User.objects.exclude(email="").filter(pk__in=chose_email).order_by("pk"):
        person = Person.objects.filter(
            user=user, merged_into__isnull=True, erased_at__isnull=True
        ).first()
        # The encrypted column cannot be filtered on: read it back to see if it is empty.
        if person is None or person.email:
            continue
        person.email = user.email
        person.save(update_fields=["email"])
        if not Consent.objects.filter(
            person=person, purpose=EMAIL_REMINDERS, withdrawn_at__isnull=True
        ).exists():
            Consent.objects.create(person=person, purpose=EMAIL_REMINDERS, given_at=timezone.now())
    User.objects.exclude(email="").update(email="")
    EmailAddress.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_reminders"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(move_reminder_addresses, migrations.RunPython.noop),
    ]
