"""志愿任务: a community officer puts out a task with a number of places; verified volunteers of the community take
it (a conditional update: never more than the places), report it done, and an officer confirms it — the award of
the task item (the catalogue's current version) is written in the confirming step, within the caps (a cap reached
confirms the work and says on the account that the points were withheld). Cancelling a task ends the parts taken.
Every step is a row of `points.workflow.TASK` / `TAKE` with its timeline row."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, PermissionDenied, text_of
from gridgov.core.timeutil import local, now
from gridgov.points import events, ledger
from gridgov.points.access import PERMISSION
from gridgov.points.models import (
    PointItem,
    TakeState,
    Task,
    TaskState,
    TaskTake,
    Trigger,
    Volunteer,
    VolunteerState,
)
from gridgov.points.services import checked_values, commit_step, give
from gridgov.points.workflow import TAKE, TASK
from gridgov.regions.models import Level

ACTIVE_TAKE = (TakeState.TAKEN, TakeState.DONE)


@transaction.atomic
def task_publish(*, actor, community, title: str, description: str, starts_at: dt.datetime, ends_at: dt.datetime,
                 places=1, place: str = "") -> Task:
    if community is None or community.level != Level.COMMUNITY:
        raise ApplicationError("invalid_region", "任务须属于一个社区", fields={"community": "须为社区"})
    if not jurisdiction_of(actor).covers(PERMISSION["task"], community.path):
        raise PermissionDenied("您不能为该社区发布任务")
    item = PointItem.objects.filter(is_current=True, trigger=Trigger.TASK).first()
    if item is None:
        raise ApplicationError("no_task_item", "积分目录中没有「志愿任务」项目,请先在后台启用", status=409)
    at = now()
    if starts_at is None or ends_at is None or not starts_at < ends_at or ends_at <= at:
        raise ApplicationError("invalid_ends_at", "结束时间须晚于开始时间和现在", fields={"ends_at": "无效"})
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 0
    if not 1 <= places <= 200:
        raise ApplicationError("invalid_places", "名额须在 1–200 之间", fields={"places": "1–200"})
    task = Task.objects.create(community=community, region_path=community.path,
                               title=text_of(title, "title", "任务", 2, 100),
                               description=text_of(description, "description", "任务说明", 2, 2000),
                               place=(place or "").strip()[:200], starts_at=starts_at, ends_at=ends_at, places=places,
                               item=item, created_by=actor, created_at=at, updated_at=at)
    events.step("task", task, "publish", "", actor=actor, note=task.title, at=at,
                data={"places": places, "item": item.key, "points": item.points})
    return task


@transaction.atomic
def task_act(*, actor, task: Task, action: str, values: dict | None = None) -> Task:
    """结束招募, or 取消任务 (the parts taken end with it)."""
    task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
    values = checked_values(TASK, actor, task, action, values)
    at = now()
    commit_step(TASK, "task", task, action, actor=actor, values=values, at=at)
    if action == "cancel":
        for take in TaskTake.objects.filter(task=task, state__in=ACTIVE_TAKE):
            commit_step(TAKE, "take", take, "cancelled", actor=None, values={"note": values.get("reason", "")}, at=at)
    return task


@transaction.atomic
def task_take(*, actor, task: Task) -> TaskTake:
    """接单: a verified volunteer of the task's community, while it is open and places are left."""
    task = Task.objects.get(pk=task.pk)
    if not Volunteer.objects.filter(user=actor, community_id=task.community_id,
                                    state=VolunteerState.VERIFIED).exists():
        raise PermissionDenied("只有本社区认证的志愿者可以接单")
    at = now()
    if task.state != TaskState.OPEN or task.ends_at <= at:
        raise ApplicationError("task_closed", "任务已结束招募", status=409)
    try:
        with transaction.atomic():
            take = TaskTake.objects.create(task=task, user=actor, region_path=task.region_path, created_at=at,
                                           updated_at=at)
            if not Task.objects.filter(pk=task.pk, taken__lt=F("places")).update(taken=F("taken") + 1):
                raise ApplicationError("task_full", "名额已满", status=409)
    except IntegrityError:
        raise ApplicationError("already_taken", "您已接过该任务", status=409) from None
    events.step("take", take, "take", "", actor=actor, note=task.title, at=at, data={"task": task.pk})
    return take


@transaction.atomic
def take_act(*, actor, take: TaskTake, action: str, values: dict | None = None) -> TaskTake:
    """上报完成 (what was done), 退出 (the place comes back), 确认完成 (the award, in this step) or 未完成."""
    take = TaskTake.objects.select_for_update(of=("self",)).select_related("task__item", "user").get(pk=take.pk)
    values = checked_values(TAKE, actor, take, action, values)
    at = now()
    fields: list[str] = []
    data: dict | None = None
    if action == "report":
        take.note = str(values.get("note") or "").strip()[:2000]
        fields.append("note")
    elif action == "confirm":
        item = take.task.item
        account = ledger.member_account(take.user, lock=True)
        source = f"task:{take.pk}"
        try:
            take.award = give(account, item, at=at, day=local(take.task.starts_at).date(), source_key=source,
                              actor=actor, note=f"{item.name}:{take.task.title[:30]}")
            fields.append("award")
            data = {"points": item.points, "transfer": take.award.pk}
        except ApplicationError as exc:
            if exc.code != "cap_reached":
                raise
            events.award_withheld(account, item_key=item.key, source_key=source, reason=exc.message, at=at)
            data = {"withheld": exc.message}
    commit_step(TAKE, "take", take, action, actor=actor, values=values, fields=fields, data=data, at=at)
    if action == "withdraw":
        Task.objects.filter(pk=take.task_id, taken__gt=0).update(taken=F("taken") - 1)
    return take
