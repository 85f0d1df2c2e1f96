from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from monitoring.health import broker_state, database_state, heartbeat_last_run


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the site can serve pages without the broker: reminders
    wait in the database), 503 when it does not."""
    database = database_state()
    body: dict[str, str | None] = {"database": database, "broker": broker_state()}
    if database == "ok":
        last_run = heartbeat_last_run()
        body["heartbeat"] = last_run.isoformat() if last_run else None
    return JsonResponse(body, status=200 if database == "ok" else 503)
