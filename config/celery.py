"""The Celery application and the one place where periodic schedules live."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: proves to /healthz and to the terminal that worker and beat both run.
    "heartbeat": {"task": "monitoring.tasks.heartbeat", "schedule": 60.0},
    # Every minute: priority rounds whose closing time has passed are closed, sealed and counted.
    "close-due-rounds": {"task": "programmes.tasks.close_due_rounds", "schedule": 60.0},
    # Every minute: sweep reminders stuck in sending, then claim and deliver the due ones.
    "dispatch-reminders": {"task": "reminders.tasks.dispatch_reminders", "schedule": 60.0},
    # Every minute: send the text messages due (reminders.sms_outbox), retries included.
    "send-text-messages": {"task": "reminders.tasks.send_text_messages", "schedule": 60.0},
    # Every minute: the dashboard's default view made ready, and fresh figures for what
    # coordinators asked for this week once those shown are older than DASHBOARD_MAX_AGE
    # (monitoring.snapshots; the page itself only reads).
    "refresh-dashboards": {"task": "monitoring.tasks.refresh_dashboards", "schedule": 60.0},
    # Hourly: forget the keys of forms sent more than a day ago (members.resend).
    "purge-submissions": {"task": "members.tasks.purge_submissions", "schedule": 3600.0},
    # Daily at 06:00: plan the day's reminders (reminders.planning; safe to run twice).
    "plan-reminders": {
        "task": "reminders.tasks.plan_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
}


def _make_local_folders(**_: object) -> None:
    """kombu's file transport and beat do not create their folders; without them beat dies
    silently while the worker still says "ready"."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(str(options[key])).mkdir(parents=True, exist_ok=True)
    Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)


worker_init.connect(_make_local_folders)
beat_init.connect(_make_local_folders)
