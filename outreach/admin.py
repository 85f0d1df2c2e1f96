from __future__ import annotations

from django.contrib import admin

from members.models import Assignment, Hotspot
from outreach.models import RiskFactor


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


@admin.register(RiskFactor)
class RiskFactorAdmin(admin.ModelAdmin):
    """The organization chooses its (about eight) factors; more than PRIORITY_FACTORS of them
    makes a person a priority. Untick "active" instead of deleting one already used."""

    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


# People's records are not in the admin on purpose: every read of them must go through the
# access log, which the admin would bypass.
