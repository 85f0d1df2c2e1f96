"""Run one piece of work in several threads released together, as several Celery workers or
beats would: for the outbox tests that prove a row is delivered once whoever races for it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(work: Callable[[], int], *, threads: int = 4, timeout: float = 120) -> list[int]:
    """Each thread's result. An error in a thread is raised here rather than lost with it; each
    thread closes its own database connection."""
    barrier = threading.Barrier(threads)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
