from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "gridgov.mediation"
    label = "mediation"
    verbose_name = "矛盾纠纷调解"

    def ready(self):
        from gridgov.core.sweeps import register
        from gridgov.mediation.sweeper import sweep_disputes

        register("disputes", "矛盾纠纷(超期、升级)", sweep_disputes)
