from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "gridgov.analytics"
    label = "analytics"
    verbose_name = "统计分析"

    def ready(self):
        from gridgov.analytics import rollups
        from gridgov.cases.signals import cases_written
        from gridgov.core.sweeps import register

        cases_written.connect(_marked, dispatch_uid="analytics.rollups.mark")
        register("rollups", "统计汇总(待汇总事件)", rollups.fold)


def _marked(sender, ids, **kwargs):
    from gridgov.analytics.rollups import mark

    mark(ids)
