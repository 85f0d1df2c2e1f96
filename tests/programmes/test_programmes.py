"""Programmes made from voted priorities, their stages, "I'll help", "Follow updates", the
engagement figures and the members' page "You asked, we did"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Consent, User
from programmes import services
from programmes.indicators import members_in_planning, share_of_spending_on_voted_priorities
from programmes.models import (
    BudgetLine,
    Follow,
    Option,
    Programme,
    ProgrammeActivity,
    Result,
    Round,
    SignUp,
    Stage,
    Update,
)
from tests.conftest import make_person, make_user
from tests.page_form import untouched

pytestmark = pytest.mark.django_db


# --- Rows ------------------------------------------------------------------------------------


def make_round(
    creator: User, status: str, title: str, options: list[tuple[str, int]], *, selected: int = 0
) -> tuple[Round, list[Option]]:
    """A round with options and a Result row (approvals by option id as a string, as JSON keeps
    them), whatever its status: a Result must never show while the round is not counted."""
    now = timezone.now()
    round_ = Round.objects.create(
        title=title,
        question="What matters most?",
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=3),
        status=status,
        created_by=creator,
    )
    made = [
        Option.objects.create(
            round=round_,
            title=name,
            plain_text=f"{name}, in plain words",
            pictogram="heart",
            position=n,
        )
        for n, (name, _) in enumerate(options)
    ]
    Result.objects.create(
        round=round_,
        approvals={str(o.pk): approvals for o, (_, approvals) in zip(made, options, strict=True)},
        selected=[o.pk for o in made[:selected]],
        ballots_counted=12,
        voters=12,
    )
    return round_, made


@pytest.fixture
def counted(coordinator: User) -> tuple[Round, list[Option]]:
    # Listed in ballot order; the count put "Legal advice" first.
    return make_round(
        coordinator,
        Round.Status.COUNTED,
        "Spring vote",
        [("Safe housing", 4), ("Legal advice", 9), ("Night clinic", 1)],
        selected=2,
    )


@pytest.fixture
def open_round(coordinator: User) -> tuple[Round, list[Option]]:
    return make_round(coordinator, Round.Status.OPEN, "Vote going on", [("Secret option", 7)])


@pytest.fixture
def closed_round(coordinator: User) -> tuple[Round, list[Option]]:
    return make_round(coordinator, Round.Status.CLOSED, "Being counted", [("Uncounted option", 3)])


@pytest.fixture
def programme(counted: tuple[Round, list[Option]], outreach_worker: User) -> Programme:
    return services.programme_create(
        programme=Programme(
            title="Legal advice nights",
            goal="A lawyer we trust, once a month.",
            priority=counted[1][1],
            lead=outreach_worker,
        )
    )


@pytest.fixture
def voting_member(hotspot: Any) -> User:
    user = make_user("member.voter", is_member=True)
    person = make_person(hotspot, "VOTE0101", nickname="Voter", user=user, is_member=True)
    Consent.objects.create(person=person, purpose=Consent.Purpose.VOTING)
    return user


@pytest.fixture
def outsider(db: None) -> User:
    """Logged in, but neither a member nor staff."""
    return make_user("nobody.test")


# --- Access matrix ---------------------------------------------------------------------------

# `member` has no voting consent: following programmes is not voting, so it changes nothing here.
EVERYONE = [
    ("member", 200),
    ("voting_member", 200),
    ("outreach_worker", 200),
    ("coordinator", 200),
    ("outsider", 403),
]
COORDINATORS_ONLY = [
    ("member", 403),
    ("voting_member", 403),
    ("outreach_worker", 403),
    ("coordinator", 200),
    ("outsider", 403),
]


def url_of(name: str, programme: Programme) -> str:
    if name in ("programmes:programme_list", "programmes:you_asked", "programmes:programme_create"):
        return reverse(name)
    if name == "programmes:stage_edit":
        return reverse(name, args=[programme.stages.get(kind=Stage.Kind.ASSESSMENT).pk])
    return reverse(name, args=[programme.pk])


PAGES = ["programmes:programme_list", "programmes:programme_detail", "programmes:you_asked"]
COORDINATOR_PAGES = [
    "programmes:programme_create",
    "programmes:programme_edit",
    "programmes:stage_edit",
    "programmes:activity_add",
    "programmes:budget_line_add",
    "programmes:update_create",
]
BUTTONS = ["programmes:programme_signup", "programmes:programme_follow"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("persona", "status"), EVERYONE)
def test_members_and_staff_see_programmes(
    request: Any, client_for: Any, programme: Programme, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url_of(page, programme)).status_code == status


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
@pytest.mark.parametrize(("persona", "status"), COORDINATORS_ONLY)
def test_only_coordinators_change_programmes(
    request: Any, client_for: Any, programme: Programme, page: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(url_of(page, programme)).status_code == status
    if status == 403:
        assert client.post(url_of(page, programme), {"title": "x"}).status_code == 403


@pytest.mark.parametrize("button", BUTTONS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 302),
        ("voting_member", 302),
        ("outreach_worker", 302),  # a member too
        ("coordinator", 403),  # the coordinator persona is not a member
        ("outsider", 403),
    ],
)
def test_members_tap_the_buttons(
    request: Any, client_for: Any, programme: Programme, button: str, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).post(url_of(button, programme)).status_code == status


@pytest.mark.parametrize("button", BUTTONS)
def test_the_buttons_only_answer_posts(
    client_for: Any, member: User, programme: Programme, button: str
) -> None:
    assert client_for(member).get(url_of(button, programme)).status_code == 405


@pytest.mark.parametrize("page", PAGES + COORDINATOR_PAGES + BUTTONS)
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, programme: Programme, page: str
) -> None:
    response = client.get(url_of(page, programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_missing_programme_is_not_found(client_for: Any, member: User, coordinator: User) -> None:
    member_client, coordinator_client = client_for(member), client_for(coordinator)
    assert member_client.get(reverse("programmes:programme_detail", args=[999])).status_code == 404
    assert member_client.post(reverse("programmes:programme_signup", args=[999])).status_code == 404
    for page in ("programmes:programme_edit", "programmes:stage_edit", "programmes:update_create"):
        assert coordinator_client.get(reverse(page, args=[999])).status_code == 404


def test_the_navigation_leads_members_to_programmes_and_what_we_did(
    client_for: Any, member: User
) -> None:
    body = client_for(member).get(reverse("home")).content.decode()
    assert reverse("programmes:programme_list") in body
    assert reverse("programmes:you_asked") in body


# --- Creating and changing -------------------------------------------------------------------


def test_creating_a_programme_makes_its_four_stages(
    client_for: Any, coordinator: User, outreach_worker: User, counted: Any
) -> None:
    _, options = counted
    response = client_for(coordinator).post(
        reverse("programmes:programme_create"),
        {
            "title": "Night clinic",
            "goal": "A clinic open at night.",
            "priority": options[2].pk,
            "lead": outreach_worker.pk,
        },
    )
    programme = Programme.objects.get()
    assert response["Location"] == reverse("programmes:programme_detail", args=[programme.pk])
    assert programme.status == Programme.Status.PLANNED
    assert programme.priority == options[2]
    assert sorted(programme.stages.values_list("kind", flat=True)) == sorted(Stage.Kind.values)


def test_a_priority_in_the_address_fills_in_the_form(
    client_for: Any, coordinator: User, counted: Any
) -> None:
    option = counted[1][1]
    response = client_for(coordinator).get(
        reverse("programmes:programme_create"), {"priority": option.pk}
    )
    form = response.context["form"]
    assert form.initial["priority"] == option.pk
    assert form.initial["title"] == "Legal advice"
    assert form.initial["goal"] == "Legal advice, in plain words"
    assert "Legal advice (Spring vote, chosen)" in response.content.decode()


def test_only_priorities_of_counted_rounds_can_be_served(
    client_for: Any, coordinator: User, outreach_worker: User, open_round: Any
) -> None:
    secret = open_round[1][0]
    client = client_for(coordinator)
    response = client.get(reverse("programmes:programme_create"), {"priority": secret.pk})
    assert "priority" not in response.context["form"].initial
    assert "Secret option" not in response.content.decode()
    response = client.post(
        reverse("programmes:programme_create"),
        {"title": "Sneaky", "goal": "g", "priority": secret.pk, "lead": outreach_worker.pk},
    )
    assert response.status_code == 200
    assert "priority" in response.context["form"].errors
    assert not Programme.objects.exists()


def test_the_lead_is_peer_staff_and_typing_is_kept(
    client_for: Any, coordinator: User, member: User
) -> None:
    response = client_for(coordinator).post(
        reverse("programmes:programme_create"),
        {"title": "Drop-in cafe", "goal": "Tea and talk.", "lead": member.pk},
    )
    assert "lead" in response.context["form"].errors
    body = response.content.decode()
    assert 'value="Drop-in cafe"' in body
    assert "Tea and talk." in body
    assert not Programme.objects.exists()


def test_a_coordinator_changes_the_status(
    client_for: Any, coordinator: User, programme: Programme
) -> None:
    client_for(coordinator).post(
        reverse("programmes:programme_edit", args=[programme.pk]),
        {
            "title": programme.title,
            "goal": programme.goal,
            "priority": programme.priority_id,
            "lead": programme.lead_id,
            "status": Programme.Status.RUNNING,
        },
    )
    programme.refresh_from_db()
    assert programme.status == Programme.Status.RUNNING


def test_saving_a_programme_whose_lead_has_left_keeps_the_lead(
    client_for: Any, coordinator: User, programme: Programme, outreach_worker: User
) -> None:
    """The lead's login was suspended: the select still shows them, so a save that changes only
    the status neither drops the lead nor asks for another one."""
    User.objects.filter(pk=outreach_worker.pk).update(is_active=False)
    client = client_for(coordinator)
    url = reverse("programmes:programme_edit", args=[programme.pk])
    data = untouched(client.get(url).content.decode(), having="goal")
    response = client.post(url, {**data, "status": Programme.Status.RUNNING})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.status, programme.lead) == (Programme.Status.RUNNING, outreach_worker)
    # Nobody else who has left is offered.
    gone = make_user("worker.gone", is_outreach_worker=True, is_active=False)
    leads = client.get(url).context["form"].fields["lead"].queryset
    assert outreach_worker in leads
    assert gone not in leads


def test_a_stage_records_the_community_and_its_committee(
    client_for: Any, coordinator: User, member: User, voting_member: User, programme: Programme
) -> None:
    stage = programme.stages.get(kind=Stage.Kind.ASSESSMENT)
    response = client_for(coordinator).post(
        reverse("programmes:stage_edit", args=[stage.pk]),
        {
            "starts_on": "2026-02-01",
            "ends_on": "2026-02-28",
            "meetings_held": 3,
            "members_attended": 17,
            "committee": [member.pk, voting_member.pk],
        },
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert (stage.meetings_held, stage.members_attended) == (3, 17)
    assert set(stage.committee.all()) == {member, voting_member}

    # Members see how many sit on the committee; coordinators see who.
    url = reverse("programmes:programme_detail", args=[programme.pk])
    seen_by_member = client_for(member).get(url).content.decode()
    assert "2 members help plan it" in seen_by_member
    assert voting_member.username not in seen_by_member
    seen_by_coordinator = client_for(coordinator).get(url).content.decode()
    assert voting_member.username in seen_by_coordinator


def test_a_stage_refuses_non_members_and_backwards_dates(
    client_for: Any, coordinator: User, outsider: User, programme: Programme
) -> None:
    stage = programme.stages.get(kind=Stage.Kind.DESIGN)
    response = client_for(coordinator).post(
        reverse("programmes:stage_edit", args=[stage.pk]),
        {
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
            "meetings_held": 0,
            "members_attended": 5,
            "committee": [outsider.pk],
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"ends_on", "meetings_held", "committee"}
    assert 'value="2026-03-10"' in response.content.decode()
    assert not stage.committee.exists()


def test_a_budget_line_is_linked_to_the_priority_it_serves(
    client_for: Any, coordinator: User, member: User, programme: Programme, counted: Any
) -> None:
    client = client_for(coordinator)
    url = reverse("programmes:budget_line_add", args=[programme.pk])
    client.post(url, {"description": "Lawyer's fee", "amount": "300", "priority": counted[1][1].pk})
    client.post(url, {"description": "Room hire", "amount": "100", "priority": ""})
    lines = {line.description: line.priority for line in BudgetLine.objects.all()}
    assert lines == {"Lawyer's fee": counted[1][1], "Room hire": None}

    body = client_for(member).get(reverse("programmes:programme_detail", args=[programme.pk]))
    assert "300.00 of 400.00 goes to what members voted for" in body.content.decode()
    assert "(75%)" in body.content.decode()


def test_a_budget_line_needs_an_amount_above_zero(
    client_for: Any, coordinator: User, programme: Programme
) -> None:
    response = client_for(coordinator).post(
        reverse("programmes:budget_line_add", args=[programme.pk]),
        {"description": "Nothing", "amount": "0"},
    )
    assert "amount" in response.context["form"].errors
    assert not BudgetLine.objects.exists()


def test_an_activity_is_linked_to_the_priority_it_serves(
    client_for: Any, coordinator: User, outreach_worker: User, programme: Programme, counted: Any
) -> None:
    client_for(coordinator).post(
        reverse("programmes:activity_add", args=[programme.pk]),
        {
            "title": "Find a lawyer",
            "priority": counted[1][1].pk,
            "responsible": outreach_worker.pk,
            "starts_on": "2026-04-01",
        },
    )
    activity = ProgrammeActivity.objects.get()
    assert (activity.programme, activity.priority, activity.responsible) == (
        programme,
        counted[1][1],
        outreach_worker,
    )


def test_news_shows_newest_first(
    client_for: Any, coordinator: User, member: User, programme: Programme
) -> None:
    Update.objects.create(
        programme=programme,
        posted_by=coordinator,
        text="First meeting held.",
        posted_at=timezone.now() - timedelta(days=2),
    )
    client_for(coordinator).post(
        reverse("programmes:update_create", args=[programme.pk]), {"text": "We found a lawyer."}
    )
    body = client_for(member).get(reverse("programmes:programme_detail", args=[programme.pk]))
    text = body.content.decode()
    assert text.index("We found a lawyer.") < text.index("First meeting held.")


# --- "I'll help" and "Follow updates" --------------------------------------------------------


def test_ill_help_toggles(client_for: Any, member: User, programme: Programme) -> None:
    client = client_for(member)
    url = reverse("programmes:programme_signup", args=[programme.pk])
    client.post(url)
    assert SignUp.objects.filter(programme=programme, member=member).exists()
    client.post(url)
    assert not SignUp.objects.exists()


def test_a_double_tap_signs_up_once(client_for: Any, member: User, programme: Programme) -> None:
    client = client_for(member)
    url = reverse("programmes:programme_signup", args=[programme.pk])
    client.post(url, {"wanted": "yes"})
    client.post(url, {"wanted": "yes"})
    assert SignUp.objects.filter(programme=programme, member=member).count() == 1
    client.post(url, {"wanted": "no"})
    client.post(url, {"wanted": "no"})
    assert not SignUp.objects.exists()


def test_follow_toggles(client_for: Any, member: User, programme: Programme) -> None:
    client = client_for(member)
    url = reverse("programmes:programme_follow", args=[programme.pk])
    detail = client.post(url, follow=True).content.decode()
    assert Follow.objects.filter(programme=programme, member=member).exists()
    assert "Stop following" in detail
    detail = client.post(url, follow=True).content.decode()
    assert not Follow.objects.exists()
    assert "Follow updates" in detail


def test_a_finished_programme_takes_no_new_helpers(
    client_for: Any, member: User, programme: Programme
) -> None:
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.DONE)
    response = client_for(member).post(
        reverse("programmes:programme_signup", args=[programme.pk]), {"wanted": "yes"}, follow=True
    )
    assert "needs no more help" in response.content.decode()
    assert not SignUp.objects.exists()


def test_the_list_counts_helpers_and_followers(
    client_for: Any, member: User, voting_member: User, programme: Programme
) -> None:
    for user in (member, voting_member):
        SignUp.objects.create(programme=programme, member=user)
    Follow.objects.create(programme=programme, member=member)
    body = client_for(member).get(reverse("programmes:programme_list")).content.decode()
    assert "Legal advice nights" in body
    assert "2 members help" in body
    assert "1 follows the news" in body
    assert "You help" in body
    assert "For “Legal advice”, voted in Spring vote" in body


def test_coordinators_see_who_offered_to_help(
    client_for: Any, coordinator: User, member: User, outreach_worker: User, programme: Programme
) -> None:
    SignUp.objects.create(programme=programme, member=member)
    url = reverse("programmes:programme_detail", args=[programme.pk])
    assert member.username in client_for(coordinator).get(url).content.decode()
    assert member.username not in client_for(outreach_worker).get(url).content.decode()


# --- Engagement figures ----------------------------------------------------------------------


def line(amount: str, priority_id: int | None) -> Any:
    return SimpleNamespace(amount=Decimal(amount), priority_id=priority_id)


def test_share_of_spending_counts_only_lines_linked_to_a_voted_priority() -> None:
    lines = [line("300.00", 7), line("100.00", None), line("100.00", 8)]
    assert share_of_spending_on_voted_priorities(lines) == (
        Decimal("400.00"),
        Decimal("500.00"),
        Decimal("0.8"),
    )


def test_share_of_spending_is_unknown_without_money() -> None:
    assert share_of_spending_on_voted_priorities([]) == (Decimal(0), Decimal(0), None)
    assert share_of_spending_on_voted_priorities([line("0", 1)])[2] is None


def test_members_in_planning_counts_each_member_once(
    member: User,
    voting_member: User,
    outreach_worker: User,
    programme: Programme,
    django_assert_num_queries: Any,
) -> None:
    assessment, design = (
        programme.stages.get(kind=Stage.Kind.ASSESSMENT),
        programme.stages.get(kind=Stage.Kind.DESIGN),
    )
    assessment.committee.set([member, voting_member])
    design.committee.set([member])
    SignUp.objects.create(programme=programme, member=member)
    SignUp.objects.create(programme=programme, member=outreach_worker)
    stages = list(programme.stages.prefetch_related(Prefetch("committee")))
    sign_ups = list(programme.sign_ups.all())
    with django_assert_num_queries(0):  # pure: it reads only what it is given
        assert members_in_planning(stages, sign_ups) == 3
    assert members_in_planning([], []) == 0


# --- You asked, we did -----------------------------------------------------------------------


def test_you_asked_shows_counted_options_most_chosen_first_with_what_became_of_them(
    client_for: Any, member: User, programme: Programme, counted: Any
) -> None:
    body = client_for(member).get(reverse("programmes:you_asked")).content.decode()
    assert body.index("Legal advice") < body.index("Safe housing") < body.index("Night clinic")
    assert "9 people chose this." in body
    assert "Legal advice nights</a>: We are planning it" in body
    # Safe housing was selected but has no programme yet; the night clinic was not selected.
    assert "Chosen. We will start soon." in body
    assert "Not chosen this time." in body
    assert "icons/heart.svg" in body
    assert "12 members voted." in body


def test_you_asked_shows_nothing_of_rounds_not_counted(
    client_for: Any, member: User, coordinator: User, open_round: Any, closed_round: Any
) -> None:
    for user in (member, coordinator):
        body = client_for(user).get(reverse("programmes:you_asked")).content.decode()
        for hidden in ("Vote going on", "Secret option", "Being counted", "Uncounted option"):
            assert hidden not in body
        assert "No results yet." in body


def test_coordinators_start_a_programme_from_a_priority(
    client_for: Any, member: User, coordinator: User, counted: Any
) -> None:
    start = f"{reverse('programmes:programme_create')}?priority={counted[1][0].pk}"
    assert start in client_for(coordinator).get(reverse("programmes:you_asked")).content.decode()
    assert start not in client_for(member).get(reverse("programmes:you_asked")).content.decode()


# --- Constant queries ------------------------------------------------------------------------


def add_programmes(n: int, lead: User, option: Option, members: list[User]) -> None:
    for i in range(n):
        programme = services.programme_create(
            programme=Programme(title=f"P{i}", goal="g", priority=option, lead=lead)
        )
        for user in members:
            SignUp.objects.create(programme=programme, member=user)
            Follow.objects.create(programme=programme, member=user)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # Session, user, the inbox bell, the count, one page of programmes with priority,
        # round and counts.
        ("programmes:programme_list", 5),
        # Session, user, the inbox bell, the count of rounds, rounds with results, options,
        # their programmes.
        ("programmes:you_asked", 7),
    ],
)
def test_the_pages_cost_the_same_queries_for_2_and_20_programmes(
    client_for: Any,
    member: User,
    voting_member: User,
    outreach_worker: User,
    counted: Any,
    page: str,
    expected: int,
) -> None:
    client = client_for(member)
    option = counted[1][1]
    add_programmes(2, outreach_worker, option, [member, voting_member])
    few = queries_for(client, reverse(page))
    add_programmes(18, outreach_worker, counted[1][0], [member, voting_member])
    make_round(outreach_worker, Round.Status.COUNTED, "Autumn vote", [("Peer support", 3)])
    many = queries_for(client, reverse(page))
    assert few == many == expected
