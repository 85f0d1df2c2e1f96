"""The daily planning job: a thin task around members.reminder_planning.plan_all."""

from __future__ import annotations

from celery import shared_task

from members.reminder_planning import plan_all


@shared_task(name="members.tasks_planning.plan_reminders")
def plan_reminders() -> dict[str, int]:
    """Plan today's reminders; safe to run twice (each reminder is made once)."""
    return plan_all()
