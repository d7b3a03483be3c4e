"""Open311 reporters' phone and e-mail: checked on the way in (also in deferred mode), kept only encrypted (in
the waiting report too), and used to tell the reporter of the outcome."""

import datetime as dt

import pytest

from gridgov.accounts.services import api_token_issue, membership_grant, user_create
from gridgov.cases.models import Case, CaseFollower, QueuedReport
from gridgov.cases.queued import make_waiting
from gridgov.core.pii import get_pii


@pytest.fixture
def key(cw, settings):
    settings.OPEN311_RATE_LIMITS = {"key": 1000, "ip": 1000}
    system = user_create(actor=None, username="fms-bridge", password="", is_system=True)
    membership_grant(actor=None, user=system, role_code="resident", region=cw.w.district)
    return api_token_issue(actor=None, user=system, name="FixMyStreet 对接")[1]


def post(client, key, **over):
    data = {"api_key": key, "service_code": "1101", "lat": "30.01", "long": "120.005", "description": "路边垃圾",
            "email": "Reporter@Example.org", "phone": "13800138000"}
    data.update(over)
    return client.post("/open311/v2/requests.json", data)


def test_contacts_become_encrypted_followers_not_attributes(cw, key, client):
    r = post(client, key)
    assert r.status_code == 201, r.content
    case = Case.objects.get()
    assert "Reporter" not in str(case.attributes) and "13800138000" not in str(case.attributes)
    followers = {f.channel: get_pii(f, "address") for f in case.followers.all()}
    assert followers == {"sms": "13800138000", "email": "reporter@example.org"}  # the bridge account is not one


@pytest.mark.parametrize("deferred", [False, True])
def test_a_bad_email_is_refused_at_once(cw, key, client, settings, deferred):
    settings.OPEN311_DEFERRED = deferred
    r = post(client, key, email="nobody-at-nowhere")
    assert r.status_code == 400 and "电子邮件" in r.content.decode()
    assert not Case.objects.exists() and not QueuedReport.objects.exists()


def test_a_deferred_report_keeps_contacts_encrypted_and_drops_them_once_done(cw, key, client, settings,
                                                                              django_capture_on_commit_callbacks):
    settings.OPEN311_DEFERRED = True
    with django_capture_on_commit_callbacks(execute=False):
        assert post(client, key).status_code == 201
    queued = QueuedReport.objects.get()
    assert queued.channel == "open311" and queued.payload_enc
    assert "13800138000" not in queued.payload_enc and "example.org" not in queued.payload_enc.lower()
    assert make_waiting(older_than=dt.timedelta(0)) == 1  # the worker's task lost: the sweep makes it
    queued.refresh_from_db()
    assert queued.status == "created" and queued.payload_enc == ""
    assert CaseFollower.objects.filter(case=queued.case, channel="email").exists()
