from django.db import migrations

CASE_PERMISSIONS = {
    "resident": ["case:case:report"],
    "mobile_volunteer": ["case:case:report"],
    "building_head": ["case:case:report"],
    "grid_worker": ["case:case:list", "case:case:report", "case:case:verify"],
    "grid_chief": ["case:case:list", "case:case:report", "case:case:verify", "case:kpi:view"],
    "center_dispatcher": ["case:case:list", "case:case:report", "case:case:dispatch", "case:kpi:view"],
    "center_leader": ["case:case:list", "case:case:supervise", "case:kpi:view"],
    "department_handler": ["case:case:handle"],
    "mediator": ["case:case:list"],
}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, perms in CASE_PERMISSIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = list(dict.fromkeys(list(role.permissions or []) + perms))
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_seed_roles")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
