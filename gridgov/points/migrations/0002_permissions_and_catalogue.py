from django.db import migrations
from django.utils import timezone

# The community and town centers verify volunteers, approve claims and hand out rewards; grid chiefs and grid
# workers hand out rewards at the station; leaders see the accounts and correct them.
POINTS_PERMISSIONS = {
    "grid_worker": ["points:redemption:handle"],
    "grid_chief": ["points:volunteer:verify", "points:claim:approve", "points:redemption:handle",
                   "points:ledger:view"],
    "center_dispatcher": ["points:volunteer:verify", "points:claim:approve", "points:redemption:handle",
                          "points:ledger:view"],
    "center_leader": ["points:ledger:view", "points:ledger:correct", "points:catalogue:edit"],
}


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, perms in POINTS_PERMISSIONS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = list(dict.fromkeys(list(role.permissions or []) + perms))
        role.save(update_fields=["permissions"])
    from gridgov.points.seeds import seed

    seed(apps.get_model("points", "PointClass"), apps.get_model("points", "PointItem"), timezone.now())


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial"), ("accounts", "0005_case_reveal")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
