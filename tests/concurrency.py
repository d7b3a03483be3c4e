"""Races on purpose: run calls in threads released together, for the tests that two callers at once get exactly what
one should (one case for one key, one escalation, the last item to one person, one vote per household)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(*calls: Callable[[], Any], timeout: float = 60) -> tuple[list[Any], list[BaseException]]:
    """Start each call in its own thread, let them go at the same moment (a barrier), wait for all of them and return
    (what the calls returned, what they raised), each in the order they finished. Each thread closes its own database
    connections (Django opens one a thread). A call still running after `timeout` seconds fails the test."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    stuck = sum(t.is_alive() for t in threads)
    assert not stuck, f"{stuck} of {len(threads)} calls still running after {timeout} s"
    return results, errors
