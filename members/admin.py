from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Django's admin expects first and last names; this user model has none by design.
    list_display = [
        "username",
        "is_member",
        "is_outreach_worker",
        "is_coordinator",
        "is_moderator",
        "is_active",
    ]
    list_filter = [
        "is_member",
        "is_outreach_worker",
        "is_coordinator",
        "is_moderator",
        "is_superuser",
        "is_active",
    ]
    search_fields = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password", "email")}),
        (
            _("Roles"),
            {"fields": ("is_member", "is_outreach_worker", "is_coordinator", "is_moderator")},
        ),
        (_("Administration"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
