"""Every change of a case: one function per action, atomic, compare-and-set on the state, and an immutable
timeline row written in the same transaction. Refusals are ApplicationError with a stable code."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from gridgov.accounts.models import Membership
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases import events, signals, sla
from gridgov.cases.duplicates import find_duplicates
from gridgov.cases.models import (
    Assignment,
    Case,
    CaseFollower,
    CaseKey,
    Category,
    Channel,
    ExtensionRequest,
    Light,
    Satisfaction,
    State,
    Urgency,
)
from gridgov.cases.photos import check_photos, store_photos
from gridgov.cases.reference import category_by_code, unit_staff
from gridgov.cases.routing import (
    center_for,
    confident_department,
    district_path_for,
    escalation_step,
    suggest_unit,
)
from gridgov.cases.sla import CLOCK_FIELDS
from gridgov.cases.workflow import TABLE
from gridgov.core.coords import parse_crs, to_wgs84, validate_lonlat
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.identity import validate_mobile
from gridgov.core.pii import get_pii, lookup_hashes, mask, set_pii
from gridgov.core.timeutil import now
from gridgov.notify.services import notify, notify_users, reachable_channels
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.regions.locator import get_locator
from gridgov.regions.models import Region

MAX_REOPEN = getattr(settings, "CASE_MAX_REOPEN", 1)


# -- helpers ------------------------------------------------------------------------------------------


TITLE_FROM_DESCRIPTION = 30  # characters of the description a report without a title is named by


log = logging.getLogger("gridgov.cases")

def case_title(title: str | None, description: str) -> str:
    """A report's title; without one, the description's first sentence, or its first characters with "…" so a
    reader sees that more follows."""
    title = " ".join((title or "").split())
    if title:
        return title[:100]
    text = " ".join(description.split())
    sentence = re.split(r"[。！？!?；;]", text, maxsplit=1)[0].strip()
    if 0 < len(sentence) <= TITLE_FROM_DESCRIPTION:
        return sentence
    return text if len(text) <= TITLE_FROM_DESCRIPTION else text[:TITLE_FROM_DESCRIPTION - 1] + "…"


def _unit_of(actor, case: Case | None = None) -> OrgUnit | None:
    if actor is None:
        return None
    m = Membership.objects.filter(user=actor, is_active=True, unit__isnull=False).select_related("unit")
    if case is not None:
        units = set(case.assignments.values_list("unit_id", flat=True))
        for x in m:
            if x.unit_id in units or x.unit_id == case.owner_center_id:
                return x.unit
    first = m.first()
    return first.unit if first else None


def _reason(text: str, what: str = "原因") -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError("reason_required", f"请填写{what}", fields={"reason": "必填"})
    return text[:2000]


def _commit(case: Case, old_state: str, old_updated, fields: Iterable[str]) -> None:
    """Compare-and-set for the changes that are not workflow actions (deadlines filled in later)."""
    t = now()
    values = {f: getattr(case, f) for f in set(fields)}
    values["updated_at"] = t
    updated = Case.objects.filter(pk=case.pk, state=old_state, updated_at=old_updated).update(**values)
    if updated != 1:
        raise ApplicationError("state_changed", "事件已被他人处理,请刷新后重试", status=409)
    case.updated_at = t
    signals.cases_written.send(sender=Case, ids=[case.pk])


def _tell_followers(case: Case, subject: str, body: str = "") -> None:
    """件件有回音: reporters with an account in the app; the others by SMS or e-mail where a provider for
    that channel is set up (otherwise nothing is queued, and the follower stays for when one is)."""
    reachable = reachable_channels()
    for f in case.followers.select_related("user"):
        if f.user_id:
            notify(recipient=f.user, subject=subject, body=body, data={"case": case.pk})
        elif f.channel in reachable and f.address_enc:
            text = body or subject
            notify(channel=f.channel, address=get_pii(f, "address"), subject=subject,
                   body=f"{text}(事件编号 {case.number})", data={"case": case.pk})


def _follow(case: Case, channel: str, address: str, *, from_case: Case | None = None) -> None:
    """Add a reporter without an account as a follower, once per address."""
    kind = CaseFollower.pii_kind("address", channel)
    if not address or CaseFollower.objects.filter(case=case, user__isnull=True, channel=channel,
                                                  address_hash__in=lookup_hashes(kind, address)).exists():
        return
    f = CaseFollower(case=case, channel=channel, from_case=from_case)
    set_pii(f, "address", kind, address)
    f.save()


def _tell_unit(unit, subject: str, case: Case, role: str | None = None, dedupe: str | None = None) -> None:
    notify_users(unit_staff(unit.pk if unit is not None else None, role), subject=subject, data={"case": case.pk},
                 dedupe_key=dedupe)


def _lock(case: Case) -> Case:
    return Case.objects.select_related("category", "owner_center__region", "grid").get(pk=case.pk)


# -- intake -------------------------------------------------------------------------------------------


def _category(value) -> Category | None:
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        category = value
    else:
        category = category_by_code(str(value))
        if category is None:
            raise ApplicationError("unknown_category", f"类别 {value} 不存在", fields={"category": "不存在"})
    if not category.is_active:
        raise ApplicationError("inactive_category", f"类别「{category.name}」已停用", fields={"category": "已停用"})
    return category


def parse_place(lon, lat, crs, address) -> dict:
    address = (address or "").strip()
    if lon in (None, "") and lat in (None, ""):
        if not address:
            raise ApplicationError("location_required", "请提供位置(经纬度)或地址", fields={"location": "必填"})
        return {"lon": None, "lat": None, "crs_source": "", "address": address[:200]}
    try:
        lon, lat = validate_lonlat(lon, lat)
        crs = parse_crs(crs)
    except ValueError as exc:
        raise ApplicationError("invalid_location", str(exc), fields={"location": str(exc)})
    wlon, wlat = to_wgs84(lon, lat, crs)
    return {"lon": round(wlon, 7), "lat": round(wlat, 7), "crs_source": crs.value, "address": address[:200]}


def check_answers(category: Category | None, answers: dict) -> dict:
    """Validate the answers to a category's extra questions (Open311 attributes); unknown codes are refused."""
    from django.utils.dateparse import parse_datetime

    from gridgov.cases.models import CategoryQuestion

    questions = {q.code: q for q in category.questions.all()} if category is not None else {}
    clean, fields = {}, {}
    for code in answers:
        if code not in questions:
            fields[code] = "该类别没有这个问题"
    for code, q in questions.items():
        value = answers.get(code)
        empty = value in (None, "", [])
        if empty:
            if q.required:
                fields[code] = f"请回答:{q.description}"
            continue
        keys = {v.get("key") for v in q.values or []}
        if q.datatype == CategoryQuestion.Datatype.NUMBER:
            try:
                value = float(value)  # type: ignore[arg-type]  # whatever was sent: not a number is refused
            except (TypeError, ValueError):
                fields[code] = "应为数字"
                continue
        elif q.datatype == CategoryQuestion.Datatype.DATETIME:
            if parse_datetime(str(value)) is None:
                fields[code] = "应为 ISO 8601 日期时间"
                continue
        elif q.datatype == CategoryQuestion.Datatype.SINGLE:
            if isinstance(value, list):
                value = value[0] if len(value) == 1 else value
            if value not in keys:
                fields[code] = f"应为以下之一:{'、'.join(sorted(k for k in keys if k))}"
                continue
        elif q.datatype == CategoryQuestion.Datatype.MULTI:
            value = value if isinstance(value, list) else [value]
            if not set(value) <= keys:
                fields[code] = f"应为以下选项:{'、'.join(sorted(k for k in keys if k))}"
                continue
        else:
            value = str(value)[:2000]
        clean[code] = value
    if fields:
        raise ApplicationError("invalid_attribute", next(iter(fields.values())), fields=fields)
    return clean


