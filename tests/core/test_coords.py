"""Conversion between WGS-84, GCJ-02 and BD-09, against published reference pairs."""

import pytest

from gridgov.core import coords
from gridgov.core.coords import haversine_m

# googollee/eviltransform test vectors: (wgs lat, wgs lon, gcj lat, gcj lon)
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# wandergis/coordtransform README, input (116.404, 39.915) in each direction
COORDTRANSFORM = {
    "wgs84_to_gcj02": (116.41024449916938, 39.91640428150164),
    "gcj02_to_bd09": (116.41036949371029, 39.92133699351021),
    "bd09_to_gcj02": (116.39762729119315, 39.90865673957631),
    "gcj02_to_wgs84": (116.39775550083061, 39.91359571849836),  # their one-step approximation
}


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_reference(wlat, wlon, glat, glon):
    lon, lat = coords.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-7)
    assert lat == pytest.approx(glat, abs=1e-7)


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM)
def test_gcj02_to_wgs84_inverts_to_centimetres(wlat, wlon, glat, glon):
    lon, lat = coords.gcj02_to_wgs84(glon, glat)
    assert haversine_m(lon, lat, wlon, wlat) < 0.01


@pytest.mark.parametrize("name", ["wgs84_to_gcj02", "gcj02_to_bd09"])
def test_coordtransform_reference(name):
    lon, lat = getattr(coords, name)(116.404, 39.915)
    assert (lon, lat) == pytest.approx(COORDTRANSFORM[name], abs=1e-9)


def test_bd09_to_gcj02_agrees_with_the_published_inverse_and_round_trips():
    lon, lat = coords.bd09_to_gcj02(116.404, 39.915)
    assert haversine_m(lon, lat, *COORDTRANSFORM["bd09_to_gcj02"]) < 0.5  # theirs is the closed form
    assert coords.gcj02_to_bd09(lon, lat) == pytest.approx((116.404, 39.915), abs=1e-10)


def test_gcj02_inverse_round_trips_below_a_millimetre():
    lon, lat = coords.gcj02_to_wgs84(116.404, 39.915)
    back = coords.wgs84_to_gcj02(lon, lat)
    assert haversine_m(*back, 116.404, 39.915) < 0.001
    assert haversine_m(lon, lat, *COORDTRANSFORM["gcj02_to_wgs84"]) < 5  # the one-step value is metres off


def test_bd09_round_trip_through_wgs84():
    for lon, lat in [(113.3245, 23.1064), (121.4737, 31.2304), (104.0668, 30.5728)]:
        blon, blat = coords.wgs84_to_bd09(lon, lat)
        assert haversine_m(blon, blat, lon, lat) > 100  # BD-09 really is offset
        assert haversine_m(*coords.bd09_to_wgs84(blon, blat), lon, lat) < 0.001


def test_outside_china_is_unchanged():
    assert coords.wgs84_to_gcj02(2.3522, 48.8566) == (2.3522, 48.8566)
    assert coords.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_to_wgs84_dispatches_on_crs():
    lon, lat = coords.wgs84_to_gcj02(113.3, 23.1)
    assert coords.to_wgs84(lon, lat, "gcj02") == pytest.approx((113.3, 23.1), abs=1e-8)
    assert coords.to_wgs84(113.3, 23.1, "cgcs2000") == (113.3, 23.1)
    blon, blat = coords.wgs84_to_bd09(113.3, 23.1)
    assert coords.to_wgs84(blon, blat, "BD-09") == pytest.approx((113.3, 23.1), abs=1e-8)
    with pytest.raises(ValueError, match="不支持的坐标系"):
        coords.parse_crs("utm50")


@pytest.mark.parametrize("lon,lat,msg", [("x", 1, "数字"), (181, 0, "经度"), (0, -91, "纬度"),
                                         (float("nan"), 0, "有限")])
def test_validate_lonlat_errors(lon, lat, msg):
    with pytest.raises(ValueError, match=msg):
        coords.validate_lonlat(lon, lat)
