"""The project's settings plus the framework's floor (`/bench/floor/`) for benchmarks/run.py.
Everything else is config.settings unchanged, so the pages measured are the pages served."""

from __future__ import annotations

import os
from pathlib import Path

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

# collectstatic writes to a temporary directory of the run, never into the checkout.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

# One benchmark login looks up the same code 220 times in a few seconds, far past a worker's
# allowance (members.lookup): the timing is of the look-up, not of the refusal.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "code_lookup": "100000/10m/user"}  # noqa: F405
