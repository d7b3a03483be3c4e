from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "gridgov.emergency"
    label = "emergency"
    verbose_name = "最小应急单元"

    def ready(self):
        from gridgov.cases.signals import safety_reported
        from gridgov.core.sweeps import register
        from gridgov.emergency.services import on_safety_reported
        from gridgov.emergency.sweeper import sweep_callouts

        safety_reported.connect(on_safety_reported, dispatch_uid="emergency.callout_open")
        register("emergency", "应急响应(梯次增援)", sweep_callouts)
