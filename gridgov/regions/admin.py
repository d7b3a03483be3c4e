from django import forms
from django.contrib import admin
from django.http import HttpResponse

from gridgov.core.admin import ScopedAdminMixin, ServiceAdminMixin, ServiceModelForm
from gridgov.regions.exporters import grids_geojson
from gridgov.regions.models import Region
from gridgov.regions.services import region_create, region_update


class RegionForm(ServiceModelForm):
    geometry_text = forms.JSONField(label="边界(GeoJSON)", required=False,
                                    help_text="Polygon 或 MultiPolygon,WGS-84 经纬度;网格不得超出所属社区、不得与相邻网格重叠")

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "grid_kind", "special_kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = "网格、微网格可留空,自动取下一个序号"
        if self.instance.pk:
            self.fields["geometry_text"].initial = self.instance.geometry
            for f in ("code", "level", "parent", "grid_kind", "special_kind"):
                self.fields[f].disabled = True

    def validate_unique(self):
        pass  # the service checks codes and says so in Chinese

    def call_service(self, cleaned):
        geometry = cleaned.get("geometry_text")
        if self.instance.pk:
            return region_update(actor=self.actor, region=self.instance, name=cleaned["name"], geometry=geometry)
        return region_create(actor=self.actor, parent=cleaned.get("parent"), level=cleaned["level"],
                             name=cleaned["name"], code=cleaned.get("code") or None, geometry=geometry,
                             grid_kind=cleaned.get("grid_kind") or "", special_kind=cleaned.get("special_kind") or "")


@admin.register(Region)
class RegionAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "region:region:list"
    scope_edit_permission = "region:region:edit"
    scope_path_field = "path"
    form = RegionForm
    list_display = ["code", "name", "level", "grid_kind", "parent", "area_m2", "is_active"]
    list_filter = ["level", "grid_kind", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "area_m2", "centroid_lon", "centroid_lat", "is_active"]
    change_list_template = "web/admin_change_list_import.html"
    actions = ["export_geojson"]

    @admin.action(description="导出所选为 GeoJSON(可再导入)")
    def export_geojson(self, request, queryset):
        response = HttpResponse(grids_geojson(queryset), content_type="application/geo+json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="regions.geojson"'
        return response

    def has_delete_permission(self, request, obj=None):
        return False  # regions are retired, never deleted


