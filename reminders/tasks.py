"""Thin Celery tasks: the work lives in reminders.outbox and reminders.planning."""

from __future__ import annotations

from celery import shared_task

from reminders.outbox import dispatch_due, reminders_sweep
from reminders.planning import plan_all


@shared_task
def dispatch_reminders() -> int:
    """Every minute (config/celery.py): return stuck rows, then send what is due. Safe to run
    twice at once (a second beat by mistake): claims skip each other's rows."""
    reminders_sweep()
    return dispatch_due()


@shared_task
def plan_reminders() -> dict[str, int]:
    """Daily (config/celery.py): plan today's reminders; safe to run twice (each reminder is
    made once)."""
    return plan_all()
