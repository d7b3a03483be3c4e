"""The production topology, started for real (`deploy/topology.sh`): nginx in front of two gunicorn processes,
pgbouncer before a PostgreSQL 15 primary with a streaming replica, Redis and two Huey workers. Through nginx a
report with a photo is accepted and read back at once (from the primary), reaches the replica, is triaged by a
worker through the queue, its photo is sent by nginx (X-Accel-Redirect), the dashboards read the replica; when one
app process is killed, nginx keeps answering from the other. Runs where nginx and pgbouncer can be installed
(as root, as in CI) or are there; it needs no test database of its own.

The fault and burst tests are reduced runs in the suite; the same tests in full, on demand:
`GRIDGOV_FAULT_REPORTS=2000 GRIDGOV_BURST_ALARMS=10000 .venv/bin/pytest -m topology tests/deploy` (reports sent
through the faults, a quarter of them before and as many through the fail-over; 10,000 alarms in a minute)."""

import hashlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAULT_REPORTS = int(os.environ.get("GRIDGOV_FAULT_REPORTS", "120"))  # sent while a worker dies and services restart
FAILOVER_REPORTS = max(30, FAULT_REPORTS // 4)  # sent before the fail-over, and as many again through it
BURST_ALARMS = int(os.environ.get("GRIDGOV_BURST_ALARMS", "400"))  # 400 in 8 s; 10,000 in a minute

pytestmark = pytest.mark.topology


def _can_run() -> bool:
    return (os.geteuid() == 0 or (shutil.which("nginx") and shutil.which("pgbouncer"))) and \
        Path("/usr/lib/postgresql/15/bin/initdb").exists()


def _ports(offset: int) -> dict[str, int]:
    out = subprocess.run([str(ROOT / "deploy/topology.sh"), "ports"], capture_output=True, text=True, check=True,
                         env={**os.environ, "TOPOLOGY_PORT_OFFSET": str(offset)}).stdout
    return {name: int(port) for name, port in (line.split("=") for line in out.split())}


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_offset() -> int:
    """The first offset (0, 100, …) at which none of the topology's ports is taken: another topology left running
    on this machine (a benchmark's, another checkout's tests) must not make these tests fail."""
    for offset in range(0, 1000, 100):
        if all(_free(port) for port in _ports(offset).values()):
            return offset
    pytest.fail("no free set of ports for the topology (offsets 0–900 all taken)")


def test_a_taken_port_stops_the_topology_before_it_starts_anything(tmp_path):
    """Two topologies on one machine would fight over their ports (a pgbouncer that cannot listen leaves the app
    answering 503): `up` names the taken port and starts nothing; TOPOLOGY_PORT_OFFSET moves every port."""
    if not _can_run():
        pytest.skip("nginx/pgbouncer not installable here (not root) or PostgreSQL 15 binaries missing")
    offset = _free_offset()
    ports = _ports(offset)
    assert ports == {name: port + offset for name, port in _ports(0).items()} and len(set(ports.values())) == 8
    state = tmp_path / "state"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["PGBOUNCER"]))
        taken.listen()
        up = subprocess.run([str(ROOT / "deploy/topology.sh"), "up"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "TOPOLOGY_DIR": str(state),
                                              "TOPOLOGY_PORT_OFFSET": str(offset)})
    assert up.returncode == 1
    assert f"port {ports['PGBOUNCER']} is taken" in up.stderr and "TOPOLOGY_PORT_OFFSET" in up.stderr
    assert not state.exists()  # no cluster made, nothing started
    assert all(_free(port) for name, port in ports.items() if name != "PGBOUNCER")


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    if not _can_run():
        pytest.skip("nginx/pgbouncer not installable here (not root) or PostgreSQL 15 binaries missing")
    state = Path("/tmp") / f"gridgov-topology-test-{os.getpid()}"
    offset = _free_offset()
    ports = _ports(offset)
    env = {**os.environ, "TOPOLOGY_DIR": str(state), "TOPOLOGY_PORT_OFFSET": str(offset)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    patch = pytest.MonkeyPatch()
    patch.setenv("TOPOLOGY_PORT_OFFSET", str(offset))  # for bench/'s modules, which read the ports on loading
    try:
        up = subprocess.run([str(ROOT / "deploy/topology.sh"), "up"], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
        if up.returncode != 0:
            pytest.fail(f"deploy/topology.sh up failed ({up.returncode}):\n{up.stdout[-2000:]}\n{up.stderr[-4000:]}")
        app_env = dict(line.split("=", 1) for line in subprocess.run(
            [str(ROOT / "deploy/topology.sh"), "env"], env=env, capture_output=True, text=True,
            check=True).stdout.split())
        yield {"dir": state, "env": {**env, **app_env}, "base": f"http://127.0.0.1:{ports['WEB']}",
               "primary": f"postgresql://postgres@127.0.0.1:{ports['PRIMARY']}/gridgov",
               "replica": f"postgresql://postgres@127.0.0.1:{ports['REPLICA']}/gridgov"}
    finally:
        patch.undo()
        pids = [int(p.read_text()) for p in state.glob("*.pid") if p.read_text().strip().isdigit()]
        subprocess.run([str(ROOT / "deploy/topology.sh"), "down"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        left = [pid for pid in pids if Path(f"/proc/{pid}").exists()
                and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
        shutil.rmtree(state, ignore_errors=True)
        assert not left, f"processes left running after down: {left}"  # a leaked worker would eat the machine


WORLD = """
from shapely.geometry import box, mapping
from gridgov.accounts.services import api_token_issue, membership_grant, user_create
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from gridgov.regions.models import Level
from gridgov.regions.services import region_create
d = region_create(actor=None, parent=None, level=Level.DISTRICT, name="拓扑区", code="990299",
                  geometry=dict(mapping(box(113.30, 23.10, 113.34, 23.13))))
center = org_unit_create(actor=None, code="GC-990299", name="拓扑区综治中心", kind=UnitKind.GOVERNANCE_CENTER, region=d)
dispatcher = user_create(actor=None, username="topo-dispatcher", password="", is_system=True)
membership_grant(actor=None, user=dispatcher, role_code="center_dispatcher", region=d, unit=center)
u = user_create(actor=None, username='topo', password='Topo-pass-123', is_staff=True, is_superuser=True)
print(dispatcher.pk, api_token_issue(actor=None, user=u, name='topology')[1])
"""


@pytest.fixture(scope="module")
def world(topology):
    """A district with its governance center and a dispatcher (who is told of each new report), and an API token
    — made before the first report, so that every app process reads them when it first needs them."""
    out = subprocess.run([str(ROOT / ".venv/bin/gridgov"), "shell"], input=WORLD, env=topology["env"],
                         capture_output=True, text=True, check=True).stdout
    dispatcher, token = out.strip().splitlines()[-1].split()
    return {"auth": {"Authorization": f"Bearer {token}"}, "dispatcher": int(dispatcher), "base": topology["base"]}


def _console_session():
    """Logged in on the console as `topo` with password and 动态口令, as a browser does (bench/burst.py's)."""
    return _bench("burst").console_session("topo", "Topo-pass-123")


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _eventually(check, seconds: float = 30.0):
    end = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > end:
            return value
        time.sleep(0.3)


def test_the_topology_serves_replicates_queues_and_survives_an_app_process(topology, world):
    import psycopg
    import requests

    auth, base = world["auth"], topology["base"]
    photo = _jpeg()
    r = requests.post(f"{base}/api/v1/cases/", headers=auth, timeout=30, files={"photos": ("p.jpg", photo, "image/jpeg")},
                      data={"description": "小区门口堆了很多垃圾,好几天没人清理", "address": "幸福路1号", "channel": "hotline"})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    detail = requests.get(f"{base}/api/v1/cases/{case_id}/", headers=auth, timeout=30)
    assert detail.status_code == 200 and detail.json()["state"] == "reported"  # read back at once: the primary

    def on_replica():
        with psycopg.connect(topology["replica"]) as con:
            assert con.execute("SELECT pg_is_in_recovery()").fetchone()[0]  # really the standby
            return con.execute("SELECT count(*) FROM cases_case WHERE id = %s", [case_id]).fetchone()[0] == 1
    assert _eventually(on_replica, 15)

    def triaged():  # a Huey worker took the job from Redis
        body = requests.get(f"{base}/api/v1/cases/{case_id}/", headers=auth, timeout=30).json()
        return body.get("suggested_class")
    assert _eventually(triaged, 60)

    # a report accepted for later: the app process hands its batch to Redis, a worker makes the case
    r = requests.post(f"{base}/api/v1/cases/", headers={**auth, "Prefer": "respond-async"}, timeout=30,
                      json={"description": "12345转来:幸福路路灯不亮", "address": "幸福路2号", "channel": "hotline"})
    assert r.status_code == 202, r.text
    answer = lambda: requests.get(f"{base}{r.headers['Location']}", headers=auth, timeout=30).json()  # noqa: E731
    assert _eventually(lambda: answer()["status"] == "created", 60), answer()

    with psycopg.connect(topology["primary"]) as con:
        att_id = con.execute("SELECT id FROM cases_attachment WHERE case_id = %s", [case_id]).fetchone()[0]
    browser = _console_session()  # photos are for signed-in staff: with the password and 动态口令, as in production
    original = browser.get(f"{base}/files/photos/{att_id}/original", timeout=30)
    assert original.status_code == 200 and hashlib.sha256(original.content).digest() == hashlib.sha256(photo).digest()
    assert "X-Accel-Redirect" not in original.headers  # nginx sent the file itself
    stats = browser.get(f"{base}/console/stats/", timeout=30)  # 统计考核 reads the replica
    assert stats.status_code == 200 and "统计" in stats.text

    master = int((topology["dir"] / "gunicorn-1.pid").read_text())
    os.kill(master, signal.SIGTERM)
    _eventually(lambda: not Path(f"/proc/{master}").exists(), 15)
    answers = [requests.get(f"{base}/api/v1/cases/{case_id}/", headers=auth, timeout=30).status_code for _ in range(8)]
    assert answers == [200] * 8  # nginx passed every request to the process still running


def _topology(topology, *args: str) -> None:
    subprocess.run([str(ROOT / "deploy/topology.sh"), *args], check=True, env=topology["env"], cwd=ROOT,
                   stdout=subprocess.DEVNULL, timeout=120)


def _report_until_accepted(world: dict, key: str, deadline: float) -> tuple[int, int]:
    """What a phone does: send the report, and on no answer, a 5xx or a dropped connection send the same report
    with the same Idempotency-Key again, until it is accepted. (case id, attempts)."""
    import requests

    attempts = 0
    while True:
        attempts += 1
        try:
            r = requests.post(f"{world['base']}/api/v1/cases/", headers=world["auth"], timeout=20, json={
                "description": f"楼道灯坏了,晚上看不见路({key})", "address": "幸福路2号", "channel": "grid_worker",
                "idempotency_key": key})
            if r.status_code in (200, 201):
                return r.json()["id"], attempts
            assert r.status_code >= 500, r.text  # a refusal of the report itself would be a bug here
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, f"report {key} not accepted in time"
        time.sleep(0.3)


def _send_reports(world: dict, keys: list[str], during=None) -> dict[str, int]:
    """Reports from four phones at once, each retried until accepted; `during()` runs meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.monotonic() + max(120.0, len(keys) / 5)
    with ThreadPoolExecutor(4) as pool:
        futures = {key: pool.submit(_report_until_accepted, world, key, deadline) for key in keys}
        if during is not None:
            during()
        results = {key: f.result() for key, f in futures.items()}
    retried = sum(attempts > 1 for _, attempts in results.values())
    print(f"{len(keys)} reports accepted, {retried} of them after a retry")
    return {key: case_id for key, (case_id, _) in results.items()}


def _counts(url: str, prefix: str, dispatcher: int) -> dict:
    """Per report sent with a key starting with `prefix`: its cases, its report rows, the dispatcher's messages."""
    import psycopg

    with psycopg.connect(url) as con:
        cases = dict(con.execute(
            "SELECT split_part(k.key, ':', 2), count(*) FROM cases_case c JOIN cases_casekey k ON k.case_id = c.id "
            "WHERE k.key LIKE %s GROUP BY 1", [f"%:{prefix}%"]).fetchall())
        reports = con.execute(
            "SELECT count(*) FROM cases_caseevent e JOIN cases_casekey k ON k.case_id = e.case_id "
            "WHERE e.action = 'report' AND k.key LIKE %s", [f"%:{prefix}%"]).fetchone()[0]
        told = dict(con.execute(
            "SELECT k.case_id, count(m.id) FROM cases_casekey k LEFT JOIN notify_message m ON m.recipient_id = %s "
            "AND m.data->>'case' = k.case_id::text WHERE k.key LIKE %s GROUP BY k.case_id",
            [dispatcher, f"%:{prefix}%"]).fetchall())
        unsent = con.execute(
            "SELECT count(*) FROM notify_message m JOIN cases_casekey k ON m.data->>'case' = k.case_id::text "
            "WHERE m.recipient_id = %s AND m.status <> 'sent' AND k.key LIKE %s",
            [dispatcher, f"%:{prefix}%"]).fetchone()[0]
        unsuggested = con.execute("SELECT count(*) FROM cases_case c JOIN cases_casekey k ON k.case_id = c.id "
                                  "WHERE c.suggested_by = '' AND k.key LIKE %s",
                                  [f"%:{prefix}%"]).fetchone()[0]
    return {"cases": cases, "reports": reports, "told": told, "unsent": unsent, "unsuggested": unsuggested}


def _bench(name: str):
    """A module of bench/ (its functions drive the reduced runs here)."""
    import importlib.util

    for sibling in ("burst", "intake", "_pg"):  # read again: an earlier test may have loaded them at other ports
        sys.modules.pop(sibling, None)
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_burst_of_sensor_alarms_loses_none_and_the_console_answers(topology):
    """bench/burst.py, reduced: 400 signed alarms in 8 s (`BURST_ALARMS`) from 16 senders through nginx to the device
    door, while a dispatcher reads the console. Each alarm is stored once; a device's first alarm makes its case, its others
    join it; battery notices make none; every case has one report row; every console page answered."""
    burst = _bench("burst")
    alarms = BURST_ALARMS
    devices = max(60, alarms // 7)
    secret = burst.make_world(topology["env"], devices)
    console = burst.ConsoleProbe(burst.console_session("burst", "Burst-pass-123"))
    console.start()
    run = f"t{int(time.time())}"
    try:
        sent = burst.send_burst(secret, alarms=alarms, seconds=max(8.0, alarms / 167), devices=devices, clients=16, run=run)
    finally:
        console.halt.set()
        console.join()
    db = burst.counted(run, alarms)
    kind = [burst.KINDS[(i % devices) % len(burst.KINDS)] for i in range(alarms)]
    notices = kind.count("low_battery")
    case_devices = len({i % devices for i in range(alarms) if kind[i] != "low_battery"})
    assert not sent["refused"], sent["refused"][:3]
    assert db["lost"] == 0 and db["doubled"] == 0 and db["rows"] == alarms
    assert db["by_result"] == {"case": case_devices, "notice": notices, "repeat": alarms - notices - case_devices}
    assert db["cases"] == db["device_kinds"] == db["report_rows"] == db["cases_with_report"] == case_devices
    assert sum(sent["results"].values()) == alarms  # each answered once (a resent one as "duplicate")
    assert console.times and not console.failures, console.failures[:3]


def test_reports_at_a_held_rate_all_make_their_cases_and_the_workers_keep_up(topology, world):
    """bench/sustained.py --rate, reduced: 20 reports a second for 20 s through nginx on a fixed schedule (open
    loop). Every report makes its case, none is refused or answered late, and the workers then empty what the
    reports gave them (messages to deliver, suggestions to make)."""
    sustained = _bench("sustained")
    run = sustained.held_run(20, 20, 8, world["auth"]["Authorization"].split()[1], drain=180)
    assert run["sent"] == 400 and run["cases"] == 400
    assert not run["refused"] and not run["failed"] and run["answered_after"] <= 25, run["refused"][:3]
    assert len(run["latency"]) == 400
    assert run["drained"] is not None, run["left"]


def test_reports_survive_a_killed_worker_and_restarts_of_postgresql_and_redis(topology, world):
    """While four phones send 120 reports (`FAULT_REPORTS`), a Huey worker is killed (SIGKILL), PostgreSQL restarts (fast: open
    transactions are cut) and Redis restarts (its queue is lost). Every report is accepted once — retries with
    the same key never make a second case —, each has one report row and one message to the dispatcher; the
    sweep then redoes what the lost queue held (智能分拨) and delivers every message."""
    import psycopg

    keys = [f"fault-{n:05d}" for n in range(FAULT_REPORTS)]
    killed: list[int] = []
    redis_pid = (topology["dir"] / "redis.pid").read_text()
    with psycopg.connect(topology["primary"]) as con:
        started = con.execute("SELECT pg_postmaster_start_time()").fetchone()[0]

    def faults():
        time.sleep(0.5)
        worker = topology["dir"] / "huey-1.pid"
        os.kill(int(worker.read_text()), signal.SIGKILL)
        killed.append(int(worker.read_text()))
        worker.unlink()  # as a service manager would: `down` must not kill whatever gets the pid next
        time.sleep(0.5)
        _topology(topology, "restart", "postgres")
        time.sleep(0.5)
        _topology(topology, "restart", "redis")

    accepted = _send_reports(world, keys, during=faults)
    with psycopg.connect(topology["primary"]) as con:  # the faults did happen
        assert con.execute("SELECT pg_postmaster_start_time()").fetchone()[0] > started
    assert (topology["dir"] / "redis.pid").read_text() != redis_pid
    status = Path(f"/proc/{killed[0]}/status")
    assert not status.exists() or "zombie" in status.read_text().lower()
    assert len(set(accepted.values())) == len(keys)  # a case of its own for each report
    got = _counts(topology["primary"], "fault-", world["dispatcher"])
    assert got["cases"] == {key: 1 for key in keys}
    assert got["reports"] == len(keys)
    assert set(got["told"].values()) == {1}, got["told"]  # the dispatcher told of each once, none lost or doubled

    from gridgov.cases.sweeper import SUGGEST_BATCH

    for _ in range(len(keys) // SUGGEST_BATCH + 1):  # as the sweeps of the next minutes: at most 200 cases each
        subprocess.run([str(ROOT / ".venv/bin/gridgov"), "sweep"], check=True, capture_output=True, timeout=300,
                       env={**topology["env"], "TRIAGE_SWEEP_GRACE_SECONDS": "0"})
        after = _counts(topology["primary"], "fault-", world["dispatcher"])
        if after["unsuggested"] == 0:
            break
    assert after["unsuggested"] == 0 and after["unsent"] == 0, after
    assert set(after["told"].values()) == {1}


def test_a_failover_to_the_replica_loses_no_accepted_report(topology, world):
    """Replication is synchronous: a report is acknowledged once the replica has it. The primary then dies as in a
    crash, the replica is promoted and pgbouncer pointed at it (`deploy/topology.sh failover`); every report
    acknowledged before is there, and the phones' retries carry on onto the new primary."""
    import psycopg
    import requests

    with psycopg.connect(topology["primary"]) as con:
        assert con.execute("SELECT application_name, sync_state FROM pg_stat_replication").fetchall() == \
            [("replica", "sync")]
    before = _send_reports(world, [f"failover-a{n:05d}" for n in range(FAILOVER_REPORTS)])
    after = _send_reports(world, [f"failover-b{n:05d}" for n in range(FAILOVER_REPORTS)],
                          during=lambda: _topology(topology, "failover"))
    with psycopg.connect(topology["replica"]) as con:
        assert not con.execute("SELECT pg_is_in_recovery()").fetchone()[0]  # the replica is the primary now
    got = _counts(topology["replica"], "failover-", world["dispatcher"])
    assert got["cases"] == {key: 1 for key in [*before, *after]}
    assert got["reports"] == 2 * FAILOVER_REPORTS and set(got["told"].values()) == {1}
    assert requests.get(f"{world['base']}/api/v1/cases/{before['failover-a00000']}/", headers=world["auth"],
                        timeout=30).ok
