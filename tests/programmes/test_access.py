"""programmes.access, asked directly: the stage follows its programme's rules, rounds being
prepared and hidden comments stay out of the members' pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from members.models import User
from programmes import services
from programmes.access import comments_visible_to, get_stage_for_user, rounds_visible_to
from programmes.models import Comment, Need, Programme, Round, Stage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def request_of(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def stage(outreach_worker: User) -> Stage:
    programme = services.programme_create(
        programme=Programme(title="Night clinic", goal="Open late.", lead=outreach_worker)
    )
    return programme.stages.get(kind=Stage.Kind.DESIGN)


def test_a_stage_is_seen_by_members_and_changed_by_coordinators_only(
    stage: Stage, member: User, coordinator: User
) -> None:
    assert get_stage_for_user(request_of(member), stage.pk) == stage
    with pytest.raises(PermissionDenied):
        get_stage_for_user(request_of(member), stage.pk, write=True)
    assert get_stage_for_user(request_of(coordinator), stage.pk, write=True) == stage


def test_a_stage_does_not_exist_for_someone_who_may_not_see_programmes(stage: Stage) -> None:
    outsider = make_user("nobody.test")
    with pytest.raises(Http404):
        get_stage_for_user(request_of(outsider), stage.pk)
    with pytest.raises(Http404):
        get_stage_for_user(request_of(make_user("coordinator.two", is_coordinator=True)), 0)


def test_a_round_being_prepared_is_on_nobody_s_members_pages(
    member: User, coordinator: User
) -> None:
    now = timezone.now()
    times = {"opens_at": now, "closes_at": now + timedelta(days=7), "created_by": coordinator}
    draft = Round.objects.create(title="Draft", question="?", status=Round.Status.DRAFT, **times)
    opened = Round.objects.create(title="Open", question="?", status=Round.Status.OPEN, **times)
    for user in (member, coordinator):
        assert list(rounds_visible_to(user)) == [opened]
    assert Round.objects.filter(pk=draft.pk).exists()
    assert not rounds_visible_to(make_user("nobody.test")).exists()


def test_a_hidden_comment_is_visible_to_coordinators_only(member: User, coordinator: User) -> None:
    need = Need.objects.create(author=member, title="Safe place", category="safety")
    shown = Comment.objects.create(need=need, author=member, text="Me too")
    hidden = Comment.objects.create(need=need, author=member, text="Spam", hidden_reason="spam")
    assert list(comments_visible_to(member)) == [shown]
    assert list(comments_visible_to(coordinator)) == [shown, hidden]
