"""Priority rounds: preparing and opening them (the roll is frozen), voting in two steps, closing
with tellers and count, votes at meetings, results and ballot trackers. The secrecy guarantees
(voting.md T1-T13) are in test_ballot_secrecy.py."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from members.models import Hotspot, User
from members.services import consent_set, has_consent, person_erase
from programmes import ballot_crypto, services
from programmes.models import (
    CountedBallot,
    EncryptedBallot,
    Need,
    Option,
    Result,
    RollEntry,
    Round,
    Tracker,
)
from programmes.tasks import close_due_rounds
from tests.conftest import make_person, make_user
from tests.programmes.round_helpers import (
    count,
    decrypted,
    give_voting_consent,
    make_round,
    make_voter,
    make_voters,
    open_with_votes,
    option_ids,
    teller_words,
)

pytestmark = pytest.mark.django_db

TRACKER = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


@pytest.fixture
def voting_member(member: User) -> User:
    give_voting_consent(member)
    return member


@pytest.fixture
def outsider(db: None) -> User:
    """Logged in, but neither a member nor staff."""
    return make_user("someone.else")


@pytest.fixture
def open_round(coordinator: User, voting_member: User) -> Round:
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    return round_


@pytest.fixture
def draft_round(coordinator: User) -> Round:
    return make_round(coordinator)


def choose(round_: Round, *positions: int) -> dict[str, list[str]]:
    ids = option_ids(round_)
    return {"choice": [str(ids[p]) for p in positions]}


# --- Access matrix ---------------------------------------------------------------------------

MEMBER_PAGES = ["round_vote", "round_results", "round_trackers"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 200),
        ("outreach_worker", 200),
        ("coordinator", 200),
        ("administrator", 403),  # an administrator who is not a member votes like nobody else
        ("outsider", 403),
    ],
)
def test_the_round_list_is_for_members_and_staff(
    request: Any, client_for: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("programmes:round_list")).status_code == status


@pytest.mark.parametrize("page", MEMBER_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("voting_member", 200),
        ("member", 200),  # no voting consent: told why they cannot vote
        ("outreach_worker", 200),
        ("coordinator", 200),
        ("outsider", 403),
    ],
)
def test_round_pages_answer_members_and_staff(
    request: Any, client_for: Any, open_round: Round, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    url = reverse(f"programmes:{page}", args=[open_round.pk])
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize("page", [*MEMBER_PAGES, "round_confirm", "round_thanks"])
def test_a_round_being_prepared_does_not_exist_for_members(
    client_for: Any, voting_member: User, coordinator: User, draft_round: Round, page: str
) -> None:
    client = client_for(voting_member)
    existing = client.get(reverse(f"programmes:{page}", args=[draft_round.pk]))
    missing = client.get(reverse(f"programmes:{page}", args=[draft_round.pk + 100]))
    assert existing.status_code == missing.status_code == 404
    # Not even coordinators see a draft on the members' pages; theirs are the manage pages.
    assert client_for(coordinator).get(
        reverse(f"programmes:{page}", args=[draft_round.pk])
    ).status_code in (404, 405)


ALL_ROUND_PAGES = [
    ("round_list", False),
    ("round_vote", True),
    ("round_confirm", True),
    ("round_thanks", True),
    ("round_results", True),
    ("round_trackers", True),
    ("round_manage_list", False),
    ("round_create", False),
    ("round_manage_detail", True),
    ("round_edit", True),
    ("option_create", True),
    ("option_edit", True),
    ("option_delete", True),
    ("round_open", True),
    ("round_close", True),
    ("round_in_person", True),
]


@pytest.mark.parametrize(("page", "has_pk"), ALL_ROUND_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, page: str, has_pk: bool) -> None:
    response = client.get(reverse(f"programmes:{page}", args=[1] if has_pk else []))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


COORDINATOR_PAGES = [
    "round_manage_detail",
    "round_edit",
    "option_create",
    "round_in_person",
]


@pytest.mark.parametrize("page", ["round_manage_list", "round_create", *COORDINATOR_PAGES])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("voting_member", 403),
        ("outreach_worker", 403),
        ("administrator", 403),
        ("outsider", 403),
        ("coordinator", 200),
    ],
)
def test_managing_rounds_is_for_coordinators(
    request: Any, client_for: Any, open_round: Round, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    args = [] if page in ("round_manage_list", "round_create") else [open_round.pk]
    # Open rounds cannot be edited: the coordinator is sent back to the round.
    if persona == "coordinator" and page in ("round_edit", "option_create"):
        status = 302
    assert client_for(user).get(reverse(f"programmes:{page}", args=args)).status_code == status


@pytest.mark.parametrize("page", ["option_edit"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("voting_member", 403), ("outreach_worker", 403), ("outsider", 403), ("coordinator", 200)],
)
def test_options_are_edited_by_coordinators_only(
    request: Any, client_for: Any, draft_round: Round, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    option = draft_round.options.first()
    assert client_for(user).get(reverse(f"programmes:{page}", args=[option.pk])).status_code == (
        status
    )


@pytest.mark.parametrize("page", ["round_open", "round_close", "option_delete"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("voting_member", 403), ("outreach_worker", 403), ("outsider", 403)],
)
def test_round_actions_refuse_everyone_but_coordinators(
    request: Any, client_for: Any, draft_round: Round, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    pk = draft_round.options.first().pk if page == "option_delete" else draft_round.pk
    client = client_for(user)
    assert client.post(reverse(f"programmes:{page}", args=[pk])).status_code == status
    assert client.get(reverse(f"programmes:{page}", args=[pk])).status_code == 405
    draft_round.refresh_from_db()
    assert draft_round.status == Round.Status.DRAFT
    assert draft_round.options.count() == 4


def test_coordinators_get_404_for_rounds_that_do_not_exist(
    client_for: Any, coordinator: User
) -> None:
    client = client_for(coordinator)
    for page in COORDINATOR_PAGES:
        assert client.get(reverse(f"programmes:{page}", args=[999])).status_code == 404
    assert client.get(reverse("programmes:option_edit", args=[999])).status_code == 404


def test_the_menu_leads_members_to_vote_and_coordinators_to_manage(
    client_for: Any, voting_member: User, coordinator: User
) -> None:
    member_page = client_for(voting_member).get(reverse("home")).content.decode()
    assert reverse("programmes:round_list") in member_page
    assert reverse("programmes:round_manage_list") not in member_page
    coordinator_page = client_for(coordinator).get(reverse("home")).content.decode()
    assert reverse("programmes:round_manage_list") in coordinator_page


# --- Constant queries ------------------------------------------------------------------------


def test_the_round_list_costs_the_same_queries_however_many_rounds_and_voters(
    client_for: Any, coordinator: User, voting_member: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(voting_member)
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    client.get(reverse("programmes:round_list"))
    for n in range(6):
        extra = make_round(coordinator, title=f"Round {n}")
        open_with_votes(extra, [[0], [1], [2]], prefix=f"r{n}v")
    # The session, the login, the rounds with their counts, the teller duties, the roll.
    with django_assert_max_num_queries(5):
        assert client.get(reverse("programmes:round_list")).status_code == 200


def test_the_manage_list_costs_the_same_queries_however_many_rounds(
    client_for: Any, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.get(reverse("programmes:round_manage_list"))
    for n in range(6):
        open_with_votes(make_round(coordinator, title=f"Round {n}"), [[0], [1]], prefix=f"m{n}v")
    # session, user, authenticator (two-factor), the count, one page of rounds with counts.
    with django_assert_max_num_queries(6):
        assert client.get(reverse("programmes:round_manage_list")).status_code == 200


# --- Preparing a round -----------------------------------------------------------------------


def round_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Autumn priorities",
        "question": "What matters most?",
        "opens_at": "2030-03-01T10:00",
        "closes_at": "2030-03-08T10:00",
        "max_choices": "3",
        "budget": "",
        "min_turnout": "10",
    }
    return {**data, **changes}


def test_a_coordinator_prepares_a_round(client_for: Any, coordinator: User) -> None:
    response = client_for(coordinator).post(reverse("programmes:round_create"), round_data())
    round_ = Round.objects.get()
    assert response["Location"] == reverse("programmes:round_manage_detail", args=[round_.pk])
    assert round_.status == Round.Status.DRAFT
    assert round_.created_by == coordinator
    assert round_.budget is None


def test_mistakes_are_shown_beside_the_field_and_what_was_typed_is_kept(
    client_for: Any, coordinator: User
) -> None:
    data = round_data(closes_at="2030-02-01T10:00", min_turnout="2", max_choices="9")
    response = client_for(coordinator).post(reverse("programmes:round_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"closes_at", "min_turnout", "max_choices"}
    body = response.content.decode()
    assert 'value="Autumn priorities"' in body
    assert "must close after it opens" in body
    assert not Round.objects.exists()


def test_options_come_from_shortlisted_needs_or_free_text(
    client_for: Any, coordinator: User, member: User
) -> None:
    round_ = make_round(coordinator, options=0)
    need = Need.objects.create(
        title="Night bus passes", category="safety", author=member, status="shortlisted"
    )
    Need.objects.create(title="Not shortlisted", category="safety", author=member)
    client = client_for(coordinator)
    page = client.get(reverse("programmes:option_create", args=[round_.pk])).content.decode()
    assert "Night bus passes" in page
    assert "Not shortlisted" not in page
    url = reverse("programmes:option_create", args=[round_.pk])
    client.post(url, {"need": need.pk, "title": "", "plain_text": "", "pictogram": "shield"})
    client.post(url, {"need": "", "title": "Phone credit", "pictogram": "phone"})
    missing = client.post(url, {"need": "", "title": "", "pictogram": "phone"})
    assert "title" in missing.context["form"].errors
    titles = list(round_.options.order_by("position").values_list("title", "need", "position"))
    assert titles == [("Night bus passes", need.pk, 1), ("Phone credit", None, 2)]


def test_each_option_shows_its_picture_to_choose(client_for: Any, coordinator: User) -> None:
    round_ = make_round(coordinator, options=0)
    page = client_for(coordinator).get(reverse("programmes:option_create", args=[round_.pk]))
    for name in ("shield", "scales", "heart", "coins", "house", "people", "phone", "book"):
        assert f"icons/{name}.svg" in page.content.decode()


def test_a_round_with_a_budget_needs_a_cost_for_each_option(
    client_for: Any, coordinator: User
) -> None:
    round_ = make_round(coordinator, options=0, budget=Decimal(500))
    url = reverse("programmes:option_create", args=[round_.pk])
    response = client_for(coordinator).post(url, {"title": "Fund", "pictogram": "coins"})
    assert "cost" in response.context["form"].errors
    client_for(coordinator).post(url, {"title": "Fund", "pictogram": "coins", "cost": "250"})
    assert round_.options.get().cost == Decimal(250)
    without_budget = make_round(coordinator, options=0)
    form = client_for(coordinator).get(
        reverse("programmes:option_create", args=[without_budget.pk])
    )
    assert "cost" not in form.context["form"].fields


def test_a_round_has_at_most_eight_options(client_for: Any, coordinator: User) -> None:
    round_ = make_round(coordinator, options=8)
    response = client_for(coordinator).post(
        reverse("programmes:option_create", args=[round_.pk]),
        {"title": "Ninth", "pictogram": "book"},
    )
    assert response.status_code == 302
    assert round_.options.count() == 8
    with pytest.raises(services.ValidationError):
        services.option_save(option=Option(round=round_, title="Ninth", pictogram="book"))


def test_an_option_can_be_changed_and_removed_while_preparing(
    client_for: Any, coordinator: User, draft_round: Round
) -> None:
    client = client_for(coordinator)
    option = draft_round.options.first()
    client.post(
        reverse("programmes:option_edit", args=[option.pk]),
        {"title": "Legal aid", "plain_text": "Lawyers who listen", "pictogram": "scales"},
    )
    option.refresh_from_db()
    assert (option.title, option.plain_text) == ("Legal aid", "Lawyers who listen")
    client.post(reverse("programmes:option_delete", args=[option.pk]))
    assert not Option.objects.filter(pk=option.pk).exists()


def test_an_open_round_and_its_options_cannot_be_changed(
    client_for: Any, coordinator: User, open_round: Round
) -> None:
    client = client_for(coordinator)
    option = open_round.options.first()
    edit = client.post(reverse("programmes:round_edit", args=[open_round.pk]), round_data())
    assert edit["Location"] == reverse("programmes:round_manage_detail", args=[open_round.pk])
    client.post(
        reverse("programmes:option_edit", args=[option.pk]), {"title": "X", "pictogram": "book"}
    )
    client.post(reverse("programmes:option_delete", args=[option.pk]))
    open_round.refresh_from_db()
    option.refresh_from_db()
    assert open_round.title == "Spring priorities"
    assert option.title == "Legal aid clinic"
    with pytest.raises(services.ValidationError):
        services.round_save(round=open_round)


# --- Opening: the roll is frozen -------------------------------------------------------------


def test_opening_puts_exactly_the_eligible_members_on_the_roll(
    coordinator: User, hotspot: Hotspot, outreach_worker: User
) -> None:
    eligible = make_voter("eligible", hotspot)
    no_consent = make_voter("no.consent", consent=False)
    withdrawn = make_voter("withdrawn")
    consent_set(person=withdrawn.person, purpose="voting", given=False)
    inactive = make_voter("inactive")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    erased = make_voter("erased")
    person_erase(actor=coordinator, person=erased.person)
    merged = make_voter("merged")
    keep = make_person(None, "KEEP0001")
    type(merged.person).objects.filter(pk=merged.person.pk).update(merged_into=keep)
    no_record = make_user("no.record", is_member=True)
    not_member = make_user("not.member")
    make_person(None, "NOTM0001", user=not_member)
    give_voting_consent(not_member)
    round_ = make_round(coordinator)

    assert services.round_open(round=round_) == 1
    assert list(round_.roll.values_list("member", flat=True)) == [eligible.pk]
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    # The same rule as members.services.has_consent, person by person.
    for user in User.objects.filter(is_member=True, is_active=True, person__isnull=False):
        on_roll = round_.roll.filter(member=user).exists()
        person = user.person
        allowed = person.erased_at is None and person.merged_into_id is None
        assert on_roll == (allowed and has_consent(person, "voting")), user.username
    assert no_consent and no_record and outreach_worker  # present, and not on the roll


def test_a_round_opens_only_with_two_options_once_its_time_has_come(
    coordinator: User, client_for: Any
) -> None:
    client = client_for(coordinator)
    one = make_round(coordinator, options=1)
    later = make_round(coordinator, opens_at=timezone.now() + timedelta(hours=2))
    for round_ in (one, later):
        response = client.post(reverse("programmes:round_open", args=[round_.pk]), follow=True)
        assert response.status_code == 200
        round_.refresh_from_db()
        assert round_.status == Round.Status.DRAFT
        assert not round_.roll.exists()
    ready = make_round(coordinator)
    response = client.post(reverse("programmes:round_open", args=[ready.pk]), follow=True)
    ready.refresh_from_db()
    assert ready.status == Round.Status.OPEN
    assert "The round is open" in response.content.decode()
    # Opening twice changes nothing.
    with pytest.raises(services.ValidationError):
        services.round_open(round=ready)


def test_the_roll_is_never_added_to_after_opening(
    client_for: Any, coordinator: User, open_round: Round, member: User
) -> None:
    latecomer = make_voter("late", consent=False)
    roll = set(open_round.roll.values_list("member", flat=True))
    give_voting_consent(latecomer)
    client = client_for(latecomer)
    page = client.get(reverse("programmes:round_vote", args=[open_round.pk])).content.decode()
    assert "not on this round" in page
    assert reverse("members:own_data") in page
    response = client.post(
        reverse("programmes:round_thanks", args=[open_round.pk]), choose(open_round, 0)
    )
    assert "not on this round" in response.content.decode()
    with pytest.raises(services.ValidationError):
        services.ballot_cast(round=open_round, member=latecomer, choices=option_ids(open_round))
    services.round_close(round=open_round)
    assert set(open_round.roll.values_list("member", flat=True)) == roll
    assert not EncryptedBallot.objects.exists()


# --- Voting ----------------------------------------------------------------------------------


def test_a_member_chooses_confirms_and_gets_a_receipt(
    client_for: Any, voting_member: User, open_round: Round
) -> None:
    client = client_for(voting_member)
    ballot = client.get(reverse("programmes:round_vote", args=[open_round.pk]))
    body = ballot.content.decode()
    assert "Choose up to 3" in body
    assert body.count('type="checkbox" name="choice"') == 4
    assert "icons/scales.svg" in body
    assert f'action="{reverse("programmes:round_confirm", args=[open_round.pk])}"' in body

    confirm = client.post(
        reverse("programmes:round_confirm", args=[open_round.pk]), choose(open_round, 0, 2)
    )
    body = confirm.content.decode()
    assert "Legal aid clinic" in body and "Peer health checks" in body
    assert "Safer night transport" not in body
    assert "cannot change your vote" in body
    assert not EncryptedBallot.objects.exists()

    thanks = client.post(
        reverse("programmes:round_thanks", args=[open_round.pk]), choose(open_round, 0, 2)
    )
    assert thanks.status_code == 200  # rendered, not redirected: the receipt is in no URL
    tracker = ballot_crypto.tracker(bytes(EncryptedBallot.objects.get().ciphertext))
    assert TRACKER.fullmatch(tracker)
    assert tracker in thanks.content.decode()
    assert decrypted(open_round) == [sorted(option_ids(open_round)[i] for i in (0, 2))]
    assert RollEntry.objects.get(round=open_round, member=voting_member).has_voted


def test_sending_the_vote_again_casts_nothing(
    client_for: Any, voting_member: User, open_round: Round
) -> None:
    client = client_for(voting_member)
    url = reverse("programmes:round_thanks", args=[open_round.pk])
    client.post(url, choose(open_round, 0))
    again = client.post(url, choose(open_round, 1))
    assert "You have already voted" in again.content.decode()
    assert EncryptedBallot.objects.count() == 1
    # The thank-you page without the POST says the vote was counted, with no receipt.
    page = client.get(url).content.decode()
    assert "You have voted. Your ballot tracker was shown only once" in page
    assert ballot_crypto.tracker(bytes(EncryptedBallot.objects.get().ciphertext)) not in page
    assert (
        "You have already voted"
        in client.get(reverse("programmes:round_vote", args=[open_round.pk])).content.decode()
    )


@pytest.mark.parametrize("step", ["round_confirm", "round_thanks"])
def test_too_many_or_unknown_choices_are_refused_and_nothing_is_saved(
    client_for: Any, voting_member: User, open_round: Round, step: str
) -> None:
    client = client_for(voting_member)
    url = reverse(f"programmes:{step}", args=[open_round.pk])
    too_many = client.post(url, choose(open_round, 0, 1, 2, 3))
    assert "You chose 4. You can choose up to 3." in too_many.content.decode()
    # What was ticked stays ticked.
    assert too_many.content.decode().count("checked") == 4
    other = make_round(open_round.created_by)
    unknown = client.post(url, {"choice": [str(other.options.first().pk)]})
    assert "not in this vote" in unknown.content.decode()
    nothing = client.post(url, {})
    assert "Choose at least one" in nothing.content.decode()
    assert not EncryptedBallot.objects.exists()
    assert not RollEntry.objects.filter(has_voted=True).exists()


def test_change_my_choices_brings_the_ticks_back(
    client_for: Any, voting_member: User, open_round: Round
) -> None:
    response = client_for(voting_member).post(
        reverse("programmes:round_vote", args=[open_round.pk]), choose(open_round, 1, 3)
    )
    ids = option_ids(open_round)
    body = response.content.decode()
    assert f'value="{ids[1]}" id="choice-{ids[1]}" checked' in body
    assert f'value="{ids[0]}" id="choice-{ids[0]}">' in body
    assert not EncryptedBallot.objects.exists()


def test_a_closed_round_takes_no_vote(
    client_for: Any, voting_member: User, open_round: Round
) -> None:
    Round.objects.filter(pk=open_round.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client = client_for(voting_member)
    for step in ("round_vote", "round_confirm", "round_thanks"):
        response = client.post(
            reverse(f"programmes:{step}", args=[open_round.pk]), choose(open_round, 0)
        )
        assert "This vote is closed" in response.content.decode()
    assert not EncryptedBallot.objects.exists()


def test_the_confirm_step_without_a_post_goes_back_to_the_ballot(
    client_for: Any, voting_member: User, open_round: Round
) -> None:
    client = client_for(voting_member)
    response = client.get(reverse("programmes:round_confirm", args=[open_round.pk]))
    assert response["Location"] == reverse("programmes:round_vote", args=[open_round.pk])
    response = client.get(reverse("programmes:round_thanks", args=[open_round.pk]))
    assert response["Location"] == reverse("programmes:round_vote", args=[open_round.pk])


def test_the_list_shows_who_has_voted_and_the_turnout_only(
    client_for: Any, coordinator: User, voting_member: User, open_round: Round
) -> None:
    client = client_for(voting_member)
    assert "You have not voted yet" in client.get(reverse("programmes:round_list")).content.decode()
    services.ballot_cast(round=open_round, member=voting_member, choices=option_ids(open_round)[:1])
    body = client.get(reverse("programmes:round_list")).content.decode()
    assert "You have voted" in body
    assert "1 person has voted so far" in body
    assert "Legal aid clinic" not in body


# --- Closing, sealing, counting --------------------------------------------------------------


def test_closing_stops_the_vote_and_the_tellers_words_count_and_publish_it(
    client_for: Any, coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    receipts = open_with_votes(round_, [[0, 1], [0], [0, 2], [1], [0, 1, 3], [2]])
    url = reverse("programmes:round_close", args=[round_.pk])
    asked = client_for(coordinator).post(url)
    assert "This cannot be undone" in asked.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN  # nothing closed before the answer
    response = client_for(coordinator).post(url, {"confirm": "yes"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert not Result.objects.exists()
    words = teller_words(round_)
    # One teller on their own login, one on the coordinator's device at a meeting.
    teller = round_.tellers.get(index=1).user
    own = client_for(teller).post(
        reverse("programmes:round_teller", args=[round_.pk]), {"words": words[0]}
    )
    assert own.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    meeting = client_for(coordinator).post(
        reverse("programmes:round_count", args=[round_.pk]), {"words": words[2]}, follow=True
    )
    assert "The votes are counted" in meeting.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTED
    ids = option_ids(round_)
    result = Result.objects.get(round=round_)
    assert result.approvals == {str(ids[0]): 4, str(ids[1]): 3, str(ids[2]): 2, str(ids[3]): 1}
    assert (result.ballots_counted, result.voters) == (6, 6)
    assert result.selected == []
    assert list(Tracker.objects.values_list("code", flat=True)) == sorted(receipts)
    assert CountedBallot.objects.count() == 6 and not EncryptedBallot.objects.exists()

    page = client_for(voting_member).get(reverse("programmes:round_results", args=[round_.pk]))
    body = page.content.decode()
    assert "6 people voted, of 7 on the list of voters" in body
    assert body.index("Legal aid clinic") < body.index("Safer night transport")
    assert body.index("Safer night transport") < body.index("Peer health checks")
    assert "4 people chose this" in body
    # Closing again changes nothing.
    services.round_close(round=round_)
    assert Result.objects.get(round=round_).pk == result.pk


def test_with_a_budget_the_equal_shares_selection_is_published(
    client_for: Any, coordinator: User
) -> None:
    round_ = make_round(coordinator, budget=Decimal(300))
    # Costs 100, 200, 300, 400. Five want option 1 and 3; one wants option 2 only.
    open_with_votes(round_, [[0, 2]] * 5 + [[1]])
    count(round_)
    result = Result.objects.get(round=round_)
    ids = option_ids(round_)
    assert result.selected
    assert set(result.selected) <= set(ids)
    assert sum(Option.objects.get(pk=pk).cost for pk in result.selected) <= 300
    body = client_for(coordinator).get(reverse("programmes:round_results", args=[round_.pk]))
    assert "Method of Equal Shares" in body.content.decode()


def test_too_few_voters_make_a_void_round_with_no_approvals(
    client_for: Any, coordinator: User
) -> None:
    round_ = make_round(coordinator, min_turnout=5)
    open_with_votes(round_, [[0]] * 4)
    count(round_)
    assert round_.status == Round.Status.VOID
    result = Result.objects.get(round=round_)
    assert (result.approvals, result.selected, result.voters) == ({}, [], 4)
    body = client_for(coordinator).get(reverse("programmes:round_results", args=[round_.pk]))
    assert "Only 4 people voted" in body.content.decode()
    assert "chose this" not in body.content.decode()


def test_a_round_minimum_under_five_still_needs_five(coordinator: User) -> None:
    round_ = make_round(coordinator, min_turnout=1)
    open_with_votes(round_, [[0]] * 4)
    count(round_)
    assert round_.status == Round.Status.VOID


def test_counts_that_do_not_add_up_are_not_published(
    coordinator: User, caplog: pytest.LogCaptureFixture
) -> None:
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0]] * 5)
    # A ballot from nowhere: no roll row voted for it.
    ciphertext = ballot_crypto.ballot_seal(bytes(round_.public_key), option_ids(round_)[1:2])
    EncryptedBallot.objects.create(round=round_, ciphertext=ciphertext)
    count(round_)
    assert round_.status == Round.Status.CLOSED
    assert not Result.objects.exists()
    assert "6 ballots, 5 voted on the roll, 6 trackers" in caplog.text
    assert EncryptedBallot.objects.count() == 6  # nothing destroyed: the count can be mended
    for title, _picture in [("Legal aid clinic", ""), ("Safer night transport", "")]:
        assert title not in caplog.text
    assert "[" not in caplog.text  # no list of choices


def test_a_round_that_cannot_reach_its_minimum_turnout_says_so(
    client_for: Any, coordinator: User
) -> None:
    draft = make_round(coordinator, min_turnout=6)
    make_voters(5)
    url = reverse("programmes:round_manage_detail", args=[draft.pk])
    warning = "Fewer people can vote than the 6 the results need"
    page = client_for(coordinator).get(url).content.decode()
    assert "5 members" in page and warning in page
    make_voter("voter.six")
    assert warning not in client_for(coordinator).get(url).content.decode()
    small = make_round(coordinator, title="Small", min_turnout=7)
    services.round_open(round=small)
    page = (
        client_for(coordinator)
        .get(reverse("programmes:round_manage_detail", args=[small.pk]))
        .content.decode()
    )
    assert "Fewer people can vote than the 7 the results need" in page


def test_the_minute_job_closes_only_rounds_whose_time_is_up(coordinator: User) -> None:
    due = make_round(coordinator, title="Due")
    open_with_votes(due, [[0]] * 5, prefix="due")
    running = make_round(coordinator, title="Running")
    services.round_open(round=running)
    Round.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert close_due_rounds.delay() is not None
    due.refresh_from_db()
    running.refresh_from_db()
    assert due.status == Round.Status.CLOSED  # the count waits for the tellers
    assert running.status == Round.Status.OPEN
    assert services.rounds_close_due(timezone.now()) == 0
    assert count(due).status == Round.Status.COUNTED


def test_the_minute_job_counts_a_round_from_before_ballots_were_encrypted(
    coordinator: User,
) -> None:
    """What migration 0004 leaves of a round open during the upgrade: closed, no key, its
    ballots already shuffled into the counted ones and its receipts into the trackers."""
    round_ = make_round(coordinator, tellers=0)
    voters = make_voters(5)
    ids = option_ids(round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    for n, voter in enumerate(voters):
        RollEntry.objects.create(round=round_, member=voter, has_voted=True)
        CountedBallot.objects.create(round=round_, choices=[ids[n % 2]])
        Tracker.objects.create(round=round_, code=f"OLD{n:03d}")
    assert services.rounds_close_due(timezone.now()) == 1
    round_.refresh_from_db()
    assert round_.status == Round.Status.COUNTED
    assert Result.objects.get(round=round_).approvals[str(ids[0])] == 3


def test_the_minute_job_is_scheduled_every_minute() -> None:
    entry = celery_app.conf.beat_schedule["close-due-rounds"]
    assert entry == {"task": "programmes.tasks.close_due_rounds", "schedule": 60.0}


# --- Trackers --------------------------------------------------------------------------------


def test_trackers_are_published_after_the_count_without_choices(
    client_for: Any, coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    receipts = open_with_votes(round_, [[0], [1], [2], [0, 1], [3]])
    url = reverse("programmes:round_trackers", args=[round_.pk])
    client = client_for(voting_member)
    assert not any(code in client.get(url).content.decode() for code in receipts)
    count(round_)
    body = client.get(url).content.decode()
    positions = [body.index(f"<li>{code}</li>") for code in sorted(receipts)]
    assert positions == sorted(positions)
    assert "Legal aid clinic" not in body
    found = client.get(url, {"tracker": receipts[2].lower()}).content.decode()
    assert "is on the list: your vote was counted" in found
    missing = client.get(url, {"tracker": "AAAAA-AAAAA"}).content.decode()
    assert "AAAAA-AAAAA is not on the list" in missing


# --- Votes at meetings -----------------------------------------------------------------------


def test_a_coordinator_enters_a_members_vote_at_a_meeting(
    client_for: Any, coordinator: User, voting_member: User, open_round: Round
) -> None:
    ids = option_ids(open_round)
    response = client_for(coordinator).post(
        reverse("programmes:round_in_person", args=[open_round.pk]),
        {
            "action": "vote",
            "vote-username": voting_member.username,
            "vote-assisted": "on",
            "vote-choice": [str(ids[0]), str(ids[3])],
        },
    )
    ballot = EncryptedBallot.objects.get()
    assert ballot_crypto.tracker(bytes(ballot.ciphertext)) in response.content.decode()
    assert decrypted(open_round) == [[ids[0], ids[3]]]
    entry = RollEntry.objects.get(member=voting_member)
    assert (entry.has_voted, entry.voted_in_person, entry.assisted) == (True, True, True)
    # Voting online afterwards is refused.
    again = client_for(voting_member).post(
        reverse("programmes:round_thanks", args=[open_round.pk]), choose(open_round, 1)
    )
    assert "You have already voted" in again.content.decode()
    assert EncryptedBallot.objects.count() == 1


def test_papers_from_the_box_are_entered_for_members_marked_in_person(
    client_for: Any, coordinator: User
) -> None:
    round_ = make_round(coordinator)
    voters = make_voters(3)
    services.round_open(round=round_)
    client = client_for(coordinator)
    url = reverse("programmes:round_in_person", args=[round_.pk])
    for voter in voters[:2]:
        client.post(url, {"action": "mark", "mark-username": voter.username})
    assert RollEntry.objects.filter(voted_in_person=True, has_voted=False).count() == 2
    # Marked: no online vote any more.
    with pytest.raises(services.ValidationError):
        services.ballot_cast(round=round_, member=voters[0], choices=option_ids(round_)[:1])
    # Three papers for two people marked: refused, nothing entered; the typing is kept.
    too_many = client.post(url, {"action": "papers", "papers-papers": "1 2\n3\n4"})
    assert "more paper ballots (3) than people marked" in too_many.content.decode()
    assert "1 2\n3\n4" in too_many.content.decode()
    bad = client.post(url, {"action": "papers", "papers-papers": "1 9\n2 2"})
    assert "Line 1" in bad.content.decode() and "Line 2" in bad.content.decode()
    assert not EncryptedBallot.objects.exists()
    client.post(url, {"action": "papers", "papers-papers": "1, 2\n\n3"})
    assert EncryptedBallot.objects.count() == 2
    assert RollEntry.objects.filter(has_voted=True, voted_in_person=True).count() == 2
    ids = option_ids(round_)
    assert sorted(decrypted(round_)) == [[ids[0], ids[1]], [ids[2]]]


def test_a_member_who_voted_online_cannot_be_marked_at_a_meeting(
    client_for: Any, coordinator: User, voting_member: User, open_round: Round
) -> None:
    services.ballot_cast(round=open_round, member=voting_member, choices=option_ids(open_round)[:1])
    response = client_for(coordinator).post(
        reverse("programmes:round_in_person", args=[open_round.pk]),
        {"action": "mark", "mark-username": voting_member.username},
    )
    assert "already voted" in response.content.decode()
    unknown = client_for(coordinator).post(
        reverse("programmes:round_in_person", args=[open_round.pk]),
        {"action": "mark", "mark-username": "nobody.here"},
    )
    assert "No member has this username" in unknown.content.decode()
    entry = RollEntry.objects.get(member=voting_member)
    assert not entry.voted_in_person
