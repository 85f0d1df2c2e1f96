"""A page read never writes: every URL pattern, asked with GET by every role in the world of the
authorization matrix, leaves every table as it was, but the two writes a read must make: the
access log line of a staff read of a person's record (SPEC, need to know) and the session
(logins, messages). A GET that made a row (the dashboard's snapshot, the notification
preferences) fails here, whoever it was for."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Hotspot, User
from outreach import offline
from tests.conftest import make_user
from tests.security.test_authorization_matrix import (
    APP_PATTERNS,
    MATRIX,
    ROLES,
    Pattern,
    build_world,
    client_as,
    fill,
)

pytestmark = pytest.mark.django_db

# The table each write names, whatever the database's quoting.
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
ALLOWED = {
    "members_accesslog",  # every staff read of a person's record is logged (SPEC)
    "django_session",  # logins, two-factor steps and messages live in the session
}


def writes_of_a_get(client: Any, target: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(target)
    tables = [m.group(1) for q in queries if (m := WRITE.match(q["sql"]))]
    return [table for table in tables if table not in ALLOWED]


@pytest.mark.parametrize("pattern", APP_PATTERNS, ids=[p.key for p in APP_PATTERNS])
def test_no_page_read_writes(
    settings: Any,
    pattern: Pattern,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
    administrator: User,
) -> None:
    settings.DASHBOARD_MAX_AGE = 900  # production's snapshots, not the tests' live figures
    world = build_world(
        hotspot=hotspot,
        other_hotspot=other_hotspot,
        member=member,
        outreach_worker=outreach_worker,
        other_worker=other_worker,
        coordinator=coordinator,
    )
    # The key pair offline records are sealed to is made once, on first use: a set-up.
    offline.current_key()
    users: dict[str, User | None] = {
        "anonymous": None,
        "member": member,
        "worker": outreach_worker,
        "other_worker": other_worker,
        "coordinator": coordinator,
        "administrator": administrator,
        "moderator": make_user("moderator.reads", is_member=True, is_moderator=True),
    }
    assert set(ROLES) <= users.keys()
    expected = MATRIX[pattern.key]
    values = {name: world[key].pk for name, key in expected.get("path", {}).items()}
    path = fill(pattern.route, values)
    target = f"{path}?{expected['query']}" if expected.get("query") else path
    found = {role: writes_of_a_get(client_as(user), target) for role, user in users.items()}
    wrote = {role: tables for role, tables in found.items() if tables}
    assert not wrote, f"GET {target} wrote: {wrote}"
