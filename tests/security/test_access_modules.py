"""AZ-1's one door: every object fetch scoped to the user lives in the access.py of the app that
owns the model, never in a view module, where it hides from review and gets copied; and the
helpers say in their types what they take and give back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("members", "outreach", "programmes", "monitoring", "reminders")
# The names of fetch-for-the-user helpers and access predicates (STYLE.md, Code 7).
HELPER_NAME = re.compile(
    r"^_?(get_\w+_for_\w+|(get|find)_own_\w+|own_person|\w+_visible_to|may_\w+)$"
)


def _view_modules() -> list[Path]:
    found: list[Path] = []
    for app in APPS:
        found += sorted((ROOT / app / "views").glob("*.py"))
        found += [path for path in [ROOT / app / "views.py"] if path.exists()]
    return found


def _functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_an_access_module(app: str) -> None:
    assert (ROOT / app / "access.py").is_file()


def test_no_view_module_defines_an_access_helper() -> None:
    helpers = [
        f"{path.relative_to(ROOT)}: {function.name}"
        for path in _view_modules()
        for function in _functions(path)
        if HELPER_NAME.match(function.name)
    ]
    assert _view_modules(), "no view module found: the test looks in the wrong place"
    assert helpers == []


@pytest.mark.parametrize("app", APPS)
def test_access_helpers_are_typed_without_any(app: str) -> None:
    """Every argument and return value annotated, and with a real type: `Any` for the user or
    the object fetched would let a queryset pass for a model, or anything for a login."""
    path = ROOT / app / "access.py"
    untyped: list[str] = []
    for function in _functions(path):
        arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
        annotations = [argument.annotation for argument in arguments] + [function.returns]
        for annotation in annotations:
            if annotation is None or re.search(r"\bAny\b", ast.unparse(annotation)):
                untyped.append(f"{function.name}: {ast.unparse(annotation or ast.Constant(None))}")
    assert untyped == []
