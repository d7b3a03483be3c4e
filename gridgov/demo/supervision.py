"""监督考核 for the demo: the compounds of 和平社区 (one per grid, the first two by the community's property company and
a second company brought in for the others, one of them an old compound checked monthly), two months of
inspections through the services — most items pass, a few fail with their photos and become rectification cases,
most put right in time —, today's inspections waiting for the `gridworker` log-in, and a week of that worker's
patrols (three patrol points in their grid, the rounds walked with the phone recording the track, two afternoon
rounds missed)."""

from __future__ import annotations

import datetime as dt
import io
import random

from PIL import Image

from gridgov.accounts.models import Membership
from gridgov.cases import services as cases
from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import clock_at, local, now
from gridgov.demo.history import _actors, staff_read_messages
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.orgs.services import org_unit_create
from gridgov.regions.models import Level, Region
from gridgov.supervision import services as sv
from gridgov.supervision.models import Checklist, Compound, Inspection

NAMES = ["和平里小区", "和平新村", "滨江花园", "纺织厂宿舍", "幸福家园", "翠苑小区"]
FAIL_ODDS = {"garbage": 0.25, "ads": 0.3, "ground_lock": 0.15, "illegal_building": 0.05, "fire_passage": 0.1,
             "greenery": 0.15, "lights": 0.1, "security": 0.1}


def _photo(rng: random.Random) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(out, "JPEG")
    return out.getvalue()


def build_supervision(*, days: int = 60, seed: int = 91) -> dict[str, int]:
    rng = random.Random(seed)
    officer_m = Membership.objects.filter(user__username="community").select_related("user", "region").first()
    worker_m = Membership.objects.filter(user__username="gridworker").select_related("user").first()
    if officer_m is None or worker_m is None:
        return {}
    officer, community, worker = officer_m.user, officer_m.region, worker_m.user
    own = OrgUnit.objects.filter(kind=UnitKind.PROPERTY_COMPANY, region=community).first()
    other = org_unit_create(actor=None, code=f"PM2-{community.code}", name="安居物业管理有限公司",
                            kind=UnitKind.PROPERTY_COMPANY, region=community, department_type="property")
    half, monthly = Checklist.objects.get(name="物业服务半月检查"), Checklist.objects.get(name="老旧小区月度检查")
    grids = list(Region.objects.filter(parent=community, level=Level.GRID).order_by("code"))
    compounds = []
    for k, grid in enumerate(grids[: len(NAMES)]):
        old = NAMES[k] == "纺织厂宿舍"
        compounds.append(Compound.objects.create(
            name=NAMES[k], grid=grid, region_path=grid.path, property_company=own if k < 2 else other, is_old=old,
            checklist=monthly if old else half, address=f"{community.name}{NAMES[k]}",
            inspector=worker if k == 0 else None))
    end = now()
    start = end - dt.timedelta(days=days)
    actors = _actors()
    n = 0
    for c in compounds:
        every = c.checklist.every_days
        day = start + dt.timedelta(days=rng.randrange(every))
        inspector = c.inspector or _grid_worker(c) or worker
        while day < end - dt.timedelta(days=1):
            with clock_at(day.replace(hour=9)):
                i = sv.inspection_schedule(actor=officer, compound=c, due_on=local(day).date(), inspector=inspector)
            items = list(c.checklist.items.all())
            results = {it.code: rng.random() >= FAIL_ODDS.get(it.code, 0.1) for it in items}
            photos = {code: ("p.jpg", _photo(rng)) for code, ok in results.items() if not ok}
            with clock_at(day.replace(hour=10, minute=rng.randrange(60))):
                i = sv.inspection_submit(actor=inspector, inspection=i, results=results, photos=photos)
            n += 1
            if i.failed_count:
                later = day + dt.timedelta(days=rng.choice([1, 2, 3, 5]))
                fixed = {code: rng.random() < 0.85 for code, ok in results.items() if not ok}
                _rectify(i, day.replace(hour=11), later.replace(hour=14), fixed, actors, end)
                if later < end:
                    with clock_at(later.replace(hour=15)):
                        sv.inspection_reinspect(actor=inspector, inspection=i, fixed=fixed)
            day += dt.timedelta(days=every)
    with clock_at(end):
        due = sv.schedule_due(at=end)
        if compounds and not Inspection.objects.filter(compound=compounds[0], state="scheduled").exists():
            sv.inspection_schedule(actor=officer, compound=compounds[0], due_on=local(end).date())  # gridworker's
            due += 1
    from gridgov.supervision.models import SmartCriterion
    from gridgov.supervision.smart import smart_check

    codes = list(SmartCriterion.objects.filter(is_active=True).values_list("code", flat=True))
    for k, c in enumerate(compounds):  # 智慧小区核查: the old compound has little of it
        with clock_at(end - dt.timedelta(days=3 + k)):
            smart_check(actor=officer, compound=c, met={code: rng.random() < (0.3 if c.is_old else 0.75)
                                                        for code in codes})
    walks = _patrols(rng, worker, end)
    staff_read_messages(end)
    return {"compounds": len(compounds), "inspections": n, "inspections_due": due,
            "inspections_waiting": Inspection.objects.filter(state="scheduled").count(), "patrol_positions": walks}


