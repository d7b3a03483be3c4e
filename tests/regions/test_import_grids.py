"""GeoJSON grid import: every bad feature is listed; nothing is written until the file is clean; new grids
are numbered west→east, north→south."""

import json

from gridgov.regions.importers import import_grids
from gridgov.regions.models import Level, Region
from gridgov.regions.services import region_create
from tests.conftest import poly


def feature(parent, name, geometry, **props):
    return {"type": "Feature", "properties": {"parent": parent, "name": name, **props}, "geometry": geometry}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def empty_community(world):
    return region_create(actor=None, parent=world.town_b, level=Level.COMMUNITY, name="乙二社区",
                         code="990102002002", geometry=None)


def test_bad_features_are_listed_and_nothing_is_imported(world):
    c = empty_community(world).code
    data = collection(
        feature(c, "好网格", poly(120.02, 30.0, 120.03, 30.01)),
        feature(c, "", poly(120.03, 30.0, 120.04, 30.01)),  # 2: no name
        feature("990102002999", "无主网格", poly(120.03, 30.0, 120.04, 30.01)),  # 3: unknown parent
        feature(c, "蝴蝶", {"type": "Polygon", "coordinates": [[[120.02, 30.0], [120.03, 30.01], [120.03, 30.0],
                                                                [120.02, 30.01], [120.02, 30.0]]]}),  # 4
        feature(world.town_b.code, "挂街道", poly(120.02, 30.0, 120.03, 30.01)),  # 5: parent is a town
    )
    before = Region.objects.count()
    result = import_grids(data, actor=world.admin, dry_run=False)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {(2, "name"), (3, "parent"), (4, "geometry"), (5, "parent")}
    assert Region.objects.count() == before


def test_overlap_with_existing_and_within_the_file_names_the_grids(world):
    community = empty_community(world)
    data = collection(
        feature(community.code, "北网格", poly(120.02, 30.01, 120.03, 30.02)),
        feature(community.code, "压线网格", poly(120.02, 30.015, 120.03, 30.016)),
        feature(world.comm_b.code, "撞乙一", poly(120.021, 30.001, 120.022, 30.002)),
    )
    result = import_grids(data, actor=world.admin, dry_run=True)
    reasons = {e.row: e.reason for e in result.errors}
    assert set(reasons) == {2, 3}
    assert "北网格" in reasons[2] and "压线网格" in reasons[2]
    assert "乙一网格" in reasons[3] and world.grid_b.code in reasons[3]


def test_clean_file_is_numbered_west_east_north_south(world):
    community = empty_community(world)
    cells = {  # name: (minx, miny, maxx, maxy); two rows of two
        "西南": (120.02, 30.0, 120.03, 30.01),
        "东北": (120.03, 30.01, 120.04, 30.02),
        "东南": (120.03, 30.0, 120.04, 30.01),
        "西北": (120.02, 30.01, 120.03, 30.02),
    }
    data = collection(*[feature(community.code, n, poly(*b)) for n, b in cells.items()])
    assert import_grids(data, actor=world.admin, dry_run=True).ok
    assert not Region.objects.filter(parent=community).exists()
    result = import_grids(data, actor=world.admin, dry_run=False)
    assert result.ok and result.created == {"网格": 4}
    codes = dict(Region.objects.filter(parent=community).values_list("name", "code"))
    assert [codes[n][-3:] for n in ("西北", "东北", "西南", "东南")] == ["001", "002", "003", "004"]


def test_not_a_feature_collection(world):
    assert import_grids("{}", actor=world.admin).errors[0].reason.startswith("须为")
    assert import_grids(b"\xff\xfe", actor=world.admin).errors[0].column == "文件"


def test_export_reads_back_into_a_dry_run(world):
    from gridgov.regions.exporters import grids_feature_collection

    data = grids_feature_collection(Region.objects.filter(parent=world.comm_a))
    assert [f["properties"]["code"] for f in data["features"]] == [world.grid_a_west.code, world.grid_a_east.code]
    # re-importing the same grids is refused because they exist (codes taken, areas overlapping)
    result = import_grids(json.dumps(data), actor=world.admin, dry_run=True)
    assert {e.column for e in result.errors} == {"code", "geometry"}
    # into an empty community with codes removed, the same shapes are accepted
    community = empty_community(world)
    for f in data["features"]:
        f["properties"].update(parent=community.code, code="")
        f["geometry"]["coordinates"] = [[[x + 0.02, y] for x, y in ring] for ring in f["geometry"]["coordinates"]]
    assert import_grids(json.dumps(data), actor=world.admin, dry_run=True).errors == []


def test_admin_geojson_export_action(world, client):
    client.force_login(world.admin)
    r = client.post("/admin/regions/region/", {"action": "export_geojson",
                                               "_selected_action": [world.grid_a_west.pk, world.grid_b.pk]})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/geo+json")
    codes = [f["properties"]["code"] for f in json.loads(r.content)["features"]]
    assert codes == [world.grid_a_west.code, world.grid_b.code]


def test_wrong_shapes_are_listed_not_crashed_on(world, client):
    """A hostile or broken file: features an object, features that are scalars, properties a list."""
    square = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.001, 30.0], [120.001, 30.001], [120.0, 30.0]]]}
    shapes = [
        json.dumps({"type": "FeatureCollection", "features": {"a": 1}}),
        json.dumps({"type": "FeatureCollection", "features": [1, "x", None, [1, 2]]}),
        json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": ["parent", "name"], "geometry": square}]}),
        json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"parent": world.comm_a.code, "name": "x"}, "geometry": [1, 2]}]}),
    ]
    for text in shapes:
        result = import_grids(text, actor=world.admin, dry_run=True)
        assert result.errors and not result.ok, text
    assert [e.column for e in import_grids(shapes[1], actor=world.admin).errors] == ["要素"] * 4
    assert import_grids(shapes[2], actor=world.admin).errors[0].column == "properties"
    client.force_login(world.admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    for text in shapes:
        r = client.post("/admin/regions/region/import/", {
            "file": SimpleUploadedFile("g.geojson", text.encode(), content_type="application/geo+json"),
            "dry_run": "on"})
        assert r.status_code == 200 and "未导入任何数据" in r.content.decode()
