from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.db import transaction

from members.models import User


def user_end_all_sessions(*, user: User) -> int:
    """End every session of `user` at once (a lost or seized phone). Returns how many ended."""
    with transaction.atomic():
        sessions = list(UserSession.objects.select_for_update().filter(user=user))
        for session in sessions:
            session.end()
    return len(sessions)
