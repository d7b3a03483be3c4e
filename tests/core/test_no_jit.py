"""PostgreSQL's JIT is off for gridgov's database (core migration 0007): every new connection starts without it."""

import psycopg
import pytest
from django.db import connection


@pytest.mark.django_db
def test_new_connections_to_the_database_have_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cur:
        cur.execute("SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d "
                    "ON d.oid = s.setdatabase WHERE d.datname = current_database() AND s.setrole = 0")
        row = cur.fetchone()
    assert row is not None and "jit=off" in row[0]
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}) \
            as fresh:
        assert fresh.execute("SHOW jit").fetchone()[0] == "off"
