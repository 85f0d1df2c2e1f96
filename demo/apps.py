from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Fictional data: `seed_demo` for `make run`, `generate_scale` for the benchmarks. It sits
    above every other app and nothing imports it (import-linter checks)."""

    name = "demo"
    verbose_name = _("Demo data")
