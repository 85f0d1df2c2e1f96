"""Whether the site can work: the database and broker probes /healthz answers with, and the
heartbeat the periodic job records so /healthz can tell that a worker and beat are running."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import F, Min
from django.utils import timezone
from kombu import Connection

from members.models import Reminder
from monitoring.models import Heartbeat

logger = logging.getLogger(__name__)


def heartbeat_record(*, name: str = "heartbeat") -> Heartbeat:
    now = timezone.now()
    beat, created = Heartbeat.objects.get_or_create(
        name=name, defaults={"last_run_at": now, "runs": 1}
    )
    if not created:
        # F() so two workers running the job at once both count.
        Heartbeat.objects.filter(pk=beat.pk).update(last_run_at=now, runs=F("runs") + 1)
        beat.refresh_from_db()
    logger.info("heartbeat: worker and beat are running (run %d)", beat.runs)
    return beat


def heartbeat_last_run(*, name: str = "heartbeat") -> datetime | None:
    """When the periodic job last recorded its heartbeat; None if it never did. One query."""
    beat = Heartbeat.objects.filter(name=name).first()
    return beat.last_run_at if beat else None


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means the same thing to a probe: not serving
        logger.exception("health: database check failed")
        return "error"
    return "ok"


def broker_state() -> str:
    """Connects to the broker with a short timeout; only /healthz does this, never a page."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        return "ok" if folder.is_dir() else "error"
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except Exception:
        logger.warning("health: broker check failed", exc_info=True)
        return "error"
    return "ok"


def oldest_reminder_waiting() -> datetime | None:
    """Since when the oldest reminder due to go out has waited; None when none waits. One query:
    a long wait means the dispatcher (the worker) or the mail server is stuck."""
    waiting = Reminder.objects.filter(
        status=Reminder.Status.PENDING, send_after__lte=timezone.now()
    ).aggregate(since=Min("send_after"))
    return waiting["since"]
