"""Sweeps other apps add to `gridgov sweep` (e.g. the disputes', the points'): registered from their
AppConfig.ready, so the command in cases needs to import none of them."""

from __future__ import annotations

from collections.abc import Callable

EXTRA_SWEEPS: dict[str, tuple[str, Callable[[], int]]] = {}  # name → (label for the report, function)


def register(name: str, label: str, run: Callable[[], int]) -> None:
    EXTRA_SWEEPS[name] = (label, run)


def run_all() -> dict[str, tuple[str, int]]:
    return {name: (label, run()) for name, (label, run) in EXTRA_SWEEPS.items()}
