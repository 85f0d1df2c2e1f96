"""Community needs: the list, raising a need, "Me too", comments and moderation."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.query import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import services as members_services
from members.models import User
from programmes import services
from programmes.models import Comment, Need, Support
from programmes.rules import NEED_SUPPORTS_MAX
from tests.conftest import make_person, make_user

pytestmark = pytest.mark.django_db


def make_need(author: User, title: str = "Safe place to rest at night", **fields: Any) -> Need:
    fields.setdefault("category", "safety")
    return Need.objects.create(author=author, title=title, **fields)


@pytest.fixture
def other_member(db: None) -> User:
    return make_user("member.other", is_member=True)


@pytest.fixture
def outsider(db: None) -> User:
    """Logged in, but holding none of the roles that use needs."""
    return make_user("someone.else")


@pytest.fixture
def need(other_member: User) -> Need:
    return make_need(other_member, details="Somewhere to sleep between shifts.")


# --- Access matrix ---------------------------------------------------------------------------

PERSONAS = ["member", "outreach_worker", "coordinator", "outsider"]


def page_url(page: str, need: Need) -> str:
    return reverse(page, args=[need.pk]) if page == "programmes:need_detail" else reverse(page)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("programmes:need_list", [200, 200, 200, 403]),
        ("programmes:need_detail", [200, 200, 200, 403]),
        ("programmes:need_create", [200, 200, 403, 403]),
    ],
)
def test_pages_open_for_the_roles_that_use_them(
    request: Any, client_for: Any, need: Need, page: str, expected: list[int]
) -> None:
    for persona, status in zip(PERSONAS, expected, strict=True):
        user = request.getfixturevalue(persona)
        response = client_for(user).get(page_url(page, need))
        assert response.status_code == status, persona


ALL_URLS = [
    "programmes:need_list",
    "programmes:need_create",
    "programmes:need_detail",
    "programmes:need_support",
    "programmes:need_unsupport",
    "programmes:comment_create",
    "programmes:need_hide",
    "programmes:need_merge",
    "programmes:need_shortlist",
]


@pytest.mark.parametrize("page", ALL_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, need: Need, page: str) -> None:
    args = [] if page in ("programmes:need_list", "programmes:need_create") else [need.pk]
    for method in (client.get, client.post):
        response = method(reverse(page, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Need.objects.get(pk=need.pk).status == Need.Status.OPEN


def test_anonymous_visitors_cannot_hide_a_comment(client: Client, need: Need) -> None:
    comment = Comment.objects.create(need=need, author=need.author, text="Yes")
    response = client.post(reverse("programmes:comment_hide", args=[comment.pk]), {"reason": "x"})
    assert response["Location"].startswith(reverse("account_login"))
    assert Comment.objects.get().hidden_reason == ""


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # The outreach worker persona is also a member; the coordinator persona is not.
        ("programmes:need_support", [302, 302, 403, 403]),
        ("programmes:need_unsupport", [302, 302, 403, 403]),
        ("programmes:comment_create", [302, 302, 302, 403]),
        ("programmes:need_hide", [403, 403, 302, 403]),
        ("programmes:need_shortlist", [403, 403, 302, 403]),
        ("programmes:need_merge", [403, 403, 200, 403]),
    ],
)
def test_actions_open_for_the_roles_that_use_them(
    request: Any, client_for: Any, need: Need, page: str, expected: list[int]
) -> None:
    data = {"text": "Me as well", "is_anonymous": "on", "reason": "Off topic"}
    for persona, status in zip(PERSONAS, expected, strict=True):
        user = request.getfixturevalue(persona)
        response = client_for(user).post(reverse(page, args=[need.pk]), data)
        assert response.status_code == status, persona


def test_comment_hide_is_for_coordinators_only(
    request: Any, client_for: Any, need: Need, member: User
) -> None:
    comment = Comment.objects.create(need=need, author=member, text="Yes")
    url = reverse("programmes:comment_hide", args=[comment.pk])
    for persona in ("member", "outreach_worker", "outsider"):
        user = request.getfixturevalue(persona)
        assert client_for(user).post(url, {"reason": "Rude"}).status_code == 403
    assert Comment.objects.get().hidden_reason == ""
    coordinator = request.getfixturevalue("coordinator")
    assert client_for(coordinator).post(url, {"reason": "Rude"}).status_code == 302
    assert Comment.objects.get().hidden_reason == "Rude"


@pytest.mark.parametrize(
    "page",
    [
        "programmes:need_support",
        "programmes:need_unsupport",
        "programmes:comment_create",
        "programmes:need_hide",
        "programmes:need_shortlist",
    ],
)
def test_actions_refuse_a_plain_get(
    client_for: Any, coordinator: User, need: Need, page: str
) -> None:
    assert client_for(coordinator).get(reverse(page, args=[need.pk])).status_code == 405


def test_needs_need_no_voting_consent(client_for: Any, member: User, need: Need) -> None:
    # The `member` persona has given no consent at all: raising and supporting needs is open to
    # every member; only priority rounds ask for the voting consent.
    assert not member.person.consents.exists()
    client_for(member).post(reverse("programmes:need_support", args=[need.pk]))
    assert Support.objects.filter(need=need, member=member).exists()


def test_the_menu_links_to_needs(client_for: Any, member: User, coordinator: User) -> None:
    for user in (member, coordinator):
        body = client_for(user).get(reverse("home")).content.decode()
        assert f'href="{reverse("programmes:need_list")}"' in body


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_most_supported_first_with_counts(
    client_for: Any, member: User, other_member: User, outreach_worker: User
) -> None:
    quiet = make_need(other_member, "Night bus")
    popular = make_need(other_member, "Legal advice after arrest", category="rights")
    for supporter in (member, other_member, outreach_worker):
        Support.objects.create(need=popular, member=supporter)
    Comment.objects.create(need=popular, author=other_member, text="Yes please")
    Comment.objects.create(need=popular, author=other_member, text="Spam", hidden_reason="spam")
    Support.objects.create(need=quiet, member=other_member)

    response = client_for(member).get(reverse("programmes:need_list"))
    needs = list(response.context["page"])
    assert needs == [popular, quiet]
    assert (needs[0].support_count, needs[0].comment_count, needs[0].supported) == (3, 1, True)
    assert (needs[1].support_count, needs[1].comment_count, needs[1].supported) == (1, 0, False)
    body = response.content.decode()
    assert "3 people support this" in body
    assert "1 comment" in body
    assert "You support this" in body
    assert "You support 1 need. You can support up to 5." in body


def test_the_list_filters_by_category(client_for: Any, member: User, other_member: User) -> None:
    make_need(other_member, "Night bus", category="safety")
    rights = make_need(other_member, "Legal advice", category="rights")
    response = client_for(member).get(reverse("programmes:need_list"), {"category": "rights"})
    assert list(response.context["page"]) == [rights]
    # An unknown category shows everything rather than an error.
    response = client_for(member).get(reverse("programmes:need_list"), {"category": "nope"})
    assert len(response.context["page"]) == 2


def test_the_list_leaves_out_merged_and_hidden_needs(
    client_for: Any, member: User, other_member: User, coordinator: User
) -> None:
    kept = make_need(other_member, "Kept need")
    shortlisted = make_need(other_member, "Shortlisted need", status=Need.Status.SHORTLISTED)
    make_need(other_member, "Merged need", status=Need.Status.MERGED, merged_into=kept)
    hidden = make_need(
        other_member, "Hidden need", status=Need.Status.HIDDEN, hidden_reason="Names a person"
    )
    for user in (member, coordinator):
        response = client_for(user).get(reverse("programmes:need_list"))
        assert set(response.context["page"]) == {kept, shortlisted}
    # Members cannot ask for the hidden ones; coordinators can, with the reason.
    response = client_for(member).get(reverse("programmes:need_list"), {"show": "hidden"})
    assert "Hidden need" not in response.content.decode()
    response = client_for(coordinator).get(reverse("programmes:need_list"), {"show": "hidden"})
    assert list(response.context["page"]) == [hidden]
    assert "Names a person" in response.content.decode()


def test_the_list_costs_the_same_queries_with_5_or_50_needs(
    client_for: Any, member: User, other_member: User
) -> None:
    client = client_for(member)
    client.get(reverse("programmes:need_list"))

    def add_needs(n: int) -> None:
        for i in range(n):
            need = make_need(other_member, f"Need {Need.objects.count()}", is_anonymous=i % 2 == 0)
            Support.objects.create(need=need, member=other_member)
            Comment.objects.create(need=need, author=other_member, text="Me too")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("programmes:need_list")).status_code == 200
        return len(captured)

    add_needs(5)
    few = queries()
    add_needs(45)
    # session, user, the count, one page of needs with their counts, authors and "you support",
    # and the member's supports used.
    assert queries() == few <= 6


# --- Hidden needs and anonymity --------------------------------------------------------------


def test_a_hidden_need_does_not_exist_for_members(
    client_for: Any, member: User, outreach_worker: User, coordinator: User, need: Need
) -> None:
    services.need_hide(need=need, reason="Names a client")
    missing = reverse("programmes:need_detail", args=[need.pk + 1000])
    for user in (member, outreach_worker, need.author):
        client = client_for(user)
        response = client.get(reverse("programmes:need_detail", args=[need.pk]))
        assert response.status_code == 404
        assert response.content == client.get(missing).content
        assert need.title not in client.get(reverse("programmes:need_list")).content.decode()
    response = client_for(coordinator).get(reverse("programmes:need_detail", args=[need.pk]))
    assert response.status_code == 200
    assert "Names a client" in response.content.decode()


def test_an_anonymous_need_never_shows_its_author_to_another_member(
    client_for: Any, member: User, outreach_worker: User, other_member: User, need: Need
) -> None:
    assert need.is_anonymous  # the default
    Comment.objects.create(need=need, author=other_member, text="It is urgent")
    for user in (member, outreach_worker):
        client = client_for(user)
        for url in (
            reverse("programmes:need_list"),
            reverse("programmes:need_detail", args=[need.pk]),
        ):
            body = client.get(url).content.decode()
            assert need.title in body
            assert other_member.username not in body
            assert "a member" in body


def test_coordinators_see_who_raised_an_anonymous_need(
    client_for: Any, coordinator: User, other_member: User, need: Need
) -> None:
    body = client_for(coordinator).get(reverse("programmes:need_detail", args=[need.pk]))
    assert other_member.username in body.content.decode()
    assert "name hidden from members" in body.content.decode()


def test_a_named_need_shows_its_author(client_for: Any, member: User, other_member: User) -> None:
    named = make_need(other_member, "Clinic evening hours", is_anonymous=False)
    body = client_for(member).get(reverse("programmes:need_detail", args=[named.pk]))
    assert other_member.username in body.content.decode()


def test_an_anonymous_comment_hides_its_author_from_other_members(
    client_for: Any, member: User, other_member: User, need: Need
) -> None:
    client_for(other_member).post(
        reverse("programmes:comment_create", args=[need.pk]),
        {"text": "Police took my phone", "is_anonymous": "on"},
    )
    body = client_for(member).get(reverse("programmes:need_detail", args=[need.pk]))
    text = body.content.decode()
    assert "Police took my phone" in text
    assert other_member.username not in text


# --- Raising a need --------------------------------------------------------------------------


def test_a_member_raises_a_need_anonymously_by_default(client_for: Any, member: User) -> None:
    client = client_for(member)
    form = client.get(reverse("programmes:need_create")).context["form"]
    assert form["is_anonymous"].initial is True
    assert "member" not in form.fields
    response = client.post(
        reverse("programmes:need_create"),
        {"title": "Free lubricant", "category": "health", "details": "", "is_anonymous": "on"},
    )
    need = Need.objects.get()
    assert response["Location"] == reverse("programmes:need_detail", args=[need.pk])
    assert (need.author, need.entered_by, need.is_anonymous) == (member, None, True)
    assert need.status == Need.Status.OPEN


def test_what_was_typed_is_kept_and_errors_show_beside_the_field(
    client_for: Any, member: User
) -> None:
    response = client_for(member).post(
        reverse("programmes:need_create"),
        {"title": "", "category": "health", "details": "Somewhere near the market"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This field is required."]
    body = response.content.decode()
    assert "Somewhere near the market" in body
    assert "invalid-feedback" in body
    assert not Need.objects.exists()


# --- Written down at a meeting ----------------------------------------------------------------

CREATE = reverse("programmes:need_create")


def at_meeting(**fields: Any) -> dict[str, Any]:
    return {"source": "meeting", "title": "Night clinic", "category": "health", **fields}


def test_a_worker_writes_a_need_down_for_a_member_who_agreed(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    client = client_for(outreach_worker)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["member"].queryset) == [member]
    client.post(CREATE, at_meeting(member=member.pk, agreed="on"))
    need = Need.objects.get()
    # The member chose to show their name: the box was left unticked.
    assert (need.author, need.entered_by, need.is_anonymous) == (member, outreach_worker, False)


def test_naming_a_member_needs_their_agreement(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    response = client_for(outreach_worker).post(CREATE, at_meeting(member=member.pk))
    assert "agreed" in response.context["form"].errors
    assert 'value="Night clinic"' in response.content.decode()  # what was typed stays
    assert not Need.objects.exists()


def test_a_worker_names_only_members_of_their_own_hotspots(
    client_for: Any, other_worker: User, member: User
) -> None:
    """`member` belongs to the first worker's hotspot: another hotspot's worker cannot speak for
    them, not even with an opening of their record."""
    members_services.outside_access_grant(
        worker=other_worker, person=member.person, reason="Met at the clinic"
    )
    client = client_for(other_worker)
    assert member not in client.get(CREATE).context["form"].fields["member"].queryset
    response = client.post(CREATE, at_meeting(member=member.pk, agreed="on"))
    assert "member" in response.context["form"].errors
    assert not Need.objects.exists()
    with pytest.raises(ValidationError):
        services.need_submit(
            author=member, entered_by=other_worker, title="Night clinic", category="health"
        )


def test_staff_logins_are_never_offered(
    client_for: Any,
    outreach_worker: User,
    coordinator: User,
    administrator: User,
    member: User,
    hotspot: Any,
) -> None:
    """Staff who have a record at the worker's hotspot, and a member whose record was erased."""
    peer = make_user("worker.peer", is_outreach_worker=True, is_member=True)
    for n, login in enumerate((peer, coordinator, administrator)):
        User.objects.filter(pk=login.pk).update(is_member=True)
        make_person(hotspot, f"STAF{n:04d}", user=login)
    gone = make_user("member.gone", is_member=True)
    make_person(hotspot, "GONE0001", user=gone, erased_at=timezone.now())
    offered = client_for(outreach_worker).get(CREATE).context["form"].fields["member"].queryset
    assert list(offered) == [member]
    for login in (peer, coordinator, administrator, outreach_worker):
        response = client_for(outreach_worker).post(
            CREATE, at_meeting(member=login.pk, agreed="on")
        )
        assert "member" in response.context["form"].errors
    assert not Need.objects.exists()


