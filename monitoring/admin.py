from __future__ import annotations

from django.contrib import admin

from monitoring.models import Heartbeat, ReportMapping


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "runs"]
    readonly_fields = ["name", "last_run_at", "runs"]


@admin.register(ReportMapping)
class ReportMappingAdmin(admin.ModelAdmin):
    list_display = ["figure", "data_set", "org_unit", "data_element", "category_option_combo"]
    search_fields = ["figure", "data_element"]
