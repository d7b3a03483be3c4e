from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "gridgov.triage"
    label = "triage"
    verbose_name = "智能分拨"
