from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "gridgov.integrations"
    label = "integrations"
    verbose_name = "对外接口"

    def ready(self):
        from gridgov.core.sweeps import register
        from gridgov.integrations.receipts import process_pending

        register("receipts", "受理回执", process_pending)
