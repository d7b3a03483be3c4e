from django import forms
from django.contrib import admin

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError
from gridgov.core.models import AuditLog, CalendarDay, CalendarYear, WorkingPeriod
from gridgov.core.workingtime import reset_calendar_cache


class ScopedAdminMixin:
    """Admin access follows gridgov's permission codes (not Django's model permissions), and staff who are
    not superusers see only what lies in their jurisdiction."""

    scope_permission: str = ""  # to view, e.g. "people:resident:list"
    scope_edit_permission: str = ""  # to add and change, e.g. "people:resident:edit"
    scope_path_field: str = ""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        q = jurisdiction_of(request.user).q(self.scope_permission, self.scope_path_field)
        return qs if q is None else qs.filter(q)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._granted(request, self.scope_permission)

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission) or self.has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._granted(request, self.scope_edit_permission)

    def has_change_permission(self, request, obj=None):
        return self._granted(request, self.scope_edit_permission)

    def has_delete_permission(self, request, obj=None):
        return False  # governance records are closed, retired or moved out, never deleted

    def _granted(self, request, code: str) -> bool:
        return bool(code) and jurisdiction_of(request.user).has_perm(code)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "action"]
    date_hierarchy = "created_at"


class ServiceModelForm(forms.ModelForm):
    """An admin form whose save is a service call. The service runs at the end of validation (inside the
    admin's transaction), so a refusal shows next to the field with everything typed kept."""

    actor = None
    saved = None

    def call_service(self, cleaned: dict):  # pragma: no cover - each form defines it
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            self.saved = self.call_service(self.cleaned_data)
        except ApplicationError as exc:
            placed = False
            for name, message in exc.fields.items():
                if name in self.fields:
                    self.add_error(name, message)
                    placed = True
            if not placed:
                self.add_error(None, exc.message)


class ServiceAdminMixin:
    """Pairs with ServiceModelForm: hands the form its actor, and saves nothing itself."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        if form.saved is not None:
            obj.pk = form.saved.pk

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class CalendarAdminMixin:
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reset_calendar_cache()


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ["year", "source", "created_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ["weekday", "start", "end"]
