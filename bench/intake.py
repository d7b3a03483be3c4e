"""Reports accepted per second through the HTTP API with 32 concurrent clients (p50/p99 latency), beside the
stack's write floor: the same server, settings and middleware answering a minimal endpoint that does one durable
INSERT through the ORM (bench/bench_urls.py). On PostgreSQL.

    .venv/bin/python bench/intake.py [--clients 32] [--seconds 20] [--workers 4] [--threads 1]
                                     [--server gunicorn|granian|both] [--pgbench]

Targets (issue #10): intake_ratio = API rate / write floor ≥ 0.6; p99 ≤ 100 ms with 32 clients. The last line
reads `intake_ratio=<api/write_floor> p99_ms=<x> queued_intake_ratio=<y> queued_p99_ms=<z>` (for the first server
named; `queued_…`: the same reports with `Prefer: respond-async`, accepted with one INSERT and made into cases by
the worker — gridgov/cases/queued.py). Needs PostgreSQL
(BENCH_POSTGRES_URL) and `wrk` (Debian package, installed here when missing and root); `--pgbench` adds the bare
rate of the INSERTs the API wrote (needs `pgbench`, postgresql-client). It creates its own database
`gridgov_bench_intake` and runs the server on 127.0.0.1.

- The load comes from wrk (a native client, 2 threads), so the Python client does not eat the server's CPU.
- "Accepted" is counted in the database: cases (and floor rows) written during a run ÷ its length; wrk's
  latency percentiles are for the 32 connections.
- gunicorn runs sync workers (gthread with --threads > 1); granian runs its WSGI interface with as many
  workers and one blocking thread per worker (--threads more).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _pg import fresh_database, setup_django, tiny_district

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"== installing {package} (Debian) for {tool}")
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
        path = shutil.which(tool)
    if not path:
        sys.exit(f"{tool} is missing: sudo apt-get install {package}")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ms(text: str) -> float:
    """wrk's durations: 812.00us, 3.27ms, 1.02s, 2.00m."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    return float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m[2]]


