"""Events accepted per second through the HTTP API with 32 concurrent clients (p50/p99 latency), beside the
rate of the bare database work (insert of the case and its timeline row in one transaction), on PostgreSQL.

    .venv/bin/python bench/intake.py [--clients 32] [--seconds 20] [--workers 4]

Targets (issue #3): API rate ≥ 0.5 × the bare rate; p99 ≤ 100 ms. Needs PostgreSQL (BENCH_POSTGRES_URL);
creates its own database `gridgov_bench_intake` and runs gunicorn on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _pg import fresh_database, setup_django, tiny_district

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_clients(port: int, token: str, clients: int, seconds: float) -> tuple[int, list[float], int]:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(n: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = 0
        local, bad = [], 0
        while time.monotonic() < stop:
            i += 1
            body = json.dumps({"channel": "grid_worker", "description": f"基准上报 {n}-{i}:路边垃圾堆放",
                               "category": "1101", "lon": 113.31 + (i % 100) * 0.0001, "lat": 23.11,
                               "idempotency_key": f"{n}-{i}-{stop}"})
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/cases/", body, {"Content-Type": "application/json",
                                                              "Authorization": f"Bearer {token}"})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 201
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                local.append(time.perf_counter() - t)
            else:
                bad += 1
        with lock:
            latencies.extend(local)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(latencies), latencies, errors[0]


def bare_rate(url: str, threads: int, seconds: float, world: dict) -> float:
    """The database work alone: one case row and one timeline row per transaction, same server, same
    connection settings (persistent connections, one per worker)."""
    import psycopg

    dsn = url.replace("postgres://", "postgresql://")
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def work(k: int):
        with psycopg.connect(dsn) as conn:
            while time.monotonic() < stop:
                with conn.transaction():
                    row = conn.execute(
                        """INSERT INTO cases_case (title, description, category_id, channel, urgency, state,
                           resume_state, lon, lat, crs_source, address, grid_id, region_path, out_of_grid,
                           owner_center_id, escalation_level, reporter_name, reporter_phone_enc, reporter_phone_hash,
                           reporter_phone_last4, external_ref, device_id, is_public, duplicate_candidates, sla,
                           time_basis, light, clock_error, return_count, rework_count, extension_count, reopen_count,
                           supervise_count, on_the_spot, created_at, updated_at)
                           VALUES ('基准', '基准上报', %s, 'grid_worker', 'normal', 'reported', '', 113.31, 23.11,
                           'wgs84', '', %s, %s, false, %s, 0, '', '', '', '', '', '', true, '[]', '{}', '', 'none',
                           '', 0, 0, 0, 0, 0, false, now(), now()) RETURNING id""",
                        (world["category"], world["grid"], world["path"], world["owner"])).fetchone()
                    conn.execute("""INSERT INTO cases_caseevent (case_id, at, action, from_state, to_state, note, data)
                                    VALUES (%s, now(), 'report', '', 'reported', '', '{}')""", (row[0],))
                counts[k] += 1

    ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    url = fresh_database("gridgov_bench_intake")
    setup_django(url)
    from django.conf import settings

    from gridgov.accounts.services import api_token_issue, membership_grant, user_create
    from gridgov.cases.models import Category

    world = tiny_district()
    system = user_create(actor=None, username="bench-system", password="", is_system=True)
    membership_grant(actor=None, user=system, role_code="center_dispatcher", region=world["district"])
    _, token = api_token_issue(actor=None, user=system, name="bench")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "gridgov.settings.prod",
           "SECRET_KEY": settings.SECRET_KEY, "GRIDGOV_PII_KEY": settings.PII_KEY, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_COOKIES": "0", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "gridgov.wsgi", "-w", str(args.workers), "-b",
                               f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        run_clients(port, token, args.clients, 3)  # warm-up: imports, connections, locator
        n, lat, errors = run_clients(port, token, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(10)
    api_rate = n / args.seconds
    lat.sort()
    p50 = statistics.median(lat) * 1000 if lat else float("nan")
    p99 = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else float("nan")
    cat = Category.objects.get(code="1101")
    bare = bare_rate(url, args.workers, min(args.seconds, 10), {
        "category": cat.pk, "grid": world["grid"].pk, "path": world["grid"].path, "owner": world["centers"][2].pk})
    print(f"\nHTTP API, {args.clients} clients, gunicorn {args.workers} workers: {api_rate:,.0f} events/s "
          f"(p50 {p50:.1f} ms, p99 {p99:.1f} ms, {errors} errors)")
    print(f"bare database work, {args.workers} connections: {bare:,.0f} events/s")
    ratio = api_rate / bare if bare else 0
    print(f"ratio {ratio:.2f} (target ≥ 0.50); p99 {p99:.1f} ms (target ≤ 100 ms)")
    print("targets met" if ratio >= 0.5 and p99 <= 100 else "TARGET MISSED")


if __name__ == "__main__":
    sys.exit(main())
