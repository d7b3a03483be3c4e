"""Open311's deferred receipts become the platform's one kind of report accepted for later (`cases.QueuedReport`):
every receipt moves over with its token (so a client's `tokens/<token>` keeps answering), its case or its error;
one still waiting takes its values along, encrypted whole, and the worker or the sweep makes its case."""

import json

from django.db import migrations

STATUS = {"pending": "queued", "done": "created", "failed": "refused"}


def move(apps, schema_editor):
    from gridgov.core import pii

    Receipt = apps.get_model("integrations", "IntakeReceipt")
    Queued = apps.get_model("cases", "QueuedReport")
    rows = []
    for r in Receipt.objects.order_by("pk").iterator():
        status = STATUS.get(r.status, "refused")
        payload_enc = ""
        if status == "queued":
            values = dict(r.payload)
            sealed = values.pop("_sealed", None)
            if sealed:
                values.update(json.loads(pii.decrypt(sealed)))
            values.setdefault("channel", r.channel)
            payload_enc = pii.encrypt(json.dumps(values, sort_keys=True, ensure_ascii=False))
        rows.append(Queued(token=r.token[:32], actor_id=r.actor_id, channel=r.channel[:16], payload_enc=payload_enc,
                           received_at=r.created_at, status=status, case_id=r.case_id,
                           processed_at=None if status == "queued" else r.created_at,
                           error_code="intake_failed" if status == "refused" else "",
                           error_message=(r.error or "")[:300]))
    Queued.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0002_devicevendor'),
        ('cases', '0020_queued_report'),
    ]

    operations = [
        migrations.RunPython(move, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='IntakeReceipt',
        ),
    ]
