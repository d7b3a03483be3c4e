"""Process-local snapshots of reference data that changes rarely (the working calendar, categories, centers and
who staffs them): read from the database at most every `max_age` seconds, at once after an edit made in this
process (`reset`, usually from a post_save signal), and thrown away between tests (`reset_snapshots`).

Another process sees an edit within `max_age` seconds. Hot paths (intake) read snapshots instead of asking the
database the same question on every request."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_registry: weakref.WeakSet[Snapshot] = weakref.WeakSet()


class Snapshot(Generic[T]):
    def __init__(self, load: Callable[[], T], *, max_age: float = 30.0, name: str = ""):
        self.load, self.max_age, self.name = load, max_age, name or load.__name__
        self._value: T | None = None
        self._at = 0.0
        self._generation = 0
        self._lock = threading.Lock()
        _registry.add(self)

    def get(self, *, max_age: float | None = None) -> T:
        limit = self.max_age if max_age is None else max_age
        value, at = self._value, self._at
        if value is not None and time.monotonic() - at <= limit:
            return value
        with self._lock:
            if self._value is None or time.monotonic() - self._at > limit:
                generation = self._generation
                value = self.load()
                if generation == self._generation:  # nobody reset it while we were loading
                    self._value, self._at = value, time.monotonic()
                return value
            return self._value

    def reset(self, *args, **kwargs) -> None:
        """Forget the snapshot (signature fits a signal receiver)."""
        self._generation += 1
        self._value, self._at = None, 0.0


def reset_snapshots() -> None:
    for snapshot in list(_registry):
        snapshot.reset()
