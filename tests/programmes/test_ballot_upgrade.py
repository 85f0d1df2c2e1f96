"""An upgrade from the plain ballots of programmes 0003 to the encrypted ones of 0004: a counted
round keeps its count, its receipts become its published trackers and its choices its counted
ballots; a round open during the upgrade is closed and then counted by the minute job without
tellers (it has no key); the old ballot table is gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from members.models import User
from programmes import services
from programmes.models import CountedBallot, Result, Round, Tracker
from tests.conftest import make_user

BEFORE = [("programmes", "0003_need_withdrawn")]


@pytest.fixture
def old_schema() -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    yield MigrationExecutor(connection)
    MigrationExecutor(connection).migrate(latest)


def _old_round(old: Any, creator: User, status: str, ballots: list[list[int]]) -> int:
    now = timezone.now()
    round_ = old.get_model("programmes", "Round").objects.create(
        title=f"Old {status}",
        question="What first?",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=1),
        status=status,
        min_turnout=5,
        created_by_id=creator.pk,
    )
    options = [
        old.get_model("programmes", "Option").objects.create(
            round=round_, title=f"Option {n}", pictogram="heart", position=n
        )
        for n in range(3)
    ]
    for n, picks in enumerate(ballots):
        voter = make_user(f"old-{status}-{n}", is_member=True)
        old.get_model("programmes", "RollEntry").objects.create(
            round=round_, member_id=voter.pk, has_voted=True
        )
        old.get_model("programmes", "Ballot").objects.create(
            round=round_, choices=[options[i].pk for i in picks], receipt=f"R{status[:2]}{n:03d}"
        )
    return round_.pk


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_keeps_counted_rounds_and_counts_open_ones_once(
    old_schema: MigrationExecutor,
) -> None:
    creator = make_user("old-coordinator", is_coordinator=True)
    old = old_schema.loader.project_state(BEFORE).apps
    counted = _old_round(old, creator, "counted", [[0], [1], [0, 2], [0], [2]])
    open_ = _old_round(old, creator, "open", [[1], [1], [0], [1, 2], [2], [1]])
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert "programmes_ballot" not in connection.introspection.table_names()
    assert sorted(Tracker.objects.filter(round_id=counted).values_list("code", flat=True)) == [
        f"Rco{n:03d}" for n in range(5)
    ]
    assert CountedBallot.objects.filter(round_id=counted).count() == 5
    assert Round.objects.get(pk=open_).status == Round.Status.CLOSED
    assert Round.objects.get(pk=open_).public_key is None

    assert services.rounds_close_due(timezone.now()) == 1
    result = Result.objects.get(round_id=open_)
    assert (result.ballots_counted, result.voters) == (6, 6)
    assert sum(result.approvals.values()) == 7
    assert Round.objects.get(pk=open_).status == Round.Status.COUNTED
    assert services.rounds_close_due(timezone.now()) == 0
