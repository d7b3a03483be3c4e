"""Events accepted per second through the HTTP API with 32 concurrent clients (p50/p99 latency), beside the
rate of the bare database work (insert of the case and its timeline row in one transaction), on PostgreSQL.

    .venv/bin/python bench/intake.py [--clients 32] [--seconds 20] [--workers 4] [--threads 1]

Targets (issue #3): API rate ≥ 0.5 × the bare rate; p99 ≤ 100 ms. Needs PostgreSQL (BENCH_POSTGRES_URL),
`wrk` and `pgbench` (Debian packages wrk and postgresql-client; installed here when missing and root).
It creates its own database `gridgov_bench_intake` and runs gunicorn on 127.0.0.1.

- The load comes from wrk (a native client, 2 threads), so the Python client does not eat the server's CPU.
- "Accepted" is counted in the database: cases written during the run ÷ its length; wrk's latency
  percentiles are for the 32 connections.
- The stack's floor is the same server answering GET /healthz (one SELECT) under the same load: no endpoint
  on this server can go faster than that.
- The limit is pgbench running the same INSERTs the API wrote (copied from a case the API made, with fresh
  idempotency keys) in one transaction each, on as many connections as the server holds.
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


def run_wrk(wrk: str, port: int, token: str, clients: int, seconds: float, tag: str, *, path: str = "") -> dict:
    """POST reports (bench/intake.lua), or GET `path` when given."""
    target = ([f"http://127.0.0.1:{port}{path}"] if path else
              ["-s", str(HERE / "intake.lua"), f"http://127.0.0.1:{port}", "--", token, tag])
    out = subprocess.run([wrk, "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "--latency", *target],
                         check=True, capture_output=True, text=True).stdout
    lat = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if set(lat) != {"50", "99"}:
        sys.exit(f"could not read the latency percentiles from wrk:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
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
    """Two INSERTs in one transaction, as the API wrote them: the case (with a fresh idempotency key) and its
    timeline row pointing at it."""
    case_values, case_cols = insert_sql(case, connection)
    key_at = case_cols.index("idempotency_key")
    event_values, event_cols = insert_sql(event, connection)
    case_id_at = event_cols.index("case_id")
    # swap the literal values we must vary for pgbench variables
    case_literals = split_values(case_values)
    case_literals[key_at] = "'bare-' || :client_id || '-' || :k"
    event_literals = split_values(event_values)
    event_literals[case_id_at] = ":id"
    q = connection.ops.quote_name
    return "\n".join([
        r"\set k random(1, 9000000000000000000)",
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when > 1)")
    parser.add_argument("--show-wrk", action="store_true")
    args = parser.parse_args()
    wrk, pgbench = need("wrk", "wrk"), need("pgbench", "postgresql-client")
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
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "gridgov.settings.prod",
           "SECRET_KEY": settings.SECRET_KEY, "GRIDGOV_PII_KEY": settings.PII_KEY, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_COOKIES": "0", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"}
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "gridgov.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning"]
    if args.threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(args.threads)]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        run_wrk(wrk, port, token, args.clients, 3, "warm")  # imports, connections, locator
        before = Case.objects.count()
        result = run_wrk(wrk, port, token, args.clients, args.seconds, f"run{int(time.time())}")
        accepted = Case.objects.count() - before
        floor = run_wrk(wrk, port, token, args.clients, min(args.seconds, 10), "", path="/healthz")
    finally:
        server.terminate()
        server.wait(10)
    if args.show_wrk:
        print(result["raw"])
    api_rate = accepted / args.seconds
    sample = Case.objects.filter(channel="grid_worker").order_by("-pk").first()
    event = CaseEvent.objects.filter(case=sample, action="report").first()
    connections = args.workers * args.threads
    bare = bare_rate(pgbench, url, pgbench_script(sample, event, connection), connections, min(args.seconds, 10))
    print(f"\nHTTP API, {args.clients} clients (wrk), gunicorn {args.workers}×{args.threads}: "
          f"{api_rate:,.0f} events/s accepted (p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
          f"{result['non2xx']} refused{', socket errors ' + result['socket_errors'] if result['socket_errors'] else ''})")
    print(f"bare database work (pgbench, {connections} connections): {bare:,.0f} events/s")
    print(f"the stack's floor, same server and load, GET /healthz (Django, one SELECT 1): {floor['rate']:,.0f} "
          f"requests/s ({floor['rate'] / bare:.2f} of the limit; p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms)")
    ratio = api_rate / bare if bare else 0
    print(f"ratio {ratio:.2f} (target ≥ 0.50); p99 {result['p99']:.1f} ms (target ≤ 100 ms)")
    print("targets met" if ratio >= 0.5 and result["p99"] <= 100 else "TARGET MISSED")


if __name__ == "__main__":
    sys.exit(main())
