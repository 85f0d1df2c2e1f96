from __future__ import annotations

from django.urls import path

from monitoring.views import community_results, dashboard, feedback, reports

app_name = "monitoring"
urlpatterns = [
    # Feedback and complaints
    path("feedback/", feedback.feedback_create, name="feedback_create"),
    path("feedback/thanks/", feedback.feedback_thanks, name="feedback_thanks"),
    path("feedback/code/", feedback.feedback_with_code, name="feedback_with_code"),
    path("feedback/codes/", feedback.feedback_codes_create, name="feedback_codes_create"),
    path("complaints/new/", feedback.complaint_create, name="complaint_create"),
    path("complaints/", feedback.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", feedback.complaint_update, name="complaint_update"),
    # Dashboard and exports
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export/", dashboard.dashboard_export, name="dashboard_export"),
    path("dashboard/export/shared-reports/", dashboard.incidents_export, name="incidents_export"),
    path("dashboard/compute/", dashboard.dashboard_compute, name="dashboard_compute"),
    # Reports owed to funders and the national system
    path("reports/", reports.reports, name="reports"),
    path("reports/download/", reports.report_download, name="report_download"),
    path("reports/send/", reports.report_send, name="report_send"),
    # Community results
    path("results/", community_results.community_results, name="community_results"),
]
