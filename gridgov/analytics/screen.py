"""综治一张图: what the big screen shows for one region (the district, a town or a community), answered from the
rollups (`analytics.rollups`) for everything about cases, and from the modules' own small tables for disputes,
care and duty. `feed` lists what turned red since a moment (the screen polls it and pops the new ones up)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from gridgov.accounts.scoping import jurisdiction_of, require_perm
from gridgov.analytics import hexbin
from gridgov.analytics.models import DailyFlow, HeatCell, HourlyFlow, MixDaily, OpenStock, UnitDaily
from gridgov.analytics.rollups import community
from gridgov.cases.models import Category, Channel, Light, State, Urgency
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import LOCAL_TZ, local_today, now
from gridgov.regions.models import Level, Region

PERM = "case:kpi:view"
LEVELS_DOWN = {Level.DISTRICT: Level.TOWN, Level.TOWN: Level.COMMUNITY, Level.COMMUNITY: Level.GRID}
HEAT_CELLS = 400
HOT_SECONDS = 300  # 热点问题 cluster words, not counts: computed at most every five minutes per region


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def region_for(actor, code: str = "") -> Region:
    """The region shown: `code` when the actor may see it, else the top of the actor's jurisdiction."""
    j = require_perm(actor, PERM)
    if code:
        region = Region.objects.filter(code=code, is_active=True).first()
        if region is None:
            raise ApplicationError("unknown_region", "没有这个区划", status=404, fields={"region": "不存在"})
        if region.level not in LEVELS_DOWN:
            raise ApplicationError("region_level", "大屏按区、街道(镇)、社区展示", fields={"region": "层级无效"})
        if not j.covers(PERM, region.path):
            raise PermissionDenied("不能查看本辖区以外的数据")
        return region
    top = Region.objects.filter(is_active=True, level__in=list(LEVELS_DOWN))
    if not j.is_global:
        paths = j.paths_for(PERM)
        top = top.filter(path__in=paths) or Region.objects.filter(
            is_active=True, level=Level.COMMUNITY, path__in=[community(p) for p in paths])
    region = top.order_by("path").first()
    if region is None:
        raise PermissionDenied("没有可以查看的辖区")
    return region


def _sum(qs, *measures: str) -> dict[str, int]:
    got = qs.aggregate(**{m: Sum(m) for m in measures})
    return {m: int(got[m] or 0) for m in measures}


def _grids(region: Region, month_start: dt.date) -> tuple[dict, dict]:
    """A community's grids, which the rollups do not split: counted from its own cases (a few hundred)."""
    from gridgov.cases.models import OPEN_STATES, Case

    start, t = dt.datetime.combine(month_start, dt.time(), tzinfo=LOCAL_TZ), now()
    cases = Case.objects.filter(region_path__startswith=region.path)
    month: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    stock: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in cases.filter(Q(created_at__gte=start) | Q(closed_at__gte=start) | Q(state__in=OPEN_STATES)).values(
            "region_path", "created_at", "state", "closed_at", "done_reported_at", "handle_due_at", "light"):
        p = r["region_path"]
        if start <= r["created_at"] <= t:
            month[p]["received"] += 1
        if r["state"] == State.CLOSED and r["closed_at"] and r["closed_at"] >= start:
            month[p]["closed"] += 1
            done = r["done_reported_at"] or r["closed_at"]
            month[p]["closed_on_time"] += int(r["handle_due_at"] is None or done <= r["handle_due_at"])
        if r["state"] in OPEN_STATES:
            stock[p]["open"] += 1
            stock[p]["red"] += int(r["light"] == Light.RED)
    return month, stock


def _kids(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region, is_active=True, level=LEVELS_DOWN[region.level]).order_by("code"))


def _children(region: Region, kids: list[Region], month: dict, stock: dict, month_start: dt.date) -> list[dict]:
    """Per child region: this month's reports, closures and on-time rate, and its open and red cases (the rollup
    rows of the children, keyed by their paths; a community's grids counted from its cases)."""
    level = LEVELS_DOWN[region.level]
    if level == Level.GRID:
        month, stock = _grids(region, month_start)
    out = []
    for k in kids:
        m = {x: sum(v.get(x, 0) for p, v in month.items() if p.startswith(k.path))
             for x in ("received", "closed", "closed_on_time")}
        s = {x: sum(v.get(x, 0) for p, v in stock.items() if p.startswith(k.path)) for x in ("open", "red")}
        out.append({"code": k.code, "name": k.name, "level": k.level, "drill": level != Level.GRID,
                    "received": m["received"], "closed": m["closed"],
                    "on_time_rate": _ratio(m["closed_on_time"], m["closed"]), "open": s["open"], "red": s["red"]})
    return out


