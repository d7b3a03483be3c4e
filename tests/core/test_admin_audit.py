"""Settings edited in the admin (SLA policies, the working calendar, roles, routing) are audited field by field,
inline rows and deletions included; a role's permissions are checked against the platform's codes."""

import datetime as dt

from gridgov.accounts.models import Role
from gridgov.cases.models import RoutingRule, SlaPolicy
from gridgov.core.models import AuditLog, CalendarDay
from gridgov.core.workingtime import get_calendar
from tests.conftest import form_values


def test_an_sla_policy_edit_is_audited_with_its_targets(world, client):
    client.force_login(world.admin)
    policy = SlaPolicy.objects.filter(targets__isnull=False).distinct().first()
    target = policy.targets.order_by("urgency").first()
    url = f"/admin/cases/slapolicy/{policy.pk}/change/"
    data = form_values(client.get(url).content.decode())
    data["warn_ratio"] = "0.7"
    [prefix] = {k[: -len("-0-handle_minutes")] for k in data if k.endswith("-0-handle_minutes")}
    row = next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == str(target.pk))
    data[f"{prefix}-{row}-handle_minutes"] = str(target.handle_minutes + 60)
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    change = AuditLog.objects.get(action="admin.change", object_type="cases.slapolicy")
    assert change.actor == world.admin and change.object_id == str(policy.pk)
    assert change.detail["changed"]["warn_ratio"] == [str(policy.warn_ratio), "0.7"]
    inline = AuditLog.objects.get(action="admin.change", object_type="cases.slatarget")
    assert inline.detail["changed"]["handle_minutes"] == [str(target.handle_minutes), str(target.handle_minutes + 60)]
    # saving without a change writes nothing more
    client.post(url, form_values(client.get(url).content.decode()))
    assert AuditLog.objects.filter(action="admin.change").count() == 2


def test_a_holiday_entered_in_the_admin_counts_at_once_and_its_removal_too(world, client):
    client.force_login(world.admin)
    day = dt.date(2026, 12, 21)  # a Monday
    assert get_calendar().is_working_day(day)
    r = client.post("/admin/core/calendarday/add/", {"date": day.isoformat(), "kind": "holiday", "name": "区庆"})
    assert r.status_code == 302
    assert not get_calendar().is_working_day(day)
    added = AuditLog.objects.get(action="admin.add", object_type="core.calendarday")
    assert added.detail["values"]["kind"] == "holiday" and added.detail["values"]["name"] == "区庆"
    r = client.post(f"/admin/core/calendarday/{day.isoformat()}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not CalendarDay.objects.filter(date=day).exists()
    assert get_calendar().is_working_day(day)
    removed = AuditLog.objects.get(action="admin.delete", object_type="core.calendarday")
    assert removed.object_id == day.isoformat() and removed.detail["values"]["name"] == "区庆"


def test_role_permissions_are_checked_and_their_change_audited(world, client):
    client.force_login(world.admin)
    role = Role.objects.get(code="grid_worker")
    url = f"/admin/accounts/role/{role.pk}/change/"
    data = form_values(client.get(url).content.decode())
    before = list(role.permissions)
    data["permissions"] = '["case:case:list", "case:cse:delete"]'
    page = client.post(url, data).content.decode()
    assert "没有这样的权限:case:cse:delete" in page
    data["permissions"] = '"case:case:list"'
    assert "应为权限标识的列表" in client.post(url, data).content.decode()
    role.refresh_from_db()
    assert role.permissions == before and not AuditLog.objects.filter(object_type="accounts.role").exists()
    data["permissions"] = '["case:case:list", "people:*:list"]'
    assert client.post(url, data).status_code == 302
    change = AuditLog.objects.get(action="admin.change", object_type="accounts.role")
    old, new = change.detail["changed"]["permissions"]
    assert old == str(before) and new == str(["case:case:list", "people:*:list"])


def test_removing_a_routing_rule_is_audited(world, client):
    from gridgov.cases.models import Category
    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create

    unit = org_unit_create(actor=None, code="GC-D", name="区综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                           region=world.district)
    rule = RoutingRule.objects.create(category=Category.objects.filter(parent__isnull=False).first(),
                                      region=world.district, unit=unit)
    client.force_login(world.admin)
    r = client.post("/admin/cases/routingrule/", {"action": "delete_selected", "_selected_action": [rule.pk],
                                                  "post": "yes"})
    assert r.status_code == 302 and not RoutingRule.objects.exists()
    removed = AuditLog.objects.get(action="admin.delete", object_type="cases.routingrule")
    assert removed.object_id == str(rule.pk) and removed.detail["values"]["unit_id"] == str(unit.pk)

