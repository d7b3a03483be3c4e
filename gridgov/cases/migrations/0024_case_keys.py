"""A caller's idempotency key moves from the case to its own table (cases.CaseKey, unique per channel), and the
database foreign keys into the case table go (db_constraint=False; integrity by the services, a case is never
deleted): both because the next migration partitions the case table by month on PostgreSQL, where a unique
constraint and a key referred to must name the partition column."""

import django.db.models.deletion
from django.db import migrations, models


def keys_to_table(apps, schema_editor):
    q = schema_editor.quote_name
    schema_editor.execute(f"INSERT INTO cases_casekey (channel, {q('key')}, fingerprint, case_id) "
                          "SELECT channel, idempotency_key, idempotency_hash, id FROM cases_case "
                          "WHERE idempotency_key IS NOT NULL")


def keys_to_cases(apps, schema_editor):
    q = schema_editor.quote_name
    schema_editor.execute(f"UPDATE cases_case SET idempotency_key = (SELECT k.{q('key')} FROM cases_casekey k "
                          "WHERE k.case_id = cases_case.id), idempotency_hash = coalesce((SELECT k.fingerprint "
                          "FROM cases_casekey k WHERE k.case_id = cases_case.id), '')")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0023_timeline_by_month'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(max_length=16, verbose_name='来源渠道')),
                ('key', models.CharField(max_length=140, verbose_name='幂等键')),
                ('fingerprint', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'verbose_name': '幂等键',
                'verbose_name_plural': '幂等键',
            },
        ),
        migrations.AddField(
            model_name='casekey',
            name='case',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case'),
        ),
        migrations.RunPython(keys_to_table, keys_to_cases, elidable=False),
        migrations.RemoveConstraint(
            model_name='case',
            name='case_idempotency',
        ),
        migrations.AddConstraint(
            model_name='casekey',
            constraint=models.UniqueConstraint(fields=('channel', 'key'), name='case_idempotency'),
        ),
        migrations.RemoveField(
            model_name='case',
            name='idempotency_hash',
        ),
        migrations.RemoveField(
            model_name='case',
            name='idempotency_key',
        ),
        migrations.AlterField(
            model_name='assignment',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='case',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_cases', to='cases.case', verbose_name='合并至'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='casefollower',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='followers', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='casefollower',
            name='from_case',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='extensionrequest',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='extension_requests', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='queuedreport',
            name='case',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.case', verbose_name='事件'),
        ),
        migrations.AlterField(
            model_name='triagecorrection',
            name='case',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='事件'),
        ),
    ]
