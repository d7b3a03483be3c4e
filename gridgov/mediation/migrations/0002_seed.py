from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.mediation.seeds import seed as run

    run(apps.get_model("mediation", "DisputeType"), apps.get_model("mediation", "RiskLevel"))


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
