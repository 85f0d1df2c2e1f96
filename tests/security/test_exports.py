"""AZ-4: every download (CSV, XLSX, JSON) asked for by every role. Row-level data about people
reaches coordinators only; a login's own download holds only their own login and record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from members.models import User
from tests.security.test_authorization_matrix import APP_PATTERNS, build_world, fill
from tests.security.url_matrix import MATRIX, ROLES, expected_for

pytestmark = pytest.mark.django_db

# Every download, by URL name, with the query strings that choose its formats.
EXPORTS: dict[str, list[str]] = {
    "outreach:contact_export": ["format=rows", "format=aggregate"],
    "monitoring:dashboard_export": ["format=csv", "format=xlsx"],
    "monitoring:report_download": ["format=json", "format=adx", "format=csv"],
    "monitoring:incidents_export": ["with=partners", "with=police"],
    "members:own_data_download": [""],
    "mfa_download_recovery_codes": [""],
}
# Row-level: one line per contact, naming people by number.
ROW_LEVEL = {"outreach:contact_export": "format=rows"}


def is_download(response: Any) -> bool:
    kind = response.get("Content-Type", "")
    return response.status_code == 200 and not kind.startswith("text/html")


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_every_download_is_listed_here() -> None:
    """A new export or download must be added to EXPORTS, and so to this proof."""
    found = {p.key for p in APP_PATTERNS if any(word in p.key for word in ("export", "download"))}
    assert found == set(EXPORTS)


def test_row_level_data_reaches_coordinators_only(
    hotspot: Any,
    other_hotspot: Any,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
    figure: Any,
) -> None:
    world = build_world(
        hotspot=hotspot,
        other_hotspot=other_hotspot,
        member=member,
        outreach_worker=outreach_worker,
        other_worker=other_worker,
        coordinator=coordinator,
    )
    users = {
        "anonymous": None,
        "member": member,
        "worker": outreach_worker,
        "other_worker": other_worker,
        "coordinator": coordinator,
    }
    people = [world["person"], world["other_person"]]
    leaks: list[str] = []
    asked = 0
    for name, queries in EXPORTS.items():
        route = next(p.route for p in APP_PATTERNS if p.key == name)
        for query in queries:
            for role, user in users.items():
                client = Client()
                if user is not None:
                    client.force_login(user)
                response = client.get(f"{fill(route, {})}?{query}")
                asked += 1
                if not is_download(response):
                    continue
                content = body(response)
                if role != "coordinator" and name != "members:own_data_download":
                    leaks.append(f"{role} {name}?{query}")
                if name == "members:own_data_download":
                    # Their own login and record, and nobody else's nickname.
                    data = json.loads(content)
                    others = [p.nickname for p in people]
                    if any(n in content.decode() for n in others):
                        leaks.append(f"{role} {name}: someone else's record")
                    assert [row["username"] for row in data["login"]] == [user.username]
                    if role == "member":
                        assert data["details"][0]["nickname"] == member.person.nickname
                if (name, query) in ROW_LEVEL.items():
                    assert str(world["contact"].pk).encode() in content  # the control
    figure("AZ-4", "export requests", asked)
    figure("AZ-4", "exports", sum(len(q) for q in EXPORTS.values()))
    figure("AZ-4", "endpoints returning row-level data to non-coordinators", len(leaks))
    assert not leaks, leaks


def test_the_matrix_keeps_exports_to_coordinators() -> None:
    """The coordinator-only exports are GET-only and closed to every other role in AZ-1 too."""
    for name in (
        "outreach:contact_export",
        "monitoring:dashboard_export",
        "monitoring:incidents_export",
        "monitoring:report_download",
    ):
        for role in ROLES:
            want = "ok method" if role == "coordinator" else None
            if want:
                assert expected_for(MATRIX[name], role) == want
            else:
                assert expected_for(MATRIX[name], role).split()[0] in ("login", "denied")


def test_the_aggregate_export_names_no_person(
    coordinator: User, outreach_worker: User, person: Any
) -> None:
    from tests.conftest import make_contact

    make_contact(person, outreach_worker)
    client = Client()
    client.force_login(coordinator)
    for name, query in (
        ("/outreach/contacts/export/", "format=aggregate"),
        ("/monitoring/dashboard/export/", "format=csv"),
    ):
        content = body(client.get(f"{name}?{query}")).decode("utf-8-sig")
        assert person.nickname not in content
        assert "Person number" not in content
