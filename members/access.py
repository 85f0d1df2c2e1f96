from __future__ import annotations

from django.http import Http404, HttpRequest

from members.models import User
from members.roles import Role, has_role


def get_user_for_user(request: HttpRequest, pk: int) -> User:
    """Only coordinators manage other people's logins; for anyone else the login does not exist."""
    if not has_role(request.user, Role.COORDINATOR):
        raise Http404
    try:
        return User.objects.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
