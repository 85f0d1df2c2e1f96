"""Default deny: without a login, every URL but a short public list leads to the login page.

Every pattern x role, anonymous visitors included, is proved by the authorization matrix
(tests/security/url_matrix.py); the walker here also serves tests/config/test_headers.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, reverse

pytestmark = pytest.mark.django_db


def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append((route, entry.name))
    return found


def concrete(route: str) -> str:
    """Turn a route into a path, filling every parameter with a plausible value."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def test_the_public_pages_answer_anonymous_visitors(client: Any) -> None:
    assert client.get(reverse("account_login")).status_code == 200
    assert client.get(reverse("account_reset_password")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
