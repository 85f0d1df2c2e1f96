from __future__ import annotations

from django.urls import path

from outreach.views import (
    activities,
    contact_form,
    hotspots,
    offline,
    offline_forms,
    partners,
    person,
    referrals,
    reports,
    risk,
    violence,
    week,
)

app_name = "outreach"
urlpatterns = [
    # Hotspots, size estimates, assignments and caseloads
    path("hotspots/", hotspots.hotspot_list, name="hotspot_list"),
    path("hotspots/add/", hotspots.hotspot_create, name="hotspot_create"),
    path("hotspots/<int:pk>/", hotspots.hotspot_detail, name="hotspot_detail"),
    path("hotspots/<int:pk>/edit/", hotspots.hotspot_edit, name="hotspot_edit"),
    path(
        "hotspots/<int:pk>/estimates/add/",
        hotspots.size_estimate_create,
        name="size_estimate_create",
    ),
    path(
        "hotspots/<int:pk>/assignments/add/",
        hotspots.assignment_create,
        name="assignment_create",
    ),
    path("assignments/<int:pk>/end/", hotspots.assignment_end, name="assignment_end"),
    path("caseloads/", hotspots.caseload, name="caseload"),
    # Contacts, My week and violence follow-up
    path("contacts/new/", contact_form.contact_create, name="contact_create"),
    path("contacts/<int:pk>/undo/", contact_form.contact_undo, name="contact_undo"),
    # Neutral paths: a browser's history on a checked phone shows no "violence".
    path("contacts/<int:pk>/follow-up/", violence.incident_create, name="incident_create"),
    path("follow-ups/<int:pk>/", violence.incident_detail, name="incident_detail"),
    path("follow-ups/<int:pk>/done/", violence.incident_follow_up, name="incident_follow_up"),
    # A person's page: the record with the outreach that hangs on it
    path("people/<int:pk>/", person.person_detail, name="person_detail"),
    path("people/<int:pk>/risk/", risk.risk_assess, name="risk_assess"),
    path("week/", week.my_week, name="my_week"),
    path("week/zero-report/", week.zero_report, name="zero_report"),
    # Work without a connection: the forms a phone keeps, what waits on it, and its sending
    path("offline/", offline_forms.outbox, name="outbox"),
    path("offline/contact/", offline_forms.offline_contact, name="offline_contact"),
    path("offline/referral/", offline_forms.offline_referral, name="offline_referral"),
    path("offline/key/", offline.offline_key, name="offline_key"),
    path("offline/send/", offline.offline_send, name="offline_send"),
    path("offline/open/", offline.offline_open, name="offline_open"),
    # Referrals and partners
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/add/", partners.partner_create, name="partner_create"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("people/<int:person_pk>/refer/", referrals.referral_create, name="referral_create"),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/attended/", referrals.referral_attended, name="referral_attended"),
    path("referrals/<int:pk>/outcome/", referrals.referral_outcome, name="referral_outcome"),
    path(
        "referrals/<int:pk>/not-completed/",
        referrals.referral_not_completed,
        name="referral_not_completed",
    ),
    path("referrals/<int:pk>/tracing/", referrals.tracing_create, name="tracing_create"),
    # Group activities
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/add/", activities.activity_create, name="activity_create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path(
        "activities/<int:pk>/attendance/add/",
        activities.attendance_add,
        name="attendance_add",
    ),
    path(
        "activities/<int:pk>/attendance/remove/",
        activities.attendance_remove,
        name="attendance_remove",
    ),
    # Coordinator's contacts list and exports
    path("contacts/", reports.contact_list, name="contact_list"),
    path("contacts/export/", reports.contact_export, name="contact_export"),
]