def check_description(description) -> str:
    """What happened, in at most 4,000 characters (stripped)."""
    description = (description or "").strip()
    if not description:
        raise ApplicationError("description_required", "请描述发生了什么", fields={"description": "必填"})
    if len(description) > 4000:
        raise ApplicationError("description_too_long", "描述不能超过4000字", fields={"description": "超过4000字"})
    return description


def check_contact(phone: str, email: str) -> tuple[str, str]:
    """The reporter's mobile number and e-mail address, checked and normalised (each may be empty)."""
    clean_phone = ""
    if phone:
        try:
            clean_phone = validate_mobile(phone)
        except ValueError as exc:
            raise ApplicationError("invalid_phone", str(exc), fields={"reporter_phone": str(exc)})
    clean_email = (email or "").strip()
    if clean_email:
        try:
            validate_email(clean_email)
        except ValidationError:
            raise ApplicationError("invalid_email", "电子邮件地址格式不正确", fields={"reporter_email": "格式不正确"})
    return clean_phone, clean_email


def idempotency_scoped(actor, key: str | None) -> str | None:
    """An Idempotency-Key belongs to its caller: the same key from another account (or token) is another key."""
    key = (key or "").strip()[:100]
    if not key:
        return None
    return f"u{actor.pk}:{key}" if getattr(actor, "pk", None) else f"sys:{key}"


def _report_fingerprint(*values) -> str:
    import hashlib
    import json

    def norm(v):
        if isinstance(v, str):
            return v.strip()
        if isinstance(v, dict):
            return {str(k): norm(x) for k, x in sorted(v.items())}
        if isinstance(v, list | tuple):
            return [norm(x) for x in v]
        return v if v is None or isinstance(v, bool) else str(v)

    return hashlib.sha256(json.dumps([norm(v) for v in values], ensure_ascii=False).encode()).hexdigest()


def seen_report(channel: str, key: str, fingerprint: str = "") -> Case | None:
    """The case made earlier with this caller's (scoped) key; a key sent again with a different report is refused (409)
    rather than answered with the first case, which would silently drop the second report."""
    seen = CaseKey.objects.filter(channel=channel, key=key).select_related("case").first()
    if seen is None:
        return None
    if seen.fingerprint and fingerprint and seen.fingerprint != fingerprint:
        raise ApplicationError("idempotency_key_reused", "该 Idempotency-Key 已用于另一份不同内容的上报,请换一个",
                               fields={"idempotency_key": "已用于其他上报"}, status=409)
    return seen.case


