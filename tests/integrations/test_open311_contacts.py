"""Open311 reporters' phone and e-mail: checked on the way in (also in deferred mode), kept only encrypted (in
the waiting receipt too), and used to tell the reporter of the outcome."""

import pytest

from gridgov.accounts.services import api_token_issue, membership_grant, user_create
from gridgov.cases.models import Case, CaseFollower
from gridgov.core.pii import get_pii
from gridgov.integrations.models import IntakeReceipt
from gridgov.integrations.receipts import process_pending


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
    assert not Case.objects.exists() and not IntakeReceipt.objects.exists()


def test_a_deferred_receipt_keeps_contacts_sealed_and_drops_them_once_done(cw, key, client, settings,
                                                                           django_capture_on_commit_callbacks):
    settings.OPEN311_DEFERRED = True
    with django_capture_on_commit_callbacks(execute=False):
        assert post(client, key).status_code == 201
    receipt = IntakeReceipt.objects.get()
    assert "13800138000" not in str(receipt.payload) and "example.org" not in str(receipt.payload).lower()
    assert receipt.payload.get("_sealed")
    process_pending()
    receipt.refresh_from_db()
    assert receipt.status == "done" and "_sealed" not in receipt.payload
    assert CaseFollower.objects.filter(case=receipt.case, channel="email").exists()
