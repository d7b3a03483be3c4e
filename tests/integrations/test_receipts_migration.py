"""Open311's deferred receipts move into the reports accepted for later (integrations 0003): tokens keep
answering, a receipt still waiting becomes a queued report with its values (encrypted whole) for the sweep to
make its case (tests/cases/test_queued.py), a failed one keeps its reason; nothing is lost."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gridgov.core import pii

BEFORE = [("integrations", "0002_devicevendor"), ("cases", "0020_queued_report")]
AFTER = [("integrations", "0003_receipts_become_queued_reports")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_receipts_become_queued_reports():
    from gridgov.accounts.models import User

    bridge = User.objects.create(username="fms-bridge")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Receipt = old.get_model("integrations", "IntakeReceipt")
    sealed = pii.encrypt(json.dumps({"reporter_phone": "13800138000"}))
    Receipt.objects.create(token="a" * 32, channel="open311", actor_id=bridge.pk, payload={
        "description": "路灯不亮", "category": "0102", "lon": 120.005, "lat": 30.01, "_sealed": sealed})
    Receipt.objects.create(token="b" * 32, channel="open311", payload={}, status="failed", error="请描述发生了什么")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, as the test database was

    from gridgov.cases.models import QueuedReport
    from gridgov.cases.queued import queued_by_token

    waiting, failed = QueuedReport.objects.order_by("token")
    assert (waiting.status, waiting.channel, waiting.actor_id) == ("queued", "open311", bridge.pk)
    assert "13800138000" not in waiting.payload_enc
    assert json.loads(pii.decrypt(waiting.payload_enc)) == {
        "description": "路灯不亮", "category": "0102", "lon": 120.005, "lat": 30.01, "channel": "open311",
        "reporter_phone": "13800138000"}
    assert (failed.status, failed.error_code, failed.error_message) == ("refused", "intake_failed", "请描述发生了什么")
    assert failed.payload_enc == "" and queued_by_token("b" * 32) == failed
