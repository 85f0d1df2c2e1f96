"""The risk and vulnerability assessment: the organization's factors, more than PRIORITY_FACTORS
of them makes a priority, reassessment in six months, the default factors and the admin."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.periods import months_later
from members.models import AccessLog, Person, User
from outreach import rules, services
from outreach.models import RiskAssessment, RiskFactor

pytestmark = pytest.mark.django_db

DEFAULTS = importlib.import_module("outreach.migrations.0004_default_risk_factors")


@pytest.fixture
def factors(db: None) -> list[RiskFactor]:
    # Transactional tests elsewhere empty the tables the data migration filled: start afresh.
    RiskFactor.objects.all().delete()
    made = [RiskFactor.objects.create(name=f"Factor {n}", position=n) for n in range(1, 9)]
    RiskFactor.objects.create(name="Retired factor", position=9, is_active=False)
    return made


def url(person: Person) -> str:
    return reverse("outreach:risk_assess", args=[person.pk])


def data(chosen: list[RiskFactor], **fields: Any) -> dict[str, Any]:
    return {
        "factors": [f.pk for f in chosen],
        "reassess_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **fields,
    }


# --- Access matrix ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client, person: Person) -> None:
    assert client.get(url(person))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("outreach_worker", 200), ("other_worker", 404), ("coordinator", 200)],
)
def test_the_assessment_opens_for_the_persons_workers_and_coordinators(
    request: Any, client_for: Any, person: Person, factors: Any, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url(person)).status_code == status


def test_a_worker_of_another_hotspot_cannot_tell_the_person_exists(
    client_for: Any, other_worker: User, person: Person
) -> None:
    client = client_for(other_worker)
    existing = client.get(url(person))
    missing = client.get(reverse("outreach:risk_assess", args=[person.pk + 1000]))
    assert existing.status_code == missing.status_code == 404
    assert existing.content == missing.content


def test_a_worker_of_another_hotspot_cannot_assess_the_person(
    client_for: Any, other_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    assert client_for(other_worker).post(url(person), data(factors)).status_code == 404
    assert not RiskAssessment.objects.exists()


# --- Assessing -------------------------------------------------------------------------------


def test_the_form_lists_only_the_active_factors(
    client_for: Any, outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    page = client_for(outreach_worker).get(url(person)).content.decode()
    assert all(f.name in page for f in factors)
    assert "Retired factor" not in page


def test_more_than_the_threshold_makes_a_priority(
    client_for: Any, outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    client = client_for(outreach_worker)
    response = client.post(url(person), data(factors[: rules.PRIORITY_FACTORS + 1]))
    assert response["Location"] == reverse("outreach:person_detail", args=[person.pk])
    assessment = RiskAssessment.objects.get()
    assert assessment.is_priority
    assert assessment.assessed_by == outreach_worker
    assert assessment.factors.count() == rules.PRIORITY_FACTORS + 1
    page = client.get(response["Location"]).content.decode()
    assert "contact them every week" in page
    assert "Priority" in page


def test_exactly_the_threshold_is_not_a_priority(
    outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    assessment = services.risk_assess(
        actor=outreach_worker,
        person=person,
        factors=factors[: rules.PRIORITY_FACTORS],
        reassess_on=timezone.localdate() + timedelta(days=1),
    )
    assert not assessment.is_priority


def test_reassessment_is_in_six_months_by_default(
    client_for: Any, outreach_worker: User, person: Person, factors: Any
) -> None:
    response = client_for(outreach_worker).get(url(person))
    expected = months_later(timezone.localdate(), services.REASSESS_MONTHS)
    assert response.context["form"]["reassess_on"].value() == expected


@pytest.mark.parametrize(
    ("day", "later"),
    [
        (date(2025, 1, 15), date(2025, 7, 15)),
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2025, 12, 1), date(2026, 6, 1)),
    ],
)
def test_six_months_later_keeps_the_day_or_takes_the_months_last(day: date, later: date) -> None:
    assert months_later(day, 6) == later


def test_a_reassessment_day_in_the_past_is_explained_and_the_ticks_kept(
    client_for: Any, outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    response = client_for(outreach_worker).post(
        url(person), data(factors[:2], reassess_on=timezone.localdate().isoformat())
    )
    assert response.status_code == 200
    assert "reassess_on" in response.context["form"].errors
    assert response.context["form"]["factors"].value() == [str(factors[0].pk), str(factors[1].pk)]
    assert not RiskAssessment.objects.exists()


def test_the_form_ticks_the_last_assessments_factors(
    client_for: Any, outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    services.risk_assess(
        actor=outreach_worker,
        person=person,
        factors=[factors[2]],
        reassess_on=timezone.localdate() + timedelta(days=30),
    )
    form = client_for(outreach_worker).get(url(person)).context["form"]
    assert form["factors"].value() == [factors[2].pk]


def test_assessing_twice_the_same_day_corrects_that_days_assessment(
    client_for: Any, outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    client = client_for(outreach_worker)
    client.post(url(person), data(factors[:1]))
    client.post(url(person), data(factors[:5]))
    assessment = RiskAssessment.objects.get()
    assert assessment.is_priority
    assert assessment.factors.count() == 5


def test_the_change_is_in_the_access_log_without_the_answers(
    client_for: Any, outreach_worker: User, person: Person, factors: list[RiskFactor]
) -> None:
    client_for(outreach_worker).post(url(person), data(factors[:4]))
    entry = AccessLog.objects.get(person=person, action="change")
    assert entry.detail == services.ASSESSMENT_LOG_DETAIL


def test_the_person_page_links_to_the_assessment(
    client_for: Any, coordinator: User, person: Person
) -> None:
    page = client_for(coordinator).get(reverse("outreach:person_detail", args=[person.pk]))
    assert url(person) in page.content.decode()
    assert "Risk not assessed yet." in page.content.decode()


# --- Default factors and the admin -----------------------------------------------------------


def test_the_data_migration_adds_eight_factors_only_where_none_exist(db: None) -> None:
    RiskFactor.objects.all().delete()
    DEFAULTS.create_default_factors(apps, None)
    assert RiskFactor.objects.count() == 8
    assert RiskFactor.objects.filter(is_active=True).count() == 8
    RiskFactor.objects.filter(name="Under 25").update(name="Under 21")
    DEFAULTS.create_default_factors(apps, None)
    assert RiskFactor.objects.count() == 8
    assert RiskFactor.objects.filter(name="Under 21").exists()


def test_the_organization_sets_its_factors_in_the_admin() -> None:
    assert admin.site.is_registered(RiskFactor)


def test_an_administrator_opens_the_factors_in_the_admin(
    client_for: Any, administrator: User, factors: Any
) -> None:
    response = client_for(administrator).get(reverse("admin:outreach_riskfactor_changelist"))
    assert response.status_code == 200
    assert "Factor 1" in response.content.decode()
