"""Points earned by what happened: a volunteer's reports — 立案 (the center accepted it) and 核查办结 (the problem is
fixed) —, a volunteer's day of patrol check-ins (巡逻打卡) and their visits to the care targets they are paired
with (关爱走访, from `care`'s check-ins), their votes on topics and their topics that passed (民主议事, from
`deliberation`), read from the case timeline and the check-ins by the sweep, so `cases` knows nothing of points and nothing is lost when a
process dies between a case step and its award: the next sweep finds the step again (it re-reads an overlap of
an hour, and an award is made once per source key).

Policy: only a verified volunteer's reports earn; a rejected report has no 立案 to earn on; a report merged into
another (a duplicate) earns nothing, and one merged after it earned gives it back (a reversal); a report close to
an earlier one of the same category (the likely-duplicate rule of `cases.duplicates`) is withheld and said so on
the account. Caps hold as for every award. Reports refused or withheld again and again within a week flag the
account for an officer's look."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from gridgov.accounts.models import User
from gridgov.care.models import CheckIn, CheckInKind
from gridgov.cases.duplicates import find_duplicates
from gridgov.cases.models import Case, CaseEvent, PatrolCheckin, State
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import local, now
from gridgov.deliberation.models import Ballot, ProposerKind, Topic
from gridgov.points import events, ledger
from gridgov.points.models import PointItem, PointsEvent, SweepCursor, Transfer, Trigger, VolunteerState
from gridgov.points.services import FLAG_WEEKLY_REFUSED, flag, give

OVERLAP = dt.timedelta(hours=1)  # steps committed late (a long transaction) are still found
FIRST_LOOK = dt.timedelta(days=7)  # how far back the first sweep of a new deployment looks
EARNING_STEPS = {"accept": Trigger.CASE_ACCEPTED, "verify_pass": Trigger.CASE_VERIFIED}


def _withhold(account, *, item: PointItem, source_key: str, reason: str, at: dt.datetime) -> None:
    said = PointsEvent.objects.filter(subject="account", subject_id=account.pk, action="award_withheld",
                                      data__source=source_key).exists()
    if not said:
        events.award_withheld(account, item_key=item.key, source_key=source_key, reason=reason, at=at)


def _flag_refusals(case: Case, *, at: dt.datetime) -> None:
    """Reports refused (不予立案) or withheld as likely duplicates, FLAG_WEEKLY_REFUSED or more within 7 days,
    flag the reporter's account: a pattern an officer should look at (reports made for points)."""
    week = at - dt.timedelta(days=7)
    account = ledger.member_account(case.reporter, lock=True)
    rejected = CaseEvent.objects.filter(action="reject", case__reporter_id=case.reporter_id, at__gte=week).count()
    withheld = PointsEvent.objects.filter(subject="account", subject_id=account.pk, action="award_withheld",
                                          at__gte=week, note__contains="疑似重复").count()
    if rejected + withheld >= FLAG_WEEKLY_REFUSED:
        flag(account, f"近7天 {rejected} 件上报不予立案、{withheld} 件疑似重复上报", at=at)


def _earlier_duplicate(case: Case) -> int | None:
    earlier = [pk for pk in find_duplicates(case) if pk < case.pk]
    return earlier[0] if earlier else None


@transaction.atomic
def apply_case_event(ev: CaseEvent, items: dict[str, PointItem], *, at: dt.datetime) -> str:
    """Award (or take back) what one case step earns its reporter: "awarded", "withheld", "reversed" or ""."""
    case = ev.case
    if ev.action == "reject":
        _flag_refusals(case, at=at)
        return ""
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
        _flag_refusals(case, at=at)
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
    steps = (CaseEvent.objects.filter(action__in=[*EARNING_STEPS, "merge", "reject"], at__gte=cursor.at - OVERLAP,
                                      at__lte=at,
                                      case__reporter__volunteer__state=VolunteerState.VERIFIED)
             .select_related("case", "case__reporter").order_by("at", "id"))
    n = 0
    for ev in steps.iterator(chunk_size=500):
        if apply_case_event(ev, items, at=at) in ("awarded", "reversed"):
            n += 1
    SweepCursor.objects.filter(pk=cursor.pk).update(at=at)
    return n


PATROL_MINUTES = 120  # a patrol earns when a day's check-ins span two hours…
PATROL_CHECKINS = 3  # …with at least three of them (start, on the way, end)


