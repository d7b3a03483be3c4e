from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gridgov.regions"
    label = "regions"
    verbose_name = "行政区划与网格"

    def ready(self):
        from gridgov.core.imports import register
        from gridgov.regions.importers import import_grids

        register("grids", title="导入网格(GeoJSON)", run=import_grids, permission="region:grid:import",
                 admin_path="regions/region", accept=".geojson,.json",
                 help_text="FeatureCollection;每个要素的属性:parent(所属社区编码,或微网格所属网格编码)、"
                           "name(名称)、code(可选,留空则按自西向东、自北向南编号)、grid_kind、special_kind。")
