"""The double-entry ledger (DOMAIN.md §8.2, after TimeOverflow's transfers): every movement is a transfer with
two immutable entries that sum to zero; a member's spendable points are lots spent oldest-expiring first under
a lock of the member's account; corrections are reversals. Everything here runs inside the caller's
transaction (the services open it) and locks the member's account row first, so one member's movements are
serialised and two members' never wait on each other (the system accounts are updated with F())."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from gridgov.core.errors import ApplicationError
from gridgov.points.models import (
    Account,
    AccountKind,
    Entry,
    Lot,
    LotUse,
    PointItem,
    Transfer,
    TransferKind,
    Volunteer,
)

VALID_DAYS = getattr(settings, "POINTS_VALID_DAYS", 730)  # points expire two years after they are earned


def system_account(kind: str) -> Account:
    account, _ = Account.objects.get_or_create(kind=kind, user=None)
    return account


def home_path(user) -> str:
    """Where a member's points belong (for the officers who see them): their volunteer community, else the
    region of their first membership."""
    path = Volunteer.objects.filter(user=user).values_list("region_path", flat=True).first()
    if path:
        return path
    m = user.memberships.filter(is_active=True).select_related("region").order_by("id").first()
    return m.region.path if m else ""


def member_account(user, *, lock: bool = False) -> Account:
    """The member's account, made on first use; locked for the rest of the transaction with `lock`."""
    account = Account.objects.filter(kind=AccountKind.MEMBER, user=user).first()
    if account is None:
        Account.objects.get_or_create(kind=AccountKind.MEMBER, user=user, defaults={"region_path": home_path(user)})
    if lock:
        return Account.objects.select_for_update().get(kind=AccountKind.MEMBER, user=user)
    return account or Account.objects.get(kind=AccountKind.MEMBER, user=user)


def _post(kind: str, amount: int, source: Account, destination: Account, *, at: dt.datetime, actor=None,
          item: PointItem | None = None, case_id: int | None = None, reverses: Transfer | None = None,
          source_key: str | None = None, note: str = "", earned_on: dt.date | None = None) -> Transfer:
    if amount <= 0:
        raise ValueError("a transfer moves a positive amount")
    t = Transfer(kind=kind, amount=amount, source=source, destination=destination, item=item, case_id=case_id,
                 reverses=reverses, source_key=source_key, note=note[:200], at=at, earned_on=earned_on,
                 actor=actor if getattr(actor, "pk", None) else None)
    t.save()
    Entry.objects.bulk_create([Entry(transfer=t, account=source, amount=-amount, at=at),
                               Entry(transfer=t, account=destination, amount=amount, at=at)])
    Account.objects.filter(pk=source.pk).update(balance=F("balance") - amount)
    Account.objects.filter(pk=destination.pk).update(balance=F("balance") + amount)
    source.balance -= amount
    destination.balance += amount
    return t


def _use(lot: Lot, transfer: Transfer, amount: int) -> None:
    """Take `amount` from a lot (a negative amount gives back)."""
    lot.remaining -= amount
    lot.save(update_fields=["remaining"])
    LotUse.objects.create(lot=lot, transfer=transfer, amount=amount)


def spendable(account: Account, at: dt.datetime) -> int:
    """What can be spent now: the unexpired lots, less any debt."""
    return Lot.objects.filter(account=account).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at)).aggregate(
        s=Sum("remaining"))["s"] or 0


def expiring(account: Account, at: dt.datetime, *, days: int = 30) -> tuple[int, dt.datetime | None]:
    """Points that expire within `days`, and the first such moment (to warn the member)."""
    lots = Lot.objects.filter(account=account, remaining__gt=0, expires_at__gt=at,
                              expires_at__lte=at + dt.timedelta(days=days))
    row = lots.aggregate(s=Sum("remaining"))
    first = lots.order_by("expires_at").values_list("expires_at", flat=True).first()
    return row["s"] or 0, first


def award(account: Account, amount: int, *, at: dt.datetime, item: PointItem | None, actor=None,
          case_id: int | None = None, source_key: str | None = None, note: str = "",
          earned_on: dt.date | None = None) -> Transfer:
    """Issue points to a (locked) member account: a new lot that expires after VALID_DAYS, paying off any debt
    first."""
    t = _post(TransferKind.AWARD, amount, system_account(AccountKind.ISSUANCE), account, at=at, actor=actor,
              item=item, case_id=case_id, source_key=source_key, note=note, earned_on=earned_on)
    left = amount
    for debt in Lot.objects.filter(account=account, remaining__lt=0).order_by("earned_at", "id"):
        pay = min(-debt.remaining, left)
        _use(debt, t, -pay)
        left -= pay
        if not left:
            break
    lot = Lot.objects.create(account=account, transfer=t, initial=amount, remaining=amount, earned_at=at,
                             expires_at=at + dt.timedelta(days=VALID_DAYS))
    if left < amount:
        LotUse.objects.create(lot=lot, transfer=t, amount=amount - left)
        lot.remaining = left
        lot.save(update_fields=["remaining"])
    Account.objects.filter(pk=account.pk).update(earned_total=F("earned_total") + amount)
    if account.flagged and account.balance >= 0:
        Account.objects.filter(pk=account.pk).update(flagged="")
    return t


def require(account: Account, amount: int, *, at: dt.datetime) -> None:
    """409 insufficient_points unless `amount` can be spent now."""
    have = spendable(account, at)
    if have < amount:
        raise ApplicationError("insufficient_points", f"积分不足:需要 {amount} 分,可用 {max(have, 0)} 分",
                               status=409)