def run_wrk(wrk: str, port: int, token: str, clients: int, seconds: float, tag: str, *, floor: bool = False,
            queued: bool = False) -> dict:
    """POST reports (bench/intake.lua; `queued`: with `Prefer: respond-async`), or the write floor
    (bench/floor.lua)."""
    target = (["-s", str(HERE / "floor.lua"), f"http://127.0.0.1:{port}/_bench/write-floor/"] if floor else
              ["-s", str(HERE / "intake.lua"), f"http://127.0.0.1:{port}", "--", token, tag,
               "async" if queued else "sync"])
    out = subprocess.run([wrk, "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "--latency", *target],
                         check=True, capture_output=True, text=True).stdout
    lat = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if set(lat) != {"50", "99"}:
        sys.exit(f"could not read the latency percentiles from wrk:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)  # a redirect is no accepted write either
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    return {"p50": ms(lat["50"]), "p99": ms(lat["99"]), "non2xx": int(bad[1]) if bad else 0, "rate": rate,
            "socket_errors": errors[1] if errors else "", "raw": out}


def insert_sql(obj, connection) -> tuple[str, list[str]]:
    """The INSERT Django makes for obj (without the id), as literal SQL, with its column names."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
    with connection.cursor() as cur:
        literal = cur.cursor.mogrify("(" + ", ".join(["%s"] * len(values)) + ")", values)
    return literal, [f.column for f in fields]


def pgbench_script(case, event, connection) -> str:
    """Two INSERTs in one transaction, as the API wrote them: the case and its timeline row pointing at it."""
    case_values, case_cols = insert_sql(case, connection)
    event_values, event_cols = insert_sql(event, connection)
    case_id_at = event_cols.index("case_id")
    # swap the literal values we must vary for pgbench variables
    case_literals = split_values(case_values)
    event_literals = split_values(event_values)
    event_literals[case_id_at] = ":id"
    q = connection.ops.quote_name
    return "\n".join([
        "BEGIN;",
        f"INSERT INTO {q(case._meta.db_table)} ({', '.join(q(c) for c in case_cols)}) "
        f"VALUES ({', '.join(case_literals)}) RETURNING id \\gset",
        f"INSERT INTO {q(event._meta.db_table)} ({', '.join(q(c) for c in event_cols)}) "
        f"VALUES ({', '.join(event_literals)});",
        "END;",
    ]) + "\n"


def split_values(literal: str) -> list[str]:
    """Split "(a, 'b, c', NULL)" into its top-level SQL literals."""
    body, parts, cur, quoted, depth = literal[1:-1], [], [], False, 0
    i = 0
    while i < len(body):
        ch = body[i]
        if quoted:
            cur.append(ch)
            if ch == "'":
                if i + 1 < len(body) and body[i + 1] == "'":
                    cur.append("'")
                    i += 1
                else:
                    quoted = False
        elif ch == "'":
            quoted = True
            cur.append(ch)
        elif ch == "(":
            depth += 1
            cur.append(ch)
        elif ch == ")":
            depth -= 1
            cur.append(ch)
        elif ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur).strip())
    return parts


def bare_rate(pgbench: str, url: str, script: str, connections: int, seconds: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run([pgbench, "-n", "-c", str(connections), "-j", "2", "-T", str(seconds), "-f", f.name,
                              url.replace("postgres://", "postgresql://")],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(f.name)
    m = re.search(r"tps = ([\d.]+)", out)
    return float(m[1])


def server_command(kind: str, port: int, workers: int, threads: int) -> list[str]:
    if kind == "granian":
        return [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "gridgov.wsgi:application",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--blocking-threads", str(threads), "--log-level", "warning", "--no-ws"]
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "gridgov.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning"]
    if threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(threads)]
    return cmd


def measure(kind: str, args, wrk: str, token: str, env: dict) -> dict:
    """One server: warm it, then the intake run, the write-floor run and the run of reports accepted for later
    (`Prefer: respond-async`: no worker runs, so they stay queued and are counted as accepted), each counted in
    the database."""
    from gridgov.cases.models import Case, QueuedReport
    from gridgov.core.models import AuditLog

    port = free_port()
    server = subprocess.Popen(server_command(kind, port, args.workers, args.threads), cwd=ROOT,
                              env={**env, "PYTHONPATH": str(HERE)})
    floor_rows = AuditLog.objects.filter(action="bench.write_floor")
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"{kind} did not start")
        run_wrk(wrk, port, token, args.clients, 3, f"warm{kind}{int(time.time())}")  # imports, connections
        run_wrk(wrk, port, token, args.clients, 2, "", floor=True)
        before = Case.objects.count()
        intake = run_wrk(wrk, port, token, args.clients, args.seconds, f"run{kind}{int(time.time())}")
        intake["accepted"] = (Case.objects.count() - before) / args.seconds
        before = floor_rows.count()
        floor = run_wrk(wrk, port, token, args.clients, args.seconds, "", floor=True)
        floor["accepted"] = (floor_rows.count() - before) / args.seconds
        run_wrk(wrk, port, token, args.clients, 2, f"warmq{kind}{int(time.time())}", queued=True)
        before = QueuedReport.objects.count()
        queued = run_wrk(wrk, port, token, args.clients, args.seconds, f"q{kind}{int(time.time())}", queued=True)
        queued["accepted"] = (QueuedReport.objects.count() - before) / args.seconds
    finally:
        server.terminate()
        server.wait(10)
    if args.show_wrk:
        print(intake["raw"], floor["raw"])
    return {"kind": kind, "intake": intake, "floor": floor, "queued": queued,
            "ratio": intake["accepted"] / floor["accepted"] if floor["accepted"] else 0.0,
            "queued_ratio": queued["accepted"] / floor["accepted"] if floor["accepted"] else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="server worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--server", choices=["gunicorn", "granian", "both"], default="gunicorn")
    parser.add_argument("--pgbench", action="store_true", help="also the bare rate of the API's INSERTs")
    parser.add_argument("--show-wrk", action="store_true")
    args = parser.parse_args()
    wrk = need("wrk", "wrk")
    url = fresh_database("gridgov_bench_intake")
    setup_django(url)
    from django.conf import settings
    from django.db import connection

    from gridgov.accounts.services import api_token_issue, membership_grant, user_create
    from gridgov.cases.models import Case, CaseEvent

    world = tiny_district()
    system = user_create(actor=None, username="bench-system", password="", is_system=True)
    membership_grant(actor=None, user=system, role_code="center_dispatcher", region=world["district"])
    _, token = api_token_issue(actor=None, user=system, name="bench")
    connection.close()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench_settings",
           "SECRET_KEY": settings.SECRET_KEY, "GRIDGOV_PII_KEY": settings.PII_KEY, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"}
    kinds = ["gunicorn", "granian"] if args.server == "both" else [args.server]
    results = [measure(kind, args, wrk, token, env) for kind in kinds]
    print()
    for r in results:
        i, f = r["intake"], r["floor"]
        print(f"{r['kind']} {args.workers}×{args.threads}, {args.clients} clients (wrk), {args.seconds} s each:")
        print(f"  intake  POST /api/v1/cases/: {i['accepted']:,.0f} reports/s accepted (p50 {i['p50']:.1f} ms, "
              f"p99 {i['p99']:.1f} ms, {i['non2xx']} refused"
              f"{', socket errors ' + i['socket_errors'] if i['socket_errors'] else ''})")
        print(f"  floor   POST /_bench/write-floor/ (one ORM INSERT): {f['accepted']:,.0f} rows/s "
              f"(p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms, {f['non2xx']} refused)")
        q = r["queued"]
        print(f"  queued  POST /api/v1/cases/ with Prefer: respond-async (202, the case made by the worker): "
              f"{q['accepted']:,.0f} reports/s accepted (p50 {q['p50']:.1f} ms, p99 {q['p99']:.1f} ms, "
              f"{q['non2xx']} refused)")
        print(f"  ratio {r['ratio']:.2f} (target ≥ 0.60); p99 {i['p99']:.1f} ms (target ≤ 100 ms): "
              + ("targets met" if r["ratio"] >= 0.6 and i["p99"] <= 100 else "TARGET MISSED"))
        print(f"  accepted for later: ratio {r['queued_ratio']:.2f}, p99 {q['p99']:.1f} ms: "
              + ("targets met" if r["queued_ratio"] >= 0.6 and q["p99"] <= 100 else "TARGET MISSED"))
    if args.pgbench:
        pgbench = need("pgbench", "postgresql-client")
        sample = Case.objects.filter(channel="grid_worker").order_by("-pk").first()
        event = CaseEvent.objects.filter(case=sample, action="report").first()
        connections = args.workers * args.threads
        bare = bare_rate(pgbench, url, pgbench_script(sample, event, connection), connections,
                         min(args.seconds, 10))
        print(f"bare database work (pgbench: the case and timeline INSERTs in one transaction, {connections} "
              f"connections): {bare:,.0f} events/s")
    first = results[0]
    print(f"intake_ratio={first['ratio']:.2f} p99_ms={first['intake']['p99']:.1f} "
          f"queued_intake_ratio={first['queued_ratio']:.2f} queued_p99_ms={first['queued']['p99']:.1f}")


if __name__ == "__main__":
    sys.exit(main())
