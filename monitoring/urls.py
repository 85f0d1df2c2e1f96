from __future__ import annotations

from django.urls import path  # noqa: F401 (the sections below add their routes)

app_name = "monitoring"
urlpatterns = [
    # Feedback and complaints
    # Dashboard and exports
    # Community results
]
