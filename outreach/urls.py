from __future__ import annotations

from django.urls import path  # noqa: F401 (the sections below add their routes)

app_name = "outreach"
urlpatterns = [
    # Hotspots, size estimates, assignments and caseloads
    # Contacts, My week and violence follow-up
    # Referrals and partners
    # Group activities
    # Coordinator's contacts list and exports
]
