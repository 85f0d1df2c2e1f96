from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Connects the receivers that end every session on logout, password change, suspension;
        # registers the record, the login and what hangs on them for My data and erasure.
        from members import personal_data_members, sessions  # noqa: F401
