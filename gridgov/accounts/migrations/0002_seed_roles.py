from django.db import migrations


def seed_roles(apps, schema_editor):
    from gridgov.accounts.permissions import DEFAULT_ROLES

    Role = apps.get_model("accounts", "Role")
    for sort, (code, name, permissions, staff) in enumerate(DEFAULT_ROLES):
        Role.objects.get_or_create(
            code=str(code), defaults={"name": name, "permissions": permissions, "is_staff_role": staff, "sort": sort}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
