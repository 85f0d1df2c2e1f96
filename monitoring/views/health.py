from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from monitoring.health import (
    broker_state,
    database_state,
    heartbeat_last_run,
    oldest_reminder_waiting,
)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the site can serve pages without the broker: reminders
    wait in the database), 503 when it does not. What to alert on is in the README."""
    database = database_state()
    body: dict[str, str | int | None] = {"database": database, "broker": broker_state()}
    if database == "ok":
        last_run = heartbeat_last_run()
        body["heartbeat"] = last_run.isoformat() if last_run else None
        body["heartbeat_age_seconds"] = _age(last_run)
        body["oldest_reminder_waiting_seconds"] = _age(oldest_reminder_waiting())
    return JsonResponse(body, status=200 if database == "ok" else 503)


def _age(since: datetime | None) -> int | None:
    return None if since is None else max(int((timezone.now() - since).total_seconds()), 0)
