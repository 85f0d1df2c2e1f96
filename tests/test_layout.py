"""The shape of the code (SPEC.md, "How the code depends on itself"; README, Layout) holds: views
stay short, and the one-way import contract and the type check are part of `make lint`. The
contracts themselves are enforced by `lint-imports` and mypy in `make lint` (CI)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("members", "outreach", "programmes", "safety", "monitoring", "reminders")
# A view reads through access, selectors and services and renders; past this it is split.
VIEW_LINES = 30


# What builds a database query: a model's manager, and the queryset methods that narrow, join
# or shape it (`values` is left out: a dict's values() reads alike). A view asks access.py, a
# selector or a service instead.
QUERYING = {
    "objects",
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "extra",
    "raw",
}


def _view_modules() -> list[Path]:
    modules = []
    for app in APPS:
        found = [*sorted((ROOT / app / "views").glob("*.py")), ROOT / app / "views.py"]
        modules += [m for m in found if m.exists()]
    return modules


def _view_functions() -> list[tuple[str, int]]:
    found = []
    for path in _view_modules():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((f"{path.relative_to(ROOT)}:{node.name}", length))
    return found


def test_views_build_no_query() -> None:
    """One home per app for reads: no view module names a manager or a queryset method."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}"
        for path in _view_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in QUERYING
    ]
    assert found == []


def test_views_are_short() -> None:
    found = _view_functions()
    assert len(found) > 100  # the walk found the views
    assert [(name, n) for name, n in found if n > VIEW_LINES] == []


def test_every_application_package_is_in_the_import_contract_and_the_type_check() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "benchmarks"}
    }
    assert set(contract["root_packages"]) == packages
    layered = {
        name.strip() for layer in contract["contracts"][0]["layers"] for name in layer.split("|")
    }
    assert layered == packages
    lint = (ROOT / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]
    assert "lint-imports" in lint
    assert f"mypy {' '.join(sorted(packages))}" in lint
    assert config["tool"]["mypy"]["disallow_untyped_defs"] is True
