"""Snapshots of reference data: read once, re-read after max_age or a reset, never keep a load that a reset
overtook."""

from gridgov.core import snapshot as module
from gridgov.core.snapshot import Snapshot, reset_snapshots


def test_read_once_then_again_after_max_age_or_reset(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    snap = Snapshot(load, max_age=30)
    assert snap.get() == 1 and snap.get() == 1
    clock[0] += 29
    assert snap.get() == 1
    clock[0] += 2
    assert snap.get() == 2
    snap.reset()
    assert snap.get() == 3
    clock[0] += 0.5
    assert snap.get(max_age=0) == 4
    reset_snapshots()
    assert snap.get() == 5


def test_a_reset_during_a_load_wins():
    values = iter(["stale", "fresh"])
    snap = None

    def load():
        value = next(values)
        if value == "stale":
            snap.reset()  # an edit lands while the old data is being read
        return value

    snap = Snapshot(load)
    assert snap.get() == "stale"  # the caller gets what it read ...
    assert snap.get() == "fresh"  # ... but it is not kept
