"""Region and locator API: thin views over selectors and the locator."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.api import StrictFloatField
from gridgov.core.coords import parse_crs, validate_lonlat
from gridgov.core.errors import ApplicationError
from gridgov.regions.locator import get_locator
from gridgov.regions.models import Level, Region
from gridgov.regions.selectors import region_get, region_list


class RegionOut(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label", "parent", "grid_kind", "special_kind", "is_active",
                  "centroid_lon", "centroid_lat", "area_m2"]


class RegionDetailOut(RegionOut):
    class Meta(RegionOut.Meta):
        fields = RegionOut.Meta.fields + ["geometry", "min_lon", "min_lat", "max_lon", "max_lat"]


@extend_schema(tags=["regions"], parameters=[
    OpenApiParameter("level", str, enum=["district", "town", "community", "grid", "microgrid"]),
    OpenApiParameter("parent", str, description="上级编码"),
    OpenApiParameter("q", str, description="名称或编码前缀"),
])
class RegionListApi(ListAPIView):
    serializer_class = RegionOut

    def get_queryset(self):
        return region_list(actor=self.request.user, filters=self.request.query_params).select_related("parent")


@extend_schema(tags=["regions"])
class RegionDetailApi(RetrieveAPIView):
    serializer_class = RegionDetailOut

    def get_object(self):
        return region_get(actor=self.request.user, code=self.kwargs["code"])


class LocateIn(serializers.Serializer):
    lon = StrictFloatField()
    lat = StrictFloatField()
    crs = serializers.CharField(required=False, default="wgs84")


class PlaceOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class LocateOut(serializers.Serializer):
    lon = serializers.FloatField(help_text="WGS-84")
    lat = serializers.FloatField(help_text="WGS-84")
    found = serializers.BooleanField(help_text="是否落入(调用方管辖范围内的)网格")
    grid = PlaceOut(allow_null=True)
    microgrid = PlaceOut(allow_null=True)
    community = PlaceOut(allow_null=True)
    town = PlaceOut(allow_null=True)
    district = PlaceOut(allow_null=True)
    nearest_grid = PlaceOut(allow_null=True, help_text="未落入网格时最近的网格")
    nearest_distance_m = serializers.FloatField(allow_null=True)
    in_jurisdiction = serializers.BooleanField(help_text="是否在调用方管辖范围内;否则不返回该处区划与网格的名称、编码")
    message = serializers.CharField(required=False, help_text="不在管辖范围内时的说明")
    input = serializers.DictField(help_text="收到的坐标与坐标系")


@extend_schema(tags=["regions"], parameters=[LocateIn], summary="坐标定位到网格", responses=LocateOut)
class LocateApi(APIView):
    """Point → grid (and community, town, district). Input may be WGS-84, CGCS2000, GCJ-02 or BD-09."""

    def get(self, request):
        data = LocateIn(data=request.query_params)
        data.is_valid(raise_exception=True)
        try:
            lon, lat = validate_lonlat(data.validated_data["lon"], data.validated_data["lat"])
            crs = parse_crs(data.validated_data["crs"])
        except ValueError as exc:
            raise ApplicationError("invalid_location", str(exc))
        location = get_locator().locate(lon, lat, crs)
        result = _within_jurisdiction(request.user, location, location.as_dict())
        result["input"] = {"lon": lon, "lat": lat, "crs": crs.value}
        return Response(result)


def _within_jurisdiction(actor, location, result: dict) -> dict:
    """Names and codes only of places the caller may see (their area and its ancestors): a point elsewhere is
    only said to lie outside their jurisdiction."""
    j = jurisdiction_of(actor)
    result["in_jurisdiction"] = True
    if j.is_global:
        return result
    areas = j.paths_for("region:region:list")

    def known(path: str) -> bool:
        return any(path.startswith(a) or a.startswith(path) for a in areas)

    paths, prefix = {}, "/"
    for place in location.chain:
        prefix += place.code + "/"
        paths[place.level] = prefix
    if location.grid is not None:
        paths["grid"] = location.grid_path
        if location.microgrid is not None:
            paths["microgrid"] = location.grid_path + location.microgrid.code + "/"
    for key, level in (("district", Level.DISTRICT), ("town", Level.TOWN), ("community", Level.COMMUNITY),
                       ("grid", "grid"), ("microgrid", "microgrid")):
        if result.get(key) is not None and not known(paths.get(level, "")):
            result[key] = None
    inside = location.grid is not None and any(location.grid_path.startswith(a) for a in areas)
    if location.grid is not None and not inside:
        result.update(found=False, in_jurisdiction=False, message="该位置不在您的管辖范围内")
    if result.get("nearest_grid") is not None:
        path = Region.objects.filter(pk=location.nearest.id).values_list("path", flat=True).first() or ""
        if not any(path.startswith(a) for a in areas):
            result.update(nearest_grid=None, nearest_distance_m=None, in_jurisdiction=False,
                          message="该位置不在您的管辖范围内")
    return result
