"""Every change of the points module: volunteers, claims, redemptions, the catalogue and corrections. One function
per step, atomic; workflow steps go through the tables of `points.workflow` (one compare-and-set commit with its
timeline row); ledger movements through `points.ledger`. Refusals are ApplicationError with a stable code."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from gridgov.accounts.models import RoleCode
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.accounts.services import membership_grant
from gridgov.cases.photos import check_photos
from gridgov.core.errors import ApplicationError, NotFound, PermissionDenied
from gridgov.core.timeutil import local, local_today, now
from gridgov.core.workflow import Table
from gridgov.points import events, ledger
from gridgov.points.models import (
    Account,
    Claim,
    ClaimPhoto,
    PointItem,
    Redemption,
    RedemptionState,
    Reward,
    Transfer,
    TransferKind,
    Trigger,
    Volunteer,
    VolunteerKind,
    VolunteerState,
)
from gridgov.points.workflow import CLAIM, REDEMPTION, VOLUNTEER
from gridgov.regions.models import Level, Region

PICKUP_DAYS = getattr(settings, "POINTS_PICKUP_DAYS", 14)  # a reserved reward not picked up by then lapses
CLAIM_MAX_AGE_DAYS = 90  # a deed older than this is not claimed any more
FLAG_DAILY_AWARDS = getattr(settings, "POINTS_FLAG_DAILY_AWARDS", 10)  # more awards in one day: flagged
FLAG_WEEKLY_REFUSED = 3  # this many reports refused (不予立案) or withheld as likely duplicates in 7 days: flagged


def commit_step(table: Table, subject: str, obj, action: str, *, actor, values: dict, fields: Iterable[str] = (),
          data: dict | None = None, at: dt.datetime | None = None):
    """Check the step against the table and commit it (state, version, timeline row) in one go."""
    t = table.check(actor, obj, action)
    note = (values.get("reason") or values.get("note") or "").strip()
    return table.commit(obj, t, fields=fields, at=at,
                        event=lambda old: events.step(subject, obj, action, old, actor=actor, note=note, data=data,
                                                      at=at))


def checked_values(table: Table, actor, obj, action: str, values: dict | None) -> dict:
    """The step is allowed (state, actor, guards) and has every field its row requires: the values."""
    values = values or {}
    table.check(actor, obj, action).require(values)
    return values


# -- volunteers ----------------------------------------------------------------------------------------------


@transaction.atomic
def volunteer_apply(*, actor, kind: str, community_id: int, employer: str = "") -> Volunteer:
    """申请成为流动网格员: where they serve (a community) and who they work for; their community verifies it."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied("请先登录")
    if kind not in VolunteerKind.values:
        raise ApplicationError("invalid_kind", "请选择身份类别", fields={"kind": "无效"})
    community = Region.objects.filter(pk=community_id, level=Level.COMMUNITY, is_active=True).first()
    if community is None:
        raise NotFound("没有这个社区,请选择服务的社区", code="unknown_community")
    if Volunteer.objects.filter(user=actor).exists():
        raise ApplicationError("already_registered", "您已登记为志愿者,请勿重复申请", status=409)
    at = now()
    v = Volunteer(user=actor, kind=kind, community=community, region_path=community.path,
                  employer=employer.strip()[:100], applied_at=at, updated_at=at)
    try:
        with transaction.atomic():
            v.save()
    except IntegrityError:
        raise ApplicationError("already_registered", "您已登记为志愿者,请勿重复申请", status=409)
    events.volunteer_applied(v, actor=actor, at=at)
    return v


@transaction.atomic
def volunteer_act(*, actor, volunteer: Volunteer, action: str, values: dict | None = None) -> Volunteer:
    """认证 / 不予认证 / 重新申请 / 暂停 / 恢复. A verified volunteer holds the 流动网格员 role in their community."""
    values = checked_values(VOLUNTEER, actor, volunteer, action, values)
    at = now()
    fields = []
    if action == "verify":
        volunteer.verified_at = at
        fields.append("verified_at")
    commit_step(VOLUNTEER, "volunteer", volunteer, action, actor=actor, values=values, fields=fields, at=at)
    if action in ("verify", "reinstate"):
        membership_grant(actor=actor, user=volunteer.user, role_code=RoleCode.MOBILE_VOLUNTEER,
                         region=volunteer.community)
    return volunteer


