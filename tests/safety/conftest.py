from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from members.models import Hotspot, User
from safety import services
from safety.models import Report
from tests.conftest import make_user

PHONE = "+447700900123"  # a number set aside for drama: it rings nobody


@pytest.fixture
def moderators(db: None) -> list[User]:
    return [make_user(f"moderator.{n}", is_member=True, is_moderator=True) for n in (1, 2, 3)]


def incident(hotspot: Hotspot, **fields: Any) -> services.Incident:
    values: dict[str, Any] = {
        "happened_on": timezone.localdate(),
        "hotspot": hotspot,
        "categories": ["robbed"],
        "description": "Tall, grey beard",
        "vehicle": "Old blue van",
        "phone": PHONE,
        "plate": "ZZ123",
    }
    values.update(fields)
    return services.Incident(**values)


def submit(member: User, hotspot: Hotspot, *, alert: bool = True, **fields: Any) -> Report:
    return services.report_submit(
        entered_by=member,
        reporter=getattr(member, "person", None),
        incident=incident(hotspot, **fields),
        consents=services.Consents(alert=alert),
        wants_support=False,
    )


def circulating(member: User, hotspot: Hotspot, moderators: list[User], **fields: Any) -> Report:
    report = submit(member, hotspot, **fields)
    for moderator in moderators[:2]:
        report = services.report_decide(report=report, moderator=moderator, verdict="approve")
    assert report.status == Report.Status.CIRCULATING
    return report