def case_report(
    *, actor, channel: str, description: str, title: str = "", category=None, urgency: str | None = None,
    lon=None, lat=None, crs: str = "wgs84", address: str = "", reporter_name: str = "", reporter_phone: str = "",
    reporter_email: str = "",
    idempotency_key: str | None = None, photos=(), is_public: bool | None = None, external_ref: str = "",
    resolved_on_spot: bool = False, resolution_note: str = "", grid: Region | None = None, device_id: str = "",
    attributes: dict | None = None, extra_attributes: dict | None = None,
) -> tuple[Case, bool]:
    """上报: a report from any channel becomes a case. With the same idempotency key the same case is returned
    (created=False), so a retried submission never makes two cases. The reporter follows the case: in the app
    with an account of their own (not a system account of another platform), and by SMS to `reporter_phone`
    or e-mail to `reporter_email` when given."""
    if channel not in Channel.values:
        raise ApplicationError("invalid_channel", f"未知的上报渠道 {channel}", fields={"channel": "取值无效"})
    # Idempotency by the unique constraint of CaseKey (channel, key): a retry runs the checks again and its
    # INSERT fails, then the first case is returned — no look-up before every report.
    key = idempotency_scoped(actor, idempotency_key)
    fingerprint = ""
    if key:
        fingerprint = _report_fingerprint(
            channel, description, title, getattr(category, "code", category), urgency, lon, lat, crs, address,
            reporter_name, reporter_phone, reporter_email, attributes, external_ref, is_public, resolved_on_spot,
            device_id)
    description = check_description(description)
    category = _category(category)
    urgency = urgency or (category.default_urgency if category else Urgency.NORMAL)
    if urgency not in Urgency.values:
        raise ApplicationError("invalid_urgency", "紧急程度应为一般、紧急或特急", fields={"urgency": "取值无效"})
    place = parse_place(lon, lat, crs, address)
    phone, email = check_contact(reporter_phone, reporter_email)
    answers = check_answers(category, attributes or {})
    if extra_attributes:  # facts from another system (e.g. Open311 media_url), kept apart from the answers
        answers["_extra"] = extra_attributes
    checked = check_photos(photos)
    if resolved_on_spot:
        if category is None or not category.on_the_spot_allowed:
            raise ApplicationError("on_the_spot_not_allowed", "该类别不允许网格员就地解决", fields={"category": "不允许"})
        if category.photo_required and not checked:
            raise ApplicationError("photo_required", "就地解决须附处置照片", fields={"photos": "必填"})
    # Where: the locator decides the grid; a point in no grid goes to the district center, marked as such.
    located = None
    grid_id, region_path = (grid.pk, grid.path) if grid is not None else (None, "")
    if grid is None and place["lon"] is not None:
        located = get_locator().locate(place["lon"], place["lat"])
        if located.grid is not None:
            grid_id, region_path = located.grid.id, located.grid_path
    out_of_grid = grid_id is None
    if out_of_grid:  # the nearest grid's district, else the reporter's, else the first (a province has many)
        region_path = district_path_for(located=located, actor=actor)
    owner = center_for(region_path)
    t = now()
    case = Case(
        title=case_title(title, description), description=description, category=category, channel=channel,
        urgency=urgency, grid_id=grid_id, region_path=region_path, out_of_grid=out_of_grid, owner_center=owner,
        reporter=actor if getattr(actor, "pk", None) else None, reporter_name=(reporter_name or "").strip()[:50],
        is_public=category.is_public_default if (is_public is None and category) else bool(
            is_public if is_public is not None else True),
        external_ref=(external_ref or "")[:64], device_id=(device_id or "")[:64], attributes=answers,
        created_at=t, updated_at=t, **place,
    )
    case.duplicate_candidates = find_duplicates(case)
    set_pii(case, "reporter_phone", "phone", phone)
    if resolved_on_spot and (grid_id is None or not jurisdiction_of(actor).covers("case:case:verify", region_path)):
        raise PermissionDenied("只有本网格的网格员可以就地解决")
    try:
        with transaction.atomic():
            case.save()
            if key:
                CaseKey.objects.create(channel=channel, key=key, fingerprint=fingerprint, case=case)
            report = events.reported(case, actor=case.reporter, channel=channel, out_of_grid=out_of_grid,
                                     nearest_grid=located.nearest.code if located and located.nearest else None, at=t)
            store_photos(case=case, event=report, checked=checked, actor=actor)
            if case.reporter is not None and not case.reporter.is_system:
                CaseFollower.objects.create(case=case, user=case.reporter)
            _follow(case, CaseFollower.Via.SMS, phone)
            _follow(case, CaseFollower.Via.EMAIL, email)
            if resolved_on_spot:
                _on_the_spot(case, actor, resolution_note, t)
            if needs_emergency_units(case):
                signals.safety_reported.send(sender=Case, case=case, at=t)
            _tell_unit(owner, f"新事件待受理:{case.title}", case, role="center_dispatcher")
            transaction.on_commit(lambda: _suggest_later(case.pk))
    except IntegrityError:
        if key:  # the key was used before (a retry, or a concurrent one that won the race): return its case
            if (seen := seen_report(channel, key, fingerprint)) is not None:
                return seen, False
        raise
    return case, True


def _on_the_spot(case: Case, actor, note: str, t) -> None:
    """就地解决: the grid worker reports and resolves in one go; the center still verifies."""
    case.state = State.DONE_REPORTED
    case.on_the_spot = True
    case.accepted_at = case.dispatched_at = case.acknowledged_at = case.arrived_at = case.done_reported_at = t
    sla.start_clocks(case, t)
    case.state = State.DONE_REPORTED
    sla.start_verify(case, t)
    case.save()
    events.action(case, "report_done", State.REPORTED, actor=actor, unit=_unit_of(actor, case),
                  note=note or "网格员就地解决", data={"on_the_spot": True}, at=t)


