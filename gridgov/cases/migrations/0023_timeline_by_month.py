"""The timeline (cases_caseevent) partitioned by month of `at` on PostgreSQL (gridgov.core.partitions): the one
database foreign key into it (an attachment's event) goes first, as PostgreSQL would need the partition column in
it. On a large installation the rows are copied once, in this migration's transaction: plan the upgrade's window
(about a minute per few million rows here). Other databases: only the foreign key changes."""

import django.db.models.deletion
from django.db import migrations, models


def partition(apps, schema_editor):
    from gridgov.core.partitions import partition_by_month

    partition_by_month("cases_caseevent", "at")


def unpartition(apps, schema_editor):
    from gridgov.core.partitions import unpartition

    unpartition("cases_caseevent", "at")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0022_queued_report_fewer_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='attachment',
            name='event',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='attachments', to='cases.caseevent'),
        ),
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
