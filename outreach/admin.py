from __future__ import annotations

from django.contrib import admin

from outreach.models import Assignment, Hotspot


@admin.register(Hotspot)
class HotspotAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "typology"]
    list_filter = ["typology"]
    search_fields = ["name", "area"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["worker", "hotspot", "starts_on", "ends_on"]
    list_filter = ["hotspot"]
    autocomplete_fields = ["hotspot"]
    raw_id_fields = ["worker"]


# People's records are not in the admin on purpose: every read of them must go through the
# access log, which the admin would bypass.