def _suggest_later(case_id: int) -> None:
    """智能分拨 off the request path: the worker reads the words (the sweep catches any the queue lost)."""
    from gridgov.cases.tasks import suggest_department

    try:
        suggest_department(case_id)
    except Exception:  # noqa: BLE001 - logged; the sweep fills it in
        log.exception("case %s: suggestion left to the sweep", case_id)


NO_SUGGESTION = "-"  # suggested_by of a case the classifier could not read (not tried again)


def case_suggest(case_id: int) -> bool:
    """Store the department class the words suggest (once per case)."""
    from gridgov.triage.suggest import suggest

    case = Case.objects.filter(pk=case_id, suggested_by="").only("title", "description").first()
    if case is None:
        return False
    hint = suggest(case.title, case.description)
    values = ({"suggested_class": hint.label, "suggested_confidence": hint.confidence, "suggested_by": hint.version}
              if hint is not None else {"suggested_by": NO_SUGGESTION})
    return bool(Case.objects.filter(pk=case_id, suggested_by="").update(**values))


def needs_emergency_units(case: Case) -> bool:
    """就近处置: a safety category or a critical report, with a place the nearest units can be found from."""
    safety = case.category is not None and case.category.is_safety
    return (safety or case.urgency == Urgency.CRITICAL) and case.lon is not None and case.lat is not None


@transaction.atomic
def case_reveal_reporter_phone(*, actor, case: Case, reason: str) -> str:
    """The reporter's full phone number, for the center to call back (回访, 核实): only staff holding
    case:case:reveal (the center dispatchers by default) with the case in their jurisdiction, with a reason,
    written to the audit log."""
    from gridgov.accounts.scoping import require_perm
    from gridgov.core.models import audit

    reason = _reason(reason, "查看事由")
    j = require_perm(actor, "case:case:reveal")
    if not j.covers("case:case:reveal", case.region_path):
        raise PermissionDenied("该事件不在您的管辖范围内")
    phone = get_pii(case, "reporter_phone")
    if not phone:
        raise ApplicationError("no_phone", "该事件没有登记上报人电话", status=409)
    audit(actor=actor, action="pii.reveal", obj=case,
          detail={"field": "reporter_phone", "reason": reason, "masked": mask("phone", phone)})
    return phone


@transaction.atomic
def case_fill_deadlines(*, case: Case) -> dict:
    """补算时限: deadlines that waited for a working-calendar year are computed once it is entered (by the
    sweeper), with a timeline row. A deadline already passed shows green for a moment: the same sweep turns it
    yellow or red and tells the handler and supervisors as for any other case. Returns what was filled."""
    if not case.clock_error:
        return {}
    old, old_updated = case.state, case.updated_at
    filled = sla.fill_pending(case, now())
    if case.clock_error:
        return {}  # the year is still missing
    if case.light in (Light.YELLOW, Light.RED):
        case.light = Light.GREEN
    _commit(case, old, old_updated, CLOCK_FIELDS)
    events.deadline_filled(case, filled, at=now())
    return filled


# -- the workflow actions -------------------------------------------------------------------------------
# Each checks its row of the table (state, actor, guards), changes the case and commits through the table: the
# next state and the clock effect are the table's, the timeline row is written in the same compare-and-set.


def _logged(case: Case, actor, action: str, *, note: str = "", data: dict | None = None, unit=None, at=None):
    """The timeline row of a table action, made by the commit once the case has its next state."""
    who = unit if unit is not None else _unit_of(actor, case)
    return lambda from_state: events.action(case, action, from_state, actor=actor, unit=who, note=note, data=data,
                                            at=at)


@transaction.atomic
def case_accept(*, case: Case, actor, category=None, urgency: str | None = None, note: str = "") -> Case:
    """受理/立案: the center confirms a valid case and classifies it; auto-dispatch follows where set up."""
    case = _lock(case)
    t = TABLE.check(actor, case, "accept")
    if category not in (None, ""):
        case.category = _category(category)
    if case.category is None:
        raise ApplicationError("category_required", "立案须确定事件类别", fields={"category": "必填"})
    if urgency:
        if urgency not in Urgency.values:
            raise ApplicationError("invalid_urgency", "紧急程度无效", fields={"urgency": "取值无效"})
        case.urgency = urgency
    case.accepted_at = now()
    TABLE.commit(case, t, fields=["accepted_at", "category", "urgency"],
                 event=_logged(case, actor, "accept", note=note,
                               data={"category": case.category.code, "urgency": case.urgency}))
    if case.category.auto_dispatch:
        unit = suggest_unit(case)
        if unit is not None:
            case = _dispatch(case, None, [unit], lead=unit, note="按派遣规则自动派遣", action="dispatch")
    elif (confident := confident_department(case)) is not None:
        unit, note = confident
        case = _dispatch(case, None, [unit], lead=unit, note=note, action="dispatch")
    return case


@transaction.atomic
def case_reject(*, case: Case, actor, reason: str) -> Case:
    """不予立案: not a valid case (not in scope, no such problem, advice only), with a reason."""
    case = _lock(case)
    t = TABLE.check(actor, case, "reject")
    reason = _reason(reason, "不予立案的原因")
    case.closed_at = now()
    TABLE.commit(case, t, fields=["closed_at"], event=_logged(case, actor, "reject", note=reason))
    _tell_followers(case, f"您反映的事件「{case.title}」未予立案", reason)
    return case


