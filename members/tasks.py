"""Thin Celery tasks: the work lives in members.resend."""

from __future__ import annotations

from celery import shared_task

from members.resend import submissions_purge


@shared_task
def purge_submissions() -> int:
    """Hourly (config/celery.py): forget the keys of forms sent more than a day ago."""
    return submissions_purge()
