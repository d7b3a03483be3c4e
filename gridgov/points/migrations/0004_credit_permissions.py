from django.db import migrations

# Grid workers and grid chiefs register records of the residents of their grids; the community and town centers
# register and approve, and hear appeals (never their own registrations: the service refuses that).
CREDIT_PERMISSIONS = {
    "grid_worker": ["points:credit:propose"],
    "grid_chief": ["points:credit:propose", "points:credit:approve"],
    "center_dispatcher": ["points:credit:propose", "points:credit:approve"],
}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, perms in CREDIT_PERMISSIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = list(dict.fromkeys(list(role.permissions or []) + perms))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("points", "0003_credit_lists")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
