from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from members.roles import Role, has_role


def site(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page: the neutral site name, the demo banner and
    which navigation entries this person's roles open."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "nav": {role.value: user is not None and has_role(user, role) for role in Role},
    }