def overview(*, actor, code: str = "") -> dict:
    region = region_for(actor, code)
    p = region.path
    today = local_today()
    month_start = today.replace(day=1)
    kids = _kids(region)
    below = [k.path for k in kids] if region.level != Level.COMMUNITY else []
    flows = DailyFlow.objects.filter(region=p)
    totals = ("received", "accepted", "closed", "closed_on_time", "rated", "satisfied")
    day = _sum(flows.filter(day=today), *totals)
    month = _sum(flows.filter(day__gte=month_start, day__lte=today), *totals)
    by_region: dict[str, dict] = defaultdict(dict)
    for r in (DailyFlow.objects.filter(region__in=below, day__gte=month_start, day__lte=today).values("region")
              .annotate(received=Sum("received"), closed=Sum("closed"), closed_on_time=Sum("closed_on_time"))):
        by_region[r["region"]] = r
    by_light = {x: 0 for x in Light.values}
    by_state: dict[str, int] = defaultdict(int)
    stock_by_region: dict[str, dict] = defaultdict(lambda: {"open": 0, "red": 0})
    for r in OpenStock.objects.filter(region__in=[p, *below], n__gt=0).values("region", "state", "light", "n"):
        if r["region"] == p:
            by_light[r["light"]] += r["n"]
            by_state[r["state"]] += r["n"]
        else:
            stock_by_region[r["region"]]["open"] += r["n"]
            stock_by_region[r["region"]]["red"] += r["n"] if r["light"] == Light.RED else 0
    start30 = today - dt.timedelta(days=29)
    trend30 = {r["day"]: r for r in flows.filter(day__gte=start30, day__lte=today).values("day").annotate(
        received=Sum("received"), accepted=Sum("accepted"), closed=Sum("closed"))}
    hour_now = now().astimezone(LOCAL_TZ).replace(minute=0, second=0, microsecond=0)
    hours = [hour_now - dt.timedelta(hours=23 - i) for i in range(24)]
    trend24 = {r["hour"]: r for r in HourlyFlow.objects.filter(region=p, hour__gte=hours[0]).values(
        "hour").annotate(received=Sum("received"), closed=Sum("closed"))}
    trend24 = {h.astimezone(LOCAL_TZ): v for h, v in trend24.items()}
    names = dict(Category.objects.filter(parent__isnull=True).values_list("code", "name"))
    mixes: dict[str, list] = {"category": [], "channel": []}
    for r in (MixDaily.objects.filter(region=p, day__gte=start30, day__lte=today)
              .values("kind", "code").annotate(n=Sum("n")).order_by("-n")):
        if r["n"] and r["kind"] in mixes:
            mixes[r["kind"]].append(r)
    categories = [{"code": r["code"], "name": names.get(r["code"], "未分类") if r["code"] else "未分类",
                   "count": r["n"]} for r in mixes["category"][:10]]
    channels = [{"code": r["code"], "name": str(Channel(r["code"]).label) if r["code"] in Channel.values
                 else r["code"], "count": r["n"]} for r in mixes["channel"]]
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level,
                   "level_label": str(Level(region.level).label)},
        "crumbs": [{"code": a.code, "name": a.name} for a in region.ancestors() if a.level in LEVELS_DOWN
                   and jurisdiction_of(actor).covers(PERM, a.path)] + [{"code": region.code, "name": region.name}],
        "at": now(),
        "today": {k: day[k] for k in ("received", "accepted", "closed")},
        "month": {**{k: month[k] for k in ("received", "accepted", "closed")},
                  "on_time_rate": _ratio(month["closed_on_time"], month["closed"]),
                  "satisfaction_rate": _ratio(month["satisfied"], month["rated"]),
                  "closure_rate": _ratio(month["closed"], month["accepted"])},
        "open": {"total": sum(by_light.values()), "lights": by_light,
                 "states": [{"code": s, "name": str(State(s).label), "count": by_state[s]}
                            for s in State.values if by_state.get(s)]},
        "trend24": [{"hour": f"{h:%H}:00", "received": trend24.get(h, {}).get("received", 0),
                     "closed": trend24.get(h, {}).get("closed", 0)} for h in hours],
        "trend30": [{"day": f"{d:%m-%d}", **{k: trend30.get(d, {}).get(k, 0) for k in ("received", "accepted", "closed")}}
                    for d in (start30 + dt.timedelta(days=i) for i in range(30))],
        "categories": categories,
        "channels": channels,
        "children": _children(region, kids, by_region, stock_by_region, month_start),
        "departments": departments(p, month_start, today),
        "heat": heat(p, (month_start - dt.timedelta(days=1)).replace(day=1)),
        "events": events(p),
        "hot": hot(actor, region),
        "disputes": disputes(p, month_start),
        "care": care(p),
        "duty": duty(p),
    }