def is_earning(user) -> bool:
    return Volunteer.objects.filter(user=user, state=VolunteerState.VERIFIED).exists()


# -- awards, caps and flags ----------------------------------------------------------------------------------


def cap_problem(account: Account, item: PointItem, day: dt.date) -> str:
    """Why one more award of this item on this day would break a cap ("" when it would not). Caps count every
    version of the item (its key) — or every item of its cap group (a patrol checked in and a patrol claimed) —
    and are checked under the account's lock."""
    same = {"item__cap_group": item.cap_group} if item.cap_group else {"item__key": item.key}
    awards = Transfer.objects.filter(destination=account, kind=TransferKind.AWARD, reversed_by__isnull=True, **same)
    if item.daily_cap is not None and awards.filter(earned_on=day).count() >= item.daily_cap:
        return f"「{item.name}」每人每日最多 {item.daily_cap} 次"
    if item.monthly_cap is not None:
        month = awards.filter(earned_on__year=day.year, earned_on__month=day.month).aggregate(s=Sum("amount"))["s"]
        if (month or 0) + item.points > item.monthly_cap:
            return f"「{item.name}」每人每月最多 {item.monthly_cap} 分"
    return ""


def give(account: Account, item: PointItem, *, at: dt.datetime, day: dt.date, source_key: str, actor=None,
         case_id: int | None = None, note: str = "") -> Transfer:
    """An award of `item` to a locked member account, once per `source_key`, within the caps (409 cap_reached)."""
    if (done := Transfer.objects.filter(source_key=source_key).first()) is not None:
        return done
    if problem := cap_problem(account, item, day):
        raise ApplicationError("cap_reached", f"已达上限:{problem}", status=409)
    t = ledger.award(account, item.points, at=at, item=item, actor=actor, case_id=case_id, source_key=source_key,
                     note=note or item.name, earned_on=day)
    _flag_if_unusual(account, at=at)
    return t


def flag(account: Account, reason: str, *, at: dt.datetime) -> None:
    """Mark an account for an officer's look (not blocked), once until it is cleared, on its timeline."""
    if account.flagged:
        return
    Account.objects.filter(pk=account.pk).update(flagged=reason[:200])
    account.flagged = reason[:200]
    events.flagged(account, reason=reason, at=at)


def _flag_if_unusual(account: Account, *, at: dt.datetime) -> None:
    """Many awards recorded in one day (whatever day the deeds were on) flag the account for a look."""
    today = local_day(at)
    n = Transfer.objects.filter(destination=account, kind=TransferKind.AWARD, at__date=today).count()
    if n > FLAG_DAILY_AWARDS:
        flag(account, f"{today:%Y-%m-%d} 获得积分 {n} 次,超过 {FLAG_DAILY_AWARDS} 次", at=at)


