from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin

from gridgov.core.edits import changes_between, field_values
from gridgov.core.errors import ApplicationError
from gridgov.core.models import AuditLog, CalendarDay, CalendarYear, ImportJob, WorkingPeriod, audit

if TYPE_CHECKING:  # the mixins below are used with ModelAdmin; for the type check they are one
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


def jurisdiction_of(user):
    """The actor's jurisdiction, from the module the settings name (accounts.scoping): core knows no accounts."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return import_string(settings.GRIDGOV_JURISDICTION)(user)


class ScopedAdminMixin(_AdminBase):
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


class ReadOnlyAdminMixin(_AdminBase):
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
        super()._post_clean()  # type: ignore[misc]  # BaseModelForm's hook, not in the stubs
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


class ServiceAdminMixin(_AdminBase):
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


class AuditedAdminMixin(_AdminBase):
    """Settings edited in the admin (SLA policies, categories, routing rules, the working calendar, roles…) leave
    an audit row per record, in the admin's own transaction: `admin.add` with the values, `admin.change` with
    each changed field's old and new value, `admin.delete` with what was removed; rows of inlines too."""

    def save_model(self, request, obj, form, change):
        before = field_values(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        self._audit_saved(request, obj, before, change)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        before = {f.instance.pk: field_values(model._default_manager.get(pk=f.instance.pk))
                  for f in formset.initial_forms if f.instance.pk and f.has_changed()}
        doomed = [(f.instance._meta.label_lower, f.instance.pk, str(f.instance), field_values(f.instance))
                  for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._audit_saved(request, obj, {}, False)
        for obj, _fields in formset.changed_objects:
            self._audit_saved(request, obj, before.get(obj.pk, {}), True)
        for label, pk, shown, values in doomed:
            audit(actor=request.user, action="admin.delete", object_type=label, object_id=str(pk),
                  object_repr=shown, detail={"values": values})

    def delete_model(self, request, obj):
        values, pk, label = field_values(obj), obj.pk, str(obj)
        super().delete_model(request, obj)
        audit(actor=request.user, action="admin.delete", object_type=obj._meta.label_lower, object_id=str(pk),
              object_repr=label, detail={"values": values})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def _audit_saved(self, request, obj, before: dict, change: bool) -> None:
        after = field_values(obj)
        if not change:
            audit(actor=request.user, action="admin.add", obj=obj, detail={"values": after})
            return
        changed = changes_between(before, after)
        if changed:
            audit(actor=request.user, action="admin.change", obj=obj, detail={"changed": changed})


class CalendarEnterForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    source = forms.CharField(label="来源", max_length=100, help_text="如 国办发明电〔2026〕X号")
    text = forms.CharField(label="节假日安排", widget=forms.Textarea(attrs={"rows": 14, "cols": 100}))
    replace = forms.BooleanField(label="覆盖已录入的安排", required=False,
                                 help_text="该年已录入时,删除该年原有的节假日/调休日,按本次内容重录")


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A year's days one by one, or all at once from the State Council notice (录入全年安排)."""

    list_display = ["year", "source", "created_at"]
    change_list_template = "core/admin_calendar_change_list.html"

    def get_urls(self):
        from django.urls import path

        return [path("enter/", self.admin_site.admin_view(self.enter_view), name="core_calendaryear_enter"),
                *super().get_urls()]

    def enter_view(self, request):
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        from gridgov.core.calendar_entry import calendar_year_enter

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CalendarEnterForm(request.POST or None)
        result, status = None, 200
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                result = calendar_year_enter(actor=request.user, year=d["year"], source=d["source"], text=d["text"],
                                             replace=d["replace"], dry_run="save" not in request.POST)
            except ApplicationError as exc:
                form.add_error(next(iter(exc.fields), None), exc.message)
            if result and result["errors"]:
                status = 400
        elif request.method == "POST":
            status = 400
        days = [{"date": d, "weekday": "一二三四五六日"[d.weekday()], "kind": CalendarDay.Kind(k).label, "name": n}
                for d, k, n in (result or {}).get("days", [])]
        return TemplateResponse(request, "core/admin_calendar_enter.html", {
            **self.admin_site.each_context(request), "title": "录入全年节假日安排", "form": form, "result": result,
            "days": days, "year": form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None,
            "holidays": sum(d["kind"] == CalendarDay.Kind.HOLIDAY.label for d in days),
            "workdays": sum(d["kind"] == CalendarDay.Kind.WORKDAY.label for d in days),
            "opts": self.model._meta,
        }, status=status)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["weekday", "start", "end"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Background imports: each one's state and result (opened on its progress page)."""

    list_display = ["title", "filename", "dry_run", "status", "progress", "created_by", "created_at", "open"]
    list_filter = ["status", "kind", "dry_run"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("created_by")
        return qs if request.user.is_superuser else qs.filter(created_by=request.user)

    @admin.display(description="进度")
    def progress(self, obj):
        return f"{obj.done}/{obj.total}" if obj.total else "-"

    @admin.display(description="结果")
    def open(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}">查看</a>', reverse("import-job", args=[obj.pk]))
