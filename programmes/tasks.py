from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from programmes.services import rounds_close_due


@shared_task
def close_due_rounds() -> int:
    return rounds_close_due(timezone.now())