@transaction.atomic
def award_reverse(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """冲正 an award (a mistaken approval, a report found false): an officer over the member's place, with the
    reason; the account may go below zero, and is then flagged."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("reason_required", "请填写冲正原因", fields={"reason": "必填"})
    account = Account.objects.select_for_update().get(pk=transfer.destination_id)
    if not jurisdiction_of(actor).covers("points:ledger:correct", account.region_path):
        raise PermissionDenied("您不能对该账户冲正")
    at = now()
    t = ledger.reverse(transfer, at=at, actor=actor, reason=reason)
    events.reversed_(account, actor=actor, transfer_id=transfer.pk, amount=transfer.amount, reason=reason, at=at)
    account.refresh_from_db()
    if account.balance < 0:
        flag(account, f"冲正后余额为 {account.balance} 分", at=at)
    return t


# -- claims --------------------------------------------------------------------------------------------------


def claimant(*, actor, user_id: int | None):
    """Whom a claim is for: the actor, or (an officer's claim on someone's behalf) the volunteer named."""
    if not user_id:
        return actor
    volunteer = Volunteer.objects.filter(user_id=user_id).select_related("user").first()
    if volunteer is None:
        raise NotFound("没有这个志愿者", code="unknown_volunteer")
    return volunteer.user


@transaction.atomic
def claim_submit(*, actor, item_key: str, note: str, happened_on: dt.date, photos: Iterable = (),
                 user=None) -> Claim:
    """申请积分 for a manual item (or, by an officer, on a volunteer's behalf): what was done, on which day, with
    the photos the item requires."""
    user = user or actor
    if not getattr(actor, "pk", None):
        raise PermissionDenied("请先登录")
    item = PointItem.objects.filter(key=item_key, is_current=True).select_related("point_class").first()
    if item is None or item.trigger != Trigger.MANUAL:
        raise NotFound("没有这个可申请的积分项目", code="unknown_item")
    volunteer = Volunteer.objects.filter(user=user, state=VolunteerState.VERIFIED).first()
    if volunteer is None:
        raise ApplicationError("not_a_volunteer", "只有已认证的志愿者可以申请积分", status=409)
    if user != actor and not jurisdiction_of(actor).covers("points:claim:approve", volunteer.region_path):
        raise PermissionDenied("您不能代该志愿者申请积分")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("note_required", "请填写事由", fields={"note": "必填"})
    today = local_today()
    if happened_on > today or happened_on < today - dt.timedelta(days=CLAIM_MAX_AGE_DAYS):
        raise ApplicationError("invalid_date", f"发生日期须在近 {CLAIM_MAX_AGE_DAYS} 天内且不晚于今天",
                               fields={"happened_on": "超出范围"})
    checked = check_photos(photos)
    if item.evidence_required and not checked:
        raise ApplicationError("evidence_required", f"「{item.name}」须上传佐证照片", fields={"photos": "必填"})
    at = now()
    claim = Claim.objects.create(user=user, item=item, region_path=volunteer.region_path, note=note[:2000],
                                 happened_on=happened_on, submitted_by=actor, created_at=at, updated_at=at)
    for data, _name, content_type, w, h in checked:
        ClaimPhoto(claim=claim).keep(data, content_type, w, h)
    events.claim_submitted(claim, actor=actor, at=at)
    return claim


@transaction.atomic
def claim_act(*, actor, claim: Claim, action: str, values: dict | None = None) -> Claim:
    """审核通过 (the award is written in the same transaction, within the caps) or 驳回 (with the reason)."""
    values = checked_values(CLAIM, actor, claim, action, values)
    at = now()
    data = None
    if action == "approve":
        account = ledger.member_account(claim.user, lock=True)
        claim.award = give(account, claim.item, at=at, day=claim.happened_on, source_key=f"claim:{claim.pk}",
                           actor=actor, note=f"{claim.item.name}(申请 {claim.pk})")
        data = {"points": claim.item.points, "transfer": claim.award.pk}
    commit_step(CLAIM, "claim", claim, action, actor=actor, values=values, fields=["award"] if data else [],
          data=data, at=at)
    return claim


# -- redemptions ---------------------------------------------------------------------------------------------


def _new_code() -> str:
    for _ in range(20):
        code = f"{secrets.randbelow(10**8):08d}"
        if not Redemption.objects.filter(code=code).exists():
            return code
    raise ApplicationError("code_exhausted", "兑换码生成失败,请重试", status=503)


@transaction.atomic
def redeem(*, actor, reward_id: int) -> Redemption:
    """兑换: in one transaction the member's account is locked, the per-person limit checked, one unit of stock
    taken (never below zero: of two people after the last one exactly one gets it), and the points spent from
    the oldest-expiring lots. The code is shown at the station to pick it up."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied("请先登录")
    reward = Reward.objects.select_related("station").filter(pk=reward_id, is_active=True,
                                                             station__is_active=True).first()
    if reward is None:
        raise NotFound("奖品不存在或已下架", code="unknown_reward")
    account = ledger.member_account(actor, lock=True)
    if reward.per_person_limit is not None:
        taken = Redemption.objects.filter(user=actor, reward=reward,
                                          state__in=[RedemptionState.RESERVED, RedemptionState.PICKED_UP]).count()
        if taken >= reward.per_person_limit:
            raise ApplicationError("limit_reached", f"该奖品每人限兑 {reward.per_person_limit} 件", status=409)
    at = now()
    ledger.require(account, reward.points, at=at)  # refused before the stock is touched
    if reward.stock is not None and not Reward.objects.filter(pk=reward.pk, stock__gte=1).update(
            stock=F("stock") - 1):
        raise ApplicationError("out_of_stock", "该奖品已兑完", status=409)
    spent = ledger.spend(account, reward.points, at=at, actor=actor, note=f"兑换 {reward.name}")
    r = Redemption.objects.create(user=actor, reward=reward, station=reward.station,
                                  region_path=reward.station.region_path, points=reward.points, code=_new_code(),
                                  spend=spent, created_at=at, pickup_by=at + dt.timedelta(days=PICKUP_DAYS),
                                  updated_at=at)
    events.redeemed(r, actor=actor, at=at)
    return r


@transaction.atomic
def redemption_act(*, actor, redemption: Redemption, action: str, values: dict | None = None) -> Redemption:
    """核销领取 (the code must match), 取消 or 逾期 (the points and the stock come back)."""
    values = checked_values(REDEMPTION, actor, redemption, action, values)
    if action == "pick_up":
        given = str(values.get("code") or "").strip()
        if not hmac.compare_digest(given.encode(), redemption.code.encode()):
            raise ApplicationError("wrong_code", "兑换码不正确", fields={"code": "不正确"})
    at = now()
    data = None
    if action in ("cancel", "lapse"):
        account = Account.objects.select_for_update().get(pk=redemption.spend.source_id)
        back = ledger.refund(redemption.spend, at=at, actor=actor,
                             note=f"{REDEMPTION.label(action)}:{redemption.reward.name}")
        if redemption.reward.stock is not None:
            Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)
        data = {"refund": back.pk, "points": back.amount, "account": account.pk}
    commit_step(REDEMPTION, "redemption", redemption, action, actor=actor, values=values, data=data, at=at)
    return redemption


def lapse_due(*, at: dt.datetime | None = None, limit: int = 500) -> int:
    """Redemptions not picked up by their deadline lapse (points and stock back); each on its own."""
    at = at or now()
    n = 0
    for r in Redemption.objects.filter(state=RedemptionState.RESERVED, pickup_by__lte=at).select_related(
            "reward", "spend")[:limit]:
        try:
            redemption_act(actor=None, redemption=r, action="lapse")
            n += 1
        except ApplicationError:
            continue  # picked up or cancelled meanwhile
    return n


def expire_due(*, at: dt.datetime | None = None, limit: int = 2000) -> int:
    """Write off expired lots, one member at a time under the member's lock."""
    from gridgov.points.models import Lot

    at = at or now()
    n = 0
    accounts = (Lot.objects.filter(remaining__gt=0, expires_at__lte=at).values_list("account_id", flat=True)
                .distinct()[:limit])
    for account_id in list(accounts):
        with transaction.atomic():
            Account.objects.select_for_update().get(pk=account_id)
            for lot in Lot.objects.select_for_update().filter(account_id=account_id, remaining__gt=0,
                                                              expires_at__lte=at).select_related("account"):
                if ledger.expire(lot, at=at) is not None:
                    n += 1
    return n


# -- the catalogue -------------------------------------------------------------------------------------------

REVISABLE = ("name", "points", "daily_cap", "monthly_cap", "cap_group", "evidence_required", "approver", "trigger",
             "point_class_id")


@transaction.atomic
def item_revise(*, actor, item: PointItem, changes: dict) -> PointItem:
    """Change an item: a new version with the changes (the old one retired, its awards keep it)."""
    if not jurisdiction_of(actor).has_perm("points:catalogue:edit"):
        raise PermissionDenied("您不能维护积分项目")
    unknown = set(changes) - set(REVISABLE)
    if unknown:
        raise ApplicationError("invalid_field", "不能修改这些字段", fields={k: "不可修改" for k in unknown})
    current = PointItem.objects.select_for_update().get(pk=item.pk)
    if not current.is_current:
        raise ApplicationError("not_current", "只能修改现行版本", status=409)
    if "points" in changes and (not isinstance(changes["points"], int) or changes["points"] <= 0):
        raise ApplicationError("invalid_points", "分值须为正整数", fields={"points": "须为正整数"})
    at = now()
    PointItem.objects.filter(pk=current.pk).update(is_current=False, retired_at=at)
    new = PointItem(key=current.key, version=current.version + 1, point_class_id=current.point_class_id,
                    name=current.name, points=current.points, trigger=current.trigger, daily_cap=current.daily_cap,
                    monthly_cap=current.monthly_cap, cap_group=current.cap_group,
                    evidence_required=current.evidence_required,
                    approver=current.approver, valid_from=at)
    for k, v in changes.items():
        setattr(new, k, v)
    new.save()
    events.item_revised(new, actor=actor, previous_id=current.pk, at=at)
    return new


def local_day(at: dt.datetime) -> dt.date:
    return local(at).date()

