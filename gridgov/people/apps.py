from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    label = "people"
    verbose_name = "人口与房屋"

    def ready(self):
        from gridgov.core.imports import register
        from gridgov.core.xlsx import write_rows
        from gridgov.people.importers import (
            BUILDING_COLUMNS,
            BUILDING_REQUIRED,
            RESIDENT_COLUMNS,
            RESIDENT_REQUIRED,
            import_buildings,
            import_residents,
        )

        register("residents", title="导入实有人口(Excel)", run=import_residents, permission="people:resident:import",
                 admin_path="people/resident", accept=".xlsx",
                 help_text="带 * 的列必填。楼栋未登记时自动新建(须填楼栋名称);文件有任何错误时不导入任何数据。",
                 template=lambda: (write_rows(RESIDENT_COLUMNS, [], title="实有人口", required=RESIDENT_REQUIRED),
                                   "residents-template.xlsx"))
        register("buildings", title="导入楼栋(Excel)", run=import_buildings, permission="people:resident:import",
                 admin_path="people/building", accept=".xlsx",
                 help_text="带 * 的列必填;坐标系可填 wgs84 / gcj02 / bd09,默认 wgs84。",
                 template=lambda: (write_rows(BUILDING_COLUMNS, [], title="楼栋", required=BUILDING_REQUIRED),
                                   "buildings-template.xlsx"))