@transaction.atomic
def case_merge(*, case: Case, actor, target: Case, note: str = "") -> Case:
    """合并: a duplicate joins an existing case; its reporters follow the target's progress."""
    case = _lock(case)
    t = TABLE.check(actor, case, "merge")
    target = Case.objects.get(pk=target.pk)
    if target.pk == case.pk or target.state in (State.MERGED, State.REJECTED, State.WITHDRAWN):
        raise ApplicationError("invalid_merge_target", "只能合并到另一个有效事件", fields={"target": "无效"})
    if target.merged_into_id == case.pk:
        raise ApplicationError("invalid_merge_target", "不能互相合并", fields={"target": "无效"})
    case.merged_into = target
    case.closed_at = now()
    TABLE.commit(case, t, fields=["merged_into", "closed_at"],
                 event=_logged(case, actor, "merge", note=note, data={"target": target.pk}))
    for f in case.followers.all():
        if f.user_id:
            CaseFollower.objects.get_or_create(case=target, user=f.user, defaults={"from_case": case})
        elif f.address_enc:
            _follow(target, f.channel, get_pii(f, "address"), from_case=case)
    events.merged_in(target, case, actor=actor)
    _tell_followers(case, f"您反映的事件已与同一问题合并办理(编号 {target.number})")
    return case


@transaction.atomic
def case_withdraw(*, case: Case, actor, reason: str) -> Case:
    case = _lock(case)
    t = TABLE.check(actor, case, "withdraw")
    reason = _reason(reason, "撤回原因")
    case.closed_at = now()
    TABLE.commit(case, t, fields=["closed_at"], event=_logged(case, actor, "withdraw", note=reason))
    return case


def _dispatch(case: Case, actor, units: list[OrgUnit], *, lead: OrgUnit, note: str, action: str) -> Case:
    for u in units:
        if not u.is_active or u.kind == UnitKind.EMERGENCY_UNIT:
            raise ApplicationError("invalid_unit", f"「{u.name}」不能承办事件", fields={"unit": "不能承办"})
        if not case.region_path.startswith(u.region.path) and not u.region.path.startswith(case.region_path):
            raise ApplicationError("unit_out_of_area", f"「{u.name}」不负责该事件所在区域", fields={"unit": "不负责该区域"})
    t = now()
    case.handling_unit = lead
    case.dispatched_at = t
    case.acknowledged_at = case.arrived_at = None

    def logged(from_state):
        return events.action(case, action, from_state, actor=actor, unit=_unit_of(actor, case), note=note, data={
            "lead": lead.pk, "units": [u.pk for u in units],
            "handle_due_at": case.handle_due_at.isoformat() if case.handle_due_at else None,
            "clock_error": case.clock_error or None})

    TABLE.commit(case, TABLE.get(action), fields=["handling_unit", "dispatched_at", "acknowledged_at", "arrived_at"],
                 at=t, event=logged)
    case.assignments.filter(status__in=[Assignment.Status.DISPATCHED, Assignment.Status.ACKNOWLEDGED]).update(
        status=Assignment.Status.CANCELLED)
    for u in dict.fromkeys(units):
        Assignment.objects.create(case=case, case_created_at=case.created_at, unit=u, created_at=t,
                                  role=Assignment.Role.LEAD if u == lead else Assignment.Role.COOPERATE)
        _tell_unit(u, f"{'【主办】' if u == lead else '【协办】'}新派事件:{case.title}", case)
    _record_correction(case, lead, actor, t)
    return case


def _record_correction(case: Case, lead: OrgUnit, actor, t) -> None:
    """智能分拨纠正: the lead unit is of another class than the words suggested (kept for retraining)."""
    from gridgov.cases.models import TriageCorrection
    from gridgov.cases.routing import class_of

    if not case.suggested_class or not lead.department_type:
        return
    chosen = class_of(lead)
    if chosen != case.suggested_class:
        TriageCorrection.objects.create(case=case, suggested_class=case.suggested_class,
                                        suggested_confidence=case.suggested_confidence, unit=lead,
                                        chosen_class=chosen, actor=actor if getattr(actor, "pk", None) else None,
                                        at=t)


@transaction.atomic
def case_dispatch(*, case: Case, actor, unit: OrgUnit | None = None, note: str = "") -> Case:
    """派遣: send to the handling unit (the routing rules suggest one); the SLA clocks start."""
    case = _lock(case)
    TABLE.check(actor, case, "dispatch")
    unit = unit or suggest_unit(case)
    if unit is None:
        raise ApplicationError("unit_required", "请选择承办单位(没有匹配的派遣规则)", fields={"unit": "必填"})
    return _dispatch(case, actor, [unit], lead=unit, note=note, action="dispatch")


@transaction.atomic
def case_summon(*, case: Case, actor, lead: OrgUnit, cooperating: list[OrgUnit], note: str = "") -> Case:
    """中心吹哨、部门报到: one lead unit and cooperating units; done only when all have done their part."""
    case = _lock(case)
    TABLE.check(actor, case, "summon")
    others = [u for u in cooperating if u.pk != lead.pk]
    if not others:
        raise ApplicationError("cooperating_required", "吹哨须至少召集一个协办单位", fields={"cooperating": "必填"})
    return _dispatch(case, actor, [lead, *others], lead=lead, note=note, action="summon")


def _my_assignment(case: Case, actor, statuses) -> Assignment:
    from gridgov.cases.access import handler_units

    units = handler_units(actor)
    a = case.assignments.filter(unit_id__in=units, status__in=statuses).order_by("role").first()
    if a is None:
        raise PermissionDenied("该事件没有派给您的单位,或已处理")
    return a


