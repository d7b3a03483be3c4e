"""The security officer's record (等保): log-ins, failed log-ins (also a wrong 动态口令), log-outs and every file a
signed-in user downloads are in the audit log with the address they came from."""

from gridgov.core.models import AuditLog
from tests.conftest import PASSWORD


def test_log_ins_failures_and_log_outs_are_audited(world, client):
    client.post("/console/login/", {"username": "town_a", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    failed = AuditLog.objects.get(action="accounts.login_failed")
    assert failed.actor is None and failed.object_repr == "town_a" and failed.detail["ip"] == "10.1.2.3"
    client.post("/console/login/", {"username": "nobody", "password": "x"})
    assert AuditLog.objects.filter(action="accounts.login_failed", object_repr="nobody").exists()
    client.post("/console/login/", {"username": "town_a", "password": PASSWORD}, HTTP_USER_AGENT="Mozilla/5.0 测试")
    ok = AuditLog.objects.get(action="accounts.login")
    assert ok.actor.username == "town_a" and ok.detail["agent"] == "Mozilla/5.0 测试"
    client.post("/console/logout/")
    assert AuditLog.objects.get(action="accounts.logout").actor.username == "town_a"


def test_downloads_are_audited_pages_are_not(world, client):
    client.force_login(world.user_a)
    before = AuditLog.objects.filter(action="download").count()
    assert client.get("/console/cases/").status_code == 200
    assert AuditLog.objects.filter(action="download").count() == before  # a page is not a download
    r = client.get("/console/cases/?export=xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    row = AuditLog.objects.filter(action="download").get()
    assert row.actor == world.user_a and row.detail["path"] == "/console/cases/"
    assert row.detail["query"] == "export=xlsx" and row.object_repr.endswith(".xlsx")
