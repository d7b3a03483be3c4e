"""Who handles a case: routing rules (most specific wins), then the category's default department type;
and, for urgent safety events, the nearest emergency units ("就近处置、多点响应、梯次增援")."""

from __future__ import annotations

import datetime as dt
import math

from gridgov.cases import reference
from gridgov.cases.models import Case, Category, RoutingRule, TriageClass
from gridgov.core.coords import haversine_m
from gridgov.core.timeutil import local, now
from gridgov.orgs.models import OrgUnit, UnitKind


def _in_window(rule: RoutingRule, at) -> bool:
    if rule.start_time is None or rule.end_time is None:
        return True
    t = local(at).time()
    if rule.start_time <= rule.end_time:
        return rule.start_time <= t < rule.end_time
    return t >= rule.start_time or t < rule.end_time  # a window over midnight, e.g. 22:00–06:00


def suggest_unit(case: Case, at=None) -> OrgUnit | None:
    at = at or now()
    code = case.category.code if case.category is not None else ""
    best, best_key = None, None
    rules = RoutingRule.objects.filter(is_active=True, unit__is_active=True).select_related("category", "region", "unit")
    for rule in rules:
        category, region = rule.category, rule.region  # selected with the rule
        if category is not None and not code.startswith(category.code):
            continue
        if region is not None and not case.region_path.startswith(region.path):
            continue
        if not _in_window(rule, at):
            continue
        key = (len(category.code) if category is not None else 0, len(region.path) if region is not None else 0,
               rule.start_time is not None)
        if best_key is None or key > best_key:
            best, best_key = rule.unit, key
    if best is not None:
        return best
    return default_department(case.category, case.region_path) or suggested_department(case)


def default_department(category: Category | None, region_path: str) -> OrgUnit | None:
    """The department of the category's type that serves the case's place, the closest one first."""
    while category is not None and not category.department_type:
        category = category.parent
    if category is None:
        return None
    return closest_of_type(category.department_type, region_path)


def closest_of_type(department_type: str, region_path: str) -> OrgUnit | None:
    candidates = [u for u in OrgUnit.objects.filter(department_type=department_type, is_active=True)
                  .exclude(kind=UnitKind.GOVERNANCE_CENTER).select_related("region")
                  if region_path.startswith(u.region.path)]
    return max(candidates, key=lambda u: len(u.region.path), default=None)


def suggested_department(case: Case) -> OrgUnit | None:
    """智能分拨: for a case no rule or category routes, the closest unit of the type its words suggest."""
    if not case.suggested_class:
        return None
    mapped = TriageClass.objects.filter(label=case.suggested_class).values_list("department_type", flat=True).first()
    return closest_of_type(mapped, case.region_path) if mapped else None


def confident_department(case: Case) -> tuple[OrgUnit, str] | None:
    """智能分拨, automatic: the unit of the case's suggested class when the class is set to dispatch at once above a
    confidence (`TriageClass.auto_dispatch_at`) and the suggestion reaches it; with the note its timeline row says."""
    if not case.suggested_class or case.suggested_confidence is None:
        return None
    at = TriageClass.objects.filter(label=case.suggested_class).values_list("auto_dispatch_at", flat=True).first()
    if at is None or case.suggested_confidence < at:
        return None
    unit = suggested_department(case)
    if unit is None:
        return None
    return unit, f"智能分拨自动派遣:「{case.suggested_class}」置信度 {case.suggested_confidence:.2f} ≥ {at:.2f}"


def class_of(unit: OrgUnit) -> str:
    """The classifier's class of a unit's department type ("" when none or several are mapped to it)."""
    labels = list(TriageClass.objects.filter(department_type=unit.department_type).values_list("label", flat=True)) \
        if unit.department_type else []
    return labels[0] if len(labels) == 1 else ""


def nearest_emergency_units(lon: float, lat: float, n: int = 3,
                            radius_m: float | None = None) -> list[tuple[OrgUnit, float]]:
    """The `n` nearest active emergency units with their distance (m); within `radius_m` when given — then only the
    units in a box around the point are read (index orgunit_kind_place), not every unit of the province."""
    units = OrgUnit.objects.filter(kind=UnitKind.EMERGENCY_UNIT, is_active=True, lon__isnull=False)
    if radius_m is not None:
        dlat = radius_m / 111_000
        dlon = radius_m / (111_000 * max(math.cos(math.radians(lat)), 0.01))
        units = units.filter(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))
    ranked = sorted(((u, haversine_m(lon, lat, u.lon, u.lat)) for u in units if u.lon is not None and u.lat is not None),
                    key=lambda x: x[1])
    return ranked[:n]


def district_path() -> str:
    """Where a place in no grid belongs: the district's region path (its center sees it)."""
    from gridgov.regions.models import Level, Region

    d = Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code").first()
    return d.path if d else "/"


def district_path_for(*, located=None, actor=None) -> str:
    """Where something in no grid belongs in a province of many districts: the district of the nearest grid (a
    point just outside the grids), else the district of the actor's own area (an address alone), else the first
    district."""
    district = located.nearest_district() if located is not None else None
    if district is not None:
        return f"/{district.code}/"
    if getattr(actor, "pk", None):
        from gridgov.accounts.scoping import jurisdiction_of

        paths = sorted(g.path for g in jurisdiction_of(actor).grants if g.path.strip("/"))
        if paths:
            return "/" + paths[0].strip("/").split("/")[0] + "/"
    return district_path()


def center_for(region_path: str) -> OrgUnit | None:
    """The governance center closest to the place: community, else town, else district."""
    codes = [c for c in region_path.strip("/").split("/") if c]
    centers = reference.center_by_region_code()
    for code in reversed(codes):
        if code in centers:
            return centers[code]
    return None


def parent_center(center: OrgUnit) -> OrgUnit | None:
    region = center.region.parent
    while region is not None:
        found = OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER, is_active=True, region=region).first()
        if found:
            return found
        region = region.parent
    return None


ESCALATION_GRACE_MINUTES = 240  # when a case's policy names none


def escalation_step(center: OrgUnit, sla: dict | None, at: dt.datetime, *,
                    parent_of=parent_center) -> tuple[OrgUnit | None, dt.datetime | None]:
    """提级 ("社区解决不了的反映给街里"), decided in one place for the center's button and the sweeper: the center
    above `center` that takes the case over (None at the top), and when the case goes up again if it is still
    stuck there — after the policy's grace, unless that center is the top."""
    target = parent_of(center)
    if target is None:
        return None, None
    grace = dt.timedelta(minutes=int((sla or {}).get("grace", ESCALATION_GRACE_MINUTES)))
    return target, (at + grace if parent_of(target) is not None else None)
