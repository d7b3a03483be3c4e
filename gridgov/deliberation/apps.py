from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "gridgov.deliberation"
    label = "deliberation"
    verbose_name = "协商议事"

    def ready(self):
        from gridgov.core.sweeps import register
        from gridgov.deliberation.services import advance_due

        register("deliberation", "议事(附议到期、开始表决、计票公布、评议结束)", advance_due)
