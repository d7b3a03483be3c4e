from django.db import migrations

# The community's center publishes, answers 我要办事 and handles appointments; the 网格长 too; grid workers answer
# 我要办事 in their grid's community.
PORTAL_PERMISSIONS = {
    "center_dispatcher": ["portal:article:edit", "portal:chat:handle", "portal:slot:edit"],
    "grid_chief": ["portal:article:edit", "portal:chat:handle", "portal:slot:edit"],
    "grid_worker": ["portal:chat:handle"],
}


def add(apps, schema_editor):
    from gridgov.accounts.role_grants import add_permissions

    add_permissions(apps, PORTAL_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
