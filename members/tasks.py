"""Thin Celery tasks: the work lives in members.reminders."""

from __future__ import annotations

from celery import shared_task

from members.reminders import dispatch_due, reminders_sweep


@shared_task
def dispatch_reminders() -> int:
    """Every minute (config/celery.py): return stuck rows, then send what is due. Safe to run
    twice at once (a second beat by mistake): claims skip each other's rows."""
    reminders_sweep()
    return dispatch_due()
