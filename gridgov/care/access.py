"""Who may do what with care plans and devices: staff over the place (care:plan:list to read, care:plan:edit to
keep the plans, care:device:edit for devices); a pairing member reads and checks in on their own targets."""

from __future__ import annotations

from django.db.models import QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.care import workflow as wf
from gridgov.care.models import CarePlan, Device

LIST, EDIT, DEVICE = "care:plan:list", "care:plan:edit", "care:device:edit"


def actor_kinds(actor, plan: CarePlan) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    return {wf.OFFICER} if jurisdiction_of(actor).covers(EDIT, plan.region_path) else set()


def is_paired(actor, plan: CarePlan) -> bool:
    return bool(getattr(actor, "pk", None)) and plan.pairings.filter(user=actor, is_active=True).exists()


def can_check_in(actor, plan: CarePlan) -> bool:
    return is_paired(actor, plan) or jurisdiction_of(actor).covers(EDIT, plan.region_path)


def visible_plans(actor) -> QuerySet[CarePlan]:
    base = CarePlan.objects.select_related("resident", "grid", "alert_case")
    staff = scope(base, actor, LIST, "region_path")
    if not getattr(actor, "pk", None):
        return staff
    return base.filter(pk__in=staff.values("pk")) | base.filter(pairings__user=actor, pairings__is_active=True)


def visible_devices(actor) -> QuerySet[Device]:
    return scope(Device.objects.select_related("plan__resident", "grid"), actor, LIST, "region_path")
