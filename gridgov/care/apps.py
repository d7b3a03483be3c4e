from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gridgov.care"
    label = "care"
    verbose_name = "关爱服务"

    def ready(self):
        from gridgov.care.sweeper import sweep_care
        from gridgov.core.sweeps import register

        register("care", "关爱(黄灯/红灯、暂停到期、设备离线)", sweep_care)
