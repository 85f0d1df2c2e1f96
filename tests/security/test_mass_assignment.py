"""AZ-3: mass assignment. Every form a member, an outreach worker or a coordinator sends is sent
valid, plus keys it does not have (another worker, another hotspot, role flags, ids, statuses,
timestamps, hashes), chosen by Hypothesis. The saved rows take the form's fields and what the
service decides, never the extra keys; the sender's own login gains no role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.forms import CodeForm
from members.models import Consent, Hotspot, NotificationPreference, Person, User
from monitoring.models import Complaint, Feedback
from outreach.models import Contact, GroupActivity, Partner, Referral
from programmes.models import Comment, Need
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

# Symbolic values, resolved against the test's objects: an attacker names real rows.
EXTRA_KEYS = {
    "worker": "other_worker",
    "hotspot": "other_hotspot",
    "person": "other_person",
    "user": "coordinator",
    "author": "coordinator",
    "made_by": "other_worker",
    "registered_by": "other_worker",
    "entered_by": "other_worker",
    "handled_by": "coordinator",
    "merged_into": "other_person",
    "is_coordinator": "on",
    "is_staff": "on",
    "is_superuser": "on",
    "is_outreach_worker": "on",
    "uic_hash": "0" * 64,
    "created_at": "2001-01-01T00:00:00Z",
    "registered_at": "2001-01-01T00:00:00Z",
    "erased_at": "2001-01-01T00:00:00Z",
    "hidden_reason": "spam",
    "id": "999999",
    "pk": "999999",
}
STATUSES = ["hidden", "shortlisted", "closed", "completed", "not_completed", "left", "followed_up"]
EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        **{key: st.just(value) for key, value in EXTRA_KEYS.items()},
        "status": st.sampled_from(STATUSES),
    },
).filter(bool)
LONG_AGO = datetime(2001, 1, 2, tzinfo=UTC)
serial = count(1)


@dataclass
class Case:
    """One form: who sends it, where, its valid fields, and the checks on the row it saves."""

    name: str
    role: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], dict[str, Any]]
    saved: Callable[[dict[str, Any]], Any]  # the row the post saved (or changed)
    checks: Callable[[Any, dict[str, Any]], dict[str, bool]]
    legit: set[str] = field(default_factory=set)  # keys that are the form's own fields
    updates: bool = False  # changes one row in place rather than adding one


def code_parts(n: int) -> dict[str, str]:
    letters = "bcdfghjklmnpqrstvwxz"
    return {
        "code_mother": letters[n % 20] + letters[(n // 20) % 20],
        "code_father": "zy",
        "code_birth_order": str(n % 9 + 1),
        "code_birth_year": f"{n % 100:02d}",
    }


def typed_code(n: int) -> str:
    """The hash the code form makes of the parts typed for registration `n`."""
    form = CodeForm(code_parts(n))
    assert form.is_valid(), form.errors
    return form.cleaned_data["uic_hash"]


def newest(model: type[Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda w: model.objects.order_by("-pk").first()


def recent(row: Any, name: str) -> bool:
    return getattr(row, name) > LONG_AGO


CASES = [
    Case(
        "contact",
        "worker",
        lambda w: reverse("outreach:contact_create"),
        lambda w: {
            "person": w["person"].pk,
            "form_key": str(uuid4()),
            "contacted_on": timezone.localdate().isoformat(),
            "kind": "one_to_one",
            "male_condoms": "5",
            "female_condoms": "0",
            "lubricant": "0",
            "self_test_kits": "0",
        },
        newest(Contact),
        lambda c, w: {
            "worker": c.worker_id == w["worker"].pk,
            "person": c.person_id == w["person"].pk,
            "hotspot": c.hotspot_id == w["hotspot"].pk,
            "id": c.pk != 999999,
            "created_at": recent(c, "created_at"),
        },
        legit={"person"},
    ),
    Case(
        "person registration",
        "worker",
        lambda w: reverse("members:person_register"),
        lambda w: {
            **code_parts(w["n"]),
            "action": "register",
            "nickname": f"Wren {w['n']}",
            "age_band": "25-34",
            "status": "active",
            "hotspot": w["hotspot"].pk,
        },
        newest(Person),
        lambda p, w: {
            "uic_hash": p.uic_hash == typed_code(w["n"]),
            "registered_by": p.registered_by_id == w["worker"].pk,
            "user": p.user_id is None,
            "merged_into": p.merged_into_id is None,
            "erased_at": p.erased_at is None,
            "registered_at": recent(p, "registered_at"),
            "hotspot": p.hotspot_id == w["hotspot"].pk,
            "id": p.pk != 999999,
        },
        legit={"hotspot", "status"},
    ),
    Case(
        "person edit",
        "worker",
        lambda w: reverse("members:person_edit", args=[w["person"].pk]),
        lambda w: {
            "nickname": f"Sunny {w['n']}",
            "age_band": "25-34",
            "status": "active",
            "hotspot": w["hotspot"].pk,
        },
        lambda w: Person.objects.get(pk=w["person"].pk),
        lambda p, w: {
            "uic_hash": p.uic_hash == w["person"].uic_hash,
            "registered_by": p.registered_by_id == w["person"].registered_by_id,
            "user": p.user_id is None,
            "merged_into": p.merged_into_id is None,
            "erased_at": p.erased_at is None,
            "registered_at": p.registered_at == w["person"].registered_at,
            "nickname": p.nickname == f"Sunny {w['n']}",  # the control: the form did save
        },
        legit={"hotspot", "status"},
        updates=True,
    ),
    Case(
        "referral",
        "worker",
        lambda w: reverse("outreach:referral_create", args=[w["person"].pk]),
        lambda w: {
            "action": "refer",
            "service": "hiv_test",
            "partner": w["partner"].pk,
            "made_on": timezone.localdate().isoformat(),
            "due_on": "",
            "contact": "",
        },
        newest(Referral),
        lambda r, w: {
            "made_by": r.made_by_id == w["worker"].pk,
            "person": r.person_id == w["person"].pk,
            "status": r.status == Referral.Status.MADE,
            "id": r.pk != 999999,
        },
        legit={"partner", "contact"},
    ),
    Case(
        "need",
        "member",
        lambda w: reverse("programmes:need_create"),
        lambda w: {"title": f"Need {w['n']}", "category": "safety", "details": "More light"},
        newest(Need),
        lambda n, w: {
            "author": n.author_id == w["member"].pk,
            "entered_by": n.entered_by_id is None,
            "status": n.status == Need.Status.OPEN,
            "merged_into": n.merged_into_id is None,
            "created_at": recent(n, "created_at"),
            "id": n.pk != 999999,
        },
    ),
    Case(
        "comment",
        "member",
        lambda w: reverse("programmes:comment_create", args=[w["need"].pk]),
        lambda w: {"text": f"Me too {w['n']}"},
        newest(Comment),
        lambda c, w: {
            "author": c.author_id == w["member"].pk,
            "need": c.need_id == w["need"].pk,
            "hidden_reason": c.hidden_reason == "",
            "id": c.pk != 999999,
        },
    ),
    Case(
        "complaint",
        "member",
        lambda w: reverse("monitoring:complaint_create"),
        lambda w: {"place": "outreach", "partner": "", "description": f"Rude {w['n']}"},
        newest(Complaint),
        lambda c, w: {
            "person": c.person_id == w["member"].person.pk,
            "status": c.status == Complaint.Status.RAISED,
            "handled_by": c.handled_by_id is None,
            "id": c.pk != 999999,
        },
    ),
    Case(
        "feedback",
        "member",
        lambda w: reverse("monitoring:feedback_create"),
        lambda w: {
            "place": "partner",
            "partner": w["partner"].pk,
            "respect": "3",
            "confidentiality": "2",
            "waiting_time": "2",
            "commodities_available": "yes",
            "would_recommend": "yes",
            "comment": "",
        },
        newest(Feedback),
        lambda f, w: {
            "hotspot": f.hotspot_id != w["other_hotspot"].pk,
            "id": f.pk != 999999,
        },
        legit={"partner"},
    ),
    Case(
        "notification preferences",
        "member",
        lambda w: reverse("reminders:notification_preferences"),
        lambda w: {"sender_name": f"Garden club {w['n']}"},
        lambda w: NotificationPreference.objects.filter(user=w["member"]).first(),
        lambda p, w: {
            "user": p.user_id == w["member"].pk,
            "sender_name": p.sender_name == f"Garden club {w['n']}",  # the control
        },
        updates=True,
    ),
    Case(
        "own consent",
        "member",
        lambda w: reverse("members:own_consent"),
        lambda w: {"purpose": "voting", "given": "1" if w["n"] % 2 else "0"},
        lambda w: Consent.objects.filter(purpose="voting").order_by("-pk").first(),
        lambda c, w: {
            "person": c.person_id == w["member"].person.pk,
            # The control: the button did what it said.
            "given": (c.withdrawn_at is None) == bool(w["n"] % 2),
        },
        updates=True,
    ),
    Case(
        "group activity",
        "worker",
        lambda w: reverse("outreach:activity_create"),
        lambda w: {
            "kind": "support_group",
            "title": f"Support group {w['n']}",
            "held_on": timezone.localdate().isoformat(),
            "hotspot": w["hotspot"].pk,
            "facilitator": w["worker"].pk,
            "other_attendees": "2",
        },
        newest(GroupActivity),
        lambda a, w: {
            "hotspot": a.hotspot_id == w["hotspot"].pk,
            "facilitator": a.facilitator_id == w["worker"].pk,
            "id": a.pk != 999999,
        },
        legit={"hotspot", "facilitator"},
    ),
]
ROLE_FLAGS = ("is_staff", "is_superuser", "is_coordinator", "is_outreach_worker", "is_member")
CHANGED: list[str] = []


@pytest.fixture
def objects(
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
    person: Person,
    partner: Partner,
) -> dict[str, Any]:
    return {
        "hotspot": hotspot,
        "other_hotspot": other_hotspot,
        "member": member,
        "worker": outreach_worker,
        "other_worker": other_worker,
        "coordinator": coordinator,
        "person": person,
        "other_person": make_person(other_hotspot, "OTHR0185", nickname="Elsewhere"),
        "partner": partner,
        "need": Need.objects.create(author=member, title="Night bus", category="safety"),
    }


def resolve(extras: dict[str, str], objects: dict[str, Any], legit: set[str]) -> dict[str, Any]:
    """The extra keys as posted: symbolic values become the ids of real rows."""
    return {
        key: objects[value].pk if value in objects else value
        for key, value in extras.items()
        if key not in legit
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_extra_fields_never_reach_a_saved_row(
    case: Case, objects: dict[str, Any], figure: Any
) -> None:
    sender: User = objects[case.role]
    client = Client()
    client.force_login(sender)
    flags = {flag: getattr(sender, flag) for flag in ROLE_FLAGS}
    posts = []

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(extras=EXTRAS)
    def send(extras: dict[str, str]) -> None:
        world = {**objects, "n": next(serial)}
        if case.name == "person edit":
            world["person"] = Person.objects.get(pk=objects["person"].pk)
        before = case.saved(world)
        before_pk = before.pk if before is not None else None
        response = client.post(
            case.url(world), {**case.data(world), **resolve(extras, objects, case.legit)}
        )
        assert response.status_code in (200, 302), (case.name, response.status_code)
        row = case.saved(world)
        saved_one = row is not None and (case.updates or row.pk != before_pk)
        assert saved_one, f"{case.name}: the valid form saved nothing ({response.status_code})"
        taken = [name for name, kept in case.checks(row, world).items() if not kept]
        sender.refresh_from_db()
        taken += [flag for flag in ROLE_FLAGS if getattr(sender, flag) != flags[flag]]
        posts.append(extras)
        if taken:
            CHANGED.append(f"{case.name}: {taken} after {sorted(extras)}")
        assert not taken, (case.name, taken, extras)

    send()
    figure("AZ-3", f"posts: {case.name}", len(posts))
    figure("AZ-3", "forms", len(CASES))
    figure("AZ-3", "rows changed", len(CHANGED))
