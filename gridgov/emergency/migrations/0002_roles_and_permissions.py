from django.db import migrations

# Centers command callouts, keep the roster and the alert groups; grid workers and chiefs warn alert groups of
# their grid. Members of an emergency unit respond by membership of the unit (any role); 应急队员 is the role new
# members get.
EMERGENCY_PERMISSIONS = {
    "center_dispatcher": ["emergency:callout:command", "emergency:roster:edit", "emergency:alert:send"],
    "center_leader": ["emergency:callout:command"],
    "grid_chief": ["emergency:alert:send"],
    "grid_worker": ["emergency:alert:send"],
}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.get_or_create(code="emergency_responder", defaults={
        "name": "应急队员", "permissions": ["region:region:list", "org:unit:list"], "is_staff_role": True, "sort": 95})
    from gridgov.accounts.role_grants import add_permissions

    add_permissions(apps, EMERGENCY_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("emergency", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
