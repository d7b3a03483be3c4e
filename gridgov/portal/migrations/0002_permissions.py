from django.db import migrations

# The community's center publishes, answers 我要办事 and handles appointments; the 网格长 too; grid workers answer
# 我要办事 in their grid's community.
PORTAL_PERMISSIONS = {
    "center_dispatcher": ["portal:article:edit", "portal:chat:handle", "portal:slot:edit"],
    "grid_chief": ["portal:article:edit", "portal:chat:handle", "portal:slot:edit"],
    "grid_worker": ["portal:chat:handle"],
}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, perms in PORTAL_PERMISSIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = list(dict.fromkeys(list(role.permissions or []) + perms))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
