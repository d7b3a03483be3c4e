"""Reports accepted for later (`Prefer: respond-async`): one row and a 202 with a token at once, the case made by
the worker as of the moment the report was received (or by the sweep when the task was lost), once; refusals
that need no database at once, the others on the token; retries by Idempotency-Key; the caller's own tokens only."""

import datetime as dt

import time_machine

from gridgov.cases.models import Case, QueuedReport
from gridgov.core.timeutil import now
from tests.cases.conftest import photo

ASYNC = {"Prefer": "respond-async"}
BODY = {"description": "12345转来:和平路口井盖缺失,行人易跌落", "category": "1101", "lon": 120.005, "lat": 30.01,
        "channel": "hotline", "reporter_name": "王先生", "reporter_phone": "13800138000"}


def queue(client, key=None, **extra):
    headers = {**ASYNC, **({"Idempotency-Key": key} if key else {})}
    return client.post("/api/v1/cases/", {**BODY, **extra}, format="json", headers=headers)


def test_accepted_at_once_and_made_by_the_worker_as_of_receipt(cw, api, django_capture_on_commit_callbacks):
    hotline = api(cw.dispatcher)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = queue(hotline, key="call-1")
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "queued" and body["case"] is None and body["error"] is None
    assert r["Preference-Applied"] == "respond-async" and r["Location"] == f"/api/v1/cases/queued/{body['token']}/"
    assert Case.objects.count() == 0 and len(callbacks) == 1  # one row now; the case after the commit
    row = QueuedReport.objects.get()
    assert "13800138000" not in row.payload_enc and "井盖" not in row.payload_enc  # encrypted at rest
    received = row.received_at

    with time_machine.travel(now() + dt.timedelta(seconds=5), tick=False):
        callbacks[0]()  # the worker's task
    case = Case.objects.get()
    assert case.created_at == received and case.channel == "hotline" and case.reporter_phone_last4 == "8000"
    assert case.events.get(action="report").at == received  # its clocks started when it was received
    done = hotline.get(r["Location"]).json()
    assert done["status"] == "created" and done["case"] == {"id": case.pk, "number": case.number}
    row.refresh_from_db()
    assert row.payload_enc == "" and row.processed_at is not None  # the values are dropped once used

    again = queue(hotline, key="call-1")  # a retry of the same call: the same token, no second case
    assert again.status_code == 202 and again.json()["token"] == body["token"]
    from gridgov.cases.queued import make_case

    assert make_case(row.pk) is None and Case.objects.count() == 1  # made once
    other = queue(hotline, key="call-1", description="另一件事")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert QueuedReport.objects.count() == 1


def test_bad_input_is_refused_at_once_or_on_the_token(cw, api, django_capture_on_commit_callbacks):
    hotline = api(cw.dispatcher)
    r = queue(hotline, lon=500)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_location"
    r = queue(hotline, reporter_phone="12345")
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"reporter_phone"}
    r = queue(hotline, description="   ")
    assert r.status_code == 400
    assert QueuedReport.objects.count() == 0  # nothing stored

    with django_capture_on_commit_callbacks(execute=True):
        r = queue(hotline, category="9999")  # needs the database to tell: refused later, on the token
    assert r.status_code == 202
    told = hotline.get(r["Location"]).json()
    assert told["status"] == "refused" and told["case"] is None
    assert told["error"] == {"code": "unknown_category", "message": "类别 9999 不存在"}
    assert Case.objects.count() == 0
    assert api(cw.w.resident_user).get(r["Location"]).status_code == 404  # someone else's token
    assert hotline.get("/api/v1/cases/queued/nosuchtoken/").status_code == 404


def test_the_sweep_makes_what_the_queue_lost(cw, api, django_capture_on_commit_callbacks):
    from gridgov.cases.sweeper import sweep

    with django_capture_on_commit_callbacks(execute=False):  # the task never runs: Redis lost it
        r = queue(api(cw.dispatcher))
    received = QueuedReport.objects.get().received_at
    assert sweep()["queued"] == 0  # seconds old: still the worker's
    with time_machine.travel(now() + dt.timedelta(seconds=31), tick=False):
        assert sweep()["queued"] == 1 and sweep()["queued"] == 0
    assert Case.objects.get().created_at == received
    assert api(cw.dispatcher).get(r["Location"]).json()["status"] == "created"


