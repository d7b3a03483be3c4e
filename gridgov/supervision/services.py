"""Writes of supervision: inspections scheduled (by hand, or by the sweep when a compound's period is up), their
results submitted at once for every item — a failed item with its photo becomes a rectification case for the
compound's grid (the center routes it, to the property company by the routing rules) with a deadline —, the
re-inspection of what failed, cancelling. Every step is a row of `supervision.workflow.INSPECTION` with its
timeline row, in one transaction."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases.models import Channel
from gridgov.cases.photos import check_photo, public_copy, read_upload
from gridgov.cases.services import case_report
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import local, now
from gridgov.supervision import events
from gridgov.supervision.access import MANAGE
from gridgov.supervision.models import Compound, Inspection, InspectionState, Result
from gridgov.supervision.workflow import INSPECTION

S = InspectionState


@transaction.atomic
def inspection_schedule(*, actor, compound: Compound, due_on: dt.date, inspector=None) -> Inspection:
    """安排检查 of a compound (one waiting at a time); `actor` None is the sweep."""
    if actor is not None and not jurisdiction_of(actor).covers(MANAGE, compound.region_path):
        raise PermissionDenied("您不能为该小区安排检查")
    at = now()
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                compound=compound, checklist=compound.checklist, property_company=compound.property_company,
                region_path=compound.region_path, inspector=inspector or compound.inspector, due_on=due_on,
                created_at=at, updated_at=at)
    except IntegrityError:
        raise ApplicationError("already_scheduled", f"{compound.name}已有待检查的安排", status=409) from None
    events.record(inspection, "schedule", actor=actor, at=at, note=f"应检 {due_on:%Y-%m-%d}")
    return inspection


def schedule_due(*, at: dt.datetime | None = None) -> int:
    """The plan: a compound whose last inspection is a period old (its checklist's days: 15, 老旧小区 30) and that
    has none waiting gets the next one, due today."""
    at = at or now()
    today = local(at).date()
    n = 0
    for compound in Compound.objects.filter(is_active=True).select_related("checklist"):
        last = (Inspection.objects.filter(compound=compound).exclude(state=S.CANCELLED)
                .order_by("-due_on").values_list("due_on", "state").first())
        if last is not None and (last[1] == S.SCHEDULED or last[0] + dt.timedelta(days=compound.checklist.every_days)
                                 > today):
            continue
        try:
            inspection_schedule(actor=None, compound=compound, due_on=today)
            n += 1
        except ApplicationError:
            continue
    return n


def _case(inspection: Inspection, result: Result, *, actor, photo_data: bytes | None):
    compound = inspection.compound
    item = result.item
    description = f"{compound.name}物业检查不合格:{item.text}。{result.note}".strip()
    company = inspection.property_company.name if inspection.property_company is not None else "物业服务企业"
    case, _ = case_report(
        actor=actor, channel=Channel.GRID_WORKER, title=f"{compound.name}:{item.text}", description=description,
        category=item.category, grid=compound.grid, address=compound.address or compound.name, is_public=False,
        photos=[("inspection.jpg", photo_data)] if photo_data else (),
        idempotency_key=f"inspection-{inspection.pk}-{item.pk}",
        extra_attributes={"inspection": inspection.pk, "property_company": company,
                          "rectify_by": result.rectify_by.isoformat() if result.rectify_by else None})
    return case


@transaction.atomic
def inspection_submit(*, actor, inspection: Inspection, results: dict, photos: dict | None = None,
                      notes: dict | None = None) -> Inspection:
    """提交检查结果: every item of the checklist passed (True) or failed (False); a failed item needs its photo where
    the item asks for one and becomes a rectification case due in the item's days. `results`, `photos` and `notes`
    are keyed by the item's code."""
    photos, notes = photos or {}, notes or {}
    inspection = Inspection.objects.select_for_update(of=("self",)).select_related("compound__grid").get(
        pk=inspection.pk)
    t = INSPECTION.check(actor, inspection, "submit")
    items = list(inspection.checklist.items.all())
    missing = [i.text for i in items if not isinstance(results.get(i.code), bool)]
    if missing:
        raise ApplicationError("results_incomplete", f"请逐项检查:{'、'.join(missing[:5])}", fields={"results": "未填完"})
    unknown = set(results) - {i.code for i in items}
    if unknown:
        raise ApplicationError("unknown_item", f"检查表中没有:{'、'.join(sorted(unknown))}", fields={"results": "无效"})
    checked: dict[str, bytes] = {}
    for item in items:
        upload = photos.get(item.code)
        if upload is not None:
            data, name = read_upload(upload)
            check_photo(data, name)
            checked[item.code] = data
        if results[item.code] is False and item.photo_required and item.code not in checked:
            raise ApplicationError("photo_required", f"「{item.text}」不合格须拍照留痕", fields={"photos": item.code})
    at = now()
    today = local(at).date()
    failed = 0
    deducted = 0
    for item in items:
        passed = results[item.code]
        r = Result(inspection=inspection, item=item, passed=passed, note=str(notes.get(item.code) or "").strip()[:500])
        if item.code in checked:
            r.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(public_copy(checked[item.code])), save=False)
        if not passed:
            failed += 1
            deducted += item.weight
            r.rectify_by = today + dt.timedelta(days=item.rectify_days)
            r.save()
            r.case = _case(inspection, r, actor=actor, photo_data=checked.get(item.code))
            r.save(update_fields=["case"])
        else:
            r.save()
    inspection.failed_count, inspection.deducted, inspection.submitted_at = failed, deducted, at
    if inspection.inspector_id is None:
        inspection.inspector = actor
    outcome = "failed" if failed else "passed"
    INSPECTION.commit(inspection, t, outcome=outcome, at=at,
                      fields=["failed_count", "deducted", "submitted_at", "inspector"],
                      event=lambda old: events.record(inspection, "submit", from_state=old, actor=actor, at=at,
                                                      note=f"{failed} 项不合格" if failed else "全部合格",
                                                      data={"failed": failed, "deducted": deducted}))
    return inspection


