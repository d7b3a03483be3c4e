from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "gridgov.points"
    label = "points"
    verbose_name = "积分与兑换"

    def ready(self):
        from gridgov.core.sweeps import register
        from gridgov.points.sweeper import sweep_points

        register("points", "积分(自动奖励、过期、逾期未领、红灰榜到期)", sweep_points)