@transaction.atomic
def case_acknowledge(*, case: Case, actor, note: str = "") -> Case:
    """签收: the unit takes the case. A cooperating unit signs for its own part only."""
    case = _lock(case)
    tr = TABLE.check(actor, case, "acknowledge")
    a = _my_assignment(case, actor, [Assignment.Status.DISPATCHED])
    t = now()
    Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.ACKNOWLEDGED, acknowledged_at=t)
    if a.role == Assignment.Role.COOPERATE:
        TABLE.commit(case, tr, outcome="cooperating", at=t, event=_logged(
            case, actor, "acknowledge", note=note, data={"unit": a.unit_id, "role": a.role}, unit=a.unit, at=t))
        return case
    case.acknowledged_at = t
    TABLE.commit(case, tr, fields=["acknowledged_at"], at=t, event=_logged(
        case, actor, "acknowledge", note=note, unit=a.unit, at=t,
        data={"unit": a.unit_id, "on_time": bool(case.acknowledge_due_at is None or t <= case.acknowledge_due_at)}))
    _tell_followers(case, f"您反映的事件「{case.title}」已由{a.unit.name}受理办理")
    return case


@transaction.atomic
def case_return(*, case: Case, actor, reason: str) -> Case:
    """退回: the lead unit says the case is not theirs (with the reason); it goes back to the center."""
    case = _lock(case)
    t = TABLE.check(actor, case, "return")
    reason = _reason(reason, "退回原因")
    a = _my_assignment(case, actor, [Assignment.Status.DISPATCHED, Assignment.Status.ACKNOWLEDGED])
    if a.role != Assignment.Role.LEAD:
        raise ApplicationError("not_lead", "协办单位不能退回事件,请联系主办单位或综治中心")
    case.handling_unit = None
    case.return_count += 1
    TABLE.commit(case, t, fields=["handling_unit", "return_count"],
                 event=_logged(case, actor, "return", note=reason, data={"unit": a.unit_id}, unit=a.unit))
    case.assignments.filter(status__in=[Assignment.Status.DISPATCHED, Assignment.Status.ACKNOWLEDGED]).update(
        status=Assignment.Status.CANCELLED)
    Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.RETURNED)
    _tell_unit(case.owner_center, f"事件被退回:{case.title}", case, role="center_dispatcher")
    return case


@transaction.atomic
def case_handle(*, case: Case, actor, note: str, on_site: bool = False, photos=()) -> Case:
    """处置进展: a progress note; the first on-site arrival stops the arrival clock."""
    case = _lock(case)
    t = TABLE.check(actor, case, "handle")
    note = _reason(note, "处置进展说明")
    checked = check_photos(photos)
    a = _my_assignment(case, actor, [Assignment.Status.ACKNOWLEDGED, Assignment.Status.DISPATCHED])
    arrived = on_site and case.arrived_at is None and a.role == Assignment.Role.LEAD
    if arrived:
        case.arrived_at = now()
    event = TABLE.commit(case, t, fields=["arrived_at"] if arrived else [], outcome="arrived" if arrived else "",
                         at=case.arrived_at if arrived else None,
                         event=_logged(case, actor, "handle", note=note, data={"on_site": on_site, "unit": a.unit_id},
                                       unit=a.unit))
    store_photos(case=case, event=event, checked=checked, actor=actor)
    return case


@transaction.atomic
def case_report_done(*, case: Case, actor, note: str, photos=()) -> Case:
    """处置反馈/回单: what was done, with photos when the category requires them. A cooperating unit reports its
    part; the lead's report closes the handling once every cooperating unit is done."""
    case = _lock(case)
    tr = TABLE.check(actor, case, "report_done")
    note = _reason(note, "处置结果说明")
    checked = check_photos(photos)
    a = _my_assignment(case, actor, [Assignment.Status.ACKNOWLEDGED])
    if case.category and case.category.photo_required and not checked:
        raise ApplicationError("photo_required", "该类事件回单须附处置后照片", fields={"photos": "必填"})
    t = now()
    if a.role == Assignment.Role.COOPERATE:
        Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.DONE, done_at=t, note=note)
        event = TABLE.commit(case, tr, outcome="cooperating", at=t, event=_logged(
            case, actor, "report_done", note=note, data={"unit": a.unit_id, "role": a.role}, unit=a.unit, at=t))
        store_photos(case=case, event=event, checked=checked, actor=actor)
        return case
    waiting = case.assignments.filter(role=Assignment.Role.COOPERATE, status__in=[
        Assignment.Status.DISPATCHED, Assignment.Status.ACKNOWLEDGED]).select_related("unit")
    if waiting:
        names = "、".join(w.unit.name for w in waiting)
        raise ApplicationError("cooperation_pending", f"协办单位尚未完成:{names}")
    Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.DONE, done_at=t, note=note)
    case.done_reported_at = t
    if case.arrived_at is None:
        case.arrived_at = t
    on_time = bool(case.handle_due_at is None or t <= case.handle_due_at)
    event = TABLE.commit(case, tr, fields=["done_reported_at", "arrived_at"], at=t, event=_logged(
        case, actor, "report_done", note=note, data={"unit": a.unit_id, "on_time": on_time}, unit=a.unit, at=t))
    store_photos(case=case, event=event, checked=checked, actor=actor)
    return case


