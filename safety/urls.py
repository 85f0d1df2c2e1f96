from __future__ import annotations

from django.urls import path

from safety import views

app_name = "safety"

urlpatterns = [
    path("", views.safety_home, name="home"),
    path("report/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/support/", views.report_support, name="report_support"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("check/", views.identifier_check, name="check"),
    path("moderation/", views.moderation_list, name="moderation_list"),
    path("moderation/<int:pk>/", views.moderation_detail, name="moderation_detail"),
    path("moderation/<int:pk>/decide/", views.report_decide, name="decide"),
    path("moderation/<int:pk>/withdraw/", views.moderator_withdraw, name="moderator_withdraw"),
    path("moderation/removals/<int:pk>/", views.removal_resolve, name="removal_resolve"),
    path("removal/", views.removal_request, name="removal"),
    path("removal/sent/", views.removal_sent, name="removal_sent"),
]
