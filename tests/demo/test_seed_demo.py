from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from members.models import Person, PossibleDuplicate, User
from members.uic import uic_hash

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
