"""Sustained intake on the production topology (issue #18): reports through nginx for `--minutes` (10 by default)
at the rate the topology holds (wrk, 32 connections, each sending its next report when the last is answered), while
the Huey workers run the sweep and deliver the notifications every minute as in production; then the same load on
one app process (its own port, no nginx) for the scaling ratio.

    .venv/bin/python bench/sustained.py [--minutes 10] [--single-minutes M] [--clients 32] [--keep]

Every 30 s it prints what the database holds: cases accepted, messages waiting for delivery, cases waiting for
their triage suggestion. After the nginx run it waits (up to 5 min) for the workers to catch up: nothing accepted
may stay undelivered or untriaged. Needs what deploy/topology.sh needs (root, or nginx and pgbouncer installed)
and `wrk`. Last line:
`sustained_per_s=<x> single_process_per_s=<y> scaling_ratio=<x/y> p99_ms=<nginx run> caught_up_s=<s>`
(`caught_up_s=none`: the workers had not caught up five minutes after the load).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from burst import PORTS, PRIMARY, ROOT, app_env, topology  # noqa: E402
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


class Sampler(threading.Thread):
    """Prints the state every `every` seconds while the load runs."""

    def __init__(self, every: float = 30):
        super().__init__(daemon=True)
        self.every, self.halt, self.rows = every, threading.Event(), []
        self.t0 = time.monotonic()

    def run(self):
        while not self.halt.wait(self.every):
            s = state()
            self.rows.append((time.monotonic() - self.t0, s))
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--single-minutes", type=float, default=None, help="the one-process run (default: as long)")
    parser.add_argument("--clients", type=int, default=32)
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
        print(f"== {seconds} s of reports through nginx (two app processes), {args.clients} connections; the "
              f"workers sweep and deliver every minute", flush=True)
        spread = load(wrk, PORTS["WEB"], token, args.clients, seconds, f"n{int(time.time())}")
        t = time.monotonic()
        while (s := state())["undelivered"] or s["untriaged"]:
            if time.monotonic() - t > 300:
                break
            time.sleep(5)
        left = state()
        behind = bool(left["undelivered"] or left["untriaged"])
        caught_up = None if behind else time.monotonic() - t
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
