from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.cases.seeds import seed as run

    run(apps.get_model("cases", "Category"), apps.get_model("cases", "SlaPolicy"), apps.get_model("cases", "SlaTarget"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
