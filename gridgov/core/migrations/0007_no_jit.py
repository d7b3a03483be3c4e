"""PostgreSQL's JIT compiler off for gridgov's database (ALTER DATABASE … SET jit = off: every new connection, the
replica's too, whatever pools them).

JIT compiles a query's expressions when its estimated cost passes jit_above_cost (100,000). A province's lists
and KPIs pass it once the cases run into millions, and then pay 200–250 ms of compiling for queries that run in
40: on 10 M cases a district's KPI rows took 621 ms with JIT and 36 ms without, its timeline rows 827 and 193
(docs/performance.md). JIT pays off for long analytical scans, which gridgov leaves to its rollups.

Changing a database's settings needs its owner (or a superuser); without that privilege the migration says so
and goes on (the DBA runs the statement; the README's upgrade notes say so)."""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'gridgov: could not turn JIT off (ALTER DATABASE % SET jit = off needs the database owner)',
        current_database();
END $$;
"""
BACKWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END $$;
"""


def _run(schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cur:
            cur.execute(sql)  # no parameters: format()'s %I and RAISE's % are PostgreSQL's, not placeholders


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_holiday_names_in_chinese")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
