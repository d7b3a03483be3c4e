"""诚信红灰榜: conduct records of residents, separate from spendable points (DOMAIN.md §8.2). An officer over the
resident's grid registers one with the facts (and, for the grey list, evidence); another officer of the place
approves it (the one who registered it may not); it is published on the community's list until its date; a
grey record may be appealed by the resident, then upheld or removed, each with its reason; the sweep expires
what has run out. Every step is a row of `points.workflow.CREDIT` with its timeline entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.cases.photos import check_photos
from gridgov.core.errors import ApplicationError, NotFound, PermissionDenied
from gridgov.core.timeutil import local, local_today, now
from gridgov.people.models import Resident
from gridgov.points import events
from gridgov.points.models import (
    GREY_REASONS,
    RED_REASONS,
    CreditList,
    CreditPhoto,
    CreditRecord,
    CreditState,
)
from gridgov.points.services import checked_values, commit_step
from gridgov.points.workflow import CREDIT
from gridgov.regions.models import Level, Region

RED_DAYS = getattr(settings, "CREDIT_RED_DAYS", 365)  # how long a record stays on the list by default
GREY_DAYS = getattr(settings, "CREDIT_GREY_DAYS", 180)
MAX_DAYS = 3 * 365
PROPOSE = "points:credit:propose"
APPROVE = "points:credit:approve"


def _community_of(resident: Resident) -> Region:
    community = Region.objects.filter(code__in=resident.grid.ancestor_codes(), level=Level.COMMUNITY).first()
    if community is None:
        raise ApplicationError("no_community", "该居民所在网格不属于任何社区", status=409)
    return community


@transaction.atomic
def credit_propose(*, actor, resident: Resident, list_: str, reason: str, description: str,
                   valid_until: dt.date | None = None, photos: Iterable = ()) -> CreditRecord:
    """登记: an officer over the resident's grid, a reason of the list's kind, the facts; a grey record needs
    evidence. It waits for another officer's approval."""
    if not jurisdiction_of(actor).covers(PROPOSE, resident.grid.path):
        raise PermissionDenied("您不能为该居民登记诚信记录")
    if list_ not in CreditList.values:
        raise ApplicationError("invalid_list", "请选择红榜或灰榜", fields={"list": "无效"})
    allowed = RED_REASONS if list_ == CreditList.RED else GREY_REASONS
    if reason not in allowed:
        raise ApplicationError("reason_not_of_list", f"该事由不属于{CreditList(list_).label}",
                               fields={"reason": "与榜单不符"})
    description = (description or "").strip()
    if not description:
        raise ApplicationError("description_required", "请填写事实经过", fields={"description": "必填"})
    today = local_today()
    valid_until = valid_until or today + dt.timedelta(days=RED_DAYS if list_ == CreditList.RED else GREY_DAYS)
    if not today < valid_until <= today + dt.timedelta(days=MAX_DAYS):
        raise ApplicationError("invalid_valid_until", "公示截止须在今天之后、三年之内",
                               fields={"valid_until": "超出范围"})
    checked = check_photos(photos)
    if list_ == CreditList.GREY and not checked:
        raise ApplicationError("evidence_required", "列入灰榜须上传证据照片", fields={"photos": "必填"})
    at = now()
    community = _community_of(resident)
    record = CreditRecord.objects.create(resident=resident, community=community, region_path=resident.grid.path,
                                         list=list_, reason=reason, description=description[:2000],
                                         valid_until=valid_until, proposed_by=actor, created_at=at, updated_at=at)
    for data, _name, content_type, w, h in checked:
        CreditPhoto(record=record).keep(data, content_type, w, h)
    events.credit_proposed(record, actor=actor, at=at)
    return record


@transaction.atomic
def credit_act(*, actor, record: CreditRecord, action: str, values: dict | None = None) -> CreditRecord:
    """审核通过 / 驳回 / 申诉 / 维持 / 撤销 / 到期, as the table allows, with the reason where it asks for one."""
    values = checked_values(CREDIT, actor, record, action, values)
    if action in ("approve", "reject") and getattr(actor, "pk", None) == record.proposed_by_id:
        raise PermissionDenied("登记人不能审核自己登记的记录")
    at = now()
    fields = []
    if action == "approve":
        record.published_at = at
        fields.append("published_at")
    commit_step(CREDIT, "credit", record, action, actor=actor, values=values, fields=fields, at=at)
    return record


def expire_due(*, at: dt.datetime | None = None, limit: int = 500) -> int:
    """Records whose date has passed leave the list (an appeal still open goes with them)."""
    today = local(at or now()).date()  # the local day: a record runs to the end of its date in China
    n = 0
    for record in CreditRecord.objects.filter(state__in=[CreditState.PUBLISHED, CreditState.APPEALED],
                                              valid_until__lt=today)[:limit]:
        try:
            credit_act(actor=None, record=record, action="expire")
            n += 1
        except ApplicationError:
            continue  # changed meanwhile
    return n


# -- reads ---------------------------------------------------------------------------------------------------


def visible_records(actor) -> QuerySet[CreditRecord]:
    """What an officer may see (who may register or approve over the place), and a resident's own records."""
    qs = CreditRecord.objects.select_related("resident", "community", "proposed_by")
    j = jurisdiction_of(actor)
    if j.is_global:
        return qs
    staff = scope(qs, actor, PROPOSE, "region_path") | scope(qs, actor, APPROVE, "region_path")
    if getattr(actor, "pk", None):
        return staff | qs.filter(resident__user_id=actor.pk)
    return staff


def record_get(*, actor, pk: int) -> CreditRecord:
    record = visible_records(actor).filter(pk=pk).first()
    if record is None:
        raise NotFound("诚信记录不存在或不在您的管辖范围内")
    return record


def masked_name(name: str) -> str:
    """A grey-list name as published: the surname and a star per other character (张** for 张三丰)."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def published_lists(community: Region) -> dict[str, list[dict]]:
    """The community's lists as residents see them: red with the names, grey with the names masked; the reason
    and until when, newest first."""
    rows = (CreditRecord.objects.filter(community=community, state__in=[CreditState.PUBLISHED])
            .select_related("resident").order_by("-published_at", "-id"))
    out: dict[str, list[dict]] = {CreditList.RED: [], CreditList.GREY: []}
    for r in rows:
        name = r.resident.name if r.list == CreditList.RED else masked_name(r.resident.name)
        out[r.list].append({"name": name, "reason": r.get_reason_display(), "since": r.published_at,
                            "until": r.valid_until})
    return out


def home_community(user) -> Region | None:
    """The community whose lists a person sees: where they live (their resident record), else where they
    volunteer, else their first membership's."""
    resident = Resident.objects.filter(user=user).select_related("grid").first() if getattr(user, "pk", None) \
        else None
    if resident is not None:
        try:
            return _community_of(resident)
        except ApplicationError:
            return None
    from gridgov.points.models import Volunteer

    v = Volunteer.objects.filter(user=user).select_related("community").first() if getattr(user, "pk", None) \
        else None
    return v.community if v else None
