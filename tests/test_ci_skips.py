"""A skip under CI=true fails the run: a proof that silently stops running must be noticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPING = """
import pytest

def test_needs_a_service():
    pytest.skip("the service is not running")

@pytest.mark.xfail(reason="a known failure, not a skip")
def test_known_failure():
    assert False
"""


def run(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SKIPPING)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-p", "tests.ci_skips", "-p", "no:django"]
    command += ["-p", "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path), "-q"]
    # The test's own interpreter and a file it wrote: no untrusted input.
    return subprocess.run(  # noqa: S603
        [*command, str(tmp_path / "test_sample.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("ci", [True, False], ids=["in CI", "locally"])
def test_a_skip_fails_only_in_ci(tmp_path: Path, ci: bool) -> None:
    result = run(tmp_path, ci=ci)
    if ci:
        assert result.returncode == 1, result.stdout
        assert "1 failed" in result.stdout
        assert "Skipped in CI, where every test must run: the service is not running" in (
            result.stdout
        )
    else:
        assert result.returncode == 0, result.stdout
        assert "1 skipped" in result.stdout
    assert "1 xfailed" in result.stdout
