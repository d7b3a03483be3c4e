"""A burst of sensor alarms on the production topology (issue #18): 10,000 alarms within a minute, signed as the
vendors' platforms sign them, through nginx to the device door (`POST /api/v1/ingest/devices/<vendor>/`, one
alarm per request, the worst case), while a dispatcher keeps using the console. Nothing may be lost or doubled,
and the console must stay usable.

    .venv/bin/python bench/burst.py [--alarms 10000] [--seconds 60] [--devices 2000] [--clients 32] [--keep]

It brings up `deploy/topology.sh` (nginx, three gunicorn processes, pgbouncer, PostgreSQL primary + synchronous
replica, Redis, two Huey workers) under its own TOPOLOGY_DIR (TOPOLOGY_PORT_OFFSET moves its ports), registers the devices of a district's shops (smoke
and gas detectors, and battery notices), then sends alarm i at second i × seconds/alarms (open loop: a slow server
makes the senders fall behind, it does not slow the schedule down). A sender that gets no answer, a cut
connection or a 5xx sends the same alarm again, as a vendor platform does; the alarm's reference makes the
retry harmless. Meanwhile the console's case list, board and home are read in turn by a logged-in dispatcher
(first idle, then during the burst).

Counted in the database afterwards: every alarm sent is stored once (lost = sent − stored, doubled = rows beyond
one per reference), a device's repeats joined its open case (one case per device and kind), each case has one
report row. Prints the figures; the last line reads
`burst_alarms=<n> lost=<n> doubled=<n> burst_s=<s> accepted_per_s=<x> console_p95_ms=<x>`. `--batch N` sends N alarms
to a request (a vendor platform forwarding what it gathered); each is still stored in its own transaction.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPOLOGY = ROOT / "deploy" / "topology.sh"


def topology_ports() -> dict[str, int]:
    """The ports the topology listens on (`deploy/topology.sh ports`: moved by TOPOLOGY_PORT_OFFSET)."""
    out = subprocess.run([str(TOPOLOGY), "ports"], capture_output=True, text=True, check=True).stdout
    return {name: int(port) for name, port in (line.split("=") for line in out.split())}


PORTS = topology_ports()
HOST, PORT = "127.0.0.1", PORTS["WEB"]
BASE = f"http://{HOST}:{PORT}"
PRIMARY = f"postgresql://postgres@127.0.0.1:{PORTS['PRIMARY']}/gridgov"
VENDOR = "burst"
CONSOLE_PAGES = ("/console/cases/", "/console/board/", "/console/")
KINDS = ("smoke",) * 7 + ("gas",) * 2 + ("low_battery",)  # a device's kind, by its number

WORLD = """
import sys
from shapely.geometry import box, mapping
from gridgov.accounts.services import membership_grant, user_create
from gridgov.care.services import device_register
from gridgov.integrations.devices import vendor_create
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from gridgov.regions.models import Level
from gridgov.regions.services import region_create
geom = dict(mapping(box(113.40, 23.20, 113.44, 23.23)))
d = region_create(actor=None, parent=None, level=Level.DISTRICT, name="告警区", code="990399", geometry=geom)
t = region_create(actor=None, parent=d, level=Level.TOWN, name="告警街道", code="990399001000", geometry=geom)
c = region_create(actor=None, parent=t, level=Level.COMMUNITY, name="告警社区", code="990399001001", geometry=geom)
g = region_create(actor=None, parent=c, level=Level.GRID, name="告警网格", geometry=geom)
for r in (d, t, c):
    org_unit_create(actor=None, code=f"GC-{r.code}", name=f"{r.name}综治中心", kind=UnitKind.GOVERNANCE_CENTER, region=r)
worker = user_create(actor=None, username="burst-gridworker", password="", is_system=True)
membership_grant(actor=None, user=worker, role_code="grid_worker", region=g)
admin = user_create(actor=None, username="burst", password="Burst-pass-123", is_staff=True, is_superuser=True)
_, secret = vendor_create(code="%(vendor)s", name="告警基准厂商")
for i in range(%(devices)d):
    device_register(actor=admin, vendor="%(vendor)s", serial=f"B{i:05d}", kind=%(kinds)r[i %% %(nkinds)d], grid=g,
                    address=f"告警路{i}号铺面", lon=113.40 + (i %% 97) * 0.0004, lat=23.20 + (i %% 89) * 0.0003)
print("SECRET", secret)
"""

DEVICE_KIND = {"smoke": "smoke", "gas": "gas", "low_battery": "smoke"}  # the alarm a device sends → its kind


def topology(command: str, env: dict, timeout: int = 600) -> str:
    out = subprocess.run([str(TOPOLOGY), command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        sys.exit(f"deploy/topology.sh {command} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out.stdout


def app_env(env: dict) -> dict:
    return {**env, **dict(line.split("=", 1) for line in topology("env", env).split())}


def make_world(app: dict, devices: int) -> str:
    """The district, its grid worker, a console user, the vendor and its devices; the vendor's secret."""
    from gridgov.care.models import DeviceKind

    kinds = [DEVICE_KIND[k] for k in KINDS]
    assert set(kinds) <= set(DeviceKind.values), kinds
    script = WORLD % {"vendor": VENDOR, "devices": devices, "kinds": kinds, "nkinds": len(kinds)}
    out = subprocess.run([str(ROOT / ".venv/bin/gridgov"), "shell"], input=script, env=app, capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit(f"the world was not made:\n{out.stderr[-3000:]}")
    return next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("SECRET "))


