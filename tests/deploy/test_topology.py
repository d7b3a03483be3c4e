"""The production topology, started for real (`deploy/topology.sh`): nginx in front of two gunicorn processes,
pgbouncer before a PostgreSQL 15 primary with a streaming replica, Redis and two Huey workers. Through nginx a
report with a photo is accepted and read back at once (from the primary), reaches the replica, is triaged by a
worker through the queue, its photo is sent by nginx (X-Accel-Redirect), the dashboards read the replica; when one
app process is killed, nginx keeps answering from the other. Runs where nginx and pgbouncer can be installed
(as root, as in CI) or are there; it needs no test database of its own."""

import hashlib
import io
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:58080"

pytestmark = pytest.mark.topology


def _can_run() -> bool:
    return (os.geteuid() == 0 or (shutil.which("nginx") and shutil.which("pgbouncer"))) and \
        Path("/usr/lib/postgresql/15/bin/initdb").exists()


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    if not _can_run():
        pytest.skip("nginx/pgbouncer not installable here (not root) or PostgreSQL 15 binaries missing")
    state = Path("/tmp") / f"gridgov-topology-test-{os.getpid()}"
    env = {**os.environ, "TOPOLOGY_DIR": str(state)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        subprocess.run([str(ROOT / "deploy/topology.sh"), "up"], check=True, env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, timeout=600)
        app_env = dict(line.split("=", 1) for line in subprocess.run(
            [str(ROOT / "deploy/topology.sh"), "env"], env=env, capture_output=True, text=True,
            check=True).stdout.split())
        yield {"dir": state, "env": {**env, **app_env}}
    finally:
        pids = [int(p.read_text()) for p in state.glob("*.pid") if p.read_text().strip().isdigit()]
        subprocess.run([str(ROOT / "deploy/topology.sh"), "down"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        left = [pid for pid in pids if Path(f"/proc/{pid}").exists()
                and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
        shutil.rmtree(state, ignore_errors=True)
        assert not left, f"processes left running after down: {left}"  # a leaked worker would eat the machine


def _token(topology) -> str:
    script = ("from gridgov.accounts.services import api_token_issue, user_create\n"
              "u = user_create(actor=None, username='topo', password='Topo-pass-123', is_staff=True, is_superuser=True)\n"
              "print(api_token_issue(actor=None, user=u, name='topology')[1])\n")
    out = subprocess.run([str(ROOT / ".venv/bin/gridgov"), "shell"], input=script, env=topology["env"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def _console_session():
    """Log in on the console as a browser does: password, then the 动态口令 set up there and then (production
    requires it of staff) — the secret read from the page as a phone reads the QR code."""
    import re

    import pyotp
    import requests

    s = requests.Session()
    s.get(f"{BASE}/console/login/", timeout=30)
    r = s.post(f"{BASE}/console/login/", timeout=30, data={
        "username": "topo", "password": "Topo-pass-123", "csrfmiddlewaretoken": s.cookies["csrftoken"]})
    assert r.url.endswith("/console/login/totp/"), r.url
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', r.text).group(1).replace(" ", "")
    r = s.post(f"{BASE}/console/login/totp/", timeout=30, data={
        "code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": s.cookies["csrftoken"]})
    assert r.status_code == 200 and "/console/" in r.url and "login" not in r.url, r.url
    return s


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


def test_the_topology_serves_replicates_queues_and_survives_an_app_process(topology):
    import psycopg
    import requests

    auth = {"Authorization": f"Bearer {_token(topology)}"}
    photo = _jpeg()
    r = requests.post(f"{BASE}/api/v1/cases/", headers=auth, timeout=30, files={"photos": ("p.jpg", photo, "image/jpeg")},
                      data={"description": "小区门口堆了很多垃圾,好几天没人清理", "address": "幸福路1号", "channel": "hotline"})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    detail = requests.get(f"{BASE}/api/v1/cases/{case_id}/", headers=auth, timeout=30)
    assert detail.status_code == 200 and detail.json()["state"] == "reported"  # read back at once: the primary

    def on_replica():
        with psycopg.connect("postgresql://postgres@127.0.0.1:55433/gridgov") as con:
            assert con.execute("SELECT pg_is_in_recovery()").fetchone()[0]  # really the standby
            return con.execute("SELECT count(*) FROM cases_case WHERE id = %s", [case_id]).fetchone()[0] == 1
    assert _eventually(on_replica, 15)

    def triaged():  # a Huey worker took the job from Redis
        body = requests.get(f"{BASE}/api/v1/cases/{case_id}/", headers=auth, timeout=30).json()
        return body.get("suggested_class")
    assert _eventually(triaged, 60)

    with psycopg.connect("postgresql://postgres@127.0.0.1:55432/gridgov") as con:
        att_id = con.execute("SELECT id FROM cases_attachment WHERE case_id = %s", [case_id]).fetchone()[0]
    browser = _console_session()  # photos are for signed-in staff: with the password and 动态口令, as in production
    original = browser.get(f"{BASE}/files/photos/{att_id}/original", timeout=30)
    assert original.status_code == 200 and hashlib.sha256(original.content).digest() == hashlib.sha256(photo).digest()
    assert "X-Accel-Redirect" not in original.headers  # nginx sent the file itself
    stats = browser.get(f"{BASE}/console/stats/", timeout=30)  # 统计考核 reads the replica
    assert stats.status_code == 200 and "统计" in stats.text

    master = int((topology["dir"] / "gunicorn-58001.pid").read_text())
    os.kill(master, signal.SIGTERM)
    _eventually(lambda: not Path(f"/proc/{master}").exists(), 15)
    answers = [requests.get(f"{BASE}/api/v1/cases/{case_id}/", headers=auth, timeout=30).status_code for _ in range(8)]
    assert answers == [200] * 8  # nginx passed every request to the process still running
