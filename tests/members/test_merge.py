"""Merging two records of one person: everything moves to the kept record in one transaction, the
access log stays where it was written, and the removed record only points at the kept one."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from members import services
from members.models import (
    AccessLog,
    Consent,
    Hotspot,
    Invitation,
    OutsideAccess,
    Person,
    PossibleDuplicate,
    User,
)
from tests.conftest import make_person


@pytest.fixture
def keep(hotspot: Hotspot) -> Person:
    return make_person(hotspot, "KEKE0190", nickname="Kept")


@pytest.fixture
def remove(hotspot: Hotspot, keep: Person, outreach_worker: User, coordinator: User) -> Person:
    """A second record of the same person, with something of every kind pointing at it."""
    person = make_person(hotspot, "KEKE0190", nickname="Duplicate")
    now = timezone.now()
    Consent.objects.create(person=person, purpose=Consent.Purpose.VOTING)
    Invitation.objects.create(
        person=person,
        code_hash="f" * 64,
        created_by=outreach_worker,
        expires_at=now + timedelta(days=7),
    )
    OutsideAccess.objects.create(
        worker=outreach_worker, person=person, reason="met at the clinic", expires_at=now
    )
    services.access_log_write(actor=outreach_worker, person=person, action=AccessLog.Action.VIEW)
    PossibleDuplicate.objects.create(person=person, other=keep, reason="same_code")
    return person


def owners(remove: Person) -> dict[str, list[int]]:
    """Which record each row points at, read fresh from the database."""
    return {
        "consent": list(Consent.objects.values_list("person", flat=True)),
        "invitation": list(Invitation.objects.values_list("person", flat=True)),
        "outside_access": list(OutsideAccess.objects.values_list("person", flat=True)),
        "log": list(
            AccessLog.objects.exclude(action=AccessLog.Action.MERGE).values_list(
                "person", flat=True
            )
        ),
    }


@pytest.mark.django_db
def test_merge_moves_every_related_row_to_the_kept_record(
    keep: Person, remove: Person, coordinator: User
) -> None:
    services.person_merge(actor=coordinator, keep=keep, remove=remove)

    assert owners(remove) == {
        "consent": [keep.pk],
        "invitation": [keep.pk],
        "outside_access": [keep.pk],
        # The log is append-only: what was written about the removed record stays there.
        "log": [remove.pk],
    }
    remove.refresh_from_db()
    assert remove.merged_into == keep
    assert list(Person.objects.visible_to(coordinator)) == [keep]
    assert PossibleDuplicate.objects.get().resolution == "merged"
    merge_entries = AccessLog.objects.filter(action=AccessLog.Action.MERGE)
    assert sorted(merge_entries.values_list("person", flat=True)) == sorted([keep.pk, remove.pk])


@pytest.mark.django_db
def test_the_kept_records_own_consent_wins(keep: Person, remove: Person, coordinator: User) -> None:
    Consent.objects.create(person=keep, purpose=Consent.Purpose.VOTING)
    services.person_merge(actor=coordinator, keep=keep, remove=remove)
    assert keep.consents.filter(withdrawn_at__isnull=True).count() == 1
    assert keep.consents.filter(withdrawn_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_login_moves_to_the_kept_record_when_it_has_none(
    keep: Person, remove: Person, coordinator: User, member: User
) -> None:
    Person.objects.filter(user=member).update(user=None)
    Person.objects.filter(pk=remove.pk).update(user=member)
    services.person_merge(actor=coordinator, keep=keep, remove=remove)
    assert Person.objects.get(user=member) == keep


@pytest.mark.django_db
@pytest.mark.parametrize("fail_at", ["access_log_write", "resolve_duplicates"])
def test_a_failure_midway_changes_nothing(
    keep: Person, remove: Person, coordinator: User, fail_at: str
) -> None:
    Consent.objects.create(person=keep, purpose=Consent.Purpose.VOTING)
    before = owners(remove)
    log_count = AccessLog.objects.count()
    if fail_at == "access_log_write":
        # The last step: every row has been moved by the time it fails.
        failing = mock.patch.object(services, "access_log_write", side_effect=RuntimeError)
    else:
        # After the rows have moved and merged_into is set, before the log is written.
        failing = mock.patch.object(
            services.PossibleDuplicate.objects, "filter", side_effect=RuntimeError
        )
    with failing, pytest.raises(RuntimeError):
        services.person_merge(actor=coordinator, keep=keep, remove=remove)

    assert owners(remove) == before
    assert before["consent"].count(remove.pk) == 1
    remove.refresh_from_db()
    assert remove.merged_into is None
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert PossibleDuplicate.objects.get().resolution == ""
    assert AccessLog.objects.count() == log_count
    assert set(Person.objects.visible_to(coordinator)) == {keep, remove}


@pytest.mark.django_db
def test_a_record_cannot_be_merged_into_itself(keep: Person, coordinator: User) -> None:
    with pytest.raises(ValueError):
        services.person_merge(actor=coordinator, keep=keep, remove=keep)