def test_a_need_written_down_for_a_member_says_so_wherever_the_author_shows(
    client_for: Any, outreach_worker: User, member: User, other_member: User, coordinator: User
) -> None:
    need = services.need_submit(
        author=member,
        entered_by=outreach_worker,
        title="Night clinic",
        category="health",
        is_anonymous=False,
    )
    detail = reverse("programmes:need_detail", args=[need.pk])
    list_url = reverse("programmes:need_list")
    seen = {
        member: "Raised by you, written down at a meeting",
        other_member: "Raised by member.test, written down at a meeting",
        coordinator: "Raised by member.test, written down at a meeting",
    }
    for viewer, line in seen.items():
        for url in (detail, list_url):
            assert line in client_for(viewer).get(url).content.decode(), (viewer, url)


def test_a_need_with_nobody_named_shows_nobody_as_raising_it(
    client_for: Any, outreach_worker: User, other_member: User, coordinator: User
) -> None:
    client_for(outreach_worker).post(CREATE, at_meeting(member=""))
    need = Need.objects.get()
    assert (need.author, need.entered_by, need.is_anonymous) == (
        outreach_worker,
        outreach_worker,
        True,
    )
    detail = reverse("programmes:need_detail", args=[need.pk])
    for viewer in (outreach_worker, other_member, coordinator):
        for url in (detail, reverse("programmes:need_list")):
            page = client_for(viewer).get(url).content.decode()
            assert "Written down at a meeting" in page, (viewer, url)
            assert "Raised by" not in page, (viewer, url)
            assert "name hidden from members" not in page
    # Coordinators still see who wrote it down.
    page = client_for(coordinator).get(detail).content.decode()
    assert "Written down by worker.test" in page