@transaction.atomic
def case_verify(*, case: Case, actor, passed: bool, note: str = "", photos=()) -> Case:
    """核查: on site, the result is checked; pass → 结案, fail → 返工 back to the handler (counted)."""
    case = _lock(case)
    action = "verify_pass" if passed else "verify_fail"
    tr = TABLE.check(actor, case, action)
    if not passed:
        note = _reason(note, "核查不通过的原因")
    if case.on_the_spot and case.reporter_id is not None and case.reporter_id == getattr(actor, "pk", None):
        raise PermissionDenied("就地解决的事件须由综治中心或其他人员核查")
    checked = check_photos(photos)
    t = now()
    if passed:
        case.closed_at = t
        fields = ["closed_at"]
    else:
        case.rework_count += 1
        case.done_reported_at = None
        fields = ["rework_count", "done_reported_at"]
        case.assignments.filter(role=Assignment.Role.LEAD, status=Assignment.Status.DONE).update(
            status=Assignment.Status.ACKNOWLEDGED, done_at=None)
    event = TABLE.commit(case, tr, fields=fields, at=t, event=_logged(case, actor, action, note=note, at=t))
    store_photos(case=case, event=event, checked=checked, actor=actor)
    if passed:
        done = case.events.filter(action="report_done").order_by("-at", "-id").values_list("note", flat=True).first()
        _tell_followers(case, f"您反映的事件「{case.title}」已办结,请对办理结果进行评价",
                        f"办理结果:{done}" if done else "")
    else:
        _tell_unit(case.handling_unit, f"事件核查未通过,请返工:{case.title}", case)
    return case


@transaction.atomic
def case_request_extension(*, case: Case, actor, minutes: int, reason: str) -> ExtensionRequest:
    """延期申请: the lead unit asks the center for more time."""
    case = _lock(case)
    tr = TABLE.check(actor, case, "request_extension")
    reason = _reason(reason, "延期理由")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 0 < minutes <= 30 * 24 * 60:
        raise ApplicationError("invalid_minutes", "延长时间应在1分钟到30天之间", fields={"minutes": "超出范围"})
    a = _my_assignment(case, actor, [Assignment.Status.DISPATCHED, Assignment.Status.ACKNOWLEDGED])
    req = ExtensionRequest.objects.create(case=case, unit=a.unit, minutes=minutes, reason=reason,
                                          requested_by=actor, requested_at=now())
    TABLE.commit(case, tr, event=_logged(case, actor, "request_extension", note=reason,
                                         data={"minutes": minutes, "request": req.pk}, unit=a.unit))
    _tell_unit(case.owner_center, f"延期申请待审批:{case.title}", case, role="center_dispatcher")
    return req


@transaction.atomic
def case_decide_extension(*, case: Case, actor, approve: bool, note: str = "") -> Case:
    """延期审批: approved time is added to the handling deadline (counted); a refusal keeps it."""
    case = _lock(case)
    action = "approve_extension" if approve else "reject_extension"
    tr = TABLE.check(actor, case, action)
    if not approve:
        note = _reason(note, "驳回理由")
    req = case.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()
    if req is None:  # decided by someone else since the check
        raise ApplicationError("no_pending_extension", "没有待审批的延期申请", status=409)
    t = now()
    updated = ExtensionRequest.objects.filter(pk=req.pk, status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED,
        decided_by=actor, decided_at=t)
    if not updated:
        raise ApplicationError("state_changed", "该申请已被处理", status=409)
    if approve:
        case.extension_count += 1

    def logged(from_state):
        return events.action(case, action, from_state, actor=actor, unit=_unit_of(actor, case), note=note, at=t,
                             data={"request": req.pk, "minutes": req.minutes,
                                   "handle_due_at": case.handle_due_at.isoformat() if case.handle_due_at else None})

    TABLE.commit(case, tr, fields=["extension_count"] if approve else [], at=t, event=logged,
                 effect_params={"minutes": req.minutes} if approve else None)
    _tell_unit(req.unit, f"延期申请{'已批准' if approve else '被驳回'}:{case.title}", case)
    return case


@transaction.atomic
def case_suspend(*, case: Case, actor, reason: str) -> Case:
    """挂起/挂账: paused (e.g. waiting for a court ruling or the season); the clock stops, the case stays open."""
    case = _lock(case)
    t = TABLE.check(actor, case, "suspend")
    reason = _reason(reason, "挂起原因")
    case.resume_state = case.state
    TABLE.commit(case, t, fields=["resume_state"], event=_logged(case, actor, "suspend", note=reason))
    return case


@transaction.atomic
def case_resume(*, case: Case, actor, note: str = "") -> Case:
    """恢复办理: back to the state it was suspended in; deadlines move by the time paused."""
    case = _lock(case)
    t = TABLE.check(actor, case, "resume")

    def logged(from_state):
        return events.action(case, "resume", from_state, actor=actor, unit=_unit_of(actor, case), note=note,
                             data={"paused_minutes": round(getattr(case, "paused_minutes", 0.0), 1)})

    TABLE.commit(case, t, event=logged)
    return case