def departments(path: str, start: dt.date, end: dt.date, top: int = 10) -> list[dict]:
    """承办单位排名: departments by 按期办结率 of the cases they closed in the period, then by how many."""
    from gridgov.orgs.models import OrgUnit

    rows = list(UnitDaily.objects.filter(region=path, day__gte=start, day__lte=end).values("unit_id")
                .annotate(dispatched=Sum("dispatched"), closed=Sum("closed"), closed_on_time=Sum("closed_on_time"),
                          rated=Sum("rated"), satisfied=Sum("satisfied")))
    names = dict(OrgUnit.objects.filter(pk__in=[r["unit_id"] for r in rows]).values_list("pk", "name"))
    out = [{"unit": names.get(r["unit_id"], "(已撤销)"), "dispatched": r["dispatched"], "closed": r["closed"],
            "on_time_rate": _ratio(r["closed_on_time"], r["closed"]),
            "satisfaction_rate": _ratio(r["satisfied"], r["rated"])} for r in rows]
    out.sort(key=lambda r: (-(r["on_time_rate"] or 0), -r["closed"], r["unit"]))
    return out[:top]


def events(path: str, limit: int = 300) -> list[dict]:
    """The open cases lit red or yellow, most overdue first (the map's live dots)."""
    from gridgov.cases.models import OPEN_STATES, Case

    rows = (Case.objects.filter(region_path__startswith=path, state__in=OPEN_STATES,
                                light__in=[Light.RED, Light.YELLOW], lon__isnull=False)
            .order_by("due_at").values("id", "title", "light", "lon", "lat")[:limit])
    return [{"id": r["id"], "title": r["title"], "light": r["light"], "lat": r["lat"], "lon": r["lon"]} for r in rows]


def heat(path: str, since_month: dt.date) -> list[dict]:
    """Reports per hex cell since the first day of `since_month` (the screen: this month and the last)."""
    rows = (HeatCell.objects.filter(region=path, month__gte=since_month, month__lte=local_today())
            .values("cell")
            .annotate(n=Sum("n")).order_by("-n")[:HEAT_CELLS])
    return [{"cell": r["cell"], "n": r["n"], "polygon": [[lat, lon] for lon, lat in hexbin.polygon(r["cell"])]}
            for r in rows]


def hot(actor, region: Region, top: int = 5) -> list[dict]:
    key = f"screen:hot:{region.path}"
    got = cache.get(key)
    if got is None:
        from gridgov.cases.access import visible_cases
        from gridgov.cases.hot import hot_issues

        got = [{"title": h.title, "heat": h.heat, "reports": len(h.cases), "category": h.cases[0].category.name
                if h.cases and h.cases[0].category else "未分类"}
               for h in hot_issues(visible_cases(actor).filter(region_path__startswith=region.path), top=top)]
        cache.set(key, got, HOT_SECONDS)
    return got


def disputes(path: str, month_start: dt.date) -> dict:
    from gridgov.mediation.models import OPEN_STATES, Dispute, RiskLevel

    start = dt.datetime.combine(month_start, dt.time(), tzinfo=LOCAL_TZ)
    qs = Dispute.objects.filter(region_path__startswith=path)
    month = qs.filter(accepted_at__gte=start).aggregate(
        accepted=Count("id"), resolved=Count("id", filter=Q(resolved=True, agreed_at__isnull=False)))
    open_by = dict(qs.filter(state__in=OPEN_STATES).values_list("risk_level").annotate(n=Count("id")))
    levels = [{"code": lv.code, "name": lv.name, "color": lv.color, "count": open_by.get(lv.pk, 0)}
              for lv in RiskLevel.objects.filter(is_active=True).order_by("rank")]
    return {"accepted": month["accepted"], "resolved": month["resolved"],
            "resolution_rate": _ratio(month["resolved"], month["accepted"]), "open_by_risk": levels}


