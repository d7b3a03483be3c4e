"""How fast the department classifier suggests, one message at a time on one core (the way intake calls it), over
the real messages of ../shared/datasets/tipdm2020 (or --data): load time, then p50/p95/p99 and mean per message.
messages per second. Last line: `triage_p50_ms=… p99_ms=… mean_ms=…`.

    OMP_NUM_THREADS=1 .venv/bin/python bench/triage.py [--data <folder or csv>] [--n 2000]"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets" / "tipdm2020"))
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    import django

    django.setup()
    from gridgov.triage import classifier

    rows = classifier.read_rows(Path(args.data))
    t = time.perf_counter()
    classifier.load()
    classifier.predict("预热", "预热")
    print(f"load (model and segmenter): {time.perf_counter() - t:.2f} s")
    times = []
    for i in range(args.n):
        r = rows[i % len(rows)]
        t = time.perf_counter()
        classifier.predict(r.title, r.text)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    q = statistics.quantiles(times, n=100)
    chars = statistics.mean(len(r.title) + len(r.text) for r in rows)
    print(f"{args.n} messages (mean {chars:.0f} characters): p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, "
          f"p99 {q[98]:.2f} ms, mean {statistics.mean(times):.2f} ms — {1000 / statistics.mean(times):.0f} "
          "messages per second on one core")
    print(f"triage_p50_ms={q[49]:.2f} p99_ms={q[98]:.2f} mean_ms={statistics.mean(times):.2f}")


if __name__ == "__main__":
    main()
