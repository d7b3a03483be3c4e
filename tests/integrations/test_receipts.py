"""Deferred intake: a receipt left pending by a dead worker becomes its case once, on the next sweep."""

import io

from django.core.management import call_command

from gridgov.cases.models import Case
from gridgov.integrations.models import IntakeReceipt
from gridgov.integrations.receipts import process_pending, receipt_process


def test_pending_receipt_is_processed_once(cw):
    payload = {"description": "路灯不亮", "category": "0102", "lon": 120.005, "lat": 30.01, "crs": "wgs84",
               "address": "", "reporter_name": "", "reporter_phone": "", "attributes": {}, "extra_attributes": {},
               "device_id": "", "is_public": None}
    receipt = IntakeReceipt.objects.create(token="t1", channel="open311", payload=payload)  # the worker died here
    call_command("sweep", stdout=io.StringIO())
    receipt.refresh_from_db()
    assert receipt.status == "done" and receipt.case.grid == cw.w.grid_a_west
    assert process_pending() == 0 and receipt_process(receipt.pk).case == receipt.case
    assert Case.objects.count() == 1


def test_bad_receipt_is_marked_failed_not_lost(cw):
    r = IntakeReceipt.objects.create(token="t2", channel="open311", payload={"description": "", "lon": 1, "lat": 1})
    assert receipt_process(r.pk).status == "failed"
    r.refresh_from_db()
    assert "描述" in r.error and Case.objects.count() == 0


def test_a_failing_queue_never_fails_the_intake(cw, monkeypatch, django_capture_on_commit_callbacks):
    from gridgov.integrations import tasks
    from gridgov.integrations.receipts import receipt_create

    calls = []

    def broken(pk):
        calls.append(pk)
        raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "process_receipt", broken)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipt_create(actor=None, channel="open311", payload={
            "description": "路灯不亮", "category": "0102", "lon": 120.005, "lat": 30.01})
    assert calls == [receipt.pk]  # the enqueue ran, failed, and the intake did not
    receipt.refresh_from_db()
    assert receipt.status == "pending"  # kept for the sweep
    assert process_pending() == 1 and IntakeReceipt.objects.get().status == "done"
