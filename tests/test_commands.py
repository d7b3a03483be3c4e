"""The `gridgov` command line: imports, exports and tokens."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from gridgov.accounts.models import ApiToken
from gridgov.regions.models import Region
from tests.conftest import poly


def test_import_grids_command(world, tmp_path):
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"parent": world.comm_a.code, "name": "撞车"},
         "geometry": poly(120.001, 30.001, 120.002, 30.002)}]}), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_grids", str(path), stderr=err)
    assert "第1行" in err.getvalue() and "甲一西网格" in err.getvalue()
    assert not Region.objects.filter(name="撞车").exists()


def test_export_and_token_commands(world, tmp_path, client):
    out = tmp_path / "r.xlsx"
    call_command("export_residents", str(out), "--region", world.town_a.code, stdout=io.StringIO())
    rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert sorted(r[5] for r in rows) == ["张三", "李四"]
    buf = io.StringIO()
    call_command("issue_token", "sys-hotline", "--name", "热线", "--region", world.town_a.code, stdout=buf)
    key = buf.getvalue().strip()
    assert ApiToken.objects.count() == 1 and key.startswith("gg_")
    assert client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Bearer {key}").json()["count"] == 2


def test_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "gridgov.cli", "help", "demo"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "--scale" in done.stdout
