"""Security headers: a Content-Security-Policy with a per-response nonce on every page, and production settings
that `check --deploy` finds nothing wrong with."""

import os
import re
import subprocess
import sys

from django.conf import settings


def _csp(response) -> dict:
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}


def test_every_page_has_a_policy_and_inline_scripts_carry_its_nonce(cw, client):
    r = client.get("/console/login/")
    csp = _csp(r)
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and "'unsafe-eval'" not in csp["script-src"]
    assert not any(src.startswith(("http:", "https:")) for src in csp["script-src"])  # no CDN
    client.force_login(cw.dispatcher)
    page = client.get("/console/map/")
    nonce = [s[len("'nonce-"):-1] for s in _csp(page)["script-src"] if s.startswith("'nonce-")][0]
    scripts = re.findall(r"<script([^>]*)>", page.content.decode())
    inline = [a for a in scripts if "src=" not in a]
    assert inline and all(f'nonce="{nonce}"' in a for a in inline)
    again = client.get("/console/map/")
    assert _csp(again)["script-src"] != _csp(page)["script-src"]  # a new nonce each time
    assert client.get("/api/v1/docs/").status_code == 200  # Swagger UI without inline scripts


def test_a_tile_server_is_allowed_for_images_only(cw, client, settings):
    settings.GRIDGOV_TILE_URL = "http://tiles.intranet.local/{z}/{x}/{y}.png"
    csp = _csp(client.get("/console/login/"))
    assert "http://tiles.intranet.local" in csp["img-src"]
    assert "http://tiles.intranet.local" not in csp["script-src"]


def test_production_settings_pass_check_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by the browser tests
    env = {**env, "DJANGO_SETTINGS_MODULE": "gridgov.settings.prod", "SECRET_KEY": "x" * 20 + "Y-7q" * 10,
           "GRIDGOV_PII_KEY": "k", "GRIDGOV_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}
    out = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env, capture_output=True, text=True, cwd=settings.BASE_DIR.parent)
    assert out.returncode == 0, out.stderr + out.stdout
    assert "no issues" in out.stdout
    probe = ("from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
             "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE)")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + probe], env=env,
                         capture_output=True, text=True, cwd=settings.BASE_DIR.parent)
    assert out.stdout.split()[:2] == ["31536000", "True"], out.stderr
