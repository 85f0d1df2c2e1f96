from __future__ import annotations

from celery import shared_task

from monitoring.services import heartbeat_record


@shared_task
def heartbeat() -> None:
    heartbeat_record()
