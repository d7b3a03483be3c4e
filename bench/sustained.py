"""Sustained intake on the production topology (issue #18): reports through nginx for `--minutes` (10 by default)
as fast as the topology answers (wrk, 32 connections, each sending its next report when the last is answered), while
the Huey workers run the sweep and deliver the notifications every minute as in production; then the same load on
one app process (its own port, no nginx) for the scaling ratio.

    .venv/bin/python bench/sustained.py [--minutes 10] [--single-minutes M] [--clients 32] [--keep]
    .venv/bin/python bench/sustained.py --rate 60 [--minutes 10]

With `--rate R` it sends R reports a second on a fixed schedule instead (open loop, latency counted from each
report's due time) for `--minutes`, to show whether the topology *holds* that rate: every report accepted on
time, and the work the reports make for the workers (messages to deliver, suggestions to make) not piling up —
judged by the slope of each whole minute's top after the first (delivery runs once a minute: a saw-tooth).
Last line:
`held_per_s=<R> accepted_per_s=<x> p99_ms=<x> backlog_growth_per_s=<x> backlog_max=<n> held=<yes|no>`.

Every 30 s it prints what the database holds: cases accepted, messages waiting for delivery, cases waiting for
their triage suggestion. After the nginx run it waits (up to 5 min) for the workers to catch up: nothing accepted
may stay undelivered or untriaged. Needs what deploy/topology.sh needs (root, or nginx and pgbouncer installed)
and `wrk`. Last line:
`sustained_per_s=<x> single_process_per_s=<y> scaling_ratio=<x/y> p99_ms=<nginx run> caught_up_s=<s>`
(`caught_up_s=none`: the workers had not caught up five minutes after the load).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from burst import PORTS, PRIMARY, ROOT, app_env, on_schedule, pct, topology  # noqa: E402
from intake import need, run_wrk  # noqa: E402

WORLD = f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from _pg import tiny_district
from gridgov.accounts.services import api_token_issue, membership_grant, user_create
world = tiny_district()
system = user_create(actor=None, username="sustained-system", password="", is_system=True)
membership_grant(actor=None, user=system, role_code="center_dispatcher", region=world["district"])
print("TOKEN", api_token_issue(actor=None, user=system, name="sustained")[1])
"""


def make_world(app: dict) -> str:
    out = subprocess.run([str(ROOT / ".venv/bin/gridgov"), "shell"], input=WORLD, env=app, capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit(f"the world was not made:\n{out.stderr[-3000:]}")
    return next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("TOKEN "))


def state() -> dict:
    """Cases, messages not yet delivered, cases not yet triaged (on the primary)."""
    import psycopg

    with psycopg.connect(PRIMARY) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {"cases": one("SELECT count(*) FROM cases_case"),
                "undelivered": one("SELECT count(*) FROM notify_message WHERE status IN ('pending', 'sending')"),
                "untriaged": one("SELECT count(*) FROM cases_case WHERE suggested_by = ''")}


def drained(limit: float = 300) -> tuple[dict, float | None]:
    """Wait up to `limit` seconds for the workers to deliver every message and triage every case. Returns the last
    state and the seconds it took (None: not within the limit)."""
    t = time.monotonic()
    while ((left := state())["undelivered"] or left["untriaged"]) and time.monotonic() - t < limit:
        time.sleep(2)
    return left, None if left["undelivered"] or left["untriaged"] else time.monotonic() - t


class Sampler(threading.Thread):
    """Reads the state every `every` seconds while the load runs; prints every `quiet`-th reading."""

    def __init__(self, every: float = 30, quiet: int = 1):
        super().__init__(daemon=True)
        self.every, self.quiet, self.halt, self.rows = every, quiet, threading.Event(), []
        self.t0 = time.monotonic()

    def run(self):
        while not self.halt.wait(self.every):
            s = state()
            self.rows.append((time.monotonic() - self.t0, s))
            if len(self.rows) % self.quiet == 0:
                print(f"  {time.monotonic() - self.t0:5.0f} s: {s['cases']:,} cases, {s['undelivered']:,} messages "
                      f"waiting, {s['untriaged']:,} cases untriaged", flush=True)


