from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    label = "people"
    verbose_name = "人口与房屋"

    def ready(self):
        from gridgov.core.imports import register
        from gridgov.people.importers import import_buildings, import_residents

        register("residents", title="导入实有人口(Excel)", run=import_residents, permission="people:resident:import")
        register("buildings", title="导入楼栋(Excel)", run=import_buildings, permission="people:resident:import")
