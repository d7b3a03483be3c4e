from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gridgov.supervision"
    label = "supervision"
    verbose_name = "监督考核"

    def ready(self):
        from gridgov.core.sweeps import register
        from gridgov.supervision.score import publish_due
        from gridgov.supervision.services import schedule_due

        register("supervision", "物业检查(到期安排)", schedule_due)
        register("supervision_publish", "物业信用分通报(按月发布)", publish_due)
