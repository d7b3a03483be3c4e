"""台账 (减负): the ledgers communities are asked for again and again, written from the data as workbooks in the
columns districts use, so nobody types them twice — 事件台账, 矛盾纠纷台账, 走访记录 (care check-ins) and
重点人群台账. Each is read through the module's own jurisdiction-scoped access; identity numbers and phones appear
masked (the ledger is printed and filed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import local, month_bounds
from gridgov.core.xlsx import write_rows


@dataclass(frozen=True)
class Ledger:
    code: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[..., list[list]]  # (actor, start, end) -> rows
    monthly: bool = True  # False: the ledger as it stands (重点人群), the month ignored


def _t(value: dt.datetime | None) -> str:
    return f"{local(value):%Y-%m-%d %H:%M}" if value else ""


def _cases(actor, start, end) -> list[list]:
    from gridgov.cases.access import visible_cases
    from gridgov.cases.models import State

    qs = (visible_cases(actor).filter(created_at__gte=start, created_at__lt=end)
          .select_related("category", "grid", "handling_unit").order_by("created_at", "id"))
    out = []
    for c in qs.iterator(chunk_size=2000):
        on_time = ""
        if c.state == State.CLOSED:
            done = c.done_reported_at or c.closed_at
            on_time = "是" if c.handle_due_at is None or done <= c.handle_due_at else "否"
        out.append([c.number, _t(c.created_at), c.get_channel_display(), c.category.name if c.category else "未分类",
                    c.title, c.address, c.grid.name if c.grid else "(未落入网格)", c.get_state_display(),
                    c.handling_unit.name if c.handling_unit else "", _t(c.closed_at), on_time,
                    c.get_satisfaction_display() if c.satisfaction else ""])
    return out


def _disputes(actor, start, end) -> list[list]:
    from gridgov.mediation.access import visible_disputes

    qs = (visible_disputes(actor).filter(created_at__gte=start, created_at__lt=end)
          .select_related("dispute_type", "risk_level", "committee", "mediator", "grid").order_by("created_at", "id"))
    out = []
    for d in qs.iterator(chunk_size=2000):
        resolved = {True: "是", False: "否"}.get(d.resolved, "")
        out.append([_t(d.created_at), d.title, d.dispute_type.name, d.get_scale_display(), d.risk_level.name,
                    d.people_involved, d.place, d.grid.name if d.grid else "", d.committee.name if d.committee else "",
                    d.mediator.display_name if d.mediator else "", d.get_state_display(), resolved,
                    _t(d.agreed_at)])
    return out


def _visits(actor, start, end) -> list[list]:
    from gridgov.care.access import visible_plans
    from gridgov.care.models import CheckIn

    qs = (CheckIn.objects.filter(plan__in=visible_plans(actor), at__gte=start, at__lt=end)
          .select_related("plan__resident", "plan__grid", "user").order_by("at", "id"))
    return [[_t(v.at), v.user.display_name, v.plan.resident.name, v.plan.get_group_display(), v.plan.grid.name,
             v.plan.address, v.get_kind_display(), v.get_result_display(), v.note, "是" if v.case_id else ""]
            for v in qs.iterator(chunk_size=2000)]


def _focus(actor, start, end) -> list[list]:
    from gridgov.care.models import CarePlan
    from gridgov.people.models import FocusGroupMembership
    from gridgov.people.selectors import resident_list

    residents = resident_list(actor=actor)
    qs = (FocusGroupMembership.objects.filter(resident__in=residents).select_related("resident__grid")
          .order_by("resident__grid__code", "group", "resident__name", "id"))
    cared = set(CarePlan.objects.filter(state="active", resident__in=residents).values_list("resident_id", "group"))
    out = []
    for m in qs.iterator(chunk_size=2000):
        r = m.resident
        out.append([r.name, r.get_gender_display(), r.id_number_masked, r.phone_masked, m.get_group_display(),
                    r.grid.name, r.address, f"{m.since:%Y-%m-%d}" if m.since else "",
                    "是" if (r.pk, m.group) in cared else "否", m.note])
    return out


LEDGERS = {
    "cases": Ledger("cases", "事件台账", ("事件编号", "上报时间", "来源渠道", "问题类别", "标题", "地址", "所属网格",
                                         "状态", "承办单位", "结案时间", "是否按期", "满意度"), _cases),
    "disputes": Ledger("disputes", "矛盾纠纷台账", ("登记时间", "事件名称", "纠纷类型", "规模", "风险等级",
                                                  "涉及人数", "发生地点", "所属网格", "调解组织", "调解员", "状态",
                                                  "化解成功", "协议时间"), _disputes),
    "visits": Ledger("visits", "走访记录", ("走访时间", "走访人", "走访对象", "人群类别", "所属网格", "住址", "方式",
                                           "情况", "情况说明", "已转事件"), _visits),
    "focus": Ledger("focus", "重点人群台账", ("姓名", "性别", "身份证号", "联系电话", "人群类别", "所属网格", "住址",
                                             "纳入时间", "在册关爱", "说明"), _focus, monthly=False),
}


def ledger_xlsx(*, actor, code: str, month: str) -> tuple[str, bytes]:
    """(file title, workbook) of a ledger for a month ("2026-11") within the actor's jurisdiction."""
    from gridgov.accounts.scoping import jurisdiction_of

    ledger = LEDGERS.get(code)
    if ledger is None:
        raise ApplicationError("unknown_ledger", "没有这种台账", status=404)
    if not jurisdiction_of(actor).has_perm("case:case:list"):
        raise PermissionDenied("无权导出台账")
    start, end = month_bounds(month)
    rows = ledger.rows(actor, start, end)
    title = f"{ledger.title}({month[:4]}年{int(month[5:])}月)" if ledger.monthly else ledger.title
    return title, write_rows(ledger.columns, rows, title=ledger.title, caption=title)
