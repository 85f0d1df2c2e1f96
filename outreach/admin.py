from __future__ import annotations

from django.contrib import admin

from outreach.models import Hotspot


@admin.register(Hotspot)
class HotspotAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "typology"]
    list_filter = ["typology"]
    search_fields = ["name", "area"]