def patrol_day(checkins: list[dt.datetime]) -> tuple[int, int]:
    """(check-ins, minutes from the first to the last) of one day's patrol check-ins."""
    if not checkins:
        return 0, 0
    return len(checkins), int((max(checkins) - min(checkins)).total_seconds() // 60)


def sweep_patrols(*, at: dt.datetime | None = None) -> int:
    """巡逻打卡: a verified volunteer whose check-ins of one day (local time) span PATROL_MINUTES with at least
    PATROL_CHECKINS of them earns the patrol item once for that day (today's as soon as it qualifies; yesterday's
    is looked at again in case the sweep missed its end)."""
    at = at or now()
    item = PointItem.objects.filter(is_current=True, trigger=Trigger.PATROL).first()
    if item is None:
        return 0
    since = local(at).replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    days: dict[tuple[int, dt.date], list[dt.datetime]] = defaultdict(list)
    for user_id, t in (PatrolCheckin.objects.filter(at__gte=since, at__lte=at,
                                                    user__volunteer__state=VolunteerState.VERIFIED)
                       .values_list("user_id", "at")):
        days[(user_id, local(t).date())].append(t)
    n = 0
    for (user_id, day), times in sorted(days.items()):
        count, minutes = patrol_day(times)
        if count < PATROL_CHECKINS or minutes < PATROL_MINUTES:
            continue
        source_key = f"patrol:{user_id}:{day.isoformat()}"
        if Transfer.objects.filter(source_key=source_key).exists():
            continue
        with transaction.atomic():
            account = ledger.member_account(User.objects.get(pk=user_id), lock=True)
            try:
                give(account, item, at=at, day=day, source_key=source_key,
                     note=f"{item.name}:{day:%m-%d} 打卡 {count} 次,{minutes} 分钟")
                n += 1
            except ApplicationError as exc:
                if exc.code != "cap_reached":
                    raise
                _withhold(account, item=item, source_key=source_key, reason=exc.message, at=at)
    return n


CARE_LOOK_BACK = dt.timedelta(days=2)  # visits recorded while the sweep was down are still found


def _award(user_id: int, item: PointItem, *, source_key: str, day: dt.date, note: str, at: dt.datetime) -> bool:
    """One automatic award, once per source key; a cap reached is said on the account instead."""
    if Transfer.objects.filter(source_key=source_key).exists():
        return False
    with transaction.atomic():
        account = ledger.member_account(User.objects.get(pk=user_id), lock=True)
        try:
            give(account, item, at=at, day=day, source_key=source_key, note=note)
            return True
        except ApplicationError as exc:
            if exc.code != "cap_reached":
                raise
            _withhold(account, item=item, source_key=source_key, reason=exc.message, at=at)
            return False


def _current(trigger: str) -> PointItem | None:
    return PointItem.objects.filter(is_current=True, trigger=trigger).first()


def sweep_care_visits(*, at: dt.datetime | None = None) -> int:
    """关爱走访: a verified volunteer's visit (上门走访) to a care target earns the care-visit item once per visit;
    its cap group is the claimed 探访独居、空巢老人's, so a visit recorded and claimed too counts once a day."""
    at = at or now()
    item = _current(Trigger.CARE_VISIT)
    if item is None:
        return 0
    visits = (CheckIn.objects.filter(kind=CheckInKind.VISIT, at__gte=at - CARE_LOOK_BACK, at__lte=at,
                                     user__volunteer__state=VolunteerState.VERIFIED)
              .select_related("plan__resident").order_by("at", "pk"))
    n = 0
    for visit in visits:
        name = visit.plan.resident.name
        n += _award(visit.user_id, item, source_key=f"care_visit:{visit.pk}", day=local(visit.at).date(),
                    note=f"{item.name}:{local(visit.at):%m-%d} 走访{name[:1]}*", at=at)
    return n


def sweep_deliberation(*, at: dt.datetime | None = None) -> int:
    """民主议事: a verified volunteer's vote on a topic (online, or their paper or proxy ballot entered by the
    committee) earns the vote item once per topic — in one cap group with the claimed 参与社区事务投票 —, and a
    topic they proposed that passed its vote earns the adopted item (with 提出建议被采纳). Read from the ballots
    and the published results of the last two days, whatever the choice."""
    at = at or now()
    since = at - CARE_LOOK_BACK
    n = 0
    vote_item = _current(Trigger.TOPIC_VOTE)
    if vote_item is not None:
        ballots = (Ballot.objects.filter(at__gte=since, at__lte=at).select_related("topic", "resident")
                   .order_by("at", "pk"))
        for b in ballots:
            user_id = b.cast_by_id or (b.resident.user_id if b.resident is not None else None)
            if user_id is None or not _verified(user_id):
                continue
            n += _award(user_id, vote_item, source_key=f"topic_vote:{b.pk}", day=local(b.at).date(),
                        note=f"{vote_item.name}:{b.topic.title[:30]}", at=at)
    adopted_item = _current(Trigger.TOPIC_ADOPTED)
    if adopted_item is not None:
        passed = Topic.objects.filter(published_at__gte=since, published_at__lte=at, result__passed=True,
                                      proposer_kind=ProposerKind.RESIDENT).order_by("published_at", "pk")
        for t in passed:
            if t.published_at is not None and _verified(t.proposer_id):
                n += _award(t.proposer_id, adopted_item, source_key=f"topic_adopted:{t.pk}",
                            day=local(t.published_at).date(), note=f"{adopted_item.name}:{t.title[:30]}", at=at)
    return n


def _verified(user_id: int) -> bool:
    from gridgov.points.models import Volunteer

    return Volunteer.objects.filter(user_id=user_id, state=VolunteerState.VERIFIED).exists()
