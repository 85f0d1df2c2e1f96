"""Thin Celery tasks: the work lives in members.reminders and members.resend."""

from __future__ import annotations

from celery import shared_task

from members.reminders import dispatch_due, reminders_sweep
from members.resend import submissions_purge


@shared_task
def dispatch_reminders() -> int:
    """Every minute (config/celery.py): return stuck rows, then send what is due. Safe to run
    twice at once (a second beat by mistake): claims skip each other's rows."""
    reminders_sweep()
    return dispatch_due()


@shared_task
def purge_submissions() -> int:
    """Hourly (config/celery.py): forget the keys of forms sent more than a day ago."""
    return submissions_purge()
