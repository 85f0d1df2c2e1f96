from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """What to remind whom of (planning reads every domain app), the outbox that delivers it
    once, and its channels. It sits above the domain apps; the outbox rows and the preferences
    are members' models, since a reminder is a message to a login. Its own models are the text
    messages and their stop list."""

    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # Registers this app's personal data for My data, its download and erasure.
        from reminders import personal_data  # noqa: F401
