from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.cases.seeds import seed_questions

    seed_questions(apps.get_model("cases", "Category"), apps.get_model("cases", "CategoryQuestion"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_questions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