def alarm_body(alarms: range, devices: int, run: str) -> bytes:
    """One request: the alarms numbered `alarms` (alarm i comes from device i mod devices, of its kind)."""
    events = [{"serial": f"B{i % devices:05d}", "type": "alarm", "kind": KINDS[(i % devices) % len(KINDS)],
               "id": f"{run}-{i}", "at": int(time.time())} for i in alarms]
    return json.dumps({"events": events}).encode()


def on_schedule(count: int, seconds: float, clients: int, request, answered=None, *, port: int = PORT,
                give_up: float = 60) -> dict:
    """Send request k (k < count) at second k × seconds/count from `clients` connections (open loop: a slow server
    makes the senders fall behind, it does not slow the schedule down). `request(k)` gives (path, body, headers),
    asked again for each attempt; a request that gets no answer, a cut connection or a 5xx is sent again (as a
    vendor platform does), for at most `give_up` seconds (then it is counted in `failed`: a wrong port or a server
    that is gone ends the run instead of spinning). `answered(k, status, payload)` is called under a lock for the
    final answer. Returns the latencies from each request's due time to its answer, the retries, the refusals
    (non-2xx), the requests given up and the seconds."""
    todo: queue.Queue = queue.Queue()
    start = time.monotonic() + 0.5
    for k in range(count):
        todo.put((k, start + k * seconds / count))
    lock = threading.Lock()
    stats = {"latency": [], "retries": 0, "refused": [], "failed": []}

    def sender():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            try:
                k, due = todo.get_nowait()
            except queue.Empty:
                conn.close()
                return
            time.sleep(max(0.0, due - time.monotonic()))
            while True:
                if time.monotonic() - due > give_up:
                    with lock:
                        stats["failed"].append(k)
                    break
                path, body, headers = request(k)
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                    payload = resp.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                    with lock:
                        stats["retries"] += 1
                    time.sleep(0.1)
                    continue
                if resp.status >= 500:
                    with lock:
                        stats["retries"] += 1
                    time.sleep(0.5)
                    continue
                with lock:
                    if resp.status >= 300:
                        stats["refused"].append((k, resp.status, payload[:200]))
                    else:
                        stats["latency"].append(time.monotonic() - due)
                    if answered:
                        answered(k, resp.status, payload)
                break

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats["seconds"] = time.monotonic() - start
    return stats


def send_burst(secret: str, *, alarms: int, seconds: float, devices: int, clients: int, run: str,
               batch: int = 1) -> dict:
    """Send the alarms on schedule from `clients` senders, `batch` to a request (as a vendor's platform may
    forward them); each request is sent until it is answered."""
    from gridgov.integrations.devices import signature

    batches = [range(i, min(i + batch, alarms)) for i in range(0, alarms, batch)]
    results: dict[str, int] = {}

    def request(k):
        body, ts = alarm_body(batches[k], devices, run), str(int(time.time()))
        return f"/api/v1/ingest/devices/{VENDOR}/", body, {
            "Content-Type": "application/json", "X-Gridgov-Timestamp": ts,
            "X-Gridgov-Signature": signature(secret, ts, body)}

    def answered(k, status, payload):
        if status == 200:
            for answer in json.loads(payload)["results"]:
                results[answer["result"]] = results.get(answer["result"], 0) + 1

    stats = on_schedule(len(batches), seconds * len(batches) * batch / alarms, clients, request, answered)
    return {**stats, "results": results}


def console_session(username: str, password: str):
    """Log in on the console as a browser does: password, then the 动态口令 (production asks it of staff), set up
    there and then — the secret read from the page as a phone reads the QR code."""
    import re

    import pyotp
    import requests

    s = requests.Session()
    s.get(f"{BASE}/console/login/", timeout=30)
    r = s.post(f"{BASE}/console/login/", timeout=30, data={
        "username": username, "password": password, "csrfmiddlewaretoken": s.cookies["csrftoken"]})
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', r.text).group(1).replace(" ", "")
    r = s.post(f"{BASE}/console/login/totp/", timeout=30, data={
        "code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": s.cookies["csrftoken"]})
    if "login" in r.url:
        raise RuntimeError(f"console log-in failed: {r.url}")
    return s


class ConsoleProbe(threading.Thread):
    """A dispatcher reading the console's pages in turn, one every `every` seconds; times and failures."""

    def __init__(self, session, every: float = 0.25):
        super().__init__(daemon=True)
        self.session, self.every, self.times, self.failures = session, every, [], []
        self.halt = threading.Event()

    def run(self):
        n = 0
        while not self.halt.is_set():
            page = CONSOLE_PAGES[n % len(CONSOLE_PAGES)]
            n += 1
            t = time.monotonic()
            try:
                r = self.session.get(BASE + page, timeout=30)
                ok = r.status_code == 200 and "login" not in r.url
            except OSError as exc:
                ok, r = False, exc
            (self.times if ok else self.failures).append((page, time.monotonic() - t) if ok else (page, str(r)))
            self.halt.wait(self.every)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000 if values else 0.0


