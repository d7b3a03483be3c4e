"""`gridgov demo`: a fictional but realistic district from a fixed seed. Regions and grids go through the
region services (so their validation proves the tiling); people are bulk-inserted for speed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cache

from django.db import transaction
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import unary_union
from stdnum.cn import ric, uscc

from gridgov.accounts.models import RoleCode, User
from gridgov.accounts.services import membership_grant, user_create
from gridgov.core.identity import id_hash_kind, parse_id_number
from gridgov.core.pii import set_pii
from gridgov.demo import geography as geo
from gridgov.demo import names as N
from gridgov.demo.geography import point_in
from gridgov.orgs.models import DepartmentType, OrgUnit, UnitKind
from gridgov.orgs.services import org_unit_create
from gridgov.people.models import (
    Building,
    BuildingUnit,
    FocusGroup,
    FocusGroupMembership,
    Gender,
    Household,
    Organisation,
    ResidenceType,
    Resident,
)
from gridgov.regions.geometry import parse_polygon, to_geojson
from gridgov.regions.models import GridKind, Level, Region, SpecialKind
from gridgov.regions.services import order_west_east_north_south, region_create

DISTRICT_CODE = "990101000000"  # province code 99 does not exist: clearly fictional
DISTRICT_NAME = "青禾区"
DEMO_PASSWORD = "Gridgov@2026"
SPECIAL_SITES = [(SpecialKind.SCHOOL, "青禾第一小学"), (SpecialKind.MARKET, "望江农贸市场"),
                 (SpecialKind.HOSPITAL, "南塘卫生院"), (SpecialKind.INDUSTRIAL_PARK, "石桥工业园")]


@dataclass
class DemoLogin:
    username: str
    role: str
    where: str


@dataclass
class DemoResult:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def _polygonal(geom):
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    return unary_union([g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)])


_OVERSEAS = [("John Smith", "passport"), ("Maria Garcia", "passport"), ("Kim Minjun", "passport"),
             ("Tanaka Yuki", "passport"), ("Nguyen Van An", "passport"), ("陈家豪", "hk_macao_permit"),
             ("黄嘉欣", "hk_macao_permit"), ("何文俊", "hk_macao_permit"), ("林志明", "taiwan_permit")]


def _overseas_person(rng: random.Random, used: set[str]) -> tuple[str, str, str]:
    """A name, a document type and a number of the right shape for people from Hong Kong, Taiwan and abroad."""
    name, id_type = rng.choice(_OVERSEAS)
    while True:
        number = {"passport": lambda: rng.choice("EGKPX") + f"{rng.randrange(10**7, 10**8)}",
                  "hk_macao_permit": lambda: rng.choice("HM") + f"{rng.randrange(10**7, 10**8)}",
                  "taiwan_permit": lambda: f"{rng.randrange(10**7, 10**8)}"}[id_type]()
        if f"{id_type}:{number}" not in used:
            used.add(f"{id_type}:{number}")
            return name, id_type, number


def _id_number(rng: random.Random, birth: dt.date, gender: str, used: set[str]) -> str:
    while True:
        county = rng.choice(N.BIRTH_COUNTIES)
        seq = rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
        body = f"{county}{birth:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number in used or not _county_existed(county, birth.year):
            continue
        used.add(number)
        return number


@cache
def _county_existed(county: str, year: int) -> bool:
    """Whether a 身份证号 of someone born in `year` may carry this county code (codes come and go; the check
    depends on the code and the year only, so it is asked once per pair)."""
    body = f"{county}{year}0101001"
    try:
        parse_id_number(body + ric.calc_check_digit(body + "0"))
    except ValueError:
        return False
    return True


def _uscc(rng: random.Random, used: set[str]) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        body = "91" + "440106" + "".join(rng.choice(alphabet) for _ in range(9))
        number = body + uscc.calc_check_digit(body + "0")
        if number not in used and uscc.is_valid(number):
            used.add(number)
            return number


def _name(rng: random.Random) -> str:
    return rng.choice(N.SURNAMES) + "".join(rng.choice(N.GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(["135", "138", "139", "150", "158", "186", "188", "199"]) + f"{rng.randrange(10**8):08d}"


def build_regions(rng: random.Random) -> dict:
    cells = geo.cells(rng)
    district = region_create(actor=None, parent=None, level=Level.DISTRICT, name=DISTRICT_NAME, code=DISTRICT_CODE,
                             geometry=to_geojson(geo.union(c.polygon for c in cells.values())))
    towns, communities, grids = [], [], []
    for t, town_cells in enumerate(geo.towns()):
        town = region_create(actor=None, parent=district, level=Level.TOWN, name=N.TOWNS[t],
                             code=f"{DISTRICT_CODE[:6]}{t + 1:03d}000",
                             geometry=to_geojson(geo.union(cells[c].polygon for c in town_cells)))
        towns.append(town)
        for k, comm_cells in enumerate(geo.communities(town_cells)):
            word = N.COMMUNITY_WORDS[t * 5 + k]
            community = region_create(
                actor=None, parent=town, level=Level.COMMUNITY, name=f"{word}社区",
                code=f"{town.code[:9]}{k + 1:03d}",
                geometry=to_geojson(geo.union(cells[c].polygon for c in comm_cells)),
            )
            communities.append(community)
            polys = [cells[c].polygon for c in comm_cells]
            special = None
            if k == 2:  # one site per town, carved out of the third community's first grid
                polys[0], site = geo.carve_special(polys[0])
                special = site
            order = order_west_east_north_south(
                [(p.centroid.x, p.centroid.y) for p in polys], [p.bounds[3] - p.bounds[1] for p in polys]
            )
            for serial, idx in enumerate(order, start=1):
                grid = region_create(actor=None, parent=community, level=Level.GRID,
                                     name=f"{word}社区第{serial}网格", code=f"{community.code}{serial:03d}",
                                     geometry=to_geojson(polys[idx]), grid_kind=GridKind.BASIC)
                grids.append((grid, polys[idx]))
                for m, half in enumerate(geo.halves(polys[idx]), start=1):
                    region_create(actor=None, parent=grid, level=Level.MICROGRID, name=f"{grid.name}{m}号微网格",
                                  code=f"{grid.code}{m:02d}", geometry=to_geojson(_polygonal(half)))
            if special is not None:
                kind, site_name = SPECIAL_SITES[t]
                region_create(actor=None, parent=community, level=Level.GRID, name=f"{site_name}专属网格",
                              code=f"{community.code}{len(polys) + 1:03d}", geometry=to_geojson(special),
                              grid_kind=GridKind.SPECIAL, special_kind=kind)
    return {"district": district, "towns": towns, "communities": communities, "grids": grids}


def build_orgs(regions: dict) -> dict:
    district, towns, communities = regions["district"], regions["towns"], regions["communities"]
    units = {}

    def add(code, name, kind, region, **extra):
        units[code] = org_unit_create(actor=None, code=code, name=name, kind=kind, region=region, **extra)
        return units[code]

    add("GC-990101", f"{DISTRICT_NAME}社会治安综合治理中心", UnitKind.GOVERNANCE_CENTER, district, phone="020-12345000")
    departments = [
        (DepartmentType.HOUSING, "住房和城乡建设局"), (DepartmentType.URBAN_MANAGEMENT, "城市管理和综合执法局"),
        (DepartmentType.ECOLOGY, "生态环境分局"), (DepartmentType.HUMAN_RESOURCES, "人力资源和社会保障局"),
        (DepartmentType.EDUCATION, "教育局"), (DepartmentType.HEALTH, "卫生健康局"),
        (DepartmentType.TRANSPORT, "交通运输局"), (DepartmentType.MARKET_REGULATION, "市场监督管理局"),
        (DepartmentType.EMERGENCY_MANAGEMENT, "应急管理局"), (DepartmentType.CIVIL_AFFAIRS, "民政局"),
        (DepartmentType.WATER, "水务局"), (DepartmentType.FIRE, "消防救援大队"),
    ]
    for dtype, name in departments:
        add(f"DEPT-{dtype.value}", f"{DISTRICT_NAME}{name}", UnitKind.DEPARTMENT, district, department_type=dtype)
    for town in towns:
        add(f"GC-{town.code[:9]}", f"{town.name}综治中心", UnitKind.GOVERNANCE_CENTER, town)
        add(f"PS-{town.code[:9]}", f"{town.name.removesuffix('街道').removesuffix('镇')}派出所", UnitKind.POLICE_STATION,
            town, department_type=DepartmentType.PUBLIC_SECURITY)
        add(f"JO-{town.code[:9]}", f"{town.name}司法所", UnitKind.JUDICIAL_OFFICE, town,
            department_type=DepartmentType.JUSTICE)
        add(f"MC-{town.code[:9]}", f"{town.name}人民调解委员会", UnitKind.MEDIATION_COMMITTEE, town)
        add(f"CG-{town.code[:9]}", f"{town.name}城管执法中队", UnitKind.DEPARTMENT, town,
            department_type=DepartmentType.URBAN_MANAGEMENT)
    used_uscc: set[str] = set()
    rng = random.Random(7)
    for k, community in enumerate(communities):
        add(f"GC-{community.code}", f"{community.name}综治中心", UnitKind.GOVERNANCE_CENTER, community)
        add(f"MC-{community.code}", f"{community.name}人民调解委员会", UnitKind.MEDIATION_COMMITTEE, community)
        add(f"EU-{community.code}", f"{community.name}最小应急单元", UnitKind.EMERGENCY_UNIT, community,
            lon=community.centroid_lon, lat=community.centroid_lat, members_count=8 + k % 5,
            equipment="灭火器、急救箱、应急照明、对讲机", duty_hours="24小时")
        # every community has a property company serving it
        add(f"PM-{community.code}", f"{community.name.removesuffix('社区')}物业服务有限公司",
            UnitKind.PROPERTY_COMPANY, community, department_type=DepartmentType.PROPERTY,
            uscc=_uscc(rng, used_uscc))
    return units


def build_people(rng: random.Random, regions: dict, scale: int) -> dict[str, int]:
    today = dt.date(2026, 11, 1)
    used_ids: set[str] = set()
    used_uscc: set[str] = set(OrgUnit.objects.exclude(uscc="").values_list("uscc", flat=True))
    counts = {"buildings": 0, "households": 0, "residents": 0, "organisations": 0}
    residents: list[Resident] = []
    organisations: list[Organisation] = []
    focus: list[tuple[int, str]] = []  # (index in residents, group)
    microgrids: dict[int, list] = {}  # grid id → [(microgrid, its polygon)], parsed once
    for m in Region.objects.filter(level=Level.MICROGRID, parent__path__startswith=regions["district"].path):
        microgrids.setdefault(m.parent_id, []).append((m, parse_polygon(m.geometry)))
    for grid, poly in regions["grids"]:
        # a grid's buildings, units and households are written in three bulk INSERTs (the residents in batches)
        buildings: list[Building] = []
        units_made: list[BuildingUnit] = []
        households: list[Household] = []
        estate = rng.choice(N.COMMUNITY_WORDS) + rng.choice(N.ESTATES)
        street = rng.choice(N.STREETS)
        for b in range(1, 3 * scale + 1):
            lon, lat = point_in(rng, poly)
            micro = next((m for m, shape in microgrids.get(grid.pk, []) if shape.contains(Point(lon, lat))), None)
            building = Building(
                grid=grid, microgrid=micro, number=f"{b:05d}", name=f"{estate}{b}栋",
                address=f"{street}{rng.randrange(1, 400)}号{estate}{b}栋", floors=rng.choice((6, 7, 9, 11, 18, 26)),
                lon=lon, lat=lat,
            )
            buildings.append(building)
            counts["buildings"] += 1
            units = [BuildingUnit(building=building, number=str(u)) for u in (1, 2)]
            units_made += units
            for unit in units:
                for floor in (1, 2, 3, 4):
                    room = f"{floor}0{rng.choice((1, 2))}"
                    household = Household(
                        building=building, unit=unit, room=room, grid=grid,
                        kind=rng.choices(list(Household.Kind.values)[:3], weights=(75, 20, 5))[0],
                    )
                    households.append(household)
                    counts["households"] += 1
                    if household.kind == Household.Kind.VACANT:
                        continue
                    size = rng.choices((1, 2, 3, 4, 5), weights=(12, 30, 30, 20, 8))[0]
                    surname = rng.choice(N.SURNAMES)
                    floating = household.kind == Household.Kind.RENTED
                    for p in range(size):
                        if p == 0:
                            age = rng.randint(25, 88)
                        elif p == 1:
                            age = rng.randint(23, 85)
                        else:
                            age = rng.randint(0, 40)
                        birth = today - dt.timedelta(days=age * 365 + rng.randrange(365))
                        gender = rng.choice((Gender.MALE, Gender.FEMALE))
                        name = (surname if p != 1 else rng.choice(N.SURNAMES)) + "".join(
                            rng.choice(N.GIVEN) for _ in range(rng.choice((1, 2, 2))))
                        if floating and size == 1 and rng.random() < 0.25:  # a renter from HK, Taiwan, abroad
                            name, id_type, number = _overseas_person(rng, used_ids)
                            r = Resident(name=name, gender=gender, birth_date=birth, id_type=id_type,
                                         residence_type=ResidenceType.OVERSEAS, household=household, grid=grid,
                                         address=building.address + f"{unit.number}单元{room}", relation_to_head="户主")
                            set_pii(r, "id_number", id_hash_kind(id_type), number)
                        else:
                            number = _id_number(rng, birth, gender, used_ids)
                            r = Resident(
                                name=name, gender=gender, birth_date=birth,  # the date in the number
                                ethnicity=rng.choice(N.ETHNICITIES),
                                residence_type=ResidenceType.FLOATING if floating else ResidenceType.REGISTERED,
                                household=household, grid=grid, address=building.address + f"{unit.number}单元{room}",
                                relation_to_head=["户主", "配偶", "子女", "子女", "父母"][p],
                            )
                            set_pii(r, "id_number", "id_number", number)
                        set_pii(r, "phone", "phone", _phone(rng) if age >= 16 else "")
                        residents.append(r)
                        if age >= 65 and size == 1:
                            focus.append((len(residents) - 1, FocusGroup.LIVING_ALONE_ELDERLY))
                        elif age >= 65 and rng.random() < 0.3:
                            focus.append((len(residents) - 1, FocusGroup.EMPTY_NEST_ELDERLY))
                        if age < 14 and rng.random() < 0.05:
                            focus.append((len(residents) - 1, FocusGroup.LEFT_BEHIND_CHILD))
                        if rng.random() < 0.015:
                            focus.append((len(residents) - 1, FocusGroup.DISABLED))
                        if rng.random() < 0.02:
                            focus.append((len(residents) - 1, FocusGroup.LOW_INCOME))
        for _ in range(rng.randint(1, 3) * scale):
            kind = rng.choices(list(Organisation.Kind.values)[:3], weights=(25, 65, 10))[0]
            title = {"enterprise": rng.choice(N.COMMUNITY_WORDS) + rng.choice(N.COMPANIES),
                     "shop": _name(rng)[:1] + "记" + rng.choice(N.SHOPS),
                     "social_org": grid.name[:4] + rng.choice(N.SOCIAL_ORGS)}[kind]
            org = Organisation(name=title, kind=kind, grid=grid, address=f"{street}{rng.randrange(1, 400)}号",
                               legal_representative=_name(rng), employees=rng.randint(1, 60),
                               uscc=_uscc(rng, used_uscc) if kind != "shop" or rng.random() < 0.5 else "")
            org.lon, org.lat = point_in(rng, poly)
            set_pii(org, "phone", "phone", _phone(rng))
            organisations.append(org)
            counts["organisations"] += 1
        Building.objects.bulk_create(buildings)
        BuildingUnit.objects.bulk_create(units_made)  # each unit's building has its key now
        Household.objects.bulk_create(households)
        if len(residents) >= 5000:
            _flush(residents, focus, counts)
    _flush(residents, focus, counts)
    Organisation.objects.bulk_create(organisations, batch_size=2000)
    return counts


def _flush(residents: list, focus: list, counts: dict) -> None:
    created = Resident.objects.bulk_create(residents, batch_size=2000)
    FocusGroupMembership.objects.bulk_create(
        [FocusGroupMembership(resident=created[i], group=g) for i, g in focus], batch_size=2000,
        ignore_conflicts=True,
    )
    counts["residents"] += len(residents)
    residents.clear()
    focus.clear()


def build_logins(regions: dict, units: dict) -> list[DemoLogin]:
    district, town = regions["district"], regions["towns"][0]
    community = regions["communities"][0]
    grid = regions["grids"][0][0]
    microgrid = Region.objects.filter(parent=grid).order_by("code").first()
    plan = [
        ("admin", "系统管理员", RoleCode.ADMIN, district, None, True),
        ("district", "区综治中心调度员", RoleCode.CENTER_DISPATCHER, district, units["GC-990101"], False),
        ("leader", "区综治中心领导", RoleCode.CENTER_LEADER, district, units["GC-990101"], False),
        ("town", f"{town.name}综治中心调度员", RoleCode.CENTER_DISPATCHER, town, units[f"GC-{town.code[:9]}"], False),
        ("town2", f"{regions['towns'][1].name}综治中心调度员", RoleCode.CENTER_DISPATCHER, regions["towns"][1],
         units[f"GC-{regions['towns'][1].code[:9]}"], False),
        ("community", f"{community.name}综治中心调度员", RoleCode.CENTER_DISPATCHER, community,
         units[f"GC-{community.code}"], False),
        ("gridchief", f"{community.name}网格长", RoleCode.GRID_CHIEF, community, None, False),
        ("gridworker", f"{grid.name}网格员", RoleCode.GRID_WORKER, grid, None, False),
        ("buildinghead", f"{microgrid.name}楼栋长", RoleCode.BUILDING_HEAD, microgrid, None, False),
        ("handler", f"{town.name}城管执法中队处置人员", RoleCode.DEPARTMENT_HANDLER, town,
         units[f"CG-{town.code[:9]}"], False),
        ("mediator", f"{town.name}调解员", RoleCode.MEDIATOR, town, units[f"MC-{town.code[:9]}"], False),
        ("responder", f"{community.name}最小应急单元队员", RoleCode.EMERGENCY_RESPONDER, community,
         units[f"EU-{community.code}"], False),
        ("volunteer", "流动网格员(快递员)", RoleCode.MOBILE_VOLUNTEER, town, None, False),
        ("resident", "居民", RoleCode.RESIDENT, grid, None, False),
    ]
    logins = []
    rng = random.Random(99)
    for username, label, role, region, unit, superuser in plan:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=None, username=username, password=DEMO_PASSWORD,
                               display_name=_name(rng) if not superuser else "管理员", phone=_phone(rng),
                               is_staff=superuser or role not in (RoleCode.RESIDENT, RoleCode.MOBILE_VOLUNTEER),
                               is_superuser=superuser)
            membership_grant(actor=None, user=user, role_code=role, region=region, unit=unit)
            if role == RoleCode.RESIDENT:
                resident = Resident.objects.filter(grid=grid, user__isnull=True).order_by("id").first()
                if resident is not None:
                    Resident.objects.filter(pk=resident.pk).update(user=user)
        logins.append(DemoLogin(username, label, region.name))
    return logins


def demo_exists() -> bool:
    return Region.objects.filter(code=DISTRICT_CODE).exists()


def existing_logins() -> list[DemoLogin]:
    out = []
    users = User.objects.filter(memberships__region__path__startswith=f"/{DISTRICT_CODE}/").exclude(
        password__startswith="!")  # the replay's helper accounts have no password and no log-in
    for u in users.distinct().order_by("id"):
        m = u.memberships.select_related("role", "region").first()
        out.append(DemoLogin(u.username, m.role.name, m.region.name))
    return out


def build_demo(*, seed: int = 20261123, scale: int = 1, history_days: int = 90, cases_per_day: int = 30) -> DemoResult:
    """Build the demo district once; a second call changes nothing and reports the log-ins."""
    if demo_exists():
        return DemoResult(created=False, logins=existing_logins())
    rng = random.Random(seed)
    with transaction.atomic():
        regions = build_regions(rng)
        units = build_orgs(regions)
        counts = build_people(rng, regions, scale)
        logins = build_logins(regions, units)
        if history_days:
            from gridgov.demo.history import build_history

            counts.update(build_history(days=history_days, per_day=cases_per_day))
            from gridgov.demo.disputes import build_disputes

            counts.update(build_disputes())
            from gridgov.demo.points import build_points

            counts.update(build_points())
            from gridgov.demo.care import build_care

            counts.update(build_care())
            from gridgov.demo.deliberation import build_deliberation

            counts.update(build_deliberation())
            from gridgov.demo.portal import build_portal

            counts.update(build_portal())
            from gridgov.demo.supervision import build_supervision

            counts.update(build_supervision())
            from gridgov.analytics.rollups import rebuild

            rebuild()  # the big screen's rollups, counted once from the history just written
    counts.update(
        grids=Region.objects.filter(level=Level.GRID).count(),
        communities=len(regions["communities"]),
        units=OrgUnit.objects.count(),
    )
    return DemoResult(created=True, counts=counts, logins=logins)