def test_a_worker_who_is_a_member_raises_their_own_need(
    client_for: Any, outreach_worker: User, member: User, other_member: User
) -> None:
    client = client_for(outreach_worker)
    refused = client.post(CREATE, at_meeting(source="own", member=member.pk, agreed="on"))
    assert "member" in refused.context["form"].errors
    client.post(CREATE, at_meeting(source="own", member="", is_anonymous="on"))
    need = Need.objects.get()
    assert (need.author, need.entered_by, need.is_anonymous) == (outreach_worker, None, True)
    page = client_for(other_member).get(reverse("programmes:need_detail", args=[need.pk]))
    assert "Raised by a member" in page.content.decode()
    assert "meeting" not in page.content.decode()


def test_a_worker_who_is_not_a_member_only_writes_needs_down(
    client_for: Any, outreach_worker: User
) -> None:
    User.objects.filter(pk=outreach_worker.pk).update(is_member=False)
    outreach_worker.refresh_from_db()
    client = client_for(outreach_worker)
    assert "source" not in client.get(CREATE).context["form"].fields
    client.post(CREATE, {"title": "Night clinic", "category": "health", "source": "own"})
    assert Need.objects.get().entered_by == outreach_worker


# --- Me too ----------------------------------------------------------------------------------


def test_supporting_twice_counts_once(client_for: Any, member: User, need: Need) -> None:
    client = client_for(member)
    url = reverse("programmes:need_support", args=[need.pk])
    client.post(url)
    client.post(url)
    assert Support.objects.filter(need=need).count() == 1
    assert services.need_support(member=member, need=need) is False


