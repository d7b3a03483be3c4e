"""A permission of its own for seeing a reporter's full phone number (it was the dispatch permission's), granted
to the center dispatchers who had it; a district can now take it from a role without taking dispatching."""

from django.db import migrations


def add(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code="center_dispatcher"):
        if "case:case:reveal" not in (role.permissions or []):
            role.permissions = [*(role.permissions or []), "case:case:reveal"]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_phone_code")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
