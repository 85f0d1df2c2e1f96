"""Each rule and each list of names is written once in the application (the architecture
review): a rule lives in its app's rules module and is defined nowhere else, and no two modules
hold the same list or text as constants of their own. Reads the source; runs none of it."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("members", "monitoring", "outreach", "programmes", "safety")
RULES = ("outreach/rules.py", "programmes/rules.py")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _constants(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    """Upper-case names given a value at module level or in a class body."""
    bodies = [tree.body] + [node.body for node in tree.body if isinstance(node, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    yield target.id, value


def _defined(tree: ast.Module) -> set[str]:
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return functions | {name for name, _value in _constants(tree)}


def test_a_rule_is_defined_in_its_rules_module_and_nowhere_else() -> None:
    modules = dict(_modules())
    again = {
        (rules, path, name)
        for rules in RULES
        for path, tree in modules.items()
        if path != rules
        for name in _defined(modules[rules]) & _defined(tree)
    }
    assert not again


def _long_literal(value: ast.expr) -> object | None:
    """A text of 6 characters or more, or a list of 3 items or more, written out; else None."""
    try:
        literal = ast.literal_eval(value)
    except ValueError:
        return None
    if isinstance(literal, str) and len(literal) >= 6:
        return literal
    if isinstance(literal, tuple | list | frozenset | set) and len(literal) >= 3:
        return repr(sorted(map(repr, literal)))
    return None


def test_no_list_or_text_is_a_constant_of_two_modules() -> None:
    places: dict[object, set[str]] = defaultdict(set)
    for path, tree in _modules():
        for name, value in _constants(tree):
            literal = _long_literal(value)
            if literal is not None:
                places[literal].add(f"{path}:{name}")
    assert {value: where for value, where in places.items() if len(where) > 1} == {}
