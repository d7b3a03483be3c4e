"""A small world for tests: district 测试区 with towns A and B, one community each, and grids with a shared
border and a hole; users of each town; residents in each grid."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from shapely.geometry import box, mapping

from gridgov.accounts.services import membership_grant, user_create
from gridgov.people.services import resident_create
from gridgov.regions.locator import reset_locator_cache
from gridgov.regions.models import Level
from gridgov.regions.services import region_create

PASSWORD = "Test@Passw0rd"

# Tests of pages and of the API document rather than of the database run in one pass only when both databases
# are there (scripts/test.sh): the browser stories on SQLite (what the platform starts on), the API fuzz on
# PostgreSQL (what a district deploys). Without PostgreSQL both run on SQLite. The production topology
# (tests/deploy/, its own PostgreSQL clusters, nginx …) needs neither and runs in one pass too.
ONE_PASS = {"tests/browser/": pytest.mark.browser, "tests/web/test_api_fuzz.py": pytest.mark.fuzz,
            "tests/deploy/": pytest.mark.topology}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for part, mark in ONE_PASS.items():
            if part in item.nodeid:
                item.add_marker(mark)

# Valid identity numbers (GB 11643 check digits) of nobody in particular.
ID_A1 = "110105199003070017"
ID_A2 = "110105198512120022"
ID_B1 = "310104197707070017"


def poly(minx, miny, maxx, maxy, holes=()):
    shell = box(minx, miny, maxx, maxy)
    for h in holes:
        shell = shell.difference(box(*h))
    return dict(mapping(shell))


def fix_id(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


@dataclass
class World:
    district: object
    town_a: object
    town_b: object
    comm_a: object
    comm_b: object
    grid_a_west: object
    grid_a_east: object
    grid_b: object
    admin: object
    user_a: object
    user_b: object
    worker_a: object
    resident_user: object
    res_a1: object
    res_a2: object
    res_b1: object


def make_user(username, role=None, region=None, **kw):
    user = user_create(actor=None, username=username, password=PASSWORD, display_name=username, **kw)
    if role:
        membership_grant(actor=None, user=user, role_code=role, region=region)
    return user


@pytest.fixture
def world(db) -> World:
    reset_locator_cache()
    d = region_create(actor=None, parent=None, level=Level.DISTRICT, name="测试区", code="990102",
                      geometry=poly(120.0, 30.0, 120.04, 30.02))
    ta = region_create(actor=None, parent=d, level=Level.TOWN, name="甲街道", code="990102001000",
                       geometry=poly(120.0, 30.0, 120.02, 30.02))
    tb = region_create(actor=None, parent=d, level=Level.TOWN, name="乙街道", code="990102002000",
                       geometry=poly(120.02, 30.0, 120.04, 30.02))
    ca = region_create(actor=None, parent=ta, level=Level.COMMUNITY, name="甲一社区", code="990102001001",
                       geometry=poly(120.0, 30.0, 120.02, 30.02))
    cb = region_create(actor=None, parent=tb, level=Level.COMMUNITY, name="乙一社区", code="990102002001",
                       geometry=poly(120.02, 30.0, 120.04, 30.02))
    gw = region_create(actor=None, parent=ca, level=Level.GRID, name="甲一西网格",
                       geometry=poly(120.0, 30.0, 120.01, 30.02))
    ge = region_create(actor=None, parent=ca, level=Level.GRID, name="甲一东网格",
                       geometry=poly(120.01, 30.0, 120.02, 30.02, holes=[(120.013, 30.008, 120.017, 30.012)]))
    gb = region_create(actor=None, parent=cb, level=Level.GRID, name="乙一网格",
                       geometry=poly(120.02, 30.0, 120.04, 30.02))
    admin = make_user("root", is_superuser=True)
    user_a = make_user("town_a", "center_dispatcher", ta, is_staff=True)
    user_b = make_user("town_b", "center_dispatcher", tb, is_staff=True)
    worker_a = make_user("worker_a", "grid_worker", gw, is_staff=True)
    resident_user = make_user("resident_a", "resident", gw)
    r1 = resident_create(actor=None, grid=gw, name="张三", id_number=ID_A1, phone="13800138000")
    r2 = resident_create(actor=None, grid=ge, name="李四", id_number=ID_A2, phone="13900139000")
    r3 = resident_create(actor=None, grid=gb, name="王五", id_number=ID_B1, phone="13700137000")
    r1.user = resident_user
    r1.save(update_fields=["user"])
    return World(d, ta, tb, ca, cb, gw, ge, gb, admin, user_a, user_b, worker_a, resident_user, r1, r2, r3)


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    def client_for(user=None):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return client_for


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Process-level caches (snapshots of reference data, locator, rate-limit counters) must not carry one test's data into the next."""
    from django.core.cache import cache

    from gridgov.accounts.authentication import forget_tokens
    from gridgov.cases import sweeper
    from gridgov.core.snapshot import reset_snapshots

    cache.clear()
    forget_tokens()
    reset_snapshots()
    reset_locator_cache()
    sweeper._calendar_years_tried = None
    from gridgov.cases import sla

    sla._reminded.clear()
    yield
    reset_snapshots()
    reset_locator_cache()


def fresh_window(seconds=60):
    """Rate limits count in fixed one-minute windows: start well inside one, so that the requests of a test are
    never split across two windows (which made such tests fail now and then)."""
    import time

    if time.time() % seconds > seconds - 10:
        time.sleep(seconds - time.time() % seconds + 0.1)


def form_values(html: str) -> dict:
    """What a browser would submit from the page's form, as it stands: inputs (checked boxes only), selected
    options and text areas. Tests change a few values and post the rest back (admin pages with inlines)."""
    from html.parser import HTMLParser

    values: dict[str, object] = {}

    def put(name, value):
        if name in values:  # several values of one name (a multiple select)
            old = values[name]
            values[name] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            values[name] = value

    class Parser(HTMLParser):
        select = textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image"):
                if a.get("type") in ("checkbox", "radio"):
                    if "checked" in a:
                        put(name, a.get("value", "on"))
                else:
                    put(name, a.get("value", ""))
            elif tag == "select" and name:
                self.select = name
            elif tag == "option" and self.select and "selected" in a:
                put(self.select, a.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea, values[name] = name, ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                if str(values[self.textarea]).startswith("\n"):  # as browsers do, drop the newline after the tag
                    values[self.textarea] = values[self.textarea][1:]
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                values[self.textarea] += data

    Parser().feed(html)
    values.pop("csrfmiddlewaretoken", None)
    return values
