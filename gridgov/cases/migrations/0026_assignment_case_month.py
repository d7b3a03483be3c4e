"""Each assignment keeps its case's created_at (the case's month partition): a unit's cases are then looked up by
(id, created_at) — one month's index each — instead of by id in every month's (cases.access). Existing rows get
it from their case (one UPDATE; 12 minutes for 9.9 M assignments on the bench machine), then it is required."""

from django.db import migrations, models

FILL = {
    "postgresql": "UPDATE cases_assignment a SET case_created_at = c.created_at FROM cases_case c "
                  "WHERE c.id = a.case_id AND a.case_created_at IS NULL",
}
FILL_OTHER = ("UPDATE cases_assignment SET case_created_at = (SELECT c.created_at FROM cases_case c "
              "WHERE c.id = cases_assignment.case_id) WHERE case_created_at IS NULL")


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(FILL.get(schema_editor.connection.vendor, FILL_OTHER))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0025_cases_by_month"),
    ]

    operations = [
        migrations.AddField(model_name="assignment", name="case_created_at",
                            field=models.DateTimeField(editable=False, null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(model_name="assignment", name="case_created_at",
                              field=models.DateTimeField(editable=False)),
    ]
