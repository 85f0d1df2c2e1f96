"""Accessibility checks with axe-core (from the npm registry, see package.json)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page as it is now and fail on any WCAG A/AA violation."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing; .ci/run installs it with npm ci.")
        pytest.skip("axe-core is not installed (npm ci)")
    # Evaluated through the DevTools protocol, so the page's strict CSP stays as it is.
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            });
            return result.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length})`);
        }"""
    )
    assert violations == [], violations


def assert_fits_the_screen(page: Any) -> None:
    """Nothing may scroll sideways on a 360 px phone."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
