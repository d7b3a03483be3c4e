from django.db import migrations

# The committee (网格长, the center's staff) runs the steps; grid workers, building heads and departments propose;
# leaders read.
DELIBERATION_PERMISSIONS = {
    "grid_worker": ["deliberation:topic:list", "deliberation:topic:propose"],
    "building_head": ["deliberation:topic:list", "deliberation:topic:propose"],
    "department_handler": ["deliberation:topic:list", "deliberation:topic:propose"],
    "grid_chief": ["deliberation:topic:list", "deliberation:topic:propose", "deliberation:topic:edit"],
    "center_dispatcher": ["deliberation:topic:list", "deliberation:topic:propose", "deliberation:topic:edit"],
    "center_leader": ["deliberation:topic:list"],
}


def add(apps, schema_editor):
    from gridgov.accounts.role_grants import add_permissions

    add_permissions(apps, DELIBERATION_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
