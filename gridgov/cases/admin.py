from django import forms
from django.contrib import admin

from gridgov.cases.models import (
    Case,
    CaseEvent,
    Category,
    CategoryQuestion,
    ExtensionRequest,
    IngestSource,
    QueuedReport,
    RoutingRule,
    SlaPolicy,
    SlaTarget,
    TriageClass,
    TriageCorrection,
)
from gridgov.core.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedAdminMixin


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "time_basis", "warn_ratio", "escalate_grace_minutes"]
    inlines = [SlaTargetInline]


class CategoryQuestionForm(forms.ModelForm):
    class Meta:
        model = CategoryQuestion
        fields = ["code", "description", "datatype", "datatype_description", "required", "order", "values"]
        help_texts = {
            "values": '单选、多选题的选项,如 [{"key": "small", "name": "少量"}, {"key": "large", "name": "大量"}];其他类型留空 []',
            "required": "必答题会让不提问的渠道(12345热线、传感器、Open311 未答)上报失败,请慎用",
        }

    def clean(self):
        data = super().clean() or {}
        kind, values = data.get("datatype"), data.get("values")
        lists = (CategoryQuestion.Datatype.SINGLE, CategoryQuestion.Datatype.MULTI)
        if values is None or kind is None:
            return data
        if kind in lists:
            ok = isinstance(values, list) and values and all(
                isinstance(v, dict) and str(v.get("key") or "").strip() and str(v.get("name") or "").strip()
                for v in values)
            if not ok:
                self.add_error("values", '单选、多选题须列出选项,每项含 key 和 name,如 [{"key": "small", "name": "少量"}]')
            elif len({v["key"] for v in values}) != len(values):
                self.add_error("values", "选项的 key 不能重复")
        elif values not in ([], {}, ""):
            self.add_error("values", "只有单选、多选题有选项,其他类型请留空 []")
        return data


class CategoryQuestionInline(admin.StackedInline):
    """补充问题: asked when reporting in the category (the resident's form, the grid worker's, Open311)."""

    model = CategoryQuestion
    form = CategoryQuestionForm
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "department_type", "sla_policy", "default_urgency", "photo_required",
                    "on_the_spot_allowed", "auto_dispatch", "is_safety", "is_active"]
    list_filter = ["kind", "is_active", "is_safety"]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["sla_policy"]
    inlines = [CategoryQuestionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "start_time", "end_time", "is_active"]
    autocomplete_fields = ["region", "unit"]
    list_select_related = ["category", "region", "unit"]


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseEvent
    fields = readonly_fields = ("at", "action_label", "from_state", "to_state", "actor", "actor_unit", "note")

    @admin.display(description="动作")
    def action_label(self, obj) -> str:
        from gridgov.cases.workflow import action_label

        return action_label(obj.action)
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: cases change only through the workflow (API and console)."""

    scope_permission = "case:case:list"
    scope_path_field = "region_path"
    list_display = ["id", "title", "state", "channel", "category", "grid", "light", "due_at", "created_at"]
    list_filter = ["state", "channel", "light", "urgency"]
    search_fields = ["title", "description", "external_ref"]
    list_select_related = ["category", "grid"]
    inlines = [CaseEventInline]
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return self._granted(request, self.scope_permission)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "unit", "minutes", "status", "requested_at", "decided_at"]


@admin.register(IngestSource)
class IngestSourceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "channel", "default_category", "dedupe_minutes", "is_active"]
    readonly_fields = ["key_hash"]


@admin.register(QueuedReport)
class QueuedReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """先受理后立案的上报 (`Prefer: respond-async`): what became of each — the case, or why it was refused."""

    list_display = ["received_at", "actor", "status", "case", "error_code", "error_message", "processed_at"]
    list_filter = ["status", "error_code"]
    list_select_related = ["actor", "case"]
    exclude = ["payload_enc", "fingerprint"]


@admin.register(TriageClass)
class TriageClassAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """智能分拨: which department type each of the classifier's classes stands for in this district."""

    list_display = ["label", "department_type", "auto_dispatch_at"]


@admin.register(TriageCorrection)
class TriageCorrectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "case", "suggested_class", "suggested_confidence", "unit", "chosen_class", "actor"]
    list_filter = ["suggested_class", "chosen_class"]
    list_select_related = ["case", "unit", "actor"]
