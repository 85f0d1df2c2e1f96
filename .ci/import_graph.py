"""How the apps import each other, against the direction SPEC.md draws: members at the
bottom, outreach, programmes and safety above it and independent of each other, monitoring on
top.
Prints every import that runs the other way (upward or sideways), whether it runs when the
module loads or only inside a function, and the cycles between apps. `make imports` runs it on
this checkout; give it another checkout's folder to measure that one, for example an earlier
main: `git worktree add /tmp/c5c6e19 c5c6e19 && .venv/bin/python .ci/import_graph.py /tmp/c5c6e19`.
It measures; import-linter (`make lint`, the contracts in pyproject.toml) enforces."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
# The layer of each package: a package may import only packages of a lower layer. Packages an
# older checkout does not have are simply absent.
LAYERS = {
    "common": -1,
    "members": 0,
    "outreach": 1,
    "programmes": 1,
    "safety": 1,
    "monitoring": 2,
    "reminders": 3,
    "demo": 4,
    "config": 5,
}


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, child.lineno, top))
            visit(child, inner)

    visit(tree, True)
    return found


def main() -> int:
    against: list[tuple[str, str, int, str, bool]] = []
    edges: dict[str, set[str]] = defaultdict(set)
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            for module, line, top in imports_of(path):
                target = module.split(".")[0]
                if target not in LAYERS or target == app:
                    continue
                edges[app].add(target)
                if LAYERS[target] >= LAYERS[app]:
                    rel = str(path.relative_to(ROOT))
                    against.append((app, target, line, f"{rel}:{line} imports {module}", top))
    for _app, _target, _line, where, top in sorted(against):
        print(f"{'module level' if top else 'in a function'}: {where}")
    cycles = [(a, b) for a in LAYERS for b in LAYERS if a < b and b in edges[a] and a in edges[b]]
    top_level = sum(1 for *_, top in against if top)
    print(
        f"\n{len(against)} imports against the direction ({top_level} at module level); "
        f"{len(cycles)} pairs of apps importing each other: "
        + (", ".join(f"{a} <-> {b}" for a, b in cycles) or "none")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