def probe(session, seconds: float) -> ConsoleProbe:
    p = ConsoleProbe(session)
    p.start()
    time.sleep(seconds)
    p.halt.set()
    p.join()
    return p


def counted(run: str, alarms: int) -> dict:
    """What the database holds of the run's alarms (read on the primary)."""
    import psycopg

    with psycopg.connect(PRIMARY) as con:
        q = lambda sql: con.execute(sql, [f"{run}-%"]).fetchall()  # noqa: E731
        rows, refs = q("SELECT count(*), count(DISTINCT vendor_ref) FROM care_devicealarm WHERE vendor_ref LIKE %s")[0]
        by_result = dict(q("SELECT result, count(*) FROM care_devicealarm WHERE vendor_ref LIKE %s GROUP BY 1"))
        cases, device_kinds = q("SELECT count(DISTINCT case_id), count(DISTINCT (device_id, kind)) "
                                "FROM care_devicealarm WHERE vendor_ref LIKE %s AND case_id IS NOT NULL")[0]
        reports = q("SELECT count(*), count(DISTINCT e.case_id) FROM cases_caseevent e WHERE e.action = 'report' AND "
                    "e.case_id IN (SELECT case_id FROM care_devicealarm WHERE vendor_ref LIKE %s)")[0]
    return {"rows": rows, "lost": alarms - refs, "doubled": rows - refs, "by_result": by_result, "cases": cases,
            "device_kinds": device_kinds, "report_rows": reports[0], "cases_with_report": reports[1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32, help="concurrent senders")
    parser.add_argument("--batch", type=int, default=1, help="alarms per request (a vendor platform's batch)")
    parser.add_argument("--keep", action="store_true", help="leave the topology up afterwards")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.test")
    import django

    django.setup()  # for the signature and the device kinds only; the topology has its own settings
    env = {**os.environ, "TOPOLOGY_DIR": os.environ.get("TOPOLOGY_DIR", "/tmp/gridgov-topology-burst")}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    t = time.monotonic()
    topology("up", env)
    try:
        app = app_env(env)
        print(f"== topology up in {time.monotonic() - t:.0f} s; registering {args.devices:,} devices")
        secret = make_world(app, args.devices)
        session = console_session("burst", "Burst-pass-123")
        for page in CONSOLE_PAGES:  # the first read of a page in each process loads its code: not what is timed
            for _ in range(4):
                session.get(BASE + page, timeout=30)
        idle = probe(session, 8)
        run = f"r{int(time.time())}"
        print(f"== {args.alarms:,} alarms in {args.seconds:g} s from {args.clients} senders, {args.batch} per request")
        p = ConsoleProbe(session)
        p.start()
        sent = send_burst(secret, alarms=args.alarms, seconds=args.seconds, devices=args.devices,
                          clients=args.clients, run=run, batch=args.batch)
        p.halt.set()
        p.join()
        db = counted(run, args.alarms)
    finally:
        if not args.keep:
            topology("down", env)
    during = [s for _, s in p.times]
    print(f"sent {args.alarms:,} alarms: all answered after {sent['seconds']:.1f} s "
          f"({args.alarms / sent['seconds']:,.0f}/s; schedule {args.alarms / args.seconds:,.0f}/s), "
          f"{sent['retries']} resent, {len(sent['refused'])} refused, {len(sent['failed'])} given up")
    print(f"  from a request's due time to its answer: p50 {pct(sent['latency'], 50):.0f} ms, "
          f"p95 {pct(sent['latency'], 95):.0f} ms, p99 {pct(sent['latency'], 99):.0f} ms")
    print(f"  answers: {sent['results']}")
    print(f"stored: {db['rows']:,} alarm rows ({db['by_result']}), lost {db['lost']}, doubled {db['doubled']}; "
          f"{db['cases']:,} cases for {db['device_kinds']:,} devices×kinds, {db['report_rows']:,} report rows on "
          f"{db['cases_with_report']:,} cases")
    print(f"console (case list, board, home in turn): idle p50 {pct([s for _, s in idle.times], 50):.0f} ms "
          f"p95 {pct([s for _, s in idle.times], 95):.0f} ms; during the burst p50 {pct(during, 50):.0f} ms "
          f"p95 {pct(during, 95):.0f} ms over {len(during)} pages, {len(p.failures) + len(idle.failures)} failed")
    for page in CONSOLE_PAGES:
        mine = [s for pg, s in p.times if pg == page]
        print(f"  {page}: p95 {pct(mine, 95):.0f} ms during the burst ({len(mine)} reads)")
    print(f"burst_alarms={args.alarms} lost={db['lost']} doubled={db['doubled']} burst_s={sent['seconds']:.1f} "
          f"accepted_per_s={args.alarms / sent['seconds']:.0f} console_p95_ms={pct(during, 95):.0f}")


if __name__ == "__main__":
    main()
