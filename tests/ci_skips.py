"""In CI a skipped test is a failed one. Locally a proof may skip when PostgreSQL, Redis, pg_dump,
Chromium or axe-core is missing; in CI (CI=true) every one of them is there, so a skip can only
mean a broken proof that would otherwise pass unnoticed."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[Any]:
    outcome = yield
    report = outcome.get_result()
    # An expected failure (xfail) is reported as skipped too: it is not a skip.
    if not os.environ.get("CI") or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    reason = str(reason).removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"Skipped in CI, where every test must run: {reason}"
