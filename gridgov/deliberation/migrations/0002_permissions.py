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
    Role = apps.get_model("accounts", "Role")
    for code, perms in DELIBERATION_PERMISSIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = list(dict.fromkeys(list(role.permissions or []) + perms))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
