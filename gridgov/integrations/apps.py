from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "gridgov.integrations"
    label = "integrations"
    verbose_name = "对外接口"