@transaction.atomic
def case_escalate(*, case: Case, actor, reason: str) -> Case:
    """提级: the center above takes over ("社区解决不了的反映给街里")."""
    case = _lock(case)
    t = TABLE.check(actor, case, "escalate")
    reason = _reason(reason, "提级原因")
    old_owner = case.owner_center
    if old_owner is None:
        raise ApplicationError("no_center", "该事件没有责任综治中心")
    at = now()
    target, again_at = escalation_step(old_owner, case.sla, at)
    if target is None:  # the table's guard says there is one; a center closed meanwhile is refused, not crashed on
        raise ApplicationError("top_level", "已是最高层级的综治中心,无法再提级", status=409)
    case.owner_center = target
    case.escalation_level += 1
    case.escalate_at = again_at if case.escalate_at else None  # the sweeper's clock runs on only where it ran
    TABLE.commit(case, t, fields=["owner_center", "escalation_level", "escalate_at"], at=at,
                 expect={"owner_center": old_owner},
                 event=lambda from_state: events.escalated(case, actor=actor, from_center_id=old_owner.pk,
                                                           to_center_id=target.pk, note=reason, at=at))
    _tell_unit(target, f"下级提级事件待处理:{case.title}", case, role="center_dispatcher")
    return case


@transaction.atomic
def case_supervise(*, case: Case, actor, note: str) -> Case:
    """督办: a superior presses the case; the handlers and the responsible center are told."""
    case = _lock(case)
    t = TABLE.check(actor, case, "supervise")
    note = _reason(note, "督办意见")
    case.supervise_count += 1
    TABLE.commit(case, t, fields=["supervise_count"], event=_logged(case, actor, "supervise", note=note))
    _tell_unit(case.handling_unit, f"【督办】{case.title}:{note[:50]}", case)
    _tell_unit(case.owner_center, f"【督办】{case.title}:{note[:50]}", case, role="center_dispatcher")
    return case


@transaction.atomic
def case_follow_up(*, case: Case, actor, satisfaction: int, comment: str = "") -> Case:
    """回访: the reporter rates the result (非常满意…非常不满意). 不满意 reopens the case once, by policy."""
    case = _lock(case)
    t = TABLE.check(actor, case, "follow_up")
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if satisfaction not in Satisfaction.values:
        raise ApplicationError("invalid_satisfaction", "评价应为1(非常不满意)到5(非常满意)", fields={"satisfaction": "取值无效"})
    case.satisfaction = satisfaction
    fields = ["satisfaction"]
    reopen = satisfaction <= Satisfaction.DISSATISFIED and case.reopen_count < MAX_REOPEN
    if reopen:
        case.reopen_count += 1
        case.closed_at = None
        fields += ["reopen_count", "closed_at"]
    TABLE.commit(case, t, fields=fields, outcome="reopened" if reopen else "", event=_logged(
        case, actor, "follow_up", note=comment, data={"satisfaction": satisfaction, "reopened": reopen}))
    if reopen:
        _tell_unit(case.owner_center, f"回访不满意,事件重新办理:{case.title}", case, role="center_dispatcher")
    return case


def case_verify_pass(*, case: Case, actor, note: str = "", photos=()) -> Case:
    return case_verify(case=case, actor=actor, passed=True, note=note, photos=photos)


def case_verify_fail(*, case: Case, actor, reason: str, photos=()) -> Case:
    return case_verify(case=case, actor=actor, passed=False, note=reason, photos=photos)


def case_approve_extension(*, case: Case, actor, note: str = "") -> Case:
    return case_decide_extension(case=case, actor=actor, approve=True, note=note)


def case_reject_extension(*, case: Case, actor, reason: str) -> Case:
    return case_decide_extension(case=case, actor=actor, approve=False, note=reason)


# The service of each row of the table, called with the row's fields by name (cases.action_inputs.run_action).
ACTION_SERVICES: dict[str, Callable[..., Case | ExtensionRequest]] = {
    "accept": case_accept, "reject": case_reject, "merge": case_merge, "withdraw": case_withdraw,
    "dispatch": case_dispatch, "summon": case_summon, "acknowledge": case_acknowledge, "return": case_return,
    "handle": case_handle, "report_done": case_report_done, "verify_pass": case_verify_pass,
    "verify_fail": case_verify_fail, "request_extension": case_request_extension,
    "approve_extension": case_approve_extension, "reject_extension": case_reject_extension,
    "suspend": case_suspend, "resume": case_resume, "escalate": case_escalate, "supervise": case_supervise,
    "follow_up": case_follow_up,
}


def available_actions(case: Case, actor) -> list:
    """Exactly what the table allows this actor on this case now (the UI's and API's buttons)."""
    return TABLE.allowed(actor, case)


def permits(case: Case, actor, action: str) -> bool:
    """Whether the table allows this one action now (a button on a list: only its own guards are checked)."""
    return TABLE.permits(actor, case, action)


@transaction.atomic
def patrol_checkin(*, actor, lon, lat, note: str = ""):
    """巡查打卡: record where a grid worker is; whether it lies in a grid they are responsible for."""
    from gridgov.cases.models import PatrolCheckin

    if lon in (None, "") or lat in (None, ""):
        raise ApplicationError("location_required", "打卡需要定位,请允许获取位置", fields={"location": "必填"})
    place = parse_place(lon, lat, "wgs84", "")
    located = get_locator().locate(place["lon"], place["lat"], with_nearest=False)
    grid_path = located.grid_path
    own = bool(grid_path) and jurisdiction_of(actor).covers("case:case:verify", grid_path)
    return PatrolCheckin.objects.create(user=actor, at=now(), lon=place["lon"], lat=place["lat"],
                                        grid_id=located.grid.id if located.grid else None, in_own_grid=own,
                                        note=(note or "")[:500])
