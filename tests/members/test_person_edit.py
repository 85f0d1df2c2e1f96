"""Changing a person's details never changes what nobody touched: a worker cannot move a person to
another hotspot (not even by saving a form whose select could not show the current one), and a
coordinator's move is written to the access log naming both hotspots."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import AccessLog, Hotspot, OutsideAccess, Person, User
from outreach.models import Referral
from tests.page_form import untouched

pytestmark = pytest.mark.django_db


def edit_url(person: Person) -> str:
    return reverse("members:person_edit", args=[person.pk])


def save_with(client: Any, person: Person, **changes: Any) -> Any:
    """Open the edit page, change only `changes`, and save, as a browser would."""
    page = client.get(edit_url(person))
    data = {**untouched(page.content.decode(), having="nickname"), **changes}
    return client.post(edit_url(person), data)


def test_a_worker_with_an_opening_changes_languages_and_the_person_stays_at_their_hotspot(
    client_for: Any,
    outreach_worker: User,
    other_worker: User,
    person: Person,
    hotspot: Hotspot,
    partner: Any,
) -> None:
    Referral.objects.create(
        person=person,
        partner=partner,
        made_by=outreach_worker,
        made_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=7),
        service="hiv_test",
    )
    services.outside_access_grant(worker=other_worker, person=person, reason="Met at the clinic")
    client = client_for(other_worker)

    assert save_with(client, person, languages="Spanish, Portuguese").status_code == 302

    person.refresh_from_db()
    assert person.languages == "Spanish, Portuguese"
    assert person.hotspot == hotspot
    assert AccessLog.objects.get(person=person, action="change").detail == "languages"
    assert not AccessLog.objects.filter(action="move").exists()

    OutsideAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("outreach:person_detail", args=[person.pk])).status_code == 404
    own = client_for(outreach_worker).get(reverse("outreach:person_detail", args=[person.pk]))
    assert own.status_code == 200
    assert list(own.context["referrals"])  # their worker still follows the referral up


def test_a_worker_sees_the_hotspot_and_is_not_offered_a_move(
    client_for: Any, outreach_worker: User, person: Person, other_hotspot: Hotspot
) -> None:
    client = client_for(outreach_worker)
    page = client.get(edit_url(person))
    assert "hotspot" not in page.context["form"].fields
    body = page.content.decode()
    assert "Test market" in body
    assert "Only a coordinator can move someone to another hotspot." in body

    # A hand-made request naming another hotspot changes nothing either.
    data = {**untouched(body, having="nickname"), "hotspot": other_hotspot.pk}
    assert client.post(edit_url(person), data).status_code == 302
    person.refresh_from_db()
    assert person.hotspot.name == "Test market"


def test_moving_is_refused_to_a_worker_by_the_service_itself(
    outreach_worker: User, person: Person, other_hotspot: Hotspot
) -> None:
    person.hotspot = other_hotspot
    with pytest.raises(PermissionDenied):
        services.person_update(actor=outreach_worker, person=person, changed=["hotspot"])
    person.refresh_from_db()
    assert person.hotspot.name == "Test market"
    assert not AccessLog.objects.exists()


def test_a_coordinator_moves_a_person_and_the_log_names_both_hotspots(
    client_for: Any, coordinator: User, person: Person, hotspot: Hotspot, other_hotspot: Hotspot
) -> None:
    client = client_for(coordinator)
    assert save_with(client, person, hotspot=other_hotspot.pk).status_code == 302

    person.refresh_from_db()
    assert person.hotspot == other_hotspot
    move = AccessLog.objects.get(person=person, action=AccessLog.Action.MOVE)
    assert move.actor == coordinator
    assert move.detail == f"from Test market (#{hotspot.pk}) to Test lounge (#{other_hotspot.pk})"
    assert "Sunny" not in move.detail
    # Nothing else changed: no second line about other fields.
    assert not AccessLog.objects.filter(person=person, action="change").exists()


def test_a_coordinator_saving_other_fields_keeps_the_hotspot(
    client_for: Any, coordinator: User, person: Person, hotspot: Hotspot
) -> None:
    assert save_with(client_for(coordinator), person, status="inactive").status_code == 302
    person.refresh_from_db()
    assert (person.status, person.hotspot) == ("inactive", hotspot)
    assert AccessLog.objects.get(person=person, action="change").detail == "status"
    assert not AccessLog.objects.filter(action="move").exists()


def test_registering_still_offers_only_the_workers_own_hotspots(
    client_for: Any, outreach_worker: User, hotspot: Hotspot, other_hotspot: Hotspot
) -> None:
    form = client_for(outreach_worker).get(reverse("members:person_register"))
    choices = list(form.context["details_form"].fields["hotspot"].queryset)
    assert choices == [hotspot]
