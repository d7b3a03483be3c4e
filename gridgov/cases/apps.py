from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    label = "cases"
    verbose_name = "事件办理"

    def ready(self):
        from gridgov.cases import reference
        from gridgov.cases.retention import anonymise_due
        from gridgov.core.sweeps import register

        reference.connect()
        register("case_retention", "事件保存期限(匿名化)", anonymise_due)