def test_a_simultaneous_second_support_is_caught_by_the_constraint(
    member: User, need: Need, monkeypatch: pytest.MonkeyPatch
) -> None:
    Support.objects.create(need=need, member=member)
    # As if the other tap's row appeared between the check and the insert.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    assert services.need_support(member=member, need=need) is False
    monkeypatch.undo()
    assert Support.objects.filter(need=need).count() == 1


def test_a_member_supports_at_most_the_limit(
    client_for: Any, member: User, other_member: User
) -> None:
    needs = [make_need(other_member, f"Need {i}") for i in range(NEED_SUPPORTS_MAX + 1)]
    client = client_for(member)
    for need in needs[:NEED_SUPPORTS_MAX]:
        client.post(reverse("programmes:need_support", args=[need.pk]))
    response = client.post(
        reverse("programmes:need_support", args=[needs[-1].pk]),
        {"next": reverse("programmes:need_list")},
        follow=True,
    )
    assert Support.objects.filter(member=member).count() == NEED_SUPPORTS_MAX
    assert "You already support 5 needs, the most anyone can." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("programmes:need_list")

    # Taking one back frees a support.
    client.post(reverse("programmes:need_unsupport", args=[needs[0].pk]))
    client.post(reverse("programmes:need_support", args=[needs[-1].pk]))
    assert Support.objects.filter(member=member, need=needs[-1]).exists()


