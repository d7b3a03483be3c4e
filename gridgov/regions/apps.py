from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gridgov.regions"
    label = "regions"
    verbose_name = "行政区划与网格"

    def ready(self):
        from gridgov.core.imports import register
        from gridgov.regions.importers import import_grids

        register("grids", title="导入网格(GeoJSON)", run=import_grids, permission="region:grid:import")
