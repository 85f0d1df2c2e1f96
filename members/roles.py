"""The roles and the checks the rest of the code uses. Roles add up: one person may hold several.
Administrators are superusers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from members.models import User

# Whoever makes a request: a login, or nobody yet.
Viewer: TypeAlias = "User | AnonymousUser"


class LoggedInRequest(HttpRequest):
    """For type checking only: the request of a view behind `role_required` (or any page but the
    few open ones, LoginRequiredMiddleware): its user is a login, never anonymous. Django builds
    ordinary requests; views annotate `request: LoggedInRequest` to say what they rely on."""

    user: User


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    OUTREACH_WORKER = "outreach_worker", _("Outreach worker")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
    MODERATOR = "moderator", _("Moderator of safety alerts")


# Who works with people's records: outreach workers and coordinators.
STAFF = (Role.OUTREACH_WORKER, Role.COORDINATOR)

_FLAG = {
    Role.MEMBER: "is_member",
    Role.OUTREACH_WORKER: "is_outreach_worker",
    Role.COORDINATOR: "is_coordinator",
    Role.ADMINISTRATOR: "is_superuser",
    Role.MODERATOR: "is_moderator",
}


def held_roles(user: Viewer) -> list[Role]:
    """The roles recorded on a login, whether or not it may use them now."""
    return [role for role in Role if getattr(user, _FLAG[role], False)]


def has_role(user: Viewer, role: Role) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, _FLAG[role]))


def requires_mfa(user: Viewer) -> bool:
    """Coordinators and administrators see everyone's data: a password alone is not enough."""
    return has_role(user, Role.COORDINATOR) or has_role(user, Role.ADMINISTRATOR)


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let a view through for a user holding any of `roles`; 403 for everyone else."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
