from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.periods import last_full_month, months_later
from demo.management.commands.seed_demo import DEMO_PASSWORD
from members.models import Person, PossibleDuplicate, User
from members.uic import uic_hash
from monitoring import indicators_trends
from monitoring.indicators import Filters
from monitoring.snapshots import latest
from outreach.models import Contact, Referral
from programmes import ballot_crypto, services
from programmes.models import (
    CountedBallot,
    EncryptedBallot,
    Result,
    RollEntry,
    Round,
    ShareGiven,
    Teller,
    Tracker,
)
from programmes.selectors import trackers

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings: Any) -> None:
    settings.DEMO_MODE = True
    call_command("seed_demo")


def test_the_demo_data_loads_twice_without_duplicates(settings: Any) -> None:
    settings.DEMO_MODE = True
    call_command("seed_demo")

    def counts() -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (User, Person, PossibleDuplicate, Round, Teller, RollEntry, Tracker)
        )

    before = counts()
    call_command("seed_demo")
    assert counts() == before
    assert Person.objects.get(uic_hash=uic_hash("SUNO0199")).user.username == "member.sun"
    assert PossibleDuplicate.objects.filter(reason="similar").exists()


def test_the_demo_data_refuses_to_load_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_past_round_was_voted_and_counted_for_real(seeded: None) -> None:
    """Cast encrypted, closed, and counted with two tellers' words: one tracker per voter,
    one counted ballot per tracker, no ciphertext and no share left, approvals from the count."""
    past = Round.objects.get(title="Last year's priorities")
    result = Result.objects.get(round=past)
    codes = trackers(past)
    assert past.status == Round.Status.COUNTED
    assert len(codes) == len(set(codes)) == result.voters == result.ballots_counted == 7
    assert CountedBallot.objects.filter(round=past).count() == 7
    assert RollEntry.objects.filter(round=past, has_voted=True).count() == 7
    assert not EncryptedBallot.objects.filter(round=past).exists()
    assert not ShareGiven.objects.filter(round=past).exists()
    assert sorted(result.approvals.values()) == [2, 5, 6]
    tellers = list(Teller.objects.filter(round=past))
    assert len(tellers) == 3 and past.tellers_needed == 2
    assert all(t.accepted_at and t.share_shown_at and t.share_box is None for t in tellers)
    assert all(t.accepted_at < past.opens_at for t in tellers)  # agreed before it opened

    client = Client()
    client.force_login(User.objects.get(username="member.star"))
    page = client.get(reverse("programmes:round_trackers", args=[past.pk])).content.decode()
    assert all(f"<li>{code}</li>" in page for code in codes)
    found = client.get(
        reverse("programmes:round_trackers", args=[past.pk]), {"tracker": codes[3]}
    ).content.decode()
    assert "is on the list: your vote was counted." in found


def test_the_demo_open_round_has_tellers_who_agreed_and_a_roll_of_seven(seeded: None) -> None:
    """Enough voters for results (at least 5), a key, and tellers who are demo logins: the
    coordinator and member.sun still have to see their words, worker.river has seen them."""
    open_round = Round.objects.get(title="Our priorities this season")
    assert open_round.status == Round.Status.OPEN and open_round.public_key
    roll = RollEntry.objects.filter(round=open_round)
    assert roll.count() == 7 >= open_round.min_turnout
    assert not roll.filter(has_voted=True).exists()
    assert not EncryptedBallot.objects.filter(round=open_round).exists()
    tellers = {t.user.username: t for t in Teller.objects.filter(round=open_round)}
    assert set(tellers) == {"coordinator", "worker.river", "member.sun"}
    assert all(t.accepted_at and t.public_key for t in tellers.values())
    assert tellers["worker.river"].share_shown_at and tellers["worker.river"].share_box is None
    assert all(
        tellers[name].share_shown_at is None and tellers[name].share_box
        for name in ("coordinator", "member.sun")
    )


def test_a_demo_teller_sees_their_words_with_the_demo_password(seeded: None) -> None:
    open_round = Round.objects.get(title="Our priorities this season")
    sun = User.objects.get(username="member.sun")
    client = Client()
    client.force_login(sun)
    votes = client.get(reverse("programmes:round_list")).content.decode()
    assert "See your words" in votes

    teller_page = reverse("programmes:round_teller", args=[open_round.pk])
    shown = client.post(teller_page, {"password": DEMO_PASSWORD}).content.decode()
    assert "Your words" in shown
    teller = Teller.objects.get(round=open_round, user=sun)
    assert teller.share_shown_at is not None and teller.share_box is None

    # And the coordinator's words, through the service, are a share of this very round.
    coordinator = Teller.objects.select_related("user", "round").get(
        round=open_round, user__username="coordinator"
    )
    words = services.teller_share_reveal(teller=coordinator, password=DEMO_PASSWORD)
    share = ballot_crypto.share_from_words(words, bytes(open_round.public_key).hex())
    assert share.index == coordinator.index


def test_the_demo_round_being_prepared_waits_for_two_tellers_to_agree(seeded: None) -> None:
    draft = Round.objects.get(title="Next season's budget")
    assert draft.status == Round.Status.DRAFT and draft.public_key is None
    agreed = dict(Teller.objects.filter(round=draft).values_list("user__username", "accepted_at"))
    assert set(agreed) == {"coordinator", "worker.hill", "member.moon"}
    assert agreed["coordinator"] is not None
    assert agreed["worker.hill"] is None and agreed["member.moon"] is None


def test_the_demo_has_a_year_worth_reading_on_the_dashboard(seeded: None) -> None:
    """Issue 17: coverage of the last full month between about 40 and 90 % at every hotspot,
    and a coverage trend with a figure for each of the last 12 months."""

    month = last_full_month(timezone.localdate())
    snapshot = latest(month, Filters())
    assert snapshot is not None  # seed_demo computes the default view
    coverage = snapshot.figures["coverage"]
    shares = {g.label: g.numerator / g.denominator for g in coverage.groups}
    assert len(shares) == 4, shares
    assert all(0.4 <= share <= 0.9 for share in shares.values()), shares
    months = [months_later(month.first, -n) for n in range(11, -1, -1)]
    trend = indicators_trends.coverage_trend(months, Filters())
    assert all(point.value and point.value > 0.3 for point in trend), trend


def test_a_second_load_adds_nothing_to_the_year(seeded: None) -> None:
    before = (Person.objects.count(), Contact.objects.count(), Referral.objects.count())
    call_command("seed_demo")
    assert (Person.objects.count(), Contact.objects.count(), Referral.objects.count()) == before
