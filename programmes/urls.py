from __future__ import annotations

from django.urls import path  # noqa: F401 (the sections below add their routes)

app_name = "programmes"
urlpatterns = [
    # Needs
    # Priority rounds, ballots and results
    # Programmes and "you asked, we did"
]
