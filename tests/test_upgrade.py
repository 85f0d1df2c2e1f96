"""An upgrade from an earlier main keeps the data: the database is taken back to the schema of
c5c6e19 (before hotspots and assignments moved from outreach to members, and everything since),
filled through that schema's own models, then migrated forward; the rows are all there and read
through today's models, with their links and protections intact."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.utils import timezone

from members.models import Assignment, Hotspot, Person, User
from monitoring.models import Feedback
from outreach.models import Contact, SizeEstimate

# The newest migration of each app on main at c5c6e19.
C5C6E19 = [
    ("members", "0008_coarse_session_addresses"),
    ("outreach", "0006_contact_person_kind_index"),
    ("programmes", "0002_ballots_immutable"),
    ("monitoring", "0004_dashboard_snapshot"),
]


def _fill_old_schema(executor: MigrationExecutor) -> dict[str, int]:
    old = executor.loader.project_state(C5C6E19).apps
    today = timezone.localdate()
    worker = old.get_model("members", "User").objects.create(
        username="upgrade-worker", is_outreach_worker=True
    )
    hotspot = old.get_model("outreach", "Hotspot").objects.create(
        name="Old Harbour Lane", area="Old Harbour", typology="street", safety_notes="Back door."
    )
    old.get_model("outreach", "Assignment").objects.create(
        worker=worker, hotspot=hotspot, starts_on=today - timedelta(days=30)
    )
    person = old.get_model("members", "Person").objects.create(
        uic_hash="u" * 64, nickname="Upgrade Fern", hotspot=hotspot
    )
    old.get_model("outreach", "Contact").objects.create(
        person=person,
        worker=worker,
        hotspot=hotspot,
        contacted_on=today,
        male_condoms=5,
        idempotency_key=uuid.uuid4(),
    )
    old.get_model("outreach", "SizeEstimate").objects.create(
        hotspot=hotspot, estimated_on=today, number=20
    )
    old.get_model("monitoring", "Feedback").objects.create(
        place="hotspot", hotspot=hotspot, respect=3, given_on=today
    )
    # A database of that time had the content type under outreach only.
    ContentType.objects.filter(app_label="members", model__in=["hotspot", "assignment"]).delete()
    content_type = ContentType.objects.get_or_create(app_label="outreach", model="hotspot")[0]
    return {
        "worker": worker.pk,
        "hotspot": hotspot.pk,
        "person": person.pk,
        "content_type": content_type.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_from_c5c6e19_keeps_hotspots_and_all_that_points_at_them() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(C5C6E19)
    try:
        made = _fill_old_schema(MigrationExecutor(connection))
        MigrationExecutor(connection).migrate(latest)

        hotspot = Hotspot.objects.get(pk=made["hotspot"])
        assert (hotspot.name, hotspot.safety_notes) == ("Old Harbour Lane", "Back door.")
        worker = User.objects.get(pk=made["worker"])
        assert list(Assignment.objects.current().filter(worker=worker)) == [
            Assignment.objects.get(hotspot=hotspot)
        ]
        person = Person.objects.get(pk=made["person"])
        assert person.hotspot == hotspot
        # Need to know still works on the moved rows: the worker sees the person of their hotspot.
        assert list(Person.objects.visible_to(worker)) == [person]
        assert Contact.objects.get(person=person).hotspot == hotspot
        assert SizeEstimate.objects.get(hotspot=hotspot).number == 20
        assert Feedback.objects.get().hotspot == hotspot
        # The admin's history follows the model to its new app.
        assert ContentType.objects.get(pk=made["content_type"]).app_label == "members"
        # The database's own protection came along: a hotspot with contacts cannot be deleted.
        with pytest.raises(ProtectedError):
            hotspot.delete()
    finally:
        MigrationExecutor(connection).migrate(latest)
