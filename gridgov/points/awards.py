"""Points earned by what happened to a volunteer's reports: 立案 (the center accepted it) and 核查办结 (the problem is
fixed), read from the case timeline by the sweep, so `cases` knows nothing of points and nothing is lost when a
process dies between a case step and its award: the next sweep finds the step again (it re-reads an overlap of
an hour, and an award is made once per source key).

Policy: only a verified volunteer's reports earn; a rejected report has no 立案 to earn on; a report merged into
another (a duplicate) earns nothing, and one merged after it earned gives it back (a reversal); a report close to
an earlier one of the same category (the likely-duplicate rule of `cases.duplicates`) is withheld and said so on
the account. Caps hold as for every award."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gridgov.cases.duplicates import find_duplicates
from gridgov.cases.models import Case, CaseEvent, State
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import local, now
from gridgov.points import events, ledger
from gridgov.points.models import PointItem, PointsEvent, SweepCursor, Transfer, Trigger, VolunteerState
from gridgov.points.services import give

OVERLAP = dt.timedelta(hours=1)  # steps committed late (a long transaction) are still found
FIRST_LOOK = dt.timedelta(days=7)  # how far back the first sweep of a new deployment looks
EARNING_STEPS = {"accept": Trigger.CASE_ACCEPTED, "verify_pass": Trigger.CASE_VERIFIED}


def _withhold(account, *, item: PointItem, source_key: str, reason: str, at: dt.datetime) -> None:
    said = PointsEvent.objects.filter(subject="account", subject_id=account.pk, action="award_withheld",
                                      data__source=source_key).exists()
    if not said:
        events.award_withheld(account, item_key=item.key, source_key=source_key, reason=reason, at=at)


def _earlier_duplicate(case: Case) -> int | None:
    earlier = [pk for pk in find_duplicates(case) if pk < case.pk]
    return earlier[0] if earlier else None


@transaction.atomic
def apply_case_event(ev: CaseEvent, items: dict[str, PointItem], *, at: dt.datetime) -> str:
    """Award (or take back) what one case step earns its reporter: "awarded", "withheld", "reversed" or ""."""
    case = ev.case
    if ev.action == "merge":
        earned = Transfer.objects.filter(source_key=f"case:{case.pk}:{Trigger.CASE_ACCEPTED}",
                                         reversed_by__isnull=True).first()
        if earned is None:
            return ""
        ledger.reverse(earned, at=at, reason=f"事件 {case.number} 为重复上报,已合并")
        events.reversed_(earned.destination, actor=None, transfer_id=earned.pk, amount=earned.amount,
                         reason="重复上报已合并,收回立案积分", at=at)
        return "reversed"
    item = items.get(EARNING_STEPS[ev.action])
    if item is None:
        return ""
    source_key = f"case:{case.pk}:{item.trigger}"
    if Transfer.objects.filter(source_key=source_key).exists() or case.state in (State.MERGED, State.REJECTED):
        return ""
    account = ledger.member_account(case.reporter, lock=True)
    if ev.action == "accept" and (other := _earlier_duplicate(case)) is not None:
        _withhold(account, item=item, source_key=source_key, at=at,
                  reason=f"与先前上报的事件(编号 {other})疑似重复,未计积分")
        return "withheld"
    try:
        give(account, item, at=at, day=local(ev.at).date(), source_key=source_key, case_id=case.pk,
             note=f"{item.name}:{case.number}")
    except ApplicationError as exc:
        if exc.code != "cap_reached":
            raise
        _withhold(account, item=item, source_key=source_key, reason=exc.message, at=at)
        return "withheld"
    return "awarded"


def sweep_awards(*, at: dt.datetime | None = None) -> int:
    """Read the case timeline since the last sweep (less an overlap) for the steps that earn; how many awards
    and reversals were written."""
    at = at or now()
    cursor, _ = SweepCursor.objects.get_or_create(name="case_awards", defaults={"at": at - FIRST_LOOK})
    items = {i.trigger: i for i in PointItem.objects.filter(is_current=True, trigger__in=list(EARNING_STEPS.values()))}
    steps = (CaseEvent.objects.filter(action__in=[*EARNING_STEPS, "merge"], at__gte=cursor.at - OVERLAP, at__lte=at,
                                      case__reporter__volunteer__state=VolunteerState.VERIFIED)
             .select_related("case", "case__reporter").order_by("at", "id"))
    n = 0
    for ev in steps.iterator(chunk_size=500):
        if apply_case_event(ev, items, at=at) in ("awarded", "reversed"):
            n += 1
    SweepCursor.objects.filter(pk=cursor.pk).update(at=at)
    return n
