from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "gridgov.regions"
    label = "regions"
    verbose_name = "行政区划与网格"