def test_photos_are_reported_at_once_whatever_the_preference(cw, api):
    r = api(cw.w.resident_user).post("/api/v1/cases/", {**BODY, "channel": "resident_app", "photos": [photo()]},
                                     format="multipart", headers=ASYNC)
    assert r.status_code == 201 and r.json()["number"] and "Preference-Applied" not in r
    assert QueuedReport.objects.count() == 0


def test_the_admin_lists_them_in_chinese_without_the_values(cw, api, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(api(cw.dispatcher), category="9999")  # refused by the worker
    with django_capture_on_commit_callbacks(execute=False):
        queue(api(cw.dispatcher))  # still waiting: its values are stored
    client.force_login(cw.w.admin)
    page = client.get("/admin/cases/queuedreport/").content.decode()
    for word in ("待立案上报", "受理时间", "上报方账号", "未受理原因", "类别 9999 不存在", "排队中", "未受理"):
        assert word in page, word
    waiting = QueuedReport.objects.get(status="queued")
    page = client.get(f"/admin/cases/queuedreport/{waiting.pk}/change/").content.decode()
    assert waiting.payload_enc[:20] not in page and "fingerprint" not in page and "payload" not in page


def test_answered_tokens_are_forgotten_after_the_keep_days_waiting_ones_never(cw, api, settings,
                                                                             django_capture_on_commit_callbacks):
    from gridgov.cases.queued import forget_processed

    with django_capture_on_commit_callbacks(execute=True):
        made = queue(api(cw.dispatcher))
    with django_capture_on_commit_callbacks(execute=False):
        queue(api(cw.dispatcher), description="还在排队")
    settings.QUEUED_REPORT_KEEP_DAYS = 90
    assert forget_processed(at=now() + dt.timedelta(days=89)) == 0
    assert forget_processed(at=now() + dt.timedelta(days=91)) == 1
    assert QueuedReport.objects.get().status == "queued"  # the waiting one stays, however old
    assert api(cw.dispatcher).get(made["Location"]).status_code == 404 and Case.objects.count() == 1


def test_a_process_hands_the_reports_of_a_moment_over_as_one_task(cw, api, settings, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    import threading

    from gridgov.cases import queued

    handed, arrived = [], threading.Event()
    monkeypatch.setattr(queued, "_batch", queued._Batch())  # this test's own, not another test's thread
    monkeypatch.setattr(queued, "_hand_over", lambda ids: (handed.append(list(ids)), arrived.set()))
    settings.QUEUED_REPORT_BATCH_SECONDS = 1.0  # the four requests take far less
    hotline = api(cw.dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        tokens = [queue(hotline, key=f"b{i}", description=f"第{i}件:路灯不亮").json()["token"] for i in range(4)]
    ids = [QueuedReport.objects.get(token=t).pk for t in tokens]
    assert arrived.wait(5)
    assert handed == [ids]  # gathered for the moment, handed over once, in the order received
    monkeypatch.undo()
    queued._hand_over(handed[0])  # the worker's one task makes all four
    assert sorted(Case.objects.values_list("description", flat=True)) == [f"第{i}件:路灯不亮" for i in range(4)]

    # a process that exits hands over what it still holds (its atexit hook); a lost hand-over is the sweep's
    batch, later = queued._Batch(), []
    monkeypatch.setattr(queued, "_hand_over", later.extend)
    batch.add(101, 60)
    batch.add(102, 60)
    batch.flush()
    assert later == [101, 102] and batch.ids == []


def test_a_forked_process_starts_its_own_batch():
    import os

    from gridgov.cases import queued

    batch = queued._Batch()
    with batch.ready:  # held by the parent at the fork: the child must not inherit a held lock
        batch.ids.append(7)
        pid = os.fork()
        if pid == 0:  # the child
            ok = batch.ids == [] and not batch.started and batch.ready.acquire(timeout=1)
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert batch.ids == [7]  # the parent keeps what it held
    batch.ids.clear()  # nothing for its exit hook to hand over
