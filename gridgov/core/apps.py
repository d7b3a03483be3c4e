from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from gridgov.core.models import CalendarDay, CalendarYear, WorkingPeriod
        from gridgov.core.workingtime import reset_calendar_cache

        def reset(*args, **kwargs):
            reset_calendar_cache()

        for model in (CalendarYear, CalendarDay, WorkingPeriod):  # an edit in this process shows at once
            for signal in (post_save, post_delete):
                signal.connect(reset, sender=model, weak=False,
                               dispatch_uid=f"calendar-{model.__name__}-{signal is post_save}")