def spend(account: Account, amount: int, *, at: dt.datetime, actor=None, note: str = "") -> Transfer:
    """Spend from a (locked) member account, oldest-expiring lots first; 409 insufficient_points on shortfall."""
    require(account, amount, at=at)
    t = _post(TransferKind.SPEND, amount, account, system_account(AccountKind.REDEMPTION), at=at, actor=actor,
              note=note)
    left = amount
    for lot in (Lot.objects.select_for_update().filter(account=account, remaining__gt=0, expires_at__gt=at)
                .order_by("expires_at", "earned_at", "id")):
        take = min(lot.remaining, left)
        _use(lot, t, take)
        left -= take
        if not left:
            break
    return t


def refund(spent: Transfer, *, at: dt.datetime, actor=None, note: str = "") -> Transfer:
    """Give a spend back to the lots it came from (a cancelled or lapsed redemption). Points whose lot has
    expired meanwhile come back expired: the next sweep writes them off."""
    account = spent.source
    t = _post(TransferKind.REFUND, spent.amount, system_account(AccountKind.REDEMPTION), account, at=at,
              actor=actor, reverses=spent, note=note)
    for use in LotUse.objects.filter(transfer=spent).select_related("lot"):
        _use(use.lot, t, -use.amount)
    return t


def expire(lot: Lot, *, at: dt.datetime) -> Transfer | None:
    """Write off what is left of an expired lot (the account is locked by the caller)."""
    if lot.remaining <= 0:
        return None
    t = _post(TransferKind.EXPIRE, lot.remaining, lot.account, system_account(AccountKind.EXPIRY), at=at,
              note="积分到期")
    _use(lot, t, lot.remaining)
    return t


def reverse(award_transfer: Transfer, *, at: dt.datetime, actor=None, reason: str) -> Transfer:
    """冲正 an award: the same amount back to issuance, from its own lot first, then the member's other lots;
    what cannot be found becomes a debt (the account is flagged, not blocked)."""
    if award_transfer.kind != TransferKind.AWARD:
        raise ApplicationError("not_reversible", "只有获得积分的记录可以冲正", status=409)
    if Transfer.objects.filter(reverses=award_transfer).exists():
        raise ApplicationError("already_reversed", "该记录已冲正", status=409)
    account = Account.objects.select_for_update().get(pk=award_transfer.destination_id)
    amount = award_transfer.amount
    t = _post(TransferKind.REVERSAL, amount, account, system_account(AccountKind.ISSUANCE), at=at, actor=actor,
              item=award_transfer.item, case_id=award_transfer.case_id, reverses=award_transfer, note=reason)
    left = amount
    own = list(Lot.objects.select_for_update().filter(transfer=award_transfer, remaining__gt=0))
    others = Lot.objects.select_for_update().filter(account=account, remaining__gt=0).exclude(
        transfer=award_transfer).order_by("expires_at", "earned_at", "id")
    for lot in [*own, *others]:
        take = min(lot.remaining, left)
        _use(lot, t, take)
        left -= take
        if not left:
            break
    if left:
        Lot.objects.create(account=account, transfer=t, initial=-left, remaining=-left, earned_at=at,
                           expires_at=None)
    Account.objects.filter(pk=account.pk).update(earned_total=F("earned_total") - amount)
    return t


def problems() -> list[str]:
    """Everything the ledger's invariants say is wrong (empty when it is sound): each transfer two entries
    summing to zero; each balance the sum of its entries; each member balance the sum of its lots; each lot its
    initial less its uses; all balances summing to zero."""
    out = []
    for row in (Entry.objects.values("transfer").annotate(n=Count("id"), s=Sum("amount"))
                .filter(~Q(n=2) | ~Q(s=0))[:50]):
        out.append(f"流水 {row['transfer']}:分录不平(笔数 {row['n']},合计 {row['s']})")
    with_entries = {r["account"]: r["s"] for r in Entry.objects.values("account").annotate(s=Sum("amount"))}
    with_lots = {r["account"]: r["s"] for r in Lot.objects.values("account").annotate(s=Sum("remaining"))}
    for a in Account.objects.all():
        if a.balance != with_entries.get(a.pk, 0):
            out.append(f"账户 {a.pk}({a}):余额 {a.balance} ≠ 分录合计 {with_entries.get(a.pk, 0)}")
        if a.kind == AccountKind.MEMBER and a.balance != with_lots.get(a.pk, 0):
            out.append(f"账户 {a.pk}({a}):余额 {a.balance} ≠ 批次剩余合计 {with_lots.get(a.pk, 0)}")
    used = {r["lot"]: r["s"] for r in LotUse.objects.values("lot").annotate(s=Sum("amount"))}
    for lot in Lot.objects.all().only("id", "initial", "remaining"):
        if lot.remaining != lot.initial - used.get(lot.pk, 0):
            out.append(f"批次 {lot.pk}:剩余 {lot.remaining} ≠ 初始 {lot.initial} − 已用 {used.get(lot.pk, 0)}")
    total = Account.objects.aggregate(s=Sum("balance"))["s"] or 0
    if total != 0:
        out.append(f"全部账户余额合计为 {total},应为 0")
    return out


@transaction.atomic
def repair_balances() -> int:
    """Recompute every cached balance from its entries (the entries are the truth); how many were wrong."""
    fixed = 0
    sums = {r["account"]: r["s"] for r in Entry.objects.values("account").annotate(s=Sum("amount"))}
    for a in Account.objects.select_for_update():
        if a.balance != sums.get(a.pk, 0):
            Account.objects.filter(pk=a.pk).update(balance=sums.get(a.pk, 0))
            fixed += 1
    return fixed
