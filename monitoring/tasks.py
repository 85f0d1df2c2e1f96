from __future__ import annotations

from celery import shared_task

from monitoring.health import heartbeat_record


@shared_task
def heartbeat() -> None:
    heartbeat_record()


@shared_task
def refresh_dashboard(snapshot_id: int) -> None:
    from monitoring.snapshots import refresh

    refresh(snapshot_id)


@shared_task
def refresh_dashboards() -> int:
    from monitoring.snapshots import refresh_recent

    return refresh_recent()
