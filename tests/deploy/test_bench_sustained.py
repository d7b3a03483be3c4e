"""bench/sustained.py's verdict on a held rate: the backlog is a saw-tooth (the workers deliver once a minute), so
it is judged by each whole minute's top after the first, not by its last reading."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _sustained():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_sustained", BENCH / "sustained.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))
        for sibling in ("burst", "intake", "_pg"):  # loaded with the ports of the moment: not for later tests
            sys.modules.pop(sibling, None)


def _rows(backlog):
    """Readings every 5 s; backlog(t) split between the two kinds of waiting work."""
    return [(t, {"cases": 0, "undelivered": backlog(t) - backlog(t) // 3, "untriaged": backlog(t) // 3})
            for t in range(5, 600, 5)]


def test_a_saw_tooth_that_comes_back_each_minute_does_not_grow():
    growth = _sustained().growth
    tooth = lambda t: 40 * (t % 60)  # noqa: E731 — 40 a second piled up, all delivered at each minute
    assert growth(_rows(tooth)) == 0.0


def test_a_backlog_that_rises_from_minute_to_minute_grows_by_its_rate():
    growth = _sustained().growth
    rising = lambda t: 40 * (t % 60) + 6 * t  # noqa: E731 — the same tooth on a floor that rises 6 a second
    assert abs(growth(_rows(rising)) - 6.0) < 0.01
    assert growth(_rows(lambda t: 7 * t)) > 6.9  # never delivered: it only grows


def test_the_first_minute_and_a_cut_last_one_are_not_judged():
    growth = _sustained().growth
    rows = _rows(lambda t: 1000 if t < 60 else 100)  # the warm-up's minute
    rows += [(600, {"cases": 0, "undelivered": 9000, "untriaged": 0})]  # a last minute that had one reading
    assert growth(rows) == 0.0
    assert growth(rows[:14]) == 0.0  # fewer than two whole minutes: nothing to fit
