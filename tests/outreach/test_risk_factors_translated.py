"""Issue 17: the default risk factors are seeded in English and shown in the page's language."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation

from outreach.models import DEFAULT_RISK_FACTORS, RiskFactor


def test_the_migration_seeds_the_factors_the_catalogue_translates() -> None:
    migration = importlib.import_module("outreach.migrations.0004_default_risk_factors")
    assert tuple(migration.DEFAULT_FACTORS) == DEFAULT_RISK_FACTORS


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_default_factor_shows_in_the_pages_language_and_an_own_one_as_written(
    language: str,
) -> None:
    # As migration 0004 writes them (a browser test before this one may have emptied the table).
    seeded = [RiskFactor.objects.get_or_create(name=name)[0] for name in DEFAULT_RISK_FACTORS]
    own = RiskFactor.objects.create(name="Works alone at the port", position=9)
    with translation.override(language):
        shown = [str(factor) for factor in seeded]
        assert not set(shown) & set(DEFAULT_RISK_FACTORS), shown
        assert str(own) == "Works alone at the port"
