"""Referrals: made from a person's page, followed to an outcome, traced at most three times; and
the 7/14/28-day completion rates."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import AccessLog, Hotspot, Person, User
from members.staffing import Share
from outreach import services
from outreach.indicators_referrals import completion_rates
from outreach.models import Partner, Referral, TracingAttempt
from outreach.rules import MAX_TRACING_ATTEMPTS, REFERRAL_WINDOWS
from tests.conftest import make_contact, make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def make_referral(person: Person, partner: Partner, worker: User, **fields: Any) -> Referral:
    made_on = fields.pop("made_on", TODAY() - timedelta(days=10))
    fields.setdefault("due_on", made_on + timedelta(days=7))
    fields.setdefault("service", "hiv_test")
    return Referral.objects.create(
        person=person, partner=partner, made_by=worker, made_on=made_on, **fields
    )


@pytest.fixture
def referral(person: Person, partner: Partner, outreach_worker: User) -> Referral:
    """Made ten days ago, due three days ago: open and overdue."""
    return make_referral(person, partner, outreach_worker)


def refer_data(partner: Partner, **extra: Any) -> dict[str, Any]:
    return {
        "action": "refer",
        "service": "hiv_test",
        "partner": partner.pk,
        "made_on": f"{TODAY():%Y-%m-%d}",
        "due_on": "",
        "contact": "",
        **extra,
    }


# --- Access matrix ---------------------------------------------------------------------------

PAGES = {
    "outreach:referral_list": lambda person, referral: [],
    "outreach:referral_create": lambda person, referral: [person.pk],
    "outreach:referral_detail": lambda person, referral: [referral.pk],
}
ACTIONS = {
    "outreach:referral_attended": {"attended_on": "{today}"},
    "outreach:referral_outcome": {"outcome": "Test done", "outcome_on": "{today}"},
    "outreach:referral_not_completed": {},
    "outreach:tracing_create": {
        "tracing-method": "phone",
        "tracing-outcome": "not_reached",
        "tracing-attempted_on": "{today}",
    },
}


def action_data(name: str) -> dict[str, str]:
    return {k: v.format(today=f"{TODAY():%Y-%m-%d}") for k, v in ACTIONS[name].items()}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("coordinator", 200)],
)
def test_referral_pages_open_for_the_persons_workers_and_coordinators(
    request: Any,
    client_for: Any,
    person: Person,
    referral: Referral,
    page: str,
    persona: str,
    status: int,
) -> None:
    user = request.getfixturevalue(persona)
    url = reverse(page, args=PAGES[page](person, referral))
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize("page", [*PAGES, *ACTIONS])
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, person: Person, referral: Referral, page: str
) -> None:
    args = PAGES[page](person, referral) if page in PAGES else [referral.pk]
    response = client.get(reverse(page, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", ["outreach:referral_create", "outreach:referral_detail"])
def test_a_worker_elsewhere_cannot_tell_an_existing_record_from_a_missing_one(
    client_for: Any, other_worker: User, person: Person, referral: Referral, page: str
) -> None:
    client = client_for(other_worker)
    existing = client.get(reverse(page, args=PAGES[page](person, referral)))
    missing = client.get(reverse(page, args=[max(person.pk, referral.pk) + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


@pytest.mark.parametrize("action", ACTIONS)
def test_a_worker_elsewhere_cannot_change_a_referral_or_learn_it_exists(
    client_for: Any, other_worker: User, referral: Referral, action: str
) -> None:
    client = client_for(other_worker)
    existing = client.post(reverse(action, args=[referral.pk]), action_data(action))
    missing = client.post(reverse(action, args=[referral.pk + 1000]), action_data(action))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MADE
    assert not referral.tracing_attempts.exists()


def test_a_worker_elsewhere_cannot_refer_someone_else_s_person(
    client_for: Any, other_worker: User, person: Person, partner: Partner
) -> None:
    url = reverse("outreach:referral_create", args=[person.pk])
    response = client_for(other_worker).post(url, refer_data(partner))
    assert response.status_code == 404
    assert not Referral.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("outreach_worker", 302), ("coordinator", 302)]
)
def test_status_changes_are_for_the_persons_workers_and_coordinators(
    request: Any, client_for: Any, referral: Referral, action: str, persona: str, status: int
) -> None:
    if action == "outreach:referral_outcome":
        Referral.objects.filter(pk=referral.pk).update(status="attended", attended_on=TODAY())
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse(action, args=[referral.pk]), action_data(action))
    assert response.status_code == status


def test_status_changes_take_posts_only(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    url = reverse("outreach:referral_not_completed", args=[referral.pk])
    assert client_for(outreach_worker).get(url).status_code == 405


def test_the_list_shows_only_referrals_of_the_workers_people(
    client_for: Any,
    outreach_worker: User,
    other_worker: User,
    referral: Referral,
    other_hotspot: Hotspot,
    partner: Partner,
) -> None:
    elsewhere = make_person(other_hotspot, "ZZZZ0101", nickname="Elsewhere")
    make_referral(elsewhere, partner, other_worker)
    body = client_for(outreach_worker).get(reverse("outreach:referral_list")).content.decode()
    assert "Sunny" in body
    assert "Elsewhere" not in body
    body = client_for(other_worker).get(reverse("outreach:referral_list")).content.decode()
    assert "Elsewhere" in body
    assert "Sunny" not in body


# --- Making a referral -----------------------------------------------------------------------


def test_a_worker_refers_a_person_and_it_is_due_after_the_first_window(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    url = reverse("outreach:referral_create", args=[person.pk])
    response = client_for(outreach_worker).post(url, refer_data(partner))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("outreach:referral_detail", args=[referral.pk])
    assert referral.person == person
    assert referral.made_by == outreach_worker
    assert referral.status == Referral.Status.MADE
    assert referral.due_on == TODAY() + timedelta(days=REFERRAL_WINDOWS[0])
    entry = AccessLog.objects.get(person=person, action=AccessLog.Action.CHANGE)
    assert entry.detail == f"referral #{referral.pk} made"
    # The log is read by the person: it names no service and no partner.
    assert "HIV" not in entry.detail and partner.name not in entry.detail


def test_the_referral_can_be_linked_to_a_contact_with_that_person(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    contact = make_contact(person, outreach_worker)
    url = reverse("outreach:referral_create", args=[person.pk])
    page = client_for(outreach_worker).get(f"{url}?contact={contact.pk}").content.decode()
    assert f'value="{contact.pk}" selected' in page
    client_for(outreach_worker).post(url, refer_data(partner, contact=contact.pk))
    assert Referral.objects.get().contact == contact


def test_a_contact_with_someone_else_cannot_be_linked(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner, hotspot: Hotspot
) -> None:
    other = make_person(hotspot, "OTHE0101", nickname="Other")
    contact = make_contact(other, outreach_worker)
    url = reverse("outreach:referral_create", args=[person.pk])
    response = client_for(outreach_worker).post(url, refer_data(partner, contact=contact.pk))
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_a_due_date_before_the_referral_is_refused_beside_the_field(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    yesterday = f"{TODAY() - timedelta(days=1):%Y-%m-%d}"
    url = reverse("outreach:referral_create", args=[person.pk])
    response = client_for(outreach_worker).post(url, refer_data(partner, due_on=yesterday))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["due_on"] == ["The due date cannot be before the referral date."]
    assert f'value="{yesterday}"' in response.content.decode()  # what was typed stays
    assert not Referral.objects.exists()
    # A refused referral is still a look at the record.
    assert AccessLog.objects.filter(person=person, action=AccessLog.Action.VIEW).exists()


def test_a_partner_not_offering_the_service_is_refused(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    url = reverse("outreach:referral_create", args=[person.pk])
    response = client_for(outreach_worker).post(url, refer_data(partner, service="legal_aid"))
    assert "does not list this service" in response.context["form"].errors["partner"][0]
    assert not Referral.objects.exists()


def test_the_partner_list_narrows_to_those_offering_the_service_and_keeps_what_was_typed(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    lawyers = Partner.objects.create(name="Test lawyers", kind="legal", services=["legal_aid"])
    Partner.objects.create(name="Closed clinic", kind="health", is_active=False)
    url = reverse("outreach:referral_create", args=[person.pk])
    client = client_for(outreach_worker)
    everyone = list(client.get(url).context["form"].fields["partner"].queryset)
    assert everyone == [partner, lawyers]  # active ones only
    a_week_ago = f"{TODAY() - timedelta(days=7):%Y-%m-%d}"
    response = client.post(
        url, refer_data(partner, action="filter", service="legal_aid", made_on=a_week_ago)
    )
    assert list(response.context["form"].fields["partner"].queryset) == [lawyers]
    assert f'value="{a_week_ago}"' in response.content.decode()
    assert not response.context["form"].errors
    assert not Referral.objects.exists()


# --- Made -> attended -> outcome, or not completed -------------------------------------------


def test_a_referral_goes_from_made_to_attended_to_an_outcome(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    client = client_for(outreach_worker)
    attended = TODAY() - timedelta(days=2)
    client.post(
        reverse("outreach:referral_attended", args=[referral.pk]),
        {"attended_on": f"{attended:%Y-%m-%d}"},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.attended_on) == (Referral.Status.ATTENDED, attended)

    response = client.post(
        reverse("outreach:referral_outcome", args=[referral.pk]),
        {"outcome": "Test done, next visit booked", "outcome_on": f"{TODAY():%Y-%m-%d}"},
    )
    assert response["Location"] == reverse("outreach:referral_detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED
    assert referral.outcome == "Test done, next visit booked"
    details = set(
        AccessLog.objects.filter(person=referral.person, action="change").values_list(
            "detail", flat=True
        )
    )
    assert details == {f"referral #{referral.pk} attended", f"referral #{referral.pk} outcome"}


def test_attendance_before_the_referral_is_refused_beside_the_field(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    before = f"{referral.made_on - timedelta(days=1):%Y-%m-%d}"
    response = client_for(outreach_worker).post(
        reverse("outreach:referral_attended", args=[referral.pk]), {"attended_on": before}
    )
    assert response.status_code == 200
    assert response.context["attended_form"].errors["attended_on"] == [
        "This is before the referral was made."
    ]
    assert f'value="{before}"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MADE


def test_an_outcome_needs_attendance_first(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    response = client_for(outreach_worker).post(
        reverse("outreach:referral_outcome", args=[referral.pk]),
        {"outcome": "Test done", "outcome_on": f"{TODAY():%Y-%m-%d}"},
        follow=True,
    )
    assert "mark it attended first" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MADE


def test_the_outcome_is_ciphertext_in_the_table_and_plain_through_the_model(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    referral.status, referral.attended_on = Referral.Status.ATTENDED, TODAY() - timedelta(days=1)
    referral.save()
    outcome = "Advice given, second visit next month"
    client_for(outreach_worker).post(
        reverse("outreach:referral_outcome", args=[referral.pk]),
        {"outcome": outcome, "outcome_on": f"{TODAY():%Y-%m-%d}"},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM outreach_referral WHERE id = %s", [referral.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA")  # a Fernet token
    assert "Advice" not in raw
    referral.refresh_from_db()
    assert referral.outcome == outcome
    page = client_for(outreach_worker).get(reverse("outreach:referral_detail", args=[referral.pk]))
    assert outcome in page.content.decode()


def test_a_referral_without_an_outcome_stores_null(referral: Referral) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome FROM outreach_referral WHERE id = %s", [referral.pk])
        assert cursor.fetchone()[0] is None


def test_an_outcome_over_200_characters_is_refused_beside_the_field(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    referral.status, referral.attended_on = Referral.Status.ATTENDED, TODAY() - timedelta(days=1)
    referral.save()
    response = client_for(outreach_worker).post(
        reverse("outreach:referral_outcome", args=[referral.pk]),
        {"outcome": "x" * 201, "outcome_on": f"{TODAY():%Y-%m-%d}"},
    )
    assert response.status_code == 200
    assert response.context["outcome_form"].errors["outcome"]
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (Referral.Status.ATTENDED, None)


BEFORE = ("outreach", "0004_default_risk_factors")
ENCRYPTED = ("outreach", "0005_referral_outcome_encrypted")


def _raw_outcomes() -> dict[int, str | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, outcome FROM outreach_referral")
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_plain_outcomes_already_stored_and_back(
    person: Person, partner: Partner, outreach_worker: User
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("outreach", "Referral")
        made_on = TODAY() - timedelta(days=10)
        common = {
            "person_id": person.pk,
            "partner_id": partner.pk,
            "made_by_id": outreach_worker.pk,
            "service": "hiv_test",
            "made_on": made_on,
            "due_on": made_on + timedelta(days=7),
        }
        done = old.objects.create(**common, status="completed", outcome="Treatment started").pk
        open_ = old.objects.create(**common, status="made", outcome="").pk
        assert _raw_outcomes() == {done: "Treatment started", open_: ""}

        executor = MigrationExecutor(connection)
        executor.migrate([ENCRYPTED])
        raw = _raw_outcomes()
        assert raw[done].startswith("gAAAA") and "Treatment" not in raw[done]
        assert raw[open_] is None
        assert dict(Referral.objects.values_list("pk", "outcome")) == {
            done: "Treatment started",
            open_: None,
        }

        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        assert _raw_outcomes() == {done: "Treatment started", open_: ""}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_not_completed_can_still_turn_into_attended(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    client = client_for(outreach_worker)
    client.post(reverse("outreach:referral_not_completed", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.LOST
    client.post(
        reverse("outreach:referral_attended", args=[referral.pk]),
        {"attended_on": f"{TODAY():%Y-%m-%d}"},
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ATTENDED


def test_an_attended_referral_cannot_be_marked_not_completed(
    outreach_worker: User, referral: Referral
) -> None:
    services.referral_mark_attended(actor=outreach_worker, referral=referral, attended_on=TODAY())
    with pytest.raises(services.ReferralRefused):
        services.referral_mark_not_completed(actor=outreach_worker, referral=referral)


def test_reading_a_referral_is_logged_for_the_person(
    client_for: Any, coordinator: User, referral: Referral
) -> None:
    client_for(coordinator).get(reverse("outreach:referral_detail", args=[referral.pk]))
    entry = AccessLog.objects.get(person=referral.person)
    assert (entry.actor, entry.action) == (coordinator, AccessLog.Action.VIEW)
    assert entry.detail == f"referral #{referral.pk}"


# --- Tracing ---------------------------------------------------------------------------------


def trace(client: Client, referral: Referral) -> Any:
    return client.post(
        reverse("outreach:tracing_create", args=[referral.pk]),
        action_data("outreach:tracing_create"),
        follow=True,
    )


def test_tracing_is_numbered_and_a_fourth_attempt_is_refused(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    client = client_for(outreach_worker)
    for _ in range(MAX_TRACING_ATTEMPTS):
        assert "Tracing attempt recorded." in trace(client, referral).content.decode()
    numbers = list(referral.tracing_attempts.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, MAX_TRACING_ATTEMPTS + 1))
    page = trace(client, referral).content.decode()
    assert "already traced 3 times, the most allowed" in page
    assert "Record a tracing attempt" not in page  # the form is gone, too
    assert referral.tracing_attempts.count() == MAX_TRACING_ATTEMPTS
    assert AccessLog.objects.filter(
        detail__startswith=f"referral #{referral.pk} traced"
    ).count() == (MAX_TRACING_ATTEMPTS)


def test_the_service_refuses_a_fourth_attempt(outreach_worker: User, referral: Referral) -> None:
    for _ in range(MAX_TRACING_ATTEMPTS):
        services.tracing_attempt_add(
            actor=outreach_worker,
            referral=referral,
            method=TracingAttempt.Method.PHONE,
            outcome=TracingAttempt.Outcome.NOT_REACHED,
            attempted_on=TODAY(),
        )
    with pytest.raises(services.ReferralRefused, match="most allowed"):
        services.tracing_attempt_add(
            actor=outreach_worker,
            referral=referral,
            method=TracingAttempt.Method.PHONE,
            outcome=TracingAttempt.Outcome.NOT_REACHED,
            attempted_on=TODAY(),
        )


def test_the_database_refuses_an_attempt_past_the_one_tracing_rule(
    outreach_worker: User, referral: Referral
) -> None:
    # The model keeps no limit of its own: its check constraint is built from the rule.
    assert not hasattr(TracingAttempt, "MAX_ATTEMPTS")
    fields = {
        "referral": referral,
        "worker": outreach_worker,
        "method": TracingAttempt.Method.PHONE,
        "outcome": TracingAttempt.Outcome.NOT_REACHED,
    }
    TracingAttempt.objects.create(number=MAX_TRACING_ATTEMPTS, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        TracingAttempt.objects.create(number=MAX_TRACING_ATTEMPTS + 1, **fields)


def test_completion_is_counted_by_the_indicator_alone() -> None:
    # attended_within is the one 7/14/28-day test; the model kept a second, unused copy.
    assert not hasattr(Referral, "completed_within")


def test_a_closed_referral_is_not_traced(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    services.referral_mark_attended(actor=outreach_worker, referral=referral, attended_on=TODAY())
    page = trace(client_for(outreach_worker), referral).content.decode()
    assert "Only an open referral is traced." in page
    assert not referral.tracing_attempts.exists()


def test_a_tracing_date_in_the_future_is_refused_beside_the_field(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    data = {**action_data("outreach:tracing_create")}
    data["tracing-attempted_on"] = f"{TODAY() + timedelta(days=1):%Y-%m-%d}"
    response = client_for(outreach_worker).post(
        reverse("outreach:tracing_create", args=[referral.pk]), data
    )
    assert response.context["tracing_form"].errors["attempted_on"] == [
        "This date is in the future."
    ]
    assert not referral.tracing_attempts.exists()


# --- The list --------------------------------------------------------------------------------


def test_the_list_filters_open_overdue_and_all(
    client_for: Any, outreach_worker: User, person: Person, partner: Partner
) -> None:
    overdue = make_referral(person, partner, outreach_worker, service="prep")
    not_yet = make_referral(
        person, partner, outreach_worker, made_on=TODAY(), due_on=TODAY() + timedelta(days=7)
    )
    done = make_referral(
        person, partner, outreach_worker, status="attended", attended_on=TODAY(), service="art"
    )
    client = client_for(outreach_worker)

    def shown(show: str) -> set[int]:
        page = client.get(reverse("outreach:referral_list"), {"show": show}).context["page"]
        return {r.pk for r in page}

    assert shown("open") == {overdue.pk, not_yet.pk}
    assert shown("overdue") == {overdue.pk}
    assert shown("all") == {overdue.pk, not_yet.pk, done.pk}
    assert shown("nonsense") == shown("open")


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_costs_the_same_queries_however_many_referrals(
    client_for: Any,
    coordinator: User,
    person: Person,
    partner: Partner,
    outreach_worker: User,
    django_assert_max_num_queries: Any,
    rows: int,
) -> None:
    for n in range(rows):
        referral = make_referral(person, partner, outreach_worker)
        if n % 2:
            TracingAttempt.objects.create(
                referral=referral, number=1, method="phone", outcome="reached", worker=coordinator
            )
    client = client_for(coordinator)
    # session, user, authenticator (two-factor check), the count, and one page of referrals
    # with person, partner, maker and the number of tracing attempts.
    with django_assert_max_num_queries(6):  # one more: the inbox bell
        response = client.get(reverse("outreach:referral_list"), {"show": "all"})
    assert response.status_code == 200
    assert len(response.context["page"]) == min(rows, 25)


def test_the_person_page_lists_their_referrals_with_a_refer_button(
    client_for: Any, outreach_worker: User, referral: Referral
) -> None:
    body = (
        client_for(outreach_worker)
        .get(reverse("outreach:person_detail", args=[referral.person_id]))
        .content.decode()
    )
    assert reverse("outreach:referral_detail", args=[referral.pk]) in body
    assert reverse("outreach:referral_create", args=[referral.person_id]) in body


def test_the_navigation_links_to_referrals_for_staff_only(
    client_for: Any, outreach_worker: User, member: User
) -> None:
    url = reverse("outreach:referral_list")
    assert f'href="{url}"' in client_for(outreach_worker).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_for(member).get(reverse("home")).content.decode()


# --- Completion within 7, 14 and 28 days -----------------------------------------------------

AS_OF = date(2026, 3, 31)


def row(made_days_ago: int, attended_after: int | None, partner: int = 1) -> SimpleNamespace:
    made_on = AS_OF - timedelta(days=made_days_ago)
    attended_on = None if attended_after is None else made_on + timedelta(days=attended_after)
    return SimpleNamespace(partner_id=partner, made_on=made_on, attended_on=attended_on)


def rates(rows: list[SimpleNamespace]) -> dict[int, tuple[int, int]]:
    return {
        w.days: (w.overall.numerator, w.overall.denominator)
        for w in completion_rates(rows, as_of=AS_OF)
    }


def test_attended_on_day_seven_counts_for_seven_days() -> None:
    assert rates([row(30, 7)]) == {7: (1, 1), 14: (1, 1), 28: (1, 1)}


def test_attended_on_day_eight_counts_for_fourteen_not_seven() -> None:
    assert rates([row(30, 8)]) == {7: (0, 1), 14: (1, 1), 28: (1, 1)}


def test_a_referral_made_six_days_ago_is_not_yet_counted() -> None:
    assert rates([row(6, None)]) == {7: (0, 0), 14: (0, 0), 28: (0, 0)}


def test_a_referral_made_seven_days_ago_enters_the_seven_day_window_only() -> None:
    assert rates([row(7, None)]) == {7: (0, 1), 14: (0, 0), 28: (0, 0)}


def test_an_early_attendance_does_not_count_before_its_window_is_over() -> None:
    # Attended on day 2 of a referral made 10 days ago: counted for 7 days, not yet for 14.
    assert rates([row(10, 2)]) == {7: (1, 1), 14: (0, 0), 28: (0, 0)}


def test_windows_can_be_chosen_and_rates_are_given_per_partner() -> None:
    rows = [row(40, 3, partner=1), row(40, 20, partner=1), row(40, None, partner=2)]
    (fourteen,) = completion_rates(rows, windows=(14,), as_of=AS_OF)
    assert fourteen.days == 14
    assert (fourteen.overall.numerator, fourteen.overall.denominator) == (1, 3)
    # The one Share of the staffing figures: a rate is a part of a whole like any other.
    assert fourteen.overall == Share(1, 3)
    assert fourteen.overall.percent == 33
    assert fourteen.by_partner == {1: Share(1, 2), 2: Share(0, 1)}


def test_no_referrals_give_no_percent() -> None:
    (seven, *_rest) = completion_rates([], as_of=AS_OF)
    assert seven.overall.percent is None
    assert seven.by_partner == {}


def test_model_rows_work_as_they_are(
    person: Person, partner: Partner, outreach_worker: User
) -> None:
    make_referral(person, partner, outreach_worker, made_on=AS_OF - timedelta(days=28))
    attended = make_referral(person, partner, outreach_worker, made_on=AS_OF - timedelta(days=28))
    attended.attended_on = attended.made_on + timedelta(days=28)
    attended.save()
    (_seven, _fourteen, twenty_eight) = completion_rates(Referral.objects.all(), as_of=AS_OF)
    assert twenty_eight.by_partner[partner.pk].numerator == 1
    assert twenty_eight.by_partner[partner.pk].denominator == 2
