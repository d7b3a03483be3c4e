"""The case table (cases_case) partitioned by month of `created_at` on PostgreSQL (gridgov.core.partitions), as the
timeline already is: after 0024 and the other apps' migrations of that day nothing refers to it by a database
foreign key and it has no unique constraint but its key. The rows are copied once, in this migration's
transaction: plan the upgrade's window. Other databases: nothing changes."""

from django.db import migrations


def partition(apps, schema_editor):
    from gridgov.core.partitions import partition_by_month

    partition_by_month("cases_case", "created_at")


def unpartition(apps, schema_editor):
    from gridgov.core.partitions import unpartition

    unpartition("cases_case", "created_at")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0024_case_keys'),
        ('care', '0003_alter_careplan_alert_case_alter_checkin_case_and_more'),
        ('deliberation', '0003_alter_topic_case'),
        ('emergency', '0003_alter_callout_case'),
        ('integrations', '0003_receipts_become_queued_reports'),  # its receipts table had a key into cases
        ('mediation', '0009_alter_dispute_case'),
        ('points', '0010_alter_transfer_case'),
        ('portal', '0003_alter_conversation_case'),
        ('supervision', '0011_alter_result_case'),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
