"""The file the security proofs write their figures to (var/security-figures.json). The tests'
`figure` fixture, .ci/static_analysis.py and .ci/security_figures.py all go through here."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FIGURES_FILE = Path(__file__).resolve().parents[1] / "var" / "security-figures.json"


def load() -> dict[str, dict[str, Any]]:
    try:
        return json.loads(FIGURES_FILE.read_text())
    except (OSError, ValueError):
        return {}


def merge(recorded: dict[str, dict[str, Any]]) -> None:
    """Write these tests' figures with the time, keeping those of tests this run did not touch."""
    figures = load()
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    for test_id, values in recorded.items():
        figures[test_id] = {"recorded": stamp, **values}
    FIGURES_FILE.parent.mkdir(exist_ok=True)
    FIGURES_FILE.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
