"""Thin Celery tasks: the work lives in reminders.outbox, reminders.sms_outbox and
reminders.planning."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reminders.outbox import dispatch_due, reminders_sweep
from reminders.planning import plan_all, plan_safety
from reminders.sms_outbox import sms_send_due


@shared_task
def dispatch_reminders() -> int:
    """Every minute (config/celery.py): return stuck rows, plan the safety alerts just approved
    (an alert must not wait for the daily plan), then send what is due. Safe to run twice at
    once (a second beat by mistake): claims skip each other's rows, reminders are unique."""
    reminders_sweep()
    plan_safety(timezone.localdate())
    return dispatch_due()


@shared_task
def plan_reminders() -> dict[str, int]:
    """Daily (config/celery.py): plan today's reminders; safe to run twice (each reminder is
    made once)."""
    return plan_all()


@shared_task
def send_text_messages() -> int:
    """Every minute (config/celery.py): send the text messages due. A task of its own rather
    than a step of dispatch_reminders, so a slow or failing gateway never holds up the inbox and
    e-mail. Safe to run twice at once: each text is held by one sender (SKIP LOCKED)."""
    return sms_send_due()
