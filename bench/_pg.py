"""Shared set-up for the PostgreSQL benchmarks: a throw-away database, migrated, with a tiny district."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def fresh_database(name: str, *, keep: bool = False) -> str:
    """The URL of database `name`, made anew (or, with `keep`, the one an earlier run left, made when there is none)."""
    import psycopg

    with psycopg.connect(BASE_URL.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (keep and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{BASE_URL}/{name}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.dev")
    os.environ.setdefault("GRIDGOV_DATA_DIR", str(Path(__file__).resolve().parent.parent / "var" / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def tiny_district():
    """One district, town, community and grid, with their centers, a department and a handler."""
    from shapely.geometry import box, mapping

    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create
    from gridgov.regions.models import Level
    from gridgov.regions.services import region_create

    geom = dict(mapping(box(113.30, 23.10, 113.34, 23.13)))
    d = region_create(actor=None, parent=None, level=Level.DISTRICT, name="基准区", code="990199", geometry=geom)
    t = region_create(actor=None, parent=d, level=Level.TOWN, name="基准街道", code="990199001000", geometry=geom)
    c = region_create(actor=None, parent=t, level=Level.COMMUNITY, name="基准社区", code="990199001001", geometry=geom)
    g = region_create(actor=None, parent=c, level=Level.GRID, name="基准网格", geometry=geom)
    centers = [org_unit_create(actor=None, code=f"GC-{r.code}", name=f"{r.name}综治中心",
                               kind=UnitKind.GOVERNANCE_CENTER, region=r) for r in (d, t, c)]
    dept = org_unit_create(actor=None, code="DEPT-CG", name="城管局", kind=UnitKind.DEPARTMENT,
                           department_type="urban_management", region=d)
    from gridgov.accounts.services import membership_grant, user_create

    dispatcher = user_create(actor=None, username="bench-dispatcher", password="", is_system=True)
    membership_grant(actor=None, user=dispatcher, role_code="center_dispatcher", region=c, unit=centers[2])
    return {"district": d, "town": t, "community": c, "grid": g, "centers": centers, "department": dept}