PATROL_POINTS = ("小区东门", "农贸市场", "社区卫生服务站")


def _patrols(rng: random.Random, worker, end: dt.datetime, days: int = 7) -> int:
    """The worker's last `days` days of patrols: each round a walk past the grid's points (a position every 30 s,
    sent through `track_record` as the phone would) with a check-in at the first; on two days the afternoon round
    is missed. Returns the positions stored."""
    from gridgov.core.timeutil import LOCAL_TZ
    from gridgov.demo.geography import point_in
    from gridgov.regions.geometry import parse_polygon
    from gridgov.supervision.models import PatrolPoint
    from gridgov.supervision.patrol import track_record

    m = Membership.objects.filter(user=worker, role__code="grid_worker").select_related("region").first()
    if m is None or not m.region.geometry:
        return 0
    grid, poly = m.region, parse_polygon(m.region.geometry)
    points = [PatrolPoint.objects.create(grid=grid, name=name, lon=lon, lat=lat, radius_m=80)
              for name, (lon, lat) in zip(PATROL_POINTS, (point_in(rng, poly) for _ in PATROL_POINTS), strict=True)]
    stops = [(p.lon, p.lat) for p in points] + [(points[0].lon, points[0].lat)]  # back to the start
    missed = set(rng.sample(range(1, days + 1), 2))
    stored = 0
    today = local(end).date()
    for k in range(days, 0, -1):
        day = today - dt.timedelta(days=k)
        for hour, afternoon in ((8, False), (14, True)):
            if afternoon and k in missed:
                continue
            t = dt.datetime.combine(day, dt.time(hour, rng.randrange(10, 50)), tzinfo=LOCAL_TZ)
            with clock_at(t):
                cases.patrol_checkin(actor=worker, lon=stops[0][0], lat=stops[0][1], note="例行巡查")
            batch = []
            for (a_lon, a_lat), (b_lon, b_lat) in zip(stops, stops[1:], strict=False):
                for step in range(12):  # six minutes between two stops, a position every 30 s
                    f = step / 12
                    batch.append({"at": (t + dt.timedelta(seconds=30 * len(batch))).isoformat(),
                                  "lon": a_lon + (b_lon - a_lon) * f + rng.uniform(-0.00005, 0.00005),
                                  "lat": a_lat + (b_lat - a_lat) * f + rng.uniform(-0.00005, 0.00005),
                                  "accuracy": rng.randrange(5, 30)})
            with clock_at(t + dt.timedelta(seconds=30 * len(batch))):
                stored += track_record(actor=worker, points=batch)["stored"]
    return stored


def _grid_worker(compound):
    m = Membership.objects.filter(region=compound.grid, role__code="grid_worker", is_active=True).first()
    return m.user if m else None


def _rectify(inspection, t, done_at, fixed: dict, actors: dict, end) -> None:
    """The center sends each rectification case to the compound's property company, which signs for it and, where
    the re-inspection finds it put right, reports it done; the center checks it on the spot."""
    company = inspection.property_company
    handler = actors["handlers"].get(company.pk) if company else None
    for r in inspection.results.filter(passed=False).select_related("item"):
        case = Case.objects.get(pk=r.case_id)
        center = actors["dispatchers"].get(case.owner_center_id)
        if center is None or handler is None:
            continue
        try:
            with clock_at(t + dt.timedelta(minutes=20)):
                cases.case_accept(case=case, actor=center)
            with clock_at(t + dt.timedelta(minutes=30)):
                cases.case_dispatch(case=Case.objects.get(pk=case.pk), actor=center, unit=company)
            with clock_at(t + dt.timedelta(hours=2)):
                cases.case_acknowledge(case=Case.objects.get(pk=case.pk), actor=handler)
            if fixed.get(r.item.code) and done_at < end:
                with clock_at(done_at - dt.timedelta(hours=2)):
                    cases.case_report_done(case=Case.objects.get(pk=case.pk), actor=handler, note="已整改完毕",
                                           photos=[("after.jpg", _photo(random.Random(r.pk)))])
                with clock_at(done_at):
                    cases.case_verify(case=Case.objects.get(pk=case.pk), actor=center, passed=True,
                                      note="复查已整改")
        except ApplicationError:
            continue
