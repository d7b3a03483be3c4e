"""Reads of cases, scoped to the actor: jurisdiction, the cases of their unit, the cases they reported."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import F, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from gridgov.cases.access import handler_units, visible_cases
from gridgov.cases.models import Assignment, Case, CaseEvent
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import LOCAL_TZ

FILTERS = ("state", "category", "region", "light", "channel", "urgency", "created_after", "created_before", "q",
           "inbox", "unit", "out_of_grid", "clock_error", "ordering")


# Dates a filter may name: wide enough for any record, narrow enough that no conversion overflows (0001, 9999).
MOMENT_YEARS = (1970, 2199)


def parse_moment(value: str, field: str, *, end: bool = False) -> dt.datetime:
    """A date (YYYY-MM-DD, Beijing time; with end=True the end of that day) or an ISO 8601 moment."""
    value = (value or "").strip()
    try:
        day = parse_date(value) if len(value) == 10 else None
        parsed = None if day is not None or not value else parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. 2026-13-45
        day = parsed = None
    if day is not None:
        if not MOMENT_YEARS[0] <= day.year <= MOMENT_YEARS[1]:
            raise _out_of_range(field)
        return dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time(0), tzinfo=LOCAL_TZ)
    if parsed is None:
        raise ApplicationError("invalid_filter", f"{field} 应为日期(YYYY-MM-DD)或 ISO 8601 时间",
                               fields={field: "格式无效"})
    if not MOMENT_YEARS[0] <= parsed.year <= MOMENT_YEARS[1]:  # before any conversion: year 1 or 9999 overflow
        raise _out_of_range(field)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed


def parse_id(value, field: str) -> int:
    """A database id from a query string: a whole number that fits the id column, else invalid_filter."""
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise ApplicationError("invalid_filter", f"{field} 应为编号(正整数)", fields={field: "应为编号"})
    return int(text)


def _out_of_range(field: str) -> ApplicationError:
    why = f"日期超出范围({MOMENT_YEARS[0]}–{MOMENT_YEARS[1]} 年)"
    return ApplicationError("invalid_filter", f"{field} {why}", fields={field: why})


def case_list(*, actor, filters=None) -> QuerySet[Case]:
    f = filters or {}
    qs = visible_cases(actor).select_related("category", "grid", "handling_unit", "owner_center")

    def values(name):
        raw = f.getlist(name) if hasattr(f, "getlist") else f.get(name)
        if raw in (None, "", []):
            return []
        items = raw if isinstance(raw, list | tuple) else [raw]
        return [x for v in items for x in str(v).split(",") if x]

    if states := values("state"):
        qs = qs.filter(state__in=states)
    if cats := values("category"):
        from django.db.models import Q

        q = Q()
        for c in cats:
            q |= Q(category__code__startswith=c)
        qs = qs.filter(q)
    if region := f.get("region"):
        qs = qs.filter(region_path__contains=f"/{region}/")
    if lights := values("light"):
        qs = qs.filter(light__in=lights)
    if channels := values("channel"):
        qs = qs.filter(channel__in=channels)
    if urg := values("urgency"):
        qs = qs.filter(urgency__in=urg)
    if after := f.get("created_after"):
        qs = qs.filter(created_at__gte=parse_moment(after, "created_after"))
    if before := f.get("created_before"):
        qs = qs.filter(created_at__lt=parse_moment(before, "created_before", end=True))
    if text := (f.get("q") or "").strip():
        from django.db.models import Q

        cond = Q(title__contains=text) | Q(description__contains=text) | Q(external_ref=text)
        if text.isdigit() and len(text) > 8:
            cond |= Q(pk=int(text[8:]))
        qs = qs.filter(cond)
    if f.get("inbox") in ("1", "true"):
        qs = qs.filter(pk__in=Assignment.objects.filter(
            unit_id__in=handler_units(actor), status__in=["dispatched", "acknowledged"]).values("case_id"))
    if unit := f.get("unit"):
        qs = qs.filter(handling_unit_id=parse_id(unit, "unit"))
    if f.get("out_of_grid") in ("1", "true"):
        qs = qs.filter(out_of_grid=True)
    if f.get("clock_error") in ("1", "true"):  # deadlines waiting for a working-calendar year
        qs = qs.exclude(clock_error="")
    ordering = f.get("ordering") or ("due" if f.get("inbox") in ("1", "true") else "newest")
    if ordering not in ORDERINGS:
        raise ApplicationError("invalid_ordering", f"排序应为 {'/'.join(ORDERINGS)} 之一",
                               fields={"ordering": "取值无效"})
    return qs.order_by(*ORDERINGS[ordering])


# How a list of cases may be sorted: newest reports first (the default), nearest deadline first (the default of
# a handler's inbox; cases without a running clock last), or last changed first.
ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "due": (F("due_at").asc(nulls_last=True), "-created_at", "-id"),
    "updated": ("-updated_at", "-id"),
}
ORDERING_LABELS = {"newest": "最新上报", "due": "时限最近", "updated": "最近办理"}


def case_get(*, actor, pk) -> Case:
    case = visible_cases(actor).select_related("category", "grid", "handling_unit", "owner_center__region",
                                               "reporter").filter(
        pk=pk).first()
    if case is None:
        raise NotFound("事件不存在或不在您的管辖范围内")
    return case


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "actor_unit").prefetch_related("attachments").order_by("at", "id")


def case_photo_groups(case: Case) -> list[dict]:
    """The case's photos as a reader compares them: grouped by the action that brought them, oldest first, each
    group labelled with what it shows (处置前 for the report's, 处置后 for a 回单's…) and the action and time."""
    from gridgov.cases.workflow import PHOTO_STAGES, action_label

    groups: list[dict] = []
    photos = case.attachments.exclude(public_file="").select_related("event").order_by("created_at", "id")
    for a in photos:
        event = a.event
        key = event.pk if event else None
        if not groups or groups[-1]["key"] != key:
            action = event.action if event else "report"
            groups.append({"key": key, "stage": PHOTO_STAGES.get(action, ""), "action": action_label(action),
                           "at": event.at if event else a.created_at, "photos": []})
        groups[-1]["photos"].append(a)
    return groups


def case_result(case: Case) -> dict | None:
    """What the reporter is told of the outcome (their own case only): the handling result that passed the
    check (the last 回单, with its photos), the reason a report was not taken on, or the case it was merged
    into. None while the case is open."""
    from gridgov.cases.models import State

    if case.state == State.REJECTED:
        event = case.events.filter(action="reject").order_by("-at", "-id").first()
        return {"title": "未予立案", "text": event.note if event else "", "photos": []}
    if case.state == State.MERGED and case.merged_into is not None:
        return {"title": "已合并办理", "text": f"与同一问题合并办理,请查看编号 {case.merged_into.number} 的进度",
                "photos": []}
    if case.state == State.CLOSED:
        event = (case.events.filter(action="report_done").prefetch_related("attachments")
                 .order_by("-at", "-id").first())
        return {"title": "办理结果", "text": event.note if event else "",
                "photos": [a for a in event.attachments.all() if a.public_file] if event else []}
    return None


def cases_of_caller(*, actor, phone: str = "", case: Case | None = None, limit: int = 10) -> list[Case]:
    """The reports of one caller (by their phone number's keyed hash, never shown), newest first, within what the
    actor may see: for the operator with a caller on the line (重复诉求), or beside a case (its reporter's other
    reports). Empty for a number that is not a mobile or landline number."""
    from gridgov.core.pii import lookup_hashes

    if case is not None:
        hashes = [case.reporter_phone_hash] if case.reporter_phone_hash else []
    else:
        hashes = lookup_hashes("phone", phone) if len(re.sub(r"\D", "", phone or "")) >= 7 else []
    if not hashes:
        return []
    qs = visible_cases(actor).filter(reporter_phone_hash__in=hashes).select_related("category")
    if case is not None:
        qs = qs.exclude(pk=case.pk)
    return list(qs.order_by("-created_at", "-id")[:limit])