def test_supports_of_closed_needs_do_not_count_towards_the_limit(
    member: User, other_member: User
) -> None:
    needs = [make_need(other_member, f"Need {i}") for i in range(NEED_SUPPORTS_MAX + 1)]
    for need in needs[:NEED_SUPPORTS_MAX]:
        services.need_support(member=member, need=need)
    services.need_hide(need=needs[0], reason="Off topic")
    assert services.need_support(member=member, need=needs[-1]) is True


def test_a_merged_or_hidden_need_cannot_be_supported(member: User, other_member: User) -> None:
    target = make_need(other_member, "Target")
    merged = make_need(other_member, "Merged", status=Need.Status.MERGED, merged_into=target)
    with pytest.raises(ValidationError):
        services.need_support(member=member, need=merged)
    assert not Support.objects.exists()


def test_a_support_goes_back_to_the_page_it_came_from_but_never_elsewhere(
    client_for: Any, member: User, need: Need
) -> None:
    client = client_for(member)
    back = reverse("programmes:need_list") + "?category=safety"
    response = client.post(reverse("programmes:need_support", args=[need.pk]), {"next": back})
    assert response["Location"] == back
    response = client.post(
        reverse("programmes:need_unsupport", args=[need.pk]), {"next": "https://example.org/"}
    )
    assert response["Location"] == reverse("programmes:need_detail", args=[need.pk])


