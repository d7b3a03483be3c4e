from django.db import migrations

# Grid workers and chiefs keep the plans and devices of their grid; centers too; leaders read.
CARE_PERMISSIONS = {
    "grid_worker": ["care:plan:list", "care:plan:edit", "care:device:edit"],
    "grid_chief": ["care:plan:list", "care:plan:edit", "care:device:edit"],
    "center_dispatcher": ["care:plan:list", "care:plan:edit", "care:device:edit"],
    "center_leader": ["care:plan:list"],
}


def add(apps, schema_editor):
    from gridgov.accounts.role_grants import add_permissions

    add_permissions(apps, CARE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
