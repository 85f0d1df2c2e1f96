"""The personal data registry (members.personal_data) covers every installed model that can reach
a person, whoever's app it is: a new model that refers to a person or a login, directly or
through another model, fails here until it says how it is shown, exported and erased, or why it
is exempt."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from members.models import Person, User
from members.personal_data import EXEMPT, REGISTRY, Keep, Registration, Wipe

PEOPLE = {Person, User}


def links(model: type[models.Model]) -> list[models.Field]:
    """The model's own links to other models: foreign keys, one-to-ones, many-to-manys."""
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation and (field.concrete or field.many_to_many) and not field.auto_created
    ]


def models_reaching_a_person() -> set[type[models.Model]]:
    """Every installed model (through tables of many-to-manys included) with a path of links to
    a Person or a login, however long."""
    every = apps.get_models(include_auto_created=True)
    reaching = set(PEOPLE)
    grew = True
    while grew:
        grew = False
        for model in every:
            if model not in reaching and any(f.related_model in reaching for f in links(model)):
                reaching.add(model)
                grew = True
    return reaching


def registered() -> set[type[models.Model]]:
    return {registration.model for registration in REGISTRY.values()}


def test_every_model_that_can_reach_a_person_is_registered_or_exempt(figure: Any) -> None:
    reaching = models_reaching_a_person() - PEOPLE
    missing = models_reaching_a_person() - registered() - set(EXEMPT)
    figure("DP-10", "installed models reaching a person or login", len(reaching))
    figure("DP-10", "kinds of record registered", len(REGISTRY))
    figure("DP-10", "models exempt with a reason", len(EXEMPT))
    figure("DP-10", "models neither registered nor exempt", len(missing))
    assert sorted(model._meta.label for model in missing) == []


def test_the_walk_finds_models_through_other_models_and_through_tables() -> None:
    """The control: the walk does follow chains and many-to-many tables."""
    from outreach.models import RiskAssessment, TracingAttempt
    from programmes.models import CountedBallot, Stage

    found = models_reaching_a_person()
    for model in (
        TracingAttempt,
        CountedBallot,
        Stage.committee.through,
        RiskAssessment.factors.through,
    ):
        assert model in found
    assert User.groups.through in found


def test_an_exemption_is_for_a_model_that_reaches_a_person_and_says_why() -> None:
    reaching = models_reaching_a_person()
    for model, reason in EXEMPT.items():
        assert model in reaching, f"{model._meta.label} reaches no one: drop its exemption"
        assert model not in registered(), f"{model._meta.label} is registered and exempt"
        assert len(reason) > 20


def test_the_ballot_tables_stay_out_of_anyones_data() -> None:
    from programmes.models import CountedBallot, EncryptedBallot, Result, Tracker

    assert {CountedBallot, EncryptedBallot, Result, Tracker} <= set(EXEMPT)


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_each_direct_link_to_a_person_or_login_is_declared(key: str) -> None:
    """Every link of a registered model to a Person or a login is one the registration follows
    (about whom the row is) or names as the staff who did the work."""
    declared: set[str] = set()
    for registration in REGISTRY.values():
        if registration.model is REGISTRY[key].model:
            for path in (*registration.person, *registration.login, *registration.staff):
                declared.add(path.split("__")[0])
    model = REGISTRY[key].model
    undeclared = [
        field.name
        for field in links(model)
        if field.related_model in PEOPLE and field.name not in declared
    ]
    assert undeclared == [], f"{model._meta.label}: say what {undeclared} is"


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_each_registration_says_how_it_is_erased_and_names_real_fields(key: str) -> None:
    registration: Registration = REGISTRY[key]
    assert str(registration.erase.says)
    if isinstance(registration.erase, Keep):
        assert len(str(registration.erase.says)) > 20  # a reason, not a shrug
    if isinstance(registration.erase, Wipe):
        for name in registration.erase.values:
            registration.model._meta.get_field(name)
    for path in registration.fields:
        if path not in registration.computed:
            *through, name = path.split(".")
            model = registration.model
            for link in through:
                model = model._meta.get_field(link).related_model
            model._meta.get_field(name)


def test_members_registers_without_importing_the_apps_above_it() -> None:
    """The registry lives in members, the lowest app: outreach, programmes and monitoring
    register themselves from their AppConfig.ready()."""
    root = Path(__file__).resolve().parents[2] / "members"
    for module in ("personal_data.py", "personal_data_members.py"):
        tree = ast.parse((root / module).read_text())
        imported = {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & {"outreach", "programmes", "monitoring"}, module