@pytest.mark.django_db(transaction=True)
def test_taps_at_the_same_time_never_pass_the_limit(other_member: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    member = make_user("member.fast", is_member=True)
    needs = [make_need(other_member, f"Need {i}") for i in range(NEED_SUPPORTS_MAX * 2)]
    barrier = threading.Barrier(len(needs))

    def tap(need: Need) -> None:
        barrier.wait()
        try:
            services.need_support(member=member, need=need)
        except ValidationError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(need,)) for need in needs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Support.objects.filter(member=member).count() == NEED_SUPPORTS_MAX


@pytest.mark.django_db(transaction=True)
def test_many_taps_on_the_same_need_make_one_support(other_member: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    member = make_user("member.fast", is_member=True)
    need = make_need(other_member)
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def tap() -> None:
        barrier.wait()
        try:
            results.append(services.need_support(member=member, need=need))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert Support.objects.filter(need=need).count() == 1


# --- Comments --------------------------------------------------------------------------------


def test_a_member_comments_and_an_empty_comment_is_explained(
    client_for: Any, member: User, need: Need
) -> None:
    client = client_for(member)
    url = reverse("programmes:comment_create", args=[need.pk])
    refused = client.post(url, {"text": "  ", "is_anonymous": "on"})
    assert refused.status_code == 200
    assert refused.context["comment_form"].errors["text"] == ["This field is required."]
    response = client.post(url, {"text": "Me too, every week", "is_anonymous": "on"})
    assert response["Location"] == reverse("programmes:need_detail", args=[need.pk])
    comment = Comment.objects.get()
    assert (comment.author, comment.text, comment.is_anonymous) == (
        member,
        "Me too, every week",
        True,
    )


def test_a_hidden_comment_is_shown_only_to_coordinators(
    client_for: Any, member: User, coordinator: User, need: Need
) -> None:
    comment = Comment.objects.create(need=need, author=member, text="Call 555-0100")
    response = client_for(coordinator).post(
        reverse("programmes:comment_hide", args=[comment.pk]), {"reason": "A phone number"}
    )
    assert response["Location"] == reverse("programmes:need_detail", args=[need.pk])
    detail = reverse("programmes:need_detail", args=[need.pk])
    assert "555-0100" not in client_for(member).get(detail).content.decode()
    body = client_for(coordinator).get(detail).content.decode()
    assert "555-0100" in body
    assert "A phone number" in body


def test_hiding_needs_a_reason(client_for: Any, coordinator: User, need: Need) -> None:
    response = client_for(coordinator).post(
        reverse("programmes:need_hide", args=[need.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert Need.objects.get(pk=need.pk).status == Need.Status.OPEN


# --- Merge and shortlist ---------------------------------------------------------------------


def test_merging_moves_supports_without_counting_anyone_twice(
    client_for: Any, coordinator: User, member: User, other_member: User, outreach_worker: User
) -> None:
    source = make_need(other_member, "Lawyer for arrests")
    target = make_need(other_member, "Legal help")
    both, only_source, only_target = member, other_member, outreach_worker
    for supporter in (both, only_source):
        Support.objects.create(need=source, member=supporter)
    for supporter in (both, only_target):
        Support.objects.create(need=target, member=supporter)
    Need.objects.filter(pk=make_need(other_member, "Older duplicate").pk).update(
        status=Need.Status.MERGED, merged_into=source
    )

    response = client_for(coordinator).post(
        reverse("programmes:need_merge", args=[source.pk]), {"target": target.pk}
    )
    assert response["Location"] == reverse("programmes:need_detail", args=[target.pk])
    assert set(Support.objects.filter(need=target).values_list("member", flat=True)) == {
        both.pk,
        only_source.pk,
        only_target.pk,
    }
    assert not Support.objects.filter(need=source).exists()
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Need.Status.MERGED, target)
    assert Need.objects.get(title="Older duplicate").merged_into == target

    body = client_for(member).get(reverse("programmes:need_detail", args=[source.pk]))
    assert "This need was merged into" in body.content.decode()
    assert "Legal help" in body.content.decode()


def test_a_merge_is_one_transaction(
    coordinator: User, member: User, other_member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_need(other_member, "Lawyer for arrests")
    target = make_need(other_member, "Legal help")
    Support.objects.create(need=source, member=member)
    Support.objects.create(need=target, member=member)
    Support.objects.create(need=source, member=other_member)

    def fail(self: Need, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the server went away")

    # The supports have been moved when the last write fails: all of it must roll back.
    monkeypatch.setattr(Need, "save", fail)
    with pytest.raises(RuntimeError):
        services.need_merge(source=source, target=target)
    monkeypatch.undo()
    assert Support.objects.filter(need=source).count() == 2
    assert Support.objects.filter(need=target).count() == 1
    assert Need.objects.get(pk=source.pk).status == Need.Status.OPEN


def test_a_need_cannot_merge_into_itself_or_a_closed_need(other_member: User) -> None:
    source = make_need(other_member, "Lawyer")
    hidden = make_need(other_member, "Hidden", status=Need.Status.HIDDEN)
    for target in (source, hidden):
        with pytest.raises(ValidationError):
            services.need_merge(source=source, target=target)


def test_the_merge_page_offers_only_other_open_needs(
    client_for: Any, coordinator: User, other_member: User, need: Need
) -> None:
    other = make_need(other_member, "Legal help")
    make_need(other_member, "Hidden", status=Need.Status.HIDDEN)
    response = client_for(coordinator).get(reverse("programmes:need_merge", args=[need.pk]))
    assert list(response.context["form"].fields["target"].queryset) == [other]


def test_shortlisting_toggles(client_for: Any, coordinator: User, need: Need) -> None:
    client = client_for(coordinator)
    url = reverse("programmes:need_shortlist", args=[need.pk])
    client.post(url)
    assert Need.objects.get(pk=need.pk).status == Need.Status.SHORTLISTED
    client.post(url)
    assert Need.objects.get(pk=need.pk).status == Need.Status.OPEN