def care(path: str) -> dict:
    from gridgov.care.models import CarePlan, DeviceAlarm
    from gridgov.care.models import Light as CareLight

    plans = CarePlan.objects.filter(region_path__startswith=path, state="active")
    lights = dict(plans.values_list("light").annotate(n=Count("id")))
    alarms = DeviceAlarm.objects.filter(device__region_path__startswith=path,
                                        at__gte=now() - dt.timedelta(days=1)).count()
    return {"plans": sum(lights.values()), "yellow": lights.get(CareLight.YELLOW, 0),
            "red": lights.get(CareLight.RED, 0), "alarms_24h": alarms}


def duty(path: str) -> dict:
    from gridgov.emergency.models import Callout, DutyShift
    from gridgov.orgs.models import OrgUnit, UnitKind

    t = now()
    units = OrgUnit.objects.filter(kind=UnitKind.EMERGENCY_UNIT, region__path__startswith=path, is_active=True)
    on_duty = (DutyShift.objects.filter(unit__in=units, starts_at__lte=t, ends_at__gt=t)
               .values("unit").distinct().count())
    callouts = Callout.objects.filter(region_path__startswith=path, closed_at__isnull=True).count()
    return {"units": units.count(), "on_duty": on_duty, "open_callouts": callouts}


def feed(*, actor, code: str = "", since: dt.datetime | None = None, limit: int = 30) -> dict:
    """What turned red (or came in urgent) in the region since `since` (the last 24 hours at most), newest first;
    `red` marks what the screen pops up."""
    from gridgov.care.models import CareEvent, CarePlan
    from gridgov.cases.models import CaseEvent
    from gridgov.emergency.models import Callout
    from gridgov.mediation.models import Dispute, RiskLevel

    region = region_for(actor, code)
    t = now()
    floor = t - dt.timedelta(hours=24)
    since = max(since or floor, floor)
    p = region.path
    items = []
    for e in (CaseEvent.objects.filter(at__gt=since, at__lte=t, case__region_path__startswith=p).filter(
            Q(action="sla_overdue") | Q(action="reported", case__urgency__in=[Urgency.URGENT, Urgency.CRITICAL]))
              .select_related("case").order_by("-at")[:limit]):
        red = e.action == "sla_overdue" or e.case.urgency == Urgency.CRITICAL
        items.append({"at": e.at, "kind": "case", "red": red,
                      "label": "事件超时亮红灯" if e.action == "sla_overdue" else f"{Urgency(e.case.urgency).label}事件",
                      "title": e.case.title, "id": e.case_id})
    top = RiskLevel.objects.filter(is_active=True).order_by("-rank").first()
    if top is not None:
        for d in Dispute.objects.filter(created_at__gt=since, created_at__lte=t, region_path__startswith=p, risk_level=top).order_by(
                "-created_at")[:limit]:
            items.append({"at": d.created_at, "kind": "dispute", "red": True, "label": f"{top.name}矛盾纠纷",
                          "title": d.title, "id": d.pk})
    reds = list(CareEvent.objects.filter(subject="plan", action="light", to_state="red", at__gt=since, at__lte=t)
                .order_by("-at").values_list("subject_id", "at")[:limit])
    plans = CarePlan.objects.in_bulk([i for i, _ in reds])
    for plan_id, at in reds:
        c = plans.get(plan_id)
        if c is not None and c.region_path.startswith(p):
            items.append({"at": at, "kind": "care", "red": True, "label": "关爱对象亮红灯",
                          "title": f"{c.get_group_display()} {c.address or ''}".strip(), "id": c.pk})
    for c in Callout.objects.filter(created_at__gt=since, created_at__lte=t, region_path__startswith=p).select_related("case").order_by(
            "-created_at")[:limit]:
        items.append({"at": c.created_at, "kind": "callout", "red": True, "label": "应急出警", "title": c.case.title,
                      "id": c.pk})
    items.sort(key=lambda i: i["at"], reverse=True)
    return {"at": t, "items": items[:limit]}