def load(wrk: str, port: int, token: str, clients: int, seconds: int, tag: str) -> dict:
    before = state()["cases"]
    sampler = Sampler()
    sampler.start()
    out = run_wrk(wrk, port, token, clients, seconds, tag)
    sampler.halt.set()
    out["accepted"] = (state()["cases"] - before) / seconds
    return out


def report(k: int, token: str, tag: str) -> tuple[str, bytes, dict]:
    """Report k of a held run: as bench/intake.lua's, at a random point of the bench district."""
    rnd = random.Random(k)
    body = {"channel": "grid_worker", "description": f"基准上报 {tag}-{k}:路边垃圾堆放", "category": "1101",
            "lon": round(113.30 + rnd.random() * 0.04, 6), "lat": round(23.10 + rnd.random() * 0.03, 6),
            "idempotency_key": f"{tag}-{k}"}
    return "/api/v1/cases/", json.dumps(body).encode(), {"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {token}"}


def growth(rows: list[tuple[float, dict]], window: float = 60) -> float:
    """How fast the backlog (messages waiting + cases untriaged) grows, per second: the least-squares slope of
    its highest value in each whole minute after the first. The workers deliver once a minute, so the backlog is
    a saw-tooth; a topology that keeps pace has the same tooth every minute."""
    tops: dict[int, int] = {}
    for t, s in rows:
        if t >= window:
            tops[int(t // window)] = max(tops.get(int(t // window), 0), s["undelivered"] + s["untriaged"])
    whole = sorted(tops.items())[:-1] if len(tops) > 2 else sorted(tops.items())  # the last minute may be cut
    if len(whole) < 2:
        return 0.0
    mt = sum(k for k, _ in whole) / len(whole)
    mb = sum(b for _, b in whole) / len(whole)
    return sum((k - mt) * (b - mb) for k, b in whole) / sum((k - mt) ** 2 for k, _ in whole) / window


def made(tag: str) -> int:
    """The cases the run tagged `tag` made (their reports' idempotency keys carry the tag)."""
    import psycopg

    with psycopg.connect(PRIMARY) as con:
        return con.execute("SELECT count(DISTINCT case_id) FROM cases_casekey WHERE key LIKE %s",
                           [f"%:{tag}-%"]).fetchone()[0]


def held_run(rate: float, seconds: float, clients: int, token: str, *, drain: float = 300) -> dict:
    """`rate` reports a second for `seconds` through nginx on a fixed schedule, the backlog read every 5 s; then
    up to `drain` seconds for the workers to empty it. Held: every report made its case, none refused, all
    answered within 5 s of the schedule's end, and the backlog's minute top grew by at most 2 % of the rate."""
    tag = f"h{time.time_ns()}"
    sampler = Sampler(every=5, quiet=6)
    sampler.start()
    count = int(rate * seconds)
    sent = on_schedule(count, seconds, clients, lambda k: report(k, token, tag), port=PORTS["WEB"])
    sampler.halt.set()
    rows = sampler.rows
    slope, top = growth(rows), max((s["undelivered"] + s["untriaged"] for _, s in rows), default=0)
    left, emptied = drained(drain)
    cases = made(tag)
    ok = (sent["seconds"] <= seconds + 5 and not sent["refused"] and not sent["failed"] and cases == count
          and slope <= 0.02 * rate)
    return {"rate": rate, "seconds": seconds, "sent": count, "cases": cases, "answered_after": sent["seconds"],
            "retries": sent["retries"], "refused": sent["refused"], "failed": sent["failed"],
            "latency": sent["latency"], "growth": slope, "top": top, "drained": emptied, "left": left, "held": ok}


def print_held(run: dict) -> None:
    p50, p95, p99 = (pct(run["latency"], p) for p in (50, 95, 99))
    left = run["left"]
    print(f"{run['rate']:g} reports/s for {run['seconds']:g} s through nginx: {run['cases']:,} cases made of "
          f"{run['sent']:,} sent, all answered after {run['answered_after']:.0f} s, {run['retries']} resent, "
          f"{len(run['refused'])} refused, {len(run['failed'])} given up; from due time to answer p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    print(f"  backlog (messages waiting + cases untriaged): at most {run['top']:,}, its minute's top growing "
          f"{run['growth']:+.2f}/s after the first minute; " +
          (f"empty {run['drained']:.0f} s after the last report" if run["drained"] is not None else
           f"NOT EMPTY 5 min after: {left['undelivered']:,} messages, {left['untriaged']:,} cases"))
    print(f"held_per_s={run['rate']:g} accepted_per_s={run['cases'] / run['answered_after']:.1f} p99_ms={p99:.0f} "
          f"backlog_growth_per_s={run['growth']:.2f} backlog_max={run['top']} held={'yes' if run['held'] else 'no'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--single-minutes", type=float, default=None, help="the one-process run (default: as long)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=None, help="reports a second on a fixed schedule (held run)")
    parser.add_argument("--keep", action="store_true", help="leave the topology up afterwards")
    args = parser.parse_args()
    wrk = need("wrk", "wrk")
    env = {**os.environ, "TOPOLOGY_DIR": os.environ.get("TOPOLOGY_DIR", "/tmp/gridgov-topology-sustained")}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    seconds = int(args.minutes * 60)
    single_seconds = int((args.single_minutes if args.single_minutes is not None else args.minutes) * 60)
    topology("up", env)
    try:
        token = make_world(app_env(env))
        run_wrk(wrk, PORTS["WEB"], token, args.clients, 5, f"warm{int(time.time())}")  # every process loads its code
        if args.rate:
            drained()  # the warm-up's work done first
            print(f"== {args.rate:g} reports/s for {seconds} s through nginx, on schedule", flush=True)
            return print_held(held_run(args.rate, seconds, args.clients, token))
        print(f"== {seconds} s of reports through nginx (two app processes), {args.clients} connections; the "
              f"workers sweep and deliver every minute", flush=True)
        spread = load(wrk, PORTS["WEB"], token, args.clients, seconds, f"n{int(time.time())}")
        left, caught_up = drained()
        print(f"== {single_seconds} s of the same load on one app process (:{PORTS['APP1']}, two workers)", flush=True)
        single = load(wrk, PORTS["APP1"], token, args.clients, single_seconds, f"s{int(time.time())}")
    finally:
        if not args.keep:
            topology("down", env)
    ratio = spread["accepted"] / single["accepted"] if single["accepted"] else 0.0
    print(f"through nginx, two app processes, {seconds} s: {spread['accepted']:,.0f} reports/s accepted "
          f"(p50 {spread['p50']:.0f} ms, p99 {spread['p99']:.0f} ms, {spread['non2xx']} refused"
          f"{', socket errors ' + spread['socket_errors'] if spread['socket_errors'] else ''})")
    print(f"  afterwards the workers caught up in {caught_up:.0f} s" if caught_up is not None else
          f"  afterwards the workers did NOT CATCH UP in 5 min: {left['undelivered']:,} messages and "
          f"{left['untriaged']:,} cases still waiting")
    print(f"one app process, {single_seconds} s: {single['accepted']:,.0f} reports/s (p50 {single['p50']:.0f} ms, "
          f"p99 {single['p99']:.0f} ms, {single['non2xx']} refused)")
    print(f"scaling ratio (two processes behind nginx / one): {ratio:.2f}")
    print(f"sustained_per_s={spread['accepted']:.0f} single_process_per_s={single['accepted']:.0f} "
          f"scaling_ratio={ratio:.2f} p99_ms={spread['p99']:.0f} caught_up_s={'none' if caught_up is None else f'{caught_up:.0f}'}")


if __name__ == "__main__":
    main()
