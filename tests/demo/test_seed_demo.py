from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from members.models import Person, PossibleDuplicate, User
from members.uic import uic_hash
from programmes.models import Result, Round
from programmes.selectors import receipts

pytestmark = pytest.mark.django_db


def test_the_demo_data_loads_twice_without_duplicates(settings: Any) -> None:
    settings.DEMO_MODE = True
    call_command("seed_demo")
    counts = (User.objects.count(), Person.objects.count(), PossibleDuplicate.objects.count())
    call_command("seed_demo")
    assert (
        User.objects.count(),
        Person.objects.count(),
        PossibleDuplicate.objects.count(),
    ) == counts
    assert Person.objects.get(uic_hash=uic_hash("SUNO0199")).user.username == "member.sun"
    assert PossibleDuplicate.objects.filter(reason="similar").exists()


def test_the_demo_data_refuses_to_load_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_past_round_was_voted_and_counted_for_real(settings: Any) -> None:
    """Its receipt list has one code per voter, and its approvals come from the count."""
    settings.DEMO_MODE = True
    call_command("seed_demo")
    past = Round.objects.get(title="Last year's priorities")
    result = Result.objects.get(round=past)
    assert past.status == Round.Status.COUNTED
    assert len(receipts(past)) == result.voters == result.ballots_counted == 7
    assert sorted(result.approvals.values()) == [2, 5, 6]
    coordinator = User.objects.get(username="coordinator")
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("programmes:round_receipts", args=[past.pk])).content.decode()
    assert page.count("<li>") >= 7
    assert all(f"<li>{code}</li>" in page for code in receipts(past))
