from __future__ import annotations

from django.contrib import admin

from monitoring.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "runs"]
    readonly_fields = ["name", "last_run_at", "runs"]
