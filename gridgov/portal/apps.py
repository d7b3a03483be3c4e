from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gridgov.portal"
    label = "portal"
    verbose_name = "掌上社区"

    def ready(self):
        from gridgov.core.sweeps import register
        from gridgov.portal.services import remind_due

        register("portal", "掌上社区(预约提醒)", remind_due)
