"""The server bench/intake.py runs: gridgov's production settings and middleware, with bench_urls in front of
gridgov's URLs so the same process also answers the write floor (/_bench/write-floor/)."""

from gridgov.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