@transaction.atomic
def inspection_reinspect(*, actor, inspection: Inspection, fixed: dict, notes: dict | None = None) -> Inspection:
    """复查: for each failed item, whether it has been put right (`fixed` keyed by the item's code)."""
    inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)
    t = INSPECTION.check(actor, inspection, "reinspect")
    failed = list(inspection.results.filter(passed=False).select_related("item"))
    missing = [r.item.text for r in failed if not isinstance(fixed.get(r.item.code), bool)]
    if missing:
        raise ApplicationError("results_incomplete", f"请逐项复查:{'、'.join(missing[:5])}", fields={"fixed": "未填完"})
    at = now()
    for r in failed:
        r.rectified = fixed[r.item.code]
        extra = str((notes or {}).get(r.item.code) or "").strip()
        if extra:
            r.note = f"{r.note} 复查:{extra}".strip()[:500]
        r.save(update_fields=["rectified", "note"])
    inspection.reinspected_at = at
    not_fixed = sum(1 for r in failed if not r.rectified)
    INSPECTION.commit(inspection, t, fields=["reinspected_at"], at=at,
                      event=lambda old: events.record(inspection, "reinspect", from_state=old, actor=actor, at=at,
                                                      note=f"{not_fixed} 项未整改到位" if not_fixed else "已全部整改",
                                                      data={"not_fixed": not_fixed}))
    return inspection


@transaction.atomic
def inspection_cancel(*, actor, inspection: Inspection, reason: str) -> Inspection:
    inspection = Inspection.objects.get(pk=inspection.pk)
    t = INSPECTION.check(actor, inspection, "cancel")
    note = t.require({"reason": reason})
    at = now()
    INSPECTION.commit(inspection, t, at=at,
                      event=lambda old: events.record(inspection, "cancel", from_state=old, actor=actor, at=at,
                                                      note=note))
    return inspection


@transaction.atomic
def adjustment_add(*, actor, region, month: str, points, reason: str, user=None):
    """考核加减分 (−20…+20, not 0) for a grid worker or a community in a month, with the reason."""
    from gridgov.core.errors import text_of
    from gridgov.core.timeutil import month_bounds
    from gridgov.supervision.models import Adjustment

    month_bounds(month)  # a valid month
    if not jurisdiction_of(actor).covers(MANAGE, region.path):
        raise PermissionDenied("您不能为该网格或社区登记考核加减分")
    try:
        points = int(points)
    except (TypeError, ValueError):
        points = 0
    if points == 0 or not -20 <= points <= 20:
        raise ApplicationError("invalid_points", "加减分须在 −20 到 +20 之间且不为 0", fields={"points": "−20…+20"})
    at = now()
    a = Adjustment.objects.create(user=user, region=region, region_path=region.path, month=month, points=points,
                                  reason=text_of(reason, "reason", "事由", 2, 500), created_by=actor, created_at=at,
                                  updated_at=at)
    events.adjustment(a, "add", actor=actor, at=at, note=a.reason)
    return a


@transaction.atomic
def adjustment_act(*, actor, adjustment, action: str, values: dict | None = None):
    """申诉 (the worker), 维持 or 撤销 (a manager over the place; never the worker on their own item)."""
    from gridgov.supervision.models import Adjustment
    from gridgov.supervision.workflow import ADJUSTMENT

    values = values or {}
    a = Adjustment.objects.get(pk=adjustment.pk)
    t = ADJUSTMENT.check(actor, a, action)
    note = t.require(values)
    fields = []
    if action == "appeal":
        a.appeal = note[:500]
        fields.append("appeal")
    at = now()
    ADJUSTMENT.commit(a, t, fields=fields, at=at,
                      event=lambda old: events.adjustment(a, action, actor=actor, at=at, note=note, from_state=old))
    return a
