"""Idempotency keys become the caller's own: existing keys are prefixed with their reporter (u<id>, or sys for
reports made by the platform itself, e.g. sensor alarms), as case_report now writes them."""

from django.db import migrations


def scope_keys(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    batch = []
    for case in Case.objects.filter(idempotency_key__isnull=False).only("pk", "idempotency_key", "reporter_id")\
            .iterator(chunk_size=2000):
        key = case.idempotency_key
        case.idempotency_key = (f"u{case.reporter_id}:{key}" if case.reporter_id else f"sys:{key}")[:140]
        batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["idempotency_key"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["idempotency_key"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_idempotency_scope")]

    operations = [migrations.RunPython(scope_keys, migrations.RunPython.noop)]
