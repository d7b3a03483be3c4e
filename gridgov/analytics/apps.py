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
        register("reports", "月报周报(到期生成)", _reports_due)


def _marked(sender, ids, **kwargs):
    from gridgov.analytics.rollups import mark

    mark(ids)


def _reports_due() -> int:
    from gridgov.analytics.reports import reports_due

    return reports_due()
