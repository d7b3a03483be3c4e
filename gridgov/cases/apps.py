from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    label = "cases"
    verbose_name = "事件办理"

    def ready(self):
        from gridgov.cases import reference

        reference.connect()
